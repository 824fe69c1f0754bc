"""Procurement and inventory: purchase orders, intake, lots, batches and every
movement of their stock, projected from the trading simulation (trade.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from generators.access import staff_with_job
from generators.common import pick, stringified_json
from generators.trade import TERM_DAYS, q2, supply, trade


def qty_text(value: Decimal) -> str:
    """Quantities kept as text, the way TERP writes them (4 decimals)."""
    return f"{Decimal(value):.4f}"


def signed_text(value: Decimal) -> str:
    return f"{Decimal(value):+.4f}"


def _ms(moment: dt.datetime) -> int:
    return int((moment - dt.datetime(1970, 1, 1)).total_seconds() * 1000)


def _received_batches(ctx):
    return ctx.dataset(supply).batches


# --------------------------------------------------------------------- procurement
def intake_sessions(ctx):
    rows = []
    for n, batch in enumerate(_received_batches(ctx), start=1):
        total = q2(batch.qty_in * batch.unit_cogs)
        done = batch.received + dt.timedelta(hours=2)
        rows.append({
            "id": ctx.id(n), "session_number": f"INTAKE-{_ms(batch.received)}",
            "vendor_id": batch.supplier_client_id, "status": "COMPLETED",
            "receive_date": batch.received.date(), "received_by": batch.received_by,
            "paymentTerms": batch.terms,
            "payment_due_date": None if batch.terms in ("CONSIGNMENT", "COD")
            else batch.received.date() + dt.timedelta(days=TERM_DAYS[batch.terms]),
            "total_amount": total, "amount_paid": Decimal("0.00"),  # the finance revision pays
            "internal_notes": f"{batch.product.name}: {batch.qty_in} {batch.product.uom.lower()} received",
            "vendor_notes": "Consigned: paid as it sells" if batch.terms == "CONSIGNMENT" else None,
            "receipt_generated": True, "receipt_generated_at": done,
            "created_at": batch.received, "updated_at": done, "completed_at": done,
        })
    return rows


def purchaseOrders(ctx):
    sup = ctx.dataset(supply)
    sessions = ctx.rows("intake_sessions")
    rows = []
    for po in sup.purchase_orders:
        subtotal = q2(sum((qty * cost for _p, qty, _r, cost in po.items), Decimal(0)))
        session = sessions[po.intake_index]["id"] if po.intake_index is not None else None
        last = po.confirmed_at or po.sent_at or po.ordered
        if po.delivered:
            last = max(last, sup.batches[po.intake_index].received)
        rows.append({
            "id": po.id, "poNumber": po.number, "vendorId": po.vendor_id, "intakeSessionId": session,
            "purchaseOrderStatus": po.status, "orderDate": po.ordered.date(),
            "expectedDeliveryDate": po.expected, "actualDeliveryDate": po.delivered,
            "subtotal": subtotal, "tax": Decimal("0.00"), "shipping": Decimal("0.00"), "total": subtotal,
            "paymentTerms": po.terms,
            "paymentDueDate": None if po.terms == "CONSIGNMENT" else po.expected + dt.timedelta(days=30),
            "notes": "Cancelled: grower sold the lot elsewhere" if po.status == "CANCELLED" else None,
            "vendorNotes": None, "createdBy": po.created_by, "createdAt": po.ordered,
            "updatedAt": last, "sentAt": po.sent_at, "confirmedAt": po.confirmed_at,
        })
    return rows


def purchaseOrderItems(ctx):
    rows = []
    for po in ctx.dataset(supply).purchase_orders:
        for product, ordered, received, cost in po.items:
            rows.append({
                "id": ctx.id(len(rows) + 1), "purchaseOrderId": po.id, "productId": product.id,
                "quantityOrdered": ordered, "quantityReceived": received, "unitCost": cost,
                "totalCost": q2(ordered * cost), "notes": None,
                "createdAt": po.ordered, "updatedAt": po.ordered,
            })
    return rows


def lots(ctx):
    return [
        {"id": b.lot_id, "code": b.lot_code, "vendorId": b.vendor_id, "date": b.received,
         "notes": f"{b.product.name} from intake {b.received:%Y-%m-%d}",
         "createdAt": b.received, "updatedAt": b.received}
        for b in _received_batches(ctx)
    ]


# --------------------------------------------------------------------- inventory
def _trade_batches(ctx):
    return ctx.dataset(trade).batches


def _status_ids(ctx) -> dict[str, int]:
    return {row["slug"]: row["id"] for row in ctx.rows("workflow_statuses")}


def batches(ctx):
    status_ids = _status_ids(ctx)
    rows = []
    for b in _trade_batches(ctx):
        updated = max([b.received, b.last_moved] + [when for _s, when in b.status_changes])
        rows.append({
            "id": b.id, "code": b.code, "sku": b.sku, "productId": b.product.id, "lotId": b.lot_id,
            "batchStatus": b.batch_status, "statusId": status_ids[b.status_slug], "grade": b.grade,
            "isSample": 0, "sampleOnly": 0, "sampleAvailable": 1 if b.remaining > 0 else 0,
            "cogsMode": b.cogs_mode, "unitCogs": f"{b.unit_cogs:.2f}",
            "unitCogsMin": f"{b.cogs_range[0]:.2f}" if b.cogs_range else None,
            "unitCogsMax": f"{b.cogs_range[1]:.2f}" if b.cogs_range else None,
            "paymentTerms": b.terms, "amountPaid": "0.00",  # the finance revision pays
            "metadata": None if b.incomplete else stringified_json(_metadata(ctx, b)),
            "photo_session_event_id": None,
            "onHandQty": qty_text(b.remaining), "sampleQty": qty_text(b.sample_qty),
            "reservedQty": qty_text(0), "quarantineQty": qty_text(b.quarantine_qty),
            "holdQty": qty_text(b.hold_qty), "defectiveQty": qty_text(b.defective_qty),
            "publishEcom": 0, "publishB2b": 1 if b.batch_status in ("LIVE", "PHOTOGRAPHY_COMPLETE") else 0,
            "createdAt": b.received, "updatedAt": updated,
        })
    return rows


def _metadata(ctx, b) -> dict:
    seed = b.id % 1000
    if b.product.tier:
        return {"sourcing": {"growMethod": b.product.tier.lower(), "region": "Northern California"},
                "testResults": {"thc": round(18 + (seed % 130) / 10, 1), "cbd": round((seed % 7) / 10, 1),
                                "labName": "SC Labs", "testDate": f"{b.received:%Y-%m-%d}"}}
    return {"packaging": {"type": b.product.subcategory, "size": "1 unit"}}


def batchLocations(ctx):
    rows = []
    for b in _trade_batches(ctx):
        if b.batch_status == "QUARANTINED":
            place, qty = ("Main Warehouse", "Quarantine", "Rack Q", "Shelf 1", None), b.quarantine_qty
        else:
            zone = {"Indoor": "Zone A", "Deps": "Zone B", "Outdoor": "Zone B"}.get(b.product.tier, "Zone C")
            rack = f"Rack {1 + b.id % 2}" if zone != "Zone C" else "Rack 1"
            place, qty = ("Main Warehouse", zone, rack, f"Shelf {1 + b.id % 2}", f"Bin {1 + b.id % 2}"), b.remaining
        site, zone, rack, shelf, bin_ = place
        rows.append({"id": ctx.id(len(rows) + 1), "batchId": b.id, "site": site, "zone": zone,
                     "rack": rack, "shelf": shelf, "bin": bin_, "qty": qty_text(qty),
                     "createdAt": b.received, "updatedAt": b.last_moved or b.received})
    return rows


def intake_session_batches(ctx):
    sessions = ctx.rows("intake_sessions")
    rows = []
    for n, (session, b) in enumerate(zip(sessions, _trade_batches(ctx)), start=1):
        rows.append({
            "id": ctx.id(n), "intake_session_id": session["id"], "batch_id": b.id,
            "received_qty": b.qty_in, "unit_cost": b.unit_cogs, "total_cost": q2(b.qty_in * b.unit_cogs),
            "internal_notes": f"Grade {b.grade}" if b.grade else None,
            "vendor_notes": None,
            "cogs_agreement": (f"Consignment: {b.unit_cogs}/{b.product.uom.lower()} paid as sold"
                               if b.terms == "CONSIGNMENT" else f"{b.terms}: {b.unit_cogs}/{b.product.uom.lower()}"),
            "created_at": b.received, "updated_at": b.received,
        })
    return rows


def batch_status_history(ctx):
    ids = _status_ids(ctx)
    checkers = staff_with_job(ctx, "Compliance Officer") + staff_with_job(ctx, "Inventory Manager")
    rows = []
    for b in _trade_batches(ctx):
        previous = None
        for slug, when in b.workflow + b.status_changes:
            rows.append({
                "id": ctx.id(len(rows) + 1), "batchId": b.id,
                "fromStatusId": ids[previous] if previous else None, "toStatusId": ids[slug],
                "changedBy": b.received_by if slug in ("intake-queue", "packaging", "ready-for-sale")
                else pick(ctx.rng, checkers)["id"],
                "notes": _status_note(b, slug), "createdAt": when,
            })
            previous = slug
    return rows


def _status_note(b, slug: str) -> str | None:
    if slug == "on-hold":
        return "Quarantined: failed retest" if b.batch_status == "QUARANTINED" else "Held for a client"
    return {"intake-queue": "Received", "lab-testing": "Sent to the lab",
            "ready-for-sale": "Passed QC and testing"}.get(slug)


def inventoryMovements(ctx):
    rows = []
    for b in _trade_batches(ctx):
        on_hand = Decimal(0)
        for when, kind, change, ref_type, ref_id, reason, user in b.movements:
            before, on_hand = on_hand, on_hand + change
            rows.append({
                "id": ctx.id(len(rows) + 1), "batchId": b.id, "inventoryMovementType": kind,
                "quantityChange": signed_text(change), "quantityBefore": qty_text(before),
                "quantityAfter": qty_text(on_hand), "referenceType": ref_type,
                "referenceId": ref_id if ref_type != "INTAKE" else b.lot_id,
                "reason": reason, "performedBy": user, "createdAt": when,
            })
    return rows


def code_sequences(ctx):
    """lot_code and batch_code sequences move past the codes the seed used."""
    received = _received_batches(ctx)
    used, last = 1000 + len(received), max(b.received for b in received)
    return [{"id": row["id"], "currentValue": used, "updatedAt": last} for row in ctx.rows("sequences")
            if row["name"] in ("lot_code", "batch_code")]
