-- Purpose: the report's transit-time distribution: completed XIAN-BAKU journeys by whole days of transit,
-- with the mean of each leg (in days) of the journeys in that bin, so the legs stack to about the bin.
-- Grain: one row per whole transit day (floor of marts.container_transit.transit_days) with journeys.
SELECT CAST(floor(transit_days) AS INTEGER) AS transit_day,
       count(*) AS journeys,
       avg(kz_rail_hours) / 24 AS kz_rail_days,
       avg(aktau_dwell_hours) / 24 AS aktau_dwell_days,
       avg(sea_hours) / 24 AS sea_days,
       avg(baku_dwell_hours) / 24 AS baku_dwell_days,
       avg(az_rail_hours) / 24 AS az_rail_days
FROM marts.container_transit
WHERE arrived_utc IS NOT NULL AND transit_days IS NOT NULL
GROUP BY 1
ORDER BY 1;
