"""The columns later TERP versions add to the stock and supply tables
(generators/added_stock.py): on every version that has them, as the run's
projection writes them (no database), and in the newest schema seeded
(``seeded_latest``: light on SQLite, full on MariaDB)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from generators.added_columns import PROVIDERS
from generators.added_stock import adjustment_reason
from terpseed.chain import seed_steps
from terpseed.params import parse_seed_params
from terpseed.schema.versions import VERSIONS, latest
from terpseed.schema_view import view
from terpseed.world import World
from tests.support import ROOT

DATES = [v.date for v in VERSIONS]
NEWEST = latest().date
STOCK_TABLES = ("batches", "lots", "purchaseOrders", "purchaseOrderItems", "products", "vendorNotes",
                "inventoryMovements", "tags")
# columns that keep their NULL or DDL default (§3: deleted_at stays NULL, version 1)
LEFT_TO_DEFAULT = {"deleted_at", "deletedAt", "version"}
# drizzle/0052's default tags: name -> (standardizedName, category, color, description)
DEFAULT_TAGS = {
    "VIP": ("vip", "STATUS", "#9333EA", "VIP client status"),
    "High Priority": ("high-priority", "PRIORITY", "#DC2626", "High priority client or product"),
    "Medium Priority": ("medium-priority", "PRIORITY", "#F59E0B", "Medium priority"),
    "Low Priority": ("low-priority", "PRIORITY", "#10B981", "Low priority"),
    "Active": ("active", "STATUS", "#22C55E", "Currently active"),
    "Inactive": ("inactive", "STATUS", "#6B7280", "Currently inactive"),
    "New": ("new", "STATUS", "#3B82F6", "New client or product"),
    "Wholesale": ("wholesale", "TYPE", "#8B5CF6", "Wholesale client type"),
    "Retail": ("retail", "TYPE", "#06B6D4", "Retail client type"),
    "Premium": ("premium", "TYPE", "#F59E0B", "Premium tier"),
}
# every text the seeds write on an ADJUSTMENT movement, and the reason it means:
# a new text fails here until someone says what it means
ADJUSTMENT_TEXTS = {"Cycle count variance": "COUNT_DISCREPANCY"}
OFFICE_TERMS = {"COD", "NET_7", "NET_15", "NET_30", "PARTIAL"}

_WORLDS: dict[tuple[str, str], World] = {}


def _world(scenario: str, date: str) -> World:
    """The seed world of a scenario writing TERP's version of ``date`` (kept for the module)."""
    if (scenario, date) not in _WORLDS:
        steps = seed_steps(ScriptDirectory.from_config(Config(str(ROOT / "seed.ini"))))
        _WORLDS[scenario, date] = World(parse_seed_params({"scenario": scenario}), steps, view=view(date))
    return _WORLDS[scenario, date]


def _has(date: str, table: str, column: str) -> bool:
    return column in view(date).table(table).c


def _suppliers(world: World) -> dict[int, int]:
    """{vendor id: its supplier client}, found apart from the generators: the one
    seller client under the vendor's name."""
    sellers = {}
    for client in world.rows("clients"):
        if client["is_seller"]:
            assert client["name"].lower() not in sellers, "two seller clients of one name"
            sellers[client["name"].lower()] = client["id"]
    return {v["id"]: sellers[v["name"].lower()] for v in world.rows("vendors")}


# ------------------------------------------------------------------ projections, every version
@pytest.mark.parametrize("date", DATES[1:])
def test_every_column_a_version_adds_to_stock_tables_has_a_provider(date):
    for table in STOCK_TABLES:
        added = set(view(date).added_columns(table)) - LEFT_TO_DEFAULT
        assert {c for c in added if f"{table}.{c}" not in PROVIDERS} == set(), table


