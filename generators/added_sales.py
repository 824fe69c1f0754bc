"""Providers of the columns later TERP versions add to the tables of sales and clients: orders and their lines, clients, returns, sample requests, calendar events, client needs, vendor supply, sales sheets, the VIP portal
(generators/added_columns.py; ../shared/terp/tables-after-2025-11-21.md §3).

Each value follows what the rows already tell, the way TERP's code would have
written it:

* orders: ``pickPackStatus`` from fulfilment (packed or shipped: READY, as
  pick & pack's markAllPacked sets it with packedAt; the rest and quotes
  PENDING); ``version`` 1 plus each fulfilment change (updateOrderStatus
  raises it, DATA-005: one per order_status_history row after the first);
  ``shipping`` 0 and ``show_adjustment_on_document`` 1; the first sales (at
  most ``COUCH_TAX_ORDERS``) of a referred client are referral orders of its
  referrer; ``converted_from_sales_sheet_id`` for orders made from a sheet
  (``sheet_orders``), which the sheet's ``converted_to_order_id`` names back;
  no credit overrides (the seeds model none: 0 and NULL);
* order_line_items: the COGS basis TERP's resolveBatchCogs gives the line
  (FIXED batch: MANUAL, no range; RANGE batch: LOW, MID or HIGH by which of
  unitCogsMin, the midpoint or unitCogsMax the line's cost is) and the range;
* clients: the credit limit as TERP's syncCreditToClient copies it from
  client_credit_limits (MANUAL with its reason after a MANUAL_OVERRIDE in
  credit_audit_log), payment terms in days from the terms the client mostly
  buys on, business type and preferred contact, the referrer
  (``referrals``), a wishlist of the client's open needs;
* returns: PROCESSED (every seeded return was processed: 0062's backfill);
* sample requests: a due date about a week after the request, where the
  sample is (generators/media_samples.py's rule), when a sample handed out goes stale;
* calendar events: the Accounting calendar for collections and payments, the
  rest on Office (generators/calendars.py); ``version`` 1 plus each edit
  (TERP's updateEvent raises it: one per history row after CREATED, but the
  soft delete);
* sales sheets: share links (a 64-character token, seven days, views), the
  order a sheet became;
* the VIP portal: live shopping on for the clients ``live_shopping_clients`` names.

``client_needs``/``vendor_supply.created_by_client_id`` have no provider: the
seeds' needs and offers are all entered by staff (``created_by`` is NOT NULL
in the older versions), so none was made in the portal and the column is NULL.
The datasets here are public for the generators of the newer tables that must
agree with them (referral tracking, live shopping, sample location history,
payment terms contracts).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from generators.added_columns import provides
from generators.calendars import ACCOUNTING, ACCOUNTING_EVENTS, OFFICE, calendar_of
from generators.common import between, end_of_day, next_weekday, weighted
from generators import media_samples
from generators.crm import portal
from generators.parties import is_whale
from generators.trade import TERM_DAYS

Q4 = Decimal("0.0001")
ZERO = Decimal("0.00")
PACKED = ("PACKED", "SHIPPED")  # fulfilment (the seeds' spelling) that has packedAt: pick & pack READY
COUCH_TAX_ORDERS = 3            # a referral's first sales that count (TERP's couch-tax order limit)
REFERRED_SHARE = 0.12           # of the buying clients, brought in by another
SHEET_DAYS = 7                  # an order made from a sheet comes within a week of it
SHARE_DAYS = 7                  # salesSheets.generateShareLink's default expiry
SHARED_SHARE, VIEWED_SHARE = 0.4, 0.7
SAMPLE_DUE_DAYS = (5, 9)        # a sample request is due about a week after it is made
SAMPLE_SHELF_DAYS = 30          # a sample handed out goes stale after this many days
# clients.businessType: buyers are mostly dispensaries; supplier clients make or sell wholesale
BUYER_TYPES = {True: [("DISPENSARY", 0.45), ("DISTRIBUTOR", 0.30), ("DELIVERY", 0.10), ("RETAIL", 0.15)],
               False: [("DISPENSARY", 0.60), ("RETAIL", 0.20), ("DELIVERY", 0.15), ("DISTRIBUTOR", 0.05)]}
CONTACTS = [("EMAIL", 0.35), ("PHONE", 0.30), ("TEXT", 0.25), ("ANY", 0.10)]
# the vendors' terms (generators/parties.py) as order terms
VENDOR_TERMS = {"Consignment": "CONSIGNMENT", "Net 30": "NET_30"}


def _window_end(ctx) -> dt.datetime:
    return end_of_day(ctx.window_end)


def _all(rows: list[dict], value) -> dict[int, object]:
    return {row["id"]: value for row in rows}


# =========================================================================== orders
@provides("orders.pickPackStatus")
def order_pick_pack(ctx):
    return {o["id"]: "READY" if o["orderType"] == "SALE" and o["fulfillmentStatus"] in PACKED else "PENDING"
            for o in ctx.rows("orders")}


@provides("orders.version")
def order_version(ctx):
    changes = Counter(row["order_id"] for row in ctx.rows("order_status_history"))
    return {o["id"]: max(1, changes[o["id"]]) for o in ctx.rows("orders")}


@provides("orders.shipping")
def order_shipping(ctx):
    return _all(ctx.rows("orders"), ZERO)


@provides("orders.show_adjustment_on_document")
def order_show_adjustment(ctx):
    return _all(ctx.rows("orders"), True)


@provides("orders.credit_override_approved")
def order_credit_override(ctx):
    return _all(ctx.rows("orders"), False)


@provides("orders.is_referral_order")
def order_is_referral(ctx):
    referred = ctx.dataset(referral_orders)
    return {o["id"]: o["id"] in referred for o in ctx.rows("orders")}


@provides("orders.referred_by_client_id")
def order_referrer(ctx):
    return dict(ctx.dataset(referral_orders))


@provides("orders.converted_from_sales_sheet_id")
def order_sheet(ctx):
    return {order: sheet for sheet, order in ctx.dataset(sheet_orders).items()}


def referrals(ctx) -> dict[int, int]:
    """{client id: the client that referred it}: about REFERRED_SHARE of the
    buying clients, each referred by a buyer created before it (a whale three
    times as often), so no referral goes round in a circle.  From the clients
    alone: the clients' own revision does not hang on the sales."""
    rng = ctx.rng
    buyers = sorted((c for c in ctx.rows("clients") if c["is_buyer"]), key=lambda c: (c["created_at"], c["id"]))
    candidates = [c for c in buyers if buyers[0]["created_at"] < c["created_at"]]
    count = min(len(candidates), max(1, round(len(buyers) * REFERRED_SHARE))) if candidates else 0
    found = {}
    for client in sorted(rng.sample(candidates, count), key=lambda c: c["id"]):
        earlier = [(c, 3.0 if is_whale(c) else 1.0) for c in buyers if c["created_at"] < client["created_at"]]
        found[client["id"]] = weighted(rng, earlier)["id"]
    return found


