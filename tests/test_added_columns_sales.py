"""The columns later TERP versions add to the sales and client tables
(generators/added_sales.py) and TERP's calendars (generators/calendars.py):
on every version, the projection fills each added column or leaves it NULL
on purpose, never NULL where TERP's own rows get a default; on TERP's newest
schema, seeded (``seeded_latest``: light on SQLite, full on MariaDB), every
value agrees with the rows it comes from; the two checks on those columns
run only where a database has them, and fail on what they guard."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
import sqlalchemy as sa

from checks.library import library_checks
from checks.runner import run
from generators.calendars import ACCOUNTING_EVENTS, CALENDARS
from generators.trade import TERM_DAYS
from terpseed.schema.versions import VERSIONS, latest
from terpseed.schema_view import view
from tests.support import alembic_ok, build_schema, db_engine, execute, world

DATES = [v.date for v in VERSIONS]
TABLES = ("orders", "order_line_items", "clients", "returns", "sampleRequests", "client_needs", "vendor_supply",
          "vip_portal_configurations", "calendar_events", "sales_sheet_history")
# added columns left NULL on purpose: soft deletes, credit overrides and live-shopping
# conversions the seeds do not model, needs and offers no client entered in the portal,
# the sample return chain (its statuses are not the older versions' values)
NULL_ON_PURPOSE = {
    "orders": {"deleted_at", "credit_override_by", "credit_override_reason", "credit_override_request_id"},
    "clients": {"deleted_at"},
    "client_needs": {"created_by_client_id", "deleted_at"},
    "vendor_supply": {"created_by_client_id", "deleted_at"},
    "sales_sheet_history": {"converted_to_session_id", "deleted_at"},
    "sampleRequests": {"returnRequestedDate", "returnRequestedBy", "returnReason", "returnCondition",
                       "returnApprovedDate", "returnApprovedBy", "returnDate", "vendorReturnTrackingNumber",
                       "vendorShippedDate", "vendorConfirmedDate"},
}


# ------------------------------------------------------------------ every version, by projection
@pytest.fixture(scope="module")
def worlds():
    """The light world projected into each version (the same generated rows)."""
    base = world(scenario="light")
    found = {}
    for date in DATES:
        w = type(base)(base.params, [(r, s) for r, s in _steps()], view=view(date))
        w._rows = base._rows
        found[date] = w
    return found


def _steps():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from terpseed.chain import seed_steps
    from tests.support import ROOT

    return seed_steps(ScriptDirectory.from_config(Config(str(ROOT / "seed.ini"))))


def _updated(w, table: str) -> dict[str, dict[int, object]]:
    """{column: {id: value}} of the added columns an Update of a later revision fills."""
    found: dict[str, dict[int, object]] = {}
    for key, (_rev, update) in w.updates.items():
        if update.table == table:
            for row in w.update_rows(key):
                for column in update.filled:
                    found.setdefault(column, {})[row["id"]] = row[column]
    return {c: v for c, v in found.items() if c in w.view.added_columns(table)}


@pytest.mark.parametrize("date", DATES)
def test_every_added_column_is_provided_or_null_on_purpose(worlds, date):
    from generators.added_columns import PROVIDERS

    w = worlds[date]
    for table in TABLES:
        added = set(w.view.added_columns(table))
        unprovided = {c for c in added if f"{table}.{c}" not in PROVIDERS} - set(_updated(w, table))
        defaulted = {c for c in unprovided if w.view.table(table).c[c].server_default is not None
                     and not w.view.table(table).c[c].nullable}
        # a NOT NULL column with a default gets it (version, show_adjustment...): right for these
        assert unprovided - defaulted - {"version"} <= NULL_ON_PURPOSE.get(table, set()), (table, date)
        rows = w.physical(table)
        for column in NULL_ON_PURPOSE.get(table, set()) & added:
            assert {r[column] for r in rows} == {None}, (table, column)


@pytest.mark.parametrize("date", DATES)
def test_no_added_column_is_null_where_terp_gives_its_rows_a_default(worlds, date):
    """A nullable column with a DDL default holds that default on every row TERP
    writes itself: the seeds' rows must not be NULL there either."""
    w = worlds[date]
    for table in TABLES:
        model = w.view.table(table)
        wanted = [c for c in w.view.added_columns(table)
                  if model.c[c].nullable and model.c[c].server_default is not None]
        rows, updated = w.physical(table), _updated(w, table)
        for column in wanted:
            values = [updated[column].get(r["id"], r[column]) if column in updated else r[column] for r in rows]
            assert all(v is not None for v in values), (date, table, column)


