"""Inventory and sales: batches and their movements, orders and quotes, fulfilment, returns.

One revision, because a batch's stock and status are the sum of the sales drawn
from it: applied or removed together, the two always agree.

Revision ID: 0007_inventory_and_sales
Revises: 0006_procurement
"""

from generators import inventory, sales
from terpseed.runtime import Step, Update, downgrade_steps, upgrade_steps

revision = "0007_inventory_and_sales"
down_revision = "0006_procurement"
branch_labels = None
depends_on = None

STEPS: list[Step | Update] = [
    Step("batches", inventory.batches),
    Step("batchLocations", inventory.batchLocations),
    Step("intake_session_batches", inventory.intake_session_batches),
    Step("batch_status_history", inventory.batch_status_history),
    Step("orders", sales.orders),
    Step("order_line_items", sales.order_line_items),
    Step("order_status_history", sales.order_status_history),
    Step("sales", sales.sales),
    Step("returns", sales.returns),
    Step("inventoryMovements", inventory.inventoryMovements),
    Update("sequences", "currentValue", inventory.code_sequences),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
