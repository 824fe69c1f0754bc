"""Reference data: locations, catalog vocabulary, tags, workflow, payment methods, sequences.

Revision ID: 0002_reference
Revises: 0001_access
"""

from generators import reference
from terpseed.runtime import Step, downgrade_steps, upgrade_steps

revision = "0002_reference"
down_revision = "0001_access"
branch_labels = None
depends_on = None

STEPS: list[Step] = [
    Step("locations", reference.locations),
    Step("categories", reference.categories),
    Step("subcategories", reference.subcategories),
    Step("grades", reference.grades),
    Step("tags", reference.tags),
    Step("tagGroups", reference.tagGroups),
    Step("tagGroupMembers", reference.tagGroupMembers),
    Step("tagHierarchy", reference.tagHierarchy),
    Step("workflow_statuses", reference.workflow_statuses),
    Step("paymentMethods", reference.paymentMethods),
    Step("sequences", reference.sequences),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
