"""The business keeps its rhythm: steady months, orders of about three lines,
records written when people at work write them; and the chaos scenario carries
the anomalies it declares, at its rate, while holding its targets.

Queries against the seeded databases (MariaDB from the DDL, full scenario;
SQLite for every scenario and a scale)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
import sqlalchemy as sa

from generators import rhythm
from generators.anomalies import expected_shares
from generators.trade import trade
from terpseed.scenarios import SCENARIOS, window_start
from terpseed.schema import metadata
from tests.support import world
from tests.test_trade_data import rows

T = metadata.tables
D = Decimal


def _scenario(engine):
    return SCENARIOS[getattr(engine, "scenario", "full")], getattr(engine, "scale", 1.0)


def _sales(o):
    return sa.and_(o.c.orderType == "SALE", o.c.saleStatus != "CANCELLED")


def _whole_months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """The calendar months lying wholly inside start..end."""
    out, first = [], start.replace(day=1)
    while first <= end:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        if first >= start and following - dt.timedelta(days=1) <= end:
            out.append((first.year, first.month))
        first = following
    return out


# ------------------------------------------------------------------ rhythm
def test_every_whole_month_carries_the_monthly_orders_and_revenue(seeded):
    """Steady months: each whole month's sales (not cancelled) are the scenario's
    orders and revenue a month, within 10% (3 orders at least) and 5%."""
    scenario, scale = _scenario(seeded)
    o = T["orders"]
    _assert_steady_months(scenario, scale, rows(seeded, sa.select(o.c.created_at, o.c.total).where(_sales(o))))


@pytest.mark.parametrize("scenario", ["light", "edgeCases", "chaos"])
@pytest.mark.parametrize("end", ["2025-10-31", "2026-03-15"])
@pytest.mark.parametrize("seed", ["12345", "3"])
def test_months_hold_for_any_window_end_and_seed(scenario, end, seed):
    """The same, for a window ending on a month's last day or in mid-month, and
    another seed: the orders the seeds write (their trading simulation), no
    database; and, but in chaos, no order as small as chaos's small orders."""
    w = world(scenario=scenario, end=end, seed=seed)
    orders = w.dataset(trade).orders
    _assert_steady_months(w.params.scenario, 1.0, [(o.created, o.total) for o in orders
                                                    if o.kind == "SALE" and not o.cancelled_at])
    if not w.params.scenario.anomaly_rate:
        tiny = w.params.scenario.revenue / w.params.scenario.orders / 10
        assert not [o.number for o in orders if len(o.lines) <= 2 and o.total < tiny]


def test_a_window_carries_its_length_in_months():
    """Whole months carry a month's trade each; a window's edge months (it ends
    mid-month) share the one month left over, so the window carries its length."""
    for end in (dt.date(2025, 10, 31), dt.date(2025, 11, 21), dt.date(2026, 3, 15), dt.date(2024, 2, 29)):
        for length in (1, 6, 9, 22):
            months = rhythm.months(window_start(end, length), end, length)
            assert abs(sum(m.share for m in months) - length) < 1e-9, (end, length)
            assert all(m.share == 1.0 for m in months if m.first.day == 1 and
                       (m.last + dt.timedelta(days=1)).day == 1), (end, length)


def _assert_steady_months(scenario, scale: float, sales) -> None:
    """Each whole month of ``scenario``'s window, in ``sales`` (when made, total), is its
    orders and revenue a month, within 10% (3 orders at least) and 5%; a window with
    no whole month carries its one month's."""
    orders_month = scenario.orders / scenario.months * scale
    revenue_month = scenario.revenue / scenario.months * D(str(scale))
    count, revenue = Counter(), defaultdict(D)
    for created, total in sales:
        count[(created.year, created.month)] += 1
        revenue[(created.year, created.month)] += total
    months = _whole_months(scenario.window_start, scenario.window_end)
    # a window that ends mid-month (-x end) has one whole month fewer: its edges are partial
    assert len(months) in (scenario.months, scenario.months - 1)
    for month in months:
        assert abs(count[month] - orders_month) <= max(0.10 * orders_month, 3), (month, count[month])
        assert abs(revenue[month] / revenue_month - 1) <= D("0.05"), (month, revenue[month])
    if not months:  # one month across two calendar months (light): the window carries the month
        assert abs(sum(count.values()) - orders_month) <= max(0.10 * orders_month, 3), count
        assert abs(sum(revenue.values()) / revenue_month - 1) <= D("0.05"), revenue


def test_orders_have_about_three_lines(seeded):
    """Three lines an order on average (chaos's small orders and comps, one or two
    lines, pull its mean down a little), within the noise of the scenario's count."""
    o, oli = T["orders"], T["order_line_items"]
    n_orders = rows(seeded, sa.select(sa.func.count()).select_from(o))[0][0]
    n_lines = rows(seeded, sa.select(sa.func.count()).select_from(oli))[0][0]
    scenario, _scale = _scenario(seeded)
    shares = expected_shares(scenario.anomaly_rate)
    few = shares["small"] + shares["comp"]
    expected = 3 * (1 - few) + 1.5 * few
    assert abs(n_lines / n_orders - expected) <= max(0.15, 2.5 * 1.1 / n_orders ** 0.5), n_lines / n_orders


