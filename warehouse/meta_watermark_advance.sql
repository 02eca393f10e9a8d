-- Purpose: move a feed's watermark to the end of a published window: only forward, and only over a
-- window contiguous with what is loaded (a backfill of an old period never moves the nightly start).
-- Grain: one row per operator × feed.
MERGE INTO meta.watermark AS w
USING (SELECT $operator_code AS operator_code, $feed AS feed, $window_from_utc AS window_from_utc,
              $window_to_utc AS window_to_utc, $load_id AS load_id, $now_utc AS now_utc) AS n
ON w.operator_code = n.operator_code AND w.feed = n.feed
WHEN MATCHED AND w.watermark_utc < n.window_to_utc AND w.watermark_utc >= n.window_from_utc THEN
    UPDATE SET watermark_utc = n.window_to_utc, load_id = n.load_id, updated_utc = n.now_utc
WHEN NOT MATCHED THEN
    INSERT (operator_code, feed, watermark_utc, load_id, updated_utc)
    VALUES (n.operator_code, n.feed, n.window_to_utc, n.load_id, n.now_utc);
