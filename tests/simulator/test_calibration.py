"""Calibration on the simulator's own ground truth: every figure world.md asks for."""
from __future__ import annotations

from datetime import date

from corridor.simulator import World
from corridor.simulator.truth import (
    interchange_tonnes,
    xb_containers_per_train,
    xb_median_transit_days,
    xb_trains_per_month,
)

WORLD = World(seed=7, scale=1.0)


def test_interchange_tonnage_and_growth():
    t2024 = interchange_tonnes(WORLD, date(2024, 1, 1), date(2024, 2, 29))
    t2023 = interchange_tonnes(WORLD, date(2023, 1, 1), date(2023, 2, 28))
    assert abs(t2024 / 540_000 - 1) <= 0.03, t2024
    assert abs((t2024 / t2023 - 1) * 100 - 25) <= 3, (t2023, t2024)


def test_xian_baku_trains_and_containers():
    for month in range(1, 13):
        assert xb_trains_per_month(WORLD, 2024, month) == 10
        assert 0 < xb_trains_per_month(WORLD, 2023, month) < 10
        assert set(xb_containers_per_train(WORLD, 2024, month)) == {61}


def test_median_transit_is_eleven_days():
    assert abs(xb_median_transit_days(WORLD, date(2024, 1, 1), date(2024, 12, 31)) - 11) <= 0.5
    assert abs(xb_median_transit_days(WORLD, date(2024, 1, 1), date(2024, 2, 29)) - 11) <= 0.5


def test_scale_one_is_about_150_wagons_a_day():
    counts = [sum(WORLD.wagon_count(date(2024, 6, d))) for d in range(1, 31)]
    assert 130 <= sum(counts) / len(counts) <= 170
    assert sum(World(seed=7, scale=10).wagon_count(date(2024, 6, 1))) > 9 * sum(WORLD.wagon_count(date(2024, 6, 1)))


def test_almaty_offset_change_is_in_the_local_times():
    from datetime import datetime

    from corridor.simulator.clock import to_ts
    from corridor.simulator.records import rfc3339
    assert rfc3339(to_ts(datetime(2024, 2, 29, 17, 30)), "Asia/Almaty") == "2024-02-29T23:30:00+06:00"
    assert rfc3339(to_ts(datetime(2024, 2, 29, 18, 30)), "Asia/Almaty") == "2024-02-29T23:30:00+05:00"
    assert rfc3339(to_ts(datetime(2024, 3, 1, 12, 0)), "Asia/Aqtau") == "2024-03-01T17:00:00+05:00"
