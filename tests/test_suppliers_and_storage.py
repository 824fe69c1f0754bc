"""Suppliers as clients, intake verification, harvest reminders (D1) and storage
(D13) of ../shared/terp/tables-after-2025-11-21.md hold together.

The invariants are queries against TERP's newest schema seeded (``seeded_latest``:
light on SQLite, full on MariaDB); which tables each TERP version gets, and in
which names, is read from the run's projection (no database)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from generators.storage import SITES, ZONE_TEMPLATES
from terpseed.chain import seed_steps
from terpseed.params import parse_seed_params
from terpseed.schema.versions import latest
from terpseed.schema_view import view
from terpseed.world import World
from tests.support import ROOT

T = latest().metadata.tables
D = Decimal
SUPPLIER_TABLES = ["supplier_profiles", "intake_receipts", "intake_receipt_items", "intake_discrepancies",
                   "vendor_harvest_reminders"]
STORAGE_TABLES = ["sites", "storage_zones", "batch_zone_assignments", "site_inventory_counts", "site_transfers"]
GRAMS_PER_LB = D("453.592")


def rows(engine, query) -> list:
    with engine.connect() as conn:
        return conn.execute(query).mappings().all()


def table(engine, name: str) -> list:
    return rows(engine, sa.select(T[name]).order_by(T[name].c.id))


def intake_quantities(engine) -> dict[int, D]:
    """batch id -> what its INTAKE movement took into stock."""
    m = T["inventoryMovements"]
    return {r["batchId"]: D(r["quantityChange"]) for r in
            rows(engine, sa.select(m.c.batchId, m.c.quantityChange).where(m.c.inventoryMovementType == "INTAKE"))}


def live_moments(engine) -> dict[int, dt.datetime]:
    """batch id -> when its workflow reached ready-for-sale (it went live)."""
    h, w = T["batch_status_history"], T["workflow_statuses"]
    query = sa.select(h.c.batchId, h.c.createdAt).join(w, w.c.id == h.c.toStatusId) \
        .where(w.c.slug == "ready-for-sale")
    return {r["batchId"]: r["createdAt"] for r in rows(engine, query)}


# ------------------------------------------------------------------ which versions have them
def _steps():
    return seed_steps(ScriptDirectory.from_config(Config(str(ROOT / "seed.ini"))))


@pytest.mark.parametrize("date, has", [
    ("2025-11-21", []),
    ("2025-12-20", ["supplier_profiles"]),
    ("2026-02-15", SUPPLIER_TABLES + STORAGE_TABLES),
    ("2026-05-14", SUPPLIER_TABLES + STORAGE_TABLES),
])
def test_each_version_writes_the_tables_it_has_in_its_names(date, has):
    """A step for a table the version lacks writes nothing; the tables of 2026-02-15
    are written in its names, which 2026-05-14 renames (reminder_status -> status...)."""
    world = World(parse_seed_params({"scenario": "light"}), _steps(), view=view(date))
    assert [t for t in SUPPLIER_TABLES + STORAGE_TABLES if world.view.has(t)] == has
    for name in has:
        assert world.physical(name), name
    if "vendor_harvest_reminders" in has:
        renamed = date >= "2026-05-14"
        for name, old, new in [("vendor_harvest_reminders", "reminder_status", "status"),
                               ("storage_zones", "zone_access_level", "access_level"),
                               ("site_transfers", "site_transfer_status", "status")]:
            physical = world.physical(name)[0]
            assert (new in physical, old in physical) == (renamed, not renamed), name
            values = {row[new if renamed else old] for row in world.physical(name)}
            assert values == {row[old] for row in world.rows(name)}


# ------------------------------------------------------------------ suppliers as clients
def test_one_supplier_profile_per_vendor_as_terp_migrates_it(seeded_latest):
    vendors = {v["id"]: v for v in table(seeded_latest, "vendors")}
    clients = {c["id"]: c for c in table(seeded_latest, "clients")}
    profiles = table(seeded_latest, "supplier_profiles")
    assert sorted(p["legacy_vendor_id"] for p in profiles) == sorted(vendors)
    for p in profiles:
        vendor, client = vendors[p["legacy_vendor_id"]], clients[p["client_id"]]
        assert client["name"].lower() == vendor["name"].lower() and client["is_seller"], p
        assert (p["contact_name"], p["contact_email"], p["contact_phone"], p["payment_terms"], p["supplier_notes"]) \
            == (vendor["contactName"], vendor["contactEmail"], vendor["contactPhone"], vendor["paymentTerms"],
                vendor["notes"])
        assert (p["preferred_payment_method"], p["tax_id"], p["license_number"]) == (None, None, None)
        assert p["created_at"] == client["created_at"]


# ------------------------------------------------------------------ intake verification
def _receipt_lots(engine) -> dict[int, dict]:
    """receipt id -> its lot (the receipt's notes name the lot's code)."""
    lots = {lot["code"]: lot for lot in table(engine, "lots")}
    out = {}
    for r in table(engine, "intake_receipts"):
        code = re.match(r"Delivery of (LOT-\d+): ", r["notes"]).group(1)
        out[r["id"]] = lots[code]
    return out


def test_one_receipt_per_lot_from_its_supplier_between_arrival_and_going_live(seeded_latest):
    receipts = table(seeded_latest, "intake_receipts")
    lot_of = _receipt_lots(seeded_latest)
    lots = table(seeded_latest, "lots")
    assert sorted(lot["id"] for lot in lot_of.values()) == sorted(lot["id"] for lot in lots)
    supplier = {p["legacy_vendor_id"]: p["client_id"] for p in table(seeded_latest, "supplier_profiles")}
    batch_of_lot = {b["lotId"]: b for b in table(seeded_latest, "batches")}
    live = live_moments(seeded_latest)
    numbers = defaultdict(list)
    for r in receipts:
        lot = lot_of[r["id"]]
        assert r["supplier_id"] == supplier[lot["vendorId"]]
        assert r["created_at"] == lot["date"]
        assert len(r["shareable_token"]) == 64 and int(r["shareable_token"], 16) >= 0  # createReceipt's token
        year, number = re.fullmatch(r"IR-(\d{4})-(\d{5})", r["receipt_number"]).groups()
        assert int(year) == r["created_at"].year
        numbers[year].append((r["created_at"], r["id"], int(number)))
        steps = [r["created_at"], r["farmer_verified_at"], r["stacker_verified_at"], r["finalized_at"]]
        reached = [s for s in steps if s is not None]
        assert steps[:len(reached)] == reached and reached == sorted(reached), r  # in order, none skipped
        went_live = live.get(batch_of_lot[lot["id"]]["id"])
        assert r["finalized_at"] is None or (went_live is not None and r["finalized_at"] <= went_live)
        assert r["farmer_verified_by"] is None  # the farmer verifies through the shared link
        assert (r["stacker_verified_by"] is None) == (r["stacker_verified_at"] is None)
        assert (r["finalized_by"] is None) == (r["finalized_at"] is None)
        assert r["updated_at"] >= max(reached)  # and a resolution's status change
    for year, made in numbers.items():  # IR-YYYY-NNNNN counts the year's receipts in order
        assert [n for _c, _i, n in sorted(made)] == list(range(1, len(made) + 1)), year


def test_receipt_items_and_discrepancies_agree_with_the_intake(seeded_latest):
    receipts = {r["id"]: r for r in table(seeded_latest, "intake_receipts")}
    lot_of = _receipt_lots(seeded_latest)
    batch_of_lot = {b["lotId"]: b for b in table(seeded_latest, "batches")}
    took = intake_quantities(seeded_latest)
    items = table(seeded_latest, "intake_receipt_items")
    found = defaultdict(list)
    for d in table(seeded_latest, "intake_discrepancies"):
        found[d["item_id"]].append(d)
    assert sorted(i["receipt_id"] for i in items) == sorted(receipts)  # one item each: a lot's one batch
    off = 0
    for item in items:
        receipt = receipts[item["receipt_id"]]
        batch = batch_of_lot[lot_of[receipt["id"]]["id"]]
        assert item["product_id"] == batch["productId"] and item["expected_price"] == D(batch["unitCogs"])
        counted = receipt["stacker_verified_at"] is not None
        assert (item["actual_quantity"] is not None) == counted
        if not counted:
            assert item["verification_status"] == "PENDING" and not found[item["id"]]
            continue
        assert item["actual_quantity"] == took[batch["id"]]  # what the batch took into stock
        if item["actual_quantity"] == item["expected_quantity"]:
            assert not found[item["id"]] and item["verification_status"] == "VERIFIED"
            continue
        off += 1
        [d] = found[item["id"]]  # TERP's verifyAsStacker records any difference
        assert d["receipt_id"] == receipt["id"]
        assert (d["expected_quantity"], d["actual_quantity"]) == (item["expected_quantity"], item["actual_quantity"])
        assert d["difference"] == d["actual_quantity"] - d["expected_quantity"] != 0
        assert d["created_at"] == receipt["stacker_verified_at"]
        if d["resolution"] is None:
            assert receipt["status"] == "DISPUTED" and item["verification_status"] == "DISCREPANCY"
        else:
            assert d["resolution"] in ("ACCEPTED", "ADJUSTED") and d["resolved_by"] is not None
            assert d["created_at"] <= d["resolved_at"] <= (receipt["finalized_at"] or d["resolved_at"])
            assert item["verification_status"] == "VERIFIED" and receipt["status"] != "DISPUTED"
    assert 0.04 <= off / len(items) <= 0.10  # 5-10% of items (light: 1 of 20)
    assert {r["status"] for r in receipts.values()} <= {"PENDING", "FARMER_VERIFIED", "STACKER_VERIFIED",
                                                        "FINALIZED", "DISPUTED"}


# ------------------------------------------------------------------ harvest reminders
def test_harvest_reminders_follow_the_growers_and_precede_their_lots(seeded_latest):
    reminders = table(seeded_latest, "vendor_harvest_reminders")
    vendors = {v["id"] for v in table(seeded_latest, "vendors")}
    took = intake_quantities(seeded_latest)
    batch_of_lot = {b["lotId"]: b["id"] for b in table(seeded_latest, "batches")}
    lots = defaultdict(list)
    for lot in table(seeded_latest, "lots"):
        lots[lot["vendorId"]].append(lot)
    end = dt.datetime(2025, 11, 21, 23, 59, 59)
    by_vendor = defaultdict(list)
    for r in reminders:
        assert r["vendor_id"] in vendors
        by_vendor[r["vendor_id"]].append(r["expected_harvest_date"])
        assert r["reminder_date"] == r["expected_harvest_date"] - dt.timedelta(days=7)  # TERP's default
        assert r["created_at"] <= end and r["created_at"].date() < r["reminder_date"]
        status = r["status"]
        assert (r["contacted_at"] is None) == (status == "PENDING") == (r["contacted_by"] is None)
        assert (r["completed_at"] is None) == (status != "COMPLETED") == (r["actual_quantity"] is None)
        if r["contacted_at"]:
            assert r["created_at"] < r["contacted_at"] <= end
        if status == "COMPLETED":  # closed before the lot it became arrived, with its weight
            code = re.fullmatch(r"Came in as (LOT-\d+): .*", r["completion_notes"]).group(1)
            [lot] = [lot for lot in lots[r["vendor_id"]] if lot["code"] == code]
            assert r["contacted_at"] <= r["completed_at"] < lot["date"]
            assert r["expected_harvest_date"] - dt.timedelta(days=3) <= lot["date"].date() \
                <= r["expected_harvest_date"] + dt.timedelta(days=35)
            assert r["actual_quantity"] == took[batch_of_lot[lot["id"]]]
    for vendor, dates in by_vendor.items():  # once a year in the fall, or every ten weeks or so
        dates.sort()
        fall = all(dt.date(d.year, 9, 15) <= d <= dt.date(d.year, 10, 22) for d in dates) \
            and len({d.year for d in dates}) == len(dates)
        gaps = [(b - a).days for a, b in zip(dates, dates[1:])]
        assert fall or all(61 <= g <= 79 for g in gaps), (vendor, dates)
    if seeded_latest.scenario == "full":
        assert 35 <= len(reminders) <= 65
        assert Counter(r["status"] for r in reminders)["COMPLETED"] >= len(reminders) / 2


# ------------------------------------------------------------------ storage
def test_sites_and_zones_are_terps_own(seeded_latest):
    sites = table(seeded_latest, "sites")
    assert [(s["code"], s["name"], s["site_type"], s["is_default"], s["display_order"], s["color"])
            for s in sites] == [(s["code"], s["name"], s["site_type"], s["is_default"], s["display_order"],
                                 s["color"]) for s in SITES]
    assert all(s["country"] == "USA" and s["is_active"] for s in sites)
    main = next(s for s in sites if s["code"] == "MAIN")
    hours = main["operating_hours"]
    hours = json.loads(hours) if isinstance(hours, str) else hours
    assert hours["saturday"] == {"open": "08:00", "close": "16:00"} and "sunday" not in hours
    code_of = {s["id"]: s["code"] for s in sites}
    zones = table(seeded_latest, "storage_zones")
    expected = [(site["code"], z[0], z[1], z[3], z[4], D(z[5])) for site in SITES
                for z in ZONE_TEMPLATES[site["site_type"]]]
    assert [(code_of[z["site_id"]], z["code"], z["name"], z["temperature_control"], z["access_level"],
             z["max_capacity"]) for z in zones] == expected
    assert len(zones) == 12


def test_zone_assignments_are_the_batch_locations(seeded_latest):
    zones = {z["id"]: z for z in table(seeded_latest, "storage_zones")}
    locations = table(seeded_latest, "batchLocations")
    assignments = table(seeded_latest, "batch_zone_assignments")
    assert len(assignments) == len(locations)
    status = {b["id"]: b["batchStatus"] for b in table(seeded_latest, "batches")}
    names = {"Zone A": "A", "Zone B": "B", "Zone C": "C", "Zone D - Secure": "D", "Quarantine": "QUARANTINE"}
    held = defaultdict(D)
    for loc, a in zip(locations, assignments):
        zone = zones[a["zone_id"]]
        assert (a["batch_id"], a["quantity"], a["rack"], a["shelf"], a["bin"]) == \
            (loc["batchId"], D(loc["qty"]), loc["rack"], loc["shelf"], loc["bin"])
        assert zone["code"] == names[loc["zone"]]
        assert (zone["code"] == "QUARANTINE") == (status[a["batch_id"]] == "QUARANTINED")
        assert a["assigned_at"] == loc["createdAt"]
        held[a["zone_id"]] += a["quantity"]
    for zone in zones.values():  # as assignBatchToZone keeps it
        assert abs(zone["current_capacity"] - held[zone["id"]]) < D("0.01"), zone["code"]


def _transfer_orders(engine) -> dict[int, dict]:
    """dock transfer id -> the order it was staged for (its notes name the order)."""
    orders = {o["order_number"]: o for o in table(engine, "orders")}
    return {t["id"]: orders[re.match(r"Staged for (ORD-\d+): ", t["notes"]).group(1)]
            for t in table(engine, "site_transfers") if t["notes"].startswith("Staged for ")}


def test_site_transfers_reach_the_dock_before_the_van_and_the_vault_before_the_sample(seeded_latest):
    code = {s["id"]: s["code"] for s in table(seeded_latest, "sites")}
    transfers = table(seeded_latest, "site_transfers")
    staged = _transfer_orders(seeded_latest)
    lines = defaultdict(set)
    li = T["order_line_items"]
    for r in rows(seeded_latest, sa.select(li.c.order_id, li.c.batch_id)):
        lines[r["order_id"]].add(r["batch_id"])
    allocated = defaultdict(list)
    log = T["sample_inventory_log"]
    for r in rows(seeded_latest, sa.select(log.c.batch_id, log.c.created_at).where(log.c.action == "ALLOCATED")):
        allocated[r["batch_id"]].append(r["created_at"])
    vault = defaultdict(list)
    assert len({t["transfer_number"] for t in transfers}) == len(transfers)
    for t in transfers:
        stamp, _random = re.fullmatch(r"TR-([0-9A-Z]+)-([0-9A-Z]{4})", t["transfer_number"]).groups()
        assert dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=int(stamp, 36)) == t["requested_at"]
        route = (code[t["from_site_id"]], code[t["to_site_id"]])
        status = t["status"]
        assert (t["shipped_at"] is not None) == (status in ("in_transit", "received")) \
            == (t["shipped_by_id"] is not None)
        assert (t["received_at"] is not None) == (status == "received") == (t["received_by_id"] is not None)
        moments = [m for m in (t["requested_at"], t["shipped_at"], t["received_at"]) if m]
        assert moments == sorted(moments) and t["updated_at"] == moments[-1]
        if route == ("MAIN", "SHIP"):
            order = staged[t["id"]]
            assert t["batch_id"] in lines[order["id"]]
            assert order["packed_at"] <= t["requested_at"] and t["received_at"] < order["shipped_at"]
        else:
            assert route == ("MAIN", "SAMPLES"), route
            vault[t["batch_id"]].append(t)
    for batch, moments in allocated.items():  # every sample allocated from stock already in the vault
        assert any(t["received_at"] and t["received_at"] <= min(moments) for t in vault[batch]), batch
    ev = T["calendar_events"]
    vans = {r["entity_id"] for r in rows(seeded_latest, sa.select(ev.c.entity_id).where(
        ev.c.event_type == "DELIVERY", ev.c.entity_type == "order"))}
    moved = defaultdict(set)
    for transfer, order in staged.items():
        moved[order["id"]].add(next(t["batch_id"] for t in transfers if t["id"] == transfer))
    assert set(moved) == vans  # the orders the van delivered, every line of each
    assert all(moved[order] == lines[order] for order in vans)


def test_site_counts_hold_what_each_site_has(seeded_latest):
    code = {s["id"]: s["code"] for s in table(seeded_latest, "sites")}
    counts = table(seeded_latest, "site_inventory_counts")
    assert len({(c["site_id"], c["batch_id"]) for c in counts}) == len(counts)
    zoned = defaultdict(D)
    for a in table(seeded_latest, "batch_zone_assignments"):
        zoned[a["batch_id"]] += a["quantity"]
    transfers = table(seeded_latest, "site_transfers")
    pending, came = defaultdict(D), defaultdict(D)
    for t in transfers:
        if t["status"] == "pending":
            pending[(code[t["from_site_id"]], t["batch_id"])] += t["quantity"]
        if t["status"] == "received":
            came[(code[t["to_site_id"]], t["batch_id"])] += t["quantity"]
    consumed = defaultdict(D)
    log = T["sample_inventory_log"]
    for r in rows(seeded_latest, sa.select(log.c.batch_id, log.c.quantity).where(log.c.action == "CONSUMED")):
        consumed[r["batch_id"]] += D(r["quantity"])
    sites = Counter()
    for c in counts:
        site = code[c["site_id"]]
        sites[site] += 1
        assert c["reserved_quantity"] == pending[(site, c["batch_id"])]  # as createTransfer reserves
        assert c["created_at"] <= c["last_count_at"] <= c["updated_at"]
        if site == "MAIN":
            assert c["quantity"] == zoned[c["batch_id"]]
        elif site == "SHIP":
            assert c["quantity"] == 0 and came[(site, c["batch_id"])] > 0  # every van has left
        else:
            assert c["quantity"] == came[(site, c["batch_id"])] - consumed[c["batch_id"]] >= 0
    assert sites["MAIN"] == len(zoned)
    assert set(sites) <= {"MAIN", "SHIP", "SAMPLES"}
