"""Staff and access control: users, roles, permissions and their links.

Revision ID: 0001_access
Revises:
"""

from generators import access
from terpseed.runtime import Step, downgrade_steps, upgrade_steps

revision = "0001_access"
down_revision = None
branch_labels = None
depends_on = None

STEPS: list[Step] = [
    Step("users", access.users),
    Step("roles", access.roles),
    Step("permissions", access.permissions),
    Step("role_permissions", access.role_permissions),
    Step("user_roles", access.user_roles),
    Step("user_permission_overrides", access.user_permission_overrides),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
