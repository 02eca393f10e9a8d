-- Purpose: each container's journey on the XIAN-BAKU service, end to end, with its legs.
-- Grain: one row per container journey: (container_no, departed_utc), the container and its KTZ departure
-- from the Xi'an terminal (the key of marts.container_transit in corridor.models).
-- A missing milestone leaves its leg null.
DELETE FROM marts.container_transit;

INSERT INTO marts.container_transit
WITH departures AS (
    SELECT e.container_no, e.waybill_no, e.train_no, e.location_code AS origin_location_code,
           min(e.event_time_utc) AS departed_utc
    FROM core.fact_equipment_event AS e
    WHERE e.operator_code = 'KTZ' AND e.event_type = 'DEPARTED' AND e.container_no IS NOT NULL
      AND e.location_code = 'CNXIA'  -- the XIAN-BAKU service starts at KTZ's Xi'an terminal
    GROUP BY ALL
),
journeys AS (
    SELECT d.*, c.destination_location_code,
           lead(d.departed_utc) OVER (PARTITION BY d.container_no ORDER BY d.departed_utc) AS next_departure_utc
    FROM departures AS d
    LEFT JOIN core.fact_consignment AS c ON c.waybill_no = d.waybill_no
),
milestones AS (
    -- Each milestone is the container's first such event after this departure and before its next one
    -- (the corridor's milestones happen in this order, so each is also the first after the previous).
    SELECT
        j.container_no, j.waybill_no, j.train_no, j.origin_location_code, j.destination_location_code, j.departed_utc,
        min(e.event_time_utc) FILTER (WHERE e.operator_code = 'KTZ' AND e.event_type = 'INTERCHANGE_OUT'
                                        AND l.served_port_code IS NOT NULL) AS kz_out_utc,
        min(e.event_time_utc) FILTER (WHERE e.operator_code = 'AKTAU_PORT' AND e.event_type = 'LOADED'
                                        AND e.transport_mode = 'VESSEL') AS aktau_loaded_utc,
        min(e.event_time_utc) FILTER (WHERE e.operator_code = 'BAKU_PORT' AND e.event_type = 'DISCHARGED'
                                        AND e.transport_mode = 'VESSEL') AS baku_discharged_utc,
        min(e.event_time_utc) FILTER (WHERE e.operator_code = 'ADY' AND e.event_type = 'INTERCHANGE_IN'
                                        AND l.served_port_code IS NOT NULL) AS az_in_utc,
        min(e.event_time_utc) FILTER (WHERE e.operator_code = 'ADY' AND e.event_type = 'ARRIVED'
                                        AND e.location_code = j.destination_location_code) AS arrived_utc
    FROM journeys AS j
    LEFT JOIN core.fact_equipment_event AS e
      ON e.container_no = j.container_no AND e.event_time_utc > j.departed_utc
     AND e.event_time_utc < coalesce(j.next_departure_utc, j.departed_utc + INTERVAL 60 DAY)
    LEFT JOIN core.dim_location AS l ON l.location_code = e.location_code
    GROUP BY ALL
)
SELECT
    container_no, waybill_no, train_no, origin_location_code, destination_location_code, departed_utc, arrived_utc,
    (epoch(arrived_utc) - epoch(departed_utc)) / 86400.0 AS transit_days,
    (epoch(kz_out_utc) - epoch(departed_utc)) / 3600.0 AS kz_rail_hours,
    (epoch(aktau_loaded_utc) - epoch(kz_out_utc)) / 3600.0 AS aktau_dwell_hours,
    (epoch(baku_discharged_utc) - epoch(aktau_loaded_utc)) / 3600.0 AS sea_hours,
    (epoch(az_in_utc) - epoch(baku_discharged_utc)) / 3600.0 AS baku_dwell_hours,
    (epoch(arrived_utc) - epoch(az_in_utc)) / 3600.0 AS az_rail_hours
FROM milestones;
