"""The business scenarios of the original seeder (see ../shared/terp/README.md).

Every scenario's window ends on 2025-10-31, the last day of the full
scenario's 22 months; shorter scenarios cover the months just before it.
Dates come from these windows, never from the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

WINDOW_END = dt.date(2025, 10, 31)


def _months_back(end: dt.date, months: int) -> dt.date:
    """First day of the month ``months - 1`` months before ``end``'s month."""
    index = end.year * 12 + (end.month - 1) - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Scenario:
    name: str
    clients: int          # buying clients, whales included
    whales: int
    vendors: int
    strains: int
    orders: int
    months: int
    revenue: Decimal      # over the whole window
    overdue_share: float = 0.15        # share of open AR that is overdue
    overdue_120_share: float = 0.50    # share of the overdue that is 120+ days
    return_rate: float = 0.005
    refund_rate: float = 0.05
    anomaly_rate: float = 0.0          # chaos: share of rows with anomalies
    description: str = ""

    @property
    def window_start(self) -> dt.date:
        return _months_back(WINDOW_END, self.months)

    @property
    def window_end(self) -> dt.date:
        return WINDOW_END


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("light", clients=10, whales=2, vendors=2, strains=10, orders=50,
                 months=1, revenue=Decimal("2000000"),
                 description="one month, a handful of clients: fast, for laptops and CI"),
        Scenario("full", clients=60, whales=10, vendors=8, strains=50, orders=4400,
                 months=22, revenue=Decimal("44000000"),
                 description="22 months of the whole business (the default)"),
        # nine months, not the original seeder's three: debt more than 120 days past
        # due at the window's end is a sale made more than five months before it
        Scenario("edgeCases", clients=20, whales=20, vendors=2, strains=10, orders=100,
                 months=9, revenue=Decimal("6000000"), overdue_share=0.80,
                 overdue_120_share=0.90, return_rate=0.10, refund_rate=0.20,
                 description="nine months of bad debt, returns and refunds"),
        Scenario("chaos", clients=30, whales=5, vendors=4, strains=20, orders=200,
                 months=6, revenue=Decimal("12000000"), anomaly_rate=0.10,
                 description="six months where 10% of rows carry anomalies"),
    )
}
