-- Purpose: Track and Trace: each container's latest event, its stage, and on a XIAN-BAKU journey in progress its ETA.
-- Grain: one row per container_no in core.fact_equipment_event (the key of marts.container_status in corridor.models).
-- "Latest" orders a container's events by (event_time_utc, published_utc, event_id), so ties are deterministic.
-- ETA: the in-progress journey's latest milestone + the median hours from that milestone to arrival over the
-- completed journeys that departed in [departure - 90 days, departure); a journey with a null leg after that
-- milestone cannot contribute. Reads marts.container_transit, so it runs after marts_container_transit.sql.
DELETE FROM marts.container_status;

INSERT INTO marts.container_status
WITH events AS (
    SELECT e.*, (e.event_time_utc, e.published_utc, e.event_id) AS recency
    FROM core.fact_equipment_event AS e
    WHERE e.container_no IS NOT NULL
),
latest AS (
    SELECT container_no, event_type, transport_mode, event_time_utc, location_code, operator_code
    FROM events
    QUALIFY row_number() OVER (PARTITION BY container_no ORDER BY recency DESC) = 1
),
named AS (
    -- Each carrier reference from the latest event that names it (an earlier one where the latest names none).
    SELECT container_no,
           arg_max(waybill_no, recency) FILTER (WHERE waybill_no IS NOT NULL) AS waybill_no,
           arg_max(train_no, recency) FILTER (WHERE train_no IS NOT NULL) AS train_no,
           arg_max(vessel_imo, recency) FILTER (WHERE vessel_imo IS NOT NULL) AS vessel_imo
    FROM events
    GROUP BY container_no
),
status AS (
    SELECT l.container_no, l.event_type, l.transport_mode, l.event_time_utc, l.location_code, l.operator_code,
           n.waybill_no, n.train_no, n.vessel_imo,
           CASE
               WHEN l.event_type = 'DELIVERED'
                 OR (l.event_type = 'ARRIVED' AND l.location_code = c.destination_location_code) THEN 'DELIVERED'
               WHEN l.event_type = 'LOADED' AND l.transport_mode = 'VESSEL'
                AND l.operator_code IN ('AKTAU_PORT', 'BAKU_PORT') THEN 'AT_SEA'
               WHEN l.operator_code = 'KTZ' THEN 'KZ_RAIL'
               WHEN l.operator_code = 'AKTAU_PORT' THEN 'AKTAU_PORT'
               WHEN l.operator_code = 'BAKU_PORT' THEN 'BAKU_PORT'
               WHEN l.operator_code = 'ADY' THEN 'AZ_RAIL'
           END AS stage
    FROM latest AS l
    JOIN named AS n USING (container_no)
    LEFT JOIN core.fact_consignment AS c ON c.waybill_no = n.waybill_no   -- the destination of its waybill
),
in_progress AS (
    -- The container's latest journey, when it has not arrived; a delivered container is not in progress
    -- even where its arrival milestone is missing.
    SELECT t.container_no, t.departed_utc
    FROM marts.container_transit AS t
    JOIN status AS s ON s.container_no = t.container_no AND s.stage <> 'DELIVERED'
    QUALIFY row_number() OVER (PARTITION BY t.container_no ORDER BY t.departed_utc DESC) = 1
        AND t.arrived_utc IS NULL
),
milestones AS (
    -- The milestones of marts_container_transit.sql, defined as there: each the container's first such event
    -- after the departure, within the journey's window (the latest journey has no next departure: 60 days).
    SELECT
        p.container_no, p.departed_utc,
        min(e.event_time_utc) FILTER (WHERE e.operator_code = 'KTZ' AND e.event_type = 'INTERCHANGE_OUT'
                                        AND l.served_port_code IS NOT NULL) AS kz_out_utc,
        min(e.event_time_utc) FILTER (WHERE e.operator_code = 'AKTAU_PORT' AND e.event_type = 'LOADED'
                                        AND e.transport_mode = 'VESSEL') AS aktau_loaded_utc,
        min(e.event_time_utc) FILTER (WHERE e.operator_code = 'BAKU_PORT' AND e.event_type = 'DISCHARGED'
                                        AND e.transport_mode = 'VESSEL') AS baku_discharged_utc,
        min(e.event_time_utc) FILTER (WHERE e.operator_code = 'ADY' AND e.event_type = 'INTERCHANGE_IN'
                                        AND l.served_port_code IS NOT NULL) AS az_in_utc
    FROM in_progress AS p
    LEFT JOIN core.fact_equipment_event AS e
      ON e.container_no = p.container_no AND e.event_time_utc > p.departed_utc
     AND e.event_time_utc < p.departed_utc + INTERVAL 60 DAY
    LEFT JOIN core.dim_location AS l ON l.location_code = e.location_code
    GROUP BY ALL
),
latest_milestone AS (
    -- The furthest milestone along the corridor that has happened (1 departure ... 5 ADY INTERCHANGE_IN at Alat).
    SELECT container_no, departed_utc,
           CASE WHEN az_in_utc IS NOT NULL THEN 5
                WHEN baku_discharged_utc IS NOT NULL THEN 4
                WHEN aktau_loaded_utc IS NOT NULL THEN 3
                WHEN kz_out_utc IS NOT NULL THEN 2
                ELSE 1 END AS milestone,
           coalesce(az_in_utc, baku_discharged_utc, aktau_loaded_utc, kz_out_utc, departed_utc) AS milestone_utc
    FROM milestones
),
to_arrival AS (
    -- Each completed journey of the window: its hours from this milestone to arrival, the sum of the legs after
    -- it (null, so not counted, where one of those legs is null).
    SELECT m.container_no, m.milestone_utc,
           CASE m.milestone
               WHEN 1 THEN t.kz_rail_hours + t.aktau_dwell_hours + t.sea_hours + t.baku_dwell_hours + t.az_rail_hours
               WHEN 2 THEN t.aktau_dwell_hours + t.sea_hours + t.baku_dwell_hours + t.az_rail_hours
               WHEN 3 THEN t.sea_hours + t.baku_dwell_hours + t.az_rail_hours
               WHEN 4 THEN t.baku_dwell_hours + t.az_rail_hours
               WHEN 5 THEN t.az_rail_hours
           END AS hours
    FROM latest_milestone AS m
    JOIN marts.container_transit AS t
      ON t.arrived_utc IS NOT NULL
     AND t.departed_utc >= m.departed_utc - INTERVAL 90 DAY AND t.departed_utc < m.departed_utc
),
eta AS (
    SELECT container_no,
           -- to the whole second
           make_timestamp(epoch_us(any_value(milestone_utc))
                          + CAST(round(median(hours) * 3600) AS BIGINT) * 1000000) AS eta_utc,
           count(hours) AS eta_basis
    FROM to_arrival
    WHERE hours IS NOT NULL
    GROUP BY container_no
)
SELECT
    CAST(s.container_no AS VARCHAR) AS container_no,
    CAST(s.event_type AS VARCHAR) AS last_event_type,
    CAST(s.transport_mode AS VARCHAR) AS last_transport_mode,
    CAST(s.event_time_utc AS TIMESTAMP) AS last_event_utc,
    CAST(s.location_code AS VARCHAR) AS last_location_code,
    CAST(s.operator_code AS VARCHAR) AS last_operator_code,
    CAST(s.waybill_no AS VARCHAR) AS waybill_no,
    CAST(s.train_no AS VARCHAR) AS train_no,
    CAST(s.vessel_imo AS VARCHAR) AS vessel_imo,
    CAST(s.stage AS VARCHAR) AS stage,
    CAST(x.eta_utc AS TIMESTAMP) AS eta_utc,
    CAST(x.eta_basis AS BIGINT) AS eta_basis
FROM status AS s
LEFT JOIN eta AS x USING (container_no);
