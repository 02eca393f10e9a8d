-- Purpose: the report's schedule adherence over the whole window: on-time % of all observed arrivals, and
-- the mean delay weighted by the observed arrivals of each month.
-- Grain: one row per operator × kind.
SELECT a.operator_code, o.name AS operator_name, a.kind,
       CAST(sum(a.planned) AS BIGINT) AS planned,
       CAST(sum(a.observed) AS BIGINT) AS observed,
       CAST(sum(a.on_time) AS BIGINT) AS on_time,
       CAST(100.0 * sum(a.on_time) / nullif(sum(a.observed), 0) AS DOUBLE) AS on_time_pct,
       CAST(sum(a.mean_delay_hours * a.observed) / nullif(sum(a.observed), 0) AS DOUBLE) AS mean_delay_hours
FROM marts.schedule_adherence_monthly AS a
LEFT JOIN core.dim_operator AS o USING (operator_code)
GROUP BY a.operator_code, o.name, a.kind
ORDER BY a.kind, a.operator_code;
