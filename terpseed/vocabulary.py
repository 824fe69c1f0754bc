"""What TERP's values may be: lifecycles and the vocabularies of varchar
columns the DDL does not constrain.  The generators write these values and
the integrity checks (checks/) hold any database to them."""

from __future__ import annotations

# The batch workflow queue (batch_status_history, by workflow_statuses.slug):
# from -> allowed next.  None: a batch's first entry.
WORKFLOW_TRANSITIONS: dict[str | None, set[str]] = {
    None: {"intake-queue"},
    "intake-queue": {"quality-check", "on-hold"},
    "quality-check": {"lab-testing", "on-hold"},
    "lab-testing": {"packaging", "on-hold"},
    "packaging": {"ready-for-sale", "on-hold"},
    "ready-for-sale": {"on-hold"},
    "on-hold": {"ready-for-sale", "quality-check"},
}

# An order's fulfilment moves forward only: PENDING -> PACKED -> SHIPPED.
FULFILLMENT_ORDER = ["PENDING", "PACKED", "SHIPPED"]

# Varchar columns that hold one of a known set of values.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "deployments.status": ("pending", "building", "deploying", "success", "failed"),
    "client_interest_lists.status": ("NEW", "REVIEWED", "CONVERTED", "ARCHIVED"),
    "cogsHistory.changeType": ("retroactive", "prospective", "both"),
    "order_audit_log.action": ("CREATE_DRAFT", "UPDATE_DRAFT", "FINALIZE", "DELETE", "COGS_OVERRIDE",
                               "MARGIN_OVERRIDE", "ADJUSTMENT_CHANGE", "LINE_ITEM_ADD",
                               "LINE_ITEM_REMOVE", "LINE_ITEM_UPDATE"),
    "products.uomSellable": ("EA", "G", "OZ", "LB", "KG", "ML", "L", "PKG", "PK5", "BOX", "PK10",
                             "CASE", "CASE24", "PALLET"),
    "userDashboardPreferences.activeLayout": ("executive", "operations", "sales", "custom"),
    "users.role": ("user", "admin"),
    "invoices.paymentTerms": ("COD", "NET_7", "NET_15", "NET_30", "CONSIGNMENT", "PARTIAL"),
    "bills.paymentTerms": ("COD", "NET_7", "NET_15", "NET_30", "CONSIGNMENT", "PARTIAL"),
}

# Money and quantities TERP keeps as text: each must parse as a number.
NUMERIC_TEXT: tuple[str, ...] = (
    "paymentHistory.amount", "credits.creditAmount", "credits.amountUsed", "credits.amountRemaining",
    "creditApplications.amountApplied", "transactions.amount", "transactionLinks.linkAmount",
    "batches.unitCogs", "batches.unitCogsMin", "batches.unitCogsMax", "batches.amountPaid",
    "batches.onHandQty", "batches.sampleQty", "batches.reservedQty", "batches.quarantineQty",
    "batches.holdQty", "batches.defectiveQty", "batchLocations.qty", "sales.quantity",
    "sales.cogsAtSale", "sales.salePrice", "cogsHistory.oldCogs", "cogsHistory.newCogs",
    "inventoryMovements.quantityChange", "inventoryMovements.quantityBefore",
    "inventoryMovements.quantityAfter", "sampleAllocations.allocatedQuantity",
    "sampleAllocations.usedQuantity", "sampleAllocations.remainingQuantity",
)

# JSON columns and how TERP's readers need them stored (../shared/terp/app-facts.md,
# section 5; README, "JSON as TERP writes it"): "stringified" where TERP's own code
# double-encodes the value and its readers JSON.parse what they get (a JSON string
# whose content is the JSON), "array" or "object" where its readers map or index the
# value itself.
JSON_ENCODINGS: dict[str, str] = {
    "orders.items": "stringified",
    "returns.items": "stringified",
    "order_audit_log.changes": "stringified",
    "sampleRequests.products": "stringified",
    "pricing_profiles.rules": "array",
    "pricing_rules.conditions": "object",
    "clients.tags": "array",
    "freeform_notes.content": "object",
    "userDashboardPreferences.widgetConfig": "array",
    # TERP 2026-02-15 and later (checked on databases of those versions)
    "notifications.metadata": "object",
    "feature_flag_audit_logs.new_value": "object",
    "dashboard_widget_configs.config": "object",
}

# Tables a seed leaves empty on purpose (../shared/terp/tables-after-2025-11-21.md
# §5): the running application's own state, which seeded rows would corrupt.
# The coverage table (tools/coverage_table.py) and the empty_tables check
# (checks/library.py) report them as empty by design, apart from the tables the
# seeds do not fill yet.
EMPTY_BY_DESIGN: dict[str, str] = {
    "cron_leader_lock": "the lease a running TERP instance takes to run the cron jobs:"
                        " a seeded row would block them until it expired",
    "idempotency_keys": "stored results of mutations, keyed by request:"
                        " seeded keys would make real requests replay fake results",
    "demo_media_blobs": "image bytes of demo deployments: product_images point at media URLs instead",
    "leaderboard_metric_cache": "a cache with an expiry that the leaderboard service recomputes",
}
