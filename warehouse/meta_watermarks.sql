-- Purpose: every feed's watermark, where the nightly mode starts.
-- Grain: one row per operator × feed with a watermark.
SELECT operator_code, feed, watermark_utc FROM meta.watermark;
