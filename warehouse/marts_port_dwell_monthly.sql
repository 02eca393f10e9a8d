-- Purpose: how long containers and wagons stay in the ports.
-- Grain: UTC month in which the equipment left the port × port × equipment kind.
-- A visit runs from the first arrival event (DISCHARGED or INTERCHANGE_IN, any mode) to the first
-- departure event after it (LOADED or INTERCHANGE_OUT, any mode).
DELETE FROM marts.port_dwell_monthly;

INSERT INTO marts.port_dwell_monthly
WITH port_events AS (
    SELECT e.location_code AS port_unlocode, e.equipment_kind,
           coalesce(e.container_no, e.wagon_no) AS equipment_no, e.event_time_utc,
           e.event_type IN ('DISCHARGED', 'INTERCHANGE_IN') AS is_arrival,
           e.event_type IN ('LOADED', 'INTERCHANGE_OUT') AS is_departure
    FROM core.fact_equipment_event AS e
    JOIN core.dim_location AS l ON l.location_code = e.location_code AND l.location_type = 'PORT'
    WHERE e.event_type IN ('DISCHARGED', 'INTERCHANGE_IN', 'LOADED', 'INTERCHANGE_OUT')
      AND coalesce(e.container_no, e.wagon_no) IS NOT NULL
),
numbered AS (
    -- Events between two departures belong to one visit: number them by the departures before them.
    SELECT *,
           coalesce(sum(is_departure::INTEGER) OVER (
               PARTITION BY port_unlocode, equipment_kind, equipment_no ORDER BY event_time_utc, is_departure
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS visit
    FROM port_events
),
visits AS (
    SELECT port_unlocode, equipment_kind, equipment_no, visit,
           min(event_time_utc) FILTER (WHERE is_arrival) AS arrived_utc,
           min(event_time_utc) FILTER (WHERE is_departure) AS left_utc
    FROM numbered
    GROUP BY ALL
)
SELECT
    date_trunc('month', left_utc)::DATE AS month,
    port_unlocode,
    equipment_kind,
    count(*)::BIGINT AS moves,
    median((epoch(left_utc) - epoch(arrived_utc)) / 3600.0)::DOUBLE AS median_dwell_hours,
    quantile_cont((epoch(left_utc) - epoch(arrived_utc)) / 3600.0, 0.9)::DOUBLE AS p90_dwell_hours
FROM visits
WHERE arrived_utc IS NOT NULL AND left_utc IS NOT NULL
GROUP BY ALL;
