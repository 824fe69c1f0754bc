"""Each user's inbox: mentions in comments and tasks assigned or updated,
drawn from the comment_mentions, todo_tasks and todo_task_activity rows, as
TERP writes them: a mention points at the comment (source) and at what the
comment is on (reference: its commentable type and id), quoting the comment."""

from __future__ import annotations

import datetime as dt

from generators.comments import plain_text

END_HOUR = dt.time(23, 59, 59)


def _seen(rng, created: dt.datetime, end: dt.datetime) -> tuple[str, dt.datetime | None, dt.datetime | None]:
    """unread, seen or completed, with times after ``created`` and not after the end."""
    age = (end - created).days
    roll = rng.random()
    if age < 2 and roll < 0.7:
        return "unread", None, None
    seen = min(end, created + dt.timedelta(hours=rng.randint(1, 30)))
    if roll < 0.55:
        return "seen", seen, None
    return "completed", seen, min(end, seen + dt.timedelta(hours=rng.randint(1, 48)))


def inbox_items(ctx):
    rng = ctx.rng
    end = dt.datetime.combine(ctx.window_end, END_HOUR)
    names = {u["id"]: u["name"] for u in ctx.rows("users")}
    comments = {c["id"]: c for c in ctx.rows("comments")}
    tasks = {t["id"]: t for t in ctx.rows("todo_tasks")}
    items = []
    for mention in ctx.rows("comment_mentions"):
        comment = comments[mention["comment_id"]]
        items.append((mention["created_at"], mention["mentioned_user_id"], "mention", comment["id"],
                      comment["commentable_type"], comment["commentable_id"],
                      f"{names[mention['mentioned_by_user_id']]} mentioned you in a comment",
                      plain_text(comment["content"])))
    for event in ctx.rows("todo_task_activity"):
        task = tasks[event["task_id"]]
        assignee = task["assigned_to"]
        if assignee is None or event["user_id"] == assignee:
            continue  # nobody to tell, or the assignee did it
        if event["action"] == "assigned":
            items.append((event["created_at"], assignee, "task_assignment", task["id"], "task", task["id"],
                          f"New task assigned: {task['title']}"[:500], task["description"]))
        elif event["action"] in ("status_changed", "updated"):
            items.append((event["created_at"], assignee, "task_update", task["id"], "task", task["id"],
                          f"Task updated: {task['title']}"[:500],
                          f"{names[event['user_id']]} changed {event['field_changed'] or 'the task'}"))
    items.sort(key=lambda i: (i[0], i[1], i[2], i[3]))
    rows = []
    for n, (created, user, source, source_id, ref_type, ref_id, title, description) in enumerate(items, start=1):
        status, seen, completed = _seen(rng, created, end)
        archived = status == "completed" and rng.random() < 0.4
        rows.append({
            "id": ctx.id(n), "user_id": user, "source_type": source, "source_id": source_id,
            "reference_type": ref_type, "reference_id": ref_id, "title": title, "description": description,
            "status": status, "seen_at": seen, "completed_at": completed, "is_archived": archived,
            "created_at": created, "updated_at": completed or seen or created,
        })
    return rows