@pytest.mark.parametrize("date", DATES)
def test_batches_ownership_and_photography(date):
    world = _world("full", date)
    generated = {b["id"]: b for b in world.rows("batches")}
    rows = world.physical("batches")
    assert all(row["version"] == 1 for row in rows) if _has(date, "batches", "version") else True
    if _has(date, "batches", "ownership_type"):
        for row in rows:
            terms, owned = generated[row["id"]]["paymentTerms"], row["ownership_type"]
            assert (owned, terms in OFFICE_TERMS) in (("CONSIGNED", False), ("OFFICE_OWNED", True)), row["id"]
        assert set(Counter(row["ownership_type"] for row in rows)) == {"CONSIGNED", "OFFICE_OWNED"}
    else:
        assert "ownership_type" not in rows[0]
    if not _has(date, "batches", "isPhotographyComplete"):
        assert "isPhotographyComplete" not in rows[0]
        return
    sessions = Counter()
    for event in world.rows("calendar_events"):
        if event["event_type"] == "PHOTOGRAPHY" and event["entity_type"] == "batch":
            sessions[event["entity_id"], event["status"]] += 1
    flagged = {row["id"] for row in rows if row["isPhotographyComplete"]}
    shot = {b for b, status in sessions if status == "COMPLETED"}
    formerly = {i for i, b in generated.items() if b["batchStatus"] == "PHOTOGRAPHY_COMPLETE"}
    booked = {b for b, status in sessions if status == "SCHEDULED"}
    assert formerly and booked - shot and shot - formerly  # each case is met
    assert flagged == shot | formerly
    assert not flagged & (booked - shot)  # a session still to come is no photo
    for row in rows:
        assert row["batchStatus"] != "PHOTOGRAPHY_COMPLETE"
        if row["id"] in formerly:
            assert row["batchStatus"] == "LIVE"
        if row["batchStatus"] == "AWAITING_INTAKE":
            assert not row["isPhotographyComplete"]
        assert row["isPhotographyComplete"] in (True, False)


@pytest.mark.parametrize("date", DATES)
def test_supplier_links_name_the_vendors_supplier_client(date):
    world = _world("full", date)
    supplier = _suppliers(world)
    vendor_of_po = {po["id"]: po["vendorId"] for po in world.rows("purchaseOrders")}
    brand_vendor = {b["id"]: b["vendorId"] for b in world.rows("brands")}
    through = {
        ("lots", "supplier_client_id"): lambda row: row["vendorId"],
        ("purchaseOrders", "supplier_client_id"): lambda row: row["vendorId"],
        ("vendorNotes", "client_id"): lambda row: row["vendorId"],
        ("purchaseOrderItems", "supplier_client_id"): lambda row: vendor_of_po[row["purchaseOrderId"]],
        ("products", "supplier_client_id"): lambda row: brand_vendor[row["brandId"]],
    }
    for (table, column), vendor in through.items():
        rows = world.physical(table)
        if not _has(date, table, column):
            assert column not in rows[0]
            continue
        assert rows
        for row in rows:
            expected = supplier.get(vendor(row)) if vendor(row) is not None else None
            assert row[column] == expected, (table, row["id"])
        if table == "products":  # the house brand's products have no supplier
            assert Counter(row[column] is None for row in rows) == Counter(
                brand_vendor[row["brandId"]] is None for row in rows)
        else:
            assert all(row[column] is not None for row in rows), table


@pytest.mark.parametrize("date", DATES)
def test_purchase_order_items_take_the_cogs_of_their_batch(date):
    world = _world("full", date)
    rows = world.physical("purchaseOrderItems")
    if not _has(date, "purchaseOrderItems", "cogsMode"):
        assert "cogsMode" not in rows[0] and "unitCostMin" not in rows[0]
        return
    orders = {po["id"]: po for po in world.rows("purchaseOrders")}
    batch_of_session = {link["intake_session_id"]: link["batch_id"]
                        for link in world.rows("intake_session_batches")}
    batches = {b["id"]: b for b in world.rows("batches")}
    modes = Counter()
    for row in rows:
        order = orders[row["purchaseOrderId"]]
        batch = batches.get(batch_of_session.get(order["intakeSessionId"]))
        modes[row["cogsMode"]] += 1
        if batch is None:
            assert order["purchaseOrderStatus"] != "RECEIVED"
            assert (row["cogsMode"], row["unitCostMin"], row["unitCostMax"]) == ("FIXED", None, None)
            continue
        assert batch["productId"] == row["productId"] and row["cogsMode"] == batch["cogsMode"]
        if row["cogsMode"] == "FIXED":
            assert row["unitCostMin"] is None and row["unitCostMax"] is None
        else:
            assert row["unitCostMin"] == Decimal(batch["unitCogsMin"])
            assert row["unitCostMax"] == Decimal(batch["unitCogsMax"])
            assert row["unitCostMin"] <= row["unitCost"] <= row["unitCostMax"]
    assert modes["RANGE"] and modes["FIXED"]


