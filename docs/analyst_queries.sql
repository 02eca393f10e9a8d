-- Example queries for analysts, against the snapshot (README.md, "For analysts"). Each one runs as it is with
-- `corridor query "$(…)"`, the DuckDB CLI (`duckdb -readonly data/snapshot.duckdb`) or any DuckDB client;
-- tests/corridor/test_analyst_queries.py runs every one of them against a small warehouse, so they stay right.
-- Column meanings: docs/warehouse.md.

-- 1. Volume and growth: tonnes carried between KTZ and ADY in January–February of each year, and the growth on
--    the year before (the corridor's public figure: 540,000 t in Jan–Feb 2024, +25 %).
SELECT year(month) AS year,
       sum(consignments) AS consignments,
       sum(gross_weight_t) AS tonnes,
       round(100 * (sum(gross_weight_t) / lag(sum(gross_weight_t)) OVER (ORDER BY year(month)) - 1), 1) AS growth_pct
FROM marts.corridor_volume_monthly
WHERE month(month) IN (1, 2)
GROUP BY year(month)
ORDER BY year;

-- 2. Volume by month and direction, against the same month a year earlier.
SELECT month, direction, consignments, teu, gross_weight_t, prev_year_gross_weight_t, round(yoy_pct, 1) AS yoy_pct
FROM marts.corridor_volume_monthly
ORDER BY month, direction;

-- 3. Trains and containers: XIAN-BAKU trains a month, containers a train, median transit of their containers.
SELECT month, trains, containers, containers_per_train, median_transit_days
FROM marts.train_service_monthly
WHERE service_code = 'XIAN-BAKU'
ORDER BY month;

-- 4. Transit time and its legs: completed Xi'an → Absheron journeys by month of departure, the median and 90th
--    percentile door to door, and the mean of each leg, in days.
SELECT date_trunc('month', departed_utc)::DATE AS departed,
       count(*) AS journeys,
       round(median(transit_days), 1) AS median_days,
       round(quantile_cont(transit_days, 0.9), 1) AS p90_days,
       round(avg(kz_rail_hours) / 24, 2) AS kz_rail_days,
       round(avg(aktau_dwell_hours) / 24, 2) AS aktau_dwell_days,
       round(avg(sea_hours) / 24, 2) AS sea_days,
       round(avg(baku_dwell_hours) / 24, 2) AS baku_dwell_days,
       round(avg(az_rail_hours) / 24, 2) AS az_rail_days
FROM marts.container_transit
WHERE arrived_utc IS NOT NULL
GROUP BY 1
ORDER BY 1;

-- 5. Schedule adherence: the share of observed arrivals on time, per operator and kind, over every month loaded
--    (a train stop within 60 minutes of plan, a vessel call within 3 hours of its ETA).
SELECT operator_code, kind,
       sum(observed) AS observed,
       sum(on_time) AS on_time,
       round(100.0 * sum(on_time) / nullif(sum(observed), 0), 1) AS on_time_pct,
       round(sum(mean_delay_hours * observed) / nullif(sum(observed), 0), 2) AS mean_delay_hours
FROM marts.schedule_adherence_monthly
GROUP BY operator_code, kind
ORDER BY kind, operator_code;

-- 6. Port dwell: median and 90th-percentile hours in port, per port and equipment, in the latest month loaded.
SELECT d.month, l.name AS port, d.equipment_kind, d.moves, d.median_dwell_hours, d.p90_dwell_hours
FROM marts.port_dwell_monthly AS d
JOIN core.dim_location AS l ON l.location_code = d.port_unlocode
WHERE d.month = (SELECT max(month) FROM marts.port_dwell_monthly)
ORDER BY port, d.equipment_kind;

-- 7. Where a container is and when it arrives (Track and Trace; `corridor track BMOU0580723` shows the same).
SELECT s.container_no, s.stage, s.last_event_type, s.last_event_utc, l.name AS last_location, s.waybill_no,
       s.eta_utc, s.eta_basis
FROM marts.container_status AS s
LEFT JOIN core.dim_location AS l ON l.location_code = s.last_location_code
WHERE s.container_no = 'BMOU0580723';

-- 8. ... and its journey so far: every event of it, from all four operators, in time order.
SELECT e.event_time_utc, e.operator_code, e.event_type, e.transport_mode, l.name AS location, e.train_no,
       e.vessel_imo
FROM core.fact_equipment_event AS e
LEFT JOIN core.dim_location AS l ON l.location_code = e.location_code
WHERE e.container_no = 'BMOU0580723'
ORDER BY e.event_time_utc, e.published_utc;

-- 9. What is on its way: containers in progress by stage, and when the next and the last of them arrive.
SELECT stage, count(*) AS containers, min(eta_utc) AS first_eta_utc, max(eta_utc) AS last_eta_utc
FROM marts.container_status
WHERE stage <> 'DELIVERED'
GROUP BY stage
ORDER BY list_position(['KZ_RAIL', 'AKTAU_PORT', 'AT_SEA', 'BAKU_PORT', 'AZ_RAIL'], stage);
