"""The calendar around the business.

One dataset, ``schedule``, holds every calendar event and what hangs off it:
participants, invitations (and their history), reminders, the event's own
history and the recurrence rules; the table generators project it.  The
events come from the rest of the business:

* an INTAKE event at each batch's receive time, booked when its purchase
  order was confirmed and moved when the lot came in on another day;
* PHOTOGRAPHY sessions: every PHOTOGRAPHY_COMPLETE batch was shot after it
  went live, some other batches too, and a few live batches are booked;
* for each overdue invoice, a PAYMENT_DUE reminder on its due date and
  AR_COLLECTION calls after it (rule ``payment_due_reminder``);
* a DELIVERY for some shipped orders, when they left the warehouse;
* client meetings, recurring team meetings, quarterly planning, audits,
  compliance tasks and deadlines.

Moments are the business's local clock (America/Los_Angeles), as everywhere
in the seeds.  Nothing that happened is after the window's last second;
scheduled events reach at most 60 days beyond it.  The comment threads are in
generators/comments.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generators.access import staff
from generators.common import at, pick, setup_day, slug, weight_total, weighted
from generators.finance import books
from generators.parties import is_whale
from generators.sales_extras import _add_months, _between, _js_weekday, _rep_of
from generators.trade import _end_of, _months, supply, trade

TZ = "America/Los_Angeles"
HORIZON_DAYS = 60
DOCS_URL = "https://docs.terpwholesale.example/calendar/"
HOUR, MINUTE = dt.timedelta(hours=1), dt.timedelta(minutes=1)
DELIVERY_SHARE = 0.06
MEETINGS_PER_MONTH = 6
CANCEL_SHARE, DELETE_SHARE = 0.07, 0.3
RESCHEDULE_SHARE, EDIT_SHARE = 0.15, 0.2
FAILED_REMINDER_SHARE = 0.03


# --------------------------------------------------------------------------- time helpers
def _end(ctx) -> dt.datetime:
    """The window's last second: nothing that happened is later."""
    return _end_of(ctx.window_end)


def _horizon(ctx) -> dt.datetime:
    """The last moment a scheduled event may start."""
    return _end_of(ctx.window_end + dt.timedelta(days=HORIZON_DAYS))


