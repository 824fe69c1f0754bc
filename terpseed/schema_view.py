"""What a run writes, in the TERP schema version it targets.

The generators describe the business once.  A table's generator writes the
names and values of the first TERP version that has the table (the tables of
2025-11-21 its names and values, ``supplier_profiles`` those of 2025-12-20...);
a later version is a projection of those rows (``SchemaView.project``), made
of what its version steps declare (terpseed/schema/changes_*.py):

* renamed columns (``inventoryMovements.reason`` -> ``notes``) and tables;
* renamed values (``fulfillmentStatus`` PENDING -> READY_FOR_PACKING) and
  values converted one by one (``tags.category``'s free text -> its enum);
* columns a version no longer has, left out;
* columns a version adds to a table: their values come from the providers of
  ``generators/added_columns.py`` (ownership type from payment terms, supplier
  links...: coherent with the rows), else NULL, else the column's own default
  as the DDL spells it (a ``version`` of 1); never the clock.

Nothing here reads a database: the view is the same online and offline.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from terpseed.errors import SeedError
from terpseed.schema.changes import Derived
from terpseed.schema.defaults import CurrentTimestamp, CurrentTimestampOnUpdate
from terpseed.schema.versions import VERSIONS, SchemaVersion, latest, version

Value = Callable[[Any], Any]


def _identity(value):
    return value


def _chain(first: Value, second: Value) -> Value:
    if first is _identity:
        return second
    return lambda value: second(first(value))


def _renames(mapping: dict) -> Value:
    return lambda value: mapping.get(value, value) if value is not None else None


class Projection:
    """One table's way from its generator's version to the target version:
    the target's column of each generated column (None: gone), and the
    function each value goes through."""

    def __init__(self, table: str, columns: dict[str, str | None], values: dict[str, Value]):
        self.table = table              # the table's name in the target version
        self.columns = columns          # generated column -> target column (None: dropped)
        self.values = values            # target column -> value function (identity if absent)


class SchemaView:
    """The TERP schema version a run writes: its model, and how each table's
    generated rows read in it."""

    def __init__(self, target: SchemaVersion):
        self.version = target
        self.date = target.date

    def __repr__(self) -> str:
        return f"SchemaView({self.date})"

    @functools.cached_property
    def metadata(self) -> sa.MetaData:
        return self.version.metadata

    def has(self, table: str) -> bool:
        """Whether the target version has the table a generator writes (by its first name)."""
        return self.projection(table) is not None

    def table(self, table: str) -> sa.Table:
        return self.metadata.tables[self.projection(table).table]

    def name(self, table: str) -> str:
        """The target version's name of a generated table."""
        return self.projection(table).table

    @functools.lru_cache(maxsize=None)
    def projection(self, table: str) -> Projection | None:
        """How ``table``'s generated rows read in the target version; None when
        the target version does not have it (not yet, or no more)."""
        first = origin(table)
        if first is None or VERSIONS.index(first) > VERSIONS.index(self.version):
            return None
        columns = {c.name: c.name for c in first.table(table).c}
        values: dict[str, Value] = {}
        name = table
        for step in VERSIONS[VERSIONS.index(first) + 1:VERSIONS.index(self.version) + 1]:
            changes = step.changes
            if name in changes.dropped_tables:
                return None
            name = changes.renamed_tables.get(name, name)
            renamed = changes.renamed_columns.get(name, {})
            dropped = set(changes.dropped_columns.get(name, ()))
            for generated, current in list(columns.items()):
                if current is None:
                    continue
                if current in dropped:
                    columns[generated] = None
                    values.pop(current, None)
                    continue
                new = renamed.get(current, current)
                if new != current:
                    columns[generated] = new
                    if current in values:
                        values[new] = values.pop(current)
                key = f"{name}.{new}"
                if key in changes.renamed_values:
                    values[new] = _chain(values.get(new, _identity), _renames(dict(changes.renamed_values[key])))
                if key in changes.converted_values:
                    values[new] = _chain(values.get(new, _identity), changes.converted_values[key])
        model = self.metadata.tables[name]
        columns = {g: (c if c in model.c else None) for g, c in columns.items()}
        generated = first.table(table)
        for g, c in columns.items():  # a column whose type changed: the value in the new type
            if c is not None:
                coerce = _coercion(generated.c[g].type, model.c[c].type)
                if coerce is not None:
                    values[c] = _chain(values.get(c, _identity), coerce)
        return Projection(name, columns, values)

    def carried(self, table: str, since: str) -> list[str] | None:
        """This version's columns of ``table`` that it already had in the
        version of ``since`` (an older date), renamed as they were since: what
        a seed written for ``since`` wrote and TERP's schema chain carried
        over.  The columns added since are not among them (the chain filled
        them, not the seed).  None when the version of ``since`` lacks the table."""
        older = view(since).projection(table)
        if older is None:
            return None
        name = older.table
        columns = {c.name: c.name for c in view(since).table(table).c}
        for step in VERSIONS[VERSIONS.index(version(since)) + 1:VERSIONS.index(self.version) + 1]:
            changes = step.changes
            name = changes.renamed_tables.get(name, name)
            renamed = changes.renamed_columns.get(name, {})
            dropped = set(changes.dropped_columns.get(name, ()))
            columns = {was: (None if now is None or now in dropped else renamed.get(now, now))
                       for was, now in columns.items()}
        present = set(self.table(table).c.keys())
        return [c.name for c in self.table(table).c if c.name in set(columns.values()) & present]

    def column(self, table: str, column: str) -> str | None:
        """This version's name of a generated table's column (None: gone)."""
        projection = self.projection(table)
        return projection.columns.get(column) if projection else None

    def spelled(self, table: str, column: str, value):
        """How this version spells a value the generators write in ``table.column``
        (a renamed or converted value: PENDING -> READY_FOR_PACKING)."""
        name = self.column(table, column)
        if name is None:
            return value
        return self.projection(table).values.get(name, _identity)(value)

    def derived(self, since: str) -> list[Derived]:
        """The rows TERP's conversions made out of others on the way from the
        version of ``since`` to this one (``Derived``, tables by this
        version's names): on a database seeded for ``since`` and moved on
        by the schema chain, those made from seeded rows."""
        found = []
        steps = VERSIONS[VERSIONS.index(version(since)) + 1:VERSIONS.index(self.version) + 1]
        for i, step in enumerate(steps):
            for conversion in step.changes.conversions:
                for made in conversion.derives:
                    table, source = made.table, made.source
                    for later in steps[i + 1:]:
                        table = later.changes.renamed_tables.get(table, table)
                        source = later.changes.renamed_tables.get(source, source)
                    if table in self.metadata.tables and source in self.metadata.tables:
                        found.append(Derived(table, made.column, source))
        return found

    def added_columns(self, table: str) -> list[str]:
        """The target version's columns of ``table`` that its generator does not write."""
        made = {c for c in self.projection(table).columns.values() if c}
        return [c.name for c in self.table(table).c if c.name not in made]

    def project(self, table: str, rows: list[dict], added: dict[str, dict[int, Any]]) -> list[dict]:
        """``rows`` as the target version holds them, in its column order:
        renamed, values mapped, dropped columns left out, added columns from
        ``added`` ({column: {row id: value}}) or their default."""
        projection = self.projection(table)
        model = self.table(table)
        plan = []  # (target column, generated column or None, value function)
        back = {target: generated for generated, target in projection.columns.items() if target}
        for column in model.c:
            generated = back.get(column.name)
            if generated is not None:
                plan.append((column.name, generated, projection.values.get(column.name, _identity), None))
            else:
                plan.append((column.name, None, _identity, _filler(table, column, added.get(column.name))))
        out = []
        for row in rows:
            made = {}
            for target, generated, value, fill in plan:
                made[target] = value(row[generated]) if generated is not None else fill(row)
            out.append(made)
        return out


