"""The business's rhythm: what each month of the window carries and the days its
orders fall on.

A whole month carries the scenario's monthly figures (its orders and revenue
over its months).  A window that ends mid-month (``-x end``) also starts
mid-month, so that it keeps its length: its two edge months, each taken only in
part, carry the one month left over between them, shared by the working days
each holds (a one-month window from the 22nd to the 21st carries one month's
trade, not the 1.09 months its working days would weigh on their own).  Orders
fall on weekdays, and a few on Saturdays, spread evenly over the month so that
no week runs dry.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

# How much of a weekday's trade a day carries: a Saturday some, a Sunday none.
DAY_WEIGHT = (1.0, 1.0, 1.0, 1.0, 1.0, 0.12, 0.0)


@dataclass(frozen=True, slots=True)
class Month:
    first: dt.date          # first day of the month in the window
    last: dt.date           # last day of the month in the window
    share: float            # of a whole month's trade: 1.0, or less at the window's edges

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=k) for k in range((self.last - self.first).days + 1)]


def _capacity(days) -> float:
    return sum(DAY_WEIGHT[d.weekday()] for d in days)


def months(start: dt.date, end: dt.date, length: int) -> list[Month]:
    """The calendar months ``start``..``end`` (a window of ``length`` months) takes in,
    each with the share of a whole month's trade it carries: 1.0 for a whole month;
    the months the window takes only in part share what is left of ``length`` (the
    window's months but its whole ones), each by its working days in the window
    over the month's, so that the window carries ``length`` months in all."""
    out, edges = [], []
    first = start.replace(day=1)
    while first <= end:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        whole = [first + dt.timedelta(days=k) for k in range((following - first).days)]
        inside = [d for d in whole if start <= d <= end]
        share = _capacity(inside) / _capacity(whole)
        if len(inside) < len(whole):
            edges.append(len(out))
        out.append(Month(inside[0], inside[-1], share))
        first = following
    left_over = length - (len(out) - len(edges))
    weight = sum(out[k].share for k in edges)
    if edges and left_over > 0 and weight > 0:
        for k in edges:
            out[k] = Month(out[k].first, out[k].last, out[k].share * left_over / weight)
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
