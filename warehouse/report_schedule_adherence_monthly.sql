-- Purpose: the report's schedule adherence by month: on-time share of observed arrivals per operator and kind.
-- Grain: one row per month × operator × kind (marts.schedule_adherence_monthly).
SELECT month, operator_code, kind, planned, observed, on_time, on_time_pct, mean_delay_hours
FROM marts.schedule_adherence_monthly
ORDER BY month, operator_code, kind;
