"""TERP's schema step 2025-12-20 -> 2026-02-15 (TERP commit 2b0c4c92): declarations.

Derived from the models: 93 new tables (calendars, clientTags, the loyalty,
scheduling, storage and finance domains...), 54 new columns, 37 columns whose
type changes (29 varchar(20) money and quantity columns become decimals,
drizzle/migrations/0052, MODIFY only: every stored string must already parse;
4 decimals widen; tags.category becomes an enum), widened enums
(fulfillmentStatus gains DRAFT, CONFIRMED, DELIVERED...; sampleRequestStatus
the return states), two relaxed NOT NULLs, foreign keys and indexes.

Declared here:

* ``inventoryMovements.reason`` is renamed ``notes`` (drizzle/0030
  ``CHANGE COLUMN reason notes``; the values stay);
* tags.category (drizzle/0052_feat_002_tag_system_revamp.sql): the old free
  text is mapped to the new enum while the column is still varchar, then the
  column becomes the enum.  The 10 default tags 0052 also inserts are
  reference data, left to the seeds (the schema chain converts rows, it does
  not add TERP's reference rows);
* calendar_events.calendar_id (drizzle/migrations/0024_calendar_foundation.sql):
  every event without a calendar goes on the Office calendar.  The schema
  chain creates that one calendar, with 0024's values, and only when there is
  an event to put on it; 0024's Accounting calendar, availability, appointment
  types and admin access are reference data, left to the seeds;
* clients.creditLimitSource (drizzle/0042): existing clients are CALCULATED.
"""

import sqlalchemy as sa

from terpseed.schema.changes import Conversion, Tables, VersionChanges

# drizzle/0052: old free-text categories -> the enum; anything else and NULL -> CUSTOM.
TAG_CATEGORIES = {
    "strain_type": "STRAIN", "strain": "STRAIN",
    "flavor": "FLAVOR", "taste": "FLAVOR",
    "effect": "EFFECT", "effects": "EFFECT",
    "status": "STATUS", "state": "STATUS",
    "priority": "PRIORITY", "importance": "PRIORITY",
    "type": "TYPE", "kind": "TYPE",
}
# The way back: the spelling the 2025-11-21 seeds write (generators/reference.py);
# CUSTOM goes back to NULL.
TAG_CATEGORIES_BACK = {
    "STRAIN": "strain_type", "FLAVOR": "flavor", "EFFECT": "effect",
    "STATUS": "status", "PRIORITY": "priority", "TYPE": "type",
}

# drizzle/migrations/0024: the Office calendar, which takes every existing event.
OFFICE_CALENDAR = {
    "name": "Office",
    "description": "General office and sales calendar for meetings, appointments, and tasks",
    "color": "#3B82F6",
    "type": "workspace",
    "is_default": 1,
}


def _tag_categories(t: Tables) -> list:
    tags = t.tags
    mapped = sa.case(*((tags.c.category == old, new) for old, new in TAG_CATEGORIES.items()),
                     else_="CUSTOM")
    return [
        sa.update(tags).where(tags.c.category.is_not(None)).values(category=mapped),
        sa.update(tags).where(tags.c.category.is_(None)).values(category="CUSTOM"),
    ]


def _tag_categories_back(t: Tables) -> list:
    tags = t.tags
    back = sa.case(*((tags.c.category == new, old) for new, old in TAG_CATEGORIES_BACK.items()),
                   else_=sa.null())
    return [sa.update(tags).values(category=back)]


def _office_calendar(t: Tables) -> list:
    calendars, events = t.calendars, t.calendar_events
    office = sa.and_(calendars.c.name == "Office", calendars.c.type == "workspace")
    needed = sa.and_(
        ~sa.exists().where(calendars.c.name == "Office"),
        sa.exists().where(events.c.calendar_id.is_(None)),
    )
    values = sa.select(*(sa.literal(v) for v in OFFICE_CALENDAR.values())).where(needed)
    office_id = sa.select(sa.func.min(calendars.c.id)).where(office).scalar_subquery()
    return [
        sa.insert(calendars).from_select(list(OFFICE_CALENDAR), values),
        sa.update(events).where(events.c.calendar_id.is_(None)).values(calendar_id=office_id),
    ]


def _credit_limit_source(t: Tables) -> list:
    clients = t.clients
    return [sa.update(clients).where(clients.c.creditLimitSource.is_(None))
            .values(creditLimitSource="CALCULATED")]


def _tag_category(old):
    """0052's CASE for one value: the seeds write each version's categories with it."""
    return TAG_CATEGORIES.get(old, "CUSTOM")


CHANGES = VersionChanges(
    version="2026-02-15",
    renamed_columns={"inventoryMovements": {"reason": "notes"}},
    converted_values={"tags.category": _tag_category},
    conversions=(
        Conversion(
            "tags.category free text -> STRAIN/FLAVOR/EFFECT/STATUS/PRIORITY/TYPE, else and"
            " NULL -> CUSTOM (drizzle/0052), before the column becomes the enum",
            ("tags",),
            up=_tag_categories,
            down=_tag_categories_back,
            cannot_restore="the old spelling: every category comes back as the seeds spell it"
            " (STRAIN -> strain_type, FLAVOR -> flavor, ...), CUSTOM as NULL, so 'strain',"
            " 'taste' or any other free text TERP folded is not restored",
        ),
        Conversion(
            "calendar_events.calendar_id: events without a calendar go on the Office"
            " calendar, created with 0024's values if missing (drizzle/migrations/0024)",
            ("calendars", "calendar_events"),
            up=_office_calendar,
        ),
        Conversion(
            "clients.creditLimitSource: existing clients are CALCULATED (drizzle/0042)",
            ("clients",),
            up=_credit_limit_source,
        ),
    ),
)
