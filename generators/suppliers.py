"""Suppliers as clients (TERP 2025-12-20 on), intake verification and harvest
reminders (2026-02-15 on): ../shared/terp/tables-after-2025-11-21.md, D1.

* ``supplier_profiles``: since TER-235 a supplier is a ``clients`` row with
  ``is_seller`` plus a profile that carries what only a vendor has.  The seeds
  already write one supplier client per vendor under the vendor's name, which
  is the ``merge`` path of TERP's vendorMappingService: the profile copies the
  vendor's contact, payment terms and notes, with ``legacy_vendor_id``, and
  nothing else (no payment method, tax id or licence: the vendor has none).
* ``intake_receipts`` and their items and discrepancies: the two-step check
  of every delivery (TERP's routers/intakeReceipts.ts), one receipt per lot
  and one item per batch (one batch a lot), from the lot's arrival to the
  batch going live; see ``intake``.
* ``vendor_harvest_reminders``: when a vendor's crop comes in, reminded a
  week ahead (TERP's default); see ``harvests``.

Table generators write each table's 2026-02-15 names (``reminder_status``,
which 2026-05-14 renames ``status``: terpseed/schema/changes_2026_05_14.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from generators.access import staff_with_job
from generators.common import (at, between, end_of_day, in_office_hours, next_weekday, pick, setup_day,
                               weekday_between, weighted, working_time)
from generators.parties import SUPPLIER_PREFIX
from generators.trade import Batch, trade

Q4 = Decimal("0.0001")


def supplier_clients(ctx) -> dict[int, dict]:
    """Each vendor's supplier client (vendor id -> clients row): the seller the seeds
    write under the vendor's name, which TERP's migration merges the vendor into."""
    by_name = {c["name"].lower(): c for c in ctx.rows("clients") if c["teri_code"].startswith(SUPPLIER_PREFIX)}
    return {v["id"]: by_name[v["name"].lower()] for v in ctx.rows("vendors")}


# --------------------------------------------------------------------------- suppliers
def supplier_profiles(ctx):
    """One per vendor, as vendorMappingService.migrateVendorToClient (merge) writes it:
    the vendor's contact, payment terms and notes; made with the supplier account."""
    clients = supplier_clients(ctx)
    rows = []
    for n, vendor in enumerate(ctx.rows("vendors"), start=1):
        client = clients[vendor["id"]]
        rows.append({
            "id": ctx.id(n), "client_id": client["id"], "contact_name": vendor["contactName"],
            "contact_email": vendor["contactEmail"], "contact_phone": vendor["contactPhone"],
            "payment_terms": vendor["paymentTerms"], "supplier_notes": vendor["notes"],
            "legacy_vendor_id": vendor["id"], "preferred_payment_method": None, "tax_id": None,
            "license_number": None, "created_at": client["created_at"], "updated_at": client["created_at"],
        })
    return rows


# --------------------------------------------------------------------------- intake verification
DISCREPANCY_SHARE = 0.07  # of receipt items: the stacker's count differs from the manifest
RESOLUTIONS = [("ACCEPTED", 0.6), ("ADJUSTED", 0.4)]
RESOLUTION_NOTES = {
    "ACCEPTED": ["Short weight accepted: the vendor is paid on the counted quantity",
                 "Within tolerance for the trip; counted quantity stands",
                 "Vendor agreed to the count at the dock"],
    "ADJUSTED": ["Manifest corrected to the counted quantity; lot total adjusted",
                 "Vendor re-issued the manifest at the counted quantity",
                 "Adjusted to the scale weight after a second weigh-in"],
}
FARMER_NOTES = [None, None, None, "Driver waited for the count", "Manifest attached to the delivery",
                "Second drop of this harvest next week"]


@dataclass(slots=True)
class Receipt:
    """One lot's intake receipt and its one item (the lot's batch)."""
    batch: Batch
    number: str
    token: str
    created: dt.datetime
    created_by: int
    expected: Decimal
    farmer_at: dt.datetime | None = None
    stacker_at: dt.datetime | None = None
    stacker_by: int | None = None
    resolved_at: dt.datetime | None = None
    resolved_by: int | None = None
    resolution: str | None = None
    resolution_note: str | None = None
    finalized_at: dt.datetime | None = None
    finalized_by: int | None = None
    farmer_note: str | None = None
    id: int = 0
    item_id: int = 0

    @property
    def actual(self) -> Decimal:
        """What the stacker counted: what the batch took into stock (its INTAKE movement)."""
        return self.batch.qty_in

    @property
    def disputed(self) -> bool:
        return self.expected != self.actual

    @property
    def status(self) -> str:
        if self.finalized_at:
            return "FINALIZED"
        if self.stacker_at:
            return "DISPUTED" if self.disputed and not self.resolved_at else "STACKER_VERIFIED"
        return "FARMER_VERIFIED" if self.farmer_at else "PENDING"

    @property
    def updated(self) -> dt.datetime:
        return max(m for m in (self.created, self.farmer_at, self.stacker_at, self.resolved_at,
                               self.finalized_at) if m is not None)


