"""The TERP schema of 2025-11-21: all 120 tables, keys and indexes.

Built from the metadata in terpseed/schema/terp_2025_11_21.py, which is
generated from the shared DDL file.  On MySQL/MariaDB the statements follow
the DDL's own order (tables, then foreign keys, then indexes), so MySQL makes
the same implicit foreign-key indexes.  SQLite cannot add a foreign key to an
existing table, so there they are written inline, and index names, which
SQLite keeps in one namespace per database, are prefixed with their table.

Revision ID: 0001_terp_schema
Revises:
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.schema import CreateTable, DropTable

from terpseed.schema.terp_2025_11_21 import metadata

revision = "0001_terp_schema"
down_revision = None
branch_labels = None
depends_on = None


def _index_name(index: sa.Index, dialect: str) -> str:
    return f"{index.table.name}__{index.name}" if dialect == "sqlite" else index.name


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    tables = metadata.sorted_tables
    if dialect == "sqlite":
        for table in tables:
            op.execute(CreateTable(table))
    else:
        for table in tables:
            op.execute(CreateTable(table, include_foreign_key_constraints=[]))
        # op.create_foreign_key builds its own constraint: AddConstraint(fk)
        # would mark the shared metadata's key as "created by ALTER" and drop
        # it from every later CREATE TABLE of this process.
        for table in tables:
            for fk in sorted(table.foreign_key_constraints, key=lambda c: c.name):
                op.create_foreign_key(
                    fk.name, table.name, fk.referred_table.name,
                    [c.name for c in fk.columns], [e.column.name for e in fk.elements],
                    ondelete=fk.ondelete, onupdate=fk.onupdate,
                )
    for table in tables:
        for index in sorted(table.indexes, key=lambda i: i.name):
            op.create_index(
                _index_name(index, dialect),
                table.name,
                [c.name for c in index.columns],
                unique=index.unique,
            )


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect != "sqlite":
        for table in metadata.sorted_tables:
            for fk in sorted(table.foreign_key_constraints, key=lambda c: c.name):
                op.drop_constraint(fk.name, table.name, type_="foreignkey")
    for table in reversed(metadata.sorted_tables):
        op.execute(DropTable(table))
