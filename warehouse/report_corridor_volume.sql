-- Purpose: the report's corridor volume: cargo between the two railways by month and direction, with YoY.
-- Grain: one row per month × direction (marts.corridor_volume_monthly).
SELECT month, direction, consignments, containers, wagons, teu,
       CAST(gross_weight_t AS DOUBLE) AS gross_weight_t,
       CAST(prev_year_gross_weight_t AS DOUBLE) AS prev_year_gross_weight_t, yoy_pct
FROM marts.corridor_volume_monthly
ORDER BY month, direction;
