"""What TERP writes into an empty database by itself (../shared/terp/app-facts.md
§6): its migrations' workflow statuses and lot/batch sequences, and its
startup's RBAC (255 permissions, 10 roles, their grants), admin user with
Super Admin, default locations, categories and subcategories, grades,
expense categories and chart of accounts, and the payment methods.  Inserted
the way TERP does, with AUTO_INCREMENT ids: a database TERP ran on first."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from generators.rbac_catalog import ROLES, permission_list, role_grants
from terpseed.schema import metadata
from tests.support import db_engine

STAMP = dt.datetime(2025, 11, 3, 9, 0, 0)
WORKFLOW = [("Intake Queue", "intake-queue", "#EF4444", 1), ("Quality Check", "quality-check", "#F59E0B", 2),
            ("Lab Testing", "lab-testing", "#3B82F6", 3), ("Packaging", "packaging", "#8B5CF6", 4),
            ("Ready for Sale", "ready-for-sale", "#10B981", 5), ("On Hold", "on-hold", "#6B7280", 6)]
PAYMENT_METHODS = [("CASH", "Cash"), ("CHECK", "Check"), ("CREDIT_CARD", "Credit Card"),
                   ("DEBIT_CARD", "Debit Card"), ("ACH", "ACH Transfer"), ("WIRE", "Wire Transfer"),
                   ("PAYPAL", "PayPal"), ("VENMO", "Venmo"), ("ZELLE", "Zelle"), ("OTHER", "Other")]
CATEGORIES = {"Flower": ["Outdoor", "Deps", "Indoor", "Smalls", "Trim"],
              "Concentrates": ["Shatter", "Wax", "Live Resin", "Rosin", "Distillate", "Crumble", "Budder"],
              "Vapes": ["Cartridge", "All in One"], "Bulk Oil": [],
              "Manufactured Products": ["Preroll", "Edible", "Tincture", "Topical", "Accessory"]}
GRADES = [("A", "Top shelf quality"), ("B", "Mid-tier quality"), ("C", "Budget quality"), ("D", "Economy quality")]
EXPENSES = {"Rent/Lease": [], "Utilities": ["Electricity", "Water", "Gas", "Internet/Phone"],
            "Payroll/Wages": ["Salaries", "Benefits", "Payroll Taxes"],
            "Marketing/Advertising": ["Digital Advertising", "Print Advertising", "Events & Sponsorships"],
            "Office Supplies": [], "Insurance": [], "Professional Services": ["Legal", "Accounting", "Consulting"],
            "Travel": [], "Maintenance/Repairs": []}
ACCOUNTS = [("1000", "Cash", "ASSET", "DEBIT"), ("1100", "Accounts Receivable", "ASSET", "DEBIT"),
            ("1200", "Inventory", "ASSET", "DEBIT"), ("2000", "Accounts Payable", "LIABILITY", "CREDIT"),
            ("3000", "Owner's Equity", "EQUITY", "CREDIT"), ("3100", "Retained Earnings", "EQUITY", "CREDIT"),
            ("4000", "Sales Revenue", "REVENUE", "CREDIT"), ("5000", "Cost of Goods Sold", "EXPENSE", "DEBIT"),
            ("5100", "Operating Expenses", "EXPENSE", "DEBIT")]
LOCATIONS = [("Main Warehouse", None, None, None, None)] + [
    ("Main Warehouse", zone, rack, shelf, bin_) for zone in ("Zone A", "Zone B", "Zone C")
    for rack, shelf, bin_ in (("Rack 1", "Shelf 1", "Bin 1"), ("Rack 1", "Shelf 1", "Bin 2"), ("Rack 1", "Shelf 2", "Bin 1"))]


def insert_terp_startup_rows(url: str) -> None:
    t = metadata.tables
    engine = db_engine(url)
    with engine.begin() as conn:
        def add(table, **values):
            return conn.execute(t[table].insert().values(**values)).inserted_primary_key[0]

        for name, slug, color, order in WORKFLOW:
            add("workflow_statuses", name=name, slug=slug, color=color, order=order, isActive=True,
                createdAt=STAMP, updatedAt=STAMP)
        for name, prefix in (("lot_code", "LOT-"), ("batch_code", "BATCH-")):
            add("sequences", name=name, prefix=prefix, currentValue=1000, createdAt=STAMP, updatedAt=STAMP)
        for order, (code, name) in enumerate(PAYMENT_METHODS):
            add("paymentMethods", code=code, name=name, isActive=True, sortOrder=order,
                createdAt=STAMP, updatedAt=STAMP)
        perm_ids = {name: add("permissions", name=name, description=name, module=module, created_at=STAMP)
                    for name, module in permission_list()}
        grants = role_grants()
        role_ids = {}
        for name, description, _names in ROLES:
            role_ids[name] = add("roles", name=name, description=description, is_system_role=True,
                                 created_at=STAMP, updated_at=STAMP)
            for permission in sorted(grants[name]):
                add("role_permissions", role_id=role_ids[name], permission_id=perm_ids[permission],
                    created_at=STAMP)
        add("users", openId="Evan", email="Evan", name="Evan (Admin)", loginMethod="$2b$10$notarealhash",
            role="user", createdAt=STAMP, updatedAt=STAMP, lastSignedIn=STAMP)
        add("user_roles", user_id="Evan", role_id=role_ids["Super Admin"], assigned_at=STAMP)
        for site, zone, rack, shelf, bin_ in LOCATIONS:
            add("locations", site=site, zone=zone, rack=rack, shelf=shelf, bin=bin_, isActive=True,
                createdAt=STAMP, updatedAt=STAMP)
        for name, subs in CATEGORIES.items():
            category = add("categories", name=name, isActive=True, createdAt=STAMP, updatedAt=STAMP)
            for sub in subs:
                add("subcategories", categoryId=category, name=sub, isActive=True, createdAt=STAMP, updatedAt=STAMP)
        for order, (name, description) in enumerate(GRADES, start=1):
            add("grades", name=name, description=description, sortOrder=order, isActive=True,
                createdAt=STAMP, updatedAt=STAMP)
        for name, children in EXPENSES.items():
            parent = add("expenseCategories", categoryName=name, isActive=True, createdAt=STAMP, updatedAt=STAMP)
            for child in children:
                add("expenseCategories", categoryName=child, parentCategoryId=parent, isActive=True,
                    createdAt=STAMP, updatedAt=STAMP)
        for number, name, kind, normal in ACCOUNTS:
            add("accounts", accountNumber=number, accountName=name, accountType=kind, normalBalance=normal,
                isActive=True, createdAt=STAMP, updatedAt=STAMP)
    engine.dispose()
