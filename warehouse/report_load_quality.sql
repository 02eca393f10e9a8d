-- Purpose: the report's data quality: per feed and night (UTC day of meta.load.started_utc, the day the
-- load ran), records received, loaded and quarantined, and how many loads ran and failed.
-- Grain: one row per UTC day × operator × feed with loads.
SELECT CAST(started_utc AS DATE) AS night, operator_code, feed,
       count(*) AS loads,
       count(*) FILTER (WHERE status = 'FAILED') AS failed,
       CAST(coalesce(sum(records_received), 0) AS BIGINT) AS received,
       CAST(coalesce(sum(records_loaded), 0) AS BIGINT) AS loaded,
       CAST(coalesce(sum(records_quarantined), 0) AS BIGINT) AS quarantined
FROM meta.load
WHERE started_utc IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3;
