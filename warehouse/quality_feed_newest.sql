-- Purpose: the newest publication loaded from one feed, for the nightly freshness warnings.
-- Grain: one row (the feed's staging table's newest published_utc, null when empty).
SELECT max(published_utc) AS newest FROM {{ staging_table }};
