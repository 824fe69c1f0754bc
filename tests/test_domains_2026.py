"""The 2026 domains D14-D17 on TERP's newest schema (the shared ``seeded_latest``
databases: light on SQLite, full on MariaDB): TERP's own reference rows
(unit types, organisation settings, feature flags) exactly as TERP inserts
them, batch photos, sample custody chains that end where the sample is,
bounded notifications with their recipients' preferences, the tables left
empty on purpose, and the integrity checks of the database's own version.
Offline: the tables appear from 2026-02-15 on, in each version's names."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from checks.library import coverage_status
from checks.runner import checks_for, run
from generators.media_samples import sample_location
from terpseed.vocabulary import EMPTY_BY_DESIGN
from tests.support import alembic_ok

# drizzle/0047_feat_009_015_implementation.sql, then drizzle/migrations/0056: (code, category, factor, base, order)
TERP_UNITS = [
    ("EA", "COUNT", "1", None, 10), ("G", "WEIGHT", "1", None, 20), ("OZ", "WEIGHT", "28.3495", "G", 30),
    ("LB", "WEIGHT", "453.592", "G", 40), ("KG", "WEIGHT", "1000", "G", 50), ("ML", "VOLUME", "1", None, 60),
    ("L", "VOLUME", "1000", "ML", 70), ("PKG", "PACKAGED", "1", None, 80), ("BOX", "PACKAGED", "1", None, 90),
    ("CASE", "PACKAGED", "1", None, 100), ("PK5", "PACKAGED", "5", "EA", 85), ("PK10", "PACKAGED", "10", "EA", 95),
    ("CASE24", "PACKAGED", "24", "EA", 105), ("PALLET", "PACKAGED", "1", None, 110),
]
# drizzle/0047: setting_key -> (setting_value, setting_type)
TERP_SETTINGS = {
    "grade_field_enabled": (True, "BOOLEAN"), "grade_field_required": (False, "BOOLEAN"),
    "expected_delivery_enabled": (True, "BOOLEAN"), "cogs_display_mode": ("VISIBLE", "STRING"),
    "default_unit_of_measure": ("EA", "STRING"), "packaged_unit_enabled": (True, "BOOLEAN"),
}
# server/services/seedFeatureFlags.ts at b2e16915, in order: key (module; "-" for none)
TERP_FLAGS = """
module-accounting - module-inventory - module-sales - module-vip-portal -
credit-management module-accounting bad-debt-write-off module-accounting automatic-gl-posting module-accounting
cogs-calculation module-inventory inventory-tracking module-inventory live-catalog module-vip-portal
vip-admin-impersonation module-vip-portal live-shopping module-sales pick-pack module-inventory
photography module-inventory leaderboard module-sales analytics-dashboard - owner-command-center-dashboard -
spreadsheet-view module-inventory spreadsheet-native-pilot - feature-secure-user-management -
feature-admin-user-ux - feature-my-account - feature-notification-prefs-polish - feature-admin-audit-ui -
work-surface-enabled - WORK_SURFACE_INTAKE - WORK_SURFACE_ORDERS - WORK_SURFACE_INVENTORY -
WORK_SURFACE_ACCOUNTING - work-surface-direct-intake - work-surface-purchase-orders - work-surface-clients -
work-surface-orders - work-surface-inventory - work-surface-invoices - work-surface-keyboard-contract -
work-surface-save-state - work-surface-inspector-panel - work-surface-validation-timing -
work-surface-concurrent-edit - work-surface-golden-flow-intake - work-surface-golden-flow-order -
work-surface-golden-flow-invoice - email-enabled - sms-enabled - module-calendar -
calendar-appointments module-calendar calendar-time-off module-calendar calendar-recurrence module-calendar
calendar-multi-calendar module-calendar ux.v2.states - ux.v2.grid - ux.v2.drawer - ux.v2.page-header-invariant -
ux.v2.freshness - ux.v2.breadcrumb-registry - ux.v2.workspace-tabs - ux.v2.nav-persist - ux.v2.filter-bar -
ux.v2.glossary -
""".split()

def _rows(engine: sa.Engine, sql: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.text(sql))]


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _moment(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _window_end(engine) -> dt.datetime:
    from terpseed.scenarios import SCENARIOS

    return dt.datetime.combine(SCENARIOS[engine.scenario].window_end, dt.time(23, 59, 59))


def test_reference_rows_are_terps_own(seeded_latest):
    units = _rows(seeded_latest, "SELECT * FROM unit_types ORDER BY id")
    assert [(u["code"], u["category"], Decimal(str(u["conversion_factor"])), u["base_unit_code"], u["sort_order"])
            for u in units] == [(c, k, Decimal(f), b, o) for c, k, f, b, o in TERP_UNITS]
    settings = _rows(seeded_latest, "SELECT * FROM organization_settings ORDER BY id")
    assert {s["setting_key"]: (_json(s["setting_value"]), s["setting_type"]) for s in settings} == TERP_SETTINGS
    assert [s["setting_key"] for s in settings] == list(TERP_SETTINGS)
    assert all(s["scope"] == "SYSTEM" and s["is_active"] for s in settings)
    flags = _rows(seeded_latest, "SELECT * FROM feature_flags ORDER BY id")
    expected = list(zip(TERP_FLAGS[::2], TERP_FLAGS[1::2]))
    assert [(f["key"], f["module"] or "-") for f in flags] == expected and len(flags) == 60
    assert {f["key"] for f in flags if not f["system_enabled"] or not f["default_enabled"]} == {"sms-enabled"}


def test_feature_flag_audit_has_a_created_row_per_flag_and_the_overrides(seeded_latest):
    flags = {f["id"]: f for f in _rows(seeded_latest, "SELECT * FROM feature_flags")}
    admins = {u["openId"] for u in _rows(seeded_latest, "SELECT * FROM users WHERE role = 'admin'")}
    audit = _rows(seeded_latest, "SELECT * FROM feature_flag_audit_logs ORDER BY id")
    created = [a for a in audit if a["feature_flag_audit_action"] == "created"]
    assert sorted(a["flag_id"] for a in created) == sorted(flags)
    for a in created:
        flag, new = flags[a["flag_id"]], _json(a["new_value"])
        assert a["flag_key"] == flag["key"] and _moment(a["created_at"]) == _moment(flag["created_at"])
        assert new == {"key": flag["key"], "name": flag["name"], "description": flag["description"],
                       "module": flag["module"], "systemEnabled": bool(flag["system_enabled"]),
                       "defaultEnabled": bool(flag["default_enabled"])}
    role = _rows(seeded_latest, "SELECT * FROM feature_flag_role_overrides")
    user = _rows(seeded_latest, "SELECT * FROM feature_flag_user_overrides")
    assert 1 <= len(role) <= 10 and 1 <= len(user) <= 5
    added = sorted((a["flag_id"], json.dumps(_json(a["new_value"]), sort_keys=True))
                   for a in audit if a["feature_flag_audit_action"] == "override_added")
    assert added == sorted(
        [(o["flag_id"], json.dumps({"type": "role", "roleId": o["role_id"], "enabled": bool(o["enabled"])},
                                   sort_keys=True)) for o in role]
        + [(o["flag_id"], json.dumps({"type": "user", "userOpenId": o["user_open_id"], "enabled": bool(o["enabled"])},
                                     sort_keys=True)) for o in user])
    assert len(audit) == len(flags) + len(role) + len(user)
    assert {a["actor_open_id"] for a in audit} <= admins
    assert {o["created_by"] for o in role + user} <= admins
    moments = [_moment(a["created_at"]) for a in audit]
    assert moments == sorted(moments)


def test_photographed_batches_have_their_images(seeded_latest):
    sessions = _rows(seeded_latest, "SELECT entity_id, end_date, end_time FROM calendar_events"
                                    " WHERE event_type = 'PHOTOGRAPHY' AND status = 'COMPLETED'")
    ended = {s["entity_id"]: dt.datetime.fromisoformat(f"{s['end_date']} {s['end_time']}") for s in sessions}
    batches = {b["id"]: b for b in _rows(seeded_latest, "SELECT id, productId, isPhotographyComplete FROM batches")}
    admins = {u["id"] for u in _rows(seeded_latest, "SELECT id FROM users WHERE role = 'admin'")}
    images = defaultdict(list)
    for image in _rows(seeded_latest, "SELECT * FROM product_images ORDER BY id"):
        images[image["batch_id"]].append(image)
    assert set(images) == {b for b in ended if _moment(ended[b]) <= _window_end(seeded_latest)} and images
    for batch_id, shots in images.items():
        assert 1 <= len(shots) <= 3
        primary = [i for i in shots if i["is_primary"]]
        assert len(primary) == 1 and primary[0]["status"] == "APPROVED" and primary[0]["sort_order"] == 0
        assert [i["sort_order"] for i in shots] == list(range(len(shots)))
        for image in shots:
            assert image["product_id"] == batches[batch_id]["productId"] and image["uploaded_by"] in admins
            assert ended[batch_id] < _moment(image["uploaded_at"]) <= _window_end(seeded_latest)
            assert image["status"] in ("APPROVED", "REJECTED", "ARCHIVED")
    if seeded_latest.scenario == "full":
        assert {i["status"] for shots in images.values() for i in shots} >= {"APPROVED", "REJECTED"}


def test_sample_custody_chains_end_where_the_sample_is(seeded_latest):
    requests = {r["id"]: r for r in _rows(seeded_latest, "SELECT * FROM sampleRequests")}
    chains = defaultdict(list)
    for move in _rows(seeded_latest, "SELECT * FROM sampleLocationHistory ORDER BY changedAt, id"):
        chains[move["sampleRequestId"]].append(move)
    assert chains
    for request_id, request in requests.items():
        where = sample_location(request)
        if request["location"] is not None:  # sampleRequests.location's provider (generators/added_sales.py)
            assert request["location"] == where
        moves = chains.get(request_id, [])
        if where == "WAREHOUSE":
            assert moves == []
            continue
        assert [m["toLocation"] for m in moves] == ["WITH_SALES_REP", "WITH_CLIENT"]
        assert [m["fromLocation"] for m in moves] == ["WAREHOUSE", "WITH_SALES_REP"]
        assert moves[0]["changedBy"] == request["fulfilledBy"] and moves[1]["changedBy"] == request["requestedBy"]
        assert _moment(request["fulfilledDate"]) == _moment(moves[0]["changedAt"])
        assert _moment(moves[0]["changedAt"]) < _moment(moves[1]["changedAt"]) <= _window_end(seeded_latest)


def test_notifications_are_bounded_and_follow_preferences(seeded_latest):
    end = _window_end(seeded_latest)
    rows = _rows(seeded_latest, "SELECT * FROM notifications ORDER BY id")
    if seeded_latest.scenario == "full":
        assert 3000 <= len(rows) <= 8000
    assert rows and all(end - dt.timedelta(days=60) < _moment(n["created_at"]) <= end for n in rows)
    prefs = {(p["recipient_type"], p["user_id"] or p["client_id"]): p
             for p in _rows(seeded_latest, "SELECT * FROM notification_preferences")}
    orders = {o["id"]: o["order_number"] for o in _rows(seeded_latest, "SELECT id, order_number FROM orders")}
    invoices = {i["id"]: i["invoiceNumber"] for i in _rows(seeded_latest, "SELECT id, invoiceNumber FROM invoices")}
    kinds = set()
    for n in rows:
        who = (n["recipient_type"], n["user_id"] if n["recipient_type"] == "user" else n["client_id"])
        pref = prefs[who]
        assert _moment(pref["created_at"]) <= _moment(n["created_at"])
        if n["channel"] == "email" and not pref["email_enabled"]:
            assert _moment(n["created_at"]) < _moment(pref["updated_at"])
        assert n["channel"] in ("in_app", "email") and _moment(n["updated_at"]) >= _moment(n["created_at"])
        assert bool(n["read"]) == (_moment(n["updated_at"]) > _moment(n["created_at"]))
        meta = _json(n["metadata"])
        if meta.get("entityType") == "order":
            assert orders[meta["entityId"]] == meta["orderNumber"]
        if meta.get("entityType") in ("invoice", "payment"):
            assert meta["entityId"] in invoices
        kinds.add(n["title"])
    assert {"New Order Created", "Order Received", "Invoice Created", "New Invoice", "Payment Received"} <= kinds
    assert len(prefs) == len({(n["recipient_type"], n["user_id"] or n["client_id"]) for n in rows})
    users = _rows(seeded_latest, "SELECT id FROM users")
    preferences = _rows(seeded_latest, "SELECT * FROM user_preferences")
    locations = {loc["id"] for loc in _rows(seeded_latest, "SELECT id FROM locations")}
    assert sorted(p["user_id"] for p in preferences) == sorted(u["id"] for u in users)
    assert all(p["default_warehouse_id"] in locations for p in preferences)


def test_system_tables_stay_empty_and_the_checks_of_the_version_pass(seeded_latest):
    for table in EMPTY_BY_DESIGN:
        assert _rows(seeded_latest, f"SELECT COUNT(*) AS n FROM {table}")[0]["n"] == 0
    with seeded_latest.connect() as conn:
        results = run(conn, checks_for(conn))
    names = {r.check.name for r in results}
    assert {"fk__product_images__batch_id", "ref__feature_flag_user_overrides__user_open_id",
            "ref__feature_flags__module", "json__notifications__metadata"} <= names
    failing = {r.check.name: r.sample for r in results if not r.passed and r.check.name != "empty_tables"}
    assert failing == {}
    empty = next(r for r in results if r.check.name == "empty_tables")
    statuses = dict(_all_rows(seeded_latest, empty))
    assert set(statuses.values()) == {"not seeded yet"}
    assert not set(statuses) & set(EMPTY_BY_DESIGN)
    assert all(coverage_status(t) == "empty by design" for t in EMPTY_BY_DESIGN)


def _all_rows(engine, result) -> list[tuple]:
    from checks.library import CheckRenderer

    sql = CheckRenderer("sqlite" if engine.dialect.name == "sqlite" else "mysql").render(result.check)
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def test_the_tables_come_with_their_version_offline():
    """Before 2026-02-15 nothing is written to them; 2026-02-15 writes the
    custody's ``sampleLocation``, 2026-05-14 ``fromLocation``/``toLocation``."""
    older = alembic_ok("-x", "scenario=light", "-x", "schema=2025-12-20", "upgrade", "head", "--sql")
    assert "INSERT INTO feature_flags" not in older and "INSERT INTO notifications" not in older
    first = alembic_ok("-x", "scenario=light", "-x", "schema=2026-02-15", "upgrade", "head", "--sql")
    for table in ("unit_types", "product_images", "organization_settings", "feature_flags", "notifications"):
        assert f"INSERT INTO {table} (" in first
    assert "INSERT INTO `sampleLocationHistory` (id, `sampleRequestId`, `sampleLocation`," in first
    for table in EMPTY_BY_DESIGN:
        assert f"INSERT INTO {table} " not in first


def test_the_coverage_table_names_the_tables_left_empty():
    import importlib.util

    from tests.support import ROOT

    spec = importlib.util.spec_from_file_location("coverage_table", ROOT / "tools" / "coverage_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.coverage_table()
    designed = text.split("Empty by design", 1)[1].split("\n")[0]
    waiting = text.split("Not seeded yet", 1)[1]
    assert all(f"`{t}`" in designed and f"`{t}`" not in waiting for t in EMPTY_BY_DESIGN)
    assert "`notifications`" not in waiting and "`achievements`" in waiting
