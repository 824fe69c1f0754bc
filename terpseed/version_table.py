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


def create_before_transactions(migration_context, dialect_name: str) -> list[str]:
    """Offline (``--sql``): the CREATE TABLE IF NOT EXISTS statements of the
    version table and of the seed's record (terpseed/record.py), to print
    before the first ``BEGIN``.  Alembic prints its own CREATE TABLE of the
    version table inside the first revision's transaction, where MySQL would
    commit implicitly and leave a failing revision's rows behind; that one is
    not printed any more (Alembic keeps the version table as a private
    attribute of its MigrationContext: tests/test_offline_sql.py fails if a
    later Alembic prints it again)."""
    from terpseed import record
    from terpseed.render import render_dialect

    version = migration_context._version
    statements = [str(CreateTable(version, if_not_exists=True).compile(
        dialect=render_dialect(dialect_name))).strip()]
    version.create = _created_above
    return statements + record.create_statements(dialect_name)


def _created_above(*_args, **_kwargs) -> None:
    """Alembic's own CREATE TABLE of the version table: printed above instead."""
