"""Comment threads, on what TERP's screens show comments for, with their @mentions.

TERP mounts its comment widget on four things only, and files a comment under
the type string the widget passes: ``inventory_batch`` (a batch's drawer),
``client`` (the client profile's Comments tab), ``task`` (a to-do task) and
``dashboard`` (the dashboard, always id 1).  So talk about an order lives on
its client's profile, with the order's number in the text, and so does talk
about a client meeting.  A mention is written as TERP's mention input writes
it, ``@[Name](userId)``, and makes a comment_mentions row (and, in
generators/inbox.py, an inbox item for the person mentioned).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from generators.calendar import Crew, schedule
from generators.common import at, between, pick, weighted
from generators.parties import traded_strains
from generators.trade import trade
from generators.workspace import todos

MINUTE = dt.timedelta(minutes=1)
COMMENTS_PER_MONTH = 28
DASHBOARD_ID = 1  # TERP's dashboard widget always files its comments under id 1
MENTION = re.compile(r"@\[([^\]]+)\]\((\d+)\)")  # @[Name](userId), as TERP writes a mention

# Threads by subject: each line a comment, speakers alternate; {prev} mentions the
# previous comment's author, {next} the person expected to answer.
THREADS = {
    "order": [
        ["{next} can we get {order} packed today? They want it on the first truck tomorrow.",
         "{prev} yes, it's on this afternoon's packing list.",
         "Packed and staged; the driver has it as the first stop.",
         "Thanks, confirmed with the buyer."],
        ["They asked to split payment on {order}. {next} OK to allow it this once?",
         "{prev} approved this once; keep them on {terms} terms after this.",
         "Noted on the order and told the buyer.",
         "Adding it to the next credit review."],
        ["They want an updated invoice copy for {order}.",
         "{prev} sent it from the invoice screen.",
         "Got it, they confirmed receipt.",
         "Closing this out."],
        ["Re-weighed the {product} on {order} before packing: matches the label.",
         "{prev} thanks for checking, they complained about the last one.",
         "Photo of the scale reading is in the shared drive.",
         "Perfect, that settles it."],
    ],
    "meeting": [
        ["Agenda for {event} on {day} is up; add anything you want covered. {next}",
         "{prev} can we add the consignment settlement timing?",
         "Added.",
         "See you there."],
        ["{next} can you cover {event} on {day}? I'm out that day.",
         "{prev} yes, I've got it.",
         "Thanks, I'll brief you the day before.",
         "Briefed, all set."],
        ["{event} on {day} needs their latest numbers. {next} can you pull them?",
         "{prev} pulled and attached to the event.",
         "Thanks, looks right.",
         "Great."],
    ],
    "client": [
        ["{client} is opening a second store next month: expect bigger orders.",
         "{prev} nice, let's book a menu planning meeting.",
         "Booked for next week.",
         "Great."],
        ["{next} can you call {client}? They are behind on their last invoice.",
         "{prev} called: the payment goes out Friday.",
         "Payment received.",
         "Resolved, thanks."],
        ["{client} takes deliveries before 11am only; receiving closes at noon.",
         "{prev} added to their delivery notes.",
         "Drivers are briefed.",
         "Thanks."],
        ["{client} asked about indoor {strain}. {next} do we have any coming?",
         "{prev} a lot is due next week; I'll send them the sheet when it's live.",
         "Sheet sent.",
         "They ordered off it."],
    ],
    "batch": [
        ["COA for {batch} is in: {product} tested clean.",
         "{prev} great, adding it to this week's sales sheet.",
         "Photos are booked too.",
         "Thanks."],
        ["{next} a few jars of {batch} have broken seals. Pulling them aside.",
         "{prev} log them as defective and tell the vendor.",
         "Done: logged, vendor e-mailed.",
         "Thanks, closing."],
        ["{batch} is moving slowly. {next} should we put it on the value sheet?",
         "{prev} yes, drop it to tier-2 pricing for two weeks.",
         "Added to Monday's sheet.",
         "Two orders off it already."],
        ["Moved {batch} to rack B-2 to free up the cage.",
         "{prev} fine, please update the location in TERP.",
         "Updated.",
         "Thanks."],
    ],
    "task": [
        ["{next} can you look at this today? \"{task}\" is holding up the rest of the list.",
         "{prev} yes, picking it up after lunch.",
         "Thanks!",
         "Started, I'll update the status as I go."],
        ["{next} is the due date still realistic?",
         "{prev} I need a couple more days; I'll move it.",
         "Fine by me.",
         "Moved."],
        ["Added what I know to the description. {next} anything missing?",
         "{prev} that covers it, thanks.",
         "I'll take it from here."],
        ["{next} FYI, I had a call about this one this morning.",
         "{prev} thanks, anything I should change?",
         "No, just keep them posted when it's done.",
         "Will do."],
    ],
    "dashboard": [
        ["{month} is in the books: thanks everyone for a solid month.",
         "{prev} great work by the whole team.",
         "Agreed, the warehouse crushed it."],
        ["{next} the inventory snapshot looks light on indoor for {month}. More lots coming?",
         "{prev} three lots land next week.",
         "Great, thanks."],
        ["{next} sales comparison dipped this week; anything I should know?",
         "{prev} two big accounts moved their orders to Monday.",
         "Thanks for the context."],
        ["Reminder: the workflow queue should be empty before Friday's intake. {next}",
         "{prev} on it, two batches left in packaging.",
         "Queue is clear."],
    ],
}
# subject -> the commentable_type TERP files it under
TYPE_OF = {"order": "client", "meeting": "client", "client": "client", "batch": "inventory_batch",
           "task": "task", "dashboard": "dashboard"}
THREAD_TYPES = [("order", 0.25), ("meeting", 0.07), ("client", 0.15), ("batch", 0.22), ("task", 0.25),
                ("dashboard", 0.06)]
THREAD_LENGTHS = [(1, 0.3), (2, 0.35), (3, 0.2), (4, 0.15)]
RESOLVE_SHARE = 0.35


@dataclass(slots=True)
class Comment:
    kind: str                         # comments.commentable_type
    target_id: int
    author: int
    content: str
    created: dt.datetime
    mentions: list[int]
    resolved: dt.datetime | None = None
    resolved_by: int | None = None
    id: int = 0


@dataclass(slots=True)
class Subject:
    """Something to comment on: the id its comments are filed under, when a thread
    may open, who talks about it, words for the text."""
    id: int
    opens: dt.datetime                 # after the row was created
    closes: dt.datetime
    people: list[int]
    fields: dict


def mention(name: str, user_id: int) -> str:
    """A mention as TERP's mention input writes it into a comment."""
    return f"@[{name}]({user_id})"


