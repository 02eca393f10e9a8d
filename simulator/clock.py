"""Simulated time: integer seconds since 1970-01-01 UTC, and the day and month arithmetic on it."""
from __future__ import annotations

from datetime import date, datetime, timedelta

HOUR = 3600
DAY = 86400
FIRST_DATE = date(2023, 1, 1)  # the world starts here: nothing is accepted or published before
EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()
_EPOCH = datetime(1970, 1, 1)


def to_ts(dt: datetime | date) -> int:
    """A naive UTC datetime, or a date's midnight, as seconds since the epoch."""
    if not isinstance(dt, datetime):
        return (dt.toordinal() - EPOCH_ORDINAL) * DAY  # no datetime arithmetic: dates are converted in hot loops
    return int((dt - _EPOCH).total_seconds())


def from_ts(t: int) -> datetime:
    return _EPOCH + timedelta(seconds=t)


def day_of(t: int) -> date:
    """The UTC date of an instant."""
    return date.fromordinal(EPOCH_ORDINAL + t // DAY)


def months_between(a: date, b: date) -> list[tuple[int, int]]:
    """(year, month) pairs from a's month to b's month, from 2023 on."""
    out, y, m = [], a.year, a.month
    while (y, m) <= (b.year, b.month):
        if (y, m) >= (FIRST_DATE.year, FIRST_DATE.month):
            out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def day_of_year(d: date) -> int:
    """1 on January 1st."""
    return d.toordinal() - date(d.year, 1, 1).toordinal() + 1
