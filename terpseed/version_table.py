"""Re-runnable bookkeeping for the seed chain's version table.

Alembic writes ``CREATE TABLE seed_version`` and ``INSERT INTO seed_version``
when a run starts from base.  A reviewed ``--sql`` script must be safe to run
twice, so for this one table those two statements are compiled as
``CREATE TABLE IF NOT EXISTS`` and an ``INSERT ... SELECT`` that only adds the
first version row to an empty table (a second row would mean two heads).
Alembic's UPDATE and DELETE of version rows are already no-ops on a re-run.
Online and offline compile the same way, so both run the same SQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.dml import Insert

GUARDED_TABLES: set[str] = set()


def guard(table_name: str) -> None:
    GUARDED_TABLES.add(table_name)


@compiles(CreateTable)
def _create_table(create, compiler, **kw):
    if create.element.name in GUARDED_TABLES and not create.if_not_exists:
        create = CreateTable(create.element, if_not_exists=True)
    return compiler.visit_create_table(create, **kw)


@compiles(Insert)
def _insert(insert, compiler, **kw):
    table = insert.table
    values = getattr(insert, "_values", None)
    if getattr(table, "name", None) not in GUARDED_TABLES or not values:
        return compiler.visit_insert(insert, **kw)
    columns = list(values)
    only_if_empty = sa.select(*(values[c] for c in columns)).where(
        ~sa.exists(sa.select(sa.literal_column("1")).select_from(table))
    )
    return compiler.visit_insert(sa.insert(table).from_select(columns, only_if_empty), **kw)
