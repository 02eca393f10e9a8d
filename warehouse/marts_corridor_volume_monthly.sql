-- Purpose: cargo carried between the two railways, both directions, with the year-on-year change.
-- Grain: UTC month of acceptance × direction. Counts each consignment reported by both KTZ and ADY once;
-- cancelled consignments excluded. Rebuilt whole: late reports restate their month.
DELETE FROM marts.corridor_volume_monthly;

INSERT INTO marts.corridor_volume_monthly
WITH monthly AS (
    SELECT
        date_trunc('month', accepted_utc)::DATE AS month,
        direction,
        count(*)::BIGINT AS consignments,
        count(*) FILTER (WHERE equipment_kind = 'CONTAINER')::BIGINT AS containers,
        count(*) FILTER (WHERE equipment_kind = 'WAGON')::BIGINT AS wagons,
        sum(teu::DECIMAL(18, 2))::DOUBLE AS teu,  -- 1, 2 or 2.25 each: summed exactly, in any row order
        sum(gross_weight_t)::DECIMAL(12, 3) AS gross_weight_t
    FROM core.fact_consignment
    WHERE list_contains(reported_by, 'KTZ') AND list_contains(reported_by, 'ADY')
      AND status <> 'CANCELLED' AND accepted_utc IS NOT NULL
    GROUP BY ALL
)
SELECT
    m.month, m.direction, m.consignments, m.containers, m.wagons, m.teu, m.gross_weight_t,
    p.gross_weight_t AS prev_year_gross_weight_t,
    CASE WHEN p.gross_weight_t > 0
         THEN ((m.gross_weight_t - p.gross_weight_t) / p.gross_weight_t * 100)::DOUBLE END AS yoy_pct
FROM monthly AS m
LEFT JOIN monthly AS p ON p.direction = m.direction AND p.month = (m.month - INTERVAL 1 YEAR)::DATE;
