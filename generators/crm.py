"""CRM and the VIP portal: client timelines, communications, buy requests and
their matches, and what portal clients do in the live catalog.

Everything projects the trading simulation (``trade``, ``supply``, the
``stock`` of every batch at any moment) and the books (``books``): a timeline
event for each sale and payment, a reminder for each invoice that really went
past due, a need that a later sale of the client fulfilled, an interest list of
batches that were on the shelf when the client submitted it.  Three datasets
are shared by several tables:

* ``needs``: the clients' buy requests with their matches (client_needs,
  match_records and orders.client_need_id);
* ``portal``: the clients with a VIP portal, when it was enabled, its modules
  and every login (vip_portal_configurations, vip_portal_auth, clients'
  portal columns, and the sessions in which the portal tables' rows happen);
* ``interests``: the interest lists submitted from the portal
  (client_interest_lists and client_interest_list_items).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from generators.access import staff_with_job
from generators.common import ByDay, at, business_moment, pick, slug, weight_total, weighted
from generators.finance import books
from generators.parties import is_whale, strain_type
from generators.sales_extras import (_between, _buyers, _end, _qty_text, _rep_of, _sales, stock)
from generators.trade import GRADES, GROW_TIERS, Batch, Order, Product, _end_of, catalog, q2, trade

ZERO = Decimal("0")
Q4 = Decimal("0.0001")
QUARTER = Decimal("0.25")
LIST_MARGIN = Decimal("0.75")  # the list price of a batch: unit COGS / 0.75 (25% margin)
STRAIN_TYPES = ("INDICA", "SATIVA", "HYBRID", "CBD")


def list_price(batch: Batch) -> Decimal:
    return q2(batch.unit_cogs / LIST_MARGIN)


def _minutes(rng, moment: dt.datetime, lo: int, hi: int, end: dt.datetime) -> dt.datetime:
    """A few minutes after ``moment``, never after the window."""
    return min(end, moment + dt.timedelta(minutes=rng.randint(lo, hi)))


def _sales_of(orders: list[Order]) -> dict[int, list[Order]]:
    """Each client's sales that went through, oldest first."""
    by_client: dict[int, list[Order]] = defaultdict(list)
    for order in sorted(_sales(orders), key=lambda o: (o.created, o.id)):
        by_client[order.client["id"]].append(order)
    return by_client


def _step(product) -> Decimal:
    return QUARTER if product.uom == "LB" else Decimal("1")


def _floor_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


# =========================================================================== client activity
HIGH_VOLUME_SPEND = Decimal("100000")  # a whale's window spend that earns the "high-volume" tag
CONTACT_UPDATE_SHARE = 0.2
CONTACT_FIELDS = [["phone"], ["address"], ["email"], ["phone", "address"]]
EVENT_RANK = {"CREATED": 0, "UPDATED": 1, "TAG_ADDED": 2, "TRANSACTION_ADDED": 3,
              "PAYMENT_RECORDED": 4, "NOTE_ADDED": 5}


def client_activity(ctx):
    """Each buying client's timeline: created, its sales, the payments received,
    notes, contact edits, the portal being enabled and the high-volume tag."""
    rep_of = _rep_of(ctx)
    events = [(c["created_at"], c["id"], "CREATED", rep_of[c["id"]],
               {"name": c["name"], "teriCode": c["teri_code"]}) for c in _buyers(ctx)]
    events += _sale_events(ctx.dataset(trade).orders)
    events += _payment_events(ctx.dataset(books).invoices)
    events += _note_events(ctx.rows("client_communications"))
    events += _contact_updates(ctx, rep_of)
    events += _portal_updates(ctx, rep_of)
    events += _high_volume_tags(ctx.dataset(trade).orders)
    events.sort(key=lambda e: (e[0], e[1], EVENT_RANK[e[2]]))
    return [{"id": ctx.id(n), "client_id": client_id, "user_id": user, "activity_type": kind,
             "metadata": meta, "created_at": when}
            for n, (when, client_id, kind, user, meta) in enumerate(events, start=1)]


def _sale_events(orders: list[Order]) -> list[tuple]:
    return [(o.created, o.client["id"], "TRANSACTION_ADDED", o.rep,
             {"orderId": o.id, "orderNumber": o.number, "total": float(o.total)})
            for o in _sales(orders)]


def _payment_events(invoices) -> list[tuple]:
    """Every payment received, when payments.createdAt says it was recorded."""
    return [(p.created, inv.client["id"], "PAYMENT_RECORDED", p.created_by,
             {"invoiceId": inv.id, "invoiceNumber": inv.number, "paymentId": p.id,
              "paymentNumber": p.number, "amount": float(p.amount), "method": p.method})
            for inv in invoices for p in inv.payments]


def _note_events(communications: list[dict]) -> list[tuple]:
    return [(row["created_at"], row["client_id"], "NOTE_ADDED", row["logged_by"],
             {"communicationId": row["id"], "subject": row["subject"]})
            for row in communications if row["communicationType"] == "NOTE"]


def _contact_updates(ctx, rep_of) -> list[tuple]:
    """Now and then a rep corrects a client's contact details, between its first
    and last sale of the window."""
    rng = ctx.rng
    events = []
    for client_id, sales in sorted(_sales_of(ctx.dataset(trade).orders).items()):
        if len(sales) > 1 and rng.random() < CONTACT_UPDATE_SHARE:
            when = _between(rng, sales[0].created, sales[-1].created)
            events.append((when, client_id, "UPDATED", rep_of[client_id],
                           {"fields": pick(rng, CONTACT_FIELDS)}))
    return events


def _portal_updates(ctx, rep_of) -> list[tuple]:
    return [(p.enabled, p.client["id"], "UPDATED", rep_of[p.client["id"]],
             {"fields": ["vip_portal_enabled"], "vipPortalEnabled": True})
            for p in ctx.dataset(portal)]


def _high_volume_tags(orders: list[Order]) -> list[tuple]:
    """A whale is tagged high-volume by the sale that takes its window spend past
    HIGH_VOLUME_SPEND."""
    events = []
    for client_id, sales in sorted(_sales_of(orders).items()):
        client = sales[0].client
        if not is_whale(client) or "high-volume" not in client["tags"]:
            continue
        spent = ZERO
        for order in sales:
            spent += order.total
            if spent >= HIGH_VOLUME_SPEND:
                events.append((order.created + dt.timedelta(minutes=5), client_id, "TAG_ADDED",
                               order.rep, {"tag": "high-volume", "orderNumber": order.number}))
                break
    return events


