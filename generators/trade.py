"""The trading simulation behind the catalog, supply and sales tables.

Three datasets, each built once per world with its own random stream:

* ``catalog``: products (strain x grow tier for flower, a few other lines),
  each tied to the vendor whose brand it carries;
* ``supply``: purchase orders, intake sessions, lots and their one batch each,
  about 8 a month (scaled), 90% flower in the indoor/greenhouse/outdoor
  shares, 90% on consignment, plus the opening stock of the month before the
  window;
* ``trade``: orders drawn day by day against the stock that is live at that
  moment, so every line takes from a batch that existed and had the quantity;
  quotes (some converted into sales), cancellations, fulfilment, returns,
  the inventory movements all of it implies, each batch's final state, and
  the receivables plan (invoice, due date, payments) behind every sale's
  status.

The table generators in catalog.py, inventory.py and sales.py only project
these objects onto rows.  Quantities and money are Decimals, rounded to the
columns' two decimals where they are stored.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from generators.access import staff_with_job
from generators import anomalies, rhythm
from generators.common import (at, in_office_hours, next_weekday, pick, setup_day, weekday_between,
                               weight_total, weighted, working_time)
from generators.parties import SUPPLIER_PREFIX, is_whale, traded_strains

Q2 = Decimal("0.01")
ZERO = Decimal("0")

# Flower COGS per pound by grow tier (a Flower subcategory of TERP's: light-dep
# greenhouse flower is "Deps"), and each tier's share of flower intake.
GROW_TIERS = [("Indoor", Decimal("1800"), 0.40), ("Deps", Decimal("1200"), 0.35),
              ("Outdoor", Decimal("800"), 0.25)]
# (category, subcategory, unit, unit COGS) of the 10% that is not flower, in
# TERP's default categories.
OTHER_LINES = [
    ("Manufactured Products", "Preroll", "EA", Decimal("14.00")),
    ("Concentrates", "Live Resin", "G", Decimal("9.50")),
    ("Vapes", "Cartridge", "EA", Decimal("12.00")),
    ("Manufactured Products", "Edible", "EA", Decimal("5.50")),
]
FLOWER_SHARE = 0.90
LOTS_PER_MONTH = 8
INTAKE_COVER = 1.0      # a month takes in what it sells (OPENING_MONTHS is the buffer)
OPENING_MONTHS = 1.5    # the stock on hand when the window opens, in months of sales
INTAKE_CONSIGNMENT = 0.90
GRADES = [("A", 0.20), ("B", 0.35), ("C", 0.30), ("D", 0.15)]  # TERP's default grades
MARGIN_MEAN, MARGIN_SPREAD = 0.25, 0.10
WHALE_REVENUE_SHARE = 0.70
QUOTE_SHARE = 0.06
QUOTE_CONVERSION = 0.50
CANCEL_RATE = 0.02
SALE_TERMS = [("CONSIGNMENT", 0.50), ("NET_30", 0.22), ("NET_15", 0.08), ("NET_7", 0.05),
              ("COD", 0.10), ("PARTIAL", 0.05)]
TERM_DAYS = {"COD": 0, "NET_7": 7, "NET_15": 15, "NET_30": 30, "CONSIGNMENT": 45, "PARTIAL": 30}
PAYMENT_METHODS = [("ACH", 0.45), ("CHECK", 0.25), ("WIRE", 0.15), ("CASH", 0.15)]


def q2(value) -> Decimal:
    return Decimal(value).quantize(Q2, rounding=ROUND_HALF_UP)


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59)


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    out, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        out.append((dt.date(year, month, 1), min(end, nxt - dt.timedelta(days=1))))
        year, month = nxt.year, nxt.month
    return out


def _business_time(rng, day: dt.date) -> dt.datetime:
    """A moment of the working day on ``day`` (the Monday after it, on a weekend)."""
    return working_time(rng, next_weekday(day))


def _add_business_days(moment: dt.datetime, days: int, rng) -> dt.datetime:
    day = moment.date()
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return _business_time(rng, day)


# --------------------------------------------------------------------------- catalog
@dataclass(slots=True)
class Product:
    id: int
    name: str
    category: str
    subcategory: str
    uom: str
    strain_id: int | None
    strain_name: str
    brand_id: int
    vendor_id: int
    unit_cogs: Decimal
    tier: str | None  # grow tier for flower
    created: dt.datetime


def catalog(ctx) -> list[Product]:
    rng = ctx.rng
    strains = traded_strains(ctx)
    vendors = ctx.rows("vendors")
    brands = ctx.rows("brands")
    by_vendor = {}
    for brand in brands:
        by_vendor.setdefault(brand["vendorId"], []).append(brand)
    house = next(b for b in brands if b["vendorId"] is None)
    created = at(setup_day(ctx), 13)
    products: list[Product] = []

    def add(**kw):
        products.append(Product(id=ctx.id(len(products) + 1), created=created, **kw))

    for i, strain in enumerate(strains):
        vendor = vendors[i % len(vendors)]
        brand = by_vendor[vendor["id"]][0]
        tiers = [weighted(rng, [(t, w) for t, _c, w in GROW_TIERS])]
        if rng.random() < 0.35:
            other = [t for t, _c, _w in GROW_TIERS if t != tiers[0]]
            tiers.append(pick(rng, other))
        for tier in tiers:
            cogs = next(c for t, c, _w in GROW_TIERS if t == tier)
            add(name=f"{strain['name']} - {tier}", category="Flower", subcategory=tier, uom="LB",
                strain_id=strain["id"], strain_name=strain["name"], brand_id=brand["id"],
                vendor_id=vendor["id"], unit_cogs=cogs, tier=tier)
    others = max(len(OTHER_LINES), round(len(products) / 9))
    for k in range(others):
        category, sub, uom, cogs = OTHER_LINES[k % len(OTHER_LINES)]
        strain = strains[k % len(strains)]
        vendor = vendors[(k + 1) % len(vendors)]
        brand = house if k % 2 else by_vendor[vendor["id"]][0]
        add(name=f"{strain['name']} {sub}", category=category, subcategory=sub,
            uom=uom, strain_id=strain["id"], strain_name=strain["name"], brand_id=brand["id"],
            vendor_id=vendor["id"], unit_cogs=cogs, tier=None)
    return products


# --------------------------------------------------------------------------- supply
@dataclass(slots=True)
class Batch:
    id: int
    lot_id: int
    code: str
    lot_code: str
    sku: str
    product: Product
    vendor_id: int
    supplier_client_id: int
    received: dt.datetime
    workflow: list[tuple[str, dt.datetime]]  # (workflow slug, when), ends at the live moment
    live_at: dt.datetime
    qty_in: Decimal
    unit_cogs: Decimal
    cogs_mode: str
    cogs_range: tuple[Decimal, Decimal] | None
    terms: str
    grade: str | None
    received_by: int
    po_index: int
    remaining: Decimal = ZERO
    movements: list = field(default_factory=list)   # (when, type, change, ref_type, ref_id, reason, user)
    batch_status: str = "LIVE"
    status_slug: str = "ready-for-sale"
    status_changes: list = field(default_factory=list)  # extra (slug, when) after going live
    quarantine_qty: Decimal = ZERO
    hold_qty: Decimal = ZERO
    defective_qty: Decimal = ZERO
    sample_qty: Decimal = ZERO
    last_moved: dt.datetime | None = None
    incomplete: bool = False  # optional intake data left empty (anomalies.py)


@dataclass(slots=True)
class PurchaseOrder:
    id: int
    number: str
    vendor_id: int
    status: str
    ordered: dt.datetime
    expected: dt.date
    delivered: dt.date | None
    items: list  # (product, qty ordered, qty received, unit cost)
    terms: str
    created_by: int
    sent_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    intake_index: int | None = None  # index into Supply.batches of the lot it became


@dataclass(slots=True)
class Supply:
    batches: list[Batch]
    purchase_orders: list[PurchaseOrder]


def _monthly_cogs(ctx) -> Decimal:
    """What the goods a whole month's sales take cost, at the average margin."""
    revenue_month = ctx.scenario.revenue / ctx.scenario.months * Decimal(str(ctx.params.scale))
    return revenue_month * Decimal(str(1 - MARGIN_MEAN))