def plain_text(content: str) -> str:
    """A comment as TERP quotes it in an inbox item: mentions as plain ``@Name``."""
    return MENTION.sub(r"@\1", content)


def _month_subjects(ctx, crew: Crew, end: dt.datetime) -> list[Subject]:
    leads = crew.all("Owner", "Operations Director", "Operations Manager", "Sales Manager", "Controller")
    subjects, day = [], ctx.window_start.replace(day=1)
    while day <= ctx.window_end:
        nxt = (day + dt.timedelta(days=32)).replace(day=1)
        subjects.append(Subject(DASHBOARD_ID, max(at(day, 8), at(ctx.window_start, 8)),
                                min(end, at(nxt - dt.timedelta(days=1), 18)), leads,
                                {"month": f"{day:%B %Y}"}))
        day = nxt
    return subjects


def _subjects(ctx, crew: Crew, end: dt.datetime) -> dict[str, list[Subject]]:
    td = ctx.dataset(trade)
    start = at(ctx.window_start, 8)
    rep_of = {o.client["id"]: o.rep for o in td.orders}
    warehouse = crew.all("Warehouse Lead", "Warehouse Associate")
    office = crew.all("Sales Manager", "AR Specialist")
    stock = crew.all("Inventory Manager", "Warehouse Lead", "Buyer")
    strains = [s["name"] for s in traded_strains(ctx)]
    soon = dt.timedelta(days=10)

    def after(created):
        return max(created + 10 * MINUTE, start)

    buyers = [c for c in ctx.rows("clients") if c["is_buyer"]]
    return {
        "order": [Subject(o.client["id"], after(o.created), min(end, o.created + soon),
                          [o.rep] + warehouse + office,
                          {"order": o.number, "terms": o.terms.replace("_", " "),
                           "product": o.lines[0].batch.product.name}) for o in td.orders],
        "meeting": [Subject(ev.client_id, after(ev.created), min(end, ev.start - 30 * MINUTE),
                            [a.user_id for a in ev.attendees] + [ev.created_by],
                            {"event": ev.title, "day": f"{ev.start:%b %d}"})
                    for ev in ctx.dataset(schedule).events
                    if ev.client_id is not None and ev.event_type == "MEETING" and not ev.deleted],
        "client": [Subject(c["id"], after(c["created_at"]), end,
                           [rep_of.get(c["id"], crew.one("Sales Manager"))]
                           + crew.all("Sales Manager", "AR Specialist"),
                           {"client": c["name"], "strain": strains[c["id"] % len(strains)]})
                   for c in buyers],
        "batch": [Subject(b.id, after(b.received), min(end, b.received + soon), stock + crew.all("Sales Rep"),
                          {"batch": b.code, "product": b.product.name}) for b in td.batches],
        "task": [Subject(t.id, after(t.created), min(end, t.completed_at or t.created + 2 * soon),
                         [t.created_by] + ([t.assigned_to] if t.assigned_to else [])
                         + [u for u, role, _added in lst.members if role != "viewer"],
                         {"task": t.title})
                 for lst in ctx.dataset(todos) for t in lst.tasks],
        "dashboard": _month_subjects(ctx, crew, end),
    }