@pytest.mark.parametrize("scenario", ["light", "full", "edgeCases", "chaos"])
def test_adjustment_reasons_only_on_adjustments_and_as_their_text_says(scenario):
    world = _world(scenario, NEWEST)
    rows = world.physical("inventoryMovements")
    adjustments = [row for row in rows if row["inventoryMovementType"] == "ADJUSTMENT"]
    assert adjustments
    for row in rows:
        if row["inventoryMovementType"] != "ADJUSTMENT":
            assert row["adjustmentReason"] is None
        else:
            assert row["notes"] in ADJUSTMENT_TEXTS, f"say what {row['notes']!r} means in ADJUSTMENT_TEXTS"
            assert row["adjustmentReason"] == ADJUSTMENT_TEXTS[row["notes"]]


@pytest.mark.parametrize("date", DATES)
def test_adjustment_reason_column_follows_the_version(date):
    rows = _world("light", date).physical("inventoryMovements")
    assert ("adjustmentReason" in rows[0]) == _has(date, "inventoryMovements", "adjustmentReason")


def test_adjustment_reason_reads_the_words_of_the_text():
    assert adjustment_reason("Cycle count variance") == "COUNT_DISCREPANCY"
    assert adjustment_reason("Reweighed after drying: moisture loss") == "REWEIGH"
    assert adjustment_reason("Bags crushed in the van") == "DAMAGED"
    assert adjustment_reason("Expired edibles pulled") == "EXPIRED"
    assert adjustment_reason("Mold found on retest") == "QUALITY_ISSUE"
    assert adjustment_reason("Missing from the vault") == "LOST"
    assert adjustment_reason("Stolen from the dock") == "THEFT"
    assert adjustment_reason("Manager's correction") == "OTHER"
    assert adjustment_reason(None) == "OTHER"


@pytest.mark.parametrize("date", DATES)
def test_default_tags_and_colours(date):
    world = _world("light", date)
    rows = world.physical("tags")
    base = _world("light", DATES[0]).physical("tags")
    # the seeds' own tags first, under the same ids in every version
    assert [(row["id"], row["name"]) for row in rows[:len(base)]] == [(row["id"], row["name"]) for row in base]
    names = Counter(row["name"].lower() for row in rows)
    assert max(names.values()) == 1
    if not _has(date, "tags", "color"):
        assert {n.lower() for n in DEFAULT_TAGS if n != "Premium"}.isdisjoint(names)
        return
    by_name = {row["name"]: row for row in rows}
    for name, (standardized, category, color, description) in DEFAULT_TAGS.items():
        row = by_name[name]
        assert (row["standardizedName"], row["category"], row["color"], row["description"]) == \
            (standardized, category, color, description), name
    assert len(rows) == len(base) + len(DEFAULT_TAGS) - 1  # the seeds' Premium is 0052's
    own = [row for row in rows if row["name"] not in DEFAULT_TAGS]
    colours = {}
    for row in own:
        assert colours.setdefault(row["category"], row["color"]) == row["color"], row["name"]
    assert len(set(colours.values())) == len(colours) >= 5  # one colour per category, each its own