def _manifest(rng, batch: Batch) -> Decimal:
    """What the supplier's manifest declared for a lot the stacker counted short (now and
    then over): a few percent off, in half pounds, or a few units."""
    if batch.product.uom == "LB":
        off = (batch.qty_in * Decimal(str(rng.uniform(0.01, 0.04))) * 2).to_integral_value() / 2
        off = max(Decimal("0.5"), off)
    else:
        off = Decimal(rng.randint(5, 40))
    return batch.qty_in + (off if rng.random() < 0.8 else -off)


def intake(ctx) -> list[Receipt]:
    """Every lot's receipt, in the order the lots arrived: created when the delivery
    comes in by whoever receives it, acknowledged by the farmer through the shared
    link (TERP records no user for it), counted by a stacker before quality check,
    and finalized before the batch goes live; a count off the manifest disputes the
    receipt until the buyer resolves it.  Whatever falls after the window's end has
    not happened yet: a lot still in intake has a receipt still in progress."""
    rng = ctx.rng
    end = end_of_day(ctx.window_end)
    stackers = staff_with_job(ctx, "Warehouse Associate") + staff_with_job(ctx, "Warehouse Lead")
    finisher = staff_with_job(ctx, "Inventory Manager")[0]["id"]
    buyer = staff_with_job(ctx, "Buyer")[0]["id"]
    batches = sorted(ctx.dataset(trade).batches, key=lambda b: (b.received, b.id))
    off = set(rng.sample(range(len(batches)), max(1, round(len(batches) * DISCREPANCY_SHARE))))
    per_year: dict[int, int] = {}
    receipts = []
    for k, batch in enumerate(batches):
        created = batch.received
        per_year[created.year] = per_year.get(created.year, 0) + 1
        receipt = Receipt(
            batch, f"IR-{created.year}-{per_year[created.year]:05d}", f"{rng.getrandbits(256):064x}",
            created, batch.received_by, _manifest(rng, batch) if k in off else batch.qty_in)
        # the stacker counts before the lot moves on to quality check (at least 3 hours on)
        checked = batch.workflow[1][1] if len(batch.workflow) > 1 else created + dt.timedelta(hours=3)
        farmer = created + dt.timedelta(minutes=rng.randint(5, 45))
        stacker = farmer + (checked - farmer) * rng.uniform(0.3, 0.8)
        steps = [("farmer_at", farmer), ("stacker_at", stacker)]
        live = batch.live_at
        if receipt.disputed:
            resolved = stacker + (live - stacker) * rng.uniform(0.2, 0.5)
            steps.append(("resolved_at", resolved))
            receipt.resolution = weighted(rng, RESOLUTIONS)
            receipt.resolution_note = pick(rng, RESOLUTION_NOTES[receipt.resolution])
            receipt.resolved_by = buyer
        last = steps[-1][1]
        steps.append(("finalized_at", last + (live - last) * rng.uniform(0.3, 0.9)))
        for name, moment in steps:
            if moment.replace(microsecond=0) > end:
                break
            setattr(receipt, name, moment.replace(microsecond=0))
        if receipt.resolved_at is None:
            receipt.resolution = receipt.resolution_note = receipt.resolved_by = None
        if receipt.stacker_at:
            receipt.stacker_by = pick(rng, stackers)["id"]
        if receipt.finalized_at:
            receipt.finalized_by = finisher
        receipt.farmer_note = pick(rng, FARMER_NOTES)
        receipt.id, receipt.item_id = ctx.id(k + 1), ctx.id(k + 1)
        receipts.append(receipt)
    return receipts


def intake_receipts(ctx):
    rows = []
    for r in ctx.dataset(intake):
        notes = f"Delivery of {r.batch.lot_code}: {r.batch.product.name}"
        if r.farmer_at and r.farmer_note:
            notes += f"\nFarmer notes: {r.farmer_note}"  # as verifyAsFarmer appends them
        rows.append({
            "id": r.id, "receipt_number": r.number, "supplier_id": r.batch.supplier_client_id,
            "status": r.status, "farmer_verified_at": r.farmer_at, "farmer_verified_by": None,
            "stacker_verified_at": r.stacker_at, "stacker_verified_by": r.stacker_by,
            "finalized_at": r.finalized_at, "finalized_by": r.finalized_by, "notes": notes,
            "shareable_token": r.token, "created_by": r.created_by,
            "created_at": r.created, "updated_at": r.updated,
        })
    return rows


