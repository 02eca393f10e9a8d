-- Purpose: the current state of each port call at Aktau and Baku.
-- Grain: one row per port call, its latest published version (the sources have no revision: 1).
-- Incremental: merges the versions staged by load $load_id; an older publication never overwrites.
MERGE INTO core.fact_vessel_call AS t
USING (
    SELECT call_id, port_unlocode, operator_code, revision AS source_revision, vessel_imo, vessel_name, voyage_no,
           eta_utc, etd_utc, ata_utc, atd_utc, status, published_utc, load_id
    FROM (
        SELECT call_id, 'KZAAU' AS port_unlocode, 'AKTAU_PORT' AS operator_code, revision, vessel_imo, vessel_name,
               voyage_in AS voyage_no, eta_utc, etd_utc, ata_utc, atd_utc, status, published_utc, load_id
        FROM staging.aktau_vessel_call WHERE load_id = $load_id
        UNION ALL
        SELECT call_id, 'AZBAK', 'BAKU_PORT', revision, vessel_imo, vessel_name,
               voyage_no, eta_utc, etd_utc, ata_utc, atd_utc, status, published_utc, load_id
        FROM staging.baku_vessel_call WHERE load_id = $load_id
    )
    QUALIFY row_number() OVER (PARTITION BY call_id ORDER BY published_utc DESC) = 1
) AS s
ON t.call_id = s.call_id
WHEN MATCHED AND s.published_utc > t.published_utc THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
