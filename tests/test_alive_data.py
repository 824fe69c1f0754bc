"""Calendar, collaboration, CRM, portal and system tables: the product feels
alive, and every table of the 120 has rows (queries against seeded databases)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import sqlalchemy as sa

from terpseed.scenarios import SCENARIOS
from terpseed.schema import metadata
from tests.test_finance_data import FINANCE_TABLES
from tests.test_trade_data import TRADE_TABLES, count, rows, scalar

T = metadata.tables


def _end(engine) -> dt.date:
    return SCENARIOS[getattr(engine, "scenario", "full")].window_end


def test_full_scenario_leaves_no_table_empty(full_mariadb):
    empty = [name for name in sorted(metadata.tables) if count(full_mariadb, name) == 0]
    assert empty == []
    assert len(metadata.tables) == 120


def test_calendar_is_busy_past_and_future(seeded):
    e = T["calendar_events"]
    end = _end(seeded)
    past = scalar(seeded, sa.select(sa.func.count()).select_from(e).where(e.c.start_date <= end))
    future = scalar(seeded, sa.select(sa.func.count()).select_from(e).where(e.c.start_date > end))
    assert past > 0 and future > 0
    if not hasattr(seeded, "scenario"):
        assert past + future >= 200
    # recurring events have a rule and instances
    recurring = {r[0] for r in rows(seeded, sa.select(e.c.id).where(e.c.is_recurring.is_(True)))}
    ruled = {r[0] for r in rows(seeded, sa.select(T["calendar_recurrence_rules"].c.event_id))}
    instanced = {r[0] for r in rows(seeded, sa.select(T["calendar_recurrence_instances"].c.parent_event_id))}
    assert recurring and recurring == ruled and instanced <= recurring and instanced


def test_invitations_in_every_state_and_a_consistent_history(full_mariadb):
    inv, hist = T["calendar_event_invitations"], T["calendar_invitation_history"]
    statuses = {r[0] for r in rows(full_mariadb, sa.select(inv.c.status).distinct())}
    assert statuses >= {"PENDING", "ACCEPTED", "DECLINED"}
    last = {}
    for invitation_id, action, when in rows(full_mariadb, sa.select(hist.c.invitation_id, hist.c.action,
                                                                    hist.c.performed_at)
                                            .order_by(hist.c.invitation_id, hist.c.performed_at, hist.c.id)):
        if invitation_id not in last:
            assert action == "CREATED"
        last[invitation_id] = action
    final = {"ACCEPTED": {"ACCEPTED", "ADMIN_OVERRIDE"}, "DECLINED": {"DECLINED", "ADMIN_OVERRIDE"},
             "AUTO_ACCEPTED": {"AUTO_ACCEPTED"}, "CANCELLED": {"CANCELLED"}, "EXPIRED": {"EXPIRED"},
             "PENDING": {"SENT", "RESENT"}, "DRAFT": {"CREATED"}}
    for invitation_id, status in rows(full_mariadb, sa.select(inv.c.id, inv.c.status)):
        assert last[invitation_id] in final[status], (invitation_id, status, last[invitation_id])


def test_event_history_starts_with_creation_in_time_order(seeded):
    h = T["calendar_event_history"]
    first = {}
    previous = {}
    for event_id, change, when in rows(seeded, sa.select(h.c.event_id, h.c.change_type, h.c.changed_at)
                                       .order_by(h.c.event_id, h.c.changed_at, h.c.id)):
        first.setdefault(event_id, change)
        assert previous.get(event_id, when) <= when
        previous[event_id] = when
    assert first and set(first.values()) == {"CREATED"}


def test_comments_are_many_spread_and_threaded(seeded):
    c = T["comments"]
    kinds = dict(rows(seeded, sa.select(c.c.commentable_type, sa.func.count()).group_by(c.c.commentable_type)))
    assert len(kinds) >= 3
    if not hasattr(seeded, "scenario"):
        assert sum(kinds.values()) >= 500
    resolved_before = scalar(seeded, sa.select(sa.func.count()).select_from(c)
                             .where(c.c.is_resolved.is_(True), c.c.resolved_at < c.c.created_at))
    assert resolved_before == 0
    mentioned = scalar(seeded, sa.select(sa.func.count()).select_from(T["comment_mentions"]))
    assert mentioned > 0


def test_lists_and_tasks(seeded):
    tasks, members = T["todo_tasks"], T["todo_list_members"]
    if not hasattr(seeded, "scenario"):
        assert count(seeded, "todo_lists") >= 50 and count(seeded, "todo_tasks") >= 200
    inconsistent = scalar(seeded, sa.select(sa.func.count()).select_from(tasks).where(sa.or_(
        sa.and_(tasks.c.status == "done", sa.or_(tasks.c.is_completed.is_(False), tasks.c.completed_at.is_(None))),
        sa.and_(tasks.c.status != "done", sa.or_(tasks.c.is_completed.is_(True),
                                                  tasks.c.completed_at.is_not(None))))))
    assert inconsistent == 0
    outsiders = scalar(seeded, sa.select(sa.func.count()).select_from(tasks)
                       .outerjoin(members, sa.and_(members.c.list_id == tasks.c.list_id,
                                                   members.c.user_id == tasks.c.assigned_to))
                       .where(tasks.c.assigned_to.is_not(None), members.c.id.is_(None)))
    assert outsiders == 0
    states = {r[0] for r in rows(seeded, sa.select(tasks.c.status).distinct())}
    assert states == {"todo", "in_progress", "done"}


def test_every_user_has_a_dashboard(seeded):
    users = {r[0] for r in rows(seeded, sa.select(T["users"].c.id))}
    prefs = {r[0] for r in rows(seeded, sa.select(T["userDashboardPreferences"].c.userId))}
    assert users <= prefs
    widgets = {"sales-by-client", "cash-flow", "transaction-snapshot", "inventory-snapshot", "total-debt",
               "sales-comparison", "profitability", "matchmaking-opportunities", "inbox"}
    used = {r[0] for r in rows(seeded, sa.select(T["dashboard_widget_layouts"].c.widgetType).distinct())}
    assert used and used <= widgets
    for (config,) in rows(seeded, sa.select(T["userDashboardPreferences"].c.widgetConfig)):
        config = config if isinstance(config, list) else json.loads(config)
        assert {w["id"] for w in config} <= widgets


def test_every_buying_client_has_a_timeline(seeded):
    c, a, o = T["clients"], T["client_activity"], T["orders"]
    buyers_with_orders = {r[0] for r in rows(seeded, sa.select(o.c.client_id).where(o.c.orderType == "SALE")
                                             .distinct())}
    with_activity = {r[0] for r in rows(seeded, sa.select(a.c.client_id).distinct())}
    assert buyers_with_orders <= with_activity
    sellers = {r[0] for r in rows(seeded, sa.select(c.c.id).where(c.c.is_seller.is_(True)))}
    assert not (sellers & {r[0] for r in rows(seeded, sa.select(T["client_needs"].c.client_id))})


def test_needs_and_matches_name_real_things(seeded):
    n, s, m, b = T["client_needs"], T["strains"], T["match_records"], T["batches"]
    mismatched = scalar(seeded, sa.select(sa.func.count()).select_from(n).join(s, s.c.id == n.c.strainId)
                        .where(n.c.strain.is_not(None), n.c.strain != s.c.name))
    assert mismatched == 0
    unpaired = scalar(seeded, sa.select(sa.func.count()).select_from(m).where(
        m.c.inventory_batch_id.is_(None), m.c.vendor_supply_id.is_(None), m.c.historical_order_id.is_(None)))
    assert unpaired == 0
    not_live = scalar(seeded, sa.select(sa.func.count()).select_from(T["client_price_alerts"])
                      .join(b, b.c.id == T["client_price_alerts"].c.batch_id)
                      .where(b.c.batchStatus == "AWAITING_INTAKE"))
    assert not_live == 0


def test_vip_portal_holds_no_usable_secret(seeded):
    auth, c = T["vip_portal_auth"], T["clients"]
    for password_hash, session, reset in rows(seeded, sa.select(auth.c.password_hash, auth.c.session_token,
                                                                auth.c.reset_token)):
        assert password_hash is None or not password_hash.startswith("$")
        assert session is None and reset is None
    portal = {r[0] for r in rows(seeded, sa.select(auth.c.client_id))}
    enabled = {r[0] for r in rows(seeded, sa.select(c.c.id).where(c.c.vip_portal_enabled.is_(True)))}
    assert portal and portal == enabled


def test_forward_references_are_filled_where_the_business_would(full_mariadb):
    o, b, e = T["orders"], T["batches"], T["calendar_events"]
    intake = rows(full_mariadb, sa.select(e.c.event_type).join(o, o.c.intake_event_id == e.c.id).distinct())
    assert intake == [("INTAKE",)]
    photo = rows(full_mariadb, sa.select(e.c.event_type).join(b, b.c.photo_session_event_id == e.c.id).distinct())
    assert photo == [("PHOTOGRAPHY",)]
    assert scalar(full_mariadb, sa.select(sa.func.count()).select_from(o).where(o.c.client_need_id.is_not(None))) > 0


def test_inbox_items_point_at_what_they_announce(seeded):
    i = T["inbox_items"]
    by_kind = defaultdict(int)
    for kind, n in rows(seeded, sa.select(i.c.source_type, sa.func.count()).group_by(i.c.source_type)):
        by_kind[kind] = n
    assert by_kind["mention"] > 0
    # every task assigned by someone other than its assignee is announced (a small
    # scenario may have none: lists of one, whose owner assigns herself)
    a, t = T["todo_task_activity"], T["todo_tasks"]
    assigned = scalar(seeded, sa.select(sa.func.count()).select_from(a).join(t, t.c.id == a.c.task_id)
                      .where(a.c.action == "assigned", a.c.user_id != t.c.assigned_to))
    assert by_kind["task_assignment"] == assigned
    if not hasattr(seeded, "scenario"):
        assert assigned > 0
    unseen_with_dates = scalar(seeded, sa.select(sa.func.count()).select_from(i)
                               .where(i.c.status == "unread", i.c.seen_at.is_not(None)))
    assert unseen_with_dates == 0


ALIVE_TABLES = sorted(set(metadata.tables) - set(TRADE_TABLES) - set(FINANCE_TABLES))


def test_records_stop_at_the_window_end_and_plans_soon_after(seeded):
    """What happened is dated by the window's end; what is planned (events,
    reminders, due dates, expiries) at most 90 days after it."""
    end = _end(seeded)
    for name in ALIVE_TABLES:
        for column in T[name].c:
            if not isinstance(column.type, (sa.Date, sa.DateTime)):
                continue
            latest = scalar(seeded, sa.select(sa.func.max(column)))
            if latest is None:
                continue
            day = latest.date() if isinstance(latest, dt.datetime) else latest
            recorded = column.name.lower().startswith(("created", "updated", "logged", "added", "granted",
                                                       "uploaded", "performed", "changed", "responded",
                                                       "sent", "completed", "seen", "resolved"))
            limit = end if recorded else end + dt.timedelta(days=90)
            assert day <= limit, f"{name}.{column.name} = {latest}"