def referral_orders(ctx) -> dict[int, int]:
    """{order id: referrer}: the first COUCH_TAX_ORDERS sales (not cancelled) of each referred client."""
    referred = ctx.dataset(referrals)
    firsts: dict[int, list[dict]] = defaultdict(list)
    for o in sorted(ctx.rows("orders"), key=lambda o: (o["created_at"], o["id"])):
        if o["client_id"] in referred and o["orderType"] == "SALE" and o["saleStatus"] != "CANCELLED" \
                and len(firsts[o["client_id"]]) < COUCH_TAX_ORDERS:
            firsts[o["client_id"]].append(o)
    return {o["id"]: referred[client] for client, orders in sorted(firsts.items()) for o in orders}


def sheet_orders(ctx) -> dict[int, int]:
    """{sales sheet id: the order made from it}: an order (a quote, or a sale not
    converted from one) whose every line is a batch of a sheet the client was
    sent in the SHEET_DAYS before, each sheet used once, the latest first
    (TERP's convertToOrder copies a sheet's items into one order)."""
    sheets_of: dict[int, list[dict]] = defaultdict(list)
    for sheet in ctx.rows("sales_sheet_history"):
        sheets_of[sheet["client_id"]].append(sheet)
    batches_of: dict[int, set[int]] = defaultdict(set)
    for line in ctx.rows("order_line_items"):
        batches_of[line["order_id"]].add(line["batch_id"])
    used: dict[int, int] = {}
    for o in sorted(ctx.rows("orders"), key=lambda o: (o["created_at"], o["id"])):
        if o["converted_from_order_id"] is not None or not batches_of[o["id"]]:
            continue
        since = o["created_at"] - dt.timedelta(days=SHEET_DAYS)
        fits = [s for s in sheets_of[o["client_id"]]
                if since <= s["created_at"] < o["created_at"] and s["id"] not in used
                and batches_of[o["id"]] <= {item["itemId"] for item in s["items"]}]
        if fits:
            sheet = max(fits, key=lambda s: (s["created_at"], s["id"]))
            used[sheet["id"]] = o["id"]
    return dict(sorted(used.items()))