# =========================================================================== client communications
FOLLOW_UP_SHARE = 0.12
FOLLOW_UPS = [
    ("EMAIL", "Re: order {number}", "Sent the order summary ({lines} lines, ${total:,.2f}) and delivery window."),
    ("CALL", "Call about order {number}", "Confirmed quantities and the delivery window; {terms} terms."),
    ("NOTE", "Note on order {number}", "Buyer asked for the {product} to be packed separately."),
    ("EMAIL", "Re: order {number} delivery", "Shared the manifest for {number}; buyer confirmed receiving hours."),
]
REMINDER_GAP_DAYS = (14, 30)
MAX_REMINDERS = 4
REVIEW_EVERY_DAYS = 90
PAYMENT_PLAN_DAYS = 60


def client_communications(ctx):
    """Calls, e-mails, meetings and notes with buying clients: follow-ups on their
    orders, reminders of invoices that went past due, account reviews."""
    rng, end = ctx.rng, _end(ctx)
    items = _order_follow_ups(ctx, rng)
    items += _payment_reminders(ctx, rng)
    items += _account_reviews(ctx, rng)
    items += _payment_plans(ctx, rng)
    items.sort(key=lambda c: (c[0], c[1], c[3]))
    return [{"id": ctx.id(n), "client_id": client_id, "communicationType": kind, "subject": subject,
             "notes": notes, "communicated_at": when, "logged_by": by,
             "created_at": _minutes(rng, when, 2, 90, end)}
            for n, (when, client_id, kind, subject, notes, by) in enumerate(items, start=1)]


def _order_follow_ups(ctx, rng) -> list[tuple]:
    end = _end(ctx)
    items = []
    for order in _sales(ctx.dataset(trade).orders):
        if rng.random() >= FOLLOW_UP_SHARE:
            continue
        kind, subject, notes = pick(rng, FOLLOW_UPS)
        when = _between(rng, order.created + dt.timedelta(minutes=10),
                        min(end, order.created + dt.timedelta(days=2)))
        fields = {"number": order.number, "lines": len(order.lines), "total": order.total,
                  "terms": order.terms.replace("_", " ").lower(), "product": order.lines[0].batch.product.name}
        items.append((when, order.client["id"], kind, subject.format(**fields), notes.format(**fields), order.rep))
    return items


def _owed_on(inv, day: dt.date) -> Decimal:
    return inv.total - sum((p.amount for p in inv.payments if p.date <= day), ZERO)


def _payment_reminders(ctx, rng) -> list[tuple]:
    """Reminders of every invoice that went past due, until it was paid: the
    first days after the due date, then every two to four weeks."""
    end, start = _end(ctx), at(ctx.window_start, 8)
    clerk = staff_with_job(ctx, "AR Specialist")[0]["id"]
    items = []
    for inv in ctx.dataset(books).invoices:
        day = inv.due + dt.timedelta(days=rng.randint(1, 7))
        if day < ctx.window_start:  # carried over: chased from the first weeks of the window
            day = ctx.window_start + dt.timedelta(days=rng.randint(0, 13))
        for k in range(MAX_REMINDERS):
            when = _between(rng, max(start, at(day, 8)), min(end, at(day + dt.timedelta(days=2), 17)))
            owed = _owed_on(inv, when.date())
            if when.date() > ctx.window_end or owed <= 0:
                break
            kind = "EMAIL" if k == 0 or rng.random() < 0.6 else "CALL"
            subject = (f"Reminder: {inv.number} past due" if kind == "EMAIL"
                       else f"Collections call: {inv.number} past due")
            notes = (f"{inv.number} for ${inv.total:,.2f} was due {inv.due:%b %d, %Y};"
                     f" ${owed:,.2f} still open.")
            items.append((when, inv.client["id"], kind, subject, notes, clerk))
            day = when.date() + dt.timedelta(days=rng.randint(*REMINDER_GAP_DAYS))
    return items


def _account_reviews(ctx, rng) -> list[tuple]:
    """A quarterly meeting with each whale about the orders since the last one."""
    manager = staff_with_job(ctx, "Sales Manager")[0]["id"]
    items = []
    for client_id, sales in sorted(_sales_of(ctx.dataset(trade).orders).items()):
        if not is_whale(sales[0].client):
            continue
        since = at(ctx.window_start, 0)
        while since <= _end(ctx):
            period = [o for o in sales if since <= o.created < since + dt.timedelta(days=REVIEW_EVERY_DAYS)]
            since += dt.timedelta(days=REVIEW_EVERY_DAYS)
            if not period:
                continue
            last = period[-1]
            when = _between(rng, last.created + dt.timedelta(hours=2),
                            min(_end(ctx), last.created + dt.timedelta(days=10)))
            subject = f"Account review: {len(period)} orders, {period[0].number} to {last.number}"
            total = sum((o.total for o in period), ZERO)
            items.append((when, client_id, "MEETING", subject,
                          f"Reviewed ${total:,.2f} of orders and the next month's menu.", manager))
    return items


def _payment_plans(ctx, rng) -> list[tuple]:
    """A meeting about a payment plan with each client whose debt is more than
    PAYMENT_PLAN_DAYS past due at the window's end."""
    end = ctx.window_end
    controller = staff_with_job(ctx, "Controller")[0]["id"]
    late: dict[int, list] = defaultdict(list)
    for inv in ctx.dataset(books).invoices:
        if inv.total > inv.paid and (end - inv.due).days > PAYMENT_PLAN_DAYS:
            late[inv.client["id"]].append(inv)
    items = []
    for client_id, invoices in sorted(late.items()):
        invoices.sort(key=lambda i: i.due)
        owed = sum((i.total - i.paid for i in invoices), ZERO)
        when = business_moment(rng, end - dt.timedelta(days=20), end)
        numbers = ", ".join(i.number for i in invoices[:3]) + (" and more" if len(invoices) > 3 else "")
        items.append((when, client_id, "MEETING", f"Payment plan: {numbers}",
                      f"${owed:,.2f} past due; agreed weekly payments until cleared.", controller))
    return items


# =========================================================================== needs and matches
NEEDS_PER_BUYER_MONTH = 0.4
FULFILLED_SHARE = 0.35
GENERIC_SHARE = 0.2    # needs for any strain of a type in a tier
ANY_TYPE_SHARE = 0.3   # of those, any type at all
EXPIRY_DAYS = [30, 45, 60]
CANCEL_SHARE = 0.3
PRIORITIES = [("LOW", 0.20), ("MEDIUM", 0.45), ("HIGH", 0.25), ("URGENT", 0.10)]
MAX_MATCHES = 3
UNFULFILLED_ACTIONS = [("NONE", 0.40), ("DISMISSED", 0.30), ("CREATED_QUOTE", 0.20), ("CONTACTED_VENDOR", 0.10)]
CANCEL_NOTES = ["Client sourced it elsewhere", "Client paused buying", "Price gap too wide"]


