-- Purpose: the report's port dwell: median and 90th percentile hours in port, by month, port and equipment.
-- Grain: one row per month × port × equipment kind (marts.port_dwell_monthly).
SELECT d.month, d.port_unlocode, coalesce(l.name, d.port_unlocode) AS port_name, d.equipment_kind,
       d.moves, d.median_dwell_hours, d.p90_dwell_hours
FROM marts.port_dwell_monthly AS d
LEFT JOIN core.dim_location AS l ON l.location_code = d.port_unlocode
ORDER BY d.month, d.port_unlocode, d.equipment_kind;
