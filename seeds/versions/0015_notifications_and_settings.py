"""Notifications and settings (TERP 2026-02-15 and later): TERP's organisation settings, each user's preferences, notifications of the window's last weeks and their recipients' preferences, dashboard widget configs.

Revision ID: 0015_notifications_and_settings
Revises: 0014_media_and_samples
"""

from generators import notifications
from terpseed.runtime import Step, downgrade_steps, upgrade_steps

revision = "0015_notifications_and_settings"
down_revision = "0014_media_and_samples"
branch_labels = None
depends_on = None

STEPS: list[Step] = [
    Step("organization_settings", notifications.organization_settings),
    Step("user_preferences", notifications.user_preferences),
    Step("notification_preferences", notifications.notification_preferences),
    Step("notifications", notifications.notifications),
    Step("dashboard_widget_configs", notifications.dashboard_widget_configs),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
