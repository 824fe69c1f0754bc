"""Around the trade: order audit trail, recurring orders, samples, sales sheets,
vendors' offers, saved inventory views, inventory alerts and COGS changes.

Everything here projects the ``trade`` and ``supply`` datasets (generators/trade.py):
an audit row for what an order went through, a sample for products a client
then bought, a sales sheet of the batches that were on the shelf that day, a
vendor's offer behind each purchase order, an alert on a batch whose stock
really ran low.  Three small datasets are shared by several tables: the stock
of every batch at any moment (``stock``), the sample requests (``samples``)
and the sales-sheet templates with the sheets sent from them (``sheets``).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from itertools import accumulate

from generators.access import staff_with_job
from generators.common import at, business_moment, pick, stringified_json, weighted
from generators.common import between as _between  # its old name, still imported from here
from generators.parties import is_whale, strain_type as strain_kind
from generators.trade import (GRADES, MARGIN_MEAN, Batch, Order, Product, _business_time, _end_of,
                              _months, catalog, q2, supply, trade)

ZERO = Decimal("0")
GRAMS_PER_LB = Decimal("453.592")
LB4 = Decimal("0.0001")


# --------------------------------------------------------------------------- helpers
def _end(ctx) -> dt.datetime:
    """The last moment of the window: nothing is dated after it."""
    return _end_of(ctx.window_end)


def _buyers(ctx) -> list[dict]:
    return [c for c in ctx.rows("clients") if c["is_buyer"]]


def _rep_of(ctx) -> dict[int, int]:
    """Each buying client's rep, assigned the way the trade dataset assigns them."""
    reps = staff_with_job(ctx, "Sales Rep") + staff_with_job(ctx, "Sales Manager")
    return {c["id"]: reps[k % len(reps)]["id"] for k, c in enumerate(_buyers(ctx))}


def _staff_ids(ctx, *jobs: str) -> list[int]:
    return [u["id"] for job in jobs for u in staff_with_job(ctx, job)]


def _sales(orders: list[Order]) -> list[Order]:
    """Sales that went through (not cancelled)."""
    return [o for o in orders if o.kind == "SALE" and o.sale_status != "CANCELLED"]


def _by_client(orders: list[Order]) -> defaultdict[int, list[Order]]:
    """Each client's orders, in the order of ``orders``."""
    of_client = defaultdict(list)
    for order in orders:
        of_client[order.client["id"]].append(order)
    return of_client


def _qty_text(value: Decimal) -> str:
    """A quantity as TERP keeps it in text: no trailing zeros beyond one decimal."""
    return f"{value:.1f}" if value == value.quantize(Decimal("0.1")) else f"{value:.2f}"


@dataclass(slots=True)
class _Shelf:
    """Batches in the order of ``Stock.batches``, and the places among them of those
    sellable only part of the time the shelf stands for."""
    batches: list[Batch] = field(default_factory=list)
    part_time: list[int] = field(default_factory=list)

    def add(self, batch: Batch, part_time: bool) -> None:
        if part_time:
            self.part_time.append(len(self.batches))
        self.batches.append(batch)


class Stock:
    """How much of each batch was on hand at any moment, from its movements."""

    def __init__(self, batches: list[Batch]):
        self.batches = sorted(batches, key=lambda b: (b.live_at, b.id))
        self._times: dict[int, list[dt.datetime]] = {}
        self._levels: dict[int, list[Decimal]] = {}
        self._held: dict[int, dt.datetime | None] = {}  # when the batch first went on hold
        for batch in self.batches:
            moves = sorted(batch.movements, key=lambda m: m[0])
            self._times[batch.id] = [m[0] for m in moves]
            self._levels[batch.id] = list(accumulate(m[2] for m in moves))
            self._held[batch.id] = min((when for _slug, when in batch.status_changes), default=None)
        self._index_shelves()

    def _index_shelves(self) -> None:
        """What was on the shelf day by day, all of it and the flower (``_days[day]``):
        the batches sellable at some moment of the day.  A batch's sellability only
        changes when something happens to it (it goes live, moves or goes on hold), so
        it is sellable all day on a day nothing does.  After ``_last_day``, when the last
        thing happened, the shelves stay ``_after``."""
        happened: dict[int, dict[dt.date, list[dt.datetime]]] = {}
        for b in self.batches:
            days = happened[b.id] = defaultdict(list)
            moments = (b.live_at, self._held[b.id], *self._times[b.id])
            for moment in sorted(m for m in moments if m is not None):
                days[moment.date()].append(moment)
        self._last_day = max((d for days in happened.values() for d in days), default=dt.date.min)
        self._days: dict[dt.date, tuple[_Shelf, _Shelf]] = {}
        base = min((b.live_at.date() for b in self.batches), default=self._last_day)
        every_day = [base + dt.timedelta(days=k) for k in range((self._last_day - base).days + 1)]
        for batch in self.batches:
            gone = [m for m in (self._held[batch.id], _emptied(self._times[batch.id], self._levels[batch.id]))
                    if m is not None]  # never sellable again from then on
            first, last = batch.live_at.date(), min(gone).date() if gone else self._last_day
            sellable = self.sellable(batch, at(first, 0))  # until something happens to it
            events = happened[batch.id]
            for day in every_day[(first - base).days:max(0, (last - base).days + 1)]:
                ever, not_always = sellable, not sellable  # sellable at some moment, not at another
                for moment in events.get(day, ()):
                    sellable = self.sellable(batch, moment)
                    ever, not_always = ever or sellable, not_always or not sellable
                if ever:
                    self._shelve(self._days.setdefault(day, (_Shelf(), _Shelf())), batch, not_always)
        after = at(self._last_day + dt.timedelta(days=1), 0)
        self._after = (_Shelf(), _Shelf())
        for batch in self.batches:
            if self.sellable(batch, after):
                self._shelve(self._after, batch, False)

    @staticmethod
    def _shelve(shelves: tuple[_Shelf, _Shelf], batch: Batch, part_time: bool) -> None:
        shelves[0].add(batch, part_time)
        if batch.product.tier is not None:
            shelves[1].add(batch, part_time)

    def moments(self, batch: Batch) -> list[dt.datetime]:
        """When the batch's quantity changed."""
        return self._times[batch.id]

    def on_hand(self, batch: Batch, moment: dt.datetime) -> Decimal:
        i = bisect_right(self._times[batch.id], moment)
        return self._levels[batch.id][i - 1] if i else ZERO

    def sellable(self, batch: Batch, moment: dt.datetime) -> bool:
        """Live, not on hold, with stock left at ``moment``."""
        held = self._held[batch.id]
        return batch.live_at <= moment and (held is None or held > moment) and self.on_hand(batch, moment) > 0

    def _shelf(self, day: dt.date, flower_only: bool) -> _Shelf:
        shelves = self._after if day > self._last_day else self._days.get(day, (_Shelf(), _Shelf()))
        return shelves[1] if flower_only else shelves[0]

    def shelf_on(self, day: dt.date, flower_only: bool = False) -> tuple[list[Batch], set[int]]:
        """The batches sellable at some moment of ``day`` (only flower ones if
        ``flower_only``), in the order of ``batches`` (a list not to change), and the ids
        of those sellable only part of the day."""
        shelf = self._shelf(day, flower_only)
        return shelf.batches, {shelf.batches[i].id for i in shelf.part_time}

    def offerable(self, moment: dt.datetime, wanted=None, flower_only: bool = False) -> list[Batch]:
        """The batches sellable at ``moment`` (only flower ones if ``flower_only``, only
        those ``wanted`` picks if given), in the order of ``batches``."""
        shelf = self._shelf(moment.date(), flower_only)
        found = shelf.batches.copy()
        for i in reversed(shelf.part_time):
            if not self.sellable(found[i], moment):
                del found[i]
        return found if wanted is None else [b for b in found if wanted(b)]


