"""The staff's workspace: notes, scratch pads, vendor notes, to-do lists, dashboards,
alerts, the audit trail and the application's deployments.

Everything the staff write is about what the business really did (the ``trade``,
``supply`` and ``books`` datasets): a collections note lists invoices that were
open that day, a recount task names a batch that had stock on the shelf, a
vendor note describes a lot that came in.  Four shared datasets keep tables
that tell one story together:

* ``story``: lookups into the trade and the books by moment (who bought what,
  what was open, what was in stock) for the text of notes and tasks;
* ``notes``: freeform notes with their events and comments
  (freeform_notes, client_notes, note_activity, note_comments);
* ``todos``: to-do lists with their members, tasks and task histories
  (todo_lists, todo_list_members, todo_tasks, todo_task_activity);
* ``dashboards``: each user's dashboard layout (dashboard_widget_layouts,
  userDashboardPreferences).

Nothing is dated after the window's last second, except the due dates of
tasks still open at its end.
"""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from generators.access import COMPANY_DOMAIN, staff
from generators.common import ByDay, at, business_moment, pick, setup_day, weighted
from generators.finance import Invoice, books
from generators.parties import is_whale
from generators.sales_extras import Stock, _between, _end, _rep_of, stock
from generators.trade import Batch, Order, q2, supply, trade

ZERO = Decimal("0")
Q4 = Decimal("0.0001")
MINUTE, HOUR, DAY = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)


# --------------------------------------------------------------------------- helpers
def _start(ctx) -> dt.datetime:
    return at(ctx.window_start, 8)


def _after(rng, moment: dt.datetime, days: float, end: dt.datetime) -> dt.datetime:
    """A moment after ``moment`` (a minute at least), within ``days`` days, never after ``end``."""
    lo = moment + MINUTE
    return min(end, _between(rng, lo, min(end, moment + dt.timedelta(days=days))))


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def _day(moment: dt.datetime | dt.date) -> str:
    return f"{moment:%b} {moment.day}"


def _month_name(moment: dt.datetime | dt.date) -> str:
    return f"{moment:%B %Y}"


def _json(value) -> str:
    """JSON text as TERP's audit code writes it (sorted keys: byte-stable)."""
    return json.dumps(value, sort_keys=True)


def _team(ctx) -> dict[str, list[dict]]:
    """Seeded users by job, in user order."""
    team: dict[str, list[dict]] = defaultdict(list)
    for user, job, _rbac in staff(ctx):
        team[job].append(user)
    return team


def _members_of(team: dict[str, list[dict]], jobs, but: int | None = None) -> list[int]:
    return [u["id"] for job in jobs for u in team.get(job, []) if u["id"] != but]


def _uuid(rng) -> str:
    """A uuid-like string from the table's stream (version-4 layout)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


# --------------------------------------------------------------------------- the story: lookups by moment
@dataclass(slots=True)
class Story:
    """The trade and the books, looked up by moment: the facts behind the workspace's text."""

    sales: list[Order]                  # sales not cancelled, by confirmation
    invoices: list[Invoice]
    batches: list[Batch]
    purchase_orders: list
    stock: Stock
    rep_of: dict[int, int]              # buying client -> rep (users.id)
    clients: dict[int, dict]            # buying clients by id
    vendors: dict[int, dict]
    _by_client: dict[int, list[Order]] = field(default_factory=dict)
    _unpaid: ByDay[Invoice] = field(init=False)     # the invoices by the days they were open
    _place: dict[int, int] = field(init=False)        # batch id -> its place in ``batches``
    _in_intake: ByDay[Batch] = field(init=False)      # the batches from receipt to going live
    _on_order: ByDay = field(init=False)              # the purchase orders from ordering to delivery

    def __post_init__(self):
        self._place = {b.id: k for k, b in enumerate(self.batches)}
        self._in_intake = ByDay((b, b.received.date(), b.live_at.date()) for b in self.batches)
        self._on_order = ByDay((po, po.ordered.date(), po.delivered) for po in self.purchase_orders
                               if po.status != "CANCELLED")
        for order in self.sales:
            self._by_client.setdefault(order.client["id"], []).append(order)
        self._unpaid = ByDay((inv, inv.date, _paid_off_eve(inv)) for inv in self.invoices)

    def orders_of(self, client_id: int, before: dt.datetime) -> list[Order]:
        orders = self._by_client.get(client_id, [])
        return orders[:bisect_right([o.confirmed_at for o in orders], before)]

    def sales_of(self, client_id: int) -> list[Order]:
        return self._by_client.get(client_id, [])

    def sales_between(self, lo: dt.datetime, hi: dt.datetime) -> list[Order]:
        return [o for o in self.sales if lo < o.confirmed_at <= hi]

    def clients_of(self, rep: int) -> list[dict]:
        mine = [self.clients[c] for c, r in self.rep_of.items() if r == rep]
        return mine or list(self.clients.values())

    def open_invoices(self, moment: dt.datetime, overdue_only: bool = False) -> list[tuple[Invoice, Decimal]]:
        """(invoice, amount open) of the invoices issued and not paid by ``moment``."""
        day, out = moment.date(), []
        for inv in self._unpaid.around(day):
            if inv.date > day or (overdue_only and inv.due >= day):
                continue
            left = inv.total - sum((p.amount for p in inv.payments if p.date <= day), ZERO)
            if left > 0:
                out.append((inv, left))
        return out

    def in_intake(self, moment: dt.datetime) -> list[Batch]:
        """The batches received and not live yet at ``moment``, in the order of ``batches``."""
        return [b for b in self._in_intake.around(moment.date()) if b.received <= moment < b.live_at]

    def awaited(self, moment: dt.datetime) -> list:
        """The purchase orders placed and not delivered at ``moment``, in their order."""
        return [po for po in self._on_order.around(moment.date()) if _awaited(po, moment)]

    def in_stock(self, moment: dt.datetime) -> list[Batch]:
        """The batches sellable at ``moment``, in the order of ``batches``."""
        return sorted(self.stock.offerable(moment), key=lambda b: self._place[b.id])

    def vendor_name(self, batch_or_po) -> str:
        return self.vendors[batch_or_po.vendor_id]["name"]


def _paid_off_eve(inv: Invoice) -> dt.date | None:
    """The last day before the invoice was paid for good (None: it never was)."""
    days = sorted({p.date for p in inv.payments})
    left = [inv.total - sum((p.amount for p in inv.payments if p.date <= day), ZERO) for day in days]
    k = len(days)
    while k and left[k - 1] <= 0:
        k -= 1
    return days[k] - dt.timedelta(days=1) if k < len(days) else None


def story(ctx) -> Story:
    td = ctx.dataset(trade)
    sales = sorted((o for o in td.orders if o.kind == "SALE" and o.sale_status != "CANCELLED"),
                   key=lambda o: (o.confirmed_at, o.id))
    return Story(sales=sales, invoices=ctx.dataset(books).invoices, batches=td.batches,
                 purchase_orders=ctx.dataset(supply).purchase_orders, stock=ctx.dataset(stock),
                 rep_of=_rep_of(ctx), clients={c["id"]: c for c in ctx.rows("clients") if c["is_buyer"]},
                 vendors={v["id"]: v for v in ctx.rows("vendors")})


# --------------------------------------------------------------------------- rich text (Tiptap documents)
def _text(s: str) -> dict:
    return {"type": "text", "text": s}


def _heading(s: str) -> dict:
    return {"type": "heading", "attrs": {"level": 2}, "content": [_text(s)]}


def _para(s: str) -> dict:
    return {"type": "paragraph", "content": [_text(s)]}


def _bullets(items: list[str]) -> dict:
    return {"type": "bulletList", "content": [{"type": "listItem", "content": [_para(i)]} for i in items]}


def _tasks(items: list[tuple[str, bool]]) -> dict:
    return {"type": "taskList", "content": [
        {"type": "taskItem", "attrs": {"checked": done}, "content": [_para(text)]} for text, done in items]}


def _doc(*blocks: dict) -> dict:
    return {"type": "doc", "content": list(blocks)}


# --------------------------------------------------------------------------- notes: what people write
@dataclass(slots=True)
class Draft:
    kind: str
    title: str
    template: str | None       # TERP's note templates: todo, meeting, brainstorm, goals, message_board
    tags: list[str]
    content: dict
    client_id: int | None = None


