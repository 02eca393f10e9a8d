-- Purpose: `corridor track`: the current stage of what is tracked and, on a XIAN-BAKU journey in progress, its ETA.
-- Grain: one row (none when nothing is tracked): a container's marts.container_status row; for a wagon or a
-- waybill, the stage of the latest listed event ($last_event_id, with $waybill_no the latest listed waybill) by
-- the rule of marts_container_status.sql, and, for a waybill, its container's status and ETA while the container
-- still travels on it (its latest waybill). A wagon has no ETA: the ETA is a container journey's.
WITH latest AS (
    SELECT e.event_type, e.transport_mode, e.location_code, e.operator_code, e.container_no,
           c.destination_location_code
    FROM core.fact_equipment_event AS e
    LEFT JOIN core.fact_consignment AS c ON c.waybill_no = $waybill_no
    WHERE e.event_id = $last_event_id
),
tracked AS (
    SELECT s.*
    FROM marts.container_status AS s
    WHERE ($kind = 'CONTAINER' AND s.container_no = $id)
       OR ($kind = 'WAYBILL' AND s.waybill_no = $id AND s.container_no IN (SELECT container_no FROM latest))
),
journey AS (
    -- The container's latest XIAN-BAKU journey (marts.container_transit), as marts.container_status takes it.
    SELECT t.container_no, t.departed_utc, t.arrived_utc
    FROM marts.container_transit AS t
    JOIN tracked USING (container_no)
    QUALIFY row_number() OVER (PARTITION BY t.container_no ORDER BY t.departed_utc DESC) = 1
),
computed AS (
    SELECT CASE
               WHEN l.event_type = 'DELIVERED'
                 OR (l.event_type = 'ARRIVED' AND l.location_code = l.destination_location_code) THEN 'DELIVERED'
               WHEN l.event_type = 'LOADED' AND l.transport_mode = 'VESSEL'
                AND l.operator_code IN ('AKTAU_PORT', 'BAKU_PORT') THEN 'AT_SEA'
               WHEN l.operator_code = 'KTZ' THEN 'KZ_RAIL'
               WHEN l.operator_code = 'AKTAU_PORT' THEN 'AKTAU_PORT'
               WHEN l.operator_code = 'BAKU_PORT' THEN 'BAKU_PORT'
               WHEN l.operator_code = 'ADY' THEN 'AZ_RAIL'
           END AS stage
    FROM latest AS l
)
SELECT
    coalesce(s.stage, c.stage) AS stage,
    s.container_no, s.waybill_no, s.train_no, s.vessel_imo, s.eta_utc, s.eta_basis,
    j.departed_utc AS journey_departed_utc, j.arrived_utc AS journey_arrived_utc,
    coalesce(j.departed_utc IS NOT NULL AND j.arrived_utc IS NULL AND s.stage <> 'DELIVERED', false)
        AS journey_in_progress
FROM computed AS c
LEFT JOIN tracked AS s ON true
LEFT JOIN journey AS j ON j.container_no = s.container_no;
