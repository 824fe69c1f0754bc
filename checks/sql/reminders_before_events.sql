-- name: reminders_before_events
-- severity: error
-- tables: calendar_reminders, calendar_events
-- tags: calendar, time
-- description: A calendar reminder set for after its event has started.
SELECT
    r.id AS reminder_id,
    r.event_id,
    r.reminder_time,
    e.start_date,
    e.start_time
FROM calendar_reminders AS r
INNER JOIN calendar_events AS e ON r.event_id = e.id
WHERE DATE(r.reminder_time) > e.start_date