def _note_client_call(st: Story, rng, user: int, when: dt.datetime) -> Draft:
    client = pick(rng, st.clients_of(user))
    orders = st.orders_of(client["id"], when)
    if not orders:
        body = [_para(f"Intro call with {client['name']}. No orders yet; they want our flower list.")]
    else:
        last = orders[-1]
        top = max(last.lines, key=lambda line: line.line_total).batch.product.name
        body = [_para(f"Last order {last.number} on {_day(last.confirmed_at)}: {len(last.lines)} lines,"
                      f" {_money(last.total)}. Most of it {top}."),
                _para(f"{len(orders)} orders with us so far.")]
    actions = [("Send this week's sales sheet", rng.random() < 0.5),
               (f"Ask {client['name']} about next week's volume", False)]
    return Draft("client_call", f"Call notes: {client['name']}", "meeting", ["meeting", "follow-up"],
                 _doc(_heading(f"Call with {client['name']}, {_day(when)}"), *body, _tasks(actions)),
                 client["id"])


def _note_account_plan(st: Story, rng, user: int, when: dt.datetime) -> Draft:
    mine = st.clients_of(user)
    client = pick(rng, [c for c in mine if is_whale(c)] or mine)
    recent = [o for o in st.orders_of(client["id"], when) if o.confirmed_at > when - 90 * DAY]
    revenue = sum((o.total for o in recent), ZERO)
    return Draft("account_plan", f"{client['name']} account plan", "goals", ["important"], _doc(
        _heading("Where we are"),
        _para(f"{len(recent)} orders in the last 90 days, {_money(revenue)}."),
        _heading("Goals"),
        _bullets([f"Get {client['name']} to {max(2, round(len(recent) / 3) + 1)} orders a month",
                  "Offer first look at A-grade indoor before it hits the sales sheet",
                  "Keep the open balance inside terms"])), client["id"])


def _note_collections(st: Story, rng, user: int, when: dt.datetime) -> Draft | None:
    overdue = st.open_invoices(when, overdue_only=True)
    if not overdue:
        return None
    client = pick(rng, overdue)[0].client
    items = [(f"{inv.number}: {_money(left)} open, due {inv.due:%Y-%m-%d}", False)
             for inv, left in overdue if inv.client["id"] == client["id"]][:5]
    return Draft("collections", f"Collections: {client['name']}", "todo", ["follow-up", "important"],
                 _doc(_heading(f"Past due as of {_day(when)}"), _tasks(items),
                      _para("Call the buyer first, then e-mail the statement.")), client["id"])


def _note_intake(st: Story, rng, user: int, when: dt.datetime) -> Draft | None:
    monday = when.date() - dt.timedelta(days=when.weekday())
    week = [b for b in st.batches if monday <= b.received.date() < monday + dt.timedelta(days=7)]
    if not week:
        return None
    items = [(f"{b.lot_code}: {b.qty_in} {b.product.uom.lower()} {b.product.name} from {st.vendor_name(b)}",
              b.received <= when) for b in week]
    return Draft("intake", f"Intake plan, week of {_day(monday)}", "todo", ["todo"],
                 _doc(_heading("Expected this week"), _tasks(items)))


def _note_recount(st: Story, rng, user: int, when: dt.datetime) -> Draft | None:
    shelf = st.in_stock(when)
    if not shelf:
        return None
    picked = rng.sample(shelf, min(len(shelf), rng.randint(3, 5)))
    items = [(f"Recount {b.code} ({b.product.name}): system says {q2(st.stock.on_hand(b, when))}"
              f" {b.product.uom.lower()}", False) for b in picked]
    return Draft("recount", f"Cycle count {when:%Y-%m-%d}", "todo", ["todo"],
                 _doc(_heading("Counts for today"), _tasks(items)))


def _note_close(st: Story, rng, user: int, when: dt.datetime) -> Draft:
    month = when.date().replace(day=1)
    if when.day <= 10:
        month = (month - DAY).replace(day=1)
    overdue = st.open_invoices(when, overdue_only=True)
    items = [("Reconcile Operating Checking to the bank statement", False),
             ("Post consignment settlement bills for every vendor that sold", False),
             (f"Review AR aging: {len(overdue)} invoices past due", False),
             ("Accrue payroll, rent and utilities", False),
             (f"Close {month:%B} in the ledger", False)]
    return Draft("close", f"Month-end close: {_month_name(month)}", "todo", ["todo", "important"],
                 _doc(_heading(f"Close checklist for {_month_name(month)}"), _tasks(items)))


def _note_leadership(st: Story, rng, user: int, when: dt.datetime) -> Draft:
    week = st.sales_between(when - 7 * DAY, when)
    revenue = sum((o.total for o in week), ZERO)
    live = [b for b in st.batches if when - 7 * DAY < b.live_at <= when]
    return Draft("leadership", f"Leadership meeting {when:%b %d, %Y}", "meeting", ["meeting"], _doc(
        _heading("Last 7 days"),
        _bullets([f"{len(week)} sales, {_money(revenue)}", f"{len(live)} batches went live",
                  f"{len(st.open_invoices(when, overdue_only=True))} invoices past due"]),
        _heading("Action items"),
        _tasks([("Push B-grade flower on the value sheet", False), ("Review consignment terms", False)])))


def _note_goals(st: Story, rng, user: int, when: dt.datetime) -> Draft:
    quarter = (when.month - 1) // 3 + 1
    return Draft("goals", f"Goals Q{quarter} {when.year}", "goals", ["important", "idea"], _doc(
        _heading("Objectives"),
        _bullets(["Hold average margin at 25% or better", "Whales: fewer than 10% of balances past due",
                  "Every lot live within 3 days of intake"]),
        _heading("Key results"),
        _tasks([("Weekly margin review with sales", False), ("COA turnaround under 48 hours", False)])))


def _note_board(st: Story, rng, user: int, when: dt.datetime) -> Draft:
    news = pick(rng, ["Van maintenance Thursday: deliveries leave at 7 am.",
                      "New A-grade indoor landed: check the live list before quoting.",
                      "Please log every return in TERP the day it comes back.",
                      "Month-end: get your open orders confirmed by the 28th."])
    return Draft("board", f"Team update, week of {_day(when - dt.timedelta(days=when.weekday()))}",
                 "message_board", ["meeting", "important"], _doc(_heading("This week"), _para(news)))


def _note_compliance(st: Story, rng, user: int, when: dt.datetime) -> Draft:
    shipped = [o for o in st.sales_between(when - 30 * DAY, when) if o.shipped_at and o.shipped_at <= when]
    sample = rng.sample(shipped, min(3, len(shipped)))
    items = [(f"Manifest for {o.number} ({o.client['name']}) matches the delivery", rng.random() < 0.6)
             for o in sample] or [("No shipments to reconcile", True)]
    return Draft("compliance", f"METRC reconciliation: {_month_name(when)}", "todo", ["todo"],
                 _doc(_para(f"{len(shipped)} shipments in the last 30 days."), _tasks(items)))


def _note_brainstorm(st: Story, rng, user: int, when: dt.datetime) -> Draft:
    topic, ideas = pick(rng, [
        ("pre-roll bundles", ["Bundle multi-packs with a pound of flower for regulars", "Try at cost for a month"]),
        ("B-grade flower", ["Weekly value sheet", "Price by the 5 lb", "Offer to delivery services first"]),
        ("faster intake", ["Pre-book lab slots", "Photograph at intake, not after packaging"]),
        ("East Bay deliveries", ["Two routes on Tuesdays", "Cut-off at 2 pm the day before"]),
    ])
    return Draft("brainstorm", f"Ideas: {topic}", "brainstorm", ["idea"], _doc(_bullets(ideas)))