@dataclass(slots=True)
class Match:
    kind: str                       # EXACT, CLOSE, HISTORICAL
    confidence: Decimal
    reasons: list[str]
    created: dt.datetime
    batch: Batch | None = None
    offer: dict | None = None       # a vendor_supply row
    history: Order | None = None    # the earlier order of a HISTORICAL match
    action: str = "NONE"
    actioned: dt.datetime | None = None
    by: int | None = None
    sale: Order | None = None


@dataclass(slots=True)
class Need:
    client: dict
    created: dt.datetime
    by: int
    product: Product | None         # the catalog product asked for; None: any strain of the type
    strain: dict | None
    strain_type: str
    tier: str
    grade: str | None
    qty_min: Decimal
    qty_max: Decimal
    price_max: Decimal
    priority: str
    expires: dt.datetime
    status: str = "ACTIVE"
    order: Order | None = None      # the sale that fulfilled it
    updated: dt.datetime | None = None
    cancel_note: str | None = None
    needed_by: dt.date | None = None
    matches: list[Match] = field(default_factory=list)
    id: int = 0


def _strain_type(strain: dict | None) -> str:
    kind = strain_type(strain).upper() if strain else ""
    return kind if kind in STRAIN_TYPES else "ANY"


def needs(ctx) -> list[Need]:
    """Buy requests: about a third placed shortly before the sale that filled
    them, the rest at random moments, filled if the client then bought what it
    asked for, else active, expired or cancelled as their dates say."""
    rng = ctx.rng
    orders = ctx.dataset(trade).orders
    strains = {s["id"]: s for s in ctx.rows("strains")}
    sales = _sales_of(orders)
    total = max(6, round(len(_buyers(ctx)) * ctx.scenario.months * NEEDS_PER_BUYER_MONTH))
    used: set[int] = set()
    found = _needs_from_sales(ctx, rng, orders, strains, round(total * FULFILLED_SHARE), used)
    rep_of, flower = _rep_of(ctx), [p for p in ctx.dataset(catalog) if p.tier]
    clients = [(c, 3.0 if is_whale(c) else 1.0) for c in _buyers(ctx)]
    clients_total = weight_total(clients)
    for _ in range(total - len(found)):
        need = _random_need(ctx, rng, strains, sales, rep_of, flower, clients, clients_total)
        _settle(ctx, rng, need, sales.get(need.client["id"], []), used, strains)
        found.append(need)
    found.sort(key=lambda n: (n.created, n.client["id"]))
    stk = ctx.dataset(stock)
    shelf = _FlowerShelf(stk, {sid: _strain_type(s) for sid, s in strains.items()})
    offers = ByDay((o, o["created_at"].date(), _offer_closes(o))
                   for o in ctx.rows("vendor_supply") if o["subcategory"] is not None)
    for n, need in enumerate(found, start=1):
        need.id = ctx.id(n)
        need.needed_by = _needed_by(ctx, rng, need)
        client_sales = sales.get(need.client["id"], [])
        need.matches = _matches(ctx, rng, need, stk, offers, client_sales, strains, shelf)
        _act_on_matches(ctx, rng, need)
    return found


def _qty_range(rng, around: Decimal) -> tuple[Decimal, Decimal]:
    low = max(QUARTER, _floor_to(around * Decimal(str(rng.uniform(0.5, 0.9))), QUARTER))
    high = max(low, _floor_to(around * Decimal(str(rng.uniform(1.0, 1.6))) + QUARTER - Q4, QUARTER))
    return low.quantize(Q4), high.quantize(Q4)


def _expiry(rng, created: dt.datetime) -> dt.datetime:
    return _end_of(created.date() + dt.timedelta(days=pick(rng, EXPIRY_DAYS)))


def _needs_from_sales(ctx, rng, orders, strains, count: int, used: set[int]) -> list[Need]:
    """Needs that a sale then fulfilled: placed up to ten days before it, for the
    strain, tier and about the quantity of one of its flower lines."""
    start = at(ctx.window_start, 8)
    candidates = [o for o in _sales(orders) if o.created > start + dt.timedelta(days=1)
                  and any(l.batch.product.tier for l in o.lines)]
    found = []
    for order in sorted(rng.sample(candidates, min(count, len(candidates))), key=lambda o: o.id):
        line = pick(rng, [l for l in order.lines if l.batch.product.tier])
        product = line.batch.product
        created = _between(rng, max(start, order.created - dt.timedelta(days=10)),
                           order.created - dt.timedelta(hours=1))
        low, high = _qty_range(rng, line.qty)
        need = Need(order.client, created, order.rep, product, strains[product.strain_id],
                    _strain_type(strains[product.strain_id]), product.tier,
                    line.batch.grade if rng.random() < 0.6 else None, low, high,
                    q2(line.unit_price * Decimal(str(rng.uniform(1.0, 1.12)))),
                    weighted(rng, PRIORITIES), _expiry(rng, created))
        _fulfil(need, order, used)
        found.append(need)
    return found


def _random_need(ctx, rng, strains, sales, rep_of, flower, clients, clients_total) -> Need:
    """A need at a random moment, often for something the client buys (a whale three
    times as often: ``clients``, weighted, and their ``weight_total``)."""
    client = weighted(rng, clients, clients_total)
    bought = [l.batch.product for o in sales.get(client["id"], []) for l in o.lines if l.batch.product.tier]
    product = pick(rng, bought) if bought and rng.random() < 0.5 else pick(rng, flower)
    strain = strains[product.strain_id]
    created = business_moment(rng, ctx.window_start, ctx.window_end)
    around = Decimal(str(round(rng.uniform(10, 50) if is_whale(client) else rng.uniform(2, 15), 2)))
    low, high = _qty_range(rng, around)
    cogs = next(c for t, c, _w in GROW_TIERS if t == product.tier)
    need = Need(client, created, rep_of[client["id"]], product, strain, _strain_type(strain),
                product.tier, weighted(rng, GRADES) if rng.random() < 0.6 else None, low, high,
                q2(cogs / LIST_MARGIN * Decimal(str(rng.uniform(0.92, 1.15)))),
                weighted(rng, PRIORITIES), _expiry(rng, created))
    if rng.random() < GENERIC_SHARE:  # any strain of a type (or any at all) in the tier
        need.product, need.strain = None, None
        need.strain_type = "ANY" if rng.random() < ANY_TYPE_SHARE else need.strain_type
    return need


