"""Providers of the columns later TERP versions add to the tables of stock and supply: batches, lots, purchase orders and their items, products, vendor notes, inventory movements, tags
(generators/added_columns.py; ../shared/terp/tables-after-2025-11-21.md §3).

Each value follows what the rows already tell, read as the generators wrote
them (the names and values of the tables' first version):

* ``batches.ownership_type`` (2026-02-15): the batch's payment terms;
  ``batches.isPhotographyComplete`` (2026-05-14): the batch was shot;
  ``batches.version`` keeps its DDL default, 1: the seeds model no edit
  through TERP's versioned batch update (ST-026, after the window);
* the supplier links (``lots``, ``purchaseOrders``: 2025-12-20;
  ``purchaseOrderItems``, ``products``, ``vendorNotes.client_id``: 2026-05-14):
  the vendor's supplier client, as TERP's backfills find it;
* ``purchaseOrderItems.cogsMode/unitCostMin/unitCostMax`` (2026-05-14): the
  COGS of the batch the item became;
* ``inventoryMovements.adjustmentReason`` (2026-02-15): the reason the
  adjustment's text gives;
* ``tags.color`` (2026-02-15): 0052's colours for its default tags, the
  colour of its tag group for every other tag of a category.
"""

from __future__ import annotations

from decimal import Decimal

from generators.added_columns import provides
from generators.parties import supplier_clients
from generators.reference import DEFAULT_TAGS

# --------------------------------------------------------------------------- batches
# drizzle/migrations/0027: consigned stock stays the vendor's until it sells (it
# makes vendor payables); stock bought outright (COD, NET_x, PARTIAL) is the office's.
CONSIGNED_TERMS = ("CONSIGNMENT",)


def ownership_type(batch: dict) -> str:
    """CONSIGNED, OFFICE_OWNED or SAMPLE, from a batch row's payment terms and sample flags."""
    if batch["isSample"] or batch["sampleOnly"]:
        return "SAMPLE"
    return "CONSIGNED" if batch["paymentTerms"] in CONSIGNED_TERMS else "OFFICE_OWNED"


@provides("batches.ownership_type")
def batch_ownership(ctx) -> dict[int, str]:
    return {batch["id"]: ownership_type(batch) for batch in ctx.rows("batches")}


@provides("batches.isPhotographyComplete")
def batch_photographed(ctx) -> dict[int, bool]:
    """1 for a batch that was shot: every PHOTOGRAPHY_COMPLETE batch (0061 sets the
    flag on them, and the view makes them LIVE), and every batch whose PHOTOGRAPHY
    session on the calendar took place, though it has since sold out or closed.
    A session still to come does not count, nor do the product's catalog photos
    (productMedia, per product: every product has them from the start)."""
    shot = {event["entity_id"] for event in ctx.rows("calendar_events")
            if event["event_type"] == "PHOTOGRAPHY" and event["entity_type"] == "batch"
            and event["status"] == "COMPLETED"}
    return {batch["id"]: batch["batchStatus"] == "PHOTOGRAPHY_COMPLETE" or batch["id"] in shot
            for batch in ctx.rows("batches")}


# --------------------------------------------------------------------------- suppliers
@provides("lots.supplier_client_id", "purchaseOrders.supplier_client_id", "vendorNotes.client_id")
def vendor_supplier_client(ctx) -> dict[int, int | None]:
    """The supplier client of the row's vendor (drizzle/0056 and TERP's backfill scripts)."""
    table = ctx.table.split(".")[0]
    supplier = supplier_clients(ctx)
    return {row["id"]: supplier.get(row["vendorId"]) for row in ctx.rows(table)}


@provides("purchaseOrderItems.supplier_client_id")
def item_supplier_client(ctx) -> dict[int, int | None]:
    """The supplier client of the item's purchase order's vendor."""
    supplier = supplier_clients(ctx)
    vendor = {po["id"]: po["vendorId"] for po in ctx.rows("purchaseOrders")}
    return {item["id"]: supplier.get(vendor[item["purchaseOrderId"]]) for item in ctx.rows("purchaseOrderItems")}


@provides("products.supplier_client_id")
def product_supplier_client(ctx) -> dict[int, int | None]:
    """The supplier client of the product's brand's vendor; NULL for the house brand."""
    supplier = supplier_clients(ctx)
    vendor = {brand["id"]: brand["vendorId"] for brand in ctx.rows("brands")}
    return {product["id"]: supplier.get(vendor[product["brandId"]]) for product in ctx.rows("products")}


