-- Purpose: the newest publication loaded from each operator feed, for the nightly freshness warnings.
-- Grain: one row per operator × feed.
SELECT 'KTZ' AS operator_code, 'tracking' AS feed, (SELECT max(published_utc) FROM staging.ktz_operation) AS newest
UNION ALL SELECT 'KTZ', 'cargo', (SELECT max(published_utc) FROM staging.ktz_consignment)
UNION ALL SELECT 'KTZ', 'schedule', (SELECT max(published_utc) FROM staging.ktz_train_stop)
UNION ALL SELECT 'ADY', 'tracking', (SELECT max(published_utc) FROM staging.ady_operation)
UNION ALL SELECT 'ADY', 'cargo', (SELECT max(published_utc) FROM staging.ady_shipment)
UNION ALL SELECT 'ADY', 'schedule', (SELECT max(published_utc) FROM staging.ady_train_stop)
UNION ALL SELECT 'AKTAU_PORT', 'tracking', (SELECT max(published_utc) FROM staging.aktau_move)
UNION ALL SELECT 'AKTAU_PORT', 'cargo', (SELECT max(published_utc) FROM staging.aktau_manifest_line)
UNION ALL SELECT 'AKTAU_PORT', 'schedule', (SELECT max(published_utc) FROM staging.aktau_vessel_call)
UNION ALL SELECT 'BAKU_PORT', 'tracking', (SELECT max(published_utc) FROM staging.baku_terminal_event)
UNION ALL SELECT 'BAKU_PORT', 'cargo', (SELECT max(published_utc) FROM staging.baku_declaration)
UNION ALL SELECT 'BAKU_PORT', 'schedule', (SELECT max(published_utc) FROM staging.baku_vessel_call)