NOTE_KINDS = {
    "client_call": _note_client_call, "account_plan": _note_account_plan,
    "collections": _note_collections, "intake": _note_intake, "recount": _note_recount,
    "close": _note_close, "leadership": _note_leadership, "goals": _note_goals, "board": _note_board,
    "compliance": _note_compliance, "brainstorm": _note_brainstorm,
}
# What each job writes, with weights.
NOTES_BY_JOB = {
    "Owner": [("leadership", 3), ("goals", 1), ("brainstorm", 1)],
    "Operations Director": [("leadership", 2), ("board", 1), ("brainstorm", 1)],
    "Operations Manager": [("leadership", 1), ("board", 1), ("recount", 1)],
    "Sales Manager": [("client_call", 2), ("account_plan", 2), ("board", 1)],
    "Sales Rep": [("client_call", 4), ("account_plan", 1), ("brainstorm", 1)],
    "Inventory Manager": [("intake", 2), ("recount", 2), ("brainstorm", 1)],
    "Buyer": [("intake", 3), ("brainstorm", 1)],
    "Warehouse Lead": [("recount", 3), ("board", 1)],
    "Warehouse Associate": [("recount", 2), ("brainstorm", 1)],
    "Controller": [("close", 3), ("collections", 1)],
    "AR Specialist": [("collections", 4), ("close", 1)],
    "Compliance Officer": [("compliance", 3), ("brainstorm", 1)],
}
# (share of such notes that are shared, the jobs they are shared with)
SHARING = {
    "leadership": (0.8, ["Owner", "Operations Director", "Operations Manager", "Sales Manager", "Controller"]),
    "board": (1.0, None),  # everybody
    "account_plan": (0.5, ["Sales Manager", "Owner", "Sales Rep"]),
    "collections": (0.5, ["Controller", "AR Specialist", "Sales Manager"]),
    "close": (0.5, ["Controller", "AR Specialist", "Owner"]),
    "intake": (0.4, ["Buyer", "Inventory Manager", "Warehouse Lead"]),
    "recount": (0.3, ["Warehouse Lead", "Warehouse Associate", "Inventory Manager"]),
}
COMMENTS = {
    "leadership": ["Numbers look right to me.", "Can we add the overdue list to next week's agenda?",
                   "I'll take the consignment terms review."],
    "board": ["Got it, thanks.", "Does this apply to Saturday runs too?", "Noted for my clients."],
    "collections": ["Buyer says the check goes out Friday.", "They asked for a statement, sent.",
                    "Put them on COD until this clears?"],
    "close": ["Bank rec done.", "Settlement bills posted.", "Waiting on the rent invoice."],
}
GENERIC_COMMENTS = ["Updated, take a look.", "Agreed.", "Can we talk about this tomorrow?", "Done on my side."]
REPLIES = ["Thanks!", "Yes, go ahead.", "Will do.", "Good call."]


@dataclass(slots=True)
class Comment:
    id: int
    note_id: int
    user_id: int
    content: str
    parent_id: int | None
    resolved: bool
    created: dt.datetime
    updated: dt.datetime


@dataclass(slots=True)
class Note:
    id: int
    owner: int
    draft: Draft
    created: dt.datetime
    shared_with: list[int] = field(default_factory=list)
    pinned: bool = False
    archived: bool = False
    events: list[tuple[dt.datetime, str, int, dict | None]] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    last_viewed: dt.datetime | None = None

    @property
    def updated(self) -> dt.datetime:
        """The last change to the note's own row (comments live in their table)."""
        return max(when for when, kind, _u, _m in self.events if kind != "COMMENTED")


def _draft(st: Story, rng, job: str, user: int, when: dt.datetime) -> Draft:
    kind = weighted(rng, NOTES_BY_JOB[job])
    return NOTE_KINDS[kind](st, rng, user, when) or _note_brainstorm(st, rng, user, when)


def _share_with(rng, team, draft: Draft, owner: int) -> list[int]:
    share, jobs = SHARING.get(draft.kind, (0.15, list(NOTES_BY_JOB)))
    if rng.random() >= share:
        return []
    pool = _members_of(team, jobs or list(NOTES_BY_JOB), but=owner)
    if draft.kind == "board":
        return sorted(rng.sample(pool, min(len(pool), rng.randint(3, 6))))
    return sorted(rng.sample(pool, min(len(pool), rng.randint(1, 3))))


def _note_comments(rng, note: Note, next_id, end: dt.datetime) -> None:
    """Comments by the owner and the people the note is shared with, after it was shared."""
    shared_at = next(when for when, kind, _u, _m in note.events if kind == "SHARED")
    people = [note.owner] + note.shared_with
    when = shared_at
    for _ in range(rng.choice([0, 1, 1, 2, 3, 4])):
        when = _after(rng, when, 5, end)
        roots = [c for c in note.comments if c.parent_id is None]
        reply_to = pick(rng, roots) if roots and rng.random() < 0.4 else None
        author = pick(rng, [p for p in people if not reply_to or p != reply_to.user_id] or people)
        text = pick(rng, REPLIES) if reply_to else pick(rng, COMMENTS.get(note.draft.kind, GENERIC_COMMENTS))
        comment = Comment(next_id(), note.id, author, text, reply_to.id if reply_to else None,
                          False, when, when)
        note.comments.append(comment)
        note.events.append((when, "COMMENTED", author, {"commentId": comment.id}))
    for comment in note.comments:
        if comment.parent_id is None and end - comment.created > 3 * DAY and rng.random() < 0.5:
            comment.resolved, comment.updated = True, _after(rng, comment.created, 7, end)


def _note_history(rng, note: Note, next_comment_id, end: dt.datetime) -> None:
    """CREATED, then edits, sharing and comments, pins, and the archive last, in time order."""
    d, created = note.draft, note.created
    note.events.append((created, "CREATED", note.owner, {"title": d.title}))
    if d.template:
        note.events.append((created + MINUTE, "TEMPLATE_APPLIED", note.owner, {"templateType": d.template}))
    editors = [note.owner] + note.shared_with
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        note.events.append((_after(rng, created + MINUTE, 30, end), "UPDATED", pick(rng, editors), None))
    if note.shared_with:
        note.events.append((_after(rng, created + MINUTE, 3, end), "SHARED", note.owner,
                            {"sharedWith": note.shared_with}))
        _note_comments(rng, note, next_comment_id, end)
    if rng.random() < 0.25:
        pinned_at = _after(rng, created + MINUTE, 10, end)
        note.events.append((pinned_at, "PINNED", note.owner, None))
        note.pinned = True
        if rng.random() < 0.3:
            note.events.append((_after(rng, pinned_at, 60, end), "UNPINNED", note.owner, None))
            note.pinned = False
    last = max(when for when, *_rest in note.events)
    if end - last > 30 * DAY and rng.random() < 0.35:
        note.events.append((_after(rng, last, 20, end), "ARCHIVED", note.owner, None))
        note.archived = True
        last = max(when for when, *_rest in note.events)
    note.events.sort(key=lambda e: e[0])
    note.last_viewed = last if note.archived else _after(rng, last, 14, end)


def _notes_per_user(ctx, rng) -> int:
    return rng.randint(2, 4) + round(ctx.scenario.months * 0.3 * rng.uniform(0.5, 1.5))


def notes(ctx) -> list[Note]:
    """Every user's notes over the window, with their histories and comments."""
    rng, end, st, team = ctx.rng, _end(ctx), ctx.dataset(story), _team(ctx)
    made: list[tuple[dt.datetime, int, str]] = []
    for user, job, _rbac in staff(ctx):
        made += [(business_moment(rng, ctx.window_start, ctx.window_end), user["id"], job)
                 for _ in range(_notes_per_user(ctx, rng))]
    comment_ids = iter(range(1, 10**6))
    result = []
    for n, (created, owner, job) in enumerate(sorted(made), start=1):
        draft = _draft(st, rng, job, owner, created)
        note = Note(ctx.id(n), owner, draft, created, _share_with(rng, team, draft, owner))
        _note_history(rng, note, lambda: ctx.id(next(comment_ids)), end)
        result.append(note)
    return result


def freeform_notes(ctx):
    return [{
        "id": n.id, "userId": n.owner, "title": n.draft.title, "content": n.draft.content,
        "templateType": n.draft.template, "tags": n.draft.tags, "isPinned": n.pinned,
        "isArchived": n.archived, "sharedWith": n.shared_with or None,
        "createdAt": n.created, "updatedAt": n.updated, "lastViewedAt": n.last_viewed,
    } for n in ctx.dataset(notes)]


def client_notes(ctx):
    about = [n for n in ctx.dataset(notes) if n.draft.client_id is not None]
    return [{"id": ctx.id(k), "client_id": n.draft.client_id, "note_id": n.id, "created_at": n.created}
            for k, n in enumerate(about, start=1)]


def note_activity(ctx):
    rows = []
    for note in ctx.dataset(notes):
        for when, kind, user, meta in note.events:
            rows.append({"id": ctx.id(len(rows) + 1), "noteId": note.id, "userId": user,
                         "activityType": kind, "metadata": meta, "createdAt": when})
    return rows


def note_comments(ctx):
    return [{
        "id": c.id, "noteId": c.note_id, "userId": c.user_id, "content": c.content,
        "parentCommentId": c.parent_id, "isResolved": c.resolved, "createdAt": c.created,
        "updatedAt": c.updated,
    } for note in ctx.dataset(notes) for c in note.comments]


