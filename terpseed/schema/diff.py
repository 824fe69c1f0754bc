"""What differs between two schema models, given a step's declarations.

``step_diff(source, target, renames)`` compares two generated models (source
is the schema a step starts from, target the one it arrives at, in either
direction) and returns a :class:`StepDiff`: the tables, columns, foreign keys,
unique keys and indexes that come and go, and the columns whose type,
nullability or default change.  Renamed tables and columns, declared by the
step (``terpseed/schema/changes_*.py``), are matched by their declared names;
any other removal is listed in ``StepDiff.undeclared`` unless declared a real
drop.  Pure: no database, no Alembic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from terpseed.schema.changes import VersionChanges

_MYSQL = mysql.dialect()


@dataclass(frozen=True)
class Renames:
    """Renames and real drops in the direction of a diff (source -> target names)."""

    tables: dict[str, str] = field(default_factory=dict)                # source -> target
    columns: dict[str, dict[str, str]] = field(default_factory=dict)    # target table -> {source: target}
    dropped_tables: tuple[str, ...] = ()                                # source names
    dropped_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # target table -> source names
    dropped_values: dict[str, tuple[str, ...]] = field(default_factory=dict)   # "table.column" (target names)
    renamed_values: dict[str, dict[str, str]] = field(default_factory=dict)    # "table.column" -> {source: target}

    @classmethod
    def forward(cls, changes: VersionChanges) -> "Renames":
        return cls(
            dict(changes.renamed_tables),
            {t: dict(m) for t, m in changes.renamed_columns.items()},
            tuple(changes.dropped_tables),
            {t: tuple(c) for t, c in changes.dropped_columns.items()},
            {k: tuple(v) for k, v in changes.dropped_values.items()},
            {k: dict(m) for k, m in changes.renamed_values.items()},
        )

    @classmethod
    def backward(cls, changes: VersionChanges, before: sa.MetaData) -> "Renames":
        """The same step undone: renames reversed; what the step added goes
        (no declaration needed: the older version never had it)."""
        tables = {new: old for old, new in changes.renamed_tables.items()}
        columns = {tables.get(t, t): {new: old for old, new in m.items()}
                   for t, m in changes.renamed_columns.items()}
        return cls(tables, columns, renamed_values=changes.inverse_values(before))


@dataclass(frozen=True)
class ColumnChange:
    table: str               # target name
    name: str                # target name
    before: sa.Column
    after: sa.Column


@dataclass
class StepDiff:
    source: sa.MetaData
    target: sa.MetaData
    renames: Renames
    added_tables: list[str] = field(default_factory=list)            # target order
    dropped_tables: list[str] = field(default_factory=list)          # source names
    added_columns: list[tuple[str, str]] = field(default_factory=list)    # (table, column), target names
    dropped_columns: list[tuple[str, str]] = field(default_factory=list)  # (target table, source column)
    altered_columns: list[ColumnChange] = field(default_factory=list)
    dropped_fks: list[sa.ForeignKeyConstraint] = field(default_factory=list)      # source objects
    added_fks: list[sa.ForeignKeyConstraint] = field(default_factory=list)        # target objects
    dropped_uniques: list[sa.UniqueConstraint] = field(default_factory=list)
    added_uniques: list[sa.UniqueConstraint] = field(default_factory=list)
    dropped_indexes: list[sa.Index] = field(default_factory=list)
    added_indexes: list[sa.Index] = field(default_factory=list)
    undeclared: list[str] = field(default_factory=list)

    def target_name(self, source_table: str) -> str:
        return self.renames.tables.get(source_table, source_table)

    def common_tables(self) -> list[str]:
        """Tables in both versions, by target name, in the target's order."""
        kept = {self.target_name(t) for t in self.source.tables} - set(self.renames.dropped_tables)
        return [t.name for t in self.target.sorted_tables if t.name in kept]

    def source_table(self, target_name: str) -> sa.Table:
        back = {new: old for old, new in self.renames.tables.items()}
        return self.source.tables[back.get(target_name, target_name)]

    def changed_tables(self) -> set[str]:
        """Common tables (target names) whose columns or keys change."""
        names = {t for t, _ in self.added_columns} | {t for t, _ in self.dropped_columns}
        names |= {c.table for c in self.altered_columns}
        for constraint in self.dropped_fks + self.dropped_uniques:
            names.add(self.target_name(constraint.table.name))
        for constraint in self.added_fks + self.added_uniques:
            names.add(constraint.table.name)
        return names & set(self.common_tables())