def test_calendars_are_written_from_2026_02_15(worlds):
    for date, w in worlds.items():
        assert w.view.has("calendars") == (date >= "2026-02-15")
        assert ("calendar_id" in w.view.added_columns("calendar_events")) == (date >= "2026-02-15")
    names = [r["name"] for r in worlds[DATES[-1]].physical("calendars")]
    assert names == ["Office", "Accounting"]


def test_the_sample_location_is_the_same_under_both_names(worlds):
    """2026-02-15 calls it sampleLocation, 2026-05-14 location."""
    before = {r["id"]: r["sampleLocation"] for r in worlds["2026-02-15"].physical("sampleRequests")}
    after = {r["id"]: r["location"] for r in worlds["2026-05-14"].physical("sampleRequests")}
    assert before == after and set(before.values()) <= {"WAREHOUSE", "WITH_CLIENT"}


def test_the_office_calendar_is_the_one_the_schema_chain_creates():
    from terpseed.schema.changes_2026_02_15 import OFFICE_CALENDAR

    name, description, color, default = CALENDARS[0]
    assert OFFICE_CALENDAR == {"name": name, "description": description, "color": color,
                               "type": "workspace", "is_default": int(default)}


# ------------------------------------------------------------------ the newest version, seeded
def _read(engine: sa.Engine, table: str) -> list[dict]:
    model = latest().metadata.tables[table]
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(model).order_by(model.c.id))]


def _by_id(rows: list[dict]) -> dict[int, dict]:
    return {r["id"]: r for r in rows}


def test_pick_pack_follows_fulfilment(seeded_latest):
    history = Counter(h["order_id"] for h in _read(seeded_latest, "order_status_history"))
    for o in _read(seeded_latest, "orders"):
        packed = o["orderType"] == "SALE" and o["fulfillmentStatus"] in ("PACKED", "SHIPPED", "DELIVERED")
        assert o["pickPackStatus"] == ("READY" if packed else "PENDING"), o["id"]
        assert (o["pickPackStatus"] == "READY") == (o["packed_at"] is not None)
        assert o["version"] == history[o["id"]] >= 1  # one per fulfilment change
        assert o["shipping"] == 0 and o["show_adjustment_on_document"] and not o["credit_override_approved"]
        assert o["credit_override_by"] is o["credit_override_request_id"] is o["credit_override_reason"] is None


def test_referrals_reach_back_and_count_the_first_sales(seeded_latest):
    clients = _by_id(_read(seeded_latest, "clients"))
    buyers = [c for c in clients.values() if c["is_buyer"]]
    referred = {c["id"]: c["referred_by_client_id"] for c in buyers if c["referred_by_client_id"]}
    assert 0.10 <= len(referred) / len(buyers) <= 0.15
    for client, referrer in referred.items():
        assert clients[referrer]["is_buyer"] and clients[referrer]["created_at"] < clients[client]["created_at"]
    assert all(c["referred_by_client_id"] is None for c in clients.values() if not c["is_buyer"])
    sales = defaultdict(list)
    for o in sorted(_read(seeded_latest, "orders"), key=lambda o: (o["created_at"], o["id"])):
        assert bool(o["is_referral_order"]) == (o["referred_by_client_id"] is not None)
        if o["orderType"] == "SALE" and o["saleStatus"] != "CANCELLED":
            sales[o["client_id"]].append(o)
        elif o["is_referral_order"]:
            pytest.fail(f"order {o['id']} is a referral order but no sale that went through")
    for client, orders in sales.items():
        marked = [o["id"] for o in orders if o["is_referral_order"]]
        assert marked == ([o["id"] for o in orders[:3]] if client in referred else []), client
        assert {o["referred_by_client_id"] for o in orders[:3] if client in referred} <= {referred.get(client)}


def test_sheets_and_the_orders_made_from_them_name_each_other(seeded_latest):
    sheets = _by_id(_read(seeded_latest, "sales_sheet_history"))
    orders = _by_id(_read(seeded_latest, "orders"))
    batches = defaultdict(set)
    for line in _read(seeded_latest, "order_line_items"):
        batches[line["order_id"]].add(line["batch_id"])
    made = {o["converted_from_sales_sheet_id"]: o for o in orders.values() if o["converted_from_sales_sheet_id"]}
    assert made and {s["id"]: s["converted_to_order_id"] for s in sheets.values() if s["converted_to_order_id"]} \
        == {sheet: o["id"] for sheet, o in made.items()}
    for sheet_id, order in made.items():
        sheet = sheets[sheet_id]
        assert sheet["client_id"] == order["client_id"] and order["converted_from_order_id"] is None
        assert order["created_at"] - dt.timedelta(days=7) <= sheet["created_at"] < order["created_at"]
        assert batches[order["id"]] <= {item["itemId"] for item in sheet["items"]}