def _unit_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def intake_receipt_items(ctx):
    rows = []
    for r in ctx.dataset(intake):
        counted = r.stacker_at is not None
        if not counted:
            status = "PENDING"
        elif r.disputed and r.resolved_at is None:
            status = "DISCREPANCY"
        else:
            status = "VERIFIED"  # a resolved discrepancy (accepted or adjusted) verifies the item
        product = r.batch.product
        rows.append({
            "id": r.item_id, "receipt_id": r.id, "product_id": product.id, "product_name": product.name,
            "expected_quantity": r.expected.quantize(Q4), "actual_quantity": r.actual.quantize(Q4) if counted else None,
            "unit": product.uom, "expected_price": r.batch.unit_cogs, "verification_status": status,
            "discrepancy_notes": (f"Counted {_unit_text(r.actual)} {product.uom.lower()} against"
                                  f" {_unit_text(r.expected)} on the manifest")
            if counted and r.disputed else None,
            "created_at": r.created,
        })
    return rows


def intake_discrepancies(ctx):
    rows = []
    for r in ctx.dataset(intake):
        if r.stacker_at is None or not r.disputed:
            continue
        rows.append({
            "id": ctx.id(len(rows) + 1), "receipt_id": r.id, "item_id": r.item_id,
            "expected_quantity": r.expected.quantize(Q4), "actual_quantity": r.actual.quantize(Q4),
            "difference": (r.actual - r.expected).quantize(Q4), "resolution": r.resolution,
            "resolution_notes": r.resolution_note, "resolved_by": r.resolved_by,
            "resolved_at": r.resolved_at, "created_at": r.stacker_at,
        })
    return rows


# --------------------------------------------------------------------------- harvest reminders
REMIND_DAYS = 7          # TERP's reminderDaysBefore default
INDOOR_CYCLE = 70        # days between an indoor grower's harvests (about ten weeks)
CYCLE_SPREAD = 7
LOT_WITHIN = 35          # a harvest comes to us as a lot within this many days of it
LOOK_AHEAD = 49          # reminders are set for harvests up to this far past the window's end
SUN_GROWN = ("Outdoor", "Deps")
CONTACT_NOTES = ["Harvest on schedule", "Curing now, ready in a week or two", "Confirmed pickup date",
                 "Asked for first look at the top lots"]
CANCEL_NOTES = ["Crop sold to another buyer", "Harvest lost to mold", "Grower skipped this cycle",
                "Lot failed the grower's own testing"]


@dataclass(slots=True)
class Harvest:
    vendor_id: int
    expected: dt.date
    created: dt.datetime
    created_by: int
    strain: str
    estimated: Decimal
    notes: str | None
    status: str = "PENDING"
    contacted: dt.datetime | None = None
    contacted_by: int | None = None
    contact_notes: str | None = None
    completed: dt.datetime | None = None
    completion_notes: str | None = None
    actual: Decimal | None = None
    lot: Batch | None = None

    @property
    def reminder(self) -> dt.date:
        return self.expected - dt.timedelta(days=REMIND_DAYS)


def _grows_indoors(batches: list[Batch]) -> bool:
    """A vendor whose flower lots are mostly indoor; a sun-grown one (outdoor and
    light-dep greenhouse) harvests once a year, in the fall."""
    indoor = sum(1 for b in batches if b.product.tier == "Indoor")
    return indoor >= len(batches) - indoor


def _harvest_dates(rng, indoor: bool, first: dt.date, last: dt.date) -> list[dt.date]:
    if indoor:
        days, day = [], first + dt.timedelta(days=rng.randint(0, INDOOR_CYCLE))
        while day <= last:
            days.append(next_weekday(day))
            day += dt.timedelta(days=INDOOR_CYCLE + rng.randint(-CYCLE_SPREAD, CYCLE_SPREAD))
        return days
    days = []
    for year in range(first.year, last.year + 1):
        day = next_weekday(dt.date(year, 9, 15) + dt.timedelta(days=rng.randint(0, 35)))
        if first <= day <= last:
            days.append(day)
    return days


