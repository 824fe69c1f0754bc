"""Procurement: vendors' offers, intake sessions, purchase orders and their items, lots.

Revision ID: 0006_procurement
Revises: 0005_catalog
"""

from generators import inventory, sales_extras
from terpseed.runtime import Step, downgrade_steps, upgrade_steps

revision = "0006_procurement"
down_revision = "0005_catalog"
branch_labels = None
depends_on = None

STEPS: list[Step] = [
    Step("vendor_supply", sales_extras.vendor_supply),
    Step("inventoryViews", sales_extras.inventoryViews),
    Step("intake_sessions", inventory.intake_sessions),
    Step("purchaseOrders", inventory.purchaseOrders),
    Step("purchaseOrderItems", inventory.purchaseOrderItems),
    Step("lots", inventory.lots),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