# --------------------------------------------------------------------------- scratch pads
def _scratch_text(st: Story, rng, job: str, user: int, when: dt.datetime) -> str:
    if job in ("Sales Rep", "Sales Manager"):
        client = pick(rng, st.clients_of(user))
        orders = st.orders_of(client["id"], when)
        if orders and rng.random() < 0.6:
            return f"Call {client['name']} back about {orders[-1].number}"
        return f"{client['name']} asked for 10 lb of AA indoor next week"
    if job in ("Warehouse Lead", "Warehouse Associate", "Inventory Manager", "Operations Manager"):
        shelf = st.in_stock(when)
        if shelf:
            b = pick(rng, shelf)
            return pick(rng, [f"Recount {b.code}: the shelf looked short", f"Reprint labels for {b.code}",
                              f"Move {b.code} to the front rack"])
    if job in ("AR Specialist", "Controller"):
        open_ = st.open_invoices(when)
        if open_:
            inv, left = pick(rng, open_)
            return f"{inv.client['name']} says the check for {inv.number} ({_money(left)}) is in the mail"
    if job == "Buyer":
        b = pick(rng, st.batches)
        return f"Ask {st.vendor_name(b)} about more {b.product.strain_name} next harvest"
    return pick(rng, ["Order more shipping labels", "Book the forklift service", "Submit my expense report",
                      "Renew the parking permit", "Check the vault camera angle"])


