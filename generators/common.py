"""Helpers shared by generators: moments in the scenario window, money, picks."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Generic, Iterable, Sequence, TypeVar

T = TypeVar("T")
CENT = Decimal("0.01")


def at(day: dt.date, hour: int = 9, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second)


def setup_day(ctx) -> dt.date:
    """When the company configured TERP: a month before the scenario window."""
    return ctx.window_start - dt.timedelta(days=30)


# When people at a distributor write into the ERP: the share of a weekday's entries
# that fall in each hour (a morning peak, a lunch dip, an afternoon peak, a few early
# and late ones), and on a Saturday, the few entries of a half day.
WEEKDAY_HOURS = [(7, 2), (8, 6), (9, 11), (10, 13), (11, 12), (12, 7), (13, 9), (14, 12),
                 (15, 12), (16, 9), (17, 5), (18, 2)]
WEEKEND_HOURS = [(9, 3), (10, 4), (11, 4), (12, 3), (13, 2)]
OFFICE_OPENS, OFFICE_CLOSES = 7, 19  # no one writes outside these hours on a weekday
_HOURS_TOTAL = (sum(w for _h, w in WEEKDAY_HOURS), sum(w for _h, w in WEEKEND_HOURS))


def working_time(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment on ``day`` when someone at work would write a record: an hour by the
    office's profile (WEEKDAY_HOURS, or WEEKEND_HOURS on a Saturday or Sunday), any
    minute and second of it."""
    hours = WEEKDAY_HOURS if day.weekday() < 5 else WEEKEND_HOURS
    hour = weighted(rng, hours, _HOURS_TOTAL[hours is WEEKEND_HOURS])
    second = rng.randrange(3600)
    return at(day, hour, second // 60, second % 60)


def in_office_hours(rng: random.Random, moment: dt.datetime) -> dt.datetime:
    """``moment`` if it falls in a weekday's office hours; otherwise the next working
    morning (07:00-10:00), when whatever was left over gets done."""
    if moment.weekday() < 5 and OFFICE_OPENS <= moment.hour < OFFICE_CLOSES:
        return moment
    day = moment.date() + dt.timedelta(days=1) if moment.hour >= OFFICE_OPENS else moment.date()
    day = next_weekday(day)
    second = rng.randrange(3 * 3600)
    return at(day, OFFICE_OPENS + second // 3600, second % 3600 // 60, second % 60)


def business_moment(rng: random.Random, start: dt.date, end: dt.date) -> dt.datetime:
    """A weekday moment between 08:00 and 18:00, ``start`` <= day <= ``end``."""
    span = (end - start).days
    for _ in range(20):
        day = start + dt.timedelta(days=rng.randint(0, max(span, 0)))
        if day.weekday() < 5:
            break
    return at(day, rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))


def between(rng: random.Random, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    """A moment from ``lo`` to ``hi`` (``lo`` when ``hi`` is not after it), to the second,
    in a weekday's working hours (08:00-18:00) when the span has any."""
    span = max(0, int((hi - lo).total_seconds()))
    for _ in range(20):
        moment = lo + dt.timedelta(seconds=rng.randint(0, span))
        if moment.weekday() < 5 and 8 <= moment.hour < 18:
            break
    return moment


def end_of_day(day: dt.date) -> dt.datetime:
    """The last second of ``day``."""
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59)


def moment_on(rng: random.Random, day: dt.date, not_before: dt.datetime | None = None) -> dt.datetime:
    """When someone at work writes something on ``day``: a moment of its working hours
    (``working_time``), or, when ``not_before`` (no later than the day's end) is later than that,
    one second to an hour after it, within the day: a payment recorded after the
    delivery it was collected at, a ledger entry after its document."""
    moment = working_time(rng, day)
    if not_before is not None and moment < not_before:
        moment = min(not_before + dt.timedelta(seconds=rng.randint(1, 3600)), end_of_day(day))
    return moment


def next_weekday(day: dt.date) -> dt.date:
    """``day`` itself from Monday to Friday, else the Monday after."""
    return day + dt.timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def previous_weekday(day: dt.date) -> dt.date:
    """``day`` itself from Monday to Friday, else the Friday before."""
    return day - dt.timedelta(days=day.weekday() - 4) if day.weekday() >= 5 else day


def weekday_between(day: dt.date, first: dt.date, last: dt.date) -> dt.date:
    """``day``, kept within ``first``..``last``, moved to a working day: itself or the
    next one, else the one before; when the span holds no weekday, ``day`` clamped."""
    day = min(max(day, first), last)
    for candidate in (next_weekday(day), previous_weekday(day)):
        if first <= candidate <= last:
            return candidate
    return day


def stringified_json(value) -> str:
    """``value`` as TERP's code writes it with JSON.stringify: compact, keys in the
    order given, text as it is.  Given to a JSON column, the column holds a JSON
    string whose content is this JSON ("S", app-facts section 5), as TERP's own
    double-encoding writes orders.items; given to a text column, plain JSON text."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def money(value: float | Decimal | int) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def slug(text: str, sep: str = "-") -> str:
    return re.sub(r"[^a-z0-9]+", sep, text.lower()).strip(sep)


def pick(rng: random.Random, items: Sequence[T]) -> T:
    return items[rng.randrange(len(items))]


def weight_total(choices: Sequence[tuple[T, float]]) -> float:
    return sum(w for _, w in choices)


def weighted(rng: random.Random, choices: Sequence[tuple[T, float]], total: float | None = None) -> T:
    """One of ``choices`` by weight.  ``total``: their ``weight_total``, worked out once
    by a caller drawing from the same long list many times."""
    if total is None:
        total = weight_total(choices)
    x = rng.random() * total
    for item, weight in choices:
        x -= weight
        if x < 0:
            return item
    return choices[-1][0]


class ByDay(Generic[T]):
    """Items indexed by the days they span, to find those alive at a moment without
    scanning them all.  ``spans`` gives each item with its first and last day (last
    None: no end); ``around(day)`` is every item whose span takes in ``day``, in the
    order of ``spans``: a superset of those alive at a moment that day, which the
    caller filters exactly.  The lists it returns are its own: do not change them."""

    def __init__(self, spans: Iterable[tuple[T, dt.date, dt.date | None]]):
        spans = [(item, first, last) for item, first, last in spans if last is None or first <= last]
        self._horizon = max((d for _i, first, last in spans for d in (first, last) if d), default=dt.date.min)
        self._endless = [item for item, _first, last in spans if last is None]  # after the horizon
        # one list per day from the earliest first day to the horizon, by day ordinal
        self._base = min((first for _i, first, _last in spans), default=self._horizon).toordinal()
        self._days: list[list[T]] = [[] for _ in range(self._horizon.toordinal() - self._base + 1)]
        for item, first, last in spans:
            start = first.toordinal() - self._base
            for bucket in self._days[start:(last or self._horizon).toordinal() - self._base + 1]:
                bucket.append(item)

    def around(self, day: dt.date) -> list[T]:
        if day > self._horizon:
            return self._endless
        k = day.toordinal() - self._base
        return self._days[k] if k >= 0 else []
