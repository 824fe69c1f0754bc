"""TERP schema of 2026-05-14 (TERP commit b2e16915), from the previous version.

The operations come from diffing the two generated models with the step's
declarations (terpseed/schema/changes_2026_05_14.py: renames, real drops, TERP's
data conversions) in terpseed/schema/evolve.py.

Revision ID: 0004_terp_2026_05_14
Revises: 0003_terp_2026_02_15
"""

from terpseed.schema import changes_2026_05_14 as changes
from terpseed.schema import evolve
from terpseed.schema import terp_2026_02_15 as before
from terpseed.schema import terp_2026_05_14 as after

revision = "0004_terp_2026_05_14"
down_revision = "0003_terp_2026_02_15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    evolve.upgrade(before.metadata, after.metadata, changes.CHANGES)


def downgrade() -> None:
    evolve.downgrade(before.metadata, after.metadata, changes.CHANGES)
