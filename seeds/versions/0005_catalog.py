"""Catalog and pricing: products, their media, synonyms and tags, pricing defaults, profiles and rules.

Revision ID: 0005_catalog
Revises: 0004_parties
"""

from generators import catalog
from terpseed.runtime import Step, Update, downgrade_steps, upgrade_steps

revision = "0005_catalog"
down_revision = "0004_parties"
branch_labels = None
depends_on = None

STEPS: list[Step | Update] = [
    Step("products", catalog.products),
    Step("productMedia", catalog.productMedia),
    Step("productSynonyms", catalog.productSynonyms),
    Step("productTags", catalog.productTags),
    Step("pricing_defaults", catalog.pricing_defaults),
    Step("pricing_rules", catalog.pricing_rules),
    Step("pricing_profiles", catalog.pricing_profiles),  # its rules JSON lists pricing_rules ids
    Step("cogs_rules", catalog.cogs_rules),
    Update("clients", "pricing_profile_id", catalog.client_pricing_profiles),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