def supply(ctx) -> Supply:
    rng = ctx.rng
    products = ctx.dataset(catalog)
    flower = {tier: [p for p in products if p.tier == tier] for tier, _c, _w in GROW_TIERS}
    other = [p for p in products if p.tier is None]
    suppliers = {c["name"]: c["id"] for c in ctx.rows("clients") if c["teri_code"].startswith(SUPPLIER_PREFIX)}
    vendor_names = {v["id"]: v["name"] for v in ctx.rows("vendors")}
    receivers = staff_with_job(ctx, "Warehouse Lead") + staff_with_job(ctx, "Inventory Manager")
    buyer = staff_with_job(ctx, "Buyer")[0]["id"]
    per_month = ctx.scaled(LOTS_PER_MONTH)
    # a flower lot is worth its share of a month's cost of sales (the other lines are
    # worth little), so every month takes in what it sells, whatever the tiers; and
    # what the lots before it fell short of that, or ran over (another line's lot, a
    # small or a large one), so that stock does not drift off over the months
    lot_cogs = _monthly_cogs(ctx) * Decimal(str(INTAKE_COVER)) / Decimal(str(per_month * FLOWER_SHARE))
    lot_expected = lot_cogs * Decimal(str(FLOWER_SHARE))  # what a lot, flower or not, brings on average
    behind = ZERO  # what the lots so far fell short of lot_expected each
    rate = ctx.scenario.anomaly_rate

    opening = rhythm.Month(ctx.window_start - dt.timedelta(days=28), ctx.window_start - dt.timedelta(days=1),
                           OPENING_MONTHS)
    periods = [opening] + rhythm.months(ctx.window_start, ctx.window_end, ctx.scenario.months)
    batches: list[Batch] = []
    pos: list[PurchaseOrder] = []
    for count, period in zip(rhythm.counts(periods, per_month), periods):
        last = period.last
        for day in rhythm.spread_days(rng, period, count):
            n = len(batches) + 1
            received = _business_time(rng, day)
            if received.date() > ctx.window_end:
                received = _business_time(rng, ctx.window_end - dt.timedelta(days=3))
            is_flower = rng.random() < FLOWER_SHARE
            if is_flower:
                tier = weighted(rng, [(t, w) for t, _c, w in GROW_TIERS])
                product = pick(rng, flower[tier] or [p for ps in flower.values() for p in ps])
                unit_cogs = q2(product.unit_cogs * Decimal(str(rng.uniform(0.9, 1.1))))
                worth = lot_cogs * Decimal(str(rng.uniform(0.8, 1.2))) + behind
                worth = min(lot_cogs * 2, max(lot_cogs * Decimal("0.4"), worth))
                qty = max(Decimal("25"), (worth / unit_cogs / 5).quantize(Decimal(1)) * 5)
                grade = weighted(rng, GRADES)
            else:
                product = pick(rng, other)
                unit_cogs = q2(product.unit_cogs * Decimal(str(rng.uniform(0.9, 1.1))))
                qty = Decimal(rng.randrange(400, 3000, 50))
                grade = None
            behind += lot_expected - qty * unit_cogs
            terms = "CONSIGNMENT" if rng.random() < INTAKE_CONSIGNMENT else pick(rng, ["COD", "NET_30", "NET_15"])
            if period is opening:
                terms = "CONSIGNMENT"  # the opening stock is consigned: nothing owed before the books begin
            mode = "RANGE" if terms == "CONSIGNMENT" and rng.random() < 0.15 else "FIXED"
            # intake -> quality check -> lab testing -> packaging -> ready for sale
            steps, moment = [("intake-queue", received)], received
            for slug in ("quality-check", "lab-testing", "packaging", "ready-for-sale"):
                moment = moment + dt.timedelta(hours=rng.randint(3, 30))
                steps.append((slug, moment))
            lot_code = f"LOT-{1000 + n:06d}"
            brand_key = "".join(ch for ch in product.strain_name.upper() if ch.isalnum())[:4].ljust(4, "X")
            batch = Batch(
                id=ctx.id(n), lot_id=ctx.id(n), code=f"BATCH-{1000 + n:06d}", lot_code=lot_code,
                sku=f"{brand_key}-{product.subcategory.upper().replace(' ', '')[:4].ljust(4, 'X')}"
                    f"-{received:%Y%m%d}-{n:04d}",
                product=product, vendor_id=product.vendor_id,
                supplier_client_id=suppliers[vendor_names[product.vendor_id]], received=received,
                workflow=steps, live_at=steps[-1][1], qty_in=qty, unit_cogs=unit_cogs, cogs_mode=mode,
                cogs_range=(q2(unit_cogs * Decimal("0.9")), q2(unit_cogs * Decimal("1.1"))) if mode == "RANGE" else None,
                terms=terms, grade=grade, received_by=pick(rng, receivers)["id"], po_index=len(pos),
            )
            batches.append(batch)
            ordered = _business_time(rng, received.date() - dt.timedelta(days=rng.randint(5, 20)))
            pos.append(PurchaseOrder(
                id=ctx.id(len(pos) + 1), number=f"PO-{ordered:%Y}-{len(pos) + 1:04d}",
                vendor_id=product.vendor_id, status="RECEIVED", ordered=ordered,
                expected=received.date() - dt.timedelta(days=rng.randint(-2, 3)),
                delivered=received.date(), items=[(product, qty, qty, unit_cogs)], terms=terms,
                created_by=buyer, sent_at=ordered + dt.timedelta(hours=2),
                confirmed_at=ordered + dt.timedelta(days=1), intake_index=len(batches) - 1))
        # orders that never became lots: a few cancelled, and the open pipeline at the end
        for status in (["CANCELLED"] if rng.random() < 0.5 else []) + \
                (["SENT", "CONFIRMED", "DRAFT"] if last == ctx.window_end else []):
            product = pick(rng, [p for ps in flower.values() for p in ps])
            ordered = _business_time(rng, last - dt.timedelta(days=rng.randint(4, 12)))
            qty = max(Decimal("25"), (lot_cogs / product.unit_cogs / 5).quantize(Decimal(1)) * 5)
            pos.append(PurchaseOrder(
                id=ctx.id(len(pos) + 1), number=f"PO-{ordered:%Y}-{len(pos) + 1:04d}",
                vendor_id=product.vendor_id, status=status, ordered=ordered,
                expected=ordered.date() + dt.timedelta(days=14), delivered=None,
                items=[(product, qty, ZERO, q2(product.unit_cogs))], terms="CONSIGNMENT",
                created_by=buyer, sent_at=None if status == "DRAFT" else ordered + dt.timedelta(hours=2),
                confirmed_at=ordered + dt.timedelta(days=1) if status == "CONFIRMED" else None))
    for k in sorted(anomalies.incomplete(rng, len(batches), rate)):
        batches[k].incomplete, batches[k].grade = True, None  # intake recorded no grade, no lab results
    for batch in batches:
        batch.movements.append((batch.received, "INTAKE", batch.qty_in, "INTAKE", None,
                                "Received into inventory", batch.received_by))
        batch.remaining = batch.qty_in
    return Supply(batches, pos)


