"""TERP schema of 2026-02-15 (TERP commit 2b0c4c92), from the previous version.

The operations come from diffing the two generated models with the step's
declarations (terpseed/schema/changes_2026_02_15.py: renames, real drops, TERP's
data conversions) in terpseed/schema/evolve.py.

Revision ID: 0003_terp_2026_02_15
Revises: 0002_terp_2025_12_20
"""

from terpseed.schema import changes_2026_02_15 as changes
from terpseed.schema import evolve
from terpseed.schema import terp_2025_12_20 as before
from terpseed.schema import terp_2026_02_15 as after

revision = "0003_terp_2026_02_15"
down_revision = "0002_terp_2025_12_20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    evolve.upgrade(before.metadata, after.metadata, changes.CHANGES)


def downgrade() -> None:
    evolve.downgrade(before.metadata, after.metadata, changes.CHANGES)
