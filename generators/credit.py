"""Credit management: each buying client's limit, monthly signals and their
audit trail, all computed from how the client actually bought and paid (the
books, finance.py), with the weights of the credit system settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from generators.access import staff_with_job
from generators.common import at, setup_day
from generators.finance import books
from generators.trade import _months, q2

SETTINGS = {  # TERP's defaults
    "revenue_momentum_weight": 20, "cash_collection_weight": 25, "profitability_weight": 20,
    "debt_aging_weight": 15, "repayment_velocity_weight": 10, "tenure_weight": 10,
    "learning_mode_threshold": 3, "min_invoices_for_activation": 15,
    "directional_sensitivity": Decimal("0.1000"), "revenue_multiplier": Decimal("2.00"),
    "margin_multiplier": Decimal("2.50"), "global_min_limit": Decimal("1000.00"),
    "global_max_limit": Decimal("1000000.00"),
}
ZERO = Decimal("0")


def _pct(value: float) -> Decimal:
    return q2(Decimal(str(max(0.0, min(100.0, value)))))


@dataclass(slots=True)
class Snapshot:
    """A client's credit signals at one month end."""
    client: dict
    when: dt.datetime
    invoices: int
    revenue_3m: Decimal
    revenue_prev_3m: Decimal
    exposure: Decimal
    overdue: Decimal
    on_time: float
    avg_days_to_pay: float
    margin: float
    tenure_days: int

    def signals(self) -> dict[str, Decimal]:
        momentum = 50.0 if not self.revenue_prev_3m else 50 + 50 * float(
            (self.revenue_3m - self.revenue_prev_3m) / max(self.revenue_prev_3m, Decimal(1)))
        aging = 0.0 if not self.exposure else 100 * float(self.overdue / self.exposure)
        return {"revenue_momentum": _pct(momentum), "cash_collection_strength": _pct(100 * self.on_time),
                "profitability_quality": _pct(self.margin * 250), "debt_aging_risk": _pct(aging),
                "repayment_velocity": _pct(100 - 2 * self.avg_days_to_pay),
                "tenure_depth": _pct(self.tenure_days / 7.3)}

    def score(self) -> Decimal:
        s = self.signals()
        w = SETTINGS
        total = (s["revenue_momentum"] * w["revenue_momentum_weight"]
                 + s["cash_collection_strength"] * w["cash_collection_weight"]
                 + s["profitability_quality"] * w["profitability_weight"]
                 + (100 - s["debt_aging_risk"]) * w["debt_aging_weight"]
                 + s["repayment_velocity"] * w["repayment_velocity_weight"]
                 + s["tenure_depth"] * w["tenure_weight"]) / 100
        return q2(total)

    def limit(self) -> Decimal:
        monthly = self.revenue_3m / 3
        base = monthly * SETTINGS["revenue_multiplier"]
        modifier = Decimal("0.5") + self.score() / 100
        value = (base * modifier / 1000).quantize(Decimal(1)) * 1000
        return min(SETTINGS["global_max_limit"], max(SETTINGS["global_min_limit"], q2(value)))


def credit_snapshots(ctx) -> dict[int, list[Snapshot]]:
    """Month-end snapshots of every buying client with invoices, oldest first."""
    b = ctx.dataset(books)
    by_client: dict[int, list] = {}
    for inv in b.invoices:
        by_client.setdefault(inv.client["id"], []).append(inv)
    out: dict[int, list[Snapshot]] = {}
    for client in (c for c in ctx.rows("clients") if c["is_buyer"]):
        invs = by_client.get(client["id"], [])
        if not invs:
            continue
        snaps = []
        for first, last in _months(ctx.window_start, ctx.window_end):
            seen = [i for i in invs if i.date <= last]
            if not seen:
                continue
            paid_by = [(i, [p for p in i.payments if p.date <= last]) for i in seen]
            closed = [(i, ps) for i, ps in paid_by if ps and sum(p.amount for p in ps) >= i.total]
            on_time = sum(1 for i, ps in closed if max(p.date for p in ps) <= i.due) / len(closed) if closed else 0.5
            days = [(max(p.date for p in ps) - i.date).days for i, ps in closed] or [30]
            exposure = sum((i.total - sum((p.amount for p in ps), ZERO) for i, ps in paid_by), ZERO)
            overdue = sum((i.total - sum((p.amount for p in ps), ZERO) for i, ps in paid_by if i.due < last), ZERO)
            recent = [i for i in seen if (last - i.date).days < 91]
            before = [i for i in seen if 91 <= (last - i.date).days < 182]
            orders = [i.order for i in recent if i.order]
            margin = (float(sum(o.total_margin for o in orders) / sum(o.subtotal for o in orders))
                      if orders and sum(o.subtotal for o in orders) else 0.25)
            snaps.append(Snapshot(client, at(last, 23, 0), len(seen), sum((i.total for i in recent), ZERO),
                                  sum((i.total for i in before), ZERO), exposure, overdue, on_time,
                                  sum(days) / len(days), margin, (last - client["created_at"].date()).days))
        out[client["id"]] = snaps
    return out


