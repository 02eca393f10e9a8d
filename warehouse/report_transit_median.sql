-- Purpose: the report's headline transit: median door-to-door days of the XIAN-BAKU journeys (Xi'an →
-- Absheron) that arrived in [$from_utc, $to_utc), and how many there were.
-- Grain: one row.
SELECT CAST(median(transit_days) AS DOUBLE) AS median_transit_days, count(*) AS journeys
FROM marts.container_transit
WHERE arrived_utc >= $from_utc AND arrived_utc < $to_utc AND transit_days IS NOT NULL;
