-- Purpose: match each planned stop with the same railway's tracking events of the same train at the same place.
-- Grain: one row per planned stop (updates core.fact_train_stop in place).
-- The earliest ARRIVED/INTERCHANGE_IN within 24 h of the planned arrival is the arrival; the earliest
-- DEPARTED/PASSED/INTERCHANGE_OUT within 24 h of the planned departure is the departure.
UPDATE core.fact_train_stop AS t
SET actual_arrival_utc = m.actual_arrival_utc, actual_departure_utc = m.actual_departure_utc
FROM (
    SELECT
        s.operator_code, s.train_no, s.service_date, s.stop_seq,
        min(e.event_time_utc) FILTER (
            WHERE e.event_type IN ('ARRIVED', 'INTERCHANGE_IN')
              AND abs(epoch(e.event_time_utc) - epoch(s.planned_arrival_utc)) <= 86400
        ) AS actual_arrival_utc,
        min(e.event_time_utc) FILTER (
            WHERE e.event_type IN ('DEPARTED', 'PASSED', 'INTERCHANGE_OUT')
              AND abs(epoch(e.event_time_utc) - epoch(s.planned_departure_utc)) <= 86400
        ) AS actual_departure_utc
    FROM core.fact_train_stop AS s
    LEFT JOIN core.fact_equipment_event AS e
        ON e.operator_code = s.operator_code AND e.train_no = s.train_no AND e.location_code = s.location_code
       AND e.event_time_utc BETWEEN coalesce(s.planned_arrival_utc, s.planned_departure_utc) - INTERVAL 24 HOUR
                                AND coalesce(s.planned_departure_utc, s.planned_arrival_utc) + INTERVAL 24 HOUR
    GROUP BY ALL
) AS m
WHERE t.operator_code = m.operator_code AND t.train_no = m.train_no AND t.service_date = m.service_date
  AND t.stop_seq = m.stop_seq
  AND (t.actual_arrival_utc, t.actual_departure_utc) IS DISTINCT FROM (m.actual_arrival_utc, m.actual_departure_utc);
