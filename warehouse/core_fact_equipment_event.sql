-- Purpose: harmonise the four operators' tracking records into canonical equipment events (warehouse.md).
-- Grain: one row per source tracking record at its latest version; yard shifts are not loaded.
-- Incremental: merges only the staged rows of load $load_id; an older or equal version never overwrites.
MERGE INTO core.fact_equipment_event AS t
USING (
    WITH rail AS (
        SELECT 'KTZ' AS operator_code, op_id, revision, published_utc, op_code, event_time_utc, esr,
               train_no, wagon_no, container_no, waybill_no, is_laden, load_id
        FROM staging.ktz_operation WHERE load_id = $load_id
        UNION ALL
        SELECT 'ADY', op_id, revision, published_utc, op_code, event_time_utc, esr,
               train_no, wagon_no, container_no, waybill_no, is_laden, load_id
        FROM staging.ady_operation WHERE load_id = $load_id
    ),
    port AS (
        SELECT 'AKTAU_PORT' AS operator_code, move_id AS record_id, revision, published_utc,
               move_type AS source_code, equipment_kind AS source_kind, event_time_utc, 'KZAAU' AS location_code,
               container_no, wagon_no, train_no, vessel_imo, NULL::VARCHAR AS voyage_no, is_laden, load_id
        FROM staging.aktau_move WHERE load_id = $load_id
        UNION ALL
        SELECT 'BAKU_PORT', event_id, revision, published_utc, event_type_code, equipment_kind, event_time_utc,
               'AZBAK', container_no, wagon_no, train_no, vessel_imo, voyage_no, is_laden, load_id
        FROM staging.baku_terminal_event WHERE load_id = $load_id
    ),
    events AS (
        SELECT r.operator_code, r.op_id AS record_id, r.revision, r.published_utc, m.event_type, m.transport_mode,
               r.event_time_utc, l.location_code, r.container_no, r.wagon_no, r.train_no,
               NULL::VARCHAR AS vessel_imo, NULL::VARCHAR AS voyage_no, r.waybill_no, r.is_laden, r.load_id
        FROM rail AS r
        JOIN core.map_event_type AS m ON m.operator_code = r.operator_code AND m.source_code = r.op_code
        JOIN core.dim_location AS l ON l.esr_code = r.esr
        UNION ALL
        SELECT p.operator_code, p.record_id, p.revision, p.published_utc, m.event_type, m.transport_mode,
               p.event_time_utc, p.location_code, p.container_no, p.wagon_no, p.train_no,
               p.vessel_imo, p.voyage_no, NULL::VARCHAR, p.is_laden, p.load_id
        FROM port AS p
        JOIN core.map_event_type AS m ON m.operator_code = p.operator_code AND m.source_code = p.source_code
             AND (m.equipment_kind IS NULL OR m.equipment_kind = p.source_kind)
        WHERE m.event_type IS NOT NULL  -- yard shifts
    )
    SELECT
        operator_code || ':' || record_id AS event_id,
        operator_code,
        record_id AS source_record_id,
        revision AS source_revision,
        CASE WHEN container_no IS NOT NULL THEN 'CONTAINER' ELSE 'WAGON' END AS equipment_kind,
        container_no,
        wagon_no,
        event_type,
        transport_mode,
        event_time_utc,
        published_utc,
        location_code,
        train_no,
        vessel_imo,
        voyage_no,
        waybill_no,
        is_laden,
        load_id
    FROM events
    QUALIFY row_number() OVER (PARTITION BY operator_code, record_id ORDER BY revision DESC, published_utc DESC) = 1
) AS s
ON t.event_id = s.event_id
WHEN MATCHED AND ((s.source_revision, s.published_utc) > (t.source_revision, t.published_utc)
                  -- the original of a version whose later, conflicting re-publication was loaded first
                  OR (s.source_revision = t.source_revision AND s.published_utc < t.published_utc
                      AND EXISTS (SELECT 1 FROM quality.quarantine AS q
                                  WHERE q.operator_code = t.operator_code AND q.source_record_id = t.source_record_id
                                    AND q.source_revision = t.source_revision
                                    AND list_contains(q.reasons, 'revision_consistent')))) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
