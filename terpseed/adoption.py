"""TERP's own reference rows: adopted by natural key, seeded around.

TERP inserts some reference rows itself (../shared/terp/app-facts.md §6): its
migrations write the workflow statuses and the lot/batch sequences, and its
startup the RBAC roles, permissions and grants, the default locations,
categories, subcategories, grades, expense categories and chart of accounts,
and (on demand) the payment methods; each step only when its table is
empty.  A database where TERP ran first holds those rows, under TERP's ids.

An online run reads them before it generates anything (``read``): every row
of an ``ADOPTABLE`` table that the seeds did not write (an id below the
seeded ids), by its natural key.  A seed row with the same natural key is
then *adopted*: the world gives it TERP's id and TERP's values (``apply``),
every row that refers to it (generated from the world's rows) refers to
TERP's row, and the seed does not insert it, never deletes it, and puts back
TERP's values where a later revision updates it (a sequence moved past the
codes the seed used).  What a run adopted is recorded with its arguments
(terpseed/record.py), so a later downgrade, online or rendered against the
database, regenerates the very same world.  A script rendered with no
database adopts nothing: on a database with TERP's rows it fails on their
unique keys, saying so; render it against the database (``-x url=...``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from terpseed import relations

# Tables TERP fills itself, and how a row is known apart from its id.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "roles": ("name",),
    "permissions": ("name",),
    "role_permissions": ("role_id", "permission_id"),
    "workflow_statuses": ("slug",),
    "sequences": ("name",),
    "paymentMethods": ("code",),
    "locations": ("site", "zone", "rack", "shelf", "bin"),
    "categories": ("name",),
    "subcategories": ("categoryId", "name"),
    "grades": ("name",),
    "expenseCategories": ("parentCategoryId", "categoryName"),
    "accounts": ("accountNumber",),
    "tags": ("name",),  # TERP's 0052 inserts its ten default tags itself
    "unit_types": ("code",),  # TERP's migrations 0047 and 0056 insert them
    "organization_settings": ("setting_key",),  # 0047 inserts them
    "feature_flags": ("key",),  # an admin's "Seed defaults" may have
    "calendars": ("name",),  # 0024 inserts the Office and Accounting calendars
    "sites": ("code",),  # TERP's seedStorage
    "storage_zones": ("site_id", "code"),
}
SEED_ID_BASE = 1_000_000_000  # terpseed.world.SEED_ID_BASE: seeded ids are above it

_KINDS = {Decimal: ("decimal", str, Decimal), dt.datetime: ("datetime", dt.datetime.isoformat,
                                                              dt.datetime.fromisoformat),
          dt.date: ("date", dt.date.isoformat, dt.date.fromisoformat)}
_DECODE = {name: back for name, _to, back in _KINDS.values()}


def _encode(value):
    for kind, (name, to_text, _back) in _KINDS.items():
        if type(value) is kind:
            return {name: to_text(value)}
    return value


def _decode(value):
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _DECODE:
        name, text = next(iter(value.items()))
        return _DECODE[name](text)
    return value


@dataclass
class Adoption:
    """TERP's rows by table, by natural key: {table: {key: row}}."""

    rows: dict[str, dict[tuple, dict]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.rows.values())

    def key(self, table: str, row: dict) -> tuple:
        return tuple(row[c] for c in NATURAL_KEYS[table])

    def apply(self, table: str, rows: list[dict]) -> list[dict]:
        """The seed's rows of ``table``, those TERP already has replaced by
        TERP's.  References within the table (a parent account, a parent
        expense category) follow: a row under an adopted parent names TERP's
        parent, and is itself known by that parent."""
        found = self.rows.get(table)
        if not found:
            return rows
        inner = [ref.column for ref in relations.references()
                 if ref.table == table and ref.target_table == table and ref.target_column == "id"]
        moved: dict[int, int] = {}  # the seed's id -> TERP's, for rows adopted so far
        out = list(rows)
        changed = True
        while changed:  # parents first, whatever the order of the rows
            changed = False
            for i, row in enumerate(out):
                if row["id"] <= SEED_ID_BASE:
                    continue
                if inner:
                    row = out[i] = {**row, **{c: moved.get(row[c], row[c]) for c in inner}}
                terp = found.get(self.key(table, row))
                if terp is not None:
                    moved[row["id"]] = terp["id"]
                    out[i] = dict(terp)
                    changed = True
        return out

    def only(self, tables) -> "Adoption":
        wanted = set(tables)
        return Adoption({t: r for t, r in self.rows.items() if t in wanted and r})

    def merged(self, other: "Adoption") -> "Adoption":
        return Adoption({**self.rows, **{t: r for t, r in other.rows.items() if r}})

    def counts(self) -> dict[str, int]:
        return {t: len(r) for t, r in sorted(self.rows.items()) if r}

    def describe(self) -> str:
        """``roles 10, permissions 255, ...`` (empty when nothing is adopted)."""
        return ", ".join(f"{t} {n}" for t, n in self.counts().items())

    def text(self) -> str:
        """Canonical JSON of the adopted rows (what the record keeps)."""
        rows = {t: [[list(k), {c: _encode(v) for c, v in row.items()}] for k, row in sorted(found.items(), key=repr)]
                for t, found in sorted(self.rows.items()) if found}
        return json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False) if rows else ""

    def digest(self) -> str:
        return hashlib.sha256(self.text().encode()).hexdigest()[:16] if self else ""

    @classmethod
    def from_text(cls, text: str | None) -> "Adoption":
        if not text:
            return cls()
        loaded = json.loads(text)
        return cls({t: {tuple(key): {c: _decode(v) for c, v in row.items()} for key, row in pairs}
                    for t, pairs in loaded.items()})


def read(connection: sa.Connection, tables, target=None) -> Adoption:
    """The rows the seeds did not write in the ``ADOPTABLE`` tables among
    ``tables``, by natural key (the lowest id when TERP holds a key twice),
    read in the TERP schema version the database holds (``target``, a
    terpseed.schema_view.SchemaView; the first version by default) and given
    back with the names the generators write."""
    from terpseed.schema_view import base

    target = target or base()
    present = set(sa.inspect(connection).get_table_names())
    found: dict[str, dict[tuple, dict]] = {}
    for name in sorted(set(tables) & set(NATURAL_KEYS)):
        if not target.has(name) or target.name(name) not in present:
            continue
        table = target.table(name)
        names = target.projection(name).columns  # generated column -> the version's (None: gone)
        # only the columns the database has: on a schema that drifted from the
        # version, the drift preflight (which runs next) is the one to report it
        held = {c["name"] for c in sa.inspect(connection).get_columns(target.name(name))}
        query = (sa.select(*(c for c in table.c if c.name in held))
                 .where(table.c.id <= SEED_ID_BASE).order_by(table.c.id))
        rows: dict[tuple, dict] = {}
        for row in connection.execute(query).mappings():
            row = {g: (row.get(c) if c else None) for g, c in names.items()}
            rows.setdefault(tuple(row[c] for c in NATURAL_KEYS[name]), row)
        found[name] = rows
    connection.commit()
    return Adoption(found)