def harvests(ctx) -> list[Harvest]:
    """Each vendor's harvests the buyer tracks: an indoor grower's every ten weeks or so,
    a sun-grown one's each fall.  The office's admin sets the expected date (TERP's
    reminders are an admin's tool) a few weeks ahead; a reminder comes due a week
    before it; the buyer calls the grower, and closes the reminder when the harvest
    comes in to us as a lot (COMPLETED, before that lot arrives), or cancels it when
    no lot follows within five weeks.  Harvests up to seven weeks past the window's
    end are already set."""
    rng = ctx.rng
    end = end_of_day(ctx.window_end)
    admin = staff_with_job(ctx, "Operations Director")[0]["id"]
    buyer = staff_with_job(ctx, "Buyer")[0]["id"]
    batches = sorted(ctx.dataset(trade).batches, key=lambda b: (b.received, b.id))
    first = setup_day(ctx) + dt.timedelta(days=21)  # TERP was set up: time to set the first one
    last = ctx.window_end + dt.timedelta(days=LOOK_AHEAD)
    out: list[Harvest] = []
    used: set[int] = set()
    for vendor in ctx.rows("vendors"):
        flower = [b for b in batches if b.vendor_id == vendor["id"] and b.product.tier]
        if not flower:
            continue
        indoor = _grows_indoors(flower)
        grown = [b for b in flower if (b.product.tier == "Indoor") == indoor] or flower
        own = {b.id for b in grown}
        typical = sum((b.qty_in for b in grown), Decimal(0)) / len(grown)
        for expected in _harvest_dates(rng, indoor, first, last):
            # the first of the vendor's flower lots to arrive after it (its own grow's first)
            due = [b for b in flower if b.id not in used and b.received <= end
                   and expected - dt.timedelta(days=3) <= b.received.date() <= expected + dt.timedelta(days=LOT_WITHIN)]
            lot = next((b for b in due if b.id in own), due[0] if due else None)
            source = lot or pick(rng, grown)
            created_day = weekday_between(expected - dt.timedelta(days=rng.randint(14, 42)),
                                          setup_day(ctx) + dt.timedelta(days=1),
                                          min(ctx.window_end, expected - dt.timedelta(days=REMIND_DAYS + 1)))
            h = Harvest(vendor["id"], expected, working_time(rng, created_day), admin,
                        source.product.strain_name,
                        (typical * Decimal(str(rng.uniform(0.8, 1.2))) / 5).to_integral_value() * 5,
                        "Indoor cycle" if indoor else f"{expected.year} fall harvest")
            if h.created > end:
                continue
            reminder = at(h.reminder, 7)
            if lot is not None:
                used.add(lot.id)
                h.status, h.lot, h.actual = "COMPLETED", lot, lot.qty_in
                h.strain = lot.product.strain_name
                h.contacted = max(h.created + dt.timedelta(hours=1),
                                  between(rng, reminder, at(min(expected, lot.received.date()), 17)))
                h.contacted = min(h.contacted, lot.received - dt.timedelta(hours=2))
                h.completed = between(rng, h.contacted + dt.timedelta(minutes=30),
                                      lot.received - dt.timedelta(minutes=30))
                h.contact_notes = pick(rng, CONTACT_NOTES)
                h.completion_notes = f"Came in as {lot.lot_code}: {_unit_text(lot.qty_in)} lb"
            elif reminder <= end and expected + dt.timedelta(days=LOT_WITHIN) < ctx.window_end:
                h.status = "CANCELLED"
                h.contacted = in_office_hours(rng, reminder + dt.timedelta(hours=rng.randint(1, 48)))
                h.contact_notes = pick(rng, CANCEL_NOTES)
            elif reminder <= end - dt.timedelta(days=2):
                h.status = "CONTACTED"
                h.contacted = min(end, in_office_hours(rng, reminder + dt.timedelta(hours=rng.randint(1, 30))))
                h.contact_notes = pick(rng, CONTACT_NOTES)
            if h.contacted is not None:
                h.contacted_by = buyer
            out.append(h)
    out.sort(key=lambda h: (h.created, h.vendor_id))
    return out


def vendor_harvest_reminders(ctx):
    return [
        {"id": ctx.id(n), "vendor_id": h.vendor_id, "expected_harvest_date": h.expected,
         "reminder_date": h.reminder, "strain": h.strain, "estimated_quantity": h.estimated,
         "actual_quantity": h.actual, "notes": h.notes, "reminder_status": h.status,
         "created_by": h.created_by, "created_at": h.created, "contacted_at": h.contacted,
         "contacted_by": h.contacted_by, "contact_notes": h.contact_notes,
         "completed_at": h.completed, "completion_notes": h.completion_notes}
        for n, h in enumerate(ctx.dataset(harvests), start=1)
    ]


__all__ = ["supplier_clients", "supplier_profiles", "intake", "intake_receipts", "intake_receipt_items",
           "intake_discrepancies", "harvests", "vendor_harvest_reminders"]
