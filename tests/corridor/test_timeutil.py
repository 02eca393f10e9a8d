from datetime import datetime

import pytest

from corridor.timeutil import format_instant, local_to_utc, parse_instant, utc_to_local, zone


def test_ktz_instant_with_old_almaty_offset():
    assert parse_instant("2024-02-29T23:30:00+06:00") == datetime(2024, 2, 29, 17, 30)


def test_almaty_local_after_the_change():
    assert local_to_utc(datetime(2024, 3, 1, 0, 30), "Asia/Almaty") == datetime(2024, 2, 29, 19, 30)


def test_almaty_repeated_hour_means_first_occurrence():
    # 23:00–24:00 on 2024-02-29 happens twice in Almaty; the first is still UTC+6.
    assert local_to_utc(datetime(2024, 2, 29, 23, 30), "Asia/Almaty") == datetime(2024, 2, 29, 17, 30)


def test_baku_local():
    assert local_to_utc(datetime(2024, 3, 1, 0, 15), "Asia/Baku") == datetime(2024, 2, 29, 20, 15)


def test_round_trip_and_format():
    assert utc_to_local(datetime(2024, 3, 1, 0, 0), "Asia/Shanghai") == datetime(2024, 3, 1, 8, 0)
    assert format_instant(datetime(2024, 3, 1)) == "2024-03-01T00:00:00Z"
    assert parse_instant("2024-03-01T04:05:11Z") == datetime(2024, 3, 1, 4, 5, 11)


def test_instant_without_offset_is_refused():
    with pytest.raises(ValueError):
        parse_instant("2024-03-01T04:05:11")


def test_zones_come_from_the_tzdata_package():
    assert zone("Asia/Almaty").key == "Asia/Almaty"
    assert zone("Asia/Almaty").utcoffset(datetime(2024, 3, 2)).total_seconds() == 5 * 3600
