-- Purpose: the waybills on which the sources disagree, for follow-up with the operators.
-- Grain: one row per waybill and issue (MISSING_AT_KTZ, MISSING_AT_ADY, WEIGHT_MISMATCH).
-- Judged on loaded data only: "missing" needs the other railway's newest loaded cargo publication to be
-- more than 10 days after the acceptance; a weight mismatches when it differs from the accepting
-- railway's by more than 1 %.
DELETE FROM marts.waybill_reconciliation;

INSERT INTO marts.waybill_reconciliation
WITH ktz AS (
    SELECT waybill_no, gross_weight_t FROM staging.ktz_consignment
    QUALIFY row_number() OVER (PARTITION BY waybill_no ORDER BY revision DESC) = 1
),
ady AS (
    SELECT waybill_no, gross_weight_t FROM staging.ady_shipment
    QUALIFY row_number() OVER (PARTITION BY waybill_no ORDER BY revision DESC) = 1
),
aktau AS (
    -- The latest version of each manifest line, then the latest line naming each waybill.
    SELECT waybill_no, gross_weight_t FROM (
        SELECT * FROM staging.aktau_manifest_line
        QUALIFY row_number() OVER (PARTITION BY line_id ORDER BY published_utc DESC) = 1
    ) WHERE waybill_no IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY waybill_no ORDER BY published_utc DESC, line_id) = 1
),
baku AS (
    SELECT waybill_no, gross_weight_t FROM (
        SELECT * FROM staging.baku_declaration
        QUALIFY row_number() OVER (PARTITION BY declaration_id ORDER BY revision DESC) = 1
    ) WHERE waybill_no IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY waybill_no ORDER BY published_utc DESC, declaration_id) = 1
),
newest AS (
    SELECT (SELECT max(published_utc) FROM staging.ktz_consignment) AS ktz_newest,
           (SELECT max(published_utc) FROM staging.ady_shipment) AS ady_newest
),
weights AS (
    SELECT c.waybill_no, c.accepted_utc, c.status, c.crosses_caspian, c.reported_by,
           k.gross_weight_t AS ktz_w, a.gross_weight_t AS ady_w, x.gross_weight_t AS aktau_w, b.gross_weight_t AS baku_w,
           CASE WHEN substr(c.waybill_no, 3, 2) = 'KZ' THEN k.gross_weight_t ELSE a.gross_weight_t END AS w0
    FROM core.fact_consignment AS c
    LEFT JOIN ktz AS k USING (waybill_no)
    LEFT JOIN ady AS a USING (waybill_no)
    LEFT JOIN aktau AS x USING (waybill_no)
    LEFT JOIN baku AS b USING (waybill_no)
),
issues AS (
    SELECT w.*, 'MISSING_AT_KTZ' AS issue FROM weights AS w, newest AS n
    WHERE NOT list_contains(w.reported_by, 'KTZ') AND w.crosses_caspian AND w.status <> 'CANCELLED'
      AND n.ktz_newest > w.accepted_utc + INTERVAL 10 DAY
    UNION ALL
    SELECT w.*, 'MISSING_AT_ADY' FROM weights AS w, newest AS n
    WHERE NOT list_contains(w.reported_by, 'ADY') AND w.crosses_caspian AND w.status <> 'CANCELLED'
      AND n.ady_newest > w.accepted_utc + INTERVAL 10 DAY
    UNION ALL
    SELECT w.*, 'WEIGHT_MISMATCH' FROM weights AS w
    WHERE w.w0 > 0 AND (
        abs(w.ktz_w - w.w0) / w.w0 > 0.01 OR abs(w.ady_w - w.w0) / w.w0 > 0.01
        OR abs(w.aktau_w - w.w0) / w.w0 > 0.01 OR abs(w.baku_w - w.w0) / w.w0 > 0.01)
)
SELECT waybill_no, issue,
       round(ktz_w, 3)::DECIMAL(12, 3), round(ady_w, 3)::DECIMAL(12, 3),
       round(aktau_w, 3)::DECIMAL(12, 3), round(baku_w, 3)::DECIMAL(12, 3)
FROM issues;
