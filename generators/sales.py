"""Sales: orders and quotes, their lines, fulfilment history, sales and returns,
projected from the trading simulation (trade.py).

orders.items and returns.items are written as TERP's own code writes them: a JSON
string whose content is the JSON of the lines ("S", app-facts section 5), the
encoding its quote conversion, draft confirmation, profitability and return
history read (README, "JSON as TERP writes it")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from generators.common import stringified_json
from generators.inventory import qty_text
from generators.trade import TERM_DAYS, q2, trade

ZERO = Decimal("0.00")


def _orders(ctx):
    return sorted(ctx.dataset(trade).orders, key=lambda o: o.id)


def _number(value: Decimal) -> int | float:
    """A number as JavaScript writes it: 3, not 3.0."""
    return int(value) if value == value.to_integral_value() else float(value)


def _item(line) -> dict:
    """One entry of orders.items: the same line as its order_line_items row, keys in the
    order of TERP's createOrder."""
    return {
        "batchId": line.batch.id, "displayName": line.batch.product.name,
        "originalName": line.batch.product.name, "quantity": _number(line.qty),
        "unitPrice": _number(line.unit_price), "isSample": line.is_sample,
        "unitCogs": _number(line.unit_cogs), "cogsMode": line.batch.cogs_mode,
        "cogsSource": "MANUAL" if line.cogs_overridden else line.batch.cogs_mode,
        "unitMargin": _number(line.unit_price - line.unit_cogs),
        "marginPercent": _number(line.margin_percent), "lineTotal": _number(line.line_total),
        "lineCogs": _number(line.line_cogs), "lineMargin": _number(line.margin_dollar),
    }


def _notes(order) -> str | None:
    if order.sale_status == "CANCELLED":
        return "Cancelled by the client before packing"
    if order.anomaly == "comp":
        return "Complimentary: no charge"
    return None


def _last_event(order) -> dt.datetime:
    return max(t for t in (order.created, order.confirmed_at, order.packed_at, order.shipped_at,
                           order.cancelled_at, order.converted_at) if t is not None)


def orders(ctx):
    rows = []
    for o in _orders(ctx):
        sale = o.kind == "SALE"
        subtotal = o.subtotal
        due = o.due_date if o.due_date else (
            o.confirmed_at.date() + dt.timedelta(days=TERM_DAYS[o.terms]) if sale else None)
        rows.append({
            "id": o.id, "order_number": o.number, "orderType": o.kind,
            "is_draft": o.quote_status == "DRAFT", "client_id": o.client["id"],
            "client_need_id": None, "intake_event_id": None,
            "items": stringified_json([_item(line) for line in o.lines]),
            "subtotal": subtotal, "tax": ZERO, "discount": o.discount, "total": o.total,
            # an incomplete order came by TERP's enhanced path, which writes no totals of cost
            "total_cogs": None if o.incomplete else o.total_cogs,
            "total_margin": None if o.incomplete else o.total_margin,
            "avg_margin_percent": q2(o.total_margin * 100 / subtotal) if subtotal else ZERO,
            "valid_until": o.valid_until, "quoteStatus": o.quote_status, "paymentTerms": o.terms,
            "cash_payment": (o.cash_payment or None) if o.incomplete else o.cash_payment if sale else ZERO,
            "due_date": due,
            "saleStatus": o.sale_status if sale else None, "invoice_id": None,
            "fulfillmentStatus": o.fulfillment, "packed_at": o.packed_at, "packed_by": o.packed_by,
            "shipped_at": o.shipped_at, "shipped_by": o.shipped_by,
            "converted_from_order_id": o.converted_from.id if o.converted_from else None,
            "converted_at": o.converted_at, "confirmed_at": o.confirmed_at,
            "related_sample_request_id": None,
            "notes": _notes(o),
            "created_by": o.rep, "created_at": o.created, "updated_at": _last_event(o),
        })
    return rows


def order_line_items(ctx):
    rows = []
    for o in _orders(ctx):
        for line in o.lines:
            rows.append({
                "id": line.id, "order_id": o.id, "batch_id": line.batch.id,
                "product_display_name": None if o.incomplete else line.batch.product.name,
                "quantity": line.qty,
                "cogs_per_unit": line.unit_cogs, "original_cogs_per_unit": line.original_cogs,
                "is_cogs_overridden": line.cogs_overridden,
                "cogs_override_reason": "Priced inside the batch's COGS range" if line.cogs_overridden else None,
                "margin_percent": line.margin_percent, "margin_dollar": line.margin_dollar,
                "is_margin_overridden": line.margin_overridden, "margin_source": line.margin_source,
                "unit_price": line.unit_price, "line_total": line.line_total, "is_sample": line.is_sample,
                "created_at": o.created, "updated_at": o.created,
            })
    return sorted(rows, key=lambda r: r["id"])


def order_status_history(ctx):
    rows = []
    for o in _orders(ctx):
        steps = [("PENDING", o.created, o.rep, "Order created")]
        if o.packed_at:
            steps.append(("PACKED", o.packed_at, o.packed_by, None))
        if o.shipped_at:
            steps.append(("SHIPPED", o.shipped_at, o.shipped_by, "Delivered by our van"))
        for status, when, who, note in steps:
            rows.append({"id": ctx.id(len(rows) + 1), "order_id": o.id, "fulfillmentStatus": status,
                         "changed_by": who, "changed_at": when, "notes": note})
    return rows


def sales(ctx):
    """TERP's per-line sales ledger: one row per line of every sale not cancelled."""
    rows = []
    for o in _orders(ctx):
        if o.kind != "SALE" or o.sale_status == "CANCELLED":
            continue
        for line in o.lines:
            rows.append({
                "id": ctx.id(len(rows) + 1), "batchId": line.batch.id,
                "productId": line.batch.product.id, "quantity": qty_text(line.qty),
                "cogsAtSale": f"{line.unit_cogs:.2f}", "salePrice": f"{line.unit_price:.2f}",
                "cogsOverride": 1 if line.cogs_overridden else 0, "customerId": o.client["id"],
                "saleDate": o.confirmed_at, "notes": None, "createdBy": o.rep,
                "createdAt": o.confirmed_at, "updatedAt": o.confirmed_at,
            })
    return rows


def returns(ctx):
    return [
        {"id": r.id, "order_id": r.order.id,
         "items": stringified_json([{"orderLineItemId": r.line.id, "batchId": r.line.batch.id,
                                     "quantity": _number(r.qty), "reason": r.reason}]),
         "returnReason": r.reason,
         "notes": f"{r.qty} {r.line.batch.product.uom.lower()} of {r.line.batch.product.name}",
         "processed_by": r.processed_by, "processed_at": r.processed_at}
        for r in ctx.dataset(trade).returns
    ]
