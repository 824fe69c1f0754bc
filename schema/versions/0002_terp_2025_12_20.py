"""TERP schema of 2025-12-20 (TERP commit 3d4c5f09), from the previous version.

The operations come from diffing the two generated models with the step's
declarations (terpseed/schema/changes_2025_12_20.py: renames, real drops, TERP's
data conversions) in terpseed/schema/evolve.py.

Revision ID: 0002_terp_2025_12_20
Revises: 0001_terp_schema
"""

from terpseed.schema import changes_2025_12_20 as changes
from terpseed.schema import evolve
from terpseed.schema import terp_2025_11_21 as before
from terpseed.schema import terp_2025_12_20 as after

revision = "0002_terp_2025_12_20"
down_revision = "0001_terp_schema"
branch_labels = None
depends_on = None


def upgrade() -> None:
    evolve.upgrade(before.metadata, after.metadata, changes.CHANGES)


def downgrade() -> None:
    evolve.downgrade(before.metadata, after.metadata, changes.CHANGES)
