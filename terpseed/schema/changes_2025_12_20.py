"""TERP's schema step 2025-11-21 -> 2025-12-20 (TERP commit 3d4c5f09): declarations.

Derived from the models (terpseed/schema/diff.py): the new table
``supplier_profiles``, ``deleted_at`` on 44 tables, ``version`` on batches,
clients, invoices and orders, ``supplier_client_id`` on lots and
purchaseOrders, 15 foreign keys on existing columns, 18 indexes, and two
calendar invitation keys that go.  Nothing is renamed or dropped.

Declared here: vendors move into clients (2025-12-16).  TERP's
scripts/migrate-vendors-to-clients.ts (server/services/vendorMappingService.ts,
``merge`` strategy) gives every vendor a client: a client of the same name
(case-insensitive) becomes a seller, otherwise a new client is created
(teri_code ``VEND-`` + the vendor id on 6 digits, a seller and not a buyer);
then one supplier_profiles row per vendor copies its contact, terms and notes,
with ``legacy_vendor_id``.  drizzle/0056 and scripts/backfill-supplier-client-ids.ts
then set lots.supplier_client_id through legacy_vendor_id; purchaseOrders get
theirs the same way from their vendorId.
"""

import sqlalchemy as sa

from terpseed.schema.changes import Conversion, Derived, Tables, VersionChanges


def _vendor_teri_code(vendor_id) -> sa.ColumnElement:
    """``VEND-000123``: TERP's generateTeriCodeForVendor (padStart(6, "0"))."""
    digits = sa.cast(vendor_id, sa.String)
    padded = sa.func.substr(sa.literal("000000", sa.String) + digits, -6, type_=sa.String)
    return sa.literal("VEND-", sa.String) + sa.case((vendor_id > 999999, digits), else_=padded)


def _same_name(a, b) -> sa.ColumnElement:
    return sa.func.lower(a) == sa.func.lower(b)


def _move_vendors(t: Tables) -> list:
    v, c, sp = t.vendors, t.clients, t.supplier_profiles
    live = v.c.deleted_at.is_(None)
    named = sa.select(sa.literal(1)).where(_same_name(v.c.name, c.c.name), live)
    new_clients = (
        sa.select(_vendor_teri_code(v.c.id), v.c.name, v.c.contactEmail, v.c.contactPhone,
                  sa.literal(0), sa.literal(1), sa.literal(0), sa.literal(0), sa.literal(0))
        .where(live, ~sa.exists().where(_same_name(c.c.name, v.c.name)))
        .order_by(v.c.id)
    )
    client_of = sa.select(sa.func.min(c.c.id)).where(_same_name(c.c.name, v.c.name)).scalar_subquery()
    profiles = (
        sa.select(client_of, v.c.contactName, v.c.contactEmail, v.c.contactPhone,
                  v.c.paymentTerms, v.c.notes, v.c.id)
        .where(live).order_by(v.c.id)
    )
    return [
        sa.update(c).where(sa.exists(named)).values(is_seller=1),
        sa.insert(c).from_select(
            ["teri_code", "name", "email", "phone", "is_buyer", "is_seller", "is_brand",
             "is_referee", "is_contractor"], new_clients),
        sa.insert(sp).from_select(
            ["client_id", "contact_name", "contact_email", "contact_phone", "payment_terms",
             "supplier_notes", "legacy_vendor_id"], profiles),
    ]


def supplier_of(t: Tables, vendor_id) -> sa.ScalarSelect:
    """The supplier client of a vendor id, through supplier_profiles.legacy_vendor_id."""
    sp = t.supplier_profiles
    return sa.select(sp.c.client_id).where(sp.c.legacy_vendor_id == vendor_id).scalar_subquery()


def _backfill_lots_and_orders(t: Tables) -> list:
    lots, pos = t.lots, t.purchaseOrders
    return [
        sa.update(lots)
        .where(lots.c.supplier_client_id.is_(None), lots.c.deleted_at.is_(None))
        .values(supplier_client_id=supplier_of(t, lots.c.vendorId)),
        sa.update(pos)
        .where(pos.c.supplier_client_id.is_(None))
        .values(supplier_client_id=supplier_of(t, pos.c.vendorId)),
    ]


CHANGES = VersionChanges(
    version="2025-12-20",
    conversions=(
        Conversion(
            "vendors move into clients (scripts/migrate-vendors-to-clients.ts, merge):"
            " same-named clients become sellers, other vendors get a VEND-nnnnnn client,"
            " every vendor a supplier_profiles row with legacy_vendor_id",
            ("clients", "supplier_profiles"),
            up=_move_vendors,
            cannot_restore="the clients the move created stay, and a merged client keeps"
            " is_seller = 1: what is_seller was before is not recorded, and deleting a"
            " client would cascade through TERP's ON DELETE CASCADE keys",
            derives=(Derived("supplier_profiles", "legacy_vendor_id", "vendors"),),
        ),
        Conversion(
            "lots.supplier_client_id (drizzle/0056) and purchaseOrders.supplier_client_id"
            " from vendorId through supplier_profiles.legacy_vendor_id",
            ("lots", "purchaseOrders"),
            up=_backfill_lots_and_orders,
        ),
    ),
)
