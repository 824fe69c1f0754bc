"""Catalog media, units and sample custody (TERP 2026-02-15 and later): TERP's units, batch photos, the custody of samples.

Revision ID: 0014_media_and_samples
Revises: 0013_storage
"""

from generators import media_samples
from terpseed.runtime import Step, downgrade_steps, upgrade_steps

revision = "0014_media_and_samples"
down_revision = "0013_storage"
branch_labels = None
depends_on = None

STEPS: list[Step] = [
    Step("unit_types", media_samples.unit_types),
    Step("product_images", media_samples.product_images),
    Step("sampleLocationHistory", media_samples.sampleLocationHistory),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