def _wants(need: Need, batch: Batch, strains) -> bool:
    """Whether a batch is what the need asks for: strain (or type), tier, grade."""
    product = batch.product
    if product.tier != need.tier or (need.grade and batch.grade != need.grade):
        return False
    if need.strain:
        return product.strain_id == need.strain["id"]
    return need.strain_type == "ANY" or _strain_type(strains[product.strain_id]) == need.strain_type


def _fulfil(need: Need, order: Order, used: set[int]) -> None:
    need.status, need.order, need.updated = "FULFILLED", order, order.created
    used.add(order.id)


def _settle(ctx, rng, need: Need, client_sales: list[Order], used: set[int], strains) -> None:
    """Fulfilled by the client's first later sale of what it asked for, before the
    need expired; else active, cancelled or expired as its dates say."""
    horizon = min(need.expires, _end(ctx))
    for order in client_sales:
        if need.created + dt.timedelta(hours=1) <= order.created <= horizon and order.id not in used \
                and any(_wants(need, l.batch, strains) for l in order.lines):
            _fulfil(need, order, used)
            return
    if need.expires > _end(ctx):
        need.status, need.updated = "ACTIVE", need.created
    elif rng.random() < CANCEL_SHARE:
        need.status, need.cancel_note = "CANCELLED", pick(rng, CANCEL_NOTES)
        need.updated = _between(rng, need.created + dt.timedelta(days=1), need.expires - dt.timedelta(days=1))
    else:
        need.status, need.updated = "EXPIRED", need.expires


def _needed_by(ctx, rng, need: Need) -> dt.date | None:
    """A deadline inside the need's life and the window (None: no deadline)."""
    if rng.random() < 0.3:
        return None
    days = rng.randint(3, 7) if need.priority == "URGENT" else rng.randint(7, 30)
    day = need.created.date() + dt.timedelta(days=days)
    if need.order:
        day = max(day, need.order.created.date())
    return day if day <= min(ctx.window_end, need.expires.date()) else None


def _what(need: Need) -> str:
    if need.strain:
        return need.strain["name"]
    return "any strain" if need.strain_type == "ANY" else f"any {need.strain_type.lower()}"


def _answer(need: Need, strain: str | None, kind: str | None, tier: str) -> int:
    """The points an offer of ``strain`` (of type ``kind``) in ``tier`` earns for what it
    is: 50 for the strain asked for, 45 for the type asked for when no strain is, 20 for
    another strain of the same type and tier; 0 when it does not answer the need."""
    if need.strain and strain == need.strain["name"]:
        return 50
    if need.strain is None and need.strain_type in ("ANY", kind):
        return 45
    if need.strain and kind == need.strain_type and tier == need.tier:
        return 20
    return 0


def _points(need: Need, answer: int, tier: str, grade: str | None, price: Decimal, qty: Decimal) -> int:
    """_score's points, without the reasons it writes: to rank many offers quickly."""
    return answer + 20 * (tier == need.tier) + 15 * (need.grade is None or grade == need.grade) \
        + 10 * (price <= need.price_max) + 5 * (qty >= need.qty_min)


def _score(need: Need, strain: str | None, kind: str | None, tier: str, grade: str | None,
           price: Decimal, qty: Decimal) -> tuple[str, int, list[str]] | None:
    """How well an offer (a batch or a vendor's) answers the need: (EXACT or CLOSE,
    points out of 100, reasons), or None when it does not answer it at all."""
    points = _answer(need, strain, kind, tier)
    if points == 50:
        reasons, same = [f"Strain match: {strain}"], True
    elif points == 45:
        reasons, same = [f"Type match: {(kind or 'any').lower()}"], True
    elif points == 20:
        reasons, same = [f"Same type ({kind.lower()}) as {need.strain['name']}: {strain}"], False
    else:
        return None
    if tier == need.tier:
        points += 20
        reasons.append(f"Grow tier: {tier}")
    else:
        reasons.append(f"Different tier: {tier} (asked {need.tier})")
    grade_ok, price_ok = need.grade is None or grade == need.grade, price <= need.price_max
    if grade_ok:
        points += 15
        reasons.append(f"Grade {grade or 'ungraded'} accepted")
    else:
        reasons.append(f"Grade {grade} (asked {need.grade})")
    if price_ok:
        points += 10
        reasons.append(f"${price:,.2f}/lb within max ${need.price_max:,.2f}/lb")
    else:
        reasons.append(f"${price:,.2f}/lb over max ${need.price_max:,.2f}/lb")
    if qty >= need.qty_min:
        points += 5
        reasons.append(f"{_qty_text(qty)} lb available")
    exact = same and tier == need.tier and grade_ok and price_ok
    return ("EXACT" if exact else "CLOSE"), points, reasons


def _confidence(rng, kind: str, points: int) -> Decimal:
    if kind == "EXACT":
        return q2(min(99.5, points - rng.uniform(0, 6)))
    if kind == "CLOSE":
        return q2(points * rng.uniform(0.65, 0.85))
    return q2(rng.uniform(40, 75))


def _offer_open(offer: dict, moment: dt.datetime) -> bool:
    """Whether a vendor's offer was on the table at ``moment``."""
    return offer["created_at"] <= moment and offer["subcategory"] is not None \
        and (offer["purchased_at"] is None or offer["purchased_at"] > moment) \
        and (offer["available_until"] is None or offer["available_until"] >= moment)


def _offer_closes(offer: dict) -> dt.date | None:
    """The last day a vendor's offer may be on the table (None: it still is)."""
    ends = [m for m in (offer["purchased_at"], offer["available_until"]) if m is not None]
    return min(ends).date() if ends else None


class _FlowerShelf:
    """The flower on the shelf, by strain, by type and by type and tier, a day at a
    time (the needs come in time order), to find what may answer a need without
    looking at every batch."""

    def __init__(self, stk, kinds: dict[int, str]):
        """``kinds``: each strain's type, by strain id."""
        self.stk, self.day = stk, None
        # what _score is told of each flower batch but its stock, by batch id
        self.facts_of = {b.id: (b.product.strain_name, kinds[b.product.strain_id], b.product.tier, b.grade,
                                list_price(b)) for b in stk.batches if b.product.tier is not None}

    def _index(self, day: dt.date) -> None:
        self.day = day
        self.all, self.part_time = self.stk.shelf_on(day, flower_only=True)
        self.by_strain: dict[str, list[Batch]] = defaultdict(list)
        self.by_type: dict[str, list[Batch]] = defaultdict(list)
        self.by_type_tier: dict[tuple[str, str], list[Batch]] = defaultdict(list)
        for b in self.all:
            strain, kind, tier = self.facts_of[b.id][:3]
            self.by_strain[strain].append(b)
            self.by_type[kind].append(b)
            self.by_type_tier[kind, tier].append(b)

    def candidates(self, need: Need) -> list[Batch]:
        """The batches sellable when the need was created that may answer it (see
        _answer): of the strain asked for or of its type and tier; of the type asked
        for when no strain is; any batch when no type is either."""
        if need.created.date() != self.day:
            self._index(need.created.date())
        if need.strain:
            name = need.strain["name"]
            found = self.by_strain.get(name, []) + [
                b for b in self.by_type_tier.get((need.strain_type, need.tier), []) if self.facts_of[b.id][0] != name]
        else:
            found = self.all if need.strain_type == "ANY" else self.by_type.get(need.strain_type, [])
        return [b for b in found if b.id not in self.part_time or self.stk.sellable(b, need.created)]