# =========================================================================== order lines
@dataclass(frozen=True, slots=True)
class Basis:
    basis: str
    low: Decimal | None
    high: Decimal | None
    below: bool


def line_bases(ctx) -> dict[int, Basis]:
    """Each line's COGS basis, as TERP's resolveBatchCogs reads the line's batch."""
    batches = {b["id"]: b for b in ctx.rows("batches")}
    found = {}
    for line in ctx.rows("order_line_items"):
        batch = batches[line["batch_id"]]
        cogs = Decimal(line["cogs_per_unit"])
        if batch["cogsMode"] != "RANGE":
            found[line["id"]] = Basis("MANUAL", None, None, False)
            continue
        low, high = Decimal(batch["unitCogsMin"]), Decimal(batch["unitCogsMax"])
        basis = "LOW" if cogs == low else "HIGH" if cogs == high else "MID" if low < cogs < high else "MANUAL"
        found[line["id"]] = Basis(basis, low.quantize(Q4), high.quantize(Q4), cogs < low)
    return found


@provides("order_line_items.effective_cogs_basis")
def line_basis(ctx):
    return {k: b.basis for k, b in ctx.dataset(line_bases).items()}


@provides("order_line_items.original_range_min")
def line_range_min(ctx):
    return {k: b.low for k, b in ctx.dataset(line_bases).items() if b.low is not None}


@provides("order_line_items.original_range_max")
def line_range_max(ctx):
    return {k: b.high for k, b in ctx.dataset(line_bases).items() if b.high is not None}


@provides("order_line_items.is_below_vendor_range")
def line_below_range(ctx):
    return {k: b.below for k, b in ctx.dataset(line_bases).items()}


@provides("order_line_items.below_range_reason")
def line_below_reason(ctx):
    return {k: f"Priced below the vendor's range (${b.low:.2f}-${b.high:.2f})"
            for k, b in ctx.dataset(line_bases).items() if b.below}


# =========================================================================== clients
@dataclass(frozen=True, slots=True)
class CreditLimit:
    limit: Decimal
    updated: dt.datetime | None
    source: str
    reason: str | None


def credit_limits(ctx) -> dict[int, CreditLimit]:
    """Each client's limit as clients holds it: what TERP's syncCreditToClient
    copied from client_credit_limits at its last calculation, or a manual
    override recorded after it (credit_audit_log MANUAL_OVERRIDE); 0 for a
    client TERP never calculated."""
    limits = {row["client_id"]: row for row in ctx.rows("client_credit_limits")}
    manual = {}
    for event in sorted(ctx.rows("credit_audit_log"), key=lambda e: (e["created_at"], e["id"])):
        if event["event_type"] == "MANUAL_OVERRIDE":
            manual[event["client_id"]] = event
    found = {}
    for client in ctx.rows("clients"):
        row, event = limits.get(client["id"]), manual.get(client["id"])
        if event is not None and (row is None or event["created_at"] >= row["last_calculated"]):
            found[client["id"]] = CreditLimit(event["new_value"], event["created_at"], "MANUAL", event["reason"])
        elif row is not None:
            found[client["id"]] = CreditLimit(row["credit_limit"], row["last_calculated"], "CALCULATED", None)
        else:
            found[client["id"]] = CreditLimit(ZERO, None, "CALCULATED", None)
    return found


def client_credit_and_terms(ctx):
    """Update (0008_finance) of the columns 2026-02-15 adds to clients that
    the books decide: the credit limit as syncCreditToClient copied it (or a
    manual override), and the payment terms in days of the terms the client
    mostly buys on.  An Update, not a provider: the clients are inserted
    before the orders and the credit they are read from exist."""
    credit, terms = ctx.dataset(credit_limits), ctx.dataset(usual_terms)
    rows = []
    for client in ctx.rows("clients"):
        c = credit[client["id"]]
        rows.append({"id": client["id"], "credit_limit": c.limit, "credit_limit_updated_at": c.updated,
                     "creditLimitSource": c.source, "credit_limit_override_reason": c.reason,
                     "payment_terms": TERM_DAYS[terms[client["id"]]],
                     "updated_at": max(client["updated_at"], c.updated or client["updated_at"])})
    return rows


