"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""

# A seed revision lists its STEPS: one table each, in foreign-key order
# (parents first).  Each step's generator (generators/) returns the rows and
# its template (templates/seed/<table>.sql.j2) turns them into SQL.  Upgrade
# inserts them; downgrade deletes exactly those rows, children first.
# New table: `python tools/new_seed_table.py TABLE "what the rows are"`.

from terpseed.runtime import Step, downgrade_steps, upgrade_steps

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}

STEPS: list[Step] = [
    # Step("table_name", generators.module.table_name),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
