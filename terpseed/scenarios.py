"""The business scenarios of the original seeder (see ../shared/terp/README.md).

A scenario is a story of ``months`` months that ends on its window's last
day: by default the date of the TERP schema the seeds are written for
(2025-11-21), so that the history runs right up to the day TERP's schema was
taken; ``-x end=YYYY-MM-DD`` moves the whole story to end on another day, at
the same length.  Dates come from these windows, never from the clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
import dataclasses
from dataclasses import dataclass
from decimal import Decimal

WINDOW_END = dt.date(2025, 11, 21)  # the date of the TERP schema (terpseed.schema.SCHEMA_DATE)


def window_start(end: dt.date, months: int) -> dt.date:
    """The first day of a window of ``months`` months that ends on ``end``: the
    day after the same day ``months`` months earlier (clamped to the month's
    length), so a window ending on the last day of a month starts on the
    first of a month (2025-10-31, 22 months: 2024-01-01) and one ending on
    2025-11-21 starts on 2024-01-22."""
    index = end.year * 12 + (end.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    if end.day >= calendar.monthrange(end.year, end.month)[1]:
        day = last_day  # from a month's last day to a month's last day
    else:
        day = min(end.day, last_day)
    return dt.date(year, month, day) + dt.timedelta(days=1)


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
    end: dt.date = WINDOW_END          # the window's last day (-x end)

    @property
    def window_start(self) -> dt.date:
        return window_start(self.end, self.months)

    @property
    def window_end(self) -> dt.date:
        return self.end

    def ending(self, end: dt.date) -> "Scenario":
        """The same story, moved to end on ``end``."""
        return dataclasses.replace(self, end=end)


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