# ------------------------------------------------------------------ the newest schema, seeded
# What every seeded database on TERP's newest schema must hold, in SQL both
# dialects run: each query returns the rows breaking its rule.
LATEST_RULES = {
    "ownership follows payment terms": """
        SELECT id, paymentTerms, ownership_type FROM batches
        WHERE NOT ((paymentTerms = 'CONSIGNMENT' AND ownership_type = 'CONSIGNED')
                OR (paymentTerms <> 'CONSIGNMENT' AND ownership_type = 'OFFICE_OWNED'))""",
    "no photo before intake, every completed session flags its batch": """
        SELECT b.id FROM batches AS b
        WHERE (b.isPhotographyComplete = 1 AND b.batchStatus = 'AWAITING_INTAKE')
           OR (b.isPhotographyComplete = 0 AND EXISTS (
                SELECT 1 FROM calendar_events AS e
                WHERE e.event_type = 'PHOTOGRAPHY' AND e.entity_type = 'batch'
                  AND e.entity_id = b.id AND e.status = 'COMPLETED'))
           OR b.version <> 1""",
    "lots name their vendor's supplier client": """
        SELECT l.id FROM lots AS l JOIN vendors AS v ON v.id = l.vendorId
        LEFT JOIN clients AS c ON c.id = l.supplier_client_id
        WHERE c.id IS NULL OR c.is_seller = 0 OR LOWER(c.name) <> LOWER(v.name)""",
    "purchase orders name their vendor's supplier client": """
        SELECT p.id FROM purchaseOrders AS p JOIN vendors AS v ON v.id = p.vendorId
        LEFT JOIN clients AS c ON c.id = p.supplier_client_id
        WHERE c.id IS NULL OR c.is_seller = 0 OR LOWER(c.name) <> LOWER(v.name)""",
    "purchase order items name their order's supplier client": """
        SELECT i.id FROM purchaseOrderItems AS i JOIN purchaseOrders AS p ON p.id = i.purchaseOrderId
        WHERE i.supplier_client_id IS NULL OR i.supplier_client_id <> p.supplier_client_id""",
    "vendor notes name their vendor's supplier client": """
        SELECT n.id FROM vendorNotes AS n JOIN vendors AS v ON v.id = n.vendorId
        LEFT JOIN clients AS c ON c.id = n.client_id
        WHERE c.id IS NULL OR c.is_seller = 0 OR LOWER(c.name) <> LOWER(v.name)""",
    "products name their brand's vendor's supplier client": """
        SELECT p.id FROM products AS p JOIN brands AS b ON b.id = p.brandId
        LEFT JOIN vendors AS v ON v.id = b.vendorId
        LEFT JOIN clients AS c ON c.id = p.supplier_client_id
        WHERE (v.id IS NULL AND p.supplier_client_id IS NOT NULL)
           OR (v.id IS NOT NULL AND (c.id IS NULL OR c.is_seller = 0 OR LOWER(c.name) <> LOWER(v.name)))""",
    "purchase order items take their batch's COGS": """
        SELECT i.id FROM purchaseOrderItems AS i
        JOIN purchaseOrders AS p ON p.id = i.purchaseOrderId
        LEFT JOIN intake_session_batches AS s ON s.intake_session_id = p.intakeSessionId
        LEFT JOIN batches AS b ON b.id = s.batch_id AND b.productId = i.productId
        WHERE i.cogsMode <> COALESCE(b.cogsMode, 'FIXED')
           OR (i.cogsMode = 'FIXED' AND (i.unitCostMin IS NOT NULL OR i.unitCostMax IS NOT NULL))
           OR (i.cogsMode = 'RANGE' AND NOT (i.unitCostMin = b.unitCogsMin AND i.unitCostMax = b.unitCogsMax
                                            AND i.unitCost BETWEEN i.unitCostMin AND i.unitCostMax))""",
    "adjustment reasons only on adjustments": """
        SELECT id FROM inventoryMovements
        WHERE (inventoryMovementType = 'ADJUSTMENT') <> (adjustmentReason IS NOT NULL)""",
}


def test_the_newest_schema_seeded_keeps_the_stock_rules(seeded_latest):
    with seeded_latest.connect() as conn:
        broken = {rule: conn.execute(sa.text(sql)).fetchall() for rule, sql in LATEST_RULES.items()}
        assert {rule: rows[:5] for rule, rows in broken.items() if rows} == {}
        tags = conn.execute(sa.text("SELECT name, standardizedName, category, color, description FROM tags"
                                    " ORDER BY id")).fetchall()
        counts = conn.execute(sa.text(
            "SELECT (SELECT COUNT(*) FROM batches WHERE ownership_type = 'OFFICE_OWNED'),"
            " (SELECT COUNT(*) FROM batches WHERE isPhotographyComplete = 1),"
            " (SELECT COUNT(*) FROM inventoryMovements WHERE adjustmentReason IS NOT NULL)")).one()
    assert all(counts), counts  # each rule above was met by rows, not passed on none
    by_name = Counter(name for name, *_ in tags)
    assert {name: by_name[name] for name in DEFAULT_TAGS} == {name: 1 for name in DEFAULT_TAGS}
    for name, *values in tags:
        if name in DEFAULT_TAGS:
            assert tuple(values) == DEFAULT_TAGS[name], name
