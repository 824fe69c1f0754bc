"""The schema chain's operations for one version step, both ways.

A schema-chain revision is a few lines::

    def upgrade():   evolve.upgrade(before.metadata, after.metadata, changes.CHANGES)
    def downgrade(): evolve.downgrade(before.metadata, after.metadata, changes.CHANGES)

``upgrade`` diffs the two generated models with the step's declarations
(terpseed/schema/diff.py) and emits, through Alembic's ``op``, in this order:
keys and indexes that go, new tables, renames, new columns, widened columns,
the conversions and the value renames, narrowed columns (the final
definitions), dropped columns and tables, keys and indexes that come.
``downgrade`` runs the same pipeline from the newer model to the older one
with the declarations inverted (see terpseed/schema/changes.py).  Nothing is
read from the database (offline ``--sql`` works), and every definition comes
from a model, so a step's result is that model's schema.

MySQL/MariaDB: columns are added in the DDL's position (``AFTER``), changed
with ``MODIFY``/``CHANGE`` carrying the model's whole definition, foreign keys
are added after the tables and before the indexes, as in the DDL files, so
MySQL makes the same implicit foreign-key indexes (and a dropped key's
implicit index is dropped with it).  Each DDL statement commits by itself.

SQLite cannot alter a column or a key: a table whose columns or keys change is
rebuilt from its model (create, copy, drop, rename; indexes named
``table__index`` as in the first revision), once loosely before the
conversions when they need room (an enum that gains or loses values, a NOT
NULL that goes), and once exactly after them.  The step runs with foreign
keys off, in one transaction, checks the keys (online) before it commits,
and turns them back on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateTable, DropTable

from terpseed.schema.changes import Tables, VersionChanges
from terpseed.schema.defaults import CurrentTimestampOnUpdate
from terpseed.schema.diff import ColumnChange, Renames, StepDiff, column_signature, enum_values, step_diff


def upgrade(before: sa.MetaData, after: sa.MetaData, changes: VersionChanges) -> None:
    diff = step_diff(before, after, Renames.forward(changes))
    if diff.undeclared:
        raise ValueError(f"step to {changes.version}: " + "; ".join(diff.undeclared))
    _Step(diff, [c.up for c in changes.conversions], diff.renames.renamed_values,
          conversions_first=True).run()


def downgrade(before: sa.MetaData, after: sa.MetaData, changes: VersionChanges) -> None:
    diff = step_diff(after, before, Renames.backward(changes, before))
    _Step(diff, [c.down for c in reversed(changes.conversions)], diff.renames.renamed_values,
          conversions_first=False).run()


def sqlite_index_name(table: str, index: str) -> str:
    """SQLite keeps index names in one namespace per database: prefix the table."""
    return f"{table}__{index}"


# ------------------------------------------------------------------ column DDL
class ColumnDDL(sa.schema.ExecutableDDLElement):
    """ALTER TABLE ... ADD / MODIFY / CHANGE COLUMN with a model column's whole definition."""

    inherit_cache = False

    def __init__(self, table: str, column: sa.Column, verb: str, old_name: str | None = None,
                 after: str | None = None):
        self.table, self.column, self.verb, self.old_name, self.after = table, column, verb, old_name, after


@compiles(ColumnDDL)
def _column_ddl(element: ColumnDDL, compiler, **kw) -> str:
    q = compiler.preparer
    spec = compiler.get_column_specification(element.column)
    head = f"ALTER TABLE {q.quote(element.table)} "
    if element.verb == "CHANGE":
        return head + f"CHANGE COLUMN {q.quote(element.old_name)} {spec}"
    if element.verb == "MODIFY":
        return head + f"MODIFY COLUMN {spec}"
    position = ""
    if compiler.dialect.name in ("mysql", "mariadb"):
        position = f" AFTER {q.quote(element.after)}" if element.after else " FIRST"
    return head + f"ADD COLUMN {spec}{position}"


