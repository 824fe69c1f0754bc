"""Workspace: notes, to-do lists and tasks, comment threads, the inbox, dashboards, alerts, the audit log and deployments.

Revision ID: 0010_workspace
Revises: 0009_calendar
"""

from generators import comments, inbox, workspace
from terpseed.runtime import Step, Update, downgrade_steps, upgrade_steps

revision = "0010_workspace"
down_revision = "0009_calendar"
branch_labels = None
depends_on = None

STEPS: list[Step | Update] = [
    Step("freeform_notes", workspace.freeform_notes),
    Step("client_notes", workspace.client_notes),
    Step("note_activity", workspace.note_activity),
    Step("note_comments", workspace.note_comments),
    Step("scratch_pad_notes", workspace.scratch_pad_notes),
    Step("vendorNotes", workspace.vendorNotes),
    Step("todo_lists", workspace.todo_lists),
    Step("todo_list_members", workspace.todo_list_members),
    Step("todo_tasks", workspace.todo_tasks),
    Step("todo_task_activity", workspace.todo_task_activity),
    Step("comments", comments.comments),
    Step("comment_mentions", comments.comment_mentions),
    Step("inbox_items", inbox.inbox_items),
    Step("dashboard_kpi_configs", workspace.dashboard_kpi_configs),
    Step("dashboard_widget_layouts", workspace.dashboard_widget_layouts),
    Step("userDashboardPreferences", workspace.userDashboardPreferences),
    Step("alert_configurations", workspace.alert_configurations),
    Step("auditLogs", workspace.auditLogs),
    Step("deployments", workspace.deployments),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
