"""Helpers shared by generators: moments in the scenario window, money, picks."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence, TypeVar

T = TypeVar("T")
CENT = Decimal("0.01")


def at(day: dt.date, hour: int = 9, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second)


def setup_day(ctx) -> dt.date:
    """When the company configured TERP: a month before the scenario window."""
    return ctx.window_start - dt.timedelta(days=30)


def business_moment(rng: random.Random, start: dt.date, end: dt.date) -> dt.datetime:
    """A weekday moment between 08:00 and 18:00, ``start`` <= day <= ``end``."""
    span = (end - start).days
    for _ in range(20):
        day = start + dt.timedelta(days=rng.randint(0, max(span, 0)))
        if day.weekday() < 5:
            break
    return at(day, rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))


def money(value: float | Decimal | int) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def slug(text: str, sep: str = "-") -> str:
    return re.sub(r"[^a-z0-9]+", sep, text.lower()).strip(sep)


def pick(rng: random.Random, items: Sequence[T]) -> T:
    return items[rng.randrange(len(items))]


def weighted(rng: random.Random, choices: Sequence[tuple[T, float]]) -> T:
    total = sum(w for _, w in choices)
    x = rng.random() * total
    for item, weight in choices:
        x -= weight
        if x < 0:
            return item
    return choices[-1][0]
