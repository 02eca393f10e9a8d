-- Purpose: the railways' current train plans, stop by stop (a later publication for a service date
-- replaces that date's plan entirely).
-- Grain: one row per planned stop of a planned train (operator, train_no, service_date, stop_seq).
-- Incremental: rebuilds the service dates whose plans load $load_id delivered; unchanged stops keep their row.
CREATE OR REPLACE TEMP TABLE plan_stop AS
WITH staged AS (
    SELECT 'KTZ' AS operator_code, * FROM staging.ktz_train_stop
    UNION ALL BY NAME
    SELECT 'ADY' AS operator_code, * FROM staging.ady_train_stop
),
touched AS (
    SELECT DISTINCT operator_code, service_date FROM staged WHERE load_id = $load_id
),
latest AS (
    -- The latest publication for each touched date is that date's whole plan.
    SELECT s.operator_code, s.service_date, max(s.published_utc) AS published_utc
    FROM staged AS s JOIN touched USING (operator_code, service_date)
    GROUP BY ALL
)
SELECT s.operator_code, s.train_no, s.service_date, s.service_code, s.stop_seq, l.location_code,
       s.planned_arrival_utc, s.planned_departure_utc, s.load_id
FROM staged AS s
JOIN latest USING (operator_code, service_date, published_utc)
JOIN core.dim_location AS l ON l.esr_code = s.esr;

DELETE FROM core.fact_train_stop AS t
WHERE (t.operator_code, t.service_date) IN (SELECT DISTINCT operator_code, service_date FROM plan_stop)
  AND (t.operator_code, t.train_no, t.service_date, t.stop_seq) NOT IN (
      SELECT operator_code, train_no, service_date, stop_seq FROM plan_stop);

MERGE INTO core.fact_train_stop AS t
USING (
    SELECT operator_code, train_no, service_date, service_code, stop_seq, location_code,
           planned_arrival_utc, planned_departure_utc,
           NULL::TIMESTAMP AS actual_arrival_utc, NULL::TIMESTAMP AS actual_departure_utc, load_id
    FROM plan_stop
) AS s
ON t.operator_code = s.operator_code AND t.train_no = s.train_no AND t.service_date = s.service_date
   AND t.stop_seq = s.stop_seq
WHEN MATCHED AND (t.service_code, t.location_code, t.planned_arrival_utc, t.planned_departure_utc)
    IS DISTINCT FROM (s.service_code, s.location_code, s.planned_arrival_utc, s.planned_departure_utc)
    THEN UPDATE SET service_code = s.service_code, location_code = s.location_code,
        planned_arrival_utc = s.planned_arrival_utc, planned_departure_utc = s.planned_departure_utc,
        load_id = s.load_id
WHEN NOT MATCHED THEN INSERT *;

DROP TABLE plan_stop;