def _emptied(times: list[dt.datetime], levels: list[Decimal]) -> dt.datetime | None:
    """The moment from which a batch has no stock left for good (None: it always has some)."""
    k = len(levels)
    while k and levels[k - 1] <= 0:
        k -= 1
    return times[k] if k < len(levels) else None


def stock(ctx) -> Stock:
    return Stock(ctx.dataset(trade).batches)


# --------------------------------------------------------------------------- order audit log
DEFAULT_MARGIN = Decimal(str(MARGIN_MEAN))
MARGIN_REASONS = ["Volume pricing", "Matched a competing offer", "Relationship pricing",
                  "Moving older stock", None]


def _override_changes(line, kind: str) -> dict:
    if kind == "COGS_OVERRIDE":
        return {"lineItemId": line.id, "batchId": line.batch.id, "field": "unitCogs",
                "oldValue": f"{line.original_cogs:.2f}", "newValue": f"{line.unit_cogs:.2f}"}
    default_price = q2(line.unit_cogs / (1 - DEFAULT_MARGIN))
    return {"lineItemId": line.id, "batchId": line.batch.id, "field": "marginPercent",
            "oldValue": f"{DEFAULT_MARGIN * 100:.2f}", "newValue": f"{line.margin_percent:.2f}",
            "oldUnitPrice": f"{default_price:.2f}", "newUnitPrice": f"{line.unit_price:.2f}"}


def order_audit_log(ctx):
    rng, end = ctx.rng, _end(ctx)
    rows = []

    def add(order, action, when, changes, reason=None):
        rows.append({"id": ctx.id(len(rows) + 1), "order_id": order.id, "action": action,
                     "changes": stringified_json(changes), "user_id": order.rep, "reason": reason,
                     "timestamp": when})

    for order in ctx.dataset(trade).orders:
        draft = {"orderNumber": order.number, "orderType": order.kind, "clientId": order.client["id"],
                 "lineCount": len(order.lines), "subtotal": f"{order.subtotal:.2f}"}
        if order.converted_from:
            draft["convertedFrom"] = order.converted_from.number
        add(order, "CREATE_DRAFT", order.created, draft)
        overrides = [(line, kind) for line in order.lines
                     for kind, flag in (("COGS_OVERRIDE", line.cogs_overridden),
                                        ("MARGIN_OVERRIDE", line.margin_overridden)) if flag]
        # prices are set while the order is entered: within half an hour, before it is confirmed
        closes = min(order.confirmed_at or end, order.created + dt.timedelta(minutes=30))
        moments = sorted(_between(rng, order.created + dt.timedelta(seconds=1),
                                  closes - dt.timedelta(seconds=1)) for _ in overrides)
        for (line, kind), when in zip(overrides, moments):
            if kind == "COGS_OVERRIDE":
                reason = "COGS set within the vendor's consignment range"
            elif line.unit_price == 0:
                reason = "Complimentary: no charge"
            else:
                reason = pick(rng, MARGIN_REASONS)
            add(order, kind, when, _override_changes(line, kind), reason)
        if order.kind == "SALE" and order.confirmed_at and order.confirmed_at <= end:
            add(order, "FINALIZE", order.confirmed_at,
                {"orderNumber": order.number, "terms": order.terms, "lineCount": len(order.lines),
                 "subtotal": f"{order.subtotal:.2f}", "discount": f"{order.discount:.2f}",
                 "total": f"{order.total:.2f}"})
    return rows


# --------------------------------------------------------------------------- recurring orders
FREQUENCIES = [("WEEKLY", 0.40), ("BIWEEKLY", 0.30), ("MONTHLY", 0.22), ("QUARTERLY", 0.05),
               ("DAILY", 0.03)]
RECURRING_STATUS = [("ACTIVE", 0.70), ("PAUSED", 0.18), ("CANCELLED", 0.12)]


def _js_weekday(day: dt.date) -> int:
    """0 = Sunday ... 6 = Saturday, as TERP's scheduler counts days of the week."""
    return (day.weekday() + 1) % 7


def _add_months(day: dt.date, months: int, dom: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, dom)


def _schedule(freq: str, start: dt.date, dow: int | None, dom: int | None):
    """The run dates of a recurring order from ``start`` on, in order (endless)."""
    if freq in ("MONTHLY", "QUARTERLY"):
        step = 1 if freq == "MONTHLY" else 3
        day = dt.date(start.year, start.month, dom)
        if day < start:
            day = _add_months(day, 1, dom)
        while True:
            yield day
            day = _add_months(day, step, dom)
    day = start
    if dow is not None:
        while _js_weekday(day) != dow:
            day += dt.timedelta(days=1)
    gap = dt.timedelta(days={"DAILY": 1, "WEEKLY": 7, "BIWEEKLY": 14}[freq])
    while True:
        yield day
        day += gap


