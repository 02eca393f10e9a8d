-- Purpose: the report's reconciliation sample: the first waybills the sources disagree on, weights side by side.
-- Grain: one row per waybill × issue (at most 15).
SELECT waybill_no, issue, CAST(ktz_weight_t AS DOUBLE) AS ktz_weight_t, CAST(ady_weight_t AS DOUBLE) AS ady_weight_t,
       CAST(aktau_weight_t AS DOUBLE) AS aktau_weight_t, CAST(baku_weight_t AS DOUBLE) AS baku_weight_t
FROM marts.waybill_reconciliation
ORDER BY issue, waybill_no
LIMIT 15;
