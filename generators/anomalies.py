"""Unusual business: the anomalies of TERP's own seeder, at a scenario's rate.

TERP's seeder (scripts/generators/orders.ts) and its data-anomaly tests
(server/tests/data-anomalies.test.ts) define them; at its rate of 10%:

* very small orders: 10% of orders, one or two lines of small quantities
  (half a pound to a pound of flower, one to three units of anything else);
* forced margins across a whole order: 3% low (5-10%), 3% high (50-70%);
* line-margin outliers in the other orders: 5% of lines high (50-70%), 5% low
  (5-10%);

and, where TERP's application allows them:

* comps: orders whose every line is at $0 (product given away, TERP prices a
  line at whatever the rep types, 0 included), 1% of orders;
* incomplete records: 10% of orders, batches and clients leave optional columns
  empty, as TERP's own paths do (its enhanced order path writes no total COGS
  or margin, no display names, no cash payment; intake need not record a grade
  or lab results; a client needs only a code and a name).

A scenario's ``anomaly_rate`` scales all of them (0: none).  Every anomaly is
still legal business: the integrity checks hold.
"""

from __future__ import annotations

import random
from decimal import Decimal

TERP_RATE = 0.10  # the rate the shares below are TERP's own at
# Order kinds and their share of orders, at TERP_RATE.
ORDER_KINDS = (("small", 0.10), ("low_margin", 0.03), ("high_margin", 0.03), ("comp", 0.01))
LINE_OUTLIERS = (("high", 0.05), ("low", 0.05))   # share of lines of the other orders
INCOMPLETE = 0.10                                  # share of orders, batches, clients
LOW_MARGIN, HIGH_MARGIN = (0.05, 0.10), (0.50, 0.70)
SMALL_FLOWER_LB = (Decimal("0.5"), Decimal("0.75"), Decimal("1"))
SMALL_UNITS = (Decimal("1"), Decimal("2"), Decimal("3"))


def _scaled(share: float, rate: float) -> float:
    return share * rate / TERP_RATE


def exactly(rng: random.Random, n: int, share: float) -> set[int]:
    """Which of ``n`` items: round(share * n) of them (at least one when share > 0
    and n > 0), chosen at random."""
    k = min(n, max(1 if share > 0 and n else 0, round(share * n)))
    return set(rng.sample(range(n), k))


def order_kinds(rng: random.Random, n: int, rate: float) -> list[str]:
    """The kind of each of ``n`` orders: "normal", or an anomaly of ORDER_KINDS in
    exactly its share (scaled by ``rate``), the places chosen at random."""
    kinds = ["normal"] * n
    free = list(range(n))
    rng.shuffle(free)
    for kind, share in ORDER_KINDS:
        k = round(_scaled(share, rate) * n)
        for i in free[:k]:
            kinds[i] = kind
        free = free[k:]
    return kinds


def incomplete(rng: random.Random, n: int, rate: float) -> set[int]:
    """Which of ``n`` records leave optional columns empty."""
    return exactly(rng, n, _scaled(INCOMPLETE, rate)) if rate > 0 else set()


def forced_margin(rng: random.Random, kind: str) -> float | None:
    """The margin every line of an order of ``kind`` takes (None: the line decides)."""
    if kind == "low_margin":
        return rng.uniform(*LOW_MARGIN)
    if kind == "high_margin":
        return rng.uniform(*HIGH_MARGIN)
    return None


def outlier_margin(rng: random.Random, rate: float) -> float | None:
    """A line's outlying margin (None: an ordinary line), LINE_OUTLIERS scaled by ``rate``."""
    if rate <= 0:
        return None
    roll = rng.random()
    high, low = (_scaled(share, rate) for _kind, share in LINE_OUTLIERS)
    if roll < high:
        return rng.uniform(*HIGH_MARGIN)
    if roll < high + low:
        return rng.uniform(*LOW_MARGIN)
    return None


def ordinary_margin(mean: float, rate: float) -> float:
    """The margin ordinary lines average so that, with the outliers and the forced
    orders of ``rate``, the business still averages ``mean`` on its revenue (every
    earning order and line carries about the same revenue, whatever its margin)."""
    shares = dict(ORDER_KINDS)
    low, high = (_scaled(shares[k], rate) for k in ("low_margin", "high_margin"))
    normal = 1 - sum(_scaled(share, rate) for _kind, share in ORDER_KINDS)
    out_high, out_low = (_scaled(share, rate) for _kind, share in LINE_OUTLIERS)
    mid_low, mid_high = sum(LOW_MARGIN) / 2, sum(HIGH_MARGIN) / 2
    fixed = normal * (out_high * mid_high + out_low * mid_low) + low * mid_low + high * mid_high
    return (mean * (normal + low + high) - fixed) / (normal * (1 - out_high - out_low))


def small_quantity(rng: random.Random, by_the_pound: bool) -> Decimal:
    return rng.choice(SMALL_FLOWER_LB if by_the_pound else SMALL_UNITS)


def expected_shares(rate: float) -> dict[str, float]:
    """What a scenario at ``rate`` should show: each order kind's share of orders,
    each outlier's share of the lines of ordinary orders, incomplete records' share."""
    shares = {kind: _scaled(share, rate) for kind, share in ORDER_KINDS}
    shares.update({f"{kind}_line": _scaled(share, rate) for kind, share in LINE_OUTLIERS})
    shares["incomplete"] = _scaled(INCOMPLETE, rate)
    return shares


__all__ = ["ORDER_KINDS", "LINE_OUTLIERS", "INCOMPLETE", "LOW_MARGIN", "HIGH_MARGIN", "exactly",
           "order_kinds", "incomplete", "forced_margin", "outlier_margin", "ordinary_margin", "small_quantity",
           "expected_shares"]