def _detached(column: sa.Column, name: str | None = None, type_=None, nullable: bool | None = None,
              server_default=...) -> sa.Column:
    """A stand-alone copy of a model column (the model stays untouched)."""
    default = column.server_default if server_default is ... else server_default
    return sa.Column(
        name or column.name,
        type_ if type_ is not None else column.type,
        nullable=column.nullable if nullable is None else nullable,
        server_default=sa.DefaultClause(default.arg) if default is not None else None,
    )


# ------------------------------------------------------------------ widening
def widens(before: sa.Column, after: sa.Column) -> bool:
    """Whether every value ``before`` can hold fits ``after`` as it is."""
    if before.nullable and not after.nullable:
        return False
    old, new = before.type, after.type
    if isinstance(old, sa.Enum):
        values = set(old.enums)
        if isinstance(new, sa.Enum):
            return values <= set(new.enums)
        return isinstance(new, sa.String) and (new.length is None or max(map(len, values)) <= new.length)
    if isinstance(new, sa.Enum):
        return False
    if isinstance(old, sa.Numeric) and isinstance(new, sa.String):
        return new.length is None or (old.precision or 0) + 2 <= new.length
    if isinstance(old, sa.Numeric) and isinstance(new, sa.Numeric):
        return (new.scale or 0) >= (old.scale or 0) and (
            (new.precision or 0) - (new.scale or 0) >= (old.precision or 0) - (old.scale or 0))
    if isinstance(old, sa.String) and isinstance(new, sa.String):
        return new.length is None or (old.length is not None and old.length <= new.length)
    return type(old) is type(new)


def interim(change: ColumnChange) -> sa.Column | None:
    """The definition a changed column takes before the conversions, or None
    when it keeps its old one until it takes its final one after them: the
    final one when it widens, an enum of old + new values when values go."""
    before, after = change.before, change.after
    if widens(before, after):
        return _detached(after)
    old, new = enum_values(before), enum_values(after)
    if old is not None and new is not None and not set(old) <= set(new):
        union = list(new) + [v for v in old if v not in new]
        return _detached(after, type_=sa.Enum(*union, create_constraint=True, native_enum=True),
                         nullable=before.nullable or after.nullable,
                         server_default=before.server_default)
    return None


# ------------------------------------------------------------------ the step
class _Step:
    def __init__(self, diff: StepDiff, conversions: list, value_renames: dict, conversions_first: bool):
        self.diff = diff
        self.conversions = conversions
        self.value_renames = value_renames
        self.conversions_first = conversions_first
        self.dialect = op.get_context().dialect.name

    def run(self) -> None:
        if self.dialect == "sqlite":
            _SQLiteStep(self).run()
        else:
            _MySQLStep(self).run()

    def data(self) -> None:
        """The conversions and the value renames, in the step's order."""
        tables = self.tables()
        statements = [s for convert in self.conversions for s in convert(tables)]
        renames = []
        for key, mapping in self.value_renames.items():
            table, column = key.split(".")
            target = getattr(tables, table)
            for old, new in mapping.items():
                renames.append(sa.update(target).where(target.c[column] == old).values({column: new}))
        for statement in (statements + renames if self.conversions_first else renames + statements):
            op.execute(self.keeping_timestamps(statement))

    def keeping_timestamps(self, statement):
        """An UPDATE that also sets each ``ON UPDATE CURRENT_TIMESTAMP`` column
        to itself: MySQL would otherwise stamp every converted row with the
        migration's time (TERP's own migrations did), which no downgrade undoes."""
        if not isinstance(statement, sa.Update):
            return statement
        table = statement.table
        model = self.diff.target.tables.get(table.name)
        if model is None:
            model = self.diff.source_table(table.name)
        keep = {c.name: table.c[c.name] for c in model.c
                if isinstance(getattr(c.server_default, "arg", None), CurrentTimestampOnUpdate)
                and c.name in table.c}
        return statement.values(keep) if keep else statement

    def tables(self) -> Tables:
        """Every column of both versions, by the names of the version converted to."""
        d = self.diff
        columns: dict[str, dict[str, sa.types.TypeEngine]] = {}
        for table in d.target.tables.values():
            columns[table.name] = {c.name: c.type for c in table.c}
        for table in d.source.tables.values():
            name = d.target_name(table.name)
            renamed = d.renames.columns.get(name, {})
            known = columns.setdefault(name, {})
            for c in table.c:
                known.setdefault(renamed.get(c.name, c.name), c.type)
        return Tables({t: list(cols.items()) for t, cols in columns.items()}, self.dialect)