def _coercion(before: sa.types.TypeEngine, after: sa.types.TypeEngine) -> Value | None:
    """How a value of a column of type ``before`` reads in ``after``, when a
    TERP version changed the type (0052's varchar money and quantities become
    decimals, decimals widen); None when nothing changes."""
    if isinstance(after, sa.Numeric) and not isinstance(after, sa.Float):
        quantum = Decimal(1).scaleb(-(after.scale or 0))
        if isinstance(before, sa.Numeric) and (before.scale or 0) == (after.scale or 0):
            return None
        return lambda v: None if v is None else Decimal(str(v)).quantize(quantum)
    if isinstance(after, sa.String) and not isinstance(before, sa.String):
        return lambda v: None if v is None else str(v)
    return None


def _filler(table: str, column: sa.Column, provided: dict[int, Any] | None) -> Callable[[dict], Any]:
    """The value of an added column for a row: what its provider gave, else
    NULL when it may be, else the column's own default, never the clock."""
    default = _default(table, column)
    if provided is None:
        return default
    return lambda row: provided[row["id"]] if row["id"] in provided else default(row)


def _default(table: str, column: sa.Column) -> Callable[[dict], Any]:
    if column.nullable:
        return lambda row: None
    arg = getattr(column.server_default, "arg", None)
    if arg is None or isinstance(arg, (CurrentTimestamp, CurrentTimestampOnUpdate)):
        def missing(row):
            why = "defaults to the clock" if arg is not None else "has no default"
            raise SeedError(f"{table}.{column.name}, which a later TERP version adds, is NOT NULL and"
                            f" {why}: give it a provider in generators/added_columns.py")
        return missing
    value = literal_default(column.type, str(getattr(arg, "text", arg)))
    return lambda row: value


def literal_default(type_: sa.types.TypeEngine, text: str):
    """A DDL default's text (``'CONSIGNED'``, ``1``, ``0.00``) as the column's Python value."""
    text = text.strip()
    if text.startswith("'") and text.endswith("'"):
        text = text[1:-1].replace("''", "'")
    if isinstance(type_, sa.Boolean):
        return text not in ("0", "false", "FALSE")
    if isinstance(type_, sa.Integer):
        return int(text)
    if isinstance(type_, sa.Numeric):
        return Decimal(text).quantize(Decimal(1).scaleb(-(type_.scale or 0)))
    if isinstance(type_, sa.Date) and not isinstance(type_, sa.DateTime):
        return dt.date.fromisoformat(text)
    return text


@functools.lru_cache(maxsize=None)
def origin(table: str) -> SchemaVersion | None:
    """The first TERP version that has ``table`` (by that name)."""
    for known in VERSIONS:
        if table in known.tables:
            return known
    return None


@functools.lru_cache(maxsize=None)
def view(date: str | None = None) -> SchemaView:
    """The view of the version of ``date`` (default: the newest)."""
    return SchemaView(version(date) if date else latest())


def base() -> SchemaView:
    """The first version: the one the seed revisions' tables were written for."""
    return view(VERSIONS[0].date)


__all__ = ["SchemaView", "Projection", "view", "base", "origin", "literal_default"]
