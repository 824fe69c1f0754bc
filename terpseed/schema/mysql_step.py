"""A schema-chain step on MySQL/MariaDB (terpseed/schema/evolve.py).

Columns are added in the DDL's position (``AFTER``) and changed with
``MODIFY``/``CHANGE`` carrying the model's whole definition; foreign keys are
added after the tables and columns and before the indexes, as in the DDL
files, so MySQL makes the same implicit foreign-key indexes, and a dropped
key's implicit index is dropped with it.  Each DDL statement commits by itself.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import CreateTable, DropTable

from terpseed.schema.column_ddl import ColumnDDL, detached, interim
from terpseed.schema.diff import column_signature


def _implicit_fk_index(table: sa.Table, fk: sa.ForeignKeyConstraint, dropping=()) -> bool:
    """Whether MySQL keeps an index named after ``fk``: no other index of the
    table (primary key, unique key, index) starts with the key's columns."""
    cols = [c.name for c in fk.columns]
    covering = [[c.name for c in table.primary_key.columns]]
    covering += [[c.name for c in u.columns] for u in table.constraints
                 if isinstance(u, sa.UniqueConstraint) and u not in dropping]
    covering += [[c.name for c in i.columns] for i in table.indexes if i not in dropping]
    return not any(index[:len(cols)] == cols for index in covering)


class MySQLStep:
    def __init__(self, step):
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
                op.execute(ColumnDDL(table, detached(source.c[old], name=new), "CHANGE", old_name=old))

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


__all__ = ["MySQLStep"]
