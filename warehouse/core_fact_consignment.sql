-- Purpose: one harmonised consignment per through waybill, merged across the railways' cargo feeds and
-- enriched by the ports' cargo lines (which never create a row).
-- Grain: one row per waybill that a loaded KTZ or ADY cargo record names.
-- Incremental: recomputes the waybills that load $load_id touched, from every source's latest version.
MERGE INTO core.fact_consignment AS t
USING (
    WITH touched AS (
        SELECT waybill_no FROM staging.ktz_consignment WHERE load_id = $load_id
        UNION SELECT waybill_no FROM staging.ady_shipment WHERE load_id = $load_id
        -- Every waybill a touched port line ever named: a corrected line can move to another waybill.
        UNION SELECT waybill_no FROM staging.aktau_manifest_line WHERE waybill_no IS NOT NULL
            AND line_id IN (SELECT line_id FROM staging.aktau_manifest_line WHERE load_id = $load_id)
        UNION SELECT waybill_no FROM staging.baku_declaration WHERE waybill_no IS NOT NULL
            AND declaration_id IN (SELECT declaration_id FROM staging.baku_declaration WHERE load_id = $load_id)
    ),
    ktz AS (
        SELECT k.* FROM staging.ktz_consignment AS k JOIN touched USING (waybill_no)
        QUALIFY row_number() OVER (PARTITION BY k.waybill_no ORDER BY k.revision DESC) = 1
    ),
    ady AS (
        SELECT a.* FROM staging.ady_shipment AS a JOIN touched USING (waybill_no)
        QUALIFY row_number() OVER (PARTITION BY a.waybill_no ORDER BY a.revision DESC) = 1
    ),
    aktau AS (
        -- The latest version of each manifest line, then the latest line naming each waybill.
        SELECT waybill_no, hs_code, published_utc FROM (
            SELECT m.* FROM staging.aktau_manifest_line AS m
            QUALIFY row_number() OVER (PARTITION BY m.line_id ORDER BY m.published_utc DESC) = 1
        ) JOIN touched USING (waybill_no)
        QUALIFY row_number() OVER (PARTITION BY waybill_no ORDER BY published_utc DESC, line_id) = 1
    ),
    baku AS (
        SELECT waybill_no, hs_code, published_utc FROM (
            SELECT d.* FROM staging.baku_declaration AS d
            QUALIFY row_number() OVER (PARTITION BY d.declaration_id ORDER BY d.revision DESC) = 1
        ) JOIN touched USING (waybill_no)
        QUALIFY row_number() OVER (PARTITION BY waybill_no ORDER BY published_utc DESC, declaration_id) = 1
    ),
    rail AS (
        -- One row per waybill: the accepting railway's record first (KZ waybills: KTZ; AZ waybills: ADY).
        SELECT
            w.waybill_no,
            substr(w.waybill_no, 3, 2) = 'KZ' AS kz_accepted,
            k.waybill_no IS NOT NULL AS has_ktz,
            a.waybill_no IS NOT NULL AS has_ady,
            k.status AS ktz_status, k.published_utc AS ktz_published,
            CASE a.status WHEN 'QEBUL' THEN 'ACCEPTED' WHEN 'YOLDA' THEN 'IN_TRANSIT' WHEN 'CATDI' THEN 'DELIVERED'
                          WHEN 'LEGV' THEN 'CANCELLED' END AS ady_status,
            a.published_utc AS ady_published,
            k.equipment_kind AS ktz_kind,
            k.container_no AS ktz_container, a.container_no AS ady_container,
            k.iso_size_type AS ktz_size, a.iso_size_type AS ady_size,
            k.wagon_no AS ktz_wagon, a.wagon_no AS ady_wagon,
            k.gross_weight_t AS ktz_weight, a.gross_weight_t AS ady_weight,
            k.etsng_code AS ktz_etsng, a.etsng_code AS ady_etsng, left(k.gng_code, 6) AS ktz_hs,
            k.origin_esr AS ktz_origin, a.origin_esr AS ady_origin,
            k.destination_esr AS ktz_destination, a.destination_esr AS ady_destination,
            k.accepted_utc AS ktz_accepted, a.accepted_utc AS ady_accepted,
            k.exit_esr AS ktz_exit, a.entry_esr AS ady_entry,
            k.train_no AS ktz_train, a.train_no AS ady_train
        FROM touched AS w
        LEFT JOIN ktz AS k USING (waybill_no)
        LEFT JOIN ady AS a USING (waybill_no)
        WHERE k.waybill_no IS NOT NULL OR a.waybill_no IS NOT NULL
    ),
    merged AS (
        SELECT
            r.*,
            -- "mine" is the accepting railway's value where it has reported, else the other railway's.
            CASE WHEN (r.kz_accepted AND r.has_ktz) OR NOT r.has_ady THEN 'KTZ' ELSE 'ADY' END AS primary_source,
            x.hs_code AS aktau_hs, b.hs_code AS baku_hs,
            x.waybill_no IS NOT NULL AS on_aktau_manifest, b.waybill_no IS NOT NULL AS on_baku_declaration
        FROM rail AS r
        LEFT JOIN aktau AS x USING (waybill_no)
        LEFT JOIN baku AS b USING (waybill_no)
    ),
    shaped AS (
        SELECT
            m.waybill_no,
            CASE
                WHEN 'CANCELLED' IN (m.ktz_status, m.ady_status) THEN 'CANCELLED'
                WHEN m.has_ktz AND (NOT m.has_ady OR m.ktz_published >= m.ady_published)
                    THEN CASE m.ktz_status WHEN 'HANDED_OVER' THEN 'IN_TRANSIT' ELSE m.ktz_status END
                ELSE m.ady_status
            END AS status,
            CASE WHEN m.primary_source = 'KTZ' THEN m.ktz_container ELSE m.ady_container END AS container_no,
            CASE WHEN m.primary_source = 'KTZ' THEN m.ktz_size ELSE m.ady_size END AS iso_size_type,
            CASE WHEN m.primary_source = 'KTZ' THEN m.ktz_wagon ELSE m.ady_wagon END AS wagon_no,
            CASE WHEN m.primary_source = 'KTZ' THEN m.ktz_weight ELSE m.ady_weight END AS gross_weight,
            CASE WHEN m.primary_source = 'KTZ' THEN m.ktz_etsng ELSE m.ady_etsng END AS etsng_code,
            coalesce(m.ktz_hs, m.aktau_hs, m.baku_hs) AS hs_code,
            CASE WHEN m.primary_source = 'KTZ' THEN m.ktz_origin ELSE m.ady_origin END AS origin_esr,
            CASE WHEN m.primary_source = 'KTZ' THEN m.ktz_destination ELSE m.ady_destination END AS destination_esr,
            CASE WHEN m.primary_source = 'KTZ' THEN m.ktz_accepted ELSE m.ady_accepted END AS accepted_utc,
            CASE WHEN m.primary_source = 'KTZ' THEN m.ktz_train ELSE m.ady_train END AS train_no,
            list_sort(list_filter(
                ['KTZ', 'ADY', 'AKTAU_PORT', 'BAKU_PORT'],
                op -> (op = 'KTZ' AND m.has_ktz) OR (op = 'ADY' AND m.has_ady)
                      OR (op = 'AKTAU_PORT' AND m.on_aktau_manifest) OR (op = 'BAKU_PORT' AND m.on_baku_declaration)
            )) AS reported_by,
            m.on_aktau_manifest OR m.on_baku_declaration
                OR EXISTS (
                    SELECT 1 FROM core.dim_location AS l
                    WHERE l.served_port_code IS NOT NULL
                      AND l.esr_code IN (m.ktz_exit, m.ktz_origin, m.ady_entry, m.ady_destination, m.ady_origin)
                )
                -- A route from one railway's network to the other's leaves one and enters the other at a
                -- port station: the railways meet only across the Caspian.
                OR (SELECT count(DISTINCT l.country_code = 'AZ') FROM core.dim_location AS l
                    WHERE l.esr_code IN (coalesce(m.ktz_origin, m.ady_origin),
                                         coalesce(m.ktz_destination, m.ady_destination))) = 2
                AS crosses_caspian
        FROM merged AS m
    )
    SELECT
        s.waybill_no,
        s.status,
        CASE WHEN s.container_no IS NOT NULL THEN 'CONTAINER' ELSE 'WAGON' END AS equipment_kind,
        s.container_no,
        s.iso_size_type,
        s.wagon_no,
        CASE WHEN s.container_no IS NULL THEN 0.0
             WHEN left(s.iso_size_type, 1) = '2' THEN 1.0
             WHEN left(s.iso_size_type, 1) = '4' THEN 2.0
             WHEN left(s.iso_size_type, 1) = 'L' THEN 2.25
        END AS teu,
        round(s.gross_weight, 3)::DECIMAL(12, 3) AS gross_weight_t,
        s.etsng_code,
        s.hs_code,
        o.location_code AS origin_location_code,
        d.location_code AS destination_location_code,
        s.accepted_utc,
        CASE WHEN substr(s.waybill_no, 3, 2) = 'KZ' THEN 'WESTBOUND' ELSE 'EASTBOUND' END AS direction,
        s.reported_by,
        s.crosses_caspian,
        $load_id AS load_id,
        s.train_no
    FROM shaped AS s
    LEFT JOIN core.dim_location AS o ON o.esr_code = s.origin_esr
    LEFT JOIN core.dim_location AS d ON d.esr_code = s.destination_esr
) AS s
ON t.waybill_no = s.waybill_no
WHEN MATCHED AND (
    t.status, t.equipment_kind, t.container_no, t.iso_size_type, t.wagon_no, t.teu, t.gross_weight_t, t.etsng_code,
    t.hs_code, t.origin_location_code, t.destination_location_code, t.accepted_utc, t.direction, t.reported_by,
    t.crosses_caspian, t.train_no
) IS DISTINCT FROM (
    s.status, s.equipment_kind, s.container_no, s.iso_size_type, s.wagon_no, s.teu, s.gross_weight_t, s.etsng_code,
    s.hs_code, s.origin_location_code, s.destination_location_code, s.accepted_utc, s.direction, s.reported_by,
    s.crosses_caspian, s.train_no
) THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
