-- Purpose: harmonise the operators' tracking records into canonical equipment events (warehouse.md).
-- Grain: one row per source tracking record at its highest revision; yard shifts are not loaded.
-- Incremental: merges only the staged rows of load $load_id; a lower or equal revision never overwrites.
MERGE INTO core.fact_equipment_event AS t
USING (
    SELECT
        'KTZ:' || s.op_id AS event_id,
        'KTZ' AS operator_code,
        s.op_id AS source_record_id,
        s.revision AS source_revision,
        CASE WHEN s.container_no IS NOT NULL THEN 'CONTAINER' ELSE 'WAGON' END AS equipment_kind,
        s.container_no,
        s.wagon_no,
        m.event_type,
        m.transport_mode,
        s.event_time_utc,
        s.published_utc,
        l.location_code,
        s.train_no,
        NULL::VARCHAR AS vessel_imo,
        NULL::VARCHAR AS voyage_no,
        s.waybill_no,
        s.is_laden,
        s.load_id
    FROM staging.ktz_operation AS s
    JOIN core.map_event_type AS m ON m.operator_code = 'KTZ' AND m.source_code = s.op_code
    JOIN core.dim_location AS l ON l.esr_code = s.esr
    WHERE s.load_id = $load_id
    QUALIFY row_number() OVER (PARTITION BY s.op_id ORDER BY s.revision DESC) = 1
) AS s
ON t.event_id = s.event_id
WHEN MATCHED AND s.source_revision > t.source_revision THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
