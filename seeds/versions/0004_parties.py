"""Parties: vendors, clients (whales, regulars and supplier accounts), brands, strains.

Revision ID: 0004_parties
Revises: 0003_books
"""

from generators import parties
from terpseed.runtime import Step, downgrade_steps, upgrade_steps

revision = "0004_parties"
down_revision = "0003_books"
branch_labels = None
depends_on = None

STEPS: list[Step] = [
    Step("vendors", parties.vendors),
    Step("clients", parties.clients),
    Step("brands", parties.brands),
    Step("strains", parties.strains),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