def usual_terms(ctx) -> dict[int, str]:
    """The order terms each client mostly buys on (its latest sales break a tie);
    a supplier client, its vendor's terms; a client that never bought, NET_30."""
    counts: dict[int, Counter] = defaultdict(Counter)
    latest: dict[tuple[int, str], tuple] = {}
    for o in ctx.rows("orders"):
        if o["orderType"] == "SALE":
            counts[o["client_id"]][o["paymentTerms"]] += 1
            key = (o["client_id"], o["paymentTerms"])
            latest[key] = max(latest.get(key, (o["created_at"], o["id"])), (o["created_at"], o["id"]))
    vendor_terms = {v["name"]: VENDOR_TERMS.get(v["paymentTerms"], "NET_30") for v in ctx.rows("vendors")}
    found = {}
    for client in ctx.rows("clients"):
        mine = counts.get(client["id"])
        if mine:
            found[client["id"]] = max(mine, key=lambda t: (mine[t], latest[(client["id"], t)]))
        elif client["is_seller"]:
            found[client["id"]] = vendor_terms.get(client["name"], "NET_30")
        else:
            found[client["id"]] = "NET_30"
    return found


@provides("clients.businessType")
def client_business_type(ctx):
    found = {}
    for client in ctx.rows("clients"):
        if client["is_buyer"]:
            found[client["id"]] = weighted(ctx.rng, BUYER_TYPES[is_whale(client)])
        else:  # a brand makes what it sells; a farm without one sells its flower wholesale
            found[client["id"]] = "MANUFACTURER" if client["is_brand"] else "WHOLESALE"
    return found


@provides("clients.preferredContact")
def client_preferred_contact(ctx):
    found = {}
    for client in ctx.rows("clients"):
        choices = [(way, w) for way, w in CONTACTS
                   if (way != "EMAIL" or client["email"]) and (way not in ("PHONE", "TEXT") or client["phone"])]
        if choices != [("ANY", 0.10)]:  # a client with no email or phone has said nothing
            found[client["id"]] = weighted(ctx.rng, choices)
    return found


@provides("clients.referred_by_client_id")
def client_referrer(ctx):
    return dict(ctx.dataset(referrals))


def client_wishlists(ctx):
    """Update (0011_crm) of clients.wishlist (2026-02-15): what the client is
    still looking for, its open needs, most pressing first."""
    rank = {"URGENT": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 3}
    open_: dict[int, list[dict]] = defaultdict(list)
    for need in ctx.rows("client_needs"):
        if need["status"] == "ACTIVE":
            open_[need["client_id"]].append(need)
    found = {}
    for client, needs in sorted(open_.items()):
        needs.sort(key=lambda n: (rank[n["priority"]], n["created_at"], n["id"]))
        wants = []
        for need in needs[:3]:
            what = need["strain"] or ("any strain" if need["strain_type"] == "ANY" else f"any {need['strain_type'].lower()}")
            detail = ", ".join(p for p in (need["subcategory"] and need["subcategory"].lower(),
                                           need["grade"] and f"grade {need['grade']}") if p)
            wants.append(f"{what} ({detail})" if detail else what)
        more = f" and {len(needs) - 3} more" if len(needs) > 3 else ""
        found[client] = ("Looking for " + "; ".join(wants) + more, max(n["created_at"] for n in needs))
    return [{"id": c["id"], "wishlist": found[c["id"]][0], "updated_at": max(c["updated_at"], found[c["id"]][1])}
            for c in ctx.rows("clients") if c["id"] in found]


# =========================================================================== returns
@provides("returns.status")
def return_status(ctx):
    """0062's backfill, which is also what happened: every seeded return was processed."""
    return {r["id"]: "PROCESSED" if r["processed_at"] is not None else "PENDING" for r in ctx.rows("returns")}


# =========================================================================== samples
@dataclass(frozen=True, slots=True)
class Custody:
    """A sample request's due date, and when the samples it handed out go stale."""
    due: dt.date
    expires: dt.datetime | None


def sample_custody(ctx) -> dict[int, Custody]:
    """Every request is due a week or so after it was made; samples handed out
    go stale SAMPLE_SHELF_DAYS after they were pulled.  Where they are is
    generators/media_samples.py's rule (``sample_location``), which its
    sampleLocationHistory chains end at."""
    rng = ctx.rng
    found = {}
    for req in ctx.rows("sampleRequests"):
        due = next_weekday(req["requestDate"].date() + dt.timedelta(days=rng.randint(*SAMPLE_DUE_DAYS)))
        expires = None
        if req["sampleRequestStatus"] == "FULFILLED":
            expires = end_of_day(req["fulfilledDate"].date() + dt.timedelta(days=SAMPLE_SHELF_DAYS))
        found[req["id"]] = Custody(due, expires)
    return found


