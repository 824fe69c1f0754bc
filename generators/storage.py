"""Storage sites, zones, zone assignments, site counts and transfers (TERP
2026-02-15 on): ../shared/terp/tables-after-2025-11-21.md, D13.

* ``sites`` and ``storage_zones``: TERP's own reference rows, exactly as its
  server/services/seedStorage.ts defines them (three sites, each with the
  zones of its site type).  One departure: seedStorage codes a zone
  ``<site>-<zone>`` (``SAMPLES-VAULT-A``), which the column (varchar(10))
  cannot hold for 8 of the 12 (MySQL in strict mode refuses them, so
  seedStorage itself creates only MAIN-A to MAIN-D); a zone keeps its
  template's code (``VAULT-A``, ``QUARANTINE``), unique within its site, as
  TERP's storage router (``initializeDefaultZones``) and its seed-storage-
  defaults script code theirs.
* ``batch_zone_assignments``: one per batchLocations row, in the zone its
  site and zone name are (the seeds' locations are Main Warehouse zones A-D
  and Quarantine: a quarantined batch sits in QUARANTINE), its quantity.
  A zone's ``current_capacity`` is the sum of what is assigned to it, as
  TERP's assignBatchToZone keeps it.
* ``site_transfers``: Main Storage -> Shipping Dock for the lines of the
  orders that went out on the delivery van (the DELIVERY calendar events),
  received at the dock before the van leaves; Main Storage -> Samples Vault
  for the sample stock of every batch samples were drawn from (an ounce at a
  time, in the vault before the sample is allocated).  Numbers as TERP's
  storage router makes them (``TR-`` + the request time in base 36 + four
  random characters), statuses pending -> in_transit -> received.
* ``site_inventory_counts``: what each site holds of each batch: Main Storage
  the batch's on-hand (the sum of its zone assignments, counted after its last
  movement or transfer), the dock nothing once the van has left (counted
  empty after the last one), the vault what it received less the samples
  handed out; ``reserved_quantity`` what pending transfers out of the site
  hold, as TERP's createTransfer reserves it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from generators.calendar import schedule
from generators.common import at, end_of_day, in_office_hours, setup_day
from generators.sales_extras import GRAMS_PER_LB, LB4, samples
from generators.trade import Batch, trade

# server/services/seedStorage.ts: DEFAULT_SITES, in its order.
SITES = [
    {"code": "SAMPLES", "name": "Samples Vault",
     "description": "Secure storage for product samples and quality control specimens",
     "site_type": "samples", "address": "123 Sample St", "city": "Los Angeles", "state": "CA",
     "zip_code": "90001", "color": "#8B5CF6", "display_order": 1, "is_default": False,
     "operating_hours": {day: {"open": "09:00", "close": "17:00"}
                         for day in ("monday", "tuesday", "wednesday", "thursday", "friday")}},
    {"code": "MAIN", "name": "Main Storage",
     "description": "Primary warehouse for inventory storage and order fulfillment",
     "site_type": "storage", "address": "456 Warehouse Blvd", "city": "Los Angeles", "state": "CA",
     "zip_code": "90002", "color": "#10B981", "display_order": 2, "is_default": True,
     "operating_hours": {**{day: {"open": "06:00", "close": "22:00"}
                            for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
                         "saturday": {"open": "08:00", "close": "16:00"}}},
    {"code": "SHIP", "name": "Shipping Dock", "description": "Outbound shipping and logistics hub",
     "site_type": "shipping", "address": "789 Logistics Way", "city": "Los Angeles", "state": "CA",
     "zip_code": "90003", "color": "#F59E0B", "display_order": 3, "is_default": False,
     "operating_hours": {**{day: {"open": "05:00", "close": "21:00"}
                            for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
                         "saturday": {"open": "06:00", "close": "14:00"}}},
]

# seedStorage.ts: ZONE_TEMPLATES by site type: (code, name, description, temperature
# control, access level, max capacity, color, display order, min temp, max temp).
ZONE_TEMPLATES = {
    "samples": [
        ("VAULT-A", "Sample Vault A", "Primary sample storage - controlled temperature", "controlled",
         "secure", "1000", "#8B5CF6", 1, "18.00", "22.00"),
        ("VAULT-B", "Sample Vault B", "Secondary sample storage - cold", "cold", "secure", "500", "#3B82F6",
         2, "2.00", "8.00"),
        ("QC-LAB", "QC Lab Staging", "Samples awaiting quality control testing", "ambient", "restricted",
         "200", "#F59E0B", 3, None, None),
    ],
    "storage": [
        ("A", "Zone A - Ambient", "General storage at room temperature", "ambient", "public", "10000",
         "#10B981", 1, None, None),
        ("B", "Zone B - Cool", "Temperature-controlled cool storage", "cool", "public", "5000", "#3B82F6", 2,
         "10.00", "15.00"),
        ("C", "Zone C - Cold", "Refrigerated storage", "cold", "restricted", "2500", "#06B6D4", 3,
         "2.00", "8.00"),
        ("D", "Zone D - Secure", "High-security storage for premium products", "controlled", "high_security",
         "1000", "#EF4444", 4, "18.00", "22.00"),
        ("QUARANTINE", "Quarantine Zone", "Isolated storage for products under review", "ambient", "secure",
         "500", "#F97316", 10, None, None),
    ],
    "shipping": [
        ("STAGING", "Staging Area", "Orders staged for pickup or delivery", "ambient", "public", "2000",
         "#F59E0B", 1, None, None),
        ("DOCK-1", "Dock 1 - Outbound", "Primary outbound shipping dock", "ambient", "public", "500",
         "#EF4444", 2, None, None),
        ("DOCK-2", "Dock 2 - Receiving", "Returns and receiving dock", "ambient", "public", "500", "#10B981",
         3, None, None),
        ("PICKUP", "Client Pickup", "Designated area for client order pickups", "ambient", "public", "200",
         "#8B5CF6", 4, None, None),
    ],
}

# batchLocations' (site, zone) names (generators/reference.py SITES) -> (site code, zone code)
ZONE_OF_LOCATION = {
    ("Main Warehouse", "Zone A"): ("MAIN", "A"), ("Main Warehouse", "Zone B"): ("MAIN", "B"),
    ("Main Warehouse", "Zone C"): ("MAIN", "C"), ("Main Warehouse", "Zone D - Secure"): ("MAIN", "D"),
    ("Main Warehouse", "Quarantine"): ("MAIN", "QUARANTINE"),
    ("Samples Vault", "Vault A"): ("SAMPLES", "VAULT-A"),
    ("Shipping Dock", "Staging"): ("SHIP", "STAGING"), ("Shipping Dock", "Will Call"): ("SHIP", "PICKUP"),
}

SAMPLE_STOCK = (Decimal("28") / GRAMS_PER_LB).quantize(LB4)  # an ounce, in pounds
CARRIER = "In-house van"
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _configured(ctx) -> dt.datetime:
    """When seedStorage ran: with the rest of TERP's set-up."""
    return at(setup_day(ctx), 11)


