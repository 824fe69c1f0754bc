"""Inventory and sales: batches and their movements, orders and quotes, fulfilment, returns, samples, sales sheets.

One revision, because a batch's stock and status are the sum of the sales drawn
from it: applied or removed together, the two always agree.

Revision ID: 0007_inventory_and_sales
Revises: 0006_procurement
"""

from generators import inventory, sales, sales_extras
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
    Step("cogsHistory", sales_extras.cogsHistory),
    Step("orders", sales.orders),
    Step("order_line_items", sales.order_line_items),
    Step("order_status_history", sales.order_status_history),
    Step("order_audit_log", sales_extras.order_audit_log),
    Step("sales", sales.sales),
    Step("returns", sales.returns),
    Step("inventoryMovements", inventory.inventoryMovements),
    Step("inventoryAlerts", sales_extras.inventoryAlerts),
    Step("recurring_orders", sales_extras.recurring_orders),
    Step("sampleRequests", sales_extras.sampleRequests),
    Step("sampleAllocations", sales_extras.sampleAllocations),
    Step("sample_inventory_log", sales_extras.sample_inventory_log),
    Step("sales_sheet_templates", sales_extras.sales_sheet_templates),
    Step("salesSheetVersions", sales_extras.salesSheetVersions),
    Step("sales_sheet_history", sales_extras.sales_sheet_history),
    Update("sequences", "currentValue", inventory.code_sequences),
    Update("orders", "related_sample_request_id", sales_extras.order_sample_links),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