@provides("sampleRequests.dueDate")
def sample_due(ctx):
    return {k: c.due for k, c in ctx.dataset(sample_custody).items()}


@provides("sampleRequests.location", "sampleRequests.sampleLocation")
def sample_location(ctx):
    return {r["id"]: media_samples.sample_location(r) for r in ctx.rows("sampleRequests")}


@provides("sampleRequests.expirationDate")
def sample_expiration(ctx):
    return {k: c.expires for k, c in ctx.dataset(sample_custody).items() if c.expires is not None}


# =========================================================================== calendar events
@provides("calendar_events.calendar_id")
def event_calendar(ctx):
    ids = calendar_of(ctx)
    return {ev["id"]: ids[ACCOUNTING if ev["event_type"] in ACCOUNTING_EVENTS else OFFICE]
            for ev in ctx.rows("calendar_events")}


@provides("calendar_events.version")
def event_version(ctx):
    edits = Counter(h["event_id"] for h in ctx.rows("calendar_event_history")
                    if h["change_type"] not in ("CREATED", "DELETED"))
    return {ev["id"]: 1 + edits[ev["id"]] for ev in ctx.rows("calendar_events")}


# =========================================================================== sales sheets
@dataclass(frozen=True, slots=True)
class Share:
    token: str
    expires: dt.datetime
    views: int
    last_viewed: dt.datetime | None


def sheet_shares(ctx) -> dict[int, Share]:
    """The sheets a rep shared as a link (salesSheets.generateShareLink: 32
    random bytes in hex, good for SHARE_DAYS): every sheet an order was made
    from, which the client opened before ordering, and SHARED_SHARE of the
    others, VIEWED_SHARE of them opened before the link expired."""
    rng, end = ctx.rng, _window_end(ctx)
    made = ctx.dataset(sheet_orders)
    ordered = {o["id"]: o["created_at"] for o in ctx.rows("orders")}
    found = {}
    for sheet in ctx.rows("sales_sheet_history"):
        converted = sheet["id"] in made
        if not converted and rng.random() >= SHARED_SHARE:
            continue
        # shared a few minutes after it was made (and before the order made from it)
        ordered_at = ordered[made[sheet["id"]]] if converted else end
        shared = min(sheet["created_at"] + dt.timedelta(minutes=rng.randint(1, 20)),
                     max(sheet["created_at"], ordered_at - dt.timedelta(minutes=2)))
        expires = shared + dt.timedelta(days=SHARE_DAYS)
        last = min(expires, end, ordered_at - dt.timedelta(minutes=1))
        views, seen = 0, None
        if shared < last and (converted or rng.random() < VIEWED_SHARE):
            views = weighted(rng, [(1, 0.45), (2, 0.3), (3, 0.15), (4, 0.1)])
            seen = max(between(rng, shared, last) for _ in range(views))
        found[sheet["id"]] = Share(rng.randbytes(32).hex(), expires, views, seen)
    return found


@provides("sales_sheet_history.share_token")
def sheet_token(ctx):
    return {k: s.token for k, s in ctx.dataset(sheet_shares).items()}


@provides("sales_sheet_history.share_expires_at")
def sheet_expiry(ctx):
    return {k: s.expires for k, s in ctx.dataset(sheet_shares).items()}


@provides("sales_sheet_history.view_count")
def sheet_views(ctx):
    shares = ctx.dataset(sheet_shares)
    return {s["id"]: shares[s["id"]].views if s["id"] in shares else 0 for s in ctx.rows("sales_sheet_history")}


@provides("sales_sheet_history.last_viewed_at")
def sheet_last_viewed(ctx):
    return {k: s.last_viewed for k, s in ctx.dataset(sheet_shares).items() if s.last_viewed is not None}


@provides("sales_sheet_history.converted_to_order_id")
def sheet_order(ctx):
    return dict(ctx.dataset(sheet_orders))


# =========================================================================== the VIP portal
def live_shopping_clients(ctx) -> list[int]:
    """The portal clients live shopping is for: the whales that use the portal
    (the live-shopping sessions' clients are to come from these)."""
    return sorted(p.client["id"] for p in ctx.dataset(portal) if p.whale and p.logins)


@provides("vip_portal_configurations.module_live_shopping_enabled")
def portal_live_shopping(ctx):
    live = set(ctx.dataset(live_shopping_clients))
    return {row["id"]: row["client_id"] in live for row in ctx.rows("vip_portal_configurations")}
