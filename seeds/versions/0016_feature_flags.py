"""Feature flags (TERP 2026-02-15 and later): TERP's default flags, a few role and user overrides, their audit log.

Revision ID: 0016_feature_flags
Revises: 0015_notifications_and_settings
"""

from generators import feature_flags
from terpseed.runtime import Step, downgrade_steps, upgrade_steps

revision = "0016_feature_flags"
down_revision = "0015_notifications_and_settings"
branch_labels = None
depends_on = None

STEPS: list[Step] = [
    Step("feature_flags", feature_flags.feature_flags),
    Step("feature_flag_role_overrides", feature_flags.feature_flag_role_overrides),
    Step("feature_flag_user_overrides", feature_flags.feature_flag_user_overrides),
    Step("feature_flag_audit_logs", feature_flags.feature_flag_audit_logs),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