def _implicit_fk_index(table: sa.Table, fk: sa.ForeignKeyConstraint, dropping=()) -> bool:
    """Whether MySQL keeps an index named after ``fk``: no other index of the
    table (primary key, unique key, index) starts with the key's columns."""
    cols = [c.name for c in fk.columns]
    covering = [[c.name for c in table.primary_key.columns]]
    covering += [[c.name for c in u.columns] for u in table.constraints
                 if isinstance(u, sa.UniqueConstraint) and u not in dropping]
    covering += [[c.name for c in i.columns] for i in table.indexes if i not in dropping]
    return not any(index[:len(cols)] == cols for index in covering)


class _MySQLStep:
    def __init__(self, step: _Step):
        self.step, self.diff = step, step.diff

    def run(self) -> None:
        d = self.diff
        self.drop_keys()
        for name in d.added_tables:
            op.execute(CreateTable(d.target.tables[name], include_foreign_key_constraints=[]))
        self.renames()
        for table, column in d.added_columns:
            target = d.target.tables[table]
            position = list(target.c).index(target.c[column])
            after = target.c[position - 1].name if position else None
            op.execute(ColumnDDL(table, target.c[column], "ADD", after=after))
        interims = {(c.table, c.name): interim(c) for c in d.altered_columns}
        for change in d.altered_columns:
            column = interims[(change.table, change.name)]
            if column is not None:
                op.execute(ColumnDDL(change.table, column, "MODIFY"))
        self.step.data()
        for change in d.altered_columns:
            column = interims[(change.table, change.name)]
            if column is None or _signature_differs(column, change.after):
                op.execute(ColumnDDL(change.table, change.after, "MODIFY"))
        for table, column in d.dropped_columns:
            op.drop_column(table, column)
        for name in d.dropped_tables:
            for fk in sorted(d.source.tables[name].foreign_key_constraints, key=lambda c: c.name):
                op.drop_constraint(fk.name, name, type_="foreignkey")
        for name in reversed(d.dropped_tables):
            op.execute(DropTable(d.source.tables[name]))
        self.add_keys()

    def drop_keys(self) -> None:
        d = self.diff
        dropped_tables = set(d.dropped_tables)
        for fk in d.dropped_fks:
            table = fk.table
            if table.name in dropped_tables:
                continue
            op.drop_constraint(fk.name, table.name, type_="foreignkey")
            if _implicit_fk_index(table, fk) and not self._kept_implicit(fk):
                op.drop_index(fk.name, table_name=table.name)
        dropping = set(d.dropped_uniques) | set(d.dropped_indexes)
        for table in sorted({c.table for c in dropping}, key=lambda t: t.name):
            for fk in sorted(table.foreign_key_constraints, key=lambda c: c.name):
                if fk in d.dropped_fks or not _implicit_fk_index(table, fk, dropping):
                    continue
                if not _implicit_fk_index(table, fk):  # covered until now: MySQL needs an index
                    op.create_index(fk.name, table.name, [c.name for c in fk.columns])
        for unique in d.dropped_uniques:
            op.drop_constraint(unique.name, unique.table.name, type_="unique")
        for index in d.dropped_indexes:
            op.drop_index(index.name, table_name=index.table.name)

    def _kept_implicit(self, fk: sa.ForeignKeyConstraint) -> bool:
        """The target has a key of this name and columns whose implicit index stays."""
        d = self.diff
        table = d.target.tables.get(d.target_name(fk.table.name))
        if table is None:
            return False
        same = [k for k in table.foreign_key_constraints if k.name == fk.name]
        return bool(same) and [c.name for c in same[0].columns] == [c.name for c in fk.columns] \
            and _implicit_fk_index(table, same[0])

    def renames(self) -> None:
        d = self.diff
        for old, new in d.renames.tables.items():
            op.rename_table(old, new)
        for table, mapping in d.renames.columns.items():
            source = d.source_table(table)
            for old, new in mapping.items():
                op.execute(ColumnDDL(table, _detached(source.c[old], name=new), "CHANGE", old_name=old))

    def add_keys(self) -> None:
        d = self.diff
        new_tables = set(d.added_tables)
        fks = list(d.added_fks)
        for name in d.added_tables:
            fks += sorted(d.target.tables[name].foreign_key_constraints, key=lambda c: c.name)
        order = {t.name: i for i, t in enumerate(d.target.sorted_tables)}
        for fk in sorted(fks, key=lambda k: (order[k.table.name], k.name)):
            op.create_foreign_key(
                fk.name, fk.table.name, fk.referred_table.name,
                [c.name for c in fk.columns], [e.column.name for e in fk.elements],
                ondelete=fk.ondelete, onupdate=fk.onupdate,
            )
        for unique in d.added_uniques:
            op.create_unique_constraint(unique.name, unique.table.name, [c.name for c in unique.columns])
        indexes = [i for i in d.added_indexes if i.table.name not in new_tables]
        for name in d.added_tables:
            indexes += sorted(d.target.tables[name].indexes, key=lambda i: i.name)
        for index in sorted(indexes, key=lambda i: (order[i.table.name], i.name)):
            op.create_index(index.name, index.table.name, [c.name for c in index.columns],
                            unique=index.unique)


