"""The relationship map: every reference between TERP tables, declared or not.

Declared foreign keys come from the schema model.  The DDL leaves many
references undeclared (see ../shared/terp/README.md); they are listed here,
one line each, so that seed ordering, the downgrade's look-before-delete and
the integrity checks all read the same map.  A new reference is one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa

from terpseed.schema import metadata


@dataclass(frozen=True)
class Reference:
    table: str
    column: str
    target_table: str
    target_column: str
    declared: bool
    on_delete: str | None = None  # declared keys only

    def __str__(self) -> str:
        return f"{self.table}.{self.column} -> {self.target_table}.{self.target_column}"


# table.column -> table.column (the column holds the target's value; users.id
# stored as text in a varchar is still a reference).
UNDECLARED = """
accounts.parentAccountId -> accounts.id
auditLogs.actorId -> users.id
bankAccounts.ledgerAccountId -> accounts.id
bankTransactions.bankAccountId -> bankAccounts.id
bankTransactions.paymentId -> payments.id
batchLocations.batchId -> batches.id
batches.productId -> products.id
batches.lotId -> lots.id
billLineItems.billId -> bills.id
billLineItems.productId -> products.id
billLineItems.lotId -> lots.id
bills.vendorId -> vendors.id
brands.vendorId -> vendors.id
client_draft_interests.batch_id -> batches.id
client_interest_list_items.batch_id -> batches.id
client_interest_lists.converted_to_order_id -> orders.id
client_meeting_history.client_id -> clients.id
client_price_alerts.batch_id -> batches.id
clients.pricing_profile_id -> pricing_profiles.id
cogsHistory.batchId -> batches.id
expenseCategories.parentCategoryId -> expenseCategories.id
expenseCategories.ledgerAccountId -> accounts.id
expenses.categoryId -> expenseCategories.id
expenses.vendorId -> vendors.id
expenses.bankAccountId -> bankAccounts.id
expenses.billId -> bills.id
invoiceLineItems.invoiceId -> invoices.id
invoiceLineItems.productId -> products.id
invoiceLineItems.batchId -> batches.id
invoices.customerId -> clients.id
ledgerEntries.accountId -> accounts.id
ledgerEntries.fiscalPeriodId -> fiscalPeriods.id
lots.vendorId -> vendors.id
note_comments.parentCommentId -> note_comments.id
order_audit_log.order_id -> orders.id
order_audit_log.user_id -> users.id
order_line_items.order_id -> orders.id
order_line_items.batch_id -> batches.id
orders.client_need_id -> client_needs.id
orders.invoice_id -> invoices.id
orders.related_sample_request_id -> sampleRequests.id
paymentHistory.batchId -> batches.id
paymentHistory.vendorId -> vendors.id
payments.bankAccountId -> bankAccounts.id
payments.customerId -> clients.id
payments.vendorId -> clients.id
payments.invoiceId -> invoices.id
payments.billId -> bills.id
productMedia.productId -> products.id
productSynonyms.productId -> products.id
productTags.productId -> products.id
productTags.tagId -> tags.id
products.brandId -> brands.id
products.strainId -> strains.id
sales.batchId -> batches.id
sales.productId -> products.id
sales.customerId -> clients.id
strains.parentStrainId -> strains.id
subcategories.categoryId -> categories.id
user_permission_overrides.user_id -> users.openId
user_roles.user_id -> users.openId
user_roles.assigned_by -> users.openId
user_permission_overrides.granted_by -> users.openId
fiscalPeriods.closedBy -> users.id
productMedia.uploadedBy -> users.id
unit_types.base_unit_code -> unit_types.code
feature_flags.module -> feature_flags.key
feature_flags.depends_on -> feature_flags.key
feature_flag_role_overrides.created_by -> users.openId
feature_flag_user_overrides.user_open_id -> users.openId
feature_flag_user_overrides.created_by -> users.openId
feature_flag_audit_logs.actor_open_id -> users.openId
supplier_profiles.legacy_vendor_id -> vendors.id
"""

# Polymorphic pairs: (table, type column, id column) -> {type value: target
# table}; a type mapped to None carries no id, one mapped to a number has no
# table and always that id.  Types not listed are unknown: the integrity checks
# report them.  Maps grow with the domains that write them.
# TERP's comment widget (and the inbox, which links back to it) knows four
# types; its dashboard files every comment under id 1.
TERP_COMMENTABLE: dict[str, str | int | None] = {
    "inventory_batch": "batches", "client": "clients", "task": "todo_tasks", "dashboard": 1}
POLYMORPHIC: dict[tuple[str, str, str], dict[str, str | int | None]] = {
    ("alert_configurations", "target_type", "target_id"): {
        "GLOBAL": None, "BATCH": "batches", "CLIENT": "clients", "PRODUCT": "products",
        "CATEGORY": "categories"},
    ("auditLogs", "entity", "entityId"): {
        "order": "orders", "invoice": "invoices", "batch": "batches", "client": "clients",
        "payment": "payments", "user": "users"},
    ("bills", "referenceType", "referenceId"): {"LOT": "lots"},
    ("calendar_event_permissions", "grant_type", "grantee_id"): {"USER": "users", "ROLE": "roles"},
    ("calendar_events", "entity_type", "entity_id"): {
        "client": "clients", "lot": "lots", "batch": "batches", "invoice": "invoices", "order": "orders"},
    ("comments", "commentable_type", "commentable_id"): TERP_COMMENTABLE,
    ("inbox_items", "source_type", "source_id"): {
        "mention": "comments", "task_assignment": "todo_tasks", "task_update": "todo_tasks"},
    ("inbox_items", "reference_type", "reference_id"): TERP_COMMENTABLE,
    ("inventoryMovements", "referenceType", "referenceId"): {
        "INTAKE": "lots", "ORDER": "orders", "RETURN": "returns",
        "MANUAL_ADJUSTMENT": None, "QUALITY_HOLD": None},
    ("invoices", "referenceType", "referenceId"): {"ORDER": "orders", "OPENING_BALANCE": None},
    ("ledgerEntries", "referenceType", "referenceId"): {
        "INVOICE": "invoices", "PAYMENT": "payments", "BILL": "bills", "EXPENSE": "expenses",
        "CREDIT": "credits", "RETURN": "returns", "BANK_FEE": "bankTransactions",
        "INTEREST": "bankTransactions", "LOAN_DRAW": "bankTransactions", "OPENING_BALANCE": None},
}

# Ids of rows in other systems: nothing in the database to point at.
EXTERNAL = [
    "deployments.doDeploymentId", "deployments.githubDeliveryId", "strains.openthcId",
    "users.openId", "vip_portal_auth.google_id", "vip_portal_auth.microsoft_id",
]


def _parse(line: str) -> Reference:
    source, target = (part.strip() for part in line.split("->"))
    table, column = source.split(".")
    target_table, target_column = target.split(".")
    return Reference(table, column, target_table, target_column, declared=False)


def _in(model: sa.MetaData, table: str, column: str) -> bool:
    return table in model.tables and column in model.tables[table].c


@lru_cache(maxsize=None)
def _all_undeclared() -> tuple[Reference, ...]:
    """Every undeclared reference listed, each checked against the TERP versions
    that have its table (a reference of a table added in 2026 is listed once)."""
    from terpseed.schema.versions import VERSIONS

    refs = tuple(_parse(line) for line in UNDECLARED.strip().splitlines() if line.strip())
    for ref in refs:
        if not any(_in(v.metadata, ref.table, ref.column) and _in(v.metadata, ref.target_table, ref.target_column)
                   for v in VERSIONS):
            raise ValueError(f"relations: {ref} is in no TERP schema version's model")
    return refs


@lru_cache(maxsize=None)
def declared(model: sa.MetaData | None = None) -> tuple[Reference, ...]:
    """The foreign keys ``model`` declares (the first TERP version's by default)."""
    model = model if model is not None else metadata
    refs = []
    for table in model.tables.values():
        for fk in table.foreign_keys:
            refs.append(Reference(
                table.name, fk.parent.name, fk.column.table.name, fk.column.name,
                declared=True, on_delete=(fk.constraint.ondelete or "NO ACTION").upper(),
            ))
    return tuple(sorted(refs, key=str))


@lru_cache(maxsize=None)
def undeclared(model: sa.MetaData | None = None) -> tuple[Reference, ...]:
    """The undeclared references among ``model``'s tables and columns."""
    model = model if model is not None else metadata
    return tuple(r for r in _all_undeclared()
                 if _in(model, r.table, r.column) and _in(model, r.target_table, r.target_column))


def references(model: sa.MetaData | None = None) -> tuple[Reference, ...]:
    return declared(model) + undeclared(model)


def parents(table: str, *, include_undeclared: bool = True) -> set[str]:
    refs = references() if include_undeclared else declared()
    return {r.target_table for r in refs if r.table == table and r.target_table != table}


@lru_cache(maxsize=None)
def tiers() -> dict[str, int]:
    """Tier of each table by declared keys: one more than its highest parent."""
    tier: dict[str, int] = {}

    def visit(name: str, path: tuple[str, ...] = ()) -> int:
        if name not in tier:
            if name in path:
                raise ValueError(f"foreign keys form a cycle: {' -> '.join(path + (name,))}")
            ps = parents(name, include_undeclared=False)
            tier[name] = 1 + max((visit(p, path + (name,)) for p in ps), default=-1)
        return tier[name]

    for name in metadata.tables:
        visit(name)
    return tier
