"""generators.common.ByDay: the day index the generators use to find what is
alive at a moment (open invoices, batches in intake...) without a scan."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from generators.common import ByDay

START = dt.date(2025, 1, 1)
days = st.integers(min_value=0, max_value=60).map(lambda k: START + dt.timedelta(days=k))
spans = st.lists(st.tuples(days, st.none() | days), max_size=25)


def around_by_scan(spans, day):
    """The definition: every span taking in ``day`` in the given order; past the
    last known day, the spans without an end."""
    kept = [(n, first, last) for n, (first, last) in enumerate(spans) if last is None or first <= last]
    horizon = max((d for _n, first, last in kept for d in (first, last) if d), default=dt.date.min)
    if day > horizon:
        return [n for n, _first, last in kept if last is None]
    return [n for n, first, last in kept if first <= day <= (last or horizon)]


@given(spans, st.lists(days | st.just(START - dt.timedelta(days=5)), max_size=10))
def test_around_is_every_span_that_takes_in_the_day(spans, asked):
    index = ByDay((n, first, last) for n, (first, last) in enumerate(spans))
    for day in asked + [START + dt.timedelta(days=200)]:
        assert index.around(day) == around_by_scan(spans, day)


def test_no_spans():
    assert ByDay([]).around(START) == []
