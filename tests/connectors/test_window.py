from datetime import datetime, timedelta

import pytest

from corridor.connectors import RawRecord, Window


def test_split_covers_the_window_exactly():
    window = Window(datetime(2024, 1, 1), datetime(2024, 1, 20, 6))
    parts = list(window.split(timedelta(days=7)))
    assert [p.start for p in parts] == [datetime(2024, 1, 1), datetime(2024, 1, 8), datetime(2024, 1, 15)]
    assert parts[-1].end == window.end
    assert all(p.end - p.start <= timedelta(days=7) for p in parts)


def test_empty_window_is_refused():
    with pytest.raises(ValueError):
        Window(datetime(2024, 1, 2), datetime(2024, 1, 1))


def test_exact_repeats_hash_the_same_whatever_the_key_order():
    assert RawRecord.from_json({"a": 1, "b": 2}).content_hash == RawRecord.from_json({"b": 2, "a": 1}).content_hash
    assert RawRecord.from_json({"a": 1}).content_hash != RawRecord.from_json({"a": 2}).content_hash