def _hms(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M:%S")


def _weekday(day: dt.date) -> dt.date:
    """``day``, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _during(rng, lo: dt.datetime, hi: dt.datetime) -> dt.datetime | None:
    """A moment from ``lo`` to ``hi`` (in working hours where the span has any), None if ``hi < lo``."""
    return None if hi < lo else _between(rng, lo, hi)


def _slot(rng, lo: dt.datetime, hi: dt.datetime, hours=(9, 16)) -> dt.datetime | None:
    """A bookable start: a weekday quarter hour in working hours from ``lo`` to ``hi``."""
    days = [lo.date() + dt.timedelta(days=d) for d in range((hi.date() - lo.date()).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    for _ in range(40 if days else 0):
        moment = at(pick(rng, days), rng.randint(*hours), 15 * rng.randint(0, 3))
        if lo <= moment <= hi:
            return moment
    return None


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(last: dt.date, weekday: int) -> dt.date:
    """The last ``weekday`` on or before ``last``."""
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _holidays(year: int) -> set[dt.date]:
    """The days the office is closed."""
    may_31 = dt.date(year, 5, 31)
    return {dt.date(year, 1, 1), may_31 - dt.timedelta(days=may_31.weekday()), dt.date(year, 7, 4),
            _nth_weekday(year, 9, 0, 1), _nth_weekday(year, 11, 3, 4), dt.date(year, 12, 25)}


# --------------------------------------------------------------------------- the story's objects
@dataclass(slots=True)
class Rule:
    frequency: str
    interval: int
    start: dt.date
    dates: list[dt.date]               # the occurrences, exceptions left out
    exceptions: list[dt.date]
    ongoing: bool                      # True: ends on a date; False: after ``count`` occurrences
    by_day: list[int] | None = None    # 0 = Sunday, as TERP counts
    by_month_day: list[int] | None = None
    by_month: list[int] | None = None


@dataclass(slots=True)
class Invitation:
    invitee_type: str                  # USER, CLIENT or EXTERNAL
    role: str
    created: dt.datetime
    user_id: int | None = None
    client_id: int | None = None
    email: str | None = None
    name: str | None = None
    message: str | None = None
    status: str = "DRAFT"
    sent: dt.datetime | None = None
    responded: dt.datetime | None = None
    expires: dt.datetime | None = None
    auto_reason: str | None = None
    steps: list = field(default_factory=list)  # (action, when, by, notes)
    participant_id: int | None = None
    id: int = 0


@dataclass(slots=True)
class Attendee:
    user_id: int
    role: str
    added: dt.datetime
    response: str = "PENDING"
    responded: dt.datetime | None = None
    invitation: Invitation | None = None
    id: int = 0


@dataclass(slots=True)
class Reminder:
    user_id: int
    minutes: int
    when: dt.datetime
    method: str
    status: str
    created: dt.datetime
    sent: dt.datetime | None = None
    failure: str | None = None


@dataclass(slots=True)
class Change:
    kind: str
    when: dt.datetime
    by: int
    field: str | None = None
    old: str | None = None
    new: str | None = None
    reason: str | None = None
    snapshot: dict | None = None


@dataclass(slots=True)
class Event:
    kind: str                          # the story it comes from: intake, photo, meeting...
    title: str
    start: dt.datetime
    minutes: int
    module: str
    event_type: str
    created: dt.datetime
    created_by: int
    assigned_to: int | None
    description: str | None = None
    location: str | None = None
    priority: str = "MEDIUM"
    visibility: str = "COMPANY"
    entity: tuple[str, int] | None = None
    client_id: int | None = None
    vendor_id: int | None = None
    metadata: dict = field(default_factory=dict)
    auto_rule: str | None = None
    team: list[tuple[int, str]] = field(default_factory=list)   # (user, role) besides organizer and assignee
    invites: bool = False              # invitations go out to the attendees
    guests: list[tuple[str, str]] = field(default_factory=list)  # outside guests: (e-mail, name)
    cancellable: bool = False
    rule: Rule | None = None
    previous_start: dt.datetime | None = None   # where it was before a reschedule
    moved_at: dt.datetime | None = None
    edit: tuple | None = None          # (field, old, new, when)
    cancelled: dt.datetime | None = None
    deleted: dt.datetime | None = None
    status: str = "SCHEDULED"
    attendees: list[Attendee] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    history: list[Change] = field(default_factory=list)
    id: int = 0

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.minutes)

    @property
    def last_start(self) -> dt.datetime:
        """The start of the last occurrence (the event itself unless it recurs)."""
        if self.rule is None:
            return self.start
        return dt.datetime.combine(self.rule.dates[-1], self.start.time())

    @property
    def updated(self) -> dt.datetime:
        return self.history[-1].when


@dataclass(slots=True)
class Schedule:
    events: list[Event]
    settings: list[dict]


class Crew:
    """The staff by job, and their names."""

    def __init__(self, ctx):
        self.by_job: dict[str, list[int]] = {}
        self.names: dict[int, str] = {}
        for user, job, _rbac in staff(ctx):
            self.by_job.setdefault(job, []).append(user["id"])
            self.names[user["id"]] = user["name"]

    def one(self, job: str) -> int:
        return self.by_job[job][0]

    def all(self, *jobs: str) -> list[int]:
        return [uid for job in jobs for uid in self.by_job.get(job, [])]


# --------------------------------------------------------------------------- invitation settings
# job -> (accept everything, organizers' jobs, event types, modules) accepted without asking
AUTO_ACCEPT = {
    "Operations Director": (True, [], [], []),
    "Sales Rep": (False, ["Sales Manager"], [], []),
    "Warehouse Lead": (False, [], ["INTAKE", "PHOTOGRAPHY", "DELIVERY"], []),
    "Warehouse Associate": (False, [], ["INTAKE", "DELIVERY"], []),
    "AR Specialist": (False, ["Controller"], [], ["ACCOUNTING"]),
    "Compliance Officer": (False, [], ["AUDIT"], ["COMPLIANCE"]),
}


def _settings(ctx, crew: Crew) -> list[dict]:
    rng = ctx.rng
    rows = []
    for user, job, _rbac in staff(ctx):
        everything, organizers, types, modules = AUTO_ACCEPT.get(job, (False, [], [], []))
        created = user["createdAt"] + dt.timedelta(hours=2)
        rows.append({
            "user_id": user["id"], "auto_accept_all": everything,
            "auto_accept_from_organizers": crew.all(*organizers), "auto_accept_by_event_type": list(types),
            "auto_accept_by_module": list(modules), "notify_on_invitation": rng.random() < 0.9,
            "notify_on_auto_accept": rng.random() < 0.6, "created_at": created, "updated_at": created,
        })
    return rows


def _auto_reason(setting: dict, ev: Event) -> str | None:
    """Why the user's settings accept this event by themselves, if they do."""
    if setting["auto_accept_all"]:
        return "Accepts every invitation"
    if ev.created_by in setting["auto_accept_from_organizers"]:
        return "Auto-accepts invitations from this organizer"
    if ev.event_type in setting["auto_accept_by_event_type"]:
        return f"Auto-accepts {ev.event_type} events"
    if ev.module in setting["auto_accept_by_module"]:
        return f"Auto-accepts {ev.module} events"
    return None


# --------------------------------------------------------------------------- events from the business
def _intakes(ctx, crew: Crew) -> list[Event]:
    """An INTAKE at each batch's receive time, booked when its purchase order was confirmed."""
    sup = ctx.dataset(supply)
    events = []
    for b in sup.batches:
        po = sup.purchase_orders[b.po_index]
        planned = at(_weekday(po.expected), 10)
        events.append(Event(
            kind="intake", title=f"Intake {b.lot_code}: {b.product.name}", start=b.received, minutes=120,
            module="INVENTORY", event_type="INTAKE", created=po.confirmed_at or po.ordered,
            created_by=po.created_by, assigned_to=b.received_by, location="Warehouse receiving dock",
            description=f"Receive {b.qty_in} {b.product.uom} of {b.product.name} ordered on {po.number}:"
                        " weigh, sample for lab testing, label and shelve.",
            entity=("lot", b.lot_id), vendor_id=b.vendor_id,
            metadata={"lotCode": b.lot_code, "batchCode": b.code, "purchaseOrder": po.number,
                      "expectedQty": str(b.qty_in), "uom": b.product.uom, "paymentTerms": b.terms},
            team=[(crew.one("Inventory Manager"), "REQUIRED"), (crew.one("Warehouse Associate"), "OPTIONAL")],
            previous_start=planned if planned.date() != b.received.date() else None,
        ))
    return events


def _photo_sessions(ctx, crew: Crew, studio: tuple[str, str]) -> list[Event]:
    """Product photos after a batch went live: every PHOTOGRAPHY_COMPLETE batch, some
    others, and sessions booked for a few batches on the shelf now."""
    rng, end = ctx.rng, _end(ctx)
    events = []
    for b in sorted(ctx.dataset(trade).batches, key=lambda b: (b.live_at, b.id)):
        if b.live_at > end:
            continue
        if b.batch_status == "PHOTOGRAPHY_COMPLETE" or (b.batch_status != "LIVE" and rng.random() < 0.15):
            last_full_day = _end_of(ctx.window_end - dt.timedelta(days=1))
            start = _slot(rng, b.live_at + 2 * HOUR, min(last_full_day, b.live_at + dt.timedelta(days=6))) \
                or _slot(rng, b.live_at + 2 * HOUR, end)
        elif b.batch_status == "LIVE" and rng.random() < 0.3:
            start = _slot(rng, at(ctx.window_end + dt.timedelta(days=1), 0), end + dt.timedelta(days=21))
        else:
            continue
        if start is None:
            continue
        booked = _during(rng, max(b.live_at, start - dt.timedelta(days=10)), min(start - HOUR, end))
        events.append(Event(
            kind="photo", title=f"Product photos: {b.code} ({b.product.name})", start=start, minutes=90,
            module="INVENTORY", event_type="PHOTOGRAPHY", created=booked or b.live_at,
            created_by=crew.one("Inventory Manager"), assigned_to=crew.one("Warehouse Lead"),
            location="Photo studio, warehouse bay 3",
            description="Hero, macro and packaging shots for the sales sheet and the B2B catalog.",
            entity=("batch", b.id), vendor_id=b.vendor_id,
            metadata={"batchCode": b.code, "sku": b.sku, "shots": ["hero", "macro", "packaging"],
                      "photographer": studio[1]},
            team=[(crew.one("Sales Manager"), "OPTIONAL")], invites=True, guests=[studio],
        ))
    return events


def _invoice_event(inv, kind: str, start: dt.datetime, made: dt.datetime, priority: str, title: str,
                   description: str, rep: int | None) -> Event:
    """A PAYMENT_DUE or AR_COLLECTION event about an overdue invoice, from the reminder rule."""
    owed = inv.total - inv.paid
    return Event(
        kind="collection", title=title, start=start, minutes=30, module="ACCOUNTING", event_type=kind,
        created=made, created_by=inv.created_by, assigned_to=inv.created_by, description=description,
        priority=priority, visibility="TEAM", entity=("invoice", inv.id), client_id=inv.client["id"],
        auto_rule="payment_due_reminder",
        metadata={"invoiceNumber": inv.number, "amountDue": f"{owed:.2f}", "dueDate": inv.due.isoformat(),
                  "daysOverdue": max(0, (start.date() - inv.due).days)},
        team=[(rep, "OPTIONAL")] if rep else [])


def _collections(ctx, crew: Crew) -> list[Event]:
    """PAYMENT_DUE on an overdue invoice's due date, a collection call a week after it,
    and an escalation call booked for invoices more than 60 days late."""
    rng, end, window_end = ctx.rng, _end(ctx), ctx.window_end
    rep_of = _rep_of(ctx)
    events = []
    for inv in ctx.dataset(books).invoices:
        if inv.status(window_end) != "OVERDUE":
            continue
        name, owed, rep = inv.client["name"], inv.total - inv.paid, rep_of.get(inv.client["id"])
        if inv.due >= ctx.window_start:
            created = inv.order.shipped_at if inv.order else at(inv.date, 9)
            events.append(_invoice_event(inv, "PAYMENT_DUE", at(inv.due, 9), created, "HIGH",
                                         f"Payment due: {inv.number} ({name})",
                                         f"{inv.number} for ${owed:,.2f} is due today.", rep))
        first_day = max(inv.due + dt.timedelta(days=7), ctx.window_start)
        call = _slot(rng, at(first_day, 0), at(first_day + dt.timedelta(days=6), 17))
        if call is None or call > _horizon(ctx):
            continue
        made = at(max(inv.due + dt.timedelta(days=1), call.date() - dt.timedelta(days=7)), 6)
        events.append(_invoice_event(inv, "AR_COLLECTION", call, made, "HIGH",
                                     f"Collection call: {name} ({inv.number})",
                                     f"Call about {inv.number}, ${owed:,.2f} past due since {inv.due:%b %d, %Y}.",
                                     rep))
        again = _slot(rng, at(window_end + dt.timedelta(days=1), 0), end + dt.timedelta(days=14))
        if call <= end and (window_end - inv.due).days > 60 and again:
            made = at(window_end - dt.timedelta(days=rng.randint(0, 3)), 6)
            events.append(_invoice_event(inv, "AR_COLLECTION", again, made, "URGENT",
                                         f"Escalation: {name} ({inv.number})",
                                         f"{inv.number} is more than 60 days late: agree a payment plan"
                                         " or stop shipments.", rep))
    return events


def _deliveries(ctx, crew: Crew) -> list[Event]:
    """A DELIVERY for some shipped orders, when the van left."""
    rng = ctx.rng
    shipped = [o for o in ctx.dataset(trade).orders if o.shipped_at and o.sale_status != "CANCELLED"]
    picked = rng.sample(shipped, max(1, round(len(shipped) * DELIVERY_SHARE)) if shipped else 0)
    events = []
    for o in sorted(picked, key=lambda o: o.id):
        client = o.client
        events.append(Event(
            kind="delivery", title=f"Deliver {o.number} to {client['name']}", start=o.shipped_at,
            minutes=min(rng.choice([60, 90, 120, 180]), max(30, (23 - o.shipped_at.hour) * 60)),
            module="ORDERS", event_type="DELIVERY", created=o.packed_at, created_by=o.packed_by,
            assigned_to=o.shipped_by, location=client["address"],
            description=f"{len(o.lines)} line(s), {o.terms.replace('_', ' ').lower()} terms.",
            priority="HIGH" if is_whale(client) else "MEDIUM", entity=("order", o.id), client_id=client["id"],
            metadata={"orderNumber": o.number, "lines": len(o.lines), "total": f"{o.total:.2f}",
                      "terms": o.terms},
            team=[(o.rep, "OBSERVER")],
        ))
    return events


# (topic, minutes, weight, extra job on the meeting)
MEETING_TOPICS = [
    ("Account check-in", 45, 0.30, None), ("Menu planning", 60, 0.20, None),
    ("Pricing review", 45, 0.15, "Sales Manager"), ("New strain tasting", 60, 0.15, "Inventory Manager"),
    ("Quarterly business review", 90, 0.10, "Owner"), ("Credit terms discussion", 30, 0.10, "AR Specialist"),
]
HQ_ROOMS = ["TERP HQ, Conference Room A", "TERP HQ, Conference Room B", "TERP HQ, tasting room"]


def _meeting_place(rng, client: dict) -> str:
    return weighted(rng, [(f"Client site: {client['address']}", 0.4), (pick(rng, HQ_ROOMS), 0.3),
                          ("Video call (Google Meet)", 0.2), ("Phone call", 0.1)])


def _client_meetings(ctx, crew: Crew) -> list[Event]:
    """Reps meet their clients, whales three times as often; some meetings are still ahead."""
    rng, end = ctx.rng, _end(ctx)
    horizon = _horizon(ctx)
    rep_of = _rep_of(ctx)
    clients = [(c, 3.0 if is_whale(c) else 1.0) for c in ctx.rows("clients") if c["is_buyer"]]
    clients_total = weight_total(clients)
    span = (horizon.date() - ctx.window_start).days + 1
    events = []
    for _ in range(ctx.scaled(MEETINGS_PER_MONTH * span / 30.4)):
        client = weighted(rng, clients, clients_total)
        topic, minutes, _w, extra = weighted(rng, [(t, t[2]) for t in MEETING_TOPICS])
        start = _slot(rng, at(ctx.window_start, 0), horizon)
        rep = rep_of[client["id"]]
        lead = dt.timedelta(days=rng.randint(2, 21))
        booked = _during(rng, min(start - lead, end - dt.timedelta(days=3)), min(start - dt.timedelta(days=1), end))
        team = [(crew.one(extra), "REQUIRED")] if extra else []
        if is_whale(client) and rng.random() < 0.3:
            team.append((crew.one("Sales Manager"), "OPTIONAL"))
        moved = _slot(rng, start - dt.timedelta(days=4), start + dt.timedelta(days=4)) \
            if rng.random() < RESCHEDULE_SHARE else None
        domain = (client["email"] or "client.example").split("@")[-1]
        buyer = ctx.fake.name()
        events.append(Event(
            kind="meeting", title=f"{topic} with {client['name']}", start=start, minutes=minutes,
            module="CLIENTS", event_type="MEETING", created=booked or start - lead, created_by=rep,
            assigned_to=rep, location=_meeting_place(rng, client),
            description=f"{topic} with {client['name']} ({client['teri_code']}).",
            priority="HIGH" if is_whale(client) else "MEDIUM", visibility=pick(rng, ["COMPANY", "TEAM"]),
            entity=("client", client["id"]), client_id=client["id"],
            metadata={"meetingType": topic, "teriCode": client["teri_code"], "whale": is_whale(client)},
            team=team, invites=True, cancellable=True,
            guests=[(f"{slug(buyer, '.')}@{domain}", buyer)] if rng.random() < 0.3 else [],
            previous_start=moved if moved and moved != start else None,
        ))
    return events


def _company_calendar(ctx, crew: Crew, inspector: tuple[str, str]) -> list[Event]:
    """Month-end close and compliance tasks every month; quarterly planning, cycle counts
    and tax returns every quarter; a state inspection twice a year."""
    rng = ctx.rng
    first_day, last_day = ctx.window_start, _horizon(ctx).date()
    leaders = [(crew.one("Operations Director"), "REQUIRED"), (crew.one("Sales Manager"), "REQUIRED"),
               (crew.one("Controller"), "REQUIRED"), (crew.one("Operations Manager"), "OPTIONAL")]
    events = []

    def add(day, hour, minutes, title, module, kind, owner, **kw):
        if first_day <= day <= last_day:
            start = at(day, hour)
            made = _during(rng, start - dt.timedelta(days=rng.randint(10, 21)), start - dt.timedelta(days=2))
            events.append(Event(kind="company", title=title, start=start, minutes=minutes, module=module,
                                event_type=kind, created=made, created_by=owner, assigned_to=owner, **kw))

    for first, last in _months(dt.date(first_day.year, first_day.month, 1), last_day):
        previous = first - dt.timedelta(days=1)
        controller, compliance = crew.one("Controller"), crew.one("Compliance Officer")
        if previous >= first_day:
            add(_weekday(first + dt.timedelta(days=9)), 9, 480, f"Close the books: {previous:%B %Y}", "ACCOUNTING",
                "DEADLINE", controller, priority="HIGH", visibility="TEAM",
                description=f"Fiscal period {previous:%Y-%m} closes today: reconcile the bank, post accruals,"
                            " lock the period.",
                metadata={"fiscalPeriod": f"{previous:%Y-%m}"}, team=[(crew.one("AR Specialist"), "REQUIRED")])
        add(_weekday(first), 10, 120, f"METRC inventory reconciliation: {first:%B %Y}", "COMPLIANCE", "TASK",
            compliance, description="Reconcile on-hand lots in TERP with the state's METRC package list.",
            metadata={"system": "METRC", "month": f"{first:%Y-%m}"},
            team=[(crew.one("Inventory Manager"), "REQUIRED")])
        if first.month in (1, 4, 7, 10):
            quarter = f"Q{(first.month - 1) // 3 + 1} {first.year}"
            add(_nth_weekday(first.year, first.month, 1, 2), 13, 120, f"Quarterly planning: {quarter}", "GENERAL",
                "MEETING", crew.one("Owner"), priority="HIGH", location=HQ_ROOMS[0], team=leaders,
                description="Targets, purchasing budget and staffing for the quarter.",
                metadata={"quarter": quarter}, invites=True, cancellable=True)
            add(_weekday(last), 9, 480, f"CDTFA tax return due: Q{(previous.month - 1) // 3 + 1} {previous.year}",
                "COMPLIANCE", "DEADLINE", controller, priority="URGENT", visibility="TEAM",
                description="File the quarterly return with the CDTFA and pay what is owed.",
                metadata={"agency": "CDTFA", "period": f"{previous.year}-Q{(previous.month - 1) // 3 + 1}"})
        if first.month in (3, 6, 9, 12):
            add(_last_weekday(last, 4), 7, 240, f"Quarterly cycle count: {first:%B %Y}", "INVENTORY", "AUDIT",
                crew.one("Inventory Manager"), priority="HIGH", location="Warehouse",
                description="Full count of every location; variances over 2% go to the controller.",
                metadata={"scope": "all locations", "varianceThresholdPct": 2},
                team=[(crew.one("Warehouse Lead"), "REQUIRED"), (crew.one("Warehouse Associate"), "REQUIRED"),
                      (compliance, "OBSERVER")], invites=True)
        if first.month in (3, 9):
            add(_nth_weekday(first.year, first.month, 2, 3), 10, 180, "State compliance inspection", "COMPLIANCE",
                "AUDIT", compliance, priority="URGENT", location="TERP HQ and warehouse",
                description="Department of Cannabis Control site inspection: records, security, inventory.",
                metadata={"agency": "DCC", "licenseType": "Distributor"},
                team=[(crew.one("Operations Director"), "REQUIRED"), (crew.one("Inventory Manager"), "REQUIRED")],
                invites=True, guests=[inspector])
    return events


# (title, frequency, interval, weekday (WEEKLY) or day of month, hour, minute, minutes, module,
#  event type, organizer's job, team jobs, occurrences or None for an open-ended series)
SERIES = [
    ("Weekly sales meeting", "WEEKLY", 1, 0, 9, 0, 60, "CLIENTS", "MEETING", "Sales Manager",
     ["Sales Rep", "Owner"], None),
    ("Inventory and intake planning", "WEEKLY", 1, 2, 14, 0, 45, "INVENTORY", "MEETING", "Inventory Manager",
     ["Buyer", "Warehouse Lead", "Operations Manager"], None),
    ("Compliance check-in", "WEEKLY", 2, 3, 11, 0, 30, "COMPLIANCE", "MEETING", "Compliance Officer",
     ["Operations Manager", "Inventory Manager"], None),
    ("Monthly AR review", "MONTHLY", 1, 5, 10, 0, 60, "ACCOUNTING", "MEETING", "Controller",
     ["AR Specialist", "Sales Manager", "Owner"], None),
    ("Monthly operations review", "MONTHLY", 1, 20, 15, 0, 90, "GENERAL", "MEETING", "Operations Director",
     ["Owner", "Operations Manager", "Controller", "Sales Manager"], None),
    ("New menu launch stand-up", "WEEKLY", 1, 4, 8, 30, 15, "GENERAL", "MEETING", "Operations Manager",
     ["Sales Manager", "Inventory Manager", "Warehouse Lead"], 6),
    ("Distributor license renewal", "YEARLY", 1, None, 9, 0, 60, "COMPLIANCE", "DEADLINE", "Compliance Officer",
     ["Operations Director"], 3),
]


def _skipped(frequency: str, day: dt.date) -> bool:
    """Occurrences left out of a series: holidays, and weekends for monthly ones."""
    return day in _holidays(day.year) or (frequency != "WEEKLY" and day.weekday() >= 5)


def _rule(frequency: str, interval: int, start: dt.date, stop: dt.date, count: int | None) -> Rule:
    """The occurrences from ``start``: through ``stop`` or the first ``count``."""
    dates, exceptions, k = [], [], 0
    while True:
        day = start + dt.timedelta(weeks=interval * k) if frequency == "WEEKLY" else \
            _add_months(start, interval * k * (12 if frequency == "YEARLY" else 1), start.day)
        if (count is None and day > stop) or (count is not None and len(dates) == count):
            break
        (exceptions if _skipped(frequency, day) else dates).append(day)
        k += 1
    rule = Rule(frequency, interval, start, dates, exceptions, ongoing=count is None)
    if frequency == "WEEKLY":
        rule.by_day = [_js_weekday(start)]
    elif frequency == "MONTHLY":
        rule.by_month_day = [start.day]
    else:
        rule.by_month, rule.by_month_day = [start.month], [start.day]
    return rule


def _series_start(rng, ctx, frequency: str, anchor, count) -> dt.date:
    if frequency == "YEARLY":
        return _weekday(min(ctx.window_start + dt.timedelta(days=40), ctx.window_end - dt.timedelta(days=5)))
    day = ctx.window_start
    if count is not None:  # a project: starts somewhere in the window
        day += dt.timedelta(days=rng.randint(0, max(0, (ctx.window_end - ctx.window_start).days - 14)))
    while (day.weekday() != anchor) if frequency == "WEEKLY" else (day.day != anchor or _skipped(frequency, day)):
        day += dt.timedelta(days=1)
    while _skipped(frequency, day):
        day += dt.timedelta(weeks=1)
    return day


def _series(ctx, crew: Crew) -> list[Event]:
    """Recurring team meetings and the yearly license renewal."""
    rng = ctx.rng
    events = []
    for (title, freq, interval, anchor, hour, minute, minutes, module, kind, organizer, jobs,
         count) in SERIES:
        first = _series_start(rng, ctx, freq, anchor, count)
        rule = _rule(freq, interval, first, _horizon(ctx).date(), count)
        start = at(rule.dates[0], hour, minute)
        owner = crew.one(organizer)
        made = _during(rng, start - dt.timedelta(days=14), start - dt.timedelta(days=1))
        team = [(uid, "REQUIRED") for uid in crew.all(*jobs) if uid != owner]
        every = {"WEEKLY": "week" if interval == 1 else f"{interval} weeks", "MONTHLY": "month",
                 "YEARLY": "year"}[freq]
        events.append(Event(
            kind="series", title=title, start=start, minutes=minutes, module=module, event_type=kind,
            created=made, created_by=owner, assigned_to=owner, description=f"Every {every}.",
            location=HQ_ROOMS[1] if kind == "MEETING" else None, priority="HIGH" if kind == "DEADLINE" else "MEDIUM",
            visibility="TEAM" if module in ("ACCOUNTING", "COMPLIANCE") else "COMPANY",
            metadata={"series": slug(title), "every": every}, team=team[:4], invites=kind == "MEETING", rule=rule,
        ))
    return events


# --------------------------------------------------------------------------- the story of each event
def _settle_created(ctx, ev: Event) -> None:
    """Booked after TERP was set up, before the event, and inside the window."""
    lo = at(setup_day(ctx) + dt.timedelta(days=1), 8)
    hi = min(ev.start - 30 * MINUTE, _end(ctx) - 2 * HOUR)
    if ev.created < lo:  # planned before TERP was set up: entered in its first days
        ev.created = _during(ctx.rng, lo, min(hi, lo + dt.timedelta(days=3))) or lo
    if ev.created > hi:  # booked far ahead: in the window's last two weeks
        ev.created = _during(ctx.rng, max(lo, hi - dt.timedelta(days=14)), hi)


def _plan_changes(rng, ev: Event, end: dt.datetime, crew: Crew) -> None:
    """When a rescheduled event moved, and an edit (location, assignee or priority) to some."""
    if ev.previous_start:
        ev.moved_at = _during(rng, ev.created + HOUR, min(ev.previous_start, ev.start, end) - 30 * MINUTE)
        if ev.moved_at is None:
            ev.previous_start = None
    if ev.auto_rule or ev.kind in ("intake", "delivery") or rng.random() >= EDIT_SHARE:
        return
    when = _during(rng, (ev.moved_at or ev.created) + 10 * MINUTE, min(ev.start, end) - 10 * MINUTE)
    if when is None:
        return
    others = [uid for uid in crew.names if uid != ev.assigned_to]
    if ev.location and rng.random() < 0.5:
        old = pick(rng, [r for r in HQ_ROOMS if r != ev.location])
        ev.edit = ("location", old, ev.location, when)
    elif ev.kind == "company" and others and rng.random() < 0.5:
        ev.edit = ("assigned_to", str(pick(rng, others)), str(ev.assigned_to), when)
    else:
        ev.edit = ("priority", "LOW" if ev.priority == "MEDIUM" else "MEDIUM", ev.priority, when)


def _cancel_some(rng, events: list[Event], end: dt.datetime) -> None:
    """A few cancellable events are called off before they start; some of those are deleted."""
    pool = [ev for ev in events if ev.cancellable]
    rng.shuffle(pool)
    want, done = max(1, round(len(pool) * CANCEL_SHARE)), 0
    for ev in pool:
        if done >= want:
            break
        latest = max(c for c in (ev.created, ev.moved_at, ev.edit[3] if ev.edit else None) if c)
        ev.cancelled = _during(rng, latest + 30 * MINUTE, min(ev.start - HOUR, end - HOUR))
        done += ev.cancelled is not None
    cancelled = [ev for ev in events if ev.cancelled]
    for ev in rng.sample(cancelled, max(1, round(len(cancelled) * DELETE_SHARE)) if cancelled else 0):
        ev.deleted = _during(rng, ev.cancelled + HOUR, min(end, ev.cancelled + dt.timedelta(days=7)))


def _status(ev: Event, end: dt.datetime) -> str:
    if ev.cancelled:
        return "CANCELLED"
    day = ev.last_start.date()
    if ev.rule and any(d > end.date() for d in ev.rule.dates):
        return "SCHEDULED"
    return "COMPLETED" if day < end.date() else "IN_PROGRESS" if day == end.date() else "SCHEDULED"


# ----------------------------------------------------------------- attendees and invitations
def _run_invitation(rng, ev: Event, inv: Invitation, outcome: str, end: dt.datetime) -> None:
    """Created, then sent, then answered, auto-accepted, left to expire or cancelled with the event."""
    responder = inv.user_id if inv.invitee_type == "USER" else None
    inv.steps = [("CREATED", inv.created, ev.created_by, None)]
    if ev.cancelled:
        inv.sent = _during(rng, inv.created + MINUTE, ev.cancelled - MINUTE) if rng.random() < 0.8 else None
        if inv.sent:
            inv.steps.append(("SENT", inv.sent, ev.created_by, None))
        inv.expires = ev.start if inv.sent else None
        inv.status = "CANCELLED"
        inv.steps.append(("CANCELLED", ev.cancelled, ev.created_by, "The event was cancelled"))
        return
    if outcome == "none" and ev.start > end and rng.random() < 0.3:
        inv.status = "DRAFT"  # not sent yet
        return
    limit = min(ev.start, end)
    inv.sent = _during(rng, inv.created + MINUTE, min(inv.created + 3 * HOUR, limit - 10 * MINUTE)) \
        or inv.created + MINUTE
    inv.expires = ev.start
    inv.steps.append(("SENT", inv.sent, ev.created_by, None))
    if outcome == "auto":
        inv.status, inv.responded = "AUTO_ACCEPTED", inv.sent + dt.timedelta(seconds=rng.randint(1, 5))
        inv.steps.append(("AUTO_ACCEPTED", inv.responded, None, inv.auto_reason))
        return
    if outcome in ("accept", "decline"):
        inv.responded = _during(rng, inv.sent + MINUTE, limit)
        if inv.responded:
            inv.status = "ACCEPTED" if outcome == "accept" else "DECLINED"
            inv.steps.append((inv.status, inv.responded, responder, None))
            return
    resent = _during(rng, inv.sent + HOUR, limit - MINUTE) if rng.random() < 0.3 else None
    if resent:
        inv.steps.append(("RESENT", resent, ev.created_by, "Reminder: please respond"))
    if ev.start <= end:
        inv.status = "EXPIRED"
        inv.steps.append(("EXPIRED", ev.start, None, "No response before the event started"))
    else:
        inv.status = "PENDING"


def _outcome(rng, ev: Event, end: dt.datetime) -> str:
    if ev.start <= end:
        return weighted(rng, [("accept", 0.82), ("decline", 0.06), ("none", 0.12)])
    return weighted(rng, [("accept", 0.40), ("decline", 0.08), ("none", 0.52)])


def _respond(rng, ev: Event, att: Attendee, end: dt.datetime) -> None:
    """The answer of an attendee who got no invitation (the event sends none)."""
    limit = min(ev.start, end, ev.cancelled or ev.start)
    if ev.cancelled and att.user_id != ev.assigned_to:
        return
    if att.user_id == ev.assigned_to:
        answer = "ACCEPTED"
    elif ev.start <= end:
        answer = weighted(rng, [("ACCEPTED", 0.8), ("TENTATIVE", 0.05), ("DECLINED", 0.05), ("PENDING", 0.1)])
    else:
        answer = weighted(rng, [("ACCEPTED", 0.45), ("TENTATIVE", 0.1), ("DECLINED", 0.05), ("PENDING", 0.4)])
    when = _during(rng, att.added + MINUTE, limit) if answer != "PENDING" else None
    if when:
        att.response, att.responded = answer, when


def _attend(rng, ev: Event, settings: dict[int, dict], end: dt.datetime) -> None:
    """Organizer, assignee and team (1-5 people), with their invitations when the event sends them."""
    people, seen = [], set()
    for uid, role in [(ev.created_by, "ORGANIZER"), (ev.assigned_to, "REQUIRED")] + ev.team:
        if uid is not None and uid not in seen and len(people) < 5:
            seen.add(uid)
            people.append((uid, role))
    limit = min(ev.start, end, ev.cancelled or ev.start)
    for uid, role in people:
        late = role != "ORGANIZER" and rng.random() < 0.15
        added = (_during(rng, ev.created, limit - HOUR) if late else None) or ev.created
        att = Attendee(uid, role, added)
        ev.attendees.append(att)
        if role == "ORGANIZER":
            att.response, att.responded = "ACCEPTED", added + dt.timedelta(seconds=rng.randint(5, 300))
        elif ev.invites:
            reason = _auto_reason(settings[uid], ev)
            outcome = "auto" if reason else "accept" if uid == ev.assigned_to else _outcome(rng, ev, end)
            inv = Invitation("USER", role, min(added + dt.timedelta(minutes=rng.randint(0, 15)), limit - 20 * MINUTE),
                             user_id=uid, auto_reason=reason)
            inv.created = max(inv.created, added)
            _run_invitation(rng, ev, inv, outcome, end)
            att.invitation = inv
            if inv.status in ("ACCEPTED", "AUTO_ACCEPTED", "DECLINED"):
                att.response = "DECLINED" if inv.status == "DECLINED" else "ACCEPTED"
                att.responded = inv.responded
            ev.invitations.append(inv)
        else:
            _respond(rng, ev, att, end)


def _invite_outsiders(rng, ev: Event, end: dt.datetime) -> None:
    """The client of a client meeting and outside guests (the client's buyer, photographer, inspector)."""
    made = min(ev.created + dt.timedelta(minutes=rng.randint(2, 30)), min(ev.start, end) - 20 * MINUTE)
    made = max(made, ev.created)
    guests = [Invitation("CLIENT", "REQUIRED", made, client_id=ev.client_id)] if ev.kind == "meeting" else []
    guests += [Invitation("EXTERNAL", "OPTIONAL" if ev.kind == "meeting" else "REQUIRED", made,
                          email=email, name=name) for email, name in ev.guests]
    for inv in guests:
        outcome = _outcome(rng, ev, end)
        if ev.start <= end and outcome == "decline":
            outcome = "accept"  # a meeting that took place: they came
        inv.message = f"You are invited to {ev.title} on {ev.start:%A %B %d at %I:%M %p}."
        _run_invitation(rng, ev, inv, outcome, end)
        ev.invitations.append(inv)


# ----------------------------------------------------------------- the event's own history
def _snapshot(ev: Event, start: dt.datetime, status: str, location, priority, assigned) -> dict:
    return {"title": ev.title, "startDate": start.date().isoformat(), "startTime": _hms(start),
            "endTime": _hms(start + dt.timedelta(minutes=ev.minutes)), "status": status,
            "location": location, "priority": priority, "assignedTo": assigned}


def _history(ev: Event, end: dt.datetime) -> None:
    """CREATED, then the reschedule and edit, then how it ended (in time order)."""
    doer = ev.assigned_to or ev.created_by
    changes = [Change("CREATED", ev.created, ev.created_by, reason="Event created")]
    if ev.previous_start:
        changes.append(Change("RESCHEDULED", ev.moved_at, ev.created_by, "start_date",
                              f"{ev.previous_start:%Y-%m-%d %H:%M:%S}", f"{ev.start:%Y-%m-%d %H:%M:%S}",
                              "Moved at the attendees' request" if ev.kind == "meeting" else "Delivery date changed"))
    if ev.edit:
        name, old, new, when = ev.edit
        changes.append(Change("UPDATED", when, ev.created_by, name, old, new, "Details updated"))
    if ev.cancelled:
        changes.append(Change("CANCELLED", ev.cancelled, ev.created_by, "status", "SCHEDULED", "CANCELLED",
                              "Called off"))
        if ev.deleted:
            changes.append(Change("DELETED", ev.deleted, ev.created_by, reason="Removed from the calendar"))
    elif ev.status == "IN_PROGRESS":
        changes.append(Change("UPDATED", ev.last_start, doer, "status", "SCHEDULED", "IN_PROGRESS", "Started"))
    elif ev.status == "COMPLETED":
        finish = ev.last_start + dt.timedelta(minutes=ev.minutes)
        changes.append(Change("COMPLETED", min(finish, end), doer, "status", "SCHEDULED", "COMPLETED", "Done"))
    changes.sort(key=lambda c: c.when)
    start = ev.previous_start or ev.start
    state = {"status": "SCHEDULED", "location": ev.location, "priority": ev.priority, "assigned_to": ev.assigned_to}
    if ev.edit:
        state[ev.edit[0]] = int(ev.edit[1]) if ev.edit[0] == "assigned_to" else ev.edit[1]
    for change in changes:
        if change.kind == "RESCHEDULED":
            start = ev.start
        elif change.field in ("location", "priority"):
            state[change.field] = change.new
        elif change.field == "assigned_to":
            state["assigned_to"] = int(change.new)
        elif change.field == "status":
            state["status"] = change.new
        change.snapshot = _snapshot(ev, start, state["status"], state["location"], state["priority"],
                                    state["assigned_to"])
        if change.kind == "DELETED":
            change.snapshot["deletedAt"] = f"{change.when:%Y-%m-%d %H:%M:%S}"
    ev.history = changes


# ----------------------------------------------------------------- reminders
REMINDER_MINUTES = [15, 30, 60, 1440]


def _remind(rng, ev: Event, end: dt.datetime) -> None:
    """Reminders for the assignee (usually) and some attendees, before the start."""
    for att in ev.attendees:
        if rng.random() >= (0.8 if att.user_id == (ev.assigned_to or ev.created_by) else 0.2):
            continue
        options = [m for m in REMINDER_MINUTES
                   if ev.start - dt.timedelta(minutes=m) > att.added
                   and (ev.start <= end or ev.start - dt.timedelta(minutes=m) > end)]
        if not options or att.response == "DECLINED":
            continue
        minutes = pick(rng, options)
        when = ev.start - dt.timedelta(minutes=minutes)
        method = weighted(rng, [("IN_APP", 0.6), ("EMAIL", 0.25), ("BOTH", 0.15)])
        if ev.cancelled and when > ev.cancelled:
            status, sent = "CANCELLED", None
        elif when <= end:
            status, sent = "SENT", when + dt.timedelta(seconds=rng.randint(0, 45))
        else:
            status, sent = "PENDING", None
        ev.reminders.append(Reminder(att.user_id, minutes, when, method, status, att.added, sent))


FAILURES = ["SMTP 550: mailbox unavailable", "SMTP 421: service not available, try again later",
            "Recipient address rejected by the mail server"]


def _fail_some(rng, events: list[Event]) -> None:
    """A few e-mailed reminders bounced."""
    mailed = [r for ev in events for r in ev.reminders if r.status == "SENT" and r.method != "IN_APP"]
    for r in rng.sample(mailed, max(1, round(len(mailed) * FAILED_REMINDER_SHARE)) if mailed else 0):
        r.status, r.sent, r.failure = "FAILED", None, pick(rng, FAILURES)


# ----------------------------------------------------------------- the dataset
def _outsiders(ctx) -> tuple[tuple[str, str], tuple[str, str]]:
    """The product photographer and the state inspector: (e-mail, name)."""
    fake = ctx.fake
    photographer, inspector = fake.name(), fake.name()
    studio = slug(fake.last_name())
    return ((f"bookings@{studio}-studio.example", f"{photographer} ({studio.title()} Studio)"),
            (f"{slug(inspector, '.')}@dcc-inspections.example", inspector))


def schedule(ctx) -> Schedule:
    rng, end = ctx.rng, _end(ctx)
    crew = Crew(ctx)
    settings = _settings(ctx, crew)
    studio, inspector = _outsiders(ctx)
    events = (_intakes(ctx, crew) + _photo_sessions(ctx, crew, studio) + _collections(ctx, crew)
              + _deliveries(ctx, crew) + _client_meetings(ctx, crew) + _company_calendar(ctx, crew, inspector)
              + _series(ctx, crew))
    for ev in events:
        _settle_created(ctx, ev)
    events.sort(key=lambda e: (e.start, e.kind, e.title))
    for n, ev in enumerate(events, start=1):
        ev.id = ctx.id(n)
        _plan_changes(rng, ev, end, crew)
    _cancel_some(rng, events, end)
    by_user = {s["user_id"]: s for s in settings}
    for ev in events:
        ev.status = _status(ev, end)
        _attend(rng, ev, by_user, end)
        if ev.invites:
            _invite_outsiders(rng, ev, end)
        _history(ev, end)
        _remind(rng, ev, end)
    _fail_some(rng, events)
    _number(ctx, events)
    return Schedule(events, settings)


def _number(ctx, events: list[Event]) -> None:
    """Participant and invitation ids, in event order."""
    attendees = [att for ev in events for att in ev.attendees]
    for n, att in enumerate(attendees, start=1):
        att.id = ctx.id(n)
        if att.invitation:
            att.invitation.participant_id = att.id
    for n, inv in enumerate((inv for ev in events for inv in ev.invitations), start=1):
        inv.id = ctx.id(n)


def _events(ctx) -> list[Event]:
    return ctx.dataset(schedule).events


# --------------------------------------------------------------------------- tables
def calendar_events(ctx):
    rows = []
    for ev in _events(ctx):
        entity_type, entity_id = ev.entity or (None, None)
        rows.append({
            "id": ev.id, "title": ev.title, "description": ev.description, "location": ev.location,
            "start_date": ev.start.date(), "end_date": ev.end.date(), "start_time": _hms(ev.start),
            "end_time": _hms(ev.end), "timezone": TZ, "is_floating_time": False, "module": ev.module,
            "event_type": ev.event_type, "status": ev.status, "priority": ev.priority,
            "is_recurring": ev.rule is not None, "entity_type": entity_type, "entity_id": entity_id,
            "client_id": ev.client_id, "vendor_id": ev.vendor_id, "metadata": ev.metadata,
            "created_by": ev.created_by, "assigned_to": ev.assigned_to, "visibility": ev.visibility,
            "is_auto_generated": ev.auto_rule is not None, "auto_generation_rule": ev.auto_rule,
            "created_at": ev.created, "updated_at": ev.updated, "deleted_at": ev.deleted,
        })
    return rows


def _recurring(ctx) -> list[Event]:
    return [ev for ev in _events(ctx) if ev.rule]


def calendar_recurrence_rules(ctx):
    rows = []
    for ev in _recurring(ctx):
        rule = ev.rule
        rows.append({
            "id": ctx.id(len(rows) + 1), "event_id": ev.id, "frequency": rule.frequency,
            "interval": rule.interval, "by_day": rule.by_day, "by_month_day": rule.by_month_day,
            "by_week_of_month": None, "by_day_of_week_in_month": None, "by_month": rule.by_month,
            "start_date": rule.start, "end_date": rule.dates[-1] if rule.ongoing else None,
            "count": None if rule.ongoing else len(rule.dates),
            "exception_dates": [d.isoformat() for d in rule.exceptions],
            "created_at": ev.created, "updated_at": ev.created,
        })
    return rows


# (why one occurrence differs, where it is held instead)
INSTANCE_CHANGES = [("Moved to the big conference room", HQ_ROOMS[0]),
                    ("Held on video this week", "Video call (Google Meet)"), ("Shortened: month-end week", None)]


def calendar_recurrence_instances(ctx):
    """Each occurrence through the planning horizon; some modified or cancelled ahead of time."""
    rng, end, horizon = ctx.rng, _end(ctx), _horizon(ctx).date()
    rows = []
    for ev in _recurring(ctx):
        for day in (d for d in ev.rule.dates if d <= horizon):
            start = dt.datetime.combine(day, ev.start.time())
            generated = max(ev.created, at(day - dt.timedelta(days=90), 2))
            row = {
                "id": ctx.id(len(rows) + 1), "parent_event_id": ev.id, "instance_date": day,
                "start_time": _hms(start), "end_time": _hms(start + dt.timedelta(minutes=ev.minutes)),
                "timezone": TZ, "status": "GENERATED", "modified_title": None, "modified_description": None,
                "modified_location": None, "modified_assigned_to": None, "generated_at": generated,
                "modified_at": None, "modified_by": None,
            }
            roll = rng.random() if ev.event_type == "MEETING" else 1.0
            changed = _during(rng, generated, min(start - HOUR, end))
            if roll < 0.04 and changed:
                row["status"] = "CANCELLED"
            elif roll < 0.10 and changed:
                note, place = pick(rng, INSTANCE_CHANGES)
                covering = pick(rng, [a.user_id for a in ev.attendees if a.user_id != ev.assigned_to]
                                or [ev.assigned_to])
                row.update(status="MODIFIED", modified_title=f"{ev.title} ({note.split(':')[0].lower()})",
                           modified_description=note, modified_location=place,
                           modified_assigned_to=covering if rng.random() < 0.3 else None,
                           modified_at=changed, modified_by=ev.created_by)
            rows.append(row)
    return rows


def calendar_event_participants(ctx):
    rows = []
    for ev in _events(ctx):
        for att in ev.attendees:
            rows.append({
                "id": att.id, "event_id": ev.id, "user_id": att.user_id, "role": att.role,
                "response_status": att.response, "responded_at": att.responded,
                "notify_on_creation": True, "notify_on_update": att.role != "OBSERVER",
                "added_by": ev.created_by, "added_at": att.added,
            })
    return rows


def calendar_event_invitations(ctx):
    rows = []
    for ev in _events(ctx):
        for inv in ev.invitations:
            rows.append({
                "id": inv.id, "event_id": ev.id, "invitee_type": inv.invitee_type, "user_id": inv.user_id,
                "client_id": inv.client_id, "external_email": inv.email, "external_name": inv.name,
                "role": inv.role, "message": inv.message, "status": inv.status,
                "auto_accept": inv.status == "AUTO_ACCEPTED", "auto_accept_reason": inv.auto_reason,
                "admin_override": False, "overridden_by": None, "override_reason": None, "overridden_at": None,
                "sent_at": inv.sent, "responded_at": inv.responded, "expires_at": inv.expires,
                "created_by": ev.created_by, "created_at": inv.created, "updated_at": inv.steps[-1][1],
                "participant_id": inv.participant_id,
            })
    return rows


def calendar_invitation_history(ctx):
    rows = []
    for ev in _events(ctx):
        for inv in ev.invitations:
            for action, when, by, notes in inv.steps:
                rows.append({
                    "id": ctx.id(len(rows) + 1), "invitation_id": inv.id, "action": action,
                    "performed_by": by, "performed_at": when, "notes": notes,
                    "metadata": {"eventId": ev.id, "inviteeType": inv.invitee_type,
                                 "channel": "in-app" if inv.invitee_type == "USER" else "email"},
                })
    return rows


def calendar_invitation_settings(ctx):
    return [{"id": ctx.id(n), **setting} for n, setting in enumerate(ctx.dataset(schedule).settings, start=1)]


def calendar_reminders(ctx):
    rows = []
    for ev in _events(ctx):
        for r in ev.reminders:
            rows.append({
                "id": ctx.id(len(rows) + 1), "event_id": ev.id, "user_id": r.user_id, "reminder_time": r.when,
                "relative_minutes": r.minutes, "method": r.method, "status": r.status, "sent_at": r.sent,
                "failure_reason": r.failure, "created_at": r.created,
            })
    return rows


def calendar_event_history(ctx):
    rows = []
    for ev in _events(ctx):
        for c in ev.history:
            rows.append({
                "id": ctx.id(len(rows) + 1), "event_id": ev.id, "change_type": c.kind, "changed_by": c.by,
                "changed_at": c.when, "field_changed": c.field, "previous_value": c.old, "new_value": c.new,
                "change_reason": c.reason, "full_snapshot": c.snapshot,
            })
    return rows


# kind -> (share of events with a file, original file name, MIME type, size range in bytes)
ATTACHMENTS = {
    "intake": (0.5, "COA {code}.pdf", "application/pdf", (90_000, 1_800_000)),
    "photo": (0.6, "Shot list {code}.pdf", "application/pdf", (40_000, 300_000)),
    "meeting": (0.35, "Agenda - {client}.pdf", "application/pdf", (30_000, 400_000)),
    "company": (0.5, "{title}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                (20_000, 600_000)),
    "series": (0.4, "{title} notes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               (15_000, 200_000)),
}


def calendar_event_attachments(ctx):
    """COAs on intakes, shot lists, agendas, count sheets and meeting notes."""
    rng, end = ctx.rng, _end(ctx)
    names = {c["id"]: c["name"] for c in ctx.rows("clients")}
    rows = []
    for ev in _events(ctx):
        share, pattern, mime, (low, high) = ATTACHMENTS.get(ev.kind, (0, "", "", (0, 0)))
        if rng.random() >= share:
            continue
        when = _during(rng, ev.start + 30 * MINUTE, min(end, ev.start + 2 * HOUR)) if ev.kind == "intake" \
            else _during(rng, ev.created + 10 * MINUTE, min(end, ev.start - 10 * MINUTE))
        if when is None:
            continue
        original = pattern.format(code=ev.metadata.get("lotCode") or ev.metadata.get("batchCode", ""),
                                  client=names.get(ev.client_id, ""), title=ev.title.replace(":", " -"))
        stem, ext = original.rsplit(".", 1)
        filename = f"{ev.id}-{slug(stem)}.{ext}"
        rows.append({
            "id": ctx.id(len(rows) + 1), "event_id": ev.id, "filename": filename, "original_filename": original,
            "url": f"{DOCS_URL}{ev.id}/{filename}", "file_size": rng.randint(low, high), "mime_type": mime,
            "uploaded_by": ev.assigned_to if ev.kind == "intake" else ev.created_by, "uploaded_at": when,
        })
    return rows


def calendar_event_permissions(ctx):
    """A few grants: reps see their clients' escalations (and some collection calls),
    auditors and managers see inspections and counts, executives manage quarterly planning."""
    rng, end = ctx.rng, _end(ctx)
    roles = {r["name"]: r["id"] for r in ctx.rows("roles")}
    rep_of = _rep_of(ctx)
    rows = []

    def grant(ev, grant_type, grantee, permission):
        when = _during(rng, ev.created + 5 * MINUTE, min(end, ev.start, ev.cancelled or ev.start))
        if when:
            rows.append({"id": ctx.id(len(rows) + 1), "event_id": ev.id, "grant_type": grant_type,
                         "grantee_id": grantee, "permission": permission, "granted_by": ev.created_by,
                         "granted_at": when})

    for ev in _events(ctx):
        if ev.event_type == "AR_COLLECTION" and ev.client_id in rep_of \
                and (ev.priority == "URGENT" or rng.random() < 0.25):
            grant(ev, "USER", rep_of[ev.client_id], "VIEW")
        elif ev.event_type == "AUDIT":
            grant(ev, "ROLE", roles["Read-Only Auditor"], "VIEW")
            if ev.module == "COMPLIANCE":
                grant(ev, "ROLE", roles["Operations Manager"], "EDIT")
        elif ev.title.startswith("Quarterly planning"):
            grant(ev, "ROLE", roles["Owner/Executive"], "MANAGE")
    return rows


# job -> saved views: (name, filters, view type)
VIEWS = {
    "Sales": [("My client meetings", {"modules": ["CLIENTS"], "eventTypes": ["MEETING"], "mine": True}, "WEEK"),
              ("Deliveries", {"eventTypes": ["DELIVERY"]}, "AGENDA")],
    "Warehouse": [("Intake and photos", {"eventTypes": ["INTAKE", "PHOTOGRAPHY"]}, "WEEK"),
                  ("Deliveries", {"eventTypes": ["DELIVERY"]}, "DAY")],
    "Accounting": [("Collections", {"modules": ["ACCOUNTING"], "eventTypes": ["PAYMENT_DUE", "AR_COLLECTION"]},
                    "AGENDA"), ("Deadlines", {"eventTypes": ["DEADLINE"]}, "MONTH")],
    "Compliance": [("Audits and deadlines", {"modules": ["COMPLIANCE"], "eventTypes": ["AUDIT", "DEADLINE", "TASK"]},
                    "MONTH")],
    "Leadership": [("Company calendar", {"visibility": ["COMPANY"]}, "MONTH"),
                   ("Deadlines", {"eventTypes": ["DEADLINE"]}, "AGENDA")],
}
VIEW_GROUP = {"Sales Rep": "Sales", "Sales Manager": "Sales", "Warehouse Lead": "Warehouse",
              "Warehouse Associate": "Warehouse", "Inventory Manager": "Warehouse", "Buyer": "Warehouse",
              "Controller": "Accounting", "AR Specialist": "Accounting", "Compliance Officer": "Compliance"}


def calendar_views(ctx):
    """"My calendar" for everyone, then up to two views of the user's own work."""
    rng, end = ctx.rng, _end(ctx)
    rows = []
    for user, job, _rbac in staff(ctx):
        own = VIEWS[VIEW_GROUP.get(job, "Leadership")]
        views = [("My calendar", {"assignedTo": [user["id"]], "showCompleted": False}, "WEEK")]
        views += own[: rng.randint(0, len(own))]
        for k, (name, filters, kind) in enumerate(views):
            created = _during(rng, user["createdAt"] + dt.timedelta(days=1), at(ctx.window_start, 18)) \
                or user["createdAt"] + dt.timedelta(days=1)
            updated = _during(rng, created, end) if rng.random() < 0.3 else created
            rows.append({"id": ctx.id(len(rows) + 1), "user_id": user["id"], "name": name, "is_default": k == 0,
                         "filters": {**filters, "timezone": TZ}, "default_view_type": kind,
                         "created_at": created, "updated_at": updated})
    return rows


# --------------------------------------------------------------------------- client meeting history
MEETING_KINDS = {"Client site": "In person at the client", "TERP HQ": "In person at our office",
                 "Video call": "Video call", "Phone call": "Phone call"}
ACTION_ITEMS = {
    "Order placed": ["Confirm delivery window", "Send invoice copy to the buyer"],
    "Follow-up scheduled": ["Prepare pricing for the follow-up", "Send samples list"],
    "Samples requested": ["Pull samples from live batches", "Log the sample request"],
    "Pricing agreed": ["Update the client's pricing profile"],
    "No change": ["Check in again next month"],
}


def _outcome_of(ev: Event, sales_after: list, later_meetings: list) -> str:
    if any(ev.end <= o.created <= ev.end + dt.timedelta(days=10) for o in sales_after):
        return "Order placed"
    if any(m.start > ev.start and m.start - ev.start <= dt.timedelta(days=45) for m in later_meetings):
        return "Follow-up scheduled"
    topic = ev.metadata["meetingType"]
    return {"New strain tasting": "Samples requested", "Pricing review": "Pricing agreed",
            "Credit terms discussion": "Pricing agreed"}.get(topic, "No change")


def client_meeting_history(ctx):
    """Each client meeting that took place: who came, what came of it, what to do next."""
    rng, end = ctx.rng, _end(ctx)
    crew = Crew(ctx)
    clients = {c["id"]: c["name"] for c in ctx.rows("clients")}
    meetings = [ev for ev in _events(ctx) if ev.kind == "meeting"]
    sales = {}
    for o in ctx.dataset(trade).orders:
        if o.kind == "SALE":
            sales.setdefault(o.client["id"], []).append(o)
    rows = []
    for ev in meetings:
        if ev.status != "COMPLETED":
            continue
        others = [m for m in meetings if m.client_id == ev.client_id and m.status != "CANCELLED"]
        outcome = _outcome_of(ev, sales.get(ev.client_id, []), others)
        written = min(end, ev.end + dt.timedelta(minutes=rng.randint(15, 120)))
        came = [a for a in ev.attendees if a.response == "ACCEPTED"]
        owner, due = ev.assigned_to, ev.start.date() + dt.timedelta(days=7)
        rows.append({
            "id": ctx.id(len(rows) + 1), "client_id": ev.client_id, "calendar_event_id": ev.id,
            "meeting_date": ev.start,
            "meeting_type": next((v for k, v in MEETING_KINDS.items() if (ev.location or "").startswith(k)), "Meeting"),
            "attendees": [{"userId": a.user_id, "name": crew.names[a.user_id], "role": a.role} for a in came]
            + [{"clientId": ev.client_id, "name": clients[ev.client_id], "role": "CLIENT"}],
            "outcome": outcome, "notes": f"{ev.metadata['meetingType']}: {outcome.lower()}.",
            "action_items": [{"item": item, "ownerId": owner, "dueDate": due.isoformat(), "done": due < ctx.window_end}
                             for item in ACTION_ITEMS[outcome]],
            "created_at": written, "updated_at": written,
        })
    return rows


# --------------------------------------------------------------------------- forward references
FRESH_INTAKE = dt.timedelta(days=4)


def order_intake_events(ctx):
    """orders.intake_event_id: orders placed within four days of the intake of a batch on
    them (the latest such intake held on or before the order's creation)."""
    intake = {ev.entity[1]: ev for ev in _events(ctx) if ev.event_type == "INTAKE"}
    updated = {row["id"]: row["updated_at"] for row in ctx.rows("orders")}
    rows = []
    for o in ctx.dataset(trade).orders:
        held = [intake[l.batch.lot_id] for l in o.lines
                if l.batch.lot_id in intake and intake[l.batch.lot_id].start <= o.created]
        fresh = [ev for ev in held if o.created - ev.start <= FRESH_INTAKE]
        if fresh:
            ev = max(fresh, key=lambda e: (e.start, e.id))
            rows.append({"id": o.id, "intake_event_id": ev.id, "updated_at": updated[o.id]})
    return rows


def batch_photo_events(ctx):
    """batches.photo_session_event_id: the batch's PHOTOGRAPHY session."""
    updated = {row["id"]: row["updatedAt"] for row in ctx.rows("batches")}
    return [{"id": ev.entity[1], "photo_session_event_id": ev.id, "updatedAt": updated[ev.entity[1]]}
            for ev in _events(ctx) if ev.event_type == "PHOTOGRAPHY"]
