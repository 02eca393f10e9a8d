"""The project's own floor: every page of the twelve feeds fetched through Corridor's connectors, raw text bulk-loaded.

    python bench/floor.py --from 2024-04-01 --to 2024-05-01 --db /tmp/floor.duckdb

The least a sync must do with this code base: the same connectors' HTTP and paging (and their
JSON/CSV/XML decoding, which paging needs), then every record's raw text appended to one DuckDB
table in bulk (one Arrow table per batch of pages). No typing, validation, de-duplication or core.
Reads the CORRIDOR_* variables as the product does. Prints one JSON line: records, wall_s,
records_per_s (wall from process start to the closed database, as `../shared/bench/floor.py`).
"""
import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import threading  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from datetime import datetime  # noqa: E402

import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402

from corridor.config import Settings  # noqa: E402
from corridor.connectors import OPERATOR_MODULES, HttpClient, Window, feed_registry  # noqa: E402

BATCH_RECORDS = 20_000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", required=True, type=datetime.fromisoformat)
    parser.add_argument("--to", dest="end", required=True, type=datetime.fromisoformat)
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, default=4, help="feeds fetched at once")
    args = parser.parse_args(argv)
    settings, window = Settings(), Window(args.start, args.end)
    con = duckdb.connect(args.db)
    con.execute("CREATE OR REPLACE TABLE raw_record (operator VARCHAR, feed VARCHAR, record VARCHAR)")
    lock = threading.Lock()

    def load(operator: str, feed_name: str, texts: list[str]) -> None:
        batch = pa.table({"operator": pa.array([operator] * len(texts)), "feed": pa.array([feed_name] * len(texts)),
                          "record": pa.array(texts, pa.string())})
        with lock:
            con.register("batch", batch)
            con.execute("INSERT INTO raw_record SELECT * FROM batch")
            con.unregister("batch")

    def one_feed(key) -> int:
        (operator, feed_name), feed = key, feed_registry()[key]
        http = HttpClient(f"{operator} {feed_name}")
        client = OPERATOR_MODULES[operator].CLIENT(settings, http)
        texts: list[str] = []
        count = 0
        try:
            for page in feed.fetch(client, window):
                texts += [r.text for r in page.records]
                if len(texts) >= BATCH_RECORDS:
                    load(operator, feed_name, texts)
                    count, texts = count + len(texts), []
            if texts:
                load(operator, feed_name, texts)
        finally:
            http.close()
        return count + len(texts)

    with ThreadPoolExecutor(max(1, args.workers)) as pool:
        counts = dict(zip(feed_registry(), pool.map(one_feed, list(feed_registry()))))
    con.close()
    wall = time.perf_counter() - T0
    total = sum(counts.values())
    print(json.dumps({"records": {f"{o}_{f}".lower(): n for (o, f), n in counts.items()}, "total_records": total,
                      "wall_s": round(wall, 3), "records_per_s": round(total / wall)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
