-- Purpose: the demo's headline of what reached core. Grain: operator × canonical event type.
SELECT operator_code, event_type, count(*) AS events, count(DISTINCT coalesce(container_no, wagon_no)) AS equipment
FROM core.fact_equipment_event
GROUP BY ALL
ORDER BY operator_code, events DESC