def scratch_pad_notes(ctx):
    rng, end, st = ctx.rng, _end(ctx), ctx.dataset(story)
    made = []
    for user, job, _rbac in staff(ctx):
        for _ in range(rng.randint(3, 5) + ctx.scenario.months // 2):
            created = business_moment(rng, ctx.window_start, ctx.window_end)
            made.append((created, user["id"], _scratch_text(st, rng, job, user["id"], created)))
    rows = []
    for n, (created, user, text) in enumerate(sorted(made), start=1):
        done = end - created > 2 * DAY and rng.random() < 0.65
        completed = _after(rng, created, 7, end) if done else None
        rows.append({"id": ctx.id(n), "userId": user, "content": text, "isCompleted": done,
                     "createdAt": created, "updatedAt": completed or created, "completedAt": completed})
    return rows


# --------------------------------------------------------------------------- vendor notes
def _terms_text(b: Batch) -> str:
    return "consigned" if b.terms == "CONSIGNMENT" else f"bought on {b.terms.replace('_', ' ')} terms"


def _intake_note(st: Story, b: Batch, po) -> str:
    late = (b.received.date() - po.expected).days
    timing = ("Arrived on the promised date." if late == 0 else
              f"Arrived {late} day{'s' * (late != 1)} after the promised date." if late > 0 else
              f"Arrived {-late} day{'s' * (late != -1)} early.")
    grade = f", grade {b.grade}" if b.grade else ""
    return (f"{b.lot_code} ({po.number}): {b.qty_in} {b.product.uom.lower()} of {b.product.name}{grade},"
            f" {_terms_text(b)} at {_money(b.unit_cogs)}/{b.product.uom.lower()}. {timing}")


def _lab_note(b: Batch) -> str:
    steps = dict(b.workflow)
    hours = round((steps["packaging"] - steps["lab-testing"]).total_seconds() / 3600)
    return f"{b.lot_code}: lab results back in {hours} h, cleared for packaging. COA filed with the lot."


def _vendor_note_candidates(ctx, st: Story, rng, start, end) -> list[tuple[dt.datetime, int, str, str]]:
    """(when, vendor, author job, text) of everything worth writing down about a vendor."""
    sup = ctx.dataset(supply)
    out = []
    for b in st.batches:
        if b.received < start:
            continue
        if rng.random() < 0.35:
            out.append((_after(rng, b.received, 2, end), b.vendor_id, "Buyer",
                        _intake_note(st, b, sup.purchase_orders[b.po_index])))
        if b.product.tier and "packaging" in dict(b.workflow) and rng.random() < 0.15:
            out.append((_after(rng, dict(b.workflow)["packaging"], 1, end), b.vendor_id, "Inventory Manager",
                        _lab_note(b)))
        for _slug, when in (c for c in b.status_changes if c[1] >= start):
            what = ("failed retest and went to quarantine" if b.batch_status == "QUARANTINED"
                    else "is on hold for a quality review")
            out.append((_after(rng, when, 1, end), b.vendor_id, "Inventory Manager",
                        f"{b.code} ({b.lot_code}) {what}. Raised it with"
                        f" {st.vendors[b.vendor_id]['contactName']}; asking for a credit."))
    for po in sup.purchase_orders:
        if po.status == "CANCELLED" and po.ordered >= start:
            out.append((_after(rng, po.ordered, 5, end), po.vendor_id, "Buyer",
                        f"{po.number} cancelled: {st.vendor_name(po)} sold the lot elsewhere."
                        " Asked for first look at the next harvest."))
    return out


def vendorNotes(ctx):
    rng, end, st, team = ctx.rng, _end(ctx), ctx.dataset(story), _team(ctx)
    candidates = _vendor_note_candidates(ctx, st, rng, _start(ctx), end)
    rows = []
    for n, (when, vendor, job, text) in enumerate(sorted(candidates), start=1):
        author = pick(rng, team.get(job) or team["Inventory Manager"])["id"]
        edited = _after(rng, when, 5, end) if rng.random() < 0.15 else when
        rows.append({"id": ctx.id(n), "vendorId": vendor, "userId": author, "note": text,
                     "createdAt": when, "updatedAt": edited})
    return rows


# --------------------------------------------------------------------------- to-do lists
# kind: (owner's job, list name, description, collaborators' jobs, share of lists shared, weight)
LIST_KINDS = {
    "collections": ("AR Specialist", "Collections {month}", "Past-due invoices to chase",
                    ["Controller", "Sales Manager"], 0.7, 1.0),
    "close": ("Controller", "Month-end close {month}", "Everything between month end and a closed period",
              ["AR Specialist", "Owner"], 0.7, 0.6),
    "followups": ("Sales Rep", "{first}'s follow-ups {month}", "Client calls and sheets to send",
                  ["Sales Manager"], 0.4, 1.6),
    "sheets": ("Sales Manager", "Sales sheets {month}", "Who gets which sheet this month",
               ["Sales Rep"], 0.8, 0.7),
    "intake": ("Buyer", "Intake and vendor calls {month}", "Purchase orders, deliveries and COAs",
               ["Inventory Manager", "Warehouse Lead"], 0.7, 1.0),
    "counts": ("Warehouse Lead", "Cycle counts {month}", "Batches to recount",
               ["Warehouse Associate", "Inventory Manager"], 0.8, 1.0),
    "leadership": ("Owner", "Leadership follow-ups {month}", None,
                   ["Operations Director", "Operations Manager", "Controller"], 0.9, 0.5),
    "compliance": ("Compliance Officer", "Compliance checks {month}", "Manifests and COAs",
                   ["Operations Manager"], 0.3, 0.5),
}
LISTS_PER_MONTH, MIN_LISTS = 2.5, 6
TASK_STATUS = {  # by the task's age at the window's end
    "old": [("done", 0.85), ("in_progress", 0.05), ("todo", 0.10)],
    "recent": [("done", 0.50), ("in_progress", 0.25), ("todo", 0.25)],
    "new": [("done", 0.20), ("in_progress", 0.35), ("todo", 0.45)],
}
PRIORITIES = [("low", 0.20), ("medium", 0.45), ("high", 0.25), ("urgent", 0.10)]


@dataclass(slots=True)
class Task:
    id: int
    title: str
    description: str | None
    created: dt.datetime
    created_by: int
    priority: str
    due: dt.datetime | None
    assigned_to: int | None
    status: str = "todo"
    completed_at: dt.datetime | None = None
    completed_by: int | None = None
    position: int = 0
    events: list[tuple[dt.datetime, str, int, str | None, str | None, str | None]] = field(default_factory=list)

    @property
    def updated(self) -> dt.datetime:
        return self.events[-1][0]


@dataclass(slots=True)
class TodoList:
    id: int
    kind: str
    name: str
    description: str | None
    owner: int
    created: dt.datetime
    members: list[tuple[int, str, dt.datetime]]      # (user, role, added at)
    tasks: list[Task] = field(default_factory=list)

    @property
    def shared(self) -> bool:
        return len(self.members) > 1

    @property
    def updated(self) -> dt.datetime:
        return max([self.created] + [m[2] for m in self.members] + [t.updated for t in self.tasks])


def _task_collections(st: Story, rng, owner: int, when: dt.datetime):
    open_ = st.open_invoices(when, overdue_only=True) or st.open_invoices(when)
    if open_:
        inv, left = pick(rng, open_)
        return (f"Follow up with {inv.client['name']} on {inv.number}",
                f"{_money(left)} open, due {inv.due:%Y-%m-%d}")
    return None


def _task_followups(st: Story, rng, owner: int, when: dt.datetime):
    client = pick(rng, st.clients_of(owner))
    orders = st.orders_of(client["id"], when)
    pending = [o for o in orders if not o.shipped_at or o.shipped_at > when]
    if pending:
        return f"Confirm delivery of {pending[-1].number} with {client['name']}", None
    if orders and rng.random() < 0.4:
        return f"Check reorder with {client['name']}", f"Last order {orders[-1].number}"
    return f"Send sales sheet to {client['name']}", None


def _task_sheets(st: Story, rng, owner: int, when: dt.datetime):
    return f"Send sales sheet to {pick(rng, list(st.clients.values()))['name']}", None


def _task_intake(st: Story, rng, owner: int, when: dt.datetime):
    waiting = st.in_intake(when)
    if waiting and rng.random() < 0.5:
        b = pick(rng, waiting)
        return f"Chase COA for {b.lot_code}", f"{b.product.name} from {st.vendor_name(b)}"
    coming = st.awaited(when)
    if coming:
        po = pick(rng, coming)
        return f"Confirm delivery of {po.number} with {st.vendor_name(po)}", f"Expected {po.expected:%Y-%m-%d}"
    return None


def _task_counts(st: Story, rng, owner: int, when: dt.datetime):
    shelf = st.in_stock(when)
    if not shelf:
        return None
    b = pick(rng, shelf)
    on_hand = q2(st.stock.on_hand(b, when))
    return f"Recount {b.code}", f"{b.product.name}, {on_hand} {b.product.uom.lower()} on hand"


def _task_compliance(st: Story, rng, owner: int, when: dt.datetime):
    shelf = st.in_stock(when)
    if not shelf:
        return None
    b = pick(rng, shelf)
    return f"Verify COA on file for {b.code}", f"{b.lot_code}, {b.product.name}"


def _task_close(st: Story, rng, owner: int, when: dt.datetime):
    month = _month_name(when)
    return pick(rng, [f"Reconcile Operating Checking for {month}", f"Post {month} expenses",
                      "Review consignment settlement bills", f"Tie out AR aging for {month}",
                      f"Close {month} fiscal period"]), None


def _task_leadership(st: Story, rng, owner: int, when: dt.datetime):
    return pick(rng, [f"Review {_month_name(when)} margin report", "Review whale payment terms",
                      "Plan next quarter's hiring", "Walk the vault with the operations team",
                      "Approve the new delivery route"]), None


TASK_KINDS = {
    "collections": _task_collections, "followups": _task_followups, "sheets": _task_sheets,
    "intake": _task_intake, "counts": _task_counts, "compliance": _task_compliance,
    "close": _task_close, "leadership": _task_leadership,
}


def _task_title(st: Story, rng, kind: str, owner: int, when: dt.datetime) -> tuple[str, str | None]:
    """A task's title and description, from what was going on at ``when``."""
    return TASK_KINDS[kind](st, rng, owner, when) or _task_leadership(st, rng, owner, when)


def _awaited(po, when: dt.datetime) -> bool:
    """A purchase order placed and not yet delivered at ``when``."""
    return (po.status != "CANCELLED" and po.ordered <= when
            and (po.delivered is None or when < at(po.delivered, 8)))


def _task_status(rng, created: dt.datetime, end: dt.datetime) -> str:
    age = (end - created).days
    return weighted(rng, TASK_STATUS["old" if age > 21 else "recent" if age > 7 else "new"])


def _task_history(rng, task: Task, end: dt.datetime) -> None:
    """created, assigned, updated and status_changed, then completed, in time order."""
    t = task.created
    task.events.append((t, "created", task.created_by, None, None, task.title))
    if task.assigned_to:
        t = t + dt.timedelta(minutes=rng.randint(1, 5))
        task.events.append((t, "assigned", task.created_by, "assigned_to", None, str(task.assigned_to)))
    worker = task.assigned_to or task.created_by
    hi = task.completed_at - MINUTE if task.completed_at else min(end, task.created + 20 * DAY)
    middle = []
    if task.status == "in_progress" or (task.status == "done" and rng.random() < 0.7):
        middle.append((_between(rng, t + MINUTE, hi), "status_changed", worker, "status", "todo", "in_progress"))
    if rng.random() < 0.3:
        middle.append((_between(rng, t + MINUTE, hi), "updated", task.created_by, *_task_change(rng, task)))
    middle.sort(key=lambda e: e[0])
    task.events += middle
    if task.completed_at:
        before = "in_progress" if any(e[1] == "status_changed" for e in middle) else "todo"
        task.events.append((task.completed_at, "completed", task.completed_by, "status", before, "done"))


def _task_change(rng, task: Task) -> tuple[str, str, str]:
    """An edit whose new value is the task's final one: (field, old, new)."""
    if task.due and rng.random() < 0.6:
        earlier = task.due - dt.timedelta(days=rng.randint(1, 5))
        return "due_date", earlier.isoformat(sep=" "), task.due.isoformat(sep=" ")
    old = pick(rng, [p for p, _w in PRIORITIES if p != task.priority])
    return "priority", old, task.priority


def _make_task(ctx, rng, st: Story, lst: TodoList, n: int, when: dt.datetime) -> Task:
    end = _end(ctx)
    workers = [u for u, role, _a in lst.members if role != "viewer"]
    title, description = _task_title(st, rng, lst.kind, lst.owner, when)
    priority = weighted(rng, PRIORITIES)
    if title.startswith("Follow up") and "due" in (description or "") and priority in ("low", "medium"):
        priority = "high"
    due = at(when.date() + dt.timedelta(days=rng.randint(1, 14)), 17) if rng.random() < 0.85 else None
    task = Task(ctx.id(n), title, description, when, lst.owner if rng.random() < 0.7 else pick(rng, workers),
                priority, due, pick(rng, workers) if rng.random() < 0.9 else None,
                status=_task_status(rng, when, end))
    if task.status == "done":
        task.completed_at = _after(rng, when + 10 * MINUTE, 21, end)
        task.completed_by = task.assigned_to or task.created_by
        if task.due and task.due > end:
            task.due = end  # a done task's due date stays inside the window
    _task_history(rng, task, end)
    return task


def _new_list(ctx, rng, team, kind: str, n: int, created: dt.datetime) -> TodoList:
    job, name, description, partners, share, _w = LIST_KINDS[kind]
    owner = pick(rng, team[job])
    members = [(owner["id"], "owner", created)]
    if rng.random() < share:
        pool = _members_of(team, partners, but=owner["id"])
        for user in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
            role = "editor" if rng.random() < 0.7 else "viewer"
            members.append((user, role, _after(rng, created, 2, _end(ctx))))
    title = name.format(month=f"{created:%b %Y}", first=owner["name"].split()[0])
    return TodoList(ctx.id(n), kind, title, description, owner["id"], created, members)


def todos(ctx) -> list[TodoList]:
    """The to-do lists (50+ in full), their members and 3 to 6 tasks each."""
    rng, end, st, team = ctx.rng, _end(ctx), ctx.dataset(story), _team(ctx)
    count = ctx.scaled(max(MIN_LISTS, LISTS_PER_MONTH * ctx.scenario.months))
    kinds = [(k, spec[5]) for k, spec in LIST_KINDS.items() if team.get(spec[0])]
    created = sorted(business_moment(rng, ctx.window_start, ctx.window_end) for _ in range(count))
    lists, task_no = [], 0
    for n, when in enumerate(created, start=1):
        lst = _new_list(ctx, rng, team, weighted(rng, kinds), n, when)
        # an hour before the end at the latest, so a task's own history fits in the window
        moments = sorted(_after(rng, when, 20, end - HOUR) for _ in range(rng.randint(3, 6)))
        for position, moment in enumerate(moments):
            task_no += 1
            task = _make_task(ctx, rng, st, lst, task_no, moment)
            task.position = position
            lst.tasks.append(task)
        lists.append(lst)
    return lists


def todo_lists(ctx):
    return [{"id": l.id, "name": l.name, "description": l.description, "owner_id": l.owner,
             "is_shared": l.shared, "created_at": l.created, "updated_at": l.updated}
            for l in ctx.dataset(todos)]


def todo_list_members(ctx):
    rows = []
    for lst in ctx.dataset(todos):
        for user, role, added in lst.members:
            rows.append({"id": ctx.id(len(rows) + 1), "list_id": lst.id, "user_id": user, "role": role,
                         "added_at": added, "added_by": lst.owner})
    return rows


def todo_tasks(ctx):
    return [{
        "id": t.id, "list_id": lst.id, "title": t.title, "description": t.description,
        "status": t.status, "priority": t.priority, "due_date": t.due, "assigned_to": t.assigned_to,
        "created_by": t.created_by, "position": t.position, "is_completed": t.status == "done",
        "completed_at": t.completed_at, "completed_by": t.completed_by, "created_at": t.created,
        "updated_at": t.updated,
    } for lst in ctx.dataset(todos) for t in lst.tasks]


def todo_task_activity(ctx):
    rows = []
    for lst in ctx.dataset(todos):
        for task in lst.tasks:
            for when, action, user, changed, old, new in task.events:
                rows.append({"id": ctx.id(len(rows) + 1), "task_id": task.id, "user_id": user,
                             "action": action, "field_changed": changed, "old_value": old,
                             "new_value": new, "created_at": when})
    return rows


# --------------------------------------------------------------------------- dashboards
# TERP's dashboard widgets: (id, width, height, default config)
WIDGETS = [
    ("sales-by-client", 2, 2, {"period": "month", "limit": 10}),
    ("cash-flow", 2, 1, {"period": "quarter"}),
    ("transaction-snapshot", 1, 1, {"period": "week"}),
    ("inventory-snapshot", 1, 1, {"groupBy": "category"}),
    ("total-debt", 1, 1, {"showOverdueOnly": False}),
    ("sales-comparison", 2, 1, {"compare": "previous_period"}),
    ("profitability", 2, 1, {"period": "month"}),
    ("matchmaking-opportunities", 1, 2, {"limit": 5}),
    ("inbox", 1, 2, {"limit": 10}),
]
WIDGET_IDS = [w[0] for w in WIDGETS]
SIZES = {w[0]: (w[1], w[2]) for w in WIDGETS}
DEFAULT_CONFIG = {w[0]: w[3] for w in WIDGETS}
# The visible widgets of each preset layout, in order; the rest are hidden.
LAYOUTS = {
    "executive": ["cash-flow", "sales-by-client", "total-debt", "profitability", "sales-comparison"],
    "operations": ["inventory-snapshot", "transaction-snapshot", "matchmaking-opportunities", "inbox",
                   "sales-by-client"],
    "sales": ["sales-by-client", "sales-comparison", "matchmaking-opportunities", "transaction-snapshot",
              "inbox"],
}
ROLE_DEFAULTS = {"admin": WIDGET_IDS, "user": LAYOUTS["operations"]}
CUSTOM_USERS = 2
# KPI tiles per role: (kpiType, visible)
KPIS = {
    "admin": [("totalRevenue", True), ("grossMargin", True), ("arBalance", True), ("overdueInvoices", True),
              ("activeOrders", True), ("inventoryValue", True), ("lowStockCount", True)],
    "user": [("activeOrders", True), ("lowStockCount", True), ("inventoryValue", True),
             ("overdueInvoices", True), ("totalRevenue", False), ("grossMargin", False)],
}


def _layout_of(job: str) -> str:
    if job == "Owner":
        return "executive"
    return "sales" if job in ("Sales Manager", "Sales Rep") else "operations"


def _widget_list(visible: list[str]) -> list[dict]:
    hidden = [w for w in WIDGET_IDS if w not in visible]
    return [{"id": w, "isVisible": w in visible, "order": k} for k, w in enumerate(visible + hidden)]


@dataclass(slots=True)
class Dashboard:
    user: int
    layout: str
    widgets: list[dict]          # widgetConfig: {"id", "isVisible", "order"}
    configs: dict[str, dict]     # per-widget settings of a customized dashboard
    created: dt.datetime
    customized: dt.datetime | None


def _custom_widgets(rng, base: str) -> tuple[list[str], dict[str, dict]]:
    visible = list(LAYOUTS[base])
    visible.remove(pick(rng, visible))
    extra = [w for w in WIDGET_IDS if w not in LAYOUTS[base]]
    visible.insert(rng.randint(0, len(visible)), pick(rng, extra))
    configs = {w: dict(DEFAULT_CONFIG[w]) for w in visible}
    for w in visible:
        if "period" in configs[w] and rng.random() < 0.5:
            configs[w]["period"] = pick(rng, ["week", "month", "quarter", "year"])
    return visible, configs


def dashboards(ctx) -> list[Dashboard]:
    """Each user's dashboard: the job's preset, a few customized."""
    rng, end = ctx.rng, _end(ctx)
    people = staff(ctx)
    custom = {u["id"] for u, _j, _r in rng.sample([p for p in people if p[1] != "Owner"], CUSTOM_USERS)}
    result = []
    for user, job, _rbac in people:
        created = business_moment(rng, ctx.window_start, ctx.window_start + dt.timedelta(days=4))
        layout = _layout_of(job)
        if user["id"] in custom:
            visible, configs = _custom_widgets(rng, layout)
            result.append(Dashboard(user["id"], "custom", _widget_list(visible), configs, created,
                                    _after(rng, created, 30, end)))
        else:
            result.append(Dashboard(user["id"], layout, _widget_list(LAYOUTS[layout]), {}, created, None))
    return result


def dashboard_kpi_configs(ctx):
    created = at(setup_day(ctx), 16)
    rows = []
    for role, tiles in KPIS.items():
        for position, (kpi, visible) in enumerate(tiles):
            rows.append({"id": ctx.id(len(rows) + 1), "role": role, "kpiType": kpi, "position": position,
                         "isVisible": visible, "createdAt": created, "updatedAt": created})
    return rows


def _widget_row(ctx, n, user, role, widget, position, visible, config, created, updated) -> dict:
    width, height = SIZES[widget]
    return {"id": ctx.id(n), "userId": user, "role": role, "widgetType": widget, "position": position,
            "width": width, "height": height, "isVisible": visible, "config": config,
            "createdAt": created, "updatedAt": updated}


def dashboard_widget_layouts(ctx):
    """The role defaults (no user), then the layouts of the users who customized theirs."""
    created = at(setup_day(ctx), 16, 30)
    rows = []
    for role, visible in ROLE_DEFAULTS.items():
        for w in _widget_list(visible):
            rows.append(_widget_row(ctx, len(rows) + 1, None, role, w["id"], w["order"], w["isVisible"],
                                    DEFAULT_CONFIG[w["id"]], created, created))
    for board in ctx.dataset(dashboards):
        if board.customized is None:
            continue
        for w in board.widgets:
            rows.append(_widget_row(ctx, len(rows) + 1, board.user, None, w["id"], w["order"], w["isVisible"],
                                    board.configs.get(w["id"], DEFAULT_CONFIG[w["id"]]),
                                    board.customized, board.customized))
    return rows


def userDashboardPreferences(ctx):
    return [{"id": ctx.id(n), "userId": b.user, "activeLayout": b.layout, "widgetConfig": b.widgets,
             "createdAt": b.created, "updatedAt": b.customized or b.created}
            for n, b in enumerate(ctx.dataset(dashboards), start=1)]


# --------------------------------------------------------------------------- alert configurations
# The alerts each job sets (see _alert for what each one watches).
ALERTS_BY_JOB = {
    "Owner": ["high_value", "overdue"],
    "Operations Director": ["low_stock_category", "quarantine"],
    "Operations Manager": ["low_stock_category", "expiring"],
    "Sales Manager": ["high_value", "client_order", "sample_conversion"],
    "Sales Rep": ["client_order", "sample_conversion"],
    "Inventory Manager": ["low_stock_batch", "low_stock_batch", "low_stock_product", "expiring"],
    "Buyer": ["low_stock_product", "low_stock_category"],
    "Warehouse Lead": ["low_stock_batch"],
    "Controller": ["overdue", "high_value"],
    "AR Specialist": ["overdue", "client_overdue", "client_overdue"],
    "Compliance Officer": ["quarantine"],
}
DELIVERY = [("DASHBOARD", 0.5), ("EMAIL", 0.2), ("BOTH", 0.3)]


def _round_to(value: Decimal, step: int) -> Decimal:
    return max(Decimal(step), (value / step).quantize(Decimal(1)) * step)


@dataclass(slots=True)
class Watch:
    """What an alert watches: its type, target and threshold; for a batch, when it could
    first be watched and when it sold out."""
    kind: str
    target: str
    target_id: int | None
    threshold: Decimal
    operator: str
    earliest: dt.datetime | None = None
    gone: dt.datetime | None = None


def _watch_batch(ctx, st: Story, rng, user: int) -> Watch:
    watched = [b for b in st.batches if b.product.tier and b.live_at <= _end(ctx)
               and (b.remaining > 0 or b.last_moved > max(_start(ctx), b.live_at) + DAY)]
    b = pick(rng, watched)
    return Watch("LOW_STOCK", "BATCH", b.id, q2(b.qty_in * Decimal("0.10")), "LESS_THAN", b.live_at,
                 b.last_moved if b.remaining <= 0 else None)


def _watch_product(ctx, st: Story, rng, user: int) -> Watch:
    """The product we take in most often."""
    counts = defaultdict(int)
    for b in st.batches:
        counts[b.product.id] += 1
    product = max(counts, key=lambda p: (counts[p], -p))
    return Watch("LOW_STOCK", "PRODUCT", product, Decimal("25"), "LESS_THAN")


def _watch_category(ctx, st: Story, rng, user: int) -> Watch:
    flower = next(c for c in ctx.rows("categories") if c["name"] == "Flower")
    return Watch("LOW_STOCK", "CATEGORY", flower["id"], Decimal("200"), "LESS_THAN")


def _watch_overdue_client(ctx, st: Story, rng, user: int) -> Watch:
    """One of the three clients owing the most past-due money at the end."""
    owed = defaultdict(Decimal)
    for inv, left in st.open_invoices(_end(ctx), overdue_only=True):
        owed[inv.client["id"]] += left
    if not owed:
        return Watch("OVERDUE_PAYMENT", "GLOBAL", None, Decimal("30"), "GREATER_THAN")
    client = pick(rng, sorted(owed, key=lambda c: (-owed[c], c))[:3])
    return Watch("OVERDUE_PAYMENT", "CLIENT", client, _round_to(owed[client] / 2, 1000), "GREATER_THAN")


def _watch_high_value(ctx, st: Story, rng, user: int) -> Watch:
    """Orders in the top 5%."""
    totals = sorted(o.total for o in st.sales)
    return Watch("HIGH_VALUE_ORDER", "GLOBAL", None, _round_to(totals[int(len(totals) * 0.95)], 5000),
                 "GREATER_THAN")


def _watch_client_order(ctx, st: Story, rng, user: int) -> Watch:
    """An order half again above one of the rep's (whale) clients' average."""
    mine = st.clients_of(user)
    client = pick(rng, [c for c in mine if is_whale(c)] or mine)
    orders = [o.total for o in st.sales_of(client["id"])] or [Decimal("10000")]
    return Watch("HIGH_VALUE_ORDER", "CLIENT", client["id"],
                 _round_to(sum(orders) / len(orders) * Decimal("1.5"), 1000), "GREATER_THAN")


WATCHES = {
    "low_stock_batch": _watch_batch, "low_stock_product": _watch_product,
    "low_stock_category": _watch_category, "client_overdue": _watch_overdue_client,
    "high_value": _watch_high_value, "client_order": _watch_client_order,
    "expiring": lambda *_a: Watch("EXPIRING_BATCH", "GLOBAL", None, Decimal("30"), "LESS_THAN"),  # days left
    "overdue": lambda *_a: Watch("OVERDUE_PAYMENT", "GLOBAL", None, Decimal("30"), "GREATER_THAN"),  # days late
    "sample_conversion": lambda *_a: Watch("SAMPLE_CONVERSION", "GLOBAL", None, Decimal("0.25"), "LESS_THAN"),
    "quarantine": lambda *_a: Watch("CUSTOM", "GLOBAL", None, Decimal("1"), "GREATER_THAN"),  # quarantined batches
}


def alert_configurations(ctx):
    rng, end, st = ctx.rng, _end(ctx), ctx.dataset(story)
    rows = []
    for user, job, _rbac in staff(ctx):
        for spec in ALERTS_BY_JOB.get(job, []):
            w = WATCHES[spec](ctx, st, rng, user["id"])
            lo = max(_start(ctx), w.earliest or _start(ctx))
            created = _between(rng, lo, min(end, lo + 45 * DAY, w.gone or end))  # before a batch sold out
            active = w.gone is None and rng.random() < 0.9
            updated = created if active else _after(rng, max(created, w.gone or created), 10, end)
            method = weighted(rng, DELIVERY)
            rows.append({
                "id": ctx.id(len(rows) + 1), "user_id": user["id"], "alert_type": w.kind,
                "target_type": w.target, "target_id": w.target_id, "threshold_value": w.threshold.quantize(Q4),
                "threshold_operator": w.operator, "delivery_method": method,
                "email_address": user["email"] if method != "DASHBOARD" else None,
                "is_active": active, "created_at": created, "updated_at": updated,
            })
    return rows


# --------------------------------------------------------------------------- audit logs
# auditLogs.entity -> the table its entityId points into
AUDIT_ENTITIES = {"order": "orders", "invoice": "invoices", "batch": "batches", "client": "clients",
                  "payment": "payments", "user": "users"}
# Every cancellation, conversion, overdue flag, intake, count adjustment, hold, COGS change and
# permission change is audited; of the frequent actions, a share (several hundred rows in full).
DISCOUNT_AUDIT_SHARE = 0.15
PAID_AUDIT_SHARE = 0.02
CREDIT_AUDIT_SHARE = 0.4
VENDOR_PAYMENT_AUDIT_SHARE = 0.4
LARGE_PAYMENT_SHARE = 0.02   # the largest received payments


@dataclass(slots=True)
class Audit:
    when: dt.datetime
    actor: int
    entity: str
    entity_id: int
    action: str
    before: dict | None = None
    after: dict | None = None
    reason: str | None = None


def _order_audits(ctx, rng, team) -> list[Audit]:
    manager = team["Sales Manager"][0]["id"]
    out = []
    for o in ctx.dataset(trade).orders:
        if o.sale_status == "CANCELLED":
            out.append(Audit(o.cancelled_at, o.rep, "order", o.id, "STATUS_CHANGED",
                             {"saleStatus": "PENDING"}, {"saleStatus": "CANCELLED"},
                             "Cancelled by the client before packing"))
        if o.converted_from is not None:
            q = o.converted_from
            out.append(Audit(o.converted_at, q.rep, "order", q.id, "CONVERTED",
                             {"quoteStatus": "ACCEPTED"}, {"quoteStatus": "CONVERTED", "orderId": o.id}))
        if o.discount > 0 and rng.random() < DISCOUNT_AUDIT_SHARE:
            out.append(Audit(_between(rng, o.created + MINUTE, o.confirmed_at), manager, "order", o.id,
                             "UPDATED", {"discount": "0.00", "total": f"{o.subtotal:.2f}"},
                             {"discount": f"{o.discount:.2f}", "total": f"{o.total:.2f}"},
                             "Volume discount for a whale account"))
    return out


def _invoice_audits(ctx, rng, team) -> list[Audit]:
    end, start = _end(ctx), _start(ctx)
    clerk = team["AR Specialist"][0]["id"]
    out = []
    for inv in ctx.dataset(books).invoices:
        created = inv.order.shipped_at if inv.order else at(inv.date, 9)
        if inv.status(ctx.window_end) == "OVERDUE":
            flagged = at(inv.due + DAY, 9)
            if flagged >= max(start, created) and flagged <= end:
                paid = sum((p.amount for p in inv.payments if p.date <= inv.due), ZERO)
                out.append(Audit(flagged, clerk, "invoice", inv.id, "STATUS_CHANGED",
                                 {"status": "PARTIAL" if paid else "SENT"}, {"status": "OVERDUE"},
                                 f"Past due on {inv.due:%Y-%m-%d}"))
        elif inv.payments and inv.paid >= inv.total and rng.random() < PAID_AUDIT_SHARE:
            last = max(p.date for p in inv.payments)
            due_before = inv.total - sum((p.amount for p in inv.payments if p.date < last), ZERO)
            out.append(Audit(max(created, at(last, 12)), clerk, "invoice", inv.id, "STATUS_CHANGED",
                             {"amountDue": f"{due_before:.2f}"}, {"amountDue": "0.00", "status": "PAID"}))
    return out


def _payment_audits(ctx, rng) -> list[Audit]:
    rows = [r for r in ctx.rows("payments") if r["createdAt"] >= _start(ctx)]
    received = sorted((r for r in rows if r["paymentType"] == "RECEIVED"), key=lambda r: (-r["amount"], r["id"]))
    large = received[:max(1, round(len(received) * LARGE_PAYMENT_SHARE))]
    sent = [r for r in rows if r["paymentType"] == "SENT" and rng.random() < VENDOR_PAYMENT_AUDIT_SHARE]
    return [Audit(r["createdAt"], r["createdBy"], "payment", r["id"], "CREATED", None,
                  {"paymentNumber": r["paymentNumber"], "paymentType": r["paymentType"],
                   "amount": f"{r['amount']:.2f}", "method": r["paymentMethod"],
                   "invoiceId": r["invoiceId"], "billId": r["billId"]},
                  "Vendor payment" if r["paymentType"] == "SENT" else None)
            for r in sorted(large + sent, key=lambda r: r["id"])]


def _batch_audits(ctx) -> list[Audit]:
    start = _start(ctx)
    out = []
    for b in ctx.dataset(trade).batches:
        if b.received >= start:
            out.append(Audit(b.received, b.received_by, "batch", b.id, "CREATED", None,
                             {"code": b.code, "productId": b.product.id, "quantity": f"{b.qty_in:.2f}",
                              "unitCogs": f"{b.unit_cogs:.2f}", "paymentTerms": b.terms}))
        level = ZERO
        for when, kind, change, _rt, _rid, reason, user in sorted(b.movements, key=lambda m: m[0]):
            if kind == "ADJUSTMENT" and when >= start:
                out.append(Audit(when, user, "batch", b.id, "QUANTITY_ADJUSTED", {"onHandQty": f"{level:.2f}"},
                                 {"onHandQty": f"{level + change:.2f}"}, reason))
            level += change
        for _slug, when in b.status_changes:
            if when >= start:
                out.append(Audit(when, b.received_by, "batch", b.id, "STATUS_CHANGED", {"batchStatus": "LIVE"},
                                 {"batchStatus": b.batch_status},
                                 "Failed retest" if b.batch_status == "QUARANTINED" else "Quality review"))
    for row in ctx.rows("cogsHistory"):
        out.append(Audit(row["createdAt"], row["changedBy"], "batch", row["batchId"], "COGS_UPDATED",
                         {"unitCogs": row["oldCogs"]}, {"unitCogs": row["newCogs"]}, row["reason"]))
    return out


def _client_audits(ctx, rng) -> list[Audit]:
    return [Audit(row["created_at"], row["triggered_by"], "client", row["client_id"], "CREDIT_LIMIT_CHANGED",
                  {"creditLimit": f"{row['old_value']:.2f}"}, {"creditLimit": f"{row['new_value']:.2f}"},
                  row["reason"])
            for row in ctx.rows("credit_audit_log")
            if row["triggered_by"] is not None and rng.random() < CREDIT_AUDIT_SHARE]


def _user_audits(ctx) -> list[Audit]:
    users = {u["openId"]: u["id"] for u in ctx.rows("users")}
    perms = {p["id"]: p["name"] for p in ctx.rows("permissions")}
    return [Audit(row["granted_at"], users[row["granted_by"]], "user", users[row["user_id"]],
                  "PERMISSION_GRANTED" if row["granted"] else "PERMISSION_REVOKED", None,
                  {"permission": perms[row["permission_id"]], "granted": bool(row["granted"])},
                  "Per-user exception to the role")
            for row in ctx.rows("user_permission_overrides")]


def auditLogs(ctx):
    rng, team = ctx.rng, _team(ctx)
    audits = (_order_audits(ctx, rng, team) + _invoice_audits(ctx, rng, team) + _payment_audits(ctx, rng)
              + _batch_audits(ctx) + _client_audits(ctx, rng) + _user_audits(ctx))
    audits.sort(key=lambda a: (a.when, a.entity, a.entity_id, a.action))
    return [{"id": ctx.id(n), "actorId": a.actor, "entity": a.entity, "entityId": a.entity_id,
             "action": a.action, "before": _json(a.before) if a.before is not None else None,
             "after": _json(a.after) if a.after is not None else None, "reason": a.reason,
             "createdAt": a.when}
            for n, a in enumerate(audits, start=1)]


# --------------------------------------------------------------------------- deployments
APP_URL = f"https://app.{COMPANY_DOMAIN}"
REPOSITORY = "terp-wholesale/terp"
DEVELOPERS = 3
COMMITS = [
    "feat(orders): show margin per line on the order form", "fix(orders): keep the discount when a quote converts",
    "feat(inventory): filter batches by grade", "fix(inventory): round on-hand quantities to 4 decimals",
    "feat(accounting): AR aging export to CSV", "fix(accounting): carry partial payments into the aging",
    "feat(dashboard): profitability widget", "fix(dashboard): cash-flow chart off by one month",
    "feat(todo): assign tasks from the list view", "fix(notes): autosave lost the title on blur",
    "feat(clients): credit limit history tab", "fix(clients): phone number search ignores dashes",
    "chore(deps): bump drizzle-orm", "chore(deps): bump vite and react-query",
    "perf(orders): index order lookups by client", "refactor(pricing): one place for margin rules",
    "feat(vendors): vendor notes on the supply page", "fix(intake): COA upload on Safari",
    "feat(alerts): e-mail delivery for low-stock alerts", "fix(samples): sample conversion rate rounding",
]
FAILURES = [
    ("Build failed: TypeScript error TS2345 in server/routers/orders.ts",
     "> tsc --noEmit\nserver/routers/orders.ts(212,18): error TS2345: Argument of type 'string' is not"
     " assignable to parameter of type 'number'.\nBuild exited with code 2"),
    ("Health check failed: /api/health did not answer within 60 s",
     "Deploying...\nWaiting for health check on port 3000\nHealth check timed out after 60s\nRolling back"),
    ("Build failed: npm ci could not resolve peer dependencies",
     "> npm ci\nnpm ERR! code ERESOLVE\nnpm ERR! ERESOLVE could not resolve\nBuild exited with code 1"),
]
DEPLOYS_PER_WEEK = [(1, 0.25), (2, 0.5), (3, 0.25)]
FAILURE_SHARE = 0.08


def _deploy_moments(ctx, rng) -> list[dt.datetime]:
    """About two commits to main a week, on weekdays, none after the window."""
    moments, week = [], ctx.window_start - dt.timedelta(days=ctx.window_start.weekday())
    while week <= ctx.window_end:
        for _ in range(weighted(rng, DEPLOYS_PER_WEEK)):
            day = week + dt.timedelta(days=rng.randint(0, 4))
            if ctx.window_start <= day <= ctx.window_end:
                moments.append(at(day, rng.randint(9, 19), rng.randint(0, 59), rng.randint(0, 59)))
        week += dt.timedelta(days=7)
    return sorted(moments)


def _deployment(ctx, rng, n: int, committed: dt.datetime, author: str, pusher: str, failed: bool,
                message: str) -> dict:
    sha = f"{rng.getrandbits(160):040x}"
    started = committed + dt.timedelta(seconds=rng.randint(20, 120))
    duration = rng.randint(60, 200) if failed else rng.randint(180, 540)
    error, logs = pick(rng, FAILURES) if failed else (None, None)
    return {
        "id": ctx.id(n), "commitSha": sha, "commitMessage": message, "commitTimestamp": committed,
        "branch": "main", "author": author, "pusher": pusher, "status": "failed" if failed else "success",
        "startedAt": started, "completedAt": started + dt.timedelta(seconds=duration), "duration": duration,
        "doDeploymentId": _uuid(rng), "buildLogs": logs, "deploymentUrl": None if failed else APP_URL,
        "errorMessage": error, "githubDeliveryId": _uuid(rng),
        "webhookPayload": {"ref": "refs/heads/main", "after": sha, "repository": {"full_name": REPOSITORY},
                           "pusher": {"name": pusher},
                           "head_commit": {"id": sha, "message": message, "timestamp": committed.isoformat() + "Z"}},
    }


def deployments(ctx):
    rng, fake = ctx.rng, ctx.fake
    devs = [f"{fake.first_name()} {fake.last_name()}" for _ in range(DEVELOPERS)]
    rows, fix_for = [], None
    for committed in _deploy_moments(ctx, rng):
        author = pick(rng, devs)
        pusher = author if rng.random() < 0.8 else pick(rng, devs)
        message = f"fix: {fix_for}" if fix_for else pick(rng, COMMITS)
        failed = fix_for is None and rng.random() < FAILURE_SHARE
        row = _deployment(ctx, rng, len(rows) + 1, committed, author, pusher, failed, message)
        if row["completedAt"] > _end(ctx):
            continue
        rows.append(row)
        fix_for = row["errorMessage"].split(": ", 1)[1] if failed else None
    return rows