def _site_ids(ctx) -> dict[str, int]:
    return {row["code"]: row["id"] for row in ctx.rows("sites")}


def zone_ids(ctx) -> dict[tuple[str, str], int]:
    """(site code, zone code) -> storage_zones id."""
    codes = {row["id"]: row["code"] for row in ctx.rows("sites")}
    return {(codes[row["site_id"]], row["code"]): row["id"] for row in ctx.rows("storage_zones")}


def sites(ctx):
    created = _configured(ctx)
    return [
        {"id": ctx.id(n), "code": s["code"], "name": s["name"], "description": s["description"],
         "site_type": s["site_type"], "address": s["address"], "city": s["city"], "state": s["state"],
         "zip_code": s["zip_code"], "country": "USA", "contact_name": None, "contact_phone": None,
         "contact_email": None, "operating_hours": s["operating_hours"], "color": s["color"],
         "display_order": s["display_order"], "is_default": s["is_default"], "is_active": True,
         "created_at": created, "updated_at": created, "deleted_at": None}
        for n, s in enumerate(SITES, start=1)
    ]


def storage_zones(ctx):
    """seedStorage's zones, site by site; the capacity in use and the last change as
    TERP's assignBatchToZone leaves them (batch_zone_assignments)."""
    created = _configured(ctx)
    site_ids = _site_ids(ctx)
    held: dict[tuple[str, str], Decimal] = {}
    touched: dict[tuple[str, str], dt.datetime] = {}
    for row in ctx.rows("batchLocations"):
        key = _zone_key(row)
        held[key] = held.get(key, Decimal(0)) + Decimal(row["qty"])
        touched[key] = max(touched.get(key, created), row["createdAt"])
    rows = []
    for site in SITES:
        for code, name, description, temperature, access, capacity, color, order, low, high \
                in ZONE_TEMPLATES[site["site_type"]]:
            key = (site["code"], code)
            rows.append({
                "id": ctx.id(len(rows) + 1), "code": code, "name": name, "description": description,
                "site_id": site_ids[site["code"]], "temperature_control": temperature,
                "zone_access_level": access, "max_capacity": Decimal(capacity),
                "current_capacity": held.get(key, Decimal(0)).quantize(Decimal("0.01")), "capacity_unit": "units",
                "min_temp": Decimal(low) if low else None, "max_temp": Decimal(high) if high else None,
                "color": color, "display_order": order, "is_active": True, "metadata": None,
                "created_at": created, "updated_at": touched.get(key, created), "deleted_at": None,
            })
    return rows


