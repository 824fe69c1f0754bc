"""Catalog media, units and sample custody (TERP 2026-02-15 and later).

* ``unit_types``: exactly the 14 units TERP's migrations insert
  (drizzle/0047_feat_009_015_implementation.sql, then
  drizzle/migrations/0056_add_additional_packaged_units.sql), in that order.
* ``product_images``: the photos of every batch photographed in the window
  (a COMPLETED PHOTOGRAPHY calendar event on the batch: every batch the seeds
  put in PHOTOGRAPHY_COMPLETE and some since sold), one per shot of the
  session's shot list (hero, macro, packaging), uploaded after the session as
  TERP's photography router writes them (``upload`` is an admin procedure:
  an admin uploads; auto-approved; the first visible image is the primary,
  sort orders from 0, the batch and its product both set, no thumbnail); a
  few extra shots hidden later (REJECTED), the extra shots of a CLOSED batch
  ARCHIVED; the primary always stays visible.
* ``sampleLocationHistory``: the custody of each sample request as TERP's
  ``samplesDb.updateSampleLocation`` logs it: a row per move, none while the
  sample sits in the warehouse (a request starts there, the column's default).
  A FULFILLED sample leaves with the sales rep (WAREHOUSE -> WITH_SALES_REP,
  by whoever fulfilled it, when it was fulfilled) and is handed to the client
  the same day (-> WITH_CLIENT, by the rep); PENDING and CANCELLED samples
  never leave the warehouse.  The chain ends at ``sample_location(request)``,
  the rule ``sampleRequests.location`` follows too.

The 2026-02-15 history table names its location ``sampleLocation``; 2026-05-14
renames it ``toLocation`` and adds ``fromLocation`` (provided here: the move's
previous location).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from generators.access import COMPANY_DOMAIN
from generators.added_columns import provides
from generators.common import at, between, end_of_day, setup_day, weighted

# --------------------------------------------------------------------------- units
# (code, name, description, category, conversion_factor, base_unit_code, sort_order)
UNIT_TYPES: list[tuple[str, str, str, str, str, str | None, int]] = [
    # drizzle/0047_feat_009_015_implementation.sql
    ("EA", "Each", "Individual unit count", "COUNT", "1", None, 10),
    ("G", "Gram", "Weight in grams", "WEIGHT", "1", None, 20),
    ("OZ", "Ounce", "Weight in ounces (28.3495g)", "WEIGHT", "28.3495", "G", 30),
    ("LB", "Pound", "Weight in pounds (453.592g)", "WEIGHT", "453.592", "G", 40),
    ("KG", "Kilogram", "Weight in kilograms (1000g)", "WEIGHT", "1000", "G", 50),
    ("ML", "Milliliter", "Volume in milliliters", "VOLUME", "1", None, 60),
    ("L", "Liter", "Volume in liters (1000ml)", "VOLUME", "1000", "ML", 70),
    ("PKG", "Package", "Pre-packaged unit (variable contents)", "PACKAGED", "1", None, 80),
    ("BOX", "Box", "Box container (packaged)", "PACKAGED", "1", None, 90),
    ("CASE", "Case", "Case container (packaged)", "PACKAGED", "1", None, 100),
    # drizzle/migrations/0056_add_additional_packaged_units.sql
    ("PK5", "Pack of 5", "5-unit package", "PACKAGED", "5", "EA", 85),
    ("PK10", "Pack of 10", "10-unit package", "PACKAGED", "10", "EA", 95),
    ("CASE24", "Case (24)", "Case containing 24 units", "PACKAGED", "24", "EA", 105),
    ("PALLET", "Pallet", "Standard pallet (quantity varies by product)", "PACKAGED", "1", None, 110),
]
MIGRATION_0056_DAYS = 12  # 0056 ran after 0047 (a later deploy)


def unit_types(ctx):
    rows = []
    for n, (code, name, description, category, factor, base, order) in enumerate(UNIT_TYPES, start=1):
        created = at(setup_day(ctx) + dt.timedelta(days=MIGRATION_0056_DAYS if n > 10 else 0), 7, 30)
        rows.append({
            "id": ctx.id(n), "code": code, "name": name, "description": description, "category": category,
            "conversion_factor": Decimal(factor).quantize(Decimal("0.000001")), "base_unit_code": base,
            "is_active": True, "sort_order": order, "created_at": created, "updated_at": created,
        })
    return rows


# --------------------------------------------------------------------------- product images
MEDIA_HOST = f"https://media.{COMPANY_DOMAIN}/batches"
CAPTIONS = {"hero": "Hero shot", "macro": "Macro: trichomes and structure", "packaging": "Packaged for sale"}
EXTRA_SHOTS = [(1, 0.35), (2, 0.4), (3, 0.25)]  # images per photographed batch
REJECTED_SHARE = 0.1  # an extra shot hidden after review (out of focus, wrong lot label)


def _session_end(event: dict) -> dt.datetime:
    hour, minute, second = (int(p) for p in (event["end_time"] or "17:00:00").split(":"))
    return dt.datetime.combine(event["end_date"], dt.time(hour, minute, second))


def photographed(ctx) -> list[tuple[dict, dt.datetime]]:
    """(calendar event, when the session ended) of every batch's completed
    PHOTOGRAPHY session in the window, by batch: the batches TERP 2026-05-14
    flags isPhotographyComplete (tables-after-2025-11-21.md §3)."""
    end = end_of_day(ctx.window_end)
    found: dict[int, tuple[dict, dt.datetime]] = {}
    for event in ctx.rows("calendar_events"):
        if event["event_type"] != "PHOTOGRAPHY" or event["entity_type"] != "batch" \
                or event["status"] != "COMPLETED":
            continue
        finished = _session_end(event)
        if finished <= end and event["entity_id"] not in found:
            found[event["entity_id"]] = (event, finished)
    return [found[batch_id] for batch_id in sorted(found)]


def product_images(ctx):
    rng, end = ctx.rng, end_of_day(ctx.window_end)
    admins = [u["id"] for u in ctx.rows("users") if u["role"] == "admin"]
    batches = {b["id"]: b for b in ctx.rows("batches")}
    rows = []
    for event, finished in photographed(ctx):
        batch = batches[event["entity_id"]]
        shots = list((event["metadata"] or {}).get("shots") or ["hero"])
        count = min(len(shots), weighted(rng, EXTRA_SHOTS))
        uploader = admins[-1] if rng.random() < 0.8 else admins[0]
        uploaded = between(rng, finished + dt.timedelta(minutes=20), finished + dt.timedelta(hours=26))
        if uploaded > end:
            uploaded = min(end, finished + dt.timedelta(minutes=rng.randint(5, 60)))
        for k, shot in enumerate(shots[:count]):
            status = "APPROVED"
            if k > 0 and batch["batchStatus"] == "CLOSED":
                status = "ARCHIVED"
            elif k > 0 and rng.random() < REJECTED_SHARE:
                status = "REJECTED"
            rows.append({
                "id": ctx.id(len(rows) + 1), "batch_id": batch["id"], "product_id": batch["productId"],
                "image_url": f"{MEDIA_HOST}/{batch['id']}/{batch['code'].lower()}-{shot}.jpg",
                "thumbnail_url": None, "caption": CAPTIONS.get(shot), "is_primary": k == 0,
                "sort_order": k, "status": status, "uploaded_by": uploader,
                "uploaded_at": uploaded + dt.timedelta(seconds=40 * k),
            })
    return rows


# --------------------------------------------------------------------------- sample custody
def sample_location(request: dict) -> str:
    """Where a sample request's sample is (``sampleRequests.location``, 2026-02-15:
    ``sampleLocation``), read from its state as the seeds write it: a FULFILLED
    sample is WITH_CLIENT (handed over by the rep, consumed there: the seeds
    write no return); a PENDING or CANCELLED one never left the WAREHOUSE."""
    return "WITH_CLIENT" if request["sampleRequestStatus"] == "FULFILLED" else "WAREHOUSE"


def sampleLocationHistory(ctx):
    rng, end = ctx.rng, end_of_day(ctx.window_end)
    clients = {c["id"]: c["name"] for c in ctx.rows("clients")}
    rows = []
    for req in sorted(ctx.rows("sampleRequests"), key=lambda r: r["id"]):
        if sample_location(req) == "WAREHOUSE":
            continue
        picked = req["fulfilledDate"]
        handed = between(rng, picked + dt.timedelta(minutes=30), picked + dt.timedelta(hours=5))
        if handed > end or handed.date() != picked.date():
            handed = min(end, picked + dt.timedelta(minutes=rng.randint(10, 30)))
        client = clients.get(req["clientId"], f"client #{req['clientId']}")
        rows.append({"id": ctx.id(len(rows) + 1), "sampleRequestId": req["id"], "sampleLocation": "WITH_SALES_REP",
                     "changedBy": req["fulfilledBy"], "changedAt": picked,
                     "notes": f"Picked up by the sales rep for {client}"})
        rows.append({"id": ctx.id(len(rows) + 1), "sampleRequestId": req["id"], "sampleLocation": "WITH_CLIENT",
                     "changedBy": req["requestedBy"], "changedAt": handed,
                     "notes": f"Dropped off with {client}"})
    return rows


@provides("sampleLocationHistory.fromLocation")
def sample_moves_from(ctx) -> dict[int, str]:
    """fromLocation (2026-05-14): the location each move left, the previous
    row's of the same request, else the WAREHOUSE every request starts in."""
    last: dict[int, str] = {}
    found = {}
    for row in sorted(ctx.rows("sampleLocationHistory"), key=lambda r: (r["sampleRequestId"], r["changedAt"], r["id"])):
        found[row["id"]] = last.get(row["sampleRequestId"], "WAREHOUSE")
        last[row["sampleRequestId"]] = row["sampleLocation"]
    return found