def column_signature(column: sa.Column) -> tuple:
    """What makes two columns the same: MySQL type, nullability, default, key."""
    default = column.server_default
    if default is None:
        shown = None
    elif isinstance(default.arg, sa.sql.elements.TextClause):
        shown = default.arg.text
    else:
        shown = type(default.arg).__name__
    return (column.type.compile(dialect=_MYSQL), column.nullable, shown, column.primary_key)


def enum_values(column: sa.Column) -> tuple[str, ...] | None:
    return tuple(column.type.enums) if isinstance(column.type, sa.Enum) else None


def fk_signature(fk: sa.ForeignKeyConstraint, rename_table=lambda t: t) -> tuple:
    return (
        fk.name,
        tuple(c.name for c in fk.columns),
        rename_table(fk.elements[0].column.table.name),
        tuple(e.column.name for e in fk.elements),
        fk.ondelete,
        fk.onupdate,
    )


def _uniques(table: sa.Table) -> dict[str, sa.UniqueConstraint]:
    return {c.name: c for c in table.constraints if isinstance(c, sa.UniqueConstraint)}


def step_diff(source: sa.MetaData, target: sa.MetaData, renames: Renames) -> StepDiff:
    diff = StepDiff(source, target, renames)
    _check_declarations(diff)
    target_names = set(target.tables)
    for table in source.sorted_tables:
        new_name = diff.target_name(table.name)
        if new_name not in target_names:
            diff.dropped_tables.append(table.name)
            if table.name not in renames.dropped_tables:
                diff.undeclared.append(f"table {table.name} is gone: declare it renamed or dropped")
    kept = {diff.target_name(t) for t in source.tables}
    diff.added_tables = [t.name for t in target.sorted_tables if t.name not in kept]
    for name in diff.common_tables():
        _diff_table(diff, diff.source_table(name), target.tables[name])
    return diff


def _check_declarations(diff: StepDiff) -> None:
    """Every declared rename and drop names something that exists."""
    r, problems = diff.renames, []
    for old, new in r.tables.items():
        if old not in diff.source.tables or new not in diff.target.tables:
            problems.append(f"renamed table {old} -> {new}: not {old} before and {new} after")
    for table, mapping in r.columns.items():
        if table not in diff.target.tables:
            problems.append(f"renamed columns of {table}: no such table after the step")
            continue
        before = diff.source_table(table)
        for old, new in mapping.items():
            if old not in before.c or new not in diff.target.tables[table].c:
                problems.append(f"renamed column {table}.{old} -> {new}: not {old} before and {new} after")
    for table in r.dropped_tables:
        if table not in diff.source.tables:
            problems.append(f"dropped table {table}: no such table before the step")
    for table, columns in r.dropped_columns.items():
        for column in columns:
            if table not in diff.target.tables or column not in diff.source_table(table).c:
                problems.append(f"dropped column {table}.{column}: no such column before the step")
    for key, values in list(r.dropped_values.items()) + [(k, tuple(m)) for k, m in r.renamed_values.items()]:
        table, _, column = key.partition(".")
        try:
            before = diff.source_table(table).c[_source_column(r, table, column)]
        except KeyError:
            problems.append(f"{key}: no such column")
            continue
        missing = set(values) - set(enum_values(before) or ())
        if missing:
            problems.append(f"{key}: {sorted(missing)} not among its values before the step")
    for key, mapping in r.renamed_values.items():
        table, _, column = key.partition(".")
        after = diff.target.tables.get(table)
        values = enum_values(after.c[column]) if after is not None and column in after.c else None
        if values is not None and set(mapping.values()) - set(values):
            problems.append(f"{key}: {sorted(set(mapping.values()) - set(values))} not among its values after the step")
    if problems:
        raise ValueError("schema step declarations do not match the models: " + "; ".join(problems))


def _source_column(r: Renames, table: str, column: str) -> str:
    return {new: old for old, new in r.columns.get(table, {}).items()}.get(column, column)


