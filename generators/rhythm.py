"""The business's rhythm: what each month of the window carries and the days its
orders fall on.

A whole month carries the scenario's monthly figures (its orders and revenue
over its months); a month the window takes only part of (the window's last
month, when it ends before the month does) carries them pro rata, by the
working days it holds.  Orders fall on weekdays, and a few on Saturdays, spread
evenly over the month so that no week runs dry.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

# How much of a weekday's trade a day carries: a Saturday some, a Sunday none.
DAY_WEIGHT = (1.0, 1.0, 1.0, 1.0, 1.0, 0.12, 0.0)


@dataclass(frozen=True)
class Month:
    first: dt.date          # first day of the month in the window
    last: dt.date           # last day of the month in the window
    share: float            # of a whole month's trade: 1.0, or less at the window's edges

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=k) for k in range((self.last - self.first).days + 1)]


def _capacity(days) -> float:
    return sum(DAY_WEIGHT[d.weekday()] for d in days)


def months(start: dt.date, end: dt.date) -> list[Month]:
    """The calendar months ``start``..``end`` takes in, each with the share of a whole
    month's trade it carries (its working days in the window over the month's)."""
    out = []
    first = start.replace(day=1)
    while first <= end:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        whole = [first + dt.timedelta(days=k) for k in range((following - first).days)]
        inside = [d for d in whole if start <= d <= end]
        out.append(Month(inside[0], inside[-1], _capacity(inside) / _capacity(whole)))
        first = following
    return out


def counts(months_: list[Month], per_month: float) -> list[int]:
    """Whole numbers of events for ``months_`` whose running totals stay within half an
    event of ``per_month`` times the months' running shares."""
    out, expected, given = [], 0.0, 0
    for month in months_:
        expected += per_month * month.share
        out.append(max(0, round(expected) - given))
        given += out[-1]
    return out


def spread_days(rng: random.Random, month: Month, count: int) -> list[dt.date]:
    """``count`` days in ``month`` for events (orders, deliveries), in date order, spread
    evenly over its working capacity (DAY_WEIGHT): the k-th falls where the month's
    capacity reaches (k + u) / count of its total, u a random fraction."""
    days = month.days
    cumulative, total = [], 0.0
    for day in days:
        total += DAY_WEIGHT[day.weekday()]
        cumulative.append(total)
    out, i = [], 0
    for k in range(count):
        mark = (k + rng.random()) / count * total
        while cumulative[i] <= mark and i < len(days) - 1:
            i += 1
        out.append(days[i])
    return out


__all__ = ["DAY_WEIGHT", "Month", "counts", "months", "spread_days"]
