-- Purpose: the warehouse's integrity after a load: unique keys and references to the dimensions.
-- Grain: one row per check, with the rows it examined and the rows that violate it. Any violation fails the run.
WITH
unique_keys AS (
    SELECT 'unique:core.fact_equipment_event' AS check_name, count(*) AS checked, count(*) - count(DISTINCT event_id) AS violations FROM core.fact_equipment_event
    UNION ALL SELECT 'unique:core.fact_consignment', count(*), count(*) - count(DISTINCT waybill_no) FROM core.fact_consignment
    UNION ALL SELECT 'unique:core.fact_vessel_call', count(*), count(*) - count(DISTINCT call_id) FROM core.fact_vessel_call
    UNION ALL SELECT 'unique:core.fact_vessel_call_version', count(*), count(*) - count(DISTINCT (call_id, published_utc)) FROM core.fact_vessel_call_version
    UNION ALL SELECT 'unique:core.fact_train_stop', count(*), count(*) - count(DISTINCT (operator_code, train_no, service_date, stop_seq)) FROM core.fact_train_stop
    UNION ALL SELECT 'unique:core.dim_location', count(*), count(*) - count(DISTINCT location_code) FROM core.dim_location
    UNION ALL SELECT 'unique:marts.corridor_volume_monthly', count(*), count(*) - count(DISTINCT (month, direction)) FROM marts.corridor_volume_monthly
    UNION ALL SELECT 'unique:marts.container_transit', count(*), count(*) - count(DISTINCT (container_no, waybill_no, departed_utc)) FROM marts.container_transit
    UNION ALL SELECT 'unique:marts.train_service_monthly', count(*), count(*) - count(DISTINCT (month, service_code)) FROM marts.train_service_monthly
    UNION ALL SELECT 'unique:marts.schedule_adherence_monthly', count(*), count(*) - count(DISTINCT (month, operator_code, kind)) FROM marts.schedule_adherence_monthly
    UNION ALL SELECT 'unique:marts.port_dwell_monthly', count(*), count(*) - count(DISTINCT (month, port_unlocode, equipment_kind)) FROM marts.port_dwell_monthly
    UNION ALL SELECT 'unique:marts.waybill_reconciliation', count(*), count(*) - count(DISTINCT (waybill_no, issue)) FROM marts.waybill_reconciliation
    UNION ALL SELECT 'unique:quality.quarantine', count(*), count(*) - count(DISTINCT (operator_code, feed, coalesce(source_record_id, record_hash), source_revision)) FROM quality.quarantine
),
foreign_keys AS (
    SELECT 'references:fact_equipment_event.location_code' AS check_name, count(*) AS checked,
           count(*) FILTER (WHERE l.location_code IS NULL) AS violations
    FROM core.fact_equipment_event AS e LEFT JOIN core.dim_location AS l USING (location_code)
    UNION ALL
    SELECT 'references:fact_equipment_event.operator_code', count(*), count(*) FILTER (WHERE o.operator_code IS NULL)
    FROM core.fact_equipment_event AS e LEFT JOIN core.dim_operator AS o USING (operator_code)
    UNION ALL
    SELECT 'references:fact_consignment.locations', count(*),
           count(*) FILTER (WHERE (c.origin_location_code IS NOT NULL AND o.location_code IS NULL)
                               OR (c.destination_location_code IS NOT NULL AND d.location_code IS NULL))
    FROM core.fact_consignment AS c
    LEFT JOIN core.dim_location AS o ON o.location_code = c.origin_location_code
    LEFT JOIN core.dim_location AS d ON d.location_code = c.destination_location_code
    UNION ALL
    SELECT 'references:fact_train_stop.location_code', count(*), count(*) FILTER (WHERE l.location_code IS NULL)
    FROM core.fact_train_stop AS s LEFT JOIN core.dim_location AS l USING (location_code)
    UNION ALL
    SELECT 'references:fact_vessel_call.port_unlocode', count(*), count(*) FILTER (WHERE l.location_code IS NULL)
    FROM core.fact_vessel_call AS c LEFT JOIN core.dim_location AS l ON l.location_code = c.port_unlocode
    UNION ALL
    SELECT 'references:fact_vessel_call_version.call_id', count(*), count(*) FILTER (WHERE c.call_id IS NULL)
    FROM core.fact_vessel_call_version AS v LEFT JOIN core.fact_vessel_call AS c USING (call_id)
)
SELECT check_name, checked::BIGINT AS checked, violations::BIGINT AS violations FROM unique_keys
UNION ALL
SELECT check_name, checked::BIGINT, violations::BIGINT FROM foreign_keys
ORDER BY check_name;