# --------------------------------------------------------------------------- trade
@dataclass(slots=True)
class Line:
    id: int
    batch: Batch
    qty: Decimal
    unit_cogs: Decimal
    original_cogs: Decimal
    unit_price: Decimal
    margin_source: str
    cogs_overridden: bool = False
    margin_overridden: bool = False
    is_sample: bool = False
    # worked out once when built (quantity and prices never change after)
    line_total: Decimal = field(init=False, repr=False, compare=False)
    line_cogs: Decimal = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.line_total = q2(self.qty * self.unit_price)
        self.line_cogs = q2(self.qty * self.unit_cogs)

    @property
    def margin_dollar(self) -> Decimal:
        return self.line_total - self.line_cogs

    @property
    def margin_percent(self) -> Decimal:
        return q2(self.margin_dollar * 100 / self.line_total) if self.line_total else ZERO


@dataclass(slots=True)
class Order:
    id: int
    number: str
    kind: str  # QUOTE or SALE
    client: dict
    rep: int
    created: dt.datetime
    lines: list[Line]
    terms: str
    discount: Decimal = ZERO
    quote_status: str | None = None
    sale_status: str | None = None
    fulfillment: str = "PENDING"
    confirmed_at: dt.datetime | None = None
    packed_at: dt.datetime | None = None
    shipped_at: dt.datetime | None = None
    packed_by: int | None = None
    shipped_by: int | None = None
    valid_until: dt.date | None = None
    converted_from: "Order | None" = None
    converted_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    invoice_date: dt.date | None = None
    due_date: dt.date | None = None
    payments: list = field(default_factory=list)  # (date, amount, method)
    returns: list = field(default_factory=list)   # Return
    anomaly: str = "normal"    # or an order kind of anomalies.py: small, low_margin, high_margin, comp
    incomplete: bool = False   # optional columns left empty (anomalies.py)
    # worked out once when built (an order's lines never change after), as Line's totals
    subtotal: Decimal = field(init=False, repr=False, compare=False)
    total_cogs: Decimal = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.subtotal = sum((l.line_total for l in self.lines), ZERO)
        self.total_cogs = sum((l.line_cogs for l in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount

    @property
    def total_margin(self) -> Decimal:
        return sum((l.margin_dollar for l in self.lines), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((amount for _d, amount, _m in self.payments), ZERO)

    @property
    def cash_payment(self) -> Decimal:
        return sum((a for d, a, m in self.payments if m == "CASH" and d == self.invoice_date), ZERO)


@dataclass(slots=True)
class Return:
    id: int
    order: Order
    line: Line
    qty: Decimal
    reason: str
    processed_at: dt.datetime
    processed_by: int


@dataclass(slots=True)
class Trade:
    orders: list[Order]
    returns: list[Return]
    batches: list[Batch]
    line_count: int


def _client_weights(clients: list[dict]) -> list[tuple[dict, float]]:
    """Whales share 70% of revenue evenly-ish; regulars share 30%, Pareto-like."""
    whales = [c for c in clients if is_whale(c)]
    regulars = [c for c in clients if not is_whale(c)]
    if not regulars:
        return [(c, 1.0) for c in whales]
    if not whales:
        return [(c, 1.0 / (k + 1) ** 0.8) for k, c in enumerate(regulars)]
    pareto = [1.0 / (k + 1) ** 0.8 for k in range(len(regulars))]
    total = sum(pareto)
    return ([(c, WHALE_REVENUE_SHARE / len(whales)) for c in whales] +
            [(c, (1 - WHALE_REVENUE_SHARE) * w / total) for c, w in zip(regulars, pareto)])


# How an order's size spreads around the month's going size (lognormal sigma), its
# lines, and how much bigger a whale's orders run than a regular's.
ORDER_SPREAD = 0.45
CLOSING_ORDERS = 8  # a month's last orders, sized closer to what it still lacks
# Of the month's going size: the smallest an ordinary order is sized, and what its
# lines come to at least (topped up with another line if they fall short), well
# above chaos's small orders (anomalies.py: under a tenth of the average order)
SMALLEST = Decimal("0.25")
LEAST = Decimal("0.2")
LINES_MEAN, LINES_SD, LINES_MAX = 3.0, 1.1, 6
ORDER_SIZE = {True: 1.25, False: 0.85}  # is_whale -> relative order size
FLOOR = 0.3  # of a group's fair share of the next order: a group ahead can still be drawn
FLOWER_LINES = 0.92
TOP_UP = Decimal("0.5")  # an order short of more than this share of its size takes another line
CLOSE_TO = Decimal("0.98")  # the month's last sale, which nothing after makes up for: this close
REMNANT = Decimal("0.25")  # what a line leaves of a batch, at most, before it takes it all
CLEAR_OUT = 0.5  # how often a line takes the oldest batch's last units though they fall short
FIFO_SPAN = 3    # a line draws on about the third-oldest batch that can fill it
# sales (not cancelled) an order slot makes: a quote only when it converts
SALE_YIELD = (1 - QUOTE_SHARE * (1 - QUOTE_CONVERSION)) * (1 - CANCEL_RATE)
# A sale called off, or one a quote converts into, after the last of its month's
# sales could not be made up for: each comes while at least this many of its
# month's earning sales are still to come, sized to what the month then lacks.
MAKE_UP = 3
CALL_OFF_DAYS = 4  # a sale is called off within this many days (hours, over a weekend)
CONVERT_DAYS = 10  # a quote converts within this many days


@dataclass(slots=True)
class _Slot:
    """A moment an order is placed, planned before the trading day runs."""
    month: int
    moment: dt.datetime
    kind: str                   # normal, or an anomalies.ORDER_KINDS kind
    incomplete: bool
    first_of: dict | None = None  # the client whose first order this is
    quote: bool = False           # a quote, which earns only if it converts
    converts_at: dt.datetime | None = None  # a quote: when it becomes a sale, if it does
    called_off: bool = False      # a sale the client calls off (hours later)

    @property
    def priced(self) -> bool:
        """Sized on the month's going order (small orders and comps are not)."""
        return self.kind in ("normal", "low_margin", "high_margin")

    @property
    def earns(self) -> bool:
        """A sale that makes the month's revenue."""
        return self.priced and not self.quote and not self.called_off


def _slots(ctx, rng, months: list[rhythm.Month], buyers: list[dict], end: dt.datetime) -> list[_Slot]:
    """The month's order slots, whole months the scenario's orders a month (pro rata at
    the window's edges), on working days and hours; each one's kind (anomalies at the
    scenario's rate); a first order for every buyer, in the first two thirds of the
    window, so every client trades; and each month's quotes, the quotes that convert
    and the sales called off, in the scenario's shares.  Each of these counts keeps
    its running total on target (rhythm.counts), and a month's slots are its sales
    and the slots that make none (quotes that do not convert, sales called off), so
    that a month's sales are the scenario's orders a month."""
    sales_month = ctx.scenario.orders / ctx.scenario.months * ctx.params.scale
    per_month = sales_month / SALE_YIELD  # order slots a month
    quotes = rhythm.counts(months, per_month * QUOTE_SHARE)
    converted = rhythm.counts(months, per_month * QUOTE_SHARE * QUOTE_CONVERSION)
    called_off = rhythm.counts(months, per_month * (1 - QUOTE_SHARE * (1 - QUOTE_CONVERSION)) * CANCEL_RATE)
    slots = []
    for m, (count, month) in enumerate(zip(rhythm.counts(months, sales_month), months)):
        count += quotes[m] - converted[m] + called_off[m]
        slots += [(m, working_time(rng, day)) for day in rhythm.spread_days(rng, month, count)]
    slots.sort(key=lambda s: s[1])
    rate = ctx.scenario.anomaly_rate
    kinds = anomalies.order_kinds(rng, len(slots), rate)
    sparse = anomalies.incomplete(rng, len(slots), rate)
    out = [_Slot(m, moment, kind, k in sparse) for k, ((m, moment), kind) in enumerate(zip(slots, kinds))]
    early = [s for s in out[:max(1, len(out) * 2 // 3)] if s.kind == "normal"]
    for slot, client in zip(sorted(rng.sample(early, min(len(early), len(buyers))), key=lambda s: s.moment),
                            rng.sample(buyers, len(buyers))):
        slot.first_of = client
    for m in range(len(months)):
        mine = [s for s in out if s.month == m]
        if mine:
            _quotes_and_call_offs(rng, mine, quotes[m], converted[m], called_off[m], end)
    return out


def _quotes_and_call_offs(rng, mine: list[_Slot], quotes: int, converted: int, called_off: int,
                          end: dt.datetime) -> None:
    """Which of a month's slots (``mine``, in time order) are quotes, which of those
    convert and when, and which sales are called off: a converted quote's sale, or a
    sale called off, comes while MAKE_UP of the month's earning sales are still to
    come (and a sale is called off within the window)."""
    free = [s for s in mine if s.kind == "normal" and s.first_of is None]
    # the quotes that convert first, where the month has room for their sales
    # (whichever of its priced slots turn out quotes)
    priced = [s.moment for s in mine if s.priced]
    last = priced[-MAKE_UP - quotes] if len(priced) >= MAKE_UP + quotes else mine[0].moment
    room = [(s, days) for s in free if (days := _days_before(s.moment, last))]
    for slot, days in rng.sample(room, min(converted, quotes, len(room))):
        slot.quote, slot.converts_at = True, working_time(rng, pick(rng, days))
    rest = [s for s in free if not s.quote]
    for slot in rng.sample(rest, min(quotes - sum(s.quote for s in free), len(rest))):
        slot.quote = True
    earning = [s.moment for s in mine if s.earns]
    last = earning[-MAKE_UP] if len(earning) >= MAKE_UP else mine[0].moment
    cut = min(last, end - dt.timedelta(days=CALL_OFF_DAYS))
    callable_ = [s for s in mine if not s.quote and s.first_of is None and s.moment < cut]
    for slot in rng.sample(callable_, min(called_off, len(callable_))):
        slot.called_off = True


def _days_before(moment: dt.datetime, limit: dt.datetime) -> list[dt.date]:
    """The weekdays after ``moment``'s, within CONVERT_DAYS of it, before ``limit``'s."""
    days = (moment.date() + dt.timedelta(days=k) for k in range(1, CONVERT_DAYS + 1))
    return [d for d in days if d < limit.date() and d.weekday() < 5]


def _confirmed(rng, created: dt.datetime, end: dt.datetime) -> dt.datetime:
    """When the system confirms an order a rep entered: minutes later (hours, now and
    then), in office hours."""
    delay = min(480.0, max(2.0, rng.lognormvariate(3.0, 1.0)))  # median 20 minutes
    moment = in_office_hours(rng, created + dt.timedelta(minutes=delay))
    return moment if moment <= end else created + dt.timedelta(minutes=rng.randint(2, 20))


def _cancelled(rng, confirmed: dt.datetime, end: dt.datetime) -> dt.datetime | None:
    """When the client calls off a sale, hours after it was confirmed; None: only
    after the window."""
    when = in_office_hours(rng, confirmed + dt.timedelta(hours=rng.randint(1, 20)))
    return when if when < end else None


def trade(ctx) -> Trade:
    rng = ctx.rng
    sup = ctx.dataset(supply)
    batches = sup.batches
    buyers = [c for c in ctx.rows("clients") if c["is_buyer"]]
    reps = staff_with_job(ctx, "Sales Rep") + staff_with_job(ctx, "Sales Manager")
    rep_of = {c["id"]: reps[k % len(reps)]["id"] for k, c in enumerate(buyers)}
    warehouse = staff_with_job(ctx, "Warehouse Lead") + staff_with_job(ctx, "Warehouse Associate")
    end = _end_of(ctx.window_end)
    rate = ctx.scenario.anomaly_rate
    margin_mean = anomalies.ordinary_margin(MARGIN_MEAN, rate)

    # clients in two groups, whales and regulars, each with its share of revenue and,
    # within it, each client's weight (_client_weights)
    groups: dict[bool, list[tuple[dict, float]]] = {True: [], False: []}
    for client, weight in _client_weights(buyers):
        groups[is_whale(client)].append((client, weight))
    group_share = {g: sum(w for _c, w in members) for g, members in groups.items() if members}
    everyone = weight_total(_client_weights(buyers))
    group_share = {g: share / everyone for g, share in group_share.items()}
    group_total = {g: weight_total(groups[g]) for g in group_share}
    size_norm = sum(share / ORDER_SIZE[g] for g, share in group_share.items())
    earned = {g: ZERO for g in group_share}  # sales revenue so far, by group

    months = rhythm.months(ctx.window_start, ctx.window_end, ctx.scenario.months)
    month_of = {(m.first.year, m.first.month): k for k, m in enumerate(months)}
    revenue_month = ctx.scenario.revenue / ctx.scenario.months * Decimal(str(ctx.params.scale))
    slots = _slots(ctx, rng, months, buyers, end)
    # each month's revenue, what its sales (not cancelled) have made so far, its earning slots left
    goal = [revenue_month * Decimal(str(m.share)) for m in months]
    made = [ZERO for _m in months]
    left = [0 for _m in months]
    for slot in slots:
        left[slot.month] += slot.earns
    going = [goal[k] / Decimal(str(max(1, left[k]))) for k in range(len(months))]
    by_live = sorted(batches, key=lambda b: b.live_at)

    orders: list[Order] = []
    line_no = 0
    quote_no = sale_no = 0

    # The shelves, flower and not: the batches live by the latest moment asked about, in
    # by_live order, less those found empty when an order began.  In this loop stock
    # goes down but for cancelled sales, whose stock goes back on the shelf when they are
    # called off (``released``, by then; returns put stock back after the loop, in
    # _returns); a batch found empty is dropped, and shelved again if a cancellation
    # refills it; one that an order's own lines empty is in that order's ``used``, which
    # ``available`` leaves out anyway.
    shelves: dict[bool, list[Batch]] = {True: [], False: []}
    shelved = 0  # by_live[:shelved] went on the shelves
    rank = {b.id: k for k, b in enumerate(by_live)}
    released: list[tuple[dt.datetime, int, Order]] = []  # cancelled sales, a heap by when

    def restock(moment: dt.datetime) -> None:
        nonlocal shelved
        while shelved < len(by_live) and by_live[shelved].live_at <= moment:
            batch = by_live[shelved]
            shelves[batch.product.tier is not None].append(batch)
            shelved += 1
        while released and released[0][0] <= moment:
            for line in heapq.heappop(released)[2].lines:
                batch, shelf = line.batch, shelves[line.batch.product.tier is not None]
                if rank[batch.id] < shelved and batch not in shelf:  # dropped when it was empty
                    shelf.append(batch)
                    shelf.sort(key=lambda b: rank[b.id])
                batch.remaining += line.qty
        for flower in (True, False):
            shelves[flower] = [b for b in shelves[flower] if b.remaining > 0]

    def available(moment: dt.datetime, want_flower: bool, used: set[int]) -> list[Batch]:
        """The batches live at ``moment`` with stock, flower or not, but those ``used``."""
        shelf = shelves[want_flower]
        live = len(shelf)
        while live and shelf[live - 1].live_at > moment:  # went live later in the day
            live -= 1
        return [b for b in shelf[:live] if b.id not in used] if used else shelf[:live]

    def order_size(slot: _Slot) -> Decimal:
        """What an order should come to: a sale, the revenue its month still lacks over
        the earning sales it has left (within bounds of the month's going size), spread
        less as the month's last sales come, which nothing after them could make up
        for (the last one is what the month lacks); a quote or a sale that will be
        called off, the going size (a quote earns in its month if it converts)."""
        k = slot.month
        if not slot.priced:
            return ZERO
        if not slot.earns:  # a quote, or a sale called off
            return going[k] * Decimal(str(rng.lognormvariate(-ORDER_SPREAD ** 2 / 2, ORDER_SPREAD)))
        size = (goal[k] - made[k]) / Decimal(str(max(1, left[k])))
        left[k] -= 1
        spread = ORDER_SPREAD * min(1.0, left[k] / CLOSING_ORDERS) ** 0.5
        floor = going[k] * SMALLEST
        size = min(going[k] * Decimal("2.5"), max(floor, size))
        return max(floor, size * Decimal(str(rng.lognormvariate(-spread ** 2 / 2, spread))))

    def choose_client(slot: _Slot, size: Decimal) -> dict:
        """The slot's client: whales or regulars, whichever group is further behind its
        share of revenue (every group can be drawn), then a client of the group by weight."""
        if slot.first_of is not None:
            return slot.first_of
        total = float(sum(earned.values(), ZERO) + size)
        lag = [(g, max(0.0, total * share - float(earned[g])) + float(size) * FLOOR * share)
               for g, share in sorted(group_share.items(), reverse=True)]
        group = weighted(rng, lag)
        return weighted(rng, groups[group], group_total[group])

    def make_lines(moment: dt.datetime, client: dict, reserve: bool, target: Decimal, kind: str,
                   at_least: Decimal = ZERO) -> list[Line]:
        """The lines of an order that should come to ``target``, and to ``at_least`` at
        least, as far as the shelves go (small orders and comps: a pound or less, a few
        units, whatever they come to)."""
        nonlocal line_no
        small = kind in ("small", "comp")
        n_lines = rng.choice((1, 2)) if small else \
            max(1, min(LINES_MAX, round(rng.gauss(LINES_MEAN, LINES_SD))))
        parts = [rng.uniform(0.5, 1.5) for _ in range(n_lines)]
        forced = anomalies.forced_margin(rng, kind)
        lines, used = [], set()
        restock(moment)
        # what the order still lacks: a line that falls short of its part (a batch's
        # last units, a batch too small) leaves the rest to the lines after it, and an
        # order short of ``at_least`` once its lines are drawn takes another line
        still, k = target, 0
        while k < len(parts) or (not small and target - still < at_least and len(lines) < LINES_MAX
                                 and k < 2 * LINES_MAX):
            lack = max(still, at_least - (target - still))
            part = parts[k] / sum(parts[k:]) if k < len(parts) else 1.0
            k += 1
            if not small and lack <= 0:
                break
            flower = rng.random() < FLOWER_LINES
            pool = available(moment, flower, used) or available(moment, not flower, used)
            if not pool:
                break
            outlier = anomalies.outlier_margin(rng, rate) if forced is None and kind != "comp" else None
            margin = forced if forced is not None else outlier if outlier is not None else \
                min(0.40, max(0.12, rng.gauss(margin_mean, MARGIN_SPREAD / 2)))
            line_target = lack * Decimal(str(part))
            if small:  # a pound or less, a few units: any batch will do, older stock first
                batch = pool[min(len(pool) - 1, int(rng.random() ** 2 * len(pool)))]
                want = anomalies.small_quantity(rng, batch.product.uom == "LB")
            elif pool[0].remaining * pool[0].unit_cogs / Decimal(str(1 - margin)) < line_target * Decimal("0.8") \
                    and rng.random() < CLEAR_OUT:
                batch = pool[0]  # the oldest batch's last units go first, what is left of them
            else:  # older stock first: about the FIFO_SPAN-th oldest of the batches that
                # can fill the line (of the other kind if none of this kind can: the rep
                # offers what is in stock)
                nth, batch = int(rng.expovariate(1 / FIFO_SPAN)), None
                for other in (False, True):
                    shelf = available(moment, not flower, used) if other else pool
                    if not shelf:
                        continue
                    step = Decimal("0.25") if shelf[0].product.uom == "LB" else Decimal("1")
                    est_price = shelf[0].unit_cogs / Decimal(str(1 - margin))
                    want = max(step, (line_target / est_price / step).to_integral_value() * step)
                    enough = want * Decimal("0.8")
                    for candidate in shelf:
                        if candidate.remaining >= enough:
                            batch = candidate
                            if nth == 0:
                                break
                            nth -= 1
                    if batch is not None:
                        break
                if batch is None:
                    batch = max(pool, key=lambda b: b.remaining)
            used.add(batch.id)
            cogs = batch.unit_cogs
            original = cogs
            cogs_overridden = batch.cogs_mode == "RANGE" and rng.random() < 0.3
            if cogs_overridden:
                cogs = q2(pick(rng, batch.cogs_range))
            price = ZERO if kind == "comp" else q2(cogs / Decimal(str(1 - margin)))
            step = Decimal("0.25") if batch.product.uom == "LB" else Decimal("1")
            if not small:
                want = (line_target / price / step).to_integral_value() * step
            qty = min(max(step, want), batch.remaining)
            qty = (qty / step).to_integral_value(rounding="ROUND_FLOOR") * step
            if qty <= 0:
                continue
            if not small and batch.remaining - qty <= qty * REMNANT:
                qty = batch.remaining  # the rep clears the batch's last few units onto the line
            if kind == "comp" or forced is not None or outlier is not None:
                source = "MANUAL"  # the rep set the price by hand
            else:
                source = "CUSTOMER_PROFILE" if is_whale(client) else \
                    weighted(rng, [("DEFAULT", 0.7), ("MANUAL", 0.3)])
            line_no += 1
            lines.append(Line(id=ctx.id(line_no), batch=batch, qty=qty, unit_cogs=cogs,
                              original_cogs=original, unit_price=price, margin_source=source,
                              cogs_overridden=cogs_overridden,
                              margin_overridden=source == "MANUAL"))
            still -= lines[-1].line_total
            if reserve:
                batch.remaining -= qty
        return lines

    def take_stock(order: Order, moment: dt.datetime) -> None:
        for line in order.lines:
            line.batch.remaining -= line.qty
            line.batch.movements.append((moment, "SALE", -line.qty, "ORDER", order.id,
                                         f"Sold on {order.number}", order.rep))

    def earn(order: Order) -> None:
        made[month_of[(order.created.year, order.created.month)]] += order.subtotal
        earned[is_whale(order.client)] += order.subtotal

    for slot in slots:
        moment, kind = slot.moment, slot.kind
        closing = slot.earns and left[slot.month] == 1  # the month's last sale: what it lacks
        size = order_size(slot)
        client = choose_client(slot, size)
        target = size if closing else size * Decimal(str(ORDER_SIZE[is_whale(client)] * size_norm))
        is_quote = slot.quote
        # an order short of its size by more than TOP_UP (its month's later sales make up
        # the rest), or of LEAST, takes another line; the month's last sale, of CLOSE_TO
        at_least = max(target * (CLOSE_TO if closing else 1 - TOP_UP), going[slot.month] * LEAST) \
            if slot.priced else ZERO
        lines = make_lines(moment, client, not is_quote, target, kind, at_least)
        if not lines:
            continue
        terms = weighted(rng, SALE_TERMS)
        if is_quote:
            quote_no += 1
            order = Order(ctx.id(len(orders) + 1), f"QT-{quote_no:06d}", "QUOTE", client,
                          rep_of[client["id"]], moment, lines, terms,
                          valid_until=(moment + dt.timedelta(days=14)).date(),
                          anomaly=kind, incomplete=slot.incomplete)
        else:
            sale_no += 1
            order = Order(ctx.id(len(orders) + 1), f"ORD-{sale_no:06d}", "SALE", client,
                          rep_of[client["id"]], moment, lines, terms,
                          confirmed_at=_confirmed(rng, moment, end), anomaly=kind, incomplete=slot.incomplete)
            order.cancelled_at = _cancelled(rng, order.confirmed_at, end) if slot.called_off else None
            for line in lines:  # make_lines reserved the stock; record the movement
                line.batch.movements.append((order.confirmed_at, "SALE", -line.qty, "ORDER", order.id,
                                             f"Sold on {order.number}", order.rep))
            if order.cancelled_at:
                heapq.heappush(released, (order.cancelled_at, order.id, order))
            else:
                earn(order)
        orders.append(order)
        if slot.converts_at:
            when = slot.converts_at
            if all(l.batch.remaining >= l.qty for l in lines):
                sale_no += 1
                copy = [Line(ctx.id(line_no + k + 1), l.batch, l.qty, l.unit_cogs, l.original_cogs,
                             l.unit_price, l.margin_source, l.cogs_overridden, l.margin_overridden)
                        for k, l in enumerate(lines)]
                line_no += len(copy)
                sale = Order(ctx.id(len(orders) + 1), f"ORD-{sale_no:06d}", "SALE", client, order.rep,
                             when, copy, terms, converted_from=order, converted_at=when,
                             confirmed_at=_confirmed(rng, when, end), anomaly=kind, incomplete=order.incomplete)
                take_stock(sale, sale.confirmed_at)
                order.quote_status = "CONVERTED"
                orders.append(sale)
                earn(sale)

    restock(end)  # the last cancellations' stock back on the shelf
    orders.sort(key=lambda o: (o.created, o.id))
    _finish_quotes(rng, orders, end)
    _fulfil(ctx, rng, orders, warehouse, end)
    _discounts(rng, orders)
    _receivables(ctx, rng, [o for o in orders if o.anomaly != "comp"], end)
    _settle_comps(orders)
    returns = _returns(ctx, rng, orders, warehouse, end)
    _settle_batches(ctx, rng, batches, end)
    return Trade(orders, returns, batches, line_no)


def _settle_comps(orders: list[Order]) -> None:
    """Comps owe nothing: a shipped one is invoiced at $0 and paid as it is invoiced."""
    for order in orders:
        if order.anomaly != "comp" or order.kind != "SALE" or order.sale_status == "CANCELLED":
            continue
        if order.shipped_at:
            order.invoice_date = order.shipped_at.date()
            order.due_date = order.invoice_date
            order.sale_status = "PAID"
        else:
            order.sale_status = "PENDING"


def _finish_quotes(rng, orders: list[Order], end: dt.datetime) -> None:
    for order in orders:
        if order.kind != "QUOTE" or order.quote_status == "CONVERTED":
            continue
        age = (end.date() - order.created.date()).days
        if age > 14:
            order.quote_status = weighted(rng, [("EXPIRED", 0.5), ("REJECTED", 0.3), ("ACCEPTED", 0.2)])
        else:
            order.quote_status = weighted(rng, [("DRAFT", 0.2), ("SENT", 0.4), ("VIEWED", 0.3), ("ACCEPTED", 0.1)])


def _fulfil(ctx, rng, orders: list[Order], warehouse: list[dict], end: dt.datetime) -> None:
    for order in orders:
        if order.kind != "SALE":
            continue
        if order.cancelled_at:  # decided when it was placed (_cancelled), its stock released then
            order.sale_status = "CANCELLED"
            for line in order.lines:
                line.batch.movements.append((order.cancelled_at, "RETURN", line.qty, "ORDER", order.id,
                                             f"Released: {order.number} cancelled", order.rep))
            continue
        packed = _add_business_days(order.confirmed_at, 1, rng)
        shipped = max(_add_business_days(packed, rng.randint(0, 2), rng),
                      in_office_hours(rng, packed + dt.timedelta(minutes=rng.randint(40, 240))))
        if packed <= end:
            order.fulfillment, order.packed_at, order.packed_by = "PACKED", packed, pick(rng, warehouse)["id"]
        if order.packed_at and shipped <= end:
            order.fulfillment, order.shipped_at, order.shipped_by = "SHIPPED", shipped, pick(rng, warehouse)["id"]


def _discounts(rng, orders: list[Order]) -> None:
    for order in orders:
        if order.kind == "SALE" and order.sale_status != "CANCELLED" and is_whale(order.client) \
                and rng.random() < 0.2:
            order.discount = q2(order.subtotal * Decimal(str(rng.choice([0.01, 0.02, 0.03]))))


def _receivables(ctx, rng, orders: list[Order], end: dt.datetime) -> None:
    """Invoice, due date and payments of every shipped sale, aged like the facts sheet:
    of the open receivable at the window's end, ``overdue_share`` is past due, and
    ``overdue_120_share`` of that more than 120 days.  Money comes in on working
    days, after the day of the invoice (COD and deposits: on delivery)."""
    scenario = ctx.scenario
    last = end.date()
    invoiced = [o for o in orders if o.kind == "SALE" and o.shipped_at]
    for order in invoiced:
        order.invoice_date = order.shipped_at.date()
        order.due_date = order.invoice_date + dt.timedelta(days=TERM_DAYS[order.terms])
        method = weighted(rng, PAYMENT_METHODS)
        if order.terms == "COD":
            order.payments = [(order.invoice_date, order.total, "CASH")]
            continue
        if order.terms == "PARTIAL":
            deposit = q2(order.total * Decimal(str(rng.choice([0.3, 0.4, 0.5]))))
            order.payments = [(order.invoice_date, deposit, "CASH")]
        if order.due_date > last:
            # not due yet: open, sometimes paid early or in part
            roll = rng.random()
            if roll < 0.25:
                pay_day = order.invoice_date + dt.timedelta(days=rng.randint(1, max(1, (last - order.invoice_date).days)))
                if pay_day <= last:
                    order.payments.append((_pay_day(order, pay_day, last), order.total - order.paid, method))
            elif roll < 0.45 and order.total - order.paid > 100:
                pay_day = order.invoice_date + dt.timedelta(days=rng.randint(1, max(1, (last - order.invoice_date).days)))
                if pay_day <= last:
                    half = q2((order.total - order.paid) / 2)
                    order.payments.append((_pay_day(order, pay_day, last), half, method))
            continue
        # due within the window: paid around the due date, sometimes in two payments
        pay_day = _pay_day(order, order.due_date + dt.timedelta(days=rng.randint(-10, 12)), last)
        owed = order.total - order.paid
        if rng.random() < 0.15 and owed > 200:
            first = q2(owed * Decimal("0.5"))
            mid = order.invoice_date + (pay_day - order.invoice_date) / 2
            order.payments.append((_pay_day(order, mid, pay_day), first, method))
            order.payments.append((pay_day, owed - first, method))
        else:
            order.payments.append((pay_day, owed, method))
    _age_receivables(rng, scenario, invoiced, last)
    for order in invoiced:
        order.payments.sort(key=lambda p: p[0])
        open_ = order.total - order.paid
        if open_ <= 0:
            order.sale_status = "PAID"
        elif order.due_date < last:
            order.sale_status = "OVERDUE"
        elif order.paid > 0:
            order.sale_status = "PARTIAL"
        else:
            order.sale_status = "PENDING"
    for order in orders:
        if order.kind == "SALE" and order.sale_status is None:
            order.sale_status = "PENDING"


def _pay_day(order: Order, day: dt.date, latest: dt.date) -> dt.date:
    """``day`` as a working day after the invoice's, by ``latest``: when a client's money comes in."""
    return weekday_between(day, order.invoice_date + dt.timedelta(days=1), latest)


def _age_receivables(rng, scenario, invoiced: list[Order], last: dt.date) -> None:
    """Leave debts unpaid until the overdue shares of the scenario hold: real sales
    whose clients did not pay.  Debt more than 120 days past due needs a window of
    more than five months (terpseed/scenarios.py); in a shorter one, debt less
    overdue makes up the overdue share alone."""
    not_due = sum((o.total - o.paid for o in invoiced if o.due_date >= last), ZERO)
    if not_due <= 0:
        return
    share = Decimal(str(scenario.overdue_share))
    target = q2(not_due * share / (1 - share))
    old_target = q2(target * Decimal(str(scenario.overdue_120_share)))
    buckets = [
        ([o for o in invoiced if (last - o.due_date).days > 120], old_target),
        ([o for o in invoiced if 0 < (last - o.due_date).days <= 120], target),
    ]
    aged = ZERO
    for candidates, goal in buckets:
        # regulars' debts first, the whales' when the regulars' do not reach the goal
        regulars = [o for o in candidates if not is_whale(o.client)]
        whales = [o for o in candidates if is_whale(o.client)]
        rng.shuffle(regulars)
        rng.shuffle(whales)
        left = goal - aged  # recent debt makes up what the older did not reach
        for order in regulars + whales:
            if left <= 0:
                break
            late = [p for p in order.payments if p[0] > order.invoice_date] if order.terms != "COD" else []
            if not late:
                continue
            kept = [p for p in order.payments if p not in late]
            owed = order.total - sum((a for _d, a, _m in kept), ZERO)
            if owed <= left:
                order.payments, left, aged = kept, left - owed, aged + owed
            else:
                order.payments = kept + [(late[0][0], owed - left, late[0][2])]
                left, aged = ZERO, aged + left


RETURN_DAYS = 18  # a return comes 2 to 12 business days after shipping: at most this many days


def _returns(ctx, rng, orders: list[Order], warehouse, end: dt.datetime) -> list[Return]:
    # shipped in time to come back before the window ends (a comp cost the client
    # nothing: nothing to send back for credit)
    room = end - dt.timedelta(days=RETURN_DAYS)
    shipped = [o for o in orders if o.shipped_at and o.sale_status != "CANCELLED" and o.anomaly != "comp"
               and o.shipped_at <= room]
    wanted = max(1, round(len([o for o in orders if o.kind == "SALE"]) * ctx.scenario.return_rate))
    picked = rng.sample(shipped, min(wanted, len(shipped)))
    returns = []
    for order in sorted(picked, key=lambda o: o.id):
        line = pick(rng, order.lines)
        when = _add_business_days(order.shipped_at, rng.randint(2, 12), rng)
        if when > end:
            when = _add_business_days(order.shipped_at, 2, rng)
        if when > end:
            continue
        step = Decimal("0.25") if line.batch.product.uom == "LB" else Decimal("1")
        qty = max(step, (line.qty * Decimal(str(rng.uniform(0.1, 0.5))) / step).to_integral_value() * step)
        qty = min(qty, line.qty)
        reason = weighted(rng, [("DEFECTIVE", 0.35), ("NOT_AS_DESCRIBED", 0.25), ("WRONG_ITEM", 0.15),
                                ("CUSTOMER_CHANGED_MIND", 0.15), ("OTHER", 0.10)])
        who = pick(rng, warehouse)["id"]
        ret = Return(ctx.id(len(returns) + 1), order, line, qty, reason, when, who)
        returns.append(ret)
        order.returns.append(ret)
        batch = line.batch
        batch.remaining += qty
        batch.movements.append((when, "RETURN", qty, "RETURN", ret.id, f"Returned from {order.number}: {reason}", who))
        if reason == "DEFECTIVE":
            batch.remaining -= qty
            batch.defective_qty += qty
            batch.movements.append((when + dt.timedelta(hours=2), "DISPOSAL", -qty, "RETURN", ret.id,
                                    "Defective return destroyed", who))
    return returns


def _after(last_move: dt.datetime, batch: Batch) -> dt.datetime:
    """The earliest moment a count, hold or quarantine can follow: the batch's
    last movement and the end of its intake workflow (a batch goes live only
    when the workflow is done)."""
    return max(last_move, batch.live_at)


def _settle_batches(ctx, rng, batches: list[Batch], end: dt.datetime) -> None:
    """Count adjustments, holds and quarantines after the last sale; final status."""
    for batch in batches:
        batch.movements.sort(key=lambda m: m[0])
        last_move = batch.movements[-1][0]
        batch.last_moved = last_move
        if batch.live_at > end:
            batch.batch_status = "AWAITING_INTAKE"
            reached = [s for s in batch.workflow if s[1] <= end]
            batch.workflow = reached
            batch.status_slug = reached[-1][0]
            continue
        if batch.remaining > 0 and rng.random() < 0.06:
            when = min(end - dt.timedelta(hours=1), _after(last_move, batch) + dt.timedelta(days=rng.randint(1, 5)))
            if when > _after(last_move, batch):
                change = q2(-batch.remaining * Decimal(str(rng.uniform(0.005, 0.03))))
                if batch.product.uom != "LB":
                    change = change.to_integral_value()
                if change < 0:
                    batch.remaining += change
                    batch.movements.append((when, "ADJUSTMENT", change, "MANUAL_ADJUSTMENT", None,
                                            "Cycle count variance", batch.received_by))
                    last_move = when
        roll = rng.random()
        if batch.remaining > 0 and roll < 0.04:
            when = min(end - dt.timedelta(minutes=30), _after(last_move, batch) + dt.timedelta(days=rng.randint(1, 6)))
            if when > _after(last_move, batch):
                batch.batch_status, batch.status_slug = "QUARANTINED", "on-hold"
                batch.status_changes.append(("on-hold", when))
                qty = batch.remaining
                batch.quarantine_qty = qty
                batch.remaining = ZERO
                batch.movements.append((when, "QUARANTINE", -qty, "QUALITY_HOLD", None,
                                        "Failed retest: moved to quarantine", batch.received_by))
                continue
        if batch.remaining > 0 and roll < 0.09:
            when = min(end - dt.timedelta(minutes=30), _after(last_move, batch) + dt.timedelta(days=rng.randint(1, 6)))
            if when > _after(last_move, batch):
                batch.batch_status, batch.status_slug = "ON_HOLD", "on-hold"
                batch.status_changes.append(("on-hold", when))
                batch.hold_qty = batch.remaining
                continue
        if batch.remaining <= 0:
            batch.batch_status = "CLOSED" if (end - last_move).days > 60 else "SOLD_OUT"
        else:
            batch.batch_status = "PHOTOGRAPHY_COMPLETE" if rng.random() < 0.25 else "LIVE"


__all__ = ["catalog", "supply", "trade", "q2"]
