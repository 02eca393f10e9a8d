-- Purpose: every published version of every port call: the ETA history behind vessel adherence.
-- Grain: one row per call and publication time.
-- Incremental: adds the versions staged by load $load_id that are not there yet.
INSERT INTO core.fact_vessel_call_version
SELECT s.call_id, s.published_utc, s.eta_utc, s.etd_utc, s.ata_utc, s.atd_utc, s.status, s.load_id
FROM (
    SELECT call_id, published_utc, eta_utc, etd_utc, ata_utc, atd_utc, status, load_id
    FROM staging.aktau_vessel_call WHERE load_id = $load_id
    UNION ALL
    SELECT call_id, published_utc, eta_utc, etd_utc, ata_utc, atd_utc, status, load_id
    FROM staging.baku_vessel_call WHERE load_id = $load_id
) AS s
WHERE NOT EXISTS (
    SELECT 1 FROM core.fact_vessel_call_version AS v WHERE v.call_id = s.call_id AND v.published_utc = s.published_utc
);
