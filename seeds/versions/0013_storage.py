"""Storage: TERP's sites and storage zones, batch zone assignments, site inventory counts and site transfers (TERP 2026-02-15 on).

Revision ID: 0013_storage
Revises: 0012_suppliers
"""

from generators import storage
from terpseed.runtime import Step, downgrade_steps, upgrade_steps

revision = "0013_storage"
down_revision = "0012_suppliers"
branch_labels = None
depends_on = None

# A table the run's TERP version does not have yet writes nothing.
STEPS: list[Step] = [
    Step("sites", storage.sites),
    Step("storage_zones", storage.storage_zones),
    Step("batch_zone_assignments", storage.batch_zone_assignments),
    Step("site_inventory_counts", storage.site_inventory_counts),
    Step("site_transfers", storage.site_transfers),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