def _signature_differs(a: sa.Column, b: sa.Column) -> bool:
    return column_signature(a) != column_signature(b)


class _SQLiteStep:
    """SQLite: rebuild what it cannot alter (see the module docstring)."""

    def __init__(self, step: _Step):
        self.step, self.diff = step, step.diff
        d = self.diff
        self.rebuilt = d.changed_tables() | {d.target_name(t) for t in d.renames.tables}
        self.loose = {c.table for c in d.altered_columns if _needs_room(c)}
        self.loose |= {t for t, c in d.added_columns if not _addable(d.target.tables[t].c[c])}
        self.scratch = sa.MetaData()
        for table in d.target.sorted_tables:
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
                self.rebuild(table.name, table.to_metadata(self.scratch, name=f"_terp_new_{table.name}"))
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
        return sa.Table(f"_terp_new_{name}", sa.MetaData(), *columns)

    def rebuild(self, name: str, new: sa.Table) -> None:
        """Create ``new``, copy the rows of ``name`` into it, swap them."""
        current = set(self.columns_now[name])
        shared = [c.name for c in new.c if c.name in current]
        op.execute(CreateTable(new))
        select = sa.select(*(sa.column(c) for c in shared)).select_from(sa.table(name))
        op.execute(sa.insert(sa.table(new.name, *(sa.column(c) for c in shared))).from_select(shared, select))
        op.execute(DropTable(sa.table(name)))
        op.rename_table(new.name, name)
        self.columns_now[name] = [c.name for c in new.c]

    def create_indexes(self, table: sa.Table) -> None:
        for index in sorted(table.indexes, key=lambda i: i.name):
            self.create_index(index)

    def create_index(self, index: sa.Index) -> None:
        op.create_index(sqlite_index_name(index.table.name, index.name), index.table.name,
                        [c.name for c in index.columns], unique=index.unique)


def _needs_room(change: ColumnChange) -> bool:
    """Whether SQLite's copy of the column must loosen before the conversions:
    its enum check changes, or its NOT NULL goes."""
    before, after = change.before, change.after
    if isinstance(before.type, sa.Enum) and enum_values(after) != enum_values(before):
        return True
    return not before.nullable and after.nullable


def _addable(column: sa.Column) -> bool:
    """SQLite's ADD COLUMN takes it: a constant default or none."""
    default = column.server_default
    return not column.primary_key and (
        default is None or isinstance(default.arg, sa.sql.elements.TextClause))


def _loose(column: sa.Column, name: str) -> sa.Column:
    type_ = sa.String() if isinstance(column.type, sa.Enum) else column.type
    return _detached(column, name=name, type_=type_, nullable=True) if not column.primary_key else \
        sa.Column(name, column.type, primary_key=True, autoincrement=column.autoincrement)


__all__ = ["ColumnDDL", "downgrade", "interim", "sqlite_index_name", "upgrade", "widens"]
