"""TERP schema of 2025-11-21 (TERP commit 699deaff): all 120 tables, keys and indexes.

Built from nothing by terpseed/schema/evolve.py from the model
terpseed/schema/terp_2025_11_21.py, generated from the shared DDL file.  On
MySQL/MariaDB the statements follow the DDL's own order (tables, then foreign
keys, then indexes), so MySQL makes the same implicit foreign-key indexes.
SQLite cannot add a foreign key to an existing table, so there they are
written inline, and index names, which SQLite keeps in one namespace per
database, are prefixed with their table.

Revision ID: 0001_terp_schema
Revises:
"""

import sqlalchemy as sa

from terpseed.schema import evolve
from terpseed.schema.changes import VersionChanges
from terpseed.schema.terp_2025_11_21 import metadata

revision = "0001_terp_schema"
down_revision = None
branch_labels = None
depends_on = None

NOTHING = sa.MetaData()  # before the first version there is no schema
CHANGES = VersionChanges(version="2025-11-21")


def upgrade() -> None:
    evolve.upgrade(NOTHING, metadata, CHANGES)


def downgrade() -> None:
    evolve.downgrade(NOTHING, metadata, CHANGES)
