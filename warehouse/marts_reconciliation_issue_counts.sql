-- Purpose: how many waybills the sources disagree on, by issue, for the sync's warnings.
-- Grain: one row per issue.
SELECT issue, count(*) AS waybills FROM marts.waybill_reconciliation GROUP BY issue ORDER BY issue;
