"""Suppliers as clients: supplier profiles (TERP 2025-12-20 on), intake receipts with their items and discrepancies, vendor harvest reminders (2026-02-15 on).

Revision ID: 0012_suppliers
Revises: 0011_crm
"""

from generators import suppliers
from terpseed.runtime import Step, downgrade_steps, upgrade_steps

revision = "0012_suppliers"
down_revision = "0011_crm"
branch_labels = None
depends_on = None

# A table the run's TERP version does not have yet writes nothing.
STEPS: list[Step] = [
    Step("supplier_profiles", suppliers.supplier_profiles),
    Step("intake_receipts", suppliers.intake_receipts),
    Step("intake_receipt_items", suppliers.intake_receipt_items),
    Step("intake_discrepancies", suppliers.intake_discrepancies),
    Step("vendor_harvest_reminders", suppliers.vendor_harvest_reminders),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