def _matches(ctx, rng, need: Need, stk, offers: ByDay[dict], client_sales, strains,
             shelf: _FlowerShelf) -> list[Match]:
    """The matching engine's run when the need was created: the best live batches
    and open vendor offers, and the client's last purchase of the same thing."""
    moment = _minutes(rng, need.created, 1, 20, _end(ctx))
    scored = []  # (-points, batch id, offer id, batch, offer, what _score is told of it), ranked first
    facts_of = shelf.facts_of
    for batch in shelf.candidates(need):  # in no set order: they are ranked by points, then ids
        strain, kind, tier, grade, price = facts = facts_of[batch.id]
        answer = _answer(need, strain, kind, tier)
        if answer:
            qty = stk.on_hand(batch, need.created)
            points = _points(need, answer, tier, grade, price, qty)
            scored.append((-points, batch.id, 0, batch, None, facts + (qty,)))
    for offer in offers.around(need.created.date()):
        if _offer_open(offer, need.created):
            facts = (offer["strain"], offer["strain_type"], offer["subcategory"], offer["grade"],
                     offer["unit_price"], offer["quantity_available"])
            answer = _answer(need, *facts[:3])
            if answer:
                scored.append((-_points(need, answer, *facts[2:]), 0, offer["id"], None, offer, facts))
    scored.sort(key=lambda s: s[:3])
    chosen = scored[:MAX_MATCHES]
    sold = {l.batch.id for l in need.order.lines} if need.order else set()
    chosen += [s for s in scored[MAX_MATCHES:] if s[3] and s[3].id in sold][:1]
    matches = []
    for *_rank, batch, offer, facts in chosen:
        kind, points, reasons = _score(need, *facts)
        if offer:
            reasons.append(f"Vendor offer: {offer['product_name']}")
        matches.append(Match(kind, _confidence(rng, kind, points), reasons, moment, batch=batch, offer=offer))
    history = _historical(need, client_sales, strains)
    if history:
        order, line = history
        live = line.batch if stk.sellable(line.batch, need.created) else None
        matches.append(Match("HISTORICAL", _confidence(rng, "HISTORICAL", 0),
                             [f"Bought {line.batch.product.name} on {order.number} ({order.created:%Y-%m-%d})",
                              f"{_qty_text(line.qty)} lb at ${line.unit_price:,.2f}/lb"],
                             moment, batch=live, history=order))
    return matches


def _historical(need: Need, client_sales: list[Order], strains):
    """The client's last earlier sale with a line of what the need asks for."""
    for order in reversed(client_sales):
        if order.created < need.created:
            for line in order.lines:
                same_strain = need.strain and line.batch.product.strain_id == need.strain["id"]
                if line.batch.product.tier and (same_strain or _wants(need, line.batch, strains)):
                    return order, line
    return None


def _act_on_matches(ctx, rng, need: Need) -> None:
    """What the rep did with each match: the one behind the sale that filled the
    need led to it; the others were dismissed, quoted, passed to a vendor or left."""
    end = _end(ctx)
    closed = end if need.status == "ACTIVE" else need.updated
    winner = None
    if need.order:
        sold = {l.batch.id for l in need.order.lines}
        winner = next((m for m in need.matches if m.batch and m.batch.id in sold), None) or \
            (need.matches[0] if need.matches else None)
    for match in need.matches:
        if match is winner:
            match.action = "CONTACTED_VENDOR" if match.offer else "CREATED_QUOTE"
            match.actioned = _between(rng, match.created + dt.timedelta(minutes=1),
                                      need.order.created - dt.timedelta(minutes=1))
            match.sale = need.order
        else:
            action = "DISMISSED" if need.order and rng.random() < 0.5 else weighted(rng, UNFULFILLED_ACTIONS)
            if action == "CONTACTED_VENDOR" and not match.offer:
                action = "CREATED_QUOTE"
            elif action == "CREATED_QUOTE" and match.offer:
                action = "CONTACTED_VENDOR"
            match.action = action
            if action != "NONE":
                latest = min(closed, match.created + dt.timedelta(days=3))
                match.actioned = _between(rng, match.created + dt.timedelta(minutes=1), latest)
        match.by = need.by if match.actioned else None


def client_needs(ctx):
    rows = []
    for need in ctx.dataset(needs):
        amount = f"{_qty_text(need.qty_min)}-{_qty_text(need.qty_max)} lb"
        internal = (f"Filled on {need.order.number}" if need.order else
                    f"Cancelled: {need.cancel_note}" if need.cancel_note else
                    "Whale account: check new intake first" if is_whale(need.client) else None)
        rows.append({
            "id": need.id, "client_id": need.client["id"],
            "strain": need.strain["name"] if need.strain else None,
            "product_name": need.product.name if need.product else None,
            "strainId": need.strain["id"] if need.strain else None, "strain_type": need.strain_type,
            "category": "Flower", "subcategory": need.tier, "grade": need.grade,
            "quantity_min": need.qty_min, "quantity_max": need.qty_max, "price_max": need.price_max,
            "status": need.status, "priority": need.priority, "needed_by": need.needed_by,
            "expires_at": need.expires,
            "fulfilled_at": need.order.created if need.order else None,
            "notes": f"Looking for {amount} of {_what(need)} ({need.tier.lower()},"
                     f" {need.grade or 'any grade'}), up to ${need.price_max:,.2f}/lb",
            "internal_notes": internal, "created_at": need.created, "updated_at": need.updated,
            "created_by": need.by,
        })
    return rows


