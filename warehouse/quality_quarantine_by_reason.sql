-- Purpose: the demo's summary of what validation held back. Grain: operator × feed × rule.
SELECT operator_code, feed, reason, count(*) AS records
FROM (SELECT operator_code, feed, unnest(reasons) AS reason FROM quality.quarantine)
GROUP BY ALL
ORDER BY operator_code, feed, records DESC
