-- Purpose: how well trains and vessels keep to their plans.
-- Grain: UTC month of the planned arrival × operator × kind (TRAIN, VESSEL).
-- On time: no later than planned + 60 min (train stop) or + 3 h (vessel call); early counts as on time.
-- Mean delay: over the observed arrivals only (an unobserved one is no lateness of 0), early as 0; summed as
-- whole microseconds and divided once, so that it does not depend on the order of the rows.
DELETE FROM marts.schedule_adherence_monthly;

INSERT INTO marts.schedule_adherence_monthly
WITH train_arrivals AS (
    SELECT operator_code, 'TRAIN' AS kind, planned_arrival_utc AS planned_utc, actual_arrival_utc AS actual_utc,
           INTERVAL 60 MINUTE AS tolerance
    FROM core.fact_train_stop
    WHERE planned_arrival_utc IS NOT NULL
),
vessel_arrivals AS (
    -- A call's planned arrival: the ETA of its last version published before its actual arrival
    -- (its latest ETA while it has none). A call first published after it arrived (ports publish up to
    -- 24 h late) falls back to its first published ETA rather than dropping out.
    SELECT c.operator_code, 'VESSEL' AS kind,
           coalesce(
               (SELECT v.eta_utc FROM core.fact_vessel_call_version AS v
                 WHERE v.call_id = c.call_id AND v.eta_utc IS NOT NULL
                   AND (c.ata_utc IS NULL OR v.published_utc < c.ata_utc)
                 ORDER BY v.published_utc DESC LIMIT 1),
               (SELECT v.eta_utc FROM core.fact_vessel_call_version AS v
                 WHERE v.call_id = c.call_id AND v.eta_utc IS NOT NULL
                 ORDER BY v.published_utc LIMIT 1)) AS planned_utc,
           c.ata_utc AS actual_utc,
           INTERVAL 3 HOUR AS tolerance
    FROM core.fact_vessel_call AS c
    WHERE c.status IS DISTINCT FROM 'CANCELLED'
),
arrivals AS (
    SELECT * FROM train_arrivals
    UNION ALL
    SELECT * FROM vessel_arrivals WHERE planned_utc IS NOT NULL
)
SELECT
    date_trunc('month', planned_utc)::DATE AS month,
    operator_code,
    kind,
    count(*)::BIGINT AS planned,
    count(actual_utc)::BIGINT AS observed,
    count(*) FILTER (WHERE actual_utc <= planned_utc + tolerance)::BIGINT AS on_time,
    CASE WHEN count(actual_utc) > 0
         THEN (100.0 * count(*) FILTER (WHERE actual_utc <= planned_utc + tolerance) / count(actual_utc))::DOUBLE
    END AS on_time_pct,
    (sum(greatest(epoch_us(actual_utc) - epoch_us(planned_utc), 0)) FILTER (WHERE actual_utc IS NOT NULL)
        / (count(actual_utc) * 3600000000))::DOUBLE AS mean_delay_hours
FROM arrivals
GROUP BY ALL;
