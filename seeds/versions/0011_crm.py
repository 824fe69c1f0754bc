"""CRM and the VIP portal: client timelines and communications, needs and matches, interest lists, price alerts, portal access.

Revision ID: 0011_crm
Revises: 0010_workspace
"""

from generators import added_sales, crm
from terpseed.runtime import Step, Update, downgrade_steps, upgrade_steps

revision = "0011_crm"
down_revision = "0010_workspace"
branch_labels = None
depends_on = None

STEPS: list[Step | Update] = [
    Step("client_activity", crm.client_activity),
    Step("client_communications", crm.client_communications),
    Step("client_needs", crm.client_needs),
    Step("match_records", crm.match_records),
    Step("client_catalog_views", crm.client_catalog_views),
    Step("client_draft_interests", crm.client_draft_interests),
    Step("client_interest_lists", crm.client_interest_lists),
    Step("client_interest_list_items", crm.client_interest_list_items),
    Step("client_price_alerts", crm.client_price_alerts),
    Step("vip_portal_configurations", crm.vip_portal_configurations),
    Step("vip_portal_auth", crm.vip_portal_auth),
    Update("orders", "client_need_id", crm.order_needs),
    Update("clients", ("vip_portal_enabled", "vip_portal_last_login"), crm.client_portal),
    Update("clients", "wishlist", added_sales.client_wishlists),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