def _diff_table(diff: StepDiff, before: sa.Table, after: sa.Table) -> None:
    r, name = diff.renames, after.name
    renamed = r.columns.get(name, {})
    back = {new: old for old, new in renamed.items()}
    before_names = {renamed.get(c.name, c.name) for c in before.c}
    for column in after.c:
        if column.name not in before_names:
            diff.added_columns.append((name, column.name))
            continue
        old = before.c[back.get(column.name, column.name)]
        if column_signature(old) != column_signature(column):
            diff.altered_columns.append(ColumnChange(name, column.name, old, column))
        _check_values(diff, name, old, column)
    added = [c for t, c in diff.added_columns if t == name]
    for column in before.c:
        if renamed.get(column.name, column.name) not in after.c:
            diff.dropped_columns.append((name, column.name))
            if column.name not in r.dropped_columns.get(name, ()):
                pair = f" while {', '.join(added)} {'is' if len(added) == 1 else 'are'} added" if added else ""
                diff.undeclared.append(f"column {name}.{column.name} is gone{pair}:"
                                       " declare it renamed or dropped")
    rename_table = diff.target_name
    old_fks = {fk.name: fk for fk in before.foreign_key_constraints}
    new_fks = {fk.name: fk for fk in after.foreign_key_constraints}
    for fk_name, fk in sorted(old_fks.items()):
        other = new_fks.get(fk_name)
        if other is None or _fk_sig_renamed(fk, rename_table, renamed) != fk_signature(other):
            diff.dropped_fks.append(fk)
    for fk_name, fk in sorted(new_fks.items()):
        other = old_fks.get(fk_name)
        if other is None or _fk_sig_renamed(other, rename_table, renamed) != fk_signature(fk):
            diff.added_fks.append(fk)
    old_uq, new_uq = _uniques(before), _uniques(after)
    for uq_name in sorted(old_uq):
        if uq_name not in new_uq or _cols(old_uq[uq_name], renamed) != _cols(new_uq[uq_name]):
            diff.dropped_uniques.append(old_uq[uq_name])
    for uq_name in sorted(new_uq):
        if uq_name not in old_uq or _cols(old_uq[uq_name], renamed) != _cols(new_uq[uq_name]):
            diff.added_uniques.append(new_uq[uq_name])
    old_ix = {i.name: i for i in before.indexes}
    new_ix = {i.name: i for i in after.indexes}
    for ix_name in sorted(old_ix):
        other = new_ix.get(ix_name)
        if other is None or _cols(old_ix[ix_name], renamed) != _cols(other) or old_ix[ix_name].unique != other.unique:
            diff.dropped_indexes.append(old_ix[ix_name])
    for ix_name in sorted(new_ix):
        other = old_ix.get(ix_name)
        if other is None or _cols(other, renamed) != _cols(new_ix[ix_name]) or other.unique != new_ix[ix_name].unique:
            diff.added_indexes.append(new_ix[ix_name])


def _check_values(diff: StepDiff, table: str, before: sa.Column, after: sa.Column) -> None:
    old, new = enum_values(before), enum_values(after)
    if old is None or new is None:
        return
    key = f"{table}.{after.name}"
    gone = [v for v in old if v not in new]
    covered = set(diff.renames.renamed_values.get(key, {})) | set(diff.renames.dropped_values.get(key, ()))
    missing = [v for v in gone if v not in covered]
    if missing:
        came = [v for v in new if v not in old]
        pair = f" while {came} {'is' if len(came) == 1 else 'are'} added" if came else ""
        diff.undeclared.append(f"values {missing} of {key} are gone{pair}:"
                               " declare them renamed (renamed_values) or dropped (dropped_values)")


def _cols(constraint, renamed: dict[str, str] | None = None) -> tuple[str, ...]:
    renamed = renamed or {}
    return tuple(renamed.get(c.name, c.name) for c in constraint.columns)


def _fk_sig_renamed(fk: sa.ForeignKeyConstraint, rename_table, renamed: dict[str, str]) -> tuple:
    name, cols, referred, referred_cols, on_delete, on_update = fk_signature(fk, rename_table)
    return (name, tuple(renamed.get(c, c) for c in cols), referred, referred_cols, on_delete, on_update)


__all__ = ["ColumnChange", "Renames", "StepDiff", "column_signature", "enum_values",
           "fk_signature", "step_diff"]
