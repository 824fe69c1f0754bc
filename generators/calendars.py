"""TERP's own calendars (a 2026-02-15 table, written with its 2026-02-15 names).

drizzle/migrations/0024_calendar_foundation.sql creates two workspace
calendars, Office (the default) and Accounting, and puts every existing event
on Office.  The seeds write exactly those two rows, with 0024's values, a
little before the first calendar event was booked; the events choose theirs
by what they are about (generators/added_sales.py, ``calendar_events.calendar_id``).
On TERP versions without the table the step renders nothing.
"""

from __future__ import annotations

import datetime as dt

from generators.common import at, setup_day

# drizzle/migrations/0024: (name, description, color, is_default), in the order it inserts them
CALENDARS = [
    ("Office", "General office and sales calendar for meetings, appointments, and tasks", "#3B82F6", True),
    ("Accounting", "Accounting department calendar for payment pickups and financial meetings", "#10B981", False),
]
OFFICE, ACCOUNTING = (name for name, _d, _c, _default in CALENDARS)
# the events 0024's Accounting calendar is for: collections and payments, owed and owing
ACCOUNTING_EVENTS = ("AR_COLLECTION", "PAYMENT_DUE", "AP_PAYMENT")


def created_at(ctx) -> dt.datetime:
    """When the calendars were set up: with TERP, before any event was booked."""
    earliest = min((row["created_at"] for row in ctx.rows("calendar_events")), default=None)
    moment = at(setup_day(ctx), 8)
    return min(moment, earliest - dt.timedelta(hours=1)) if earliest else moment


def calendars(ctx):
    made = created_at(ctx)
    return [
        {"id": ctx.id(n), "name": name, "description": description, "color": color, "type": "workspace",
         "is_default": default, "is_archived": False, "owner_id": None, "created_at": made, "updated_at": made}
        for n, (name, description, color, default) in enumerate(CALENDARS, start=1)
    ]


def calendar_of(ctx) -> dict[str, int]:
    """The calendars' ids by name."""
    return {row["name"]: row["id"] for row in ctx.rows("calendars")}
