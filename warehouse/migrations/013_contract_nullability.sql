-- The contract's nullability, as the models declare it (corridor.models): a container journey is the
-- container and its departure from the origin, so marts.container_transit.departed_utc is never null
-- (the mart writes one row per departure; only arrived_utc and the legs wait for their milestones).
-- Nothing else in the DDL disagreed with warehouse.md; where the old models did, the models changed:
-- container_transit.waybill_no and quality.quarantine.source_record_id / source_revision stay nullable.
ALTER TABLE marts.container_transit ALTER COLUMN departed_utc SET NOT NULL;