def _controller(ctx) -> int:
    return staff_with_job(ctx, "Controller")[0]["id"]


def credit_system_settings(ctx):
    created = at(setup_day(ctx), 15)
    return [{"id": ctx.id(1), **SETTINGS, "updated_by": _controller(ctx), "created_at": created,
             "updated_at": created}]


def _trend(current: Decimal, previous: Decimal | None) -> int:
    if previous is None or abs(current - previous) < 2:
        return 0
    return 1 if current > previous else -1


def credit_signal_history(ctx):
    rows = []
    for snaps in ctx.dataset(credit_snapshots).values():
        previous = None
        for snap in snaps:
            s = snap.signals()
            p = previous or {}
            rows.append({
                "id": ctx.id(len(rows) + 1), "client_id": snap.client["id"], **s,
                "revenue_momentum_trend": _trend(s["revenue_momentum"], p.get("revenue_momentum")),
                "cash_collection_trend": _trend(s["cash_collection_strength"], p.get("cash_collection_strength")),
                "profitability_trend": _trend(s["profitability_quality"], p.get("profitability_quality")),
                "debt_aging_trend": _trend(s["debt_aging_risk"], p.get("debt_aging_risk")),
                "repayment_velocity_trend": _trend(s["repayment_velocity"], p.get("repayment_velocity")),
                "calculation_metadata": {"invoices": snap.invoices, "score": float(snap.score()),
                                         "exposure": float(snap.exposure), "overdue": float(snap.overdue)},
                "calculated_at": snap.when,
            })
            previous = s
    return rows


def client_credit_limits(ctx):
    rows = []
    for snaps in ctx.dataset(credit_snapshots).values():
        snap, first = snaps[-1], snaps[0]
        limit = list(_replay(snaps))[-1][2]
        active = snap.invoices >= SETTINGS["min_invoices_for_activation"]
        score = snap.score()
        before = snaps[-4].score() if len(snaps) >= 4 else first.score()
        rows.append({
            "id": ctx.id(len(rows) + 1), "client_id": snap.client["id"], "credit_limit": limit,
            "current_exposure": q2(snap.exposure),
            "utilization_percent": min(Decimal("999.99"), q2(snap.exposure * 100 / limit)),
            "credit_health_score": score, "base_capacity": q2(snap.revenue_3m / 3 * SETTINGS["revenue_multiplier"]),
            "risk_modifier": (Decimal("0.5") + score / 100).quantize(Decimal("0.0001")),
            "directional_factor": Decimal("1.0000") + SETTINGS["directional_sensitivity"] * _trend(score, before),
            "mode": "ACTIVE" if active else "LEARNING",
            "confidence_score": _pct(min(100, snap.invoices * 100 / SETTINGS["min_invoices_for_activation"]) * 0.9),
            "data_readiness": _pct(snap.invoices * 100 / SETTINGS["min_invoices_for_activation"]),
            "trend": {1: "IMPROVING", 0: "STABLE", -1: "WORSENING"}[_trend(score, before)],
            "last_calculated": snap.when, "created_at": first.when, "updated_at": snap.when,
        })
    return rows


def _replay(snaps: list[Snapshot]):
    """The limit's story month by month: (snapshot, events, limit after them).

    LIMIT_CALCULATED at the first month end, INCREASED/DECREASED when a
    quarter-end recalculation moves it by more than 10%, MODE_CHANGED when the
    client reaches enough invoices, EXPOSURE_EXCEEDED when a month ends over it.
    """
    limit, active = None, False
    for snap in snaps:
        events, new = [], snap.limit()
        if limit is None:
            events.append(("LIMIT_CALCULATED", None, new, "First calculation", False))
            limit = new
        elif snap.when.month % 3 == 0 and abs(new - limit) > limit / 10:
            kind = "LIMIT_INCREASED" if new > limit else "LIMIT_DECREASED"
            events.append((kind, limit, new, "Quarterly recalculation", True))
            limit = new
        if not active and snap.invoices >= SETTINGS["min_invoices_for_activation"]:
            events.append(("MODE_CHANGED", None, None, "Enough history: LEARNING to ACTIVE", False))
            active = True
        if snap.exposure > limit:
            events.append(("EXPOSURE_EXCEEDED", limit, q2(snap.exposure), "Open balance above the limit", False))
        yield snap, events, limit


def credit_audit_log(ctx):
    controller = _controller(ctx)
    rows = []
    for snaps in ctx.dataset(credit_snapshots).values():
        for snap, events, _limit in _replay(snaps):
            for kind, old, new, reason, manual in events:
                change = None if not old or new is None else \
                    min(Decimal("999.99"), max(Decimal("-999.99"), q2((new - old) * 100 / old)))
                rows.append({"id": ctx.id(len(rows) + 1), "client_id": snap.client["id"], "event_type": kind,
                             "old_value": old, "new_value": new, "change_percent": change, "reason": reason,
                             "metadata": {"score": float(snap.score()), "invoices": snap.invoices},
                             "triggered_by": controller if manual else None, "created_at": snap.when})
    return rows
