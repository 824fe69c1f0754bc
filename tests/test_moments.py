"""generators.common's working days and moments: what the books use to date
what people and systems write (payments, bills, bank lines, ledger entries)."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given
from hypothesis import strategies as st

from generators.common import (OFFICE_CLOSES, OFFICE_OPENS, end_of_day, moment_on, next_weekday, previous_weekday,
                               weekday_between)

START = dt.date(2025, 1, 1)
days = st.integers(min_value=0, max_value=400).map(lambda k: START + dt.timedelta(days=k))
seconds = st.integers(min_value=0, max_value=86_399).map(lambda s: dt.timedelta(seconds=s))


@given(days)
def test_weekdays_move_the_least(day):
    after, before = next_weekday(day), previous_weekday(day)
    assert after.weekday() < 5 and before.weekday() < 5
    assert 0 <= (after - day).days <= 2 and 0 <= (day - before).days <= 2
    if day.weekday() < 5:
        assert after == before == day


@given(days, days, days)
def test_weekday_between_stays_in_the_span(day, a, b):
    first, last = min(a, b), max(a, b)
    found = weekday_between(day, first, last)
    assert first <= found <= last
    span = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    if any(d.weekday() < 5 for d in span):
        assert found.weekday() < 5
    if first <= day <= last and day.weekday() < 5:
        assert found == day


@given(days, st.none() | seconds, st.integers(min_value=0, max_value=2**32))
def test_a_moment_is_on_its_day_in_working_hours_or_after_what_it_follows(day, offset, seed):
    not_before = None if offset is None else dt.datetime.combine(day, dt.time()) + offset
    moment = moment_on(random.Random(seed), day, not_before)
    assert moment.date() == day and moment <= end_of_day(day)
    if not_before is not None:
        assert moment >= not_before
    if not_before is None or not_before.hour < OFFICE_OPENS:  # the office's hours (working_time)
        assert dt.time(OFFICE_OPENS) <= moment.time() < dt.time(OFFICE_CLOSES)


def test_moments_spread_over_the_day():
    rng = random.Random(1)
    times = {moment_on(rng, START).time() for _ in range(200)}
    hours = [t.hour for t in times]
    assert len(times) > 190 and set(hours) <= set(range(OFFICE_OPENS, OFFICE_CLOSES)) and len(set(hours)) >= 10
    assert hours.count(10) > hours.count(12) > hours.count(7)  # a morning peak, a lunch dip, few early ones