def match_records(ctx):
    rows = []
    for need in ctx.dataset(needs):
        for m in need.matches:
            rows.append({
                "id": ctx.id(len(rows) + 1), "client_need_id": need.id, "client_id": need.client["id"],
                "inventory_batch_id": m.batch.id if m.batch else None,
                "vendor_supply_id": m.offer["id"] if m.offer else None,
                "historical_order_id": m.history.id if m.history else None,
                "match_type": m.kind, "confidence_score": m.confidence, "match_reasons": m.reasons,
                "user_action": m.action, "actioned_at": m.actioned, "actioned_by": m.by,
                "resulted_in_sale": m.sale is not None, "sale_order_id": m.sale.id if m.sale else None,
                "created_at": m.created,
            })
    return rows


def order_needs(ctx):
    """orders.client_need_id of the sales that fulfilled a need (linked when the
    order was placed, so its updated_at stays)."""
    updated = {row["id"]: row["updated_at"] for row in ctx.rows("orders")}
    return [{"id": need.order.id, "client_need_id": need.id, "updated_at": updated[need.order.id]}
            for need in ctx.dataset(needs) if need.order]


# =========================================================================== the VIP portal
REGULAR_PORTAL_SHARE = 0.3
NEVER_LOGGED_IN_SHARE = 0.1          # of regulars with a portal: invited, never came
LOGINS_PER_WEEK = {True: 2.5, False: 1.0}  # whale: logins a week
LIVE_CATALOG_SHARE = {True: 0.9, False: 0.6}
PRICE_ALERTS_SHARE = 0.7            # of regulars with the live catalog (whales: all)
CONFIG_TWEAK_SHARE = 0.3
DISABLED_PASSWORD = "!disabled-seed-account"  # not a hash: no password can match it


@dataclass(slots=True)
class Portal:
    client: dict
    whale: bool
    enabled: dt.datetime
    live_catalog: bool
    price_alerts: bool
    logins: list[dt.datetime]