def _thread(ctx, crew: Crew, subject_kind: str, subject: Subject, end: dt.datetime) -> list[Comment]:
    rng = ctx.rng
    kind = TYPE_OF[subject_kind]
    people = list(dict.fromkeys(subject.people))
    if len(people) < 2:
        people.append(pick(rng, [u for u in crew.names if u not in people]))
    if subject.closes < subject.opens:
        return []
    speakers = rng.sample(people, 2)
    lines = pick(rng, THREADS[subject_kind])[: weighted(rng, THREAD_LENGTHS)]
    thread, when = [], between(rng, subject.opens, subject.closes)
    for k, line in enumerate(lines):
        if when > end:
            break
        author, other = speakers[k % 2], speakers[(k + 1) % 2]
        mentioned = [other] if "{prev}" in line or "{next}" in line else []
        tag = mention(crew.names[other], other)
        text = line.format(prev=tag, next=tag, **subject.fields)
        thread.append(Comment(kind, subject.id, author, text, when, mentioned))
        when = between(rng, when + 10 * MINUTE, when + dt.timedelta(days=2))
    if thread and kind != "dashboard" and rng.random() < RESOLVE_SHARE:
        last = thread[-1].created
        limit = min(end, last + dt.timedelta(days=3))
        done = between(rng, last + 10 * MINUTE, limit) if last + 10 * MINUTE <= limit else None
        for c in thread if done else []:
            c.resolved, c.resolved_by = done, thread[0].author
    return thread


def discussions(ctx) -> list[Comment]:
    """Comment threads, about 28 comments a month (scaled), in time order."""
    rng = ctx.rng
    end = at(ctx.window_end, 23, 59, 59)
    crew = Crew(ctx)
    subjects = _subjects(ctx, crew, end)
    target = ctx.scaled(COMMENTS_PER_MONTH * ctx.scenario.months)
    made: list[Comment] = []
    for _ in range(target * 10):
        if len(made) >= target:
            break
        kind = weighted(rng, THREAD_TYPES)
        if subjects[kind]:
            made += _thread(ctx, crew, kind, pick(rng, subjects[kind]), end)
    made.sort(key=lambda c: (c.created, c.kind, c.target_id))
    for n, c in enumerate(made, start=1):
        c.id = ctx.id(n)
    return made


def comments(ctx):
    return [{
        "id": c.id, "commentable_type": c.kind, "commentable_id": c.target_id, "user_id": c.author,
        "content": c.content, "is_resolved": c.resolved is not None, "resolved_at": c.resolved,
        "resolved_by": c.resolved_by, "created_at": c.created, "updated_at": c.resolved or c.created,
    } for c in ctx.dataset(discussions)]


def comment_mentions(ctx):
    rows = []
    for c in ctx.dataset(discussions):
        for uid in dict.fromkeys(c.mentions):
            rows.append({"id": ctx.id(len(rows) + 1), "comment_id": c.id, "mentioned_user_id": uid,
                         "mentioned_by_user_id": c.author, "created_at": c.created})
    return rows
