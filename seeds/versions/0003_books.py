"""The books: chart of accounts, fiscal periods over the scenario window, expense categories.

Revision ID: 0003_books
Revises: 0002_reference
"""

from generators import books
from terpseed.runtime import Step, downgrade_steps, upgrade_steps

revision = "0003_books"
down_revision = "0002_reference"
branch_labels = None
depends_on = None

STEPS: list[Step] = [
    Step("accounts", books.accounts),
    Step("fiscalPeriods", books.fiscalPeriods),
    Step("expenseCategories", books.expenseCategories),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