def portal(ctx) -> list[Portal]:
    """Every whale and about a third of the regular buyers get the VIP portal in
    the first part of the window; then they log in, whales more often."""
    rng = ctx.rng
    span = (ctx.window_end - ctx.window_start).days
    buyers = _buyers(ctx)
    regulars = [c for c in buyers if not is_whale(c)]
    chosen = {c["id"] for c in regulars if rng.random() < REGULAR_PORTAL_SHARE}
    if regulars and not chosen:
        chosen.add(pick(rng, regulars)["id"])
    found = []
    for client in buyers:
        whale = is_whale(client)
        if not whale and client["id"] not in chosen:
            continue
        enabled = business_moment(rng, ctx.window_start,
                                  ctx.window_start + dt.timedelta(days=max(3, span // (4 if whale else 2))))
        live = rng.random() < LIVE_CATALOG_SHARE[whale]
        alerts = live and (whale or rng.random() < PRICE_ALERTS_SHARE)
        active = whale or rng.random() >= NEVER_LOGGED_IN_SHARE
        found.append(Portal(client, whale, enabled, live, alerts,
                            _logins(ctx, rng, enabled, LOGINS_PER_WEEK[whale]) if active else []))
    return found


def _logins(ctx, rng, enabled: dt.datetime, per_week: float) -> list[dt.datetime]:
    """Logins from shortly after the invitation to an hour before the window's end."""
    last = _end(ctx) - dt.timedelta(hours=1)
    first = _between(rng, enabled + dt.timedelta(hours=1), min(last, enabled + dt.timedelta(days=2)))
    logins, week = {first}, first
    while week < last:
        for _ in range(4):
            if rng.random() < per_week / 4:
                logins.add(_between(rng, week, min(last, week + dt.timedelta(days=7))))
        week += dt.timedelta(days=7)
    return sorted(l for l in logins if l <= last)


def _catalog_users(ctx) -> list[Portal]:
    return [p for p in ctx.dataset(portal) if p.live_catalog and p.logins]


def vip_portal_configurations(ctx):
    rng, end = ctx.rng, _end(ctx)
    categories = {row["name"]: row["id"] for row in ctx.rows("categories")}
    sold = sorted({p.category for p in ctx.dataset(catalog)})
    rows = []
    for n, p in enumerate(ctx.dataset(portal), start=1):
        visible = sorted(categories[c] for c in sold if c in categories and (p.whale or c == "Flower"))
        updated = _between(rng, p.enabled, end) if rng.random() < CONFIG_TWEAK_SHARE else p.enabled
        rows.append({
            "id": ctx.id(n), "client_id": p.client["id"], "module_dashboard_enabled": True,
            "module_live_catalog_enabled": p.live_catalog, "module_ar_enabled": True,
            "module_ap_enabled": p.client["is_seller"], "module_transaction_history_enabled": True,
            "module_vip_tier_enabled": p.whale, "module_credit_center_enabled": p.whale or rng.random() < 0.5,
            "module_marketplace_needs_enabled": True,
            "module_marketplace_supply_enabled": p.client["is_seller"],
            "features_config": _features(p, visible),
            "advanced_options": {
                "transactionHistoryLimit": "ALL" if p.whale else "12_MONTHS",
                "defaultNeedsExpiration": "1_MONTH", "defaultSupplyExpiration": "1_WEEK",
                "priceInputType": pick(rng, ["SINGLE", "RANGE", "BOTH"]),
            },
            "created_at": p.enabled, "updated_at": updated,
        })
    return rows


def _features(p: Portal, visible_categories: list[int]) -> dict:
    """features_config in TERP's shape: one object per module."""
    features = {
        "dashboard": {"showGreeting": True, "showCurrentBalance": True, "showYtdSpend": True,
                      "showQuickLinks": True},
        "ar": {"showSummaryTotals": True, "showInvoiceDetails": True, "allowPdfDownloads": True,
               "highlightOverdue": True},
        "transactionHistory": {"showAllTypes": True, "allowDateFilter": True, "allowTypeFilter": True,
                               "allowStatusFilter": True, "showDetails": True, "allowPdfDownloads": p.whale},
        "marketplaceNeeds": {"allowCreate": True, "showActiveListings": True, "allowEdit": True,
                             "allowCancel": True, "showTemplates": False, "requireExpiration": True},
    }
    if p.whale:
        features["vipTier"] = {"showBadge": True, "showRequirements": True, "showRewards": True,
                               "showProgress": True, "showRecommendations": False}
    if p.live_catalog:
        features["liveCatalog"] = {"visibleCategories": visible_categories, "showQuantity": True,
                                   "showBrand": True, "showGrade": True, "showDate": False,
                                   "showBasePrice": False, "showMarkup": False,
                                   "enablePriceAlerts": p.price_alerts}
    return features


def vip_portal_auth(ctx):
    """One login per portal client; no password, token or SSO id that could be used."""
    rows, seen = [], set()
    for n, p in enumerate(ctx.dataset(portal), start=1):
        email = f"buyer@{slug(p.client['name'], '')}.example"
        if email in seen:
            email = email.replace("@", f"{n}@")
        seen.add(email)
        last = p.logins[-1] if p.logins else None
        rows.append({
            "id": ctx.id(n), "client_id": p.client["id"], "email": email,
            "password_hash": DISABLED_PASSWORD, "google_id": None, "microsoft_id": None,
            "session_token": None, "session_expires_at": None, "reset_token": None,
            "reset_token_expires_at": None, "last_login_at": last, "login_count": len(p.logins),
            "created_at": p.enabled, "updated_at": last or p.enabled,
        })
    return rows


def client_portal(ctx):
    """clients.vip_portal_enabled and vip_portal_last_login of the portal clients;
    updated_at moves to the last login when that is later than the row's."""
    updated = {row["id"]: row["updated_at"] for row in ctx.rows("clients")}
    rows = []
    for p in ctx.dataset(portal):
        last = p.logins[-1] if p.logins else None
        rows.append({"id": p.client["id"], "vip_portal_enabled": True, "vip_portal_last_login": last,
                     "updated_at": max(updated[p.client["id"]], last or p.enabled)})
    return rows


# =========================================================================== the live catalog
VIEW_TWEAK_SHARE = 0.3
BUDGET_PRICE_MAX = 1200


def client_catalog_views(ctx):
    """One to three saved filters per live-catalog client, saved in early sessions."""
    rng = ctx.rng
    brands = {row["id"]: row["name"] for row in ctx.rows("brands")}
    sales = _sales_of(ctx.dataset(trade).orders)
    rows = []
    for p in _catalog_users(ctx):
        options = _view_options(p, sales.get(p.client["id"], []), brands)
        count = min(len(options), rng.randint(1, 3 if p.whale else 2))
        early = p.logins[: max(1, len(p.logins) // 3)]
        for name, filters in rng.sample(options, count):
            created = _minutes(rng, pick(rng, early), 2, 30, _end(ctx))
            later = [l for l in p.logins if l > created]
            updated = _minutes(rng, pick(rng, later), 2, 30, _end(ctx)) \
                if later and rng.random() < VIEW_TWEAK_SHARE else created
            rows.append({"client_id": p.client["id"], "name": name, "filters": filters,
                         "created_at": created, "updated_at": updated})
    rows.sort(key=lambda r: (r["created_at"], r["client_id"]))
    return [{"id": ctx.id(n), **row} for n, row in enumerate(rows, start=1)]


def _view_options(p: Portal, sales: list[Order], brands: dict[int, str]) -> list[tuple[str, dict]]:
    """Saved filters in TERP's shape, from what the client buys."""
    flower = {l.batch.product.id: l.batch.product for o in sales for l in o.lines if l.batch.product.tier}
    counts = Counter(l.batch.product.id for o in sales for l in o.lines if l.batch.product.tier)
    options = [("Top shelf flower", {"category": "Flower", "grade": ["A"], "stockLevel": "in_stock"}),
               ("Budget flower", {"category": "Flower", "priceMax": BUDGET_PRICE_MAX, "stockLevel": "in_stock"}),
               ("Running low", {"category": "Flower", "stockLevel": "low_stock"})]
    if counts:
        product = flower[counts.most_common(1)[0][0]]
        options.append((f"{brands[product.brand_id]} flower",
                        {"category": "Flower", "brand": [brands[product.brand_id]], "stockLevel": "in_stock"}))
        options.append((f"{product.strain_name} search", {"search": product.strain_name, "stockLevel": "all"}))
    if p.whale:
        options.append(("Prerolls", {"category": "Manufactured Products", "search": "Preroll",
                                     "stockLevel": "in_stock"}))
    return options


def _shelf(stk, moment: dt.datetime, flower_only: bool = False) -> list[Batch]:
    return stk.offerable(moment, flower_only=flower_only)


DRAFT_SHARE = 0.7


def client_draft_interests(ctx):
    """Batches live-catalog clients picked in their sessions after their last
    submitted interest list: still drafts at the window's end."""
    rng, end = ctx.rng, _end(ctx)
    stk = ctx.dataset(stock)
    last_list = {}
    for lst in ctx.dataset(interests):
        last_list[lst.client["id"]] = lst.submitted
    rows = []
    for p in _catalog_users(ctx):
        after = [l for l in p.logins if l > last_list.get(p.client["id"], dt.datetime.min)]
        if not after or rng.random() >= DRAFT_SHARE:
            continue
        picked = set()
        for login in after[-2:]:
            moment = _minutes(rng, login, 2, 40, end)
            shelf = [b for b in _shelf(stk, moment) if b.id not in picked]
            for batch in rng.sample(shelf, min(len(shelf), rng.randint(1, 4))):
                picked.add(batch.id)
                rows.append({"client_id": p.client["id"], "batch_id": batch.id,
                             "added_at": _minutes(rng, moment, 0, 5, end)})
    rows.sort(key=lambda r: (r["added_at"], r["client_id"], r["batch_id"]))
    return [{"id": ctx.id(n), **row} for n, row in enumerate(rows, start=1)]


ALERT_CHANCE = {True: 0.15, False: 0.2}   # per session: about two alerts a month
ALERT_DAYS = 30                            # TERP expires an alert after 30 days


def client_price_alerts(ctx):
    """Clients with price alerts watch live flower batches for a price a bit
    under list; an alert fires when the batch sells at or under the target."""
    rng, end = ctx.rng, _end(ctx)
    stk = ctx.dataset(stock)
    prices = _line_prices(ctx.dataset(trade).orders)
    rows = []
    for p in (p for p in _catalog_users(ctx) if p.price_alerts):
        watched = set()
        for login in p.logins:
            if rng.random() >= ALERT_CHANCE[p.whale]:
                continue
            created = _minutes(rng, login, 2, 40, end)
            shelf = [b for b in _shelf(stk, created, flower_only=True) if b.id not in watched]
            if not shelf:
                continue
            batch = pick(rng, shelf)
            watched.add(batch.id)
            target = q2(list_price(batch) * Decimal(str(rng.uniform(0.85, 0.95))))
            expires = created + dt.timedelta(days=ALERT_DAYS)
            fired = next((when for when, price in prices.get(batch.id, [])
                          if created < when <= min(expires, end) and price <= target), None)
            rows.append({"client_id": p.client["id"], "batch_id": batch.id, "target_price": target,
                         "active": fired is None and expires > end, "triggered_at": fired,
                         "created_at": created, "expires_at": expires})
    rows.sort(key=lambda r: (r["created_at"], r["client_id"]))
    return [{"id": ctx.id(n), **row} for n, row in enumerate(rows, start=1)]


def _line_prices(orders: list[Order]) -> dict[int, list[tuple[dt.datetime, Decimal]]]:
    """When each batch sold and at what unit price, in time order."""
    prices: dict[int, list] = defaultdict(list)
    for order in sorted(_sales(orders), key=lambda o: (o.created, o.id)):
        for line in order.lines:
            prices[line.batch.id].append((order.created, line.unit_price))
    return prices


# =========================================================================== interest lists
LIST_BEFORE_SALE = 0.15                    # of a catalog client's sales, announced by a list
LIST_CHANCE = {True: 0.12, False: 0.08}    # per session, lists that led to no order
ARCHIVE_NOTES = ["Stock sold before follow-up", "Client bought elsewhere", "Client asked to hold off"]
REVIEW_NOTES = [None, "Sent a quote by text", "Called the buyer to confirm quantities"]


@dataclass(slots=True)
class InterestList:
    client: dict
    submitted: dt.datetime
    items: list[tuple[Batch, Decimal, Decimal]]   # batch, price, quantity
    rep: int
    status: str = "NEW"
    reviewed: dt.datetime | None = None
    order: Order | None = None
    updated: dt.datetime | None = None
    notes: str | None = None
    id: int = 0

    @property
    def total(self) -> Decimal:
        return sum((q2(price * qty) for _b, price, qty in self.items), ZERO)


def interests(ctx) -> list[InterestList]:
    """Interest lists from live-catalog clients' sessions: some right before a
    sale of the same batches (converted into it), the others reviewed, archived
    or still new as their age says."""
    rng = ctx.rng
    stk = ctx.dataset(stock)
    sales = _sales_of(ctx.dataset(trade).orders)
    rep_of = _rep_of(ctx)
    lists: list[InterestList] = []
    for p in _catalog_users(ctx):
        used: set[dt.datetime] = set()
        lists += _lists_before_sales(ctx, rng, stk, p, sales.get(p.client["id"], []), used)
        for login in p.logins:
            if login not in used and rng.random() < LIST_CHANCE[p.whale]:
                lst = _open_list(ctx, rng, stk, p, login, rep_of[p.client["id"]])
                if lst:
                    lists.append(lst)
    lists.sort(key=lambda l: (l.submitted, l.client["id"]))
    for n, lst in enumerate(lists, start=1):
        lst.id = ctx.id(n)
    return lists


def _items(rng, stk, batches: list[Batch], moment: dt.datetime, whale: bool,
           wanted: dict[int, Decimal] | None = None) -> list[tuple[Batch, Decimal, Decimal]]:
    """Each batch at about its list price, for a quantity it had on hand."""
    items = []
    for batch in batches:
        step = _step(batch.product)
        if wanted and batch.id in wanted:
            qty = wanted[batch.id]
        elif step == QUARTER:
            qty = Decimal(str(round(rng.uniform(5, 40) if whale else rng.uniform(1, 10), 2)))
        else:
            qty = Decimal(rng.randrange(50, 500, 10))
        qty = _floor_to(min(qty, stk.on_hand(batch, moment)), step)
        if qty > 0:
            price = q2(list_price(batch) * Decimal(str(rng.uniform(0.97, 1.03))))
            items.append((batch, price, q2(qty)))
    return items


def _lists_before_sales(ctx, rng, stk, p: Portal, sales: list[Order], used: set) -> list[InterestList]:
    found = []
    for order in sales:
        # the sessions of the five days before it (p.logins is in time order)
        lo = bisect_left(p.logins, order.created - dt.timedelta(days=5))
        hi = bisect_right(p.logins, order.created - dt.timedelta(hours=1))
        sessions = [l for l in p.logins[lo:hi] if l not in used]
        if not sessions or rng.random() >= LIST_BEFORE_SALE:
            continue
        submitted = _minutes(rng, sessions[-1], 2, 25, order.created - dt.timedelta(minutes=30))
        batches = [l.batch for l in order.lines if stk.sellable(l.batch, submitted)]
        items = _items(rng, stk, batches, submitted, p.whale, {l.batch.id: l.qty for l in order.lines})
        if not items:
            continue
        used.add(sessions[-1])
        reviewed = _between(rng, submitted + dt.timedelta(minutes=5), order.created - dt.timedelta(minutes=5))
        found.append(InterestList(p.client, submitted, items, order.rep, "CONVERTED", reviewed, order,
                                  order.created, f"Converted into {order.number}"))
    return found


def _open_list(ctx, rng, stk, p: Portal, login: dt.datetime, rep: int) -> InterestList | None:
    end = _end(ctx)
    submitted = _minutes(rng, login, 2, 40, end)
    shelf = _shelf(stk, submitted)
    items = _items(rng, stk, rng.sample(shelf, min(len(shelf), rng.randint(2, 5))), submitted, p.whale)
    if not items:
        return None
    lst = InterestList(p.client, submitted, items, rep, updated=submitted)
    age = (end - submitted).days
    if age < 2 or (age < 14 and rng.random() < 0.4):
        return lst
    lst.reviewed = _between(rng, submitted + dt.timedelta(hours=1), min(end, submitted + dt.timedelta(days=3)))
    lst.status, lst.updated, lst.notes = "REVIEWED", lst.reviewed, pick(rng, REVIEW_NOTES)
    if age >= 14 and rng.random() < 0.7:
        lst.status, lst.notes = "ARCHIVED", pick(rng, ARCHIVE_NOTES)
        lst.updated = _between(rng, lst.reviewed, min(end, lst.reviewed + dt.timedelta(days=10)))
    return lst


def client_interest_lists(ctx):
    return [{
        "id": lst.id, "client_id": lst.client["id"], "submitted_at": lst.submitted, "status": lst.status,
        "total_items": len(lst.items), "total_value": lst.total, "reviewed_at": lst.reviewed,
        "reviewed_by": lst.rep if lst.reviewed else None,
        "converted_to_order_id": lst.order.id if lst.order else None,
        "converted_at": lst.order.created if lst.order else None,
        "converted_by": lst.order.rep if lst.order else None, "notes": lst.notes,
        "created_at": lst.submitted, "updated_at": lst.updated,
    } for lst in ctx.dataset(interests)]


def client_interest_list_items(ctx):
    rows = []
    for lst in ctx.dataset(interests):
        for batch, price, qty in lst.items:
            product = batch.product
            rows.append({"id": ctx.id(len(rows) + 1), "interest_list_id": lst.id, "batch_id": batch.id,
                         "item_name": product.name, "category": product.category,
                         "subcategory": product.subcategory, "price_at_interest": price,
                         "quantity_at_interest": qty, "created_at": lst.submitted})
    return rows
