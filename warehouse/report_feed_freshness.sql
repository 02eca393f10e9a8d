-- Purpose: the report's feed freshness: per feed, what its SUCCEEDED loads cover (meta.load: the earliest
-- window start and the newest window end, i.e. publications up to then are loaded), when it last loaded,
-- when it last failed, and the newest publication time core holds from it where core keeps one
-- (tracking: core.fact_equipment_event; port schedules: core.fact_vessel_call_version, via load_id).
-- Grain: one row per operator × feed with any load.
WITH loads AS (
    SELECT operator_code, feed,
           min(window_from_utc) FILTER (WHERE status = 'SUCCEEDED') AS covered_from_utc,
           max(window_to_utc) FILTER (WHERE status = 'SUCCEEDED') AS loaded_to_utc,
           max(finished_utc) FILTER (WHERE status = 'SUCCEEDED') AS last_success_utc,
           max(started_utc) FILTER (WHERE status = 'FAILED') AS last_failure_utc
    FROM meta.load
    GROUP BY 1, 2
), published AS (
    SELECT l.operator_code, l.feed, max(e.published_utc) AS newest_published_utc
    FROM core.fact_equipment_event AS e JOIN meta.load AS l USING (load_id)
    GROUP BY 1, 2
    UNION ALL
    SELECT l.operator_code, l.feed, max(v.published_utc)
    FROM core.fact_vessel_call_version AS v JOIN meta.load AS l USING (load_id)
    GROUP BY 1, 2
)
SELECT loads.operator_code, loads.feed, covered_from_utc, loaded_to_utc, last_success_utc, last_failure_utc,
       (SELECT max(p.newest_published_utc) FROM published AS p
        WHERE p.operator_code = loads.operator_code AND p.feed = loads.feed) AS newest_published_utc
FROM loads
ORDER BY list_position(['KTZ', 'AKTAU_PORT', 'BAKU_PORT', 'ADY'], loads.operator_code) NULLS LAST,
         loads.operator_code, list_position(['cargo', 'schedule', 'tracking'], loads.feed) NULLS LAST, loads.feed;
