"""The declarations of a schema version step: what a diff of two models cannot know.

Each version after the first has one hand-written module,
``terpseed/schema/changes_YYYY_MM_DD.py``, whose ``CHANGES`` is a
:class:`VersionChanges` for the step from the previous version to that one.
It declares only what comparing the two generated models cannot tell:

* ``renamed_tables`` and ``renamed_columns``: a dropped name and an added one
  that are the same thing (the rows keep their values);
* ``renamed_values``: enum values renamed or folded into another value, per
  ``"table.column"`` (names as in the newer version), ``{old: new}``;
* ``dropped_tables``, ``dropped_columns``, ``dropped_values``: real removals,
  whose data is meant to go (a downgrade brings the table or column back empty);
* ``conversions``: the data conversions TERP's own migrations ran, both ways;
* ``converted_values``: for the seeds, a conversion that maps each value on
  its own (tags.category's CASE), as a function of the older value.

Everything else (added tables, columns, keys and indexes, changed types,
nullability and defaults) is derived from the two models by
``terpseed/schema/diff.py``, and ``terpseed/schema/evolve.py`` turns the lot
into the schema chain's operations.  A removal that is neither a rename nor a
declared drop is refused (``StepDiff.undeclared``), so a rename cannot pass
for a drop and an add.

The seeds read the same declarations to write each version's names and values:
``renamed_values`` maps a value the 2025-11-21 generators write to the value a
newer TERP holds (``renamed_columns`` likewise for names); a fold (the new
value already existed, as ACCEPTED -> CONVERTED) cannot be told apart on the
way back: :meth:`VersionChanges.inverse_values` and :meth:`VersionChanges.folds`.

The order of a step (both ways; the downgrade runs the same pipeline from the
newer model to the older one with the declarations inverted): keys and indexes
that go, new tables, renames, new columns, widened columns (an enum that loses
values and gains others first holds both), the conversions, the value renames, the
narrowed columns (the final types), dropped columns and tables, keys and
indexes that come.  On upgrade the conversions run before the value renames;
on downgrade the inverse value renames run before the conversions' ``down``.
A conversion sees every column of both versions, named as in the version it
converts to.  MySQL commits each DDL statement: a step is not atomic there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa

Statements = Callable[["Tables"], list]


def _nothing(_tables: "Tables") -> list:
    return []


@dataclass(frozen=True)
class Derived:
    """Rows a conversion makes out of others: each row of ``table`` whose
    ``column`` holds the id of a row of ``source`` was made from that row
    (a supplier_profiles row from its vendor, through legacy_vendor_id).
    When the source row is seeded, the seeds take the row made from it out
    with it (terpseed/runtime.py): it is the seed's, carried on by TERP."""

    table: str
    column: str
    source: str


@dataclass(frozen=True)
class Conversion:
    """One data conversion of a step, both ways.

    ``up`` and ``down`` take a :class:`Tables` and return SQLAlchemy
    statements (``sa.update``, ``sa.insert``, ``sa.delete``), which Alembic
    renders for the dialect, online or as offline SQL: no reads, no Python-side
    logic on row values.  ``cannot_restore`` says what ``down`` cannot give back.
    """

    summary: str                 # what TERP did, with its migration or script
    tables: tuple[str, ...]      # the tables the statements write
    up: Statements
    down: Statements = _nothing
    cannot_restore: str = ""
    derives: tuple[Derived, ...] = ()   # the rows it makes out of others


@dataclass(frozen=True)
class VersionChanges:
    """The hand-written half of one version step (see the module docstring)."""

    version: str                 # the date this step arrives at: "2026-02-15"
    renamed_tables: Mapping[str, str] = field(default_factory=dict)
    renamed_columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    renamed_values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    dropped_tables: tuple[str, ...] = ()
    dropped_columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    dropped_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    conversions: tuple[Conversion, ...] = ()
    # For the seeds: the value a conversion gives a row, as a function of the
    # value the older version held, per "table.column" (newer names): how the
    # seeds write that column in this version (tags.category's CASE).
    converted_values: Mapping[str, Callable[[object], object]] = field(default_factory=dict)

    def inverse_values(self, before: sa.MetaData) -> dict[str, dict[str, str]]:
        """``renamed_values`` the other way, keyed by the older names, as far as
        it goes back: a value renamed into one the older column did not have
        goes back to its old name; a fold into a value the older column already
        had (see :meth:`folds`) stays."""
        inverse: dict[str, dict[str, str]] = {}
        for key, mapping in self.renamed_values.items():
            old_key, old_values = self._before(key, before)
            back: dict[str, str] = {}
            for old, new in mapping.items():
                if new in old_values:
                    continue
                if new in back:
                    raise ValueError(f"{key}: {back[new]!r} and {old!r} both became {new!r};"
                                     " the way back is ambiguous")
                back[new] = old
            if back:
                inverse[old_key] = back
        return inverse

    def folds(self, before: sa.MetaData) -> dict[str, dict[str, str]]:
        """The value renames no value map can undo: ``{old: new}`` whose new
        value the older column already had (ACCEPTED -> CONVERTED).  A
        conversion's ``down`` may still restore one from other columns
        (PHOTOGRAPHY_COMPLETE -> LIVE comes back through isPhotographyComplete)."""
        lossy = {}
        for key, mapping in self.renamed_values.items():
            _, old_values = self._before(key, before)
            kept = {old: new for old, new in mapping.items() if new in old_values}
            if kept:
                lossy[key] = kept
        return lossy

    def _before(self, key: str, before: sa.MetaData) -> tuple[str, set[str]]:
        """``"table.column"`` (newer names) as named before the step, and its values then."""
        table, column = key.split(".")
        table = {new: old for old, new in self.renamed_tables.items()}.get(table, table)
        renamed = self.renamed_columns.get(key.split(".")[0], {})
        column = {new: old for old, new in renamed.items()}.get(column, column)
        values = set(getattr(before.tables[table].c[column].type, "enums", ()))
        return f"{table}.{column}", values


class Tables:
    """Table stand-ins for conversions: ``tables.orders.c.quoteStatus``.

    Each holds every column the table has in either version of the step, by
    the name it has in the version being converted to, with that version's
    type (else the other's): literals render as the column's type does, and
    an enum value the column does not have yet is still written as given."""

    def __init__(self, columns: Mapping[str, list[tuple[str, sa.types.TypeEngine]]], dialect: str):
        self._columns = columns
        self.dialect = dialect  # "mysql" or "sqlite", for the rare statement that differs

    def __getattr__(self, name: str) -> sa.TableClause:
        if name.startswith("_") or name not in self._columns:
            raise AttributeError(f"no table {name!r} in this step")
        return sa.table(name, *(sa.column(c, type_) for c, type_ in self._columns[name]))


__all__ = ["Conversion", "Statements", "Tables", "VersionChanges"]