def _zone_key(location: dict) -> tuple[str, str]:
    key = (location["site"], location["zone"])
    if key not in ZONE_OF_LOCATION:
        raise ValueError(f"batchLocations zone {key} has no storage zone (generators/storage.py ZONE_OF_LOCATION)")
    return ZONE_OF_LOCATION[key]


def batch_zone_assignments(ctx):
    zones = zone_ids(ctx)
    placed_by = {b.id: b.received_by for b in ctx.dataset(trade).batches}
    return [
        {"id": ctx.id(n), "batch_id": loc["batchId"], "zone_id": zones[_zone_key(loc)],
         "quantity": Decimal(loc["qty"]), "rack": loc["rack"], "shelf": loc["shelf"], "bin": loc["bin"],
         "assigned_by_id": placed_by[loc["batchId"]], "assigned_at": loc["createdAt"], "notes": None,
         "created_at": loc["createdAt"], "updated_at": loc["updatedAt"]}
        for n, loc in enumerate(ctx.rows("batchLocations"), start=1)
    ]


# --------------------------------------------------------------------------- transfers
@dataclass(slots=True)
class Transfer:
    number: str
    source: str          # site codes
    target: str
    batch: Batch
    quantity: Decimal
    requested: dt.datetime
    shipped: dt.datetime | None
    received: dt.datetime | None
    expected: dt.datetime
    by: int              # requested and shipped by
    receiver: int
    notes: str
    leaves: dt.datetime | None = None   # a dock transfer: when its order left on the van
    id: int = 0

    @property
    def status(self) -> str:
        return "received" if self.received else "in_transit" if self.shipped else "pending"

    @property
    def updated(self) -> dt.datetime:
        return self.received or self.shipped or self.requested


def _base36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = BASE36[r] + out
        if not n:
            return out


def _epoch_ms(moment: dt.datetime) -> int:
    return int((moment - dt.datetime(1970, 1, 1)).total_seconds() * 1000)