def test_order_times_follow_the_working_day(seeded):
    """Orders are entered, confirmed, packed and shipped in office hours (07:00-19:00),
    on weekdays but for a few Saturday orders; never on the hour as a rule; the
    hours have a shape (a morning peak, a lunch dip), not a flat spread."""
    o = T["orders"]
    columns = ("created_at", "confirmed_at", "packed_at", "shipped_at")
    data = rows(seeded, sa.select(*(o.c[c] for c in columns)))
    for k, column in enumerate(columns):
        moments = [row[k] for row in data if row[k] is not None]
        assert all(7 <= m.hour < 19 for m in moments), column
        weekend = sum(1 for m in moments if m.weekday() >= 5) / len(moments)
        assert weekend <= (0.06 if column == "created_at" else 0), (column, weekend)
        assert all(m.weekday() != 6 for m in moments), column  # no one works on Sunday
        on_the_hour = sum(1 for m in moments if m.minute == 0 and m.second == 0)
        assert on_the_hour <= max(2, len(moments) // 200), (column, on_the_hour)
    if len(data) >= 1000:  # enough orders to see the day's shape
        hours = Counter(row[0].hour for row in data)
        assert hours[10] > 1.5 * hours[12] and hours[10] > 3 * hours[7] and hours[15] > 2 * hours[18]


# ------------------------------------------------------------------ chaos
def test_anomalies_come_at_the_scenarios_rate(seeded):
    """Each kind of anomaly measured in the data, against what the scenario's
    anomaly_rate declares (none at all where it declares none)."""
    scenario, _scale = _scenario(seeded)
    expected = expected_shares(scenario.anomaly_rate)
    o, oli, b, p, c = (T[n] for n in ("orders", "order_line_items", "batches", "products", "clients"))
    lines = defaultdict(list)
    for order_id, qty, margin, price in rows(seeded, sa.select(oli.c.order_id, oli.c.quantity,
                                                                 oli.c.margin_percent, oli.c.unit_price)):
        lines[order_id].append((qty, margin, price))
    orders = rows(seeded, sa.select(o.c.id, o.c.total, o.c.total_cogs))
    tiny = scenario.revenue / scenario.orders / 10  # a small order: under a tenth of the average

    def all_lines(order_id, lo, hi):
        return all(lo <= margin <= hi for _q, margin, _p in lines[order_id])

    kinds = Counter()
    ordinary_lines = Counter()
    for order_id, total, total_cogs in orders:
        ls = lines[order_id]
        if total == 0 and all(price == 0 for _q, _m, price in ls):
            kinds["comp"] += 1
        elif len(ls) <= 2 and 0 < total < tiny:
            kinds["small"] += 1
        elif all_lines(order_id, 5, 10):
            kinds["low_margin"] += 1
        elif all_lines(order_id, 50, 70):
            kinds["high_margin"] += 1
        else:
            for _q, margin, _p in ls:
                ordinary_lines["all"] += 1
                ordinary_lines["high_line"] += 50 <= margin <= 70
                ordinary_lines["low_line"] += 5 <= margin <= 10
        kinds["incomplete"] += total_cogs is None
    measured = {kind: (kinds[kind], len(orders)) for kind in ("comp", "small", "low_margin", "high_margin",
                                                               "incomplete")}
    measured.update({kind: (ordinary_lines[kind], ordinary_lines["all"]) for kind in ("high_line", "low_line")})
    for kind, (found, of) in measured.items():
        share = expected[kind]
        if share == 0:
            assert found == 0, kind
        else:  # each kind near its share: within three standard deviations of a draw of ``of``
            assert found and abs(found / of - share) <= 3 * (share * (1 - share) / of) ** 0.5 + 0.005, \
                (kind, found, of)

    # incomplete records: batches without grade or lab results, clients without contact details
    batches = rows(seeded, sa.select(b.c.grade, b.c.metadata, p.c.category).join(p, p.c.id == b.c.productId))
    sparse = sum(1 for grade, meta, category in batches if meta is None or (category == "Flower" and grade is None))
    buyers = rows(seeded, sa.select(c.c.email, c.c.phone, c.c.address).where(c.c.is_buyer.is_(True)))
    unreachable = sum(1 for row in buyers if None in tuple(row))
    for found, of in ((sparse, len(batches)), (unreachable, len(buyers))):
        if expected["incomplete"] == 0:
            assert found == 0
        else:
            assert abs(found / of - expected["incomplete"]) <= 0.05, (found, of)


def test_every_client_buys_and_the_whales_keep_their_share(seeded):
    """Every buying client has sales; whales carry 70% of revenue (the top clients are
    the whales); chaos too."""
    scenario, scale = _scenario(seeded)
    o, c = T["orders"], T["clients"]
    by_client = defaultdict(D)
    for code, total in rows(seeded, sa.select(c.c.teri_code, o.c.total).join(c, c.c.id == o.c.client_id)
                            .where(_sales(o))):
        by_client[code] += total
    buyers = rows(seeded, sa.select(sa.func.count()).select_from(c).where(c.c.is_buyer.is_(True)))[0][0]
    assert len(by_client) == buyers == round(scenario.clients * scale)
    whales = [code for code in by_client if code.startswith("WHL")]
    revenue = sum(by_client.values())
    share = sum(by_client[w] for w in whales) / revenue
    if len(whales) < len(by_client):
        assert abs(share - D("0.70")) <= D("0.02"), share
        top = sorted(by_client.values(), reverse=True)[:len(whales)]
        assert abs(sum(top) / revenue - D("0.70")) <= D("0.03")