def test_shared_sheets_have_a_link_that_was_opened_while_it_lasted(seeded_latest):
    orders = _by_id(_read(seeded_latest, "orders"))
    end = dt.datetime.combine(latest_window_end(seeded_latest), dt.time(23, 59, 59))
    tokens = []
    for s in _read(seeded_latest, "sales_sheet_history"):
        if s["share_token"] is None:
            assert s["share_expires_at"] is s["last_viewed_at"] is None and s["view_count"] == 0
            assert s["converted_to_order_id"] is None  # a sheet an order came from was shared
            continue
        tokens.append(s["share_token"])
        assert re.fullmatch(r"[0-9a-f]{64}", s["share_token"])
        shared = s["share_expires_at"] - dt.timedelta(days=7)
        assert s["created_at"] <= shared <= s["created_at"] + dt.timedelta(minutes=20)
        assert (s["view_count"] > 0) == (s["last_viewed_at"] is not None)
        if s["last_viewed_at"]:
            assert shared <= s["last_viewed_at"] <= min(s["share_expires_at"], end)
            if s["converted_to_order_id"]:
                assert s["last_viewed_at"] < orders[s["converted_to_order_id"]]["created_at"]
    assert len(tokens) == len(set(tokens)) > 0


def latest_window_end(engine: sa.Engine) -> dt.date:
    from terpseed.params import parse_seed_params

    return parse_seed_params({"scenario": engine.scenario}).scenario.window_end


def test_line_cogs_basis_follows_the_batch(seeded_latest):
    batches = _by_id(_read(seeded_latest, "batches"))
    seen = Counter()
    for line in _read(seeded_latest, "order_line_items"):
        b = batches[line["batch_id"]]
        cogs = line["cogs_per_unit"]
        if b["cogsMode"] == "FIXED":
            assert line["effective_cogs_basis"] == "MANUAL"
            assert line["original_range_min"] is line["original_range_max"] is None
        else:
            low, high = b["unitCogsMin"], b["unitCogsMax"]
            assert (line["original_range_min"], line["original_range_max"]) == (low, high)
            basis = line["effective_cogs_basis"]
            assert (basis == "LOW") == (cogs == low) and (basis == "HIGH") == (cogs == high)
            if basis == "MID":
                assert abs(cogs - (low + high) / 2) <= Decimal("0.005")
        assert bool(line["is_below_vendor_range"]) == (b["cogsMode"] == "RANGE" and cogs < b["unitCogsMin"])
        assert (line["below_range_reason"] is None) == (not line["is_below_vendor_range"])
        seen[line["effective_cogs_basis"]] += 1
    assert seen["MANUAL"] and seen["MID"]


def test_client_credit_terms_and_kinds(seeded_latest):
    limits = {r["client_id"]: r for r in _read(seeded_latest, "client_credit_limits")}
    terms = defaultdict(Counter)
    for o in _read(seeded_latest, "orders"):
        if o["orderType"] == "SALE":
            terms[o["client_id"]][o["paymentTerms"]] += 1
    kinds = Counter()
    for c in _read(seeded_latest, "clients"):
        limit = limits.get(c["id"])
        assert c["creditLimitSource"] == "CALCULATED" and c["credit_limit_override_reason"] is None
        assert c["credit_limit"] == (limit["credit_limit"] if limit else 0)
        assert c["credit_limit_updated_at"] == (limit["last_calculated"] if limit else None)
        if terms[c["id"]]:
            top = max(terms[c["id"]].values())
            assert c["payment_terms"] in {TERM_DAYS[t] for t, n in terms[c["id"]].items() if n == top}
        if c["is_buyer"]:
            kinds[c["businessType"]] += 1
        else:
            assert c["businessType"] == ("MANUFACTURER" if c["is_brand"] else "WHOLESALE")
        if c["preferredContact"] in ("PHONE", "TEXT"):
            assert c["phone"]
        if c["preferredContact"] == "EMAIL":
            assert c["email"]
        assert c["version"] == 1
    assert set(kinds) <= {"DISPENSARY", "RETAIL", "DELIVERY", "DISTRIBUTOR"}
    assert kinds.most_common(1)[0][0] == "DISPENSARY"


def test_the_wishlist_is_the_clients_open_needs(seeded_latest):
    open_ = defaultdict(list)
    for need in _read(seeded_latest, "client_needs"):
        assert need["created_by_client_id"] is None and need["created_by"] is not None
        if need["status"] == "ACTIVE":
            open_[need["client_id"]].append(need)
    for c in _read(seeded_latest, "clients"):
        needs = open_.get(c["id"])
        assert (c["wishlist"] is None) == (not needs), c["id"]
        if needs:
            assert c["wishlist"].startswith("Looking for ")
            assert any((n["strain"] or "any ") in c["wishlist"] for n in needs)