@dataclass(slots=True)
class Storage:
    transfers: list[Transfer]


def storage(ctx) -> Storage:
    """The transfers between sites, in the order they were requested."""
    rng = ctx.rng
    end = end_of_day(ctx.window_end)
    orders = {o.id: o for o in ctx.dataset(trade).orders}
    moves: list[Transfer] = []
    # the lines of the orders the van delivered, moved to the dock after packing and
    # received there before the van left
    vans = sorted((orders[ev.entity[1]] for ev in ctx.dataset(schedule).events
                   if ev.kind == "delivery" and ev.entity and ev.entity[0] == "order"),
                  key=lambda o: (o.packed_at, o.id))
    for order in vans:
        leaves, gap = order.shipped_at, order.shipped_at - order.packed_at
        for k, line in enumerate(order.lines):
            if gap >= dt.timedelta(hours=3):  # moved the day the van leaves, requested when packed
                requested = order.packed_at + dt.timedelta(minutes=rng.randint(5, 30) + k)
                received = leaves - dt.timedelta(minutes=rng.randint(20, 60) - k)
                shipped = received - dt.timedelta(minutes=rng.randint(25, 60))
            else:
                requested, shipped, received = (order.packed_at + gap * (f + 0.02 * k) for f in (0.05, 0.25, 0.6))
            moves.append(Transfer(
                "", "MAIN", "SHIP", line.batch, line.qty, requested.replace(microsecond=0),
                shipped.replace(microsecond=0), received.replace(microsecond=0),
                (received + dt.timedelta(minutes=10)).replace(second=0, microsecond=0), order.packed_by,
                order.shipped_by, f"Staged for {order.number}: van delivery to {order.client['name']}",
                leaves=leaves))
    # sample stock: an ounce of a batch to the vault when a sample needs more than it holds,
    # in the order the samples are allocated (still pending ones: when they were asked for)
    vault: dict[int, Decimal] = {}
    for req in sorted(ctx.dataset(samples), key=lambda r: (r.allocated or r.requested, r.id)):
        for _product, grams, batch in req.items:
            need = (grams / GRAMS_PER_LB).quantize(LB4)
            if vault.get(batch.id, Decimal(0)) >= need:
                vault[batch.id] -= need if req.status != "CANCELLED" else 0
                continue
            requested = in_office_hours(rng, req.requested + dt.timedelta(minutes=rng.randint(10, 60)))
            shipped = in_office_hours(rng, requested + dt.timedelta(minutes=rng.randint(15, 90)))
            received = shipped + dt.timedelta(minutes=rng.randint(20, 60))
            if req.allocated and received >= req.allocated:  # in the vault before it is allocated
                span = req.allocated - req.requested
                requested, shipped, received = (req.requested + span * f for f in (0.2, 0.4, 0.7))
            moves.append(Transfer(
                "", "MAIN", "SAMPLES", batch, SAMPLE_STOCK, requested.replace(microsecond=0),
                shipped.replace(microsecond=0) if shipped <= end else None,
                received.replace(microsecond=0) if received <= end else None,
                (requested + dt.timedelta(hours=2)).replace(microsecond=0), req.handler, req.handler,
                f"Sample stock of {batch.code} for sample request {req.id}"))
            vault[batch.id] = vault.get(batch.id, Decimal(0)) + SAMPLE_STOCK
            vault[batch.id] -= need if req.status != "CANCELLED" else 0
    moves = [t for t in moves if t.requested <= end]
    moves.sort(key=lambda t: (t.requested, t.batch.id))
    taken: set[str] = set()
    for n, t in enumerate(moves, start=1):
        t.id = ctx.id(n)
        while not t.number or t.number in taken:
            t.number = f"TR-{_base36(_epoch_ms(t.requested))}-" + "".join(BASE36[rng.randrange(36)]
                                                                        for _ in range(4))
        taken.add(t.number)
    return Storage(moves)