def _runs(freq, start, dow, dom, stop: dt.date) -> tuple[dt.date | None, dt.date]:
    """(last run on or before ``stop`` or None, the run after it)."""
    last = None
    for day in _schedule(freq, start, dow, dom):
        if day > stop:
            return last, day
        last = day


def _order_template(client_sales: list[Order], rng) -> dict:
    """The client's usual products with its usual quantity of each, in TERP's
    shape: ``{"items": [{"productId", "quantity", "notes"}]}``."""
    bought: dict[int, list] = {}
    for order in client_sales:
        for line in order.lines:
            bought.setdefault(line.batch.product.id, []).append((line.batch.product, line.qty))
    favourites = sorted(bought.values(), key=lambda v: (-len(v), v[0][0].id))[: rng.randint(2, 4)]
    template = []
    for lines in favourites:
        qtys = sorted(q for _p, q in lines)
        template.append({"productId": lines[0][0].id, "quantity": float(qtys[len(qtys) // 2]),
                         "notes": lines[0][0].name})
    return {"items": template}


def _recurring_clients(ctx, sales: list[Order]) -> list[dict]:
    """Every whale that buys, and a few of the regulars that buy most often."""
    counts = Counter(o.client["id"] for o in sales)
    buyers = [c for c in _buyers(ctx) if counts[c["id"]]]
    regulars = sorted((c for c in buyers if not is_whale(c)), key=lambda c: -counts[c["id"]])
    return [c for c in buyers if is_whale(c)] + regulars[: ctx.scaled(3)]


def recurring_orders(ctx):
    rng, end = ctx.rng, _end(ctx)
    sales = _sales(ctx.dataset(trade).orders)
    rep_of = _rep_of(ctx)
    sales_of = _by_client(sales)
    rows = []
    for client in _recurring_clients(ctx, sales):
        mine = sales_of[client["id"]]
        freq = weighted(rng, FREQUENCIES)
        dow = rng.randint(1, 5) if freq in ("WEEKLY", "BIWEEKLY") else None
        dom = rng.randint(1, 28) if freq in ("MONTHLY", "QUARTERLY") else None
        latest_start = ctx.window_end - dt.timedelta(days=10)
        start = min(latest_start, mine[0].created.date() + dt.timedelta(days=rng.randint(3, 45)))
        start = max(ctx.window_start, start)
        created = max(at(ctx.window_start, 8), business_moment(rng, start - dt.timedelta(days=5), start))
        created = min(created, at(start, 17))
        status = weighted(rng, RECURRING_STATUS)
        stop_at = end
        if status != "ACTIVE":  # paused or cancelled at least a day after it started
            stop_at = _between(rng, max(created, at(start, 12)) + dt.timedelta(days=1), end)
        last, following = _runs(freq, start, dow, dom, stop_at.date())
        updated = max(created, at(last, 6)) if last else created
        if status != "ACTIVE":
            updated = max(updated, stop_at)
        notify = rng.random() < 0.7
        rows.append({
            "id": ctx.id(len(rows) + 1), "client_id": client["id"], "frequency": freq,
            "day_of_week": dow, "day_of_month": dom,
            "order_template": _order_template([o for o in mine if o.created <= created] or mine, rng),
            "status": status, "start_date": start,
            "end_date": stop_at.date() if status == "CANCELLED" else None,
            "last_generated_date": last, "next_generation_date": following,
            "notify_client": notify, "notify_email": client["email"] if notify else None,
            "created_at": created, "updated_at": updated, "created_by": rep_of[client["id"]],
        })
    return rows


# --------------------------------------------------------------------------- samples
SAMPLE_SHARE = 0.04
SAMPLE_GRAMS = [(Decimal("1"), 0.25), (Decimal("3.5"), 0.50), (Decimal("7"), 0.25)]
SAMPLE_CONVERSION = 0.70
SAMPLE_CANCEL = 0.12
PENDING_DAYS = 5
CANCEL_REASONS = ["Client found the strain elsewhere", "Batch went on hold", "Client paused buying",
                  "Duplicate request"]
SAMPLE_NOTES = [None, None, "Evaluating for next week's menu", "Budtender sampling day",
                "Wants to compare with current supplier", "New store opening"]


@dataclass(slots=True)
class SampleRequest:
    id: int
    client: dict
    rep: int
    order: Order                         # the sale the client placed after asking
    requested: dt.datetime
    items: list[tuple[Product, Decimal, Batch]]  # product, grams, batch it was taken from
    status: str
    handler: int                         # warehouse staff who pulls the samples
    allocated: dt.datetime | None = None
    done: dt.datetime | None = None      # fulfilled or cancelled
    by: int | None = None
    reason: str | None = None
    related: Order | None = None
    notes: str | None = None

    @property
    def grams(self) -> Decimal:
        return sum((g for _p, g, _b in self.items), ZERO)

    @property
    def cost(self) -> Decimal:
        return q2(sum((g / GRAMS_PER_LB * b.unit_cogs for _p, g, b in self.items), ZERO))


def _sample_items(rng, stk: Stock, order: Order, moment: dt.datetime):
    """1-3 flower products, the ones the client then bought first, from batches on the
    shelf when it asked (one batch per product)."""
    bought = {l.batch.product.id for l in order.lines}
    per_product: dict[int, Batch] = {}
    for batch in stk.offerable(moment, flower_only=True):
        if stk.on_hand(batch, moment) >= 1:
            per_product.setdefault(batch.product.id, batch)
    preferred = [b for pid, b in per_product.items() if pid in bought]
    others = [b for pid, b in per_product.items() if pid not in bought]
    rng.shuffle(preferred)
    rng.shuffle(others)
    chosen = (preferred + others)[: rng.randint(1, 3)]
    return [(b.product, weighted(rng, SAMPLE_GRAMS), b) for b in chosen]


def _settle_sample(rng, req: SampleRequest, end: dt.datetime) -> None:
    if end - req.requested < dt.timedelta(days=PENDING_DAYS):
        req.status = "PENDING"
        return
    if rng.random() < SAMPLE_CANCEL:
        req.status = "CANCELLED"
        req.done = _between(rng, req.requested + dt.timedelta(hours=4), req.requested + dt.timedelta(days=4))
        req.allocated = _between(rng, req.requested, req.done - dt.timedelta(hours=1))
        req.by, req.reason = req.rep, pick(rng, CANCEL_REASONS)
        return
    req.status = "FULFILLED"
    gap = req.order.created - req.requested
    req.done = _between(rng, (req.requested + gap * 0.3).replace(microsecond=0),
                        (req.requested + gap * 0.7).replace(microsecond=0))
    req.allocated = _between(rng, req.requested, req.done - dt.timedelta(minutes=30))
    req.by = req.handler
    if rng.random() < SAMPLE_CONVERSION:
        req.related = req.order


def samples(ctx) -> list[SampleRequest]:
    """About 4% of orders were preceded by a sample request of the same client."""
    rng, end = ctx.rng, _end(ctx)
    td = ctx.dataset(trade)
    stk = ctx.dataset(stock)
    warehouse = _staff_ids(ctx, "Warehouse Lead", "Warehouse Associate", "Inventory Manager")
    sales = _sales(td.orders)
    count = max(1, round(len(td.orders) * SAMPLE_SHARE))
    anchors = sorted(rng.sample(sales, min(count, len(sales))), key=lambda o: (o.created, o.id))
    requests: list[SampleRequest] = []
    for order in anchors:
        room = (order.created.date() - ctx.window_start).days
        if room < 1:
            continue
        day = order.created.date() - dt.timedelta(days=rng.randint(min(3, room), min(14, room)))
        requested = _business_time(rng, day)
        if requested > order.created - dt.timedelta(hours=2):
            continue
        items = _sample_items(rng, stk, order, requested)
        if not items:
            continue
        req = SampleRequest(ctx.id(len(requests) + 1), order.client, order.rep, order, requested,
                            items, "PENDING", pick(rng, warehouse), notes=pick(rng, SAMPLE_NOTES))
        _settle_sample(rng, req, end)
        requests.append(req)
    return requests


def sampleRequests(ctx):
    rows = []
    for req in ctx.dataset(samples):
        fulfilled = req.status == "FULFILLED"
        cancelled = req.status == "CANCELLED"
        conversion = req.related.created if req.related else None
        rows.append({
            "id": req.id, "clientId": req.client["id"], "requestedBy": req.rep,
            "requestDate": req.requested,
            # S, as the fulfilment and sample analytics read it (README, "JSON as TERP writes it")
            "products": stringified_json([{"productId": p.id, "productName": p.name, "quantity": _qty_text(g)}
                                          for p, g, _b in req.items]),
            "sampleRequestStatus": req.status,
            "fulfilledDate": req.done if fulfilled else None, "fulfilledBy": req.by if fulfilled else None,
            "cancelledDate": req.done if cancelled else None, "cancelledBy": req.by if cancelled else None,
            "cancellationReason": req.reason, "notes": req.notes, "totalCost": req.cost,
            "relatedOrderId": req.related.id if req.related else None, "conversionDate": conversion,
            "createdAt": req.requested,
            "updatedAt": max(m for m in (req.requested, req.done, conversion) if m is not None),
        })
    return rows


WHALE_ALLOWANCE, REGULAR_ALLOWANCE = Decimal("14"), Decimal("7")


def sampleAllocations(ctx):
    """A monthly sample allowance (grams) for whales, and for any client that asked that month."""
    requests = ctx.dataset(samples)
    rows = []
    for first, last in _months(ctx.window_start, ctx.window_end):
        month = [r for r in requests if first <= r.requested.date() <= last]
        for client in _buyers(ctx):
            asked = [r for r in month if r.client["id"] == client["id"]]
            if not asked and not is_whale(client):
                continue
            used_by = [r for r in asked if r.status == "FULFILLED"]
            used = sum((r.grams for r in used_by), ZERO)
            allowance = WHALE_ALLOWANCE if is_whale(client) else REGULAR_ALLOWANCE
            while allowance < used:  # raised for the month when a client needed more
                allowance += REGULAR_ALLOWANCE
            created = at(first, 6)
            rows.append({
                "id": ctx.id(len(rows) + 1), "clientId": client["id"],
                "monthYear": f"{first:%Y-%m}", "allocatedQuantity": _qty_text(allowance),
                "usedQuantity": _qty_text(used), "remainingQuantity": _qty_text(allowance - used),
                "createdAt": created, "updatedAt": max([created] + [r.done for r in used_by]),
            })
    return rows


def sample_inventory_log(ctx):
    """Sample stock pulled from a batch: allocated, then consumed (or released if cancelled)."""
    rows = []

    def add(req, batch, grams, action, when, who):
        rows.append({
            "id": ctx.id(len(rows) + 1), "batch_id": batch.id,
            "order_id": req.related.id if req.related else None,
            "quantity": (grams / GRAMS_PER_LB).quantize(LB4), "action": action,
            "notes": f"{_qty_text(grams)} g sample for {req.client['name']} (request {req.id})",
            "created_by": who, "created_at": when,
        })

    for req in ctx.dataset(samples):
        if req.status == "PENDING":
            continue
        closing = "CONSUMED" if req.status == "FULFILLED" else "RELEASED"
        for _product, grams, batch in req.items:
            add(req, batch, grams, "ALLOCATED", req.allocated, req.handler)
            add(req, batch, grams, closing, req.done, req.handler)
    return rows


# --------------------------------------------------------------------------- sales sheets
GENERIC_SHEETS = [
    ("Top shelf indoor", "Indoor and deps A/B-grade flower", ["Flower"], ["A", "B"]),
    ("Value flower", "C and D grade flower by the pound", ["Flower"], ["C", "D"]),
    ("Full menu", "Everything on the shelf", ["Flower", "Concentrates", "Vapes", "Manufactured Products"],
     ["A", "B", "C", "D"]),
    ("Non-flower menu", "Concentrates, vapes, prerolls and edibles",
     ["Concentrates", "Vapes", "Manufactured Products"], []),
]
VISIBILITY = {"price": True, "grade": True, "quantity": True, "vendor": False, "thc": False,
              "strainType": True}
VERSION_CHANGES = ["Added new arrivals", "Removed sold-out batches", "Updated grade filter",
                   "Changed visible columns"]
SHEET_NOTES = [None, None, "Weekly menu", "Sent by text", "Follow-up after call",
               "Pricing good through Friday", "New arrivals this week"]
MAX_SHEET_ITEMS = 12
SHEETS_PER_MONTH = 2  # to each buying client (clients scale with -x scale)


@dataclass(slots=True)
class SheetVersion:
    number: int
    name: str
    description: str
    filters: dict
    items: list[Batch]
    visibility: dict
    changes: str
    by: int
    at: dt.datetime


@dataclass(slots=True)
class Template:
    id: int
    client: dict | None
    by: int
    versions: list[SheetVersion]
    usable_until: dt.datetime      # expiry, deactivation or the window's end
    expires: dt.datetime | None
    active: bool
    last_used: dt.datetime | None = None

    def version_at(self, moment: dt.datetime) -> SheetVersion | None:
        live = [v for v in self.versions if v.at <= moment]
        return live[-1] if live and moment < self.usable_until else None

    def usable(self, moment: dt.datetime) -> bool:
        """Whether there is a version to use at ``moment`` (the first is the oldest)."""
        return self.versions[0].at <= moment < self.usable_until


@dataclass(slots=True)
class Sheet:
    client: dict
    rep: int
    template: Template | None
    items: list[tuple[Batch, Decimal, int]]  # batch, unit price, quantity offered
    notes: str | None
    at: dt.datetime


@dataclass(slots=True)
class Sheets:
    templates: list[Template]
    sheets: list[Sheet]


def _matches(filters: dict):
    grades = set(filters["grades"])
    cats = set(filters["categories"])
    return lambda b: b.product.category in cats and (b.grade is None or not grades or b.grade in grades)


def _pick_items(stk: Stock, filters: dict, moment: dt.datetime) -> list[Batch]:
    """The newest batches on the shelf that match the filters."""
    found = stk.offerable(moment, _matches(filters))
    return sorted(found, key=lambda b: (-b.live_at.timestamp(), b.id))[:MAX_SHEET_ITEMS]


def _next_version(rng, stk: Stock, prev: SheetVersion, moment: dt.datetime, by: int) -> SheetVersion:
    change = pick(rng, VERSION_CHANGES)
    filters = {**prev.filters, "grades": list(prev.filters["grades"])}
    visibility = dict(prev.visibility)
    if change == "Updated grade filter" and filters["grades"]:
        missing = [g for g, _w in GRADES if g not in filters["grades"]]
        if missing and (len(filters["grades"]) == 1 or rng.random() < 0.5):
            filters["grades"] = sorted(filters["grades"] + [pick(rng, missing)])
        else:
            filters["grades"].remove(pick(rng, filters["grades"]))
    elif change == "Changed visible columns":
        key = pick(rng, ["vendor", "thc", "strainType"])
        visibility[key] = not visibility[key]
    return SheetVersion(prev.number + 1, prev.name, prev.description, filters,
                        _pick_items(stk, filters, moment), visibility, change, by, moment)


def _template(ctx, rng, stk, n, client, name, description, filters, by) -> Template:
    end = _end(ctx)
    span = (ctx.window_end - ctx.window_start).days
    created = business_moment(rng, ctx.window_start, ctx.window_start + dt.timedelta(days=span // 3))
    versions = [SheetVersion(1, name, description, filters, _pick_items(stk, filters, created),
                             dict(VISIBILITY), "Created", by, created)]
    count = weighted(rng, [(1, 0.35), (2, 0.30), (3, 0.20), (4, 0.10), (5, 0.05)])
    for when in sorted(_between(rng, created + dt.timedelta(days=1), end - dt.timedelta(days=1))
                       for _ in range(count - 1)):
        versions.append(_next_version(rng, stk, versions[-1], when, by))
    expires, active, until = None, True, end
    if client is None and rng.random() < 0.3:
        day = versions[-1].at.date() + dt.timedelta(days=rng.randint(7, 45))
        if day < ctx.window_end:
            expires = _end_of(day)
            active, until = False, expires
    elif client is not None and rng.random() < 0.1:
        active, until = False, _between(rng, versions[-1].at, end)
    return Template(ctx.id(n), client, by, versions, until, expires, active)


def _client_filters(sales: list[Order]) -> dict:
    cats = sorted({l.batch.product.category for o in sales for l in o.lines}) or ["Flower"]
    grades = sorted({l.batch.grade for o in sales for l in o.lines if l.batch.grade}) or ["A", "B"]
    return {"categories": cats, "grades": grades, "inStockOnly": True}


def _templates(ctx, rng, stk, sales, rep_of) -> list[Template]:
    manager = staff_with_job(ctx, "Sales Manager")[0]["id"]
    templates: list[Template] = []
    sales_of = _by_client(sales)
    for client in (c for c in _buyers(ctx) if is_whale(c)):
        if rng.random() < 0.9:
            mine = sales_of[client["id"]]
            templates.append(_template(ctx, rng, stk, len(templates) + 1, client,
                                       f"{client['name']} menu", f"Standing menu for {client['name']}",
                                       _client_filters(mine), rep_of[client["id"]]))
    for k in range(ctx.scaled(3)):
        name, description, cats, grades = GENERIC_SHEETS[k % len(GENERIC_SHEETS)]
        if k >= len(GENERIC_SHEETS):
            name = f"{name} ({k // len(GENERIC_SHEETS) + 1})"
        filters = {"categories": cats, "grades": grades, "inStockOnly": True}
        templates.append(_template(ctx, rng, stk, len(templates) + 1, None, name, description,
                                   filters, manager))
    return templates


def _sheet_items(rng, stk: Stock, template: Template | None, moment: dt.datetime,
                 margin: Decimal) -> list[tuple[Batch, Decimal, int]]:
    if template is not None:
        version = template.version_at(moment)
        batches = [b for b in version.items if stk.sellable(b, moment)] or \
            _pick_items(stk, version.filters, moment)
    else:
        shelf = stk.offerable(moment)
        batches = rng.sample(shelf, min(len(shelf), rng.randint(3, 10)))
    items = []
    for batch in batches:
        qty = int(stk.on_hand(batch, moment).to_integral_value(rounding=ROUND_FLOOR))
        if qty > 0:
            items.append((batch, q2(batch.unit_cogs / (1 - margin)), qty))
    return items


def _choose_template(rng, own: list[Template], generic: list[Template], moment) -> Template | None:
    """One of the client's ``own`` templates or a ``generic`` one usable at ``moment``, or None."""
    own = [t for t in own if t.usable(moment)]
    generic = [t for t in generic if t.usable(moment)]
    if own and rng.random() < 0.6:
        return pick(rng, own)
    if generic and rng.random() < 0.25:
        return pick(rng, generic)
    return None


def sheets(ctx) -> Sheets:
    """Sales-sheet templates (one per whale, a few generic) and about two sheets a
    month to every buying client, listing what was on the shelf that day."""
    rng = ctx.rng
    stk = ctx.dataset(stock)
    sales = _sales(ctx.dataset(trade).orders)
    rep_of = _rep_of(ctx)
    templates = _templates(ctx, rng, stk, sales, rep_of)
    own: dict[int, list[Template]] = {}  # each client's templates, in the order of ``templates``
    for t in templates:
        if t.client:
            own.setdefault(t.client["id"], []).append(t)
    generic = [t for t in templates if t.client is None]
    sent: list[Sheet] = []
    for first, last in _months(ctx.window_start, ctx.window_end):
        for client in _buyers(ctx):
            for _ in range(rng.randint(SHEETS_PER_MONTH - 1, SHEETS_PER_MONTH + 1)):
                moment = business_moment(rng, first, last)
                template = _choose_template(rng, own.get(client["id"], []), generic, moment)
                margin = Decimal(str(round(rng.uniform(0.18, 0.24 if is_whale(client) else 0.32), 3)))
                items = _sheet_items(rng, stk, template, moment, margin)
                if items:
                    sent.append(Sheet(client, rep_of[client["id"]], template, items,
                                      pick(rng, SHEET_NOTES), moment))
    sent.sort(key=lambda s: (s.at, s.client["id"]))
    for sheet in sent:
        if sheet.template:
            sheet.template.last_used = sheet.at
    return Sheets(templates, sent)


def _items_json(batches: list[Batch]) -> list[dict]:
    return [{"batchId": b.id, "batchCode": b.code, "productName": b.product.name} for b in batches]


def sales_sheet_templates(ctx):
    rows = []
    for t in ctx.dataset(sheets).templates:
        last = t.versions[-1]
        rows.append({
            "id": t.id, "name": last.name, "description": last.description,
            "client_id": t.client["id"] if t.client else None, "filters": last.filters,
            "selected_items": _items_json(last.items), "column_visibility": last.visibility,
            "created_by": t.by, "created_at": t.versions[0].at, "last_used_at": t.last_used,
            "expiration_date": t.expires, "is_active": int(t.active),
            "current_version": len(t.versions),
        })
    return rows


def salesSheetVersions(ctx):
    rows = []
    for t in ctx.dataset(sheets).templates:
        for v in t.versions:
            rows.append({
                "id": ctx.id(len(rows) + 1), "templateId": t.id, "versionNumber": v.number,
                "name": v.name, "description": v.description, "filters": v.filters,
                "selected_items": _items_json(v.items), "column_visibility": v.visibility,
                "changes": v.changes, "createdBy": v.by, "createdAt": v.at,
            })
    return rows


def sales_sheet_history(ctx):
    rows = []
    for sheet in ctx.dataset(sheets).sheets:
        # TERP's shape: [{itemId, price, quantity, overridePrice}] (itemId: the batch)
        items = [{"itemId": b.id, "productName": b.product.name, "price": float(price),
                  "quantity": qty, "overridePrice": None} for b, price, qty in sheet.items]
        rows.append({
            "id": ctx.id(len(rows) + 1), "client_id": sheet.client["id"], "created_by": sheet.rep,
            "template_id": sheet.template.id if sheet.template else None, "items": items,
            "total_value": sum((price * qty for _b, price, qty in sheet.items), ZERO),
            "item_count": len(items), "notes": sheet.notes, "created_at": sheet.at,
        })
    return rows


# --------------------------------------------------------------------------- vendor supply
OFFERS_PER_MONTH = 3  # from each vendor (vendors scale with -x scale)
OPEN_OFFER_DAYS = 21


def _offer(product: Product, strain_type: dict, grade, qty, price, created, by) -> dict:
    return {
        "vendor_id": product.vendor_id, "strain": product.strain_name, "product_name": product.name,
        "strain_type": strain_type.get(product.strain_id), "category": "Flower",
        "subcategory": product.tier, "grade": grade, "quantity_available": qty, "unit_price": price,
        "status": "AVAILABLE", "available_until": None, "reserved_at": None, "purchased_at": None,
        "notes": f"{grade} {product.tier.lower()} {product.strain_name}, {qty} lb available",
        "internal_notes": None, "created_at": created, "updated_at": created, "created_by": by,
    }


def _offers_from_pos(ctx, rng, strain_type, by) -> list[dict]:
    """The offer behind each flower purchase order placed in the window."""
    sup = ctx.dataset(supply)
    start = at(ctx.window_start, 8)
    offers = []
    for po in sup.purchase_orders:
        product, qty, _received, cost = po.items[0]
        if product.tier is None or po.status == "CANCELLED" or po.ordered <= start + dt.timedelta(hours=2):
            continue
        created = _between(rng, max(start, po.ordered - dt.timedelta(days=10)), po.ordered - dt.timedelta(hours=1))
        grade = sup.batches[po.intake_index].grade if po.intake_index is not None else weighted(rng, GRADES)
        offer = _offer(product, strain_type, grade, qty, cost, created, by)
        offer["reserved_at"] = _between(rng, created, po.ordered)
        if po.status == "RECEIVED":
            offer.update(status="PURCHASED", purchased_at=po.ordered, updated_at=po.ordered,
                         internal_notes=f"Bought on {po.number}")
        else:
            offer.update(status="RESERVED", updated_at=offer["reserved_at"],
                         internal_notes=f"Held for {po.number} ({po.status.lower()})")
        offers.append(offer)
    return offers


def _open_offer(ctx, rng, offer: dict) -> None:
    """Status of an offer nobody bought: expired unless it is recent."""
    end, created = _end(ctx), offer["created_at"]
    if end - created > dt.timedelta(days=OPEN_OFFER_DAYS):
        until = _end_of(created.date() + dt.timedelta(days=rng.randint(7, OPEN_OFFER_DAYS)))
        offer.update(status="EXPIRED", available_until=until, updated_at=until)
    elif rng.random() < 0.25:
        reserved = _between(rng, created, end)
        offer.update(status="RESERVED", reserved_at=reserved, updated_at=reserved,
                     internal_notes="Holding while we check client demand")
    elif rng.random() < 0.5:
        offer["available_until"] = end


def vendor_supply(ctx):
    rng = ctx.rng
    products = ctx.dataset(catalog)
    strain_type = {s["id"]: strain_kind(s).upper() for s in ctx.rows("strains")}
    buyer = staff_with_job(ctx, "Buyer")[0]["id"]
    offers = _offers_from_pos(ctx, rng, strain_type, buyer)
    flower_of = defaultdict(list)  # each vendor's flower products, in catalog order
    for p in products:
        if p.tier:
            flower_of[p.vendor_id].append(p)
    made = defaultdict(list)  # the days each vendor made the offers so far
    for o in offers:
        made[o["vendor_id"]].append(o["created_at"].date())
    for first, last in _months(ctx.window_start, ctx.window_end):
        for vendor in ctx.rows("vendors"):
            flower = flower_of[vendor["id"]]
            taken = sum(1 for day in made[vendor["id"]] if first <= day <= last)
            for _ in range(max(0, rng.randint(OFFERS_PER_MONTH - 1, OFFERS_PER_MONTH + 1) - taken) if flower else 0):
                product = pick(rng, flower)
                qty = Decimal(rng.randrange(20, 155, 5))
                price = q2(product.unit_cogs * Decimal(str(rng.uniform(0.9, 1.15))))
                offer = _offer(product, strain_type, weighted(rng, GRADES), qty, price,
                               business_moment(rng, first, last), buyer)
                _open_offer(ctx, rng, offer)
                offers.append(offer)
                made[offer["vendor_id"]].append(offer["created_at"].date())
    offers.sort(key=lambda o: (o["created_at"], o["vendor_id"], o["product_name"]))
    return [{"id": ctx.id(n), **offer} for n, offer in enumerate(offers, start=1)]


# --------------------------------------------------------------------------- inventory views
# (name, filters, job of the user who saved it or None for a built-in view, shared)
VIEWS = [
    ("Live flower", {"category": "Flower", "status": ["LIVE", "PHOTOGRAPHY_COMPLETE"]}, "Inventory Manager", 1),
    ("Low stock", {"stockLevel": "low", "status": ["LIVE", "PHOTOGRAPHY_COMPLETE"]}, "Inventory Manager", 1),
    ("On hold and quarantine", {"status": ["ON_HOLD", "QUARANTINED"]}, "Inventory Manager", 1),
    ("Consignment stock", {"paymentTerms": ["CONSIGNMENT"], "inStockOnly": True}, "Controller", 1),
    ("A and B flower", {"category": "Flower", "grade": ["A", "B"], "inStockOnly": True}, "Sales Manager", 1),
    ("Awaiting intake", {"status": ["AWAITING_INTAKE"]}, "Warehouse Lead", 0),
    ("Non-flower", {"category": ["Concentrates", "Vapes", "Manufactured Products"]}, "Buyer", 0),
    ("Everything in stock", {"inStockOnly": True}, None, 1),
]


def inventoryViews(ctx):
    rng, end = ctx.rng, _end(ctx)
    rows = []
    for n, (name, filters, job, shared) in enumerate(VIEWS, start=1):
        created = business_moment(rng, ctx.window_start, ctx.window_start + dt.timedelta(days=10))
        updated = _between(rng, created, end) if rng.random() < 0.4 else created
        rows.append({
            "id": ctx.id(n), "name": name, "filters": filters,
            "createdBy": staff_with_job(ctx, job)[0]["id"] if job else None, "isShared": shared,
            "createdAt": created, "updatedAt": updated,
        })
    return rows


# --------------------------------------------------------------------------- inventory alerts
LOW_SHARE, HALF = Decimal("0.10"), Decimal("0.5")
SLOW_DAYS = 60
OVERSTOCK_FACTOR = Decimal("1.3")  # times the average intake of the same unit
RESOLUTIONS = {
    "LOW_STOCK": ["Reorder placed with the vendor", "Last pounds allocated to a whale order"],
    "SLOW_MOVING": ["Discounted on the value sheet", "Featured on weekly sales sheets"],
    "EXPIRING": ["Sold at a discount before expiry", "Pulled for disposal"],
    "OVERSTOCK": ["Pushed to whales at volume pricing", "Paused reorders from the vendor"],
}


def _low_since(stk: Stock, batch: Batch, share: Decimal = LOW_SHARE) -> dt.datetime | None:
    """When the batch first fell below ``share`` (10%) of what came in (and still had some)."""
    for when in stk.moments(batch):
        left = stk.on_hand(batch, when)
        if 0 < left < batch.qty_in * share:
            return when
    return None


@dataclass(slots=True)
class Alert:
    kind: str
    batch: Batch
    raised: dt.datetime
    threshold: Decimal | None
    message: str
    cleared: dt.datetime | None = None  # when the condition stopped holding, if it did


def _fell_to(stk: Stock, batch: Batch, level: Decimal, after: dt.datetime) -> dt.datetime | None:
    return next((m for m in stk.moments(batch) if m > after and stk.on_hand(batch, m) <= level), None)


def _alerts(ctx, rng, stk: Stock) -> list[Alert]:
    """Every alert the batches' history raises, batch by batch."""
    end = _end(ctx)
    batches = [b for b in ctx.dataset(trade).batches if b.live_at <= end]
    alerts = []
    for b in batches:
        low = _low_since(stk, b)
        if 0 < b.remaining < b.qty_in * LOW_SHARE and low:
            alerts.append(Alert("LOW_STOCK", b, low, q2(b.qty_in * LOW_SHARE),
                                f"{b.code} ({b.product.name}) is down to {b.remaining} {b.product.uom} of {b.qty_in}"))
        slow_at = b.live_at + dt.timedelta(days=SLOW_DAYS)
        if slow_at <= end and b.remaining > b.qty_in * HALF:
            alerts.append(Alert("SLOW_MOVING", b, slow_at, q2(b.qty_in * HALF),
                                f"{b.code} has {b.remaining} {b.product.uom} of {b.qty_in} left"
                                f" after {SLOW_DAYS} days live"))
        if b.product.tier is None and b.remaining > 0 and b.live_at + dt.timedelta(days=30) <= end \
                and rng.random() < 0.6:
            alerts.append(Alert("EXPIRING", b, _between(rng, b.live_at + dt.timedelta(days=30), end), None,
                                f"{b.code} ({b.product.name}) expires within 30 days"))
    by_uom: dict[str, list[Decimal]] = {}
    for b in batches:
        by_uom.setdefault(b.product.uom, []).append(b.qty_in)
    limits = {uom: q2(sum(qtys) / len(qtys) * OVERSTOCK_FACTOR) for uom, qtys in by_uom.items()}
    for b in [b for b in batches if b.qty_in > limits[b.product.uom] and rng.random() < 0.3]:
        limit = limits[b.product.uom]
        raised = b.live_at + dt.timedelta(hours=rng.randint(2, 48))
        alerts.append(Alert("OVERSTOCK", b, raised, limit,
                            f"{b.code} came in at {b.qty_in} {b.product.uom}, above the {limit} we carry",
                            _fell_to(stk, b, limit, raised)))
    if not alerts:  # a short window: the buyer has the low-stock threshold set higher
        low = [(b.remaining / b.qty_in, b.id, b) for b in batches if 0 < b.remaining < b.qty_in * 2 * LOW_SHARE]
        for _share, _id, b in sorted(low)[:1]:
            if (since := _low_since(stk, b, 2 * LOW_SHARE)) is not None:
                alerts.append(Alert("LOW_STOCK", b, since, q2(b.qty_in * 2 * LOW_SHARE),
                                    f"{b.code} ({b.product.name}) is down to {b.remaining} {b.product.uom}"
                                    f" of {b.qty_in}"))
    return alerts


def _alert_status(rng, alert: Alert, end: dt.datetime, staff: list[int]) -> dict:
    """Acknowledged and resolved as time allows; resolved when the condition cleared."""
    if alert.cleared:
        status = "RESOLVED"
    elif end - alert.raised > dt.timedelta(days=14):
        status = weighted(rng, [("RESOLVED", 0.5), ("ACKNOWLEDGED", 0.3), ("ACTIVE", 0.2)])
    else:
        status = weighted(rng, [("ACTIVE", 0.6), ("ACKNOWLEDGED", 0.4)])
    ack = resolved = None
    if status != "ACTIVE":
        ack = _between(rng, alert.raised, min(alert.cleared or end, alert.raised + dt.timedelta(days=3)))
    if status == "RESOLVED":
        resolved = alert.cleared or _between(rng, ack, end)
    return {"alertStatus": status, "acknowledgedBy": pick(rng, staff) if ack else None,
            "acknowledgedAt": ack, "resolvedAt": resolved,
            "resolution": pick(rng, RESOLUTIONS[alert.kind]) if resolved else None,
            "updatedAt": resolved or ack or alert.raised}


def inventoryAlerts(ctx):
    rng, end = ctx.rng, _end(ctx)
    staff = _staff_ids(ctx, "Inventory Manager", "Warehouse Lead", "Buyer")
    start = at(ctx.window_start, 7)
    rows = []
    for alert in _alerts(ctx, rng, ctx.dataset(stock)):
        batch = alert.batch
        alert.raised = min(end, max(alert.raised, start, batch.received))
        if alert.cleared and alert.cleared <= alert.raised:
            continue  # over before the window opened
        severity = {"LOW_STOCK": "HIGH" if batch.remaining < batch.qty_in * Decimal("0.05") else "MEDIUM",
                    "SLOW_MOVING": "MEDIUM", "EXPIRING": "HIGH", "OVERSTOCK": "LOW"}[alert.kind]
        rows.append({
            "id": ctx.id(len(rows) + 1), "inventoryAlertType": alert.kind, "batchId": batch.id,
            "threshold": alert.threshold, "currentValue": q2(batch.remaining), "alertSeverity": severity,
            "message": alert.message, "createdAt": alert.raised, **_alert_status(rng, alert, end, staff),
        })
    return rows


# --------------------------------------------------------------------------- COGS history
COGS_CHANGE_SHARE = 0.10
COGS_REASONS = {
    "prospective": ["Vendor invoice reconciled before first sale", "Freight added to landed cost"],
    "retroactive": ["Consignment settlement price agreed with the vendor", "Range COGS fixed at settlement"],
    "both": ["Vendor credit applied to the lot", "Corrected intake cost entry"],
}


def _prior_cogs(rng, batch: Batch) -> Decimal:
    old = batch.product.unit_cogs
    if old == batch.unit_cogs:
        old = q2(batch.unit_cogs * Decimal(str(rng.choice([0.95, 0.97, 1.03, 1.05]))))
    return old


def cogsHistory(ctx):
    rng, end = ctx.rng, _end(ctx)
    td = ctx.dataset(trade)
    changers = _staff_ids(ctx, "Inventory Manager", "Controller")
    sold_on: dict[int, list[dt.datetime]] = {}
    for order in _sales(td.orders):
        for line in order.lines:
            sold_on.setdefault(line.batch.id, []).append(order.created)
    count = max(1, round(len(td.batches) * COGS_CHANGE_SHARE))
    rows = []
    for batch in sorted(rng.sample(td.batches, count), key=lambda b: b.id):
        sales = sorted(sold_on.get(batch.id, []))
        kind = weighted(rng, [("prospective", 0.5), ("retroactive", 0.3), ("both", 0.2)])
        lo = min(end, max(batch.received + dt.timedelta(hours=1), at(ctx.window_start, 8)))
        # a prospective change leaves earlier sales alone, so it comes before the first one
        hi = min(end, sales[0] - dt.timedelta(minutes=5)) if kind == "prospective" and sales else end
        when = _between(rng, min(lo, hi), hi) if hi > batch.received else batch.received
        affected = 0 if kind == "prospective" else sum(1 for s in sales if s <= when)
        rows.append({
            "id": ctx.id(len(rows) + 1), "batchId": batch.id,
            "oldCogs": f"{_prior_cogs(rng, batch):.2f}", "newCogs": f"{batch.unit_cogs:.2f}",
            "changeType": kind, "affectedSalesCount": affected, "reason": pick(rng, COGS_REASONS[kind]),
            "changedBy": pick(rng, changers), "createdAt": when,
        })
    return rows


def order_sample_links(ctx):
    """orders.related_sample_request_id of the sales that followed a sample request."""
    updated = {row["id"]: row["updated_at"] for row in ctx.rows("orders")}
    return [{"id": req.related.id, "related_sample_request_id": req.id,
             "updated_at": updated[req.related.id]}
            for req in ctx.dataset(samples) if req.related is not None]
