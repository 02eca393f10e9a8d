-- Purpose: the warehouse's references to the dimensions after a load; with the unique-key checks, which are
-- generated from the models' grains, these are the warehouse checks (corridor.warehouse.checks.run_warehouse_checks).
-- Grain: one row per check, with the rows it examined and the rows that violate it. Any violation fails the run.
SELECT 'references:fact_equipment_event.location_code' AS check_name, count(*)::BIGINT AS checked,
       count(*) FILTER (WHERE l.location_code IS NULL)::BIGINT AS violations
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
ORDER BY check_name;
