"""TERP's schema step 2026-02-15 -> 2026-05-14 (TERP commit b2e16915): declarations.

Derived from the models: 19 new tables, new columns (batches.isPhotographyComplete,
returns.status, the order_line_items COGS range, orders.shipping, the
supplier_client_id of products and purchaseOrderItems, vendorNotes.client_id,
sampleRequests.dueDate...), new cogsAdjustmentType values, defaults
(fulfillmentStatus now READY_FOR_PACKING, batches.cogsMode FIXED),
purchaseOrders.vendorId nullable, keys and indexes.

Declared here:

* enum columns of the 2026-02-15 tables that the 2026-02-15 export named
  after their drizzle enum (``receipt_transaction_type``, ``zone_access_level``...)
  and the 2026-05-14 export names as TERP's code does (``transaction_type``,
  ``access_level``...): renames, the values stay.  sampleLocationHistory's
  single location became ``toLocation`` (with a new, nullable ``fromLocation``);
* drizzle/0059: fulfillmentStatus PENDING -> READY_FOR_PACKING on orders and
  order_status_history (widen the enum, UPDATE, shrink);
* drizzle/0060: quoteStatus DRAFT -> UNSENT, ACCEPTED folded into CONVERTED;
* drizzle/0061: batches in PHOTOGRAPHY_COMPLETE get isPhotographyComplete = 1
  and become LIVE;
* drizzle/migrations/0062: returns with processed_at are PROCESSED;
* scripts/backfill-ter235-supplier-client-ids.ts: purchaseOrderItems (through
  the parent PO's vendorId) and vendorNotes.client_id from supplier_profiles;
  products.supplier_client_id through the brand's vendor (TERP's script leaves
  products alone; this is the value TERP's screens expect for existing products).
"""

import sqlalchemy as sa

from terpseed.schema.changes import Conversion, Tables, VersionChanges
from terpseed.schema.changes_2025_12_20 import supplier_of


def _photography_flag(t: Tables) -> list:
    b = t.batches
    return [sa.update(b).where(b.c.batchStatus == "PHOTOGRAPHY_COMPLETE").values(isPhotographyComplete=1)]


def _photography_status_back(t: Tables) -> list:
    b = t.batches
    return [sa.update(b).where(b.c.batchStatus == "LIVE", b.c.isPhotographyComplete == 1)
            .values(batchStatus="PHOTOGRAPHY_COMPLETE")]


def _returns_processed(t: Tables) -> list:
    r = t.returns
    return [sa.update(r).where(r.c.processed_at.is_not(None)).values(status="PROCESSED")]


def _supplier_through(t: Tables, parent: sa.TableClause, parent_id) -> sa.ScalarSelect:
    """The supplier client of the vendor a parent row (a purchase order, a
    brand) names, through supplier_profiles.legacy_vendor_id."""
    sp = t.supplier_profiles
    return (sa.select(sp.c.client_id)
            .join(parent, parent.c.vendorId == sp.c.legacy_vendor_id)
            .where(parent.c.id == parent_id).scalar_subquery())


def _supplier_clients(t: Tables) -> list:
    items, notes, products = t.purchaseOrderItems, t.vendorNotes, t.products
    return [
        sa.update(items).where(items.c.supplier_client_id.is_(None), items.c.deletedAt.is_(None))
        .values(supplier_client_id=_supplier_through(t, t.purchaseOrders, items.c.purchaseOrderId)),
        sa.update(notes).where(notes.c.client_id.is_(None), notes.c.deleted_at.is_(None))
        .values(client_id=supplier_of(t, notes.c.vendorId)),
        sa.update(products).where(products.c.supplier_client_id.is_(None))
        .values(supplier_client_id=_supplier_through(t, t.brands, products.c.brandId)),
    ]


CHANGES = VersionChanges(
    version="2026-05-14",
    renamed_columns={
        "receipts": {"receipt_transaction_type": "transaction_type"},
        "storage_zones": {"zone_access_level": "access_level"},
        "vendor_harvest_reminders": {"reminder_status": "status"},
        "variable_markup_rules": {"order_price_adjustment_mode": "adjustment_mode"},
        "order_price_adjustments": {"order_price_adjustment_type": "adjustment_type",
                                    "order_price_adjustment_mode": "adjustment_mode"},
        "sampleRequests": {"sampleLocation": "location"},
        "sampleLocationHistory": {"sampleLocation": "toLocation"},
        "sessionCartItems": {"cartItemStatus": "itemStatus"},
        "site_transfers": {"site_transfer_status": "status"},
        "vendor_payables": {"vendor_payable_status": "status"},
        "payable_notifications": {"payable_notification_type": "notification_type"},
    },
    renamed_values={
        "orders.fulfillmentStatus": {"PENDING": "READY_FOR_PACKING"},
        "order_status_history.fulfillmentStatus": {"PENDING": "READY_FOR_PACKING"},
        "orders.quoteStatus": {"DRAFT": "UNSENT", "ACCEPTED": "CONVERTED"},
        "batches.batchStatus": {"PHOTOGRAPHY_COMPLETE": "LIVE"},
    },
    conversions=(
        Conversion(
            "batches in PHOTOGRAPHY_COMPLETE get isPhotographyComplete = 1 (drizzle/0061),"
            " before the value rename makes them LIVE",
            ("batches",),
            up=_photography_flag,
            down=_photography_status_back,
            cannot_restore="a batch photographed and since put ON_HOLD, SOLD_OUT... keeps its"
            " status: the older schema records the photograph only as a LIVE batch's status",
        ),
        Conversion(
            "returns with processed_at are PROCESSED (drizzle/migrations/0062)",
            ("returns",),
            up=_returns_processed,
        ),
        Conversion(
            "supplier_client_id of purchaseOrderItems (parent PO's vendorId), vendorNotes.client_id"
            " and products (brand's vendor) through supplier_profiles.legacy_vendor_id",
            ("purchaseOrderItems", "vendorNotes", "products"),
            up=_supplier_clients,
        ),
    ),
)
