-- Purpose: `corridor track`: the events of one container, wagon or waybill across the four operators, in time order.
-- Grain: one row per event (event_id) of what is tracked, ordered by (event_time_utc, published_utc, event_id), the
-- order in which marts.container_status takes a container's latest event.
-- $kind is CONTAINER, WAGON or WAYBILL, $id its number. A container's events name it; a wagon's name it as the
-- wagon (its own, and those of the containers it carried). A waybill's are the events of what carries it (its
-- consignment's container, or its wagon for wagonload, and whatever the events naming the waybill carry): the port
-- events name no waybill, so they are found through the equipment, from the first event naming the waybill (else
-- the consignment's acceptance) until the equipment's first later event naming another waybill.
WITH carriers AS (
    -- A container number and a wagon number cannot be equal (letters against digits): one text names the carrier.
    SELECT coalesce(container_no, wagon_no) AS carrier, container_no IS NOT NULL AS is_container, accepted_utc
    FROM core.fact_consignment
    WHERE $kind = 'WAYBILL' AND waybill_no = $id AND coalesce(container_no, wagon_no) IS NOT NULL
    UNION ALL
    SELECT DISTINCT coalesce(container_no, wagon_no), container_no IS NOT NULL, NULL::TIMESTAMP
    FROM core.fact_equipment_event
    WHERE $kind = 'WAYBILL' AND waybill_no = $id AND coalesce(container_no, wagon_no) IS NOT NULL
),
carried AS (
    SELECT c.carrier, e.event_id, e.event_time_utc, e.waybill_no
    FROM (SELECT carrier, is_container FROM carriers GROUP BY ALL) AS c
    JOIN core.fact_equipment_event AS e
      ON (c.is_container AND e.container_no = c.carrier)
      OR (NOT c.is_container AND e.equipment_kind = 'WAGON' AND e.wagon_no = c.carrier)
),
starts AS (
    SELECT c.carrier,
           coalesce(min(e.event_time_utc) FILTER (WHERE e.waybill_no = $id), min(c.accepted_utc)) AS from_utc
    FROM carriers AS c
    LEFT JOIN carried AS e USING (carrier)
    GROUP BY c.carrier
),
spans AS (
    SELECT s.carrier, s.from_utc,
           min(e.event_time_utc) FILTER (WHERE e.waybill_no <> $id AND e.event_time_utc > s.from_utc) AS to_utc
    FROM starts AS s
    LEFT JOIN carried AS e USING (carrier)
    GROUP BY ALL
),
selected AS (
    SELECT event_id FROM core.fact_equipment_event WHERE $kind = 'CONTAINER' AND container_no = $id
    UNION
    SELECT event_id FROM core.fact_equipment_event WHERE $kind = 'WAGON' AND wagon_no = $id
    UNION
    SELECT e.event_id
    FROM carried AS e
    JOIN spans AS s USING (carrier)
    WHERE e.event_time_utc >= s.from_utc AND (s.to_utc IS NULL OR e.event_time_utc < s.to_utc)
)
SELECT
    e.event_id, e.event_time_utc, e.published_utc, e.location_code, l.name AS location_name, l.timezone,
    e.operator_code, o.name AS operator_name, e.event_type, e.transport_mode, e.equipment_kind, e.container_no,
    e.wagon_no, e.train_no, e.vessel_imo, e.voyage_no, e.waybill_no
FROM selected
JOIN core.fact_equipment_event AS e USING (event_id)
LEFT JOIN core.dim_location AS l ON l.location_code = e.location_code
LEFT JOIN core.dim_operator AS o ON o.operator_code = e.operator_code
ORDER BY e.event_time_utc, e.published_utc, e.event_id;