# --------------------------------------------------------------------------- purchase order items
COST = Decimal("0.0001")  # purchaseOrderItems.unitCostMin/Max are decimal(15,4)
RANGE_BOUNDS = {"unitCostMin": "unitCogsMin", "unitCostMax": "unitCogsMax"}


def received_batches(ctx) -> dict[int, dict]:
    """{purchaseOrderItems.id: the batch the item became}: the batch of the item's
    product in its order's intake session (intake_session_batches); items of orders
    never received have none."""
    batches = {batch["id"]: batch for batch in ctx.rows("batches")}
    in_session: dict[int, list[dict]] = {}
    for link in ctx.rows("intake_session_batches"):
        in_session.setdefault(link["intake_session_id"], []).append(batches[link["batch_id"]])
    session = {po["id"]: po["intakeSessionId"] for po in ctx.rows("purchaseOrders")}
    made = {}
    for item in ctx.rows("purchaseOrderItems"):
        for batch in in_session.get(session[item["purchaseOrderId"]], ()):
            if batch["productId"] == item["productId"]:
                made[item["id"]] = batch
                break
    return made


@provides("purchaseOrderItems.cogsMode", "purchaseOrderItems.unitCostMin", "purchaseOrderItems.unitCostMax")
def item_cogs(ctx) -> dict[int, object]:
    """The COGS mode of the batch the item became (FIXED for an item not received),
    and a RANGE batch's bounds; NULL bounds for FIXED."""
    column = ctx.table.split(".")[1]
    made = ctx.dataset(received_batches)
    values: dict[int, object] = {}
    for item in ctx.rows("purchaseOrderItems"):
        batch = made.get(item["id"])
        mode = batch["cogsMode"] if batch else "FIXED"
        if column == "cogsMode":
            values[item["id"]] = mode
        else:
            values[item["id"]] = Decimal(batch[RANGE_BOUNDS[column]]).quantize(COST) if mode == "RANGE" else None
    return values


# --------------------------------------------------------------------------- inventory movements
# drizzle/0030's reasons, by the words of the text the seeds write in notes (formerly
# reason), the first that matches; OTHER when none does.
ADJUSTMENT_WORDS = (
    ("THEFT", ("theft", "stolen")),
    ("LOST", ("lost", "missing")),
    ("DAMAGED", ("damage", "broken", "crushed")),
    ("EXPIRED", ("expired", "expiry", "expiration")),
    ("QUALITY_ISSUE", ("quality", "mold", "retest", "contaminat")),
    ("REWEIGH", ("reweigh", "re-weigh", "moisture")),
    ("COUNT_DISCREPANCY", ("count", "variance", "discrepanc")),
)


def adjustment_reason(text: str | None) -> str:
    words = (text or "").lower()
    return next((reason for reason, keys in ADJUSTMENT_WORDS if any(k in words for k in keys)), "OTHER")


@provides("inventoryMovements.adjustmentReason")
def movement_adjustment_reason(ctx) -> dict[int, str]:
    """Only ADJUSTMENT movements carry a reason (NULL on the others)."""
    return {row["id"]: adjustment_reason(row["reason"]) for row in ctx.rows("inventoryMovements")
            if row["inventoryMovementType"] == "ADJUSTMENT"}


# --------------------------------------------------------------------------- tags
UNGROUPED = "#6B7280"  # tags.color's DDL default: a category no tag group carries


@provides("tags.color")
def tag_colors(ctx) -> dict[int, str]:
    """0052's colours for its default tags (its upsert sets them on a tag of the same
    name); every other tag the colour of its category, which is the colour of the
    tag group whose tags carry it (the first such group)."""
    default = {name.lower(): color for name, _category, color, _description in DEFAULT_TAGS}
    tags = ctx.rows("tags")
    category = {tag["id"]: tag["category"] for tag in tags}
    group_color = {group["id"]: group["color"] for group in ctx.rows("tagGroups")}
    color_of: dict[str | None, str] = {}
    for member in sorted(ctx.rows("tagGroupMembers"), key=lambda m: m["id"]):
        color_of.setdefault(category[member["tagId"]], group_color[member["groupId"]])
    return {tag["id"]: default.get(tag["name"].lower()) or color_of.get(tag["category"], UNGROUPED)
            for tag in tags}
