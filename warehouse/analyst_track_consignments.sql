-- Purpose: `corridor track`: the consignments that name what is tracked (a waybill's own; a container's or a
-- wagon's), so that something known only from the cargo feeds is found too.
-- Grain: one row per waybill_no of core.fact_consignment naming $id as $kind (CONTAINER, WAGON or WAYBILL),
-- the latest accepted first.
SELECT
    c.waybill_no, c.status, c.equipment_kind, c.container_no, c.wagon_no, c.origin_location_code,
    o.name AS origin_name, c.destination_location_code, d.name AS destination_name, c.accepted_utc, c.direction
FROM core.fact_consignment AS c
LEFT JOIN core.dim_location AS o ON o.location_code = c.origin_location_code
LEFT JOIN core.dim_location AS d ON d.location_code = c.destination_location_code
WHERE ($kind = 'WAYBILL' AND c.waybill_no = $id)
   OR ($kind = 'CONTAINER' AND c.container_no = $id)
   OR ($kind = 'WAGON' AND c.wagon_no = $id)
ORDER BY c.accepted_utc DESC NULLS LAST, c.waybill_no;