def test_returns_and_samples(seeded_latest):
    for r in _read(seeded_latest, "returns"):
        assert r["processed_at"] is not None and r["status"] == "PROCESSED"
    for s in _read(seeded_latest, "sampleRequests"):
        assert 5 <= (s["dueDate"] - s["requestDate"].date()).days <= 11 and s["dueDate"].weekday() < 5
        if s["sampleRequestStatus"] == "FULFILLED":
            assert s["location"] == "WITH_CLIENT"
            assert s["expirationDate"] == dt.datetime.combine(s["fulfilledDate"].date() + dt.timedelta(days=30),
                                                              dt.time(23, 59, 59))
        else:
            assert s["location"] == "WAREHOUSE" and s["expirationDate"] is None
        assert s["returnRequestedDate"] is s["returnDate"] is s["vendorShippedDate"] is None


def test_events_are_on_terps_calendars(seeded_latest):
    calendars = _read(seeded_latest, "calendars")
    assert [(c["name"], c["description"], c["color"], c["type"], bool(c["is_default"])) for c in calendars] == \
        [(name, description, color, "workspace", default) for name, description, color, default in CALENDARS]
    ids = {c["name"]: c["id"] for c in calendars}
    edits = Counter(h["event_id"] for h in _read(seeded_latest, "calendar_event_history")
                    if h["change_type"] not in ("CREATED", "DELETED"))
    for ev in _read(seeded_latest, "calendar_events"):
        expected = "Accounting" if ev["event_type"] in ACCOUNTING_EVENTS else "Office"
        assert ev["calendar_id"] == ids[expected], ev["id"]
        assert ev["version"] == 1 + edits[ev["id"]]
        assert all(c["created_at"] < ev["created_at"] for c in calendars)


def test_live_shopping_is_on_for_the_whales_in_the_portal(seeded_latest):
    clients = _by_id(_read(seeded_latest, "clients"))
    configs = _read(seeded_latest, "vip_portal_configurations")
    for row in configs:
        c = clients[row["client_id"]]
        whale_in_portal = c["teri_code"].startswith("WHL") and c["vip_portal_last_login"] is not None
        assert bool(row["module_live_shopping_enabled"]) == whale_in_portal
    assert any(r["module_live_shopping_enabled"] for r in configs)


# ------------------------------------------------------------------ the checks on these columns
VERSION_CHECKS = {"sales_sheet_conversions", "client_credit_limit_synced"}


def test_the_checks_on_later_columns_run_only_where_the_columns_are(tmp_path):
    url = f"sqlite:///{tmp_path / 'base.sqlite'}"
    build_schema(url, "chain")  # the seeds' own version: no such columns
    engine = db_engine(url)
    with engine.connect() as conn:
        names = {r.check.name for r in run(conn)}
    engine.dispose()
    assert names and not VERSION_CHECKS & names
    assert VERSION_CHECKS <= {c.name for c in library_checks(view(latest().date))}


@pytest.fixture(scope="module")
def latest_light(tmp_path_factory):
    path = tmp_path_factory.mktemp("latest") / "light.sqlite"
    url = f"sqlite:///{path}"
    build_schema(url, "chain", latest().date)
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    return path


BREAKAGES = {
    "sheet that forgot its order": (
        "UPDATE sales_sheet_history SET converted_to_order_id = NULL "
        "WHERE id = (SELECT MIN(converted_from_sales_sheet_id) FROM orders)", "sales_sheet_conversions"),
    "order made from another client's sheet": (
        "UPDATE orders SET client_id = (SELECT MIN(id) FROM clients WHERE id <> orders.client_id) "
        "WHERE id = (SELECT MIN(id) FROM orders WHERE converted_from_sales_sheet_id IS NOT NULL)",
        "sales_sheet_conversions"),
    "credit limit not synced": (
        "UPDATE clients SET credit_limit = credit_limit + 1000 "
        "WHERE id = (SELECT MIN(client_id) FROM client_credit_limits)", "client_credit_limit_synced"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_broken_link_fails_exactly_its_check(latest_light, tmp_path, breakage):
    def failing(url):
        engine = db_engine(url)
        with engine.connect() as conn:
            found = {r.check.name for r in run(conn) if not r.passed} - {"empty_tables"}
        engine.dispose()
        return found

    path = tmp_path / "broken.sqlite"
    shutil.copy(latest_light, path)
    url = f"sqlite:///{path}"
    assert failing(url) == set()
    statement, check = BREAKAGES[breakage]
    execute(url, statement)
    assert failing(url) == {check}
