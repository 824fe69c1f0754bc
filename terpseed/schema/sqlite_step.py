"""A schema-chain step on SQLite (terpseed/schema/evolve.py).

SQLite cannot alter a column or a key: a table whose columns or keys change is
rebuilt from its model (its rows kept in a temporary table, the table dropped
and created again, the rows copied back: no RENAME, which re-checks every
table of the schema, 21 ms each at 233 tables; indexes named
``table__index``, SQLite keeping index names in one namespace per database),
once loosely before the conversions when they need room (an enum that gains
or loses values, a NOT NULL that goes), and once exactly after them.  The step
runs with foreign keys off, in one transaction, checks the keys (online)
before it commits, and turns them back on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import CreateTable, DropTable

from terpseed.schema.column_ddl import ColumnDDL, detached
from terpseed.schema.diff import ColumnChange, enum_values


def sqlite_index_name(table: str, index: str) -> str:
    """SQLite keeps index names in one namespace per database: prefix the table."""
    return f"{table}__{index}"


class SQLiteStep:
    """SQLite: rebuild what it cannot alter (see the module docstring)."""

    def __init__(self, step):
        self.step, self.diff = step, step.diff
        d = self.diff
        self.rebuilt = d.changed_tables() | {d.target_name(t) for t in d.renames.tables}
        self.loose = {c.table for c in d.altered_columns if _needs_room(c)}
        self.loose |= {t for t, c in d.added_columns if not _addable(d.target.tables[t].c[c])}
        # the rebuilt tables' exact forms are made in a metadata of their own,
        # with the tables their foreign keys name (copying all 233 cost 1 s a step)
        needed = set(self.rebuilt)
        for name in self.rebuilt:
            needed |= {fk.column.table.name for fk in d.target.tables[name].foreign_keys}
        self.scratch = sa.MetaData()
        for table in d.target.sorted_tables:
            if table.name in needed:
                table.to_metadata(self.scratch)
        # the columns each common table has at this point of the step
        self.columns_now = {
            name: [d.renames.columns.get(name, {}).get(c.name, c.name) for c in d.source_table(name).c]
            for name in d.common_tables()
        }

    def run(self) -> None:
        d = self.diff
        op.execute("PRAGMA foreign_keys = OFF")
        op.execute("BEGIN")
        for index in d.dropped_indexes:
            if d.target_name(index.table.name) not in self.rebuilt:
                op.drop_index(sqlite_index_name(index.table.name, index.name))
        for name in d.added_tables:
            table = d.target.tables[name]
            op.execute(CreateTable(table))
            self.create_indexes(table)
        for old, new in d.renames.tables.items():
            op.rename_table(old, new)
        for table, mapping in d.renames.columns.items():
            for old, new in mapping.items():
                op.alter_column(table, old, new_column_name=new)
        for name in sorted(self.loose):
            self.rebuild(name, self.loose_table(name))
        for table, column in d.added_columns:
            if table not in self.loose:
                op.execute(ColumnDDL(table, d.target.tables[table].c[column], "ADD"))
                self.columns_now[table].append(column)
        self.step.data()
        for table in d.target.sorted_tables:
            if table.name in self.rebuilt:
                self.rebuild(table.name, self.scratch.tables[table.name])
                self.create_indexes(table)
        for name in d.dropped_tables:
            op.execute(DropTable(d.source.tables[name]))
        for index in d.added_indexes:
            if index.table.name not in self.rebuilt and index.table.name not in d.added_tables:
                self.create_index(index)
        if not op.get_context().as_sql:
            problems = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").all()
            if problems:
                raise ValueError(f"foreign keys broken by the schema step: {problems[:5]}")
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys = ON")

    def loose_table(self, name: str) -> sa.Table:
        """The table with room for the conversions: every column of both
        versions, nullable, no enum checks, no keys (the exact rebuild follows)."""
        d = self.diff
        source, target = d.source_table(name), d.target.tables[name]
        renamed = d.renames.columns.get(name, {})
        columns = []
        for column in source.c:
            new_name = renamed.get(column.name, column.name)
            model = target.c[new_name] if new_name in target.c else column
            columns.append(_loose(model, new_name))
        present = {c.name for c in columns}
        columns += [_loose(c, c.name) for c in target.c if c.name not in present]
        return sa.Table(name, sa.MetaData(), *columns)

    def rebuild(self, name: str, new: sa.Table) -> None:
        """Make ``name`` the table ``new`` (of that name), keeping the rows of
        the columns both have: they wait in a temporary table meanwhile."""
        current = set(self.columns_now[name])
        shared = [c.name for c in new.c if c.name in current]
        quote = op.get_context().dialect.identifier_preparer.quote
        kept = quote(f"_terp_old_{name}")
        listed = ", ".join(quote(c) for c in shared)
        op.execute(f"CREATE TEMP TABLE {kept} AS SELECT {listed} FROM {quote(name)}")
        op.execute(DropTable(sa.table(name)))
        op.execute(CreateTable(new))
        op.execute(f"INSERT INTO {quote(name)} ({listed}) SELECT {listed} FROM temp.{kept}")
        op.execute(f"DROP TABLE temp.{kept}")
        self.columns_now[name] = [c.name for c in new.c]

    def create_indexes(self, table: sa.Table) -> None:
        for index in sorted(table.indexes, key=lambda i: i.name):
            self.create_index(index)

    def create_index(self, index: sa.Index) -> None:
        op.create_index(sqlite_index_name(index.table.name, index.name), index.table.name,
                        [c.name for c in index.columns], unique=index.unique)


def _needs_room(change: ColumnChange) -> bool:
    """Whether SQLite's copy of the column must loosen before the conversions:
    its enum check gains values (or goes), or its NOT NULL goes."""
    before, after = change.before, change.after
    old, new = enum_values(before), enum_values(after)
    if old is not None and (new is None or not set(new) <= set(old)):
        return True
    return not before.nullable and after.nullable


def _addable(column: sa.Column) -> bool:
    """SQLite's ADD COLUMN takes it: a constant default or none."""
    default = column.server_default
    return not column.primary_key and (
        default is None or isinstance(default.arg, sa.sql.elements.TextClause))


def _loose(column: sa.Column, name: str) -> sa.Column:
    type_ = sa.String() if isinstance(column.type, sa.Enum) else column.type
    return detached(column, name=name, type_=type_, nullable=True) if not column.primary_key else \
        sa.Column(name, column.type, primary_key=True, autoincrement=column.autoincrement)


__all__ = ["SQLiteStep", "sqlite_index_name"]