def site_transfers(ctx):
    sites_ = _site_ids(ctx)
    return [
        {"id": t.id, "transfer_number": t.number, "from_site_id": sites_[t.source],
         "to_site_id": sites_[t.target], "batch_id": t.batch.id, "quantity": t.quantity.quantize(LB4),
         "site_transfer_status": t.status, "requested_at": t.requested, "shipped_at": t.shipped,
         "received_at": t.received, "expected_arrival": t.expected, "requested_by_id": t.by,
         "shipped_by_id": t.by if t.shipped else None, "received_by_id": t.receiver if t.received else None,
         "carrier": CARRIER, "tracking_number": None, "notes": t.notes, "destination_zone_id": None,
         "created_at": t.requested, "updated_at": t.updated}
        for t in ctx.dataset(storage).transfers
    ]


def site_inventory_counts(ctx):
    """What each site holds of each batch at the window's end (see the module's doc)."""
    sites_ = _site_ids(ctx)
    transfers = ctx.dataset(storage).transfers
    consumed: dict[int, Decimal] = {}  # sample stock handed out, per batch
    handed: dict[int, dt.datetime] = {}
    for req in ctx.dataset(samples):
        if req.status == "FULFILLED":
            for _product, grams, batch in req.items:
                consumed[batch.id] = consumed.get(batch.id, Decimal(0)) + (grams / GRAMS_PER_LB).quantize(LB4)
                handed[batch.id] = max(handed.get(batch.id, req.done), req.done)
    by_site: dict[tuple[str, int], list[Transfer]] = {}
    for t in transfers:
        by_site.setdefault((t.source, t.batch.id), []).append(t)
        by_site.setdefault((t.target, t.batch.id), []).append(t)
    batches = {b.id: b for b in ctx.dataset(trade).batches}
    rows = []

    def add(site: str, batch_id: int, quantity: Decimal, counted: dt.datetime, by: int, created: dt.datetime):
        out = [t for t in by_site.get((site, batch_id), ()) if t.source == site]
        reserved = sum((t.quantity for t in out if t.status == "pending"), Decimal(0))
        moved = [t.updated for t in by_site.get((site, batch_id), ())]
        rows.append({"id": ctx.id(len(rows) + 1), "site_id": sites_[site], "batch_id": batch_id,
                     "quantity": quantity.quantize(LB4), "reserved_quantity": reserved.quantize(LB4),
                     "last_count_at": counted, "last_count_by_id": by, "created_at": created,
                     "updated_at": max([counted] + moved)})

    for loc in ctx.rows("batchLocations"):
        batch = batches[loc["batchId"]]
        sent = [t.shipped for t in by_site.get(("MAIN", batch.id), ()) if t.shipped]
        add("MAIN", batch.id, Decimal(loc["qty"]), max([loc["updatedAt"]] + sent), batch.received_by,
            batch.received)
    for site in ("SHIP", "SAMPLES"):
        for batch_id in sorted({t.batch.id for t in transfers if t.target == site and t.received}):
            came = [t for t in by_site[(site, batch_id)] if t.target == site and t.received]
            held = sum((t.quantity for t in came), Decimal(0))
            first = min(t.received for t in came)
            if site == "SHIP":  # every staged line has left on its van: the dock counted empty after
                last = max(came, key=lambda t: t.leaves)
                add(site, batch_id, Decimal(0), last.leaves, last.receiver, first)
            else:  # what came in, less the samples handed out of it (counted after the last)
                left = held - consumed.get(batch_id, Decimal(0))
                counted = max([t.received for t in came] + ([handed[batch_id]] if batch_id in handed else []))
                add(site, batch_id, left, counted, came[-1].receiver, first)
    return rows


__all__ = ["SITES", "ZONE_TEMPLATES", "zone_ids", "sites", "storage_zones", "batch_zone_assignments",
           "storage", "site_transfers", "site_inventory_counts"]
