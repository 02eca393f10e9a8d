-- Purpose: the report's reconciliation: how many waybills the sources disagree on, by issue.
-- Grain: one row per issue (marts.waybill_reconciliation).
SELECT issue, count(*) AS records, count(DISTINCT waybill_no) AS waybills
FROM marts.waybill_reconciliation
GROUP BY issue
ORDER BY issue;
