-- Purpose: the report's train service: trains, containers per train and median transit by month.
-- Grain: one row per month × service (marts.train_service_monthly).
SELECT month, service_code, trains, containers, containers_per_train, median_transit_days
FROM marts.train_service_monthly
ORDER BY month, service_code;
