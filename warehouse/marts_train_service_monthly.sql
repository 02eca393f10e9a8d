-- Purpose: trains run per service and month, their containers and the containers' median transit.
-- Grain: UTC month of the train's departure from its origin × service_code.
-- A train is a plan that departed its first stop, wherever that is (an ALAT-BAKU train starts at Alat's
-- rail station), except a XIAN-BAKU plan that starts at a port station: that service starts
-- at KTZ's Xi'an terminal, and its ADY plan from Alat continues the KTZ train's journey after the sea.
DELETE FROM marts.train_service_monthly;

INSERT INTO marts.train_service_monthly
WITH trains AS (
    -- A XIAN-BAKU plan that starts at a port's rail station (the ADY leg from Alat) continues a journey begun
    -- by sea: it is a leg of the service, not a train departing the service's origin (Xi'an, feeds.md). A plan
    -- of any other service starting there (ALAT-BAKU) is a train of that service, departing its origin.
    SELECT s.operator_code, s.train_no, s.service_date, s.service_code, s.location_code AS origin_location_code,
           s.actual_departure_utc AS departed_utc
    FROM core.fact_train_stop AS s
    JOIN core.dim_location AS l ON l.location_code = s.location_code
    WHERE s.stop_seq = 1 AND s.actual_departure_utc IS NOT NULL
      AND NOT (s.service_code = 'XIAN-BAKU' AND l.served_port_code IS NOT NULL)
),
loads AS (
    -- The containers on a train: those departing its origin on it (within a day of its departure), and
    -- those whose consignment was accepted onto it there, so that one defective record loses none.
    SELECT t.operator_code, t.train_no, t.service_date, t.service_code, t.departed_utc, e.container_no
    FROM trains AS t
    JOIN core.fact_equipment_event AS e
      ON e.operator_code = t.operator_code AND e.train_no = t.train_no AND e.location_code = t.origin_location_code
     AND e.event_type = 'DEPARTED' AND e.container_no IS NOT NULL
     AND abs(epoch(e.event_time_utc) - epoch(t.departed_utc)) <= 86400
    UNION
    SELECT t.operator_code, t.train_no, t.service_date, t.service_code, t.departed_utc, c.container_no
    FROM trains AS t
    JOIN core.fact_consignment AS c
      ON c.train_no = t.train_no AND c.origin_location_code = t.origin_location_code AND c.container_no IS NOT NULL
     AND c.accepted_utc BETWEEN t.departed_utc - INTERVAL 7 DAY AND t.departed_utc
     AND c.status <> 'CANCELLED'
),
per_month AS (
    SELECT
        date_trunc('month', t.departed_utc)::DATE AS month,
        t.service_code,
        count(DISTINCT (t.operator_code, t.train_no, t.service_date))::BIGINT AS trains
    FROM trains AS t
    GROUP BY ALL
),
containers AS (
    SELECT
        date_trunc('month', l.departed_utc)::DATE AS month,
        l.service_code,
        count(DISTINCT (l.train_no, l.service_date, l.container_no))::BIGINT AS containers,
        median(c.transit_days)::DOUBLE AS median_transit_days
    FROM loads AS l
    LEFT JOIN marts.container_transit AS c
      ON c.container_no = l.container_no AND c.train_no = l.train_no
     AND abs(epoch(c.departed_utc) - epoch(l.departed_utc)) <= 86400 AND c.arrived_utc IS NOT NULL
    GROUP BY ALL
)
SELECT
    p.month, p.service_code, p.trains,
    coalesce(c.containers, 0)::BIGINT AS containers,
    (coalesce(c.containers, 0) / p.trains)::DOUBLE AS containers_per_train,
    c.median_transit_days
FROM per_month AS p
LEFT JOIN containers AS c USING (month, service_code);
