"""Calendar: TERP's calendars (2026-02-15 on), events past and future, recurrences, participants, invitations, reminders, history, client meetings.

Revision ID: 0009_calendar
Revises: 0008_finance
"""

from generators import calendar, calendars
from terpseed.runtime import Step, Update, downgrade_steps, upgrade_steps

revision = "0009_calendar"
down_revision = "0008_finance"
branch_labels = None
depends_on = None

STEPS: list[Step | Update] = [
    Step("calendars", calendars.calendars),  # a 2026-02-15 table: nothing on older versions
    Step("calendar_events", calendar.calendar_events),
    Step("calendar_recurrence_rules", calendar.calendar_recurrence_rules),
    Step("calendar_recurrence_instances", calendar.calendar_recurrence_instances),
    Step("calendar_event_participants", calendar.calendar_event_participants),
    Step("calendar_event_invitations", calendar.calendar_event_invitations),
    Step("calendar_invitation_history", calendar.calendar_invitation_history),
    Step("calendar_invitation_settings", calendar.calendar_invitation_settings),
    Step("calendar_reminders", calendar.calendar_reminders),
    Step("calendar_event_history", calendar.calendar_event_history),
    Step("calendar_event_attachments", calendar.calendar_event_attachments),
    Step("calendar_event_permissions", calendar.calendar_event_permissions),
    Step("calendar_views", calendar.calendar_views),
    Step("client_meeting_history", calendar.client_meeting_history),
    Update("orders", "intake_event_id", calendar.order_intake_events),
    Update("batches", "photo_session_event_id", calendar.batch_photo_events),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
