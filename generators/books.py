"""The books: chart of accounts, fiscal periods, expense categories."""

from __future__ import annotations

import calendar
import datetime as dt

from generators.access import staff_with_job
from generators.common import at, setup_day

# (number, name, type, normal balance, parent number, description).  Contra
# accounts carry the normal balance opposite to their type's usual side.
CHART = [
    ("1000", "Current Assets", "ASSET", "DEBIT", None, "Header: cash, receivables, inventory"),
    ("1010", "Cash - Operating", "ASSET", "DEBIT", "1000", "Operating checking account"),
    ("1020", "Cash - Savings", "ASSET", "DEBIT", "1000", "Reserve savings account"),
    ("1030", "Cash on Hand", "ASSET", "DEBIT", "1000", "Vault cash from COD deliveries"),
    ("1100", "Accounts Receivable", "ASSET", "DEBIT", "1000", "Amounts owed by clients"),
    ("1150", "Allowance for Doubtful Accounts", "ASSET", "CREDIT", "1000", "Contra-asset for AR unlikely to be collected"),
    ("1200", "Inventory", "ASSET", "DEBIT", "1000", "Owned inventory at cost"),
    ("1300", "Prepaid Expenses", "ASSET", "DEBIT", "1000", "Rent, insurance and licenses paid ahead"),
    ("1500", "Fixed Assets", "ASSET", "DEBIT", None, "Header: equipment and vehicles"),
    ("1510", "Equipment", "ASSET", "DEBIT", "1500", "Scales, racking, vault, packaging machines"),
    ("1520", "Vehicles", "ASSET", "DEBIT", "1500", "Delivery vans"),
    ("1590", "Accumulated Depreciation", "ASSET", "CREDIT", "1500", "Contra-asset for depreciation"),
    ("2000", "Current Liabilities", "LIABILITY", "CREDIT", None, "Header: payables and accruals"),
    ("2010", "Accounts Payable", "LIABILITY", "CREDIT", "2000", "Amounts owed to vendors"),
    ("2020", "Consignment Payable", "LIABILITY", "CREDIT", "2000", "Owed to growers for consigned product sold"),
    ("2100", "Accrued Liabilities", "LIABILITY", "CREDIT", "2000", "Payroll and expenses incurred, not yet paid"),
    ("2200", "Sales Tax Payable", "LIABILITY", "CREDIT", "2000", "Tax collected, owed to the state"),
    ("2210", "Cannabis Excise Tax Payable", "LIABILITY", "CREDIT", "2000", "California cannabis excise tax"),
    ("2300", "Customer Credits", "LIABILITY", "CREDIT", "2000", "Credits and deposits held for clients"),
    ("2500", "Notes Payable", "LIABILITY", "CREDIT", None, "Equipment and vehicle loans"),
    ("3000", "Owner's Equity", "EQUITY", "CREDIT", None, "Capital contributed"),
    ("3100", "Retained Earnings", "EQUITY", "CREDIT", "3000", "Accumulated earnings"),
    ("3200", "Owner Draws", "EQUITY", "DEBIT", "3000", "Contra-equity: distributions to owners"),
    ("4000", "Sales Revenue", "REVENUE", "CREDIT", None, "Header: wholesale sales"),
    ("4010", "Sales - Flower", "REVENUE", "CREDIT", "4000", "Wholesale flower"),
    ("4020", "Sales - Other Products", "REVENUE", "CREDIT", "4000", "Pre-rolls, concentrates, vapes, edibles"),
    ("4100", "Sales Returns and Allowances", "REVENUE", "DEBIT", "4000", "Contra-revenue: returns and refunds"),
    ("4200", "Sales Discounts", "REVENUE", "DEBIT", "4000", "Contra-revenue: discounts given"),
    ("5000", "Cost of Goods Sold", "EXPENSE", "DEBIT", None, "Cost of product sold"),
    ("5100", "Inventory Shrinkage and Write-offs", "EXPENSE", "DEBIT", "5000", "Disposals, defects, count variances"),
    ("6000", "Operating Expenses", "EXPENSE", "DEBIT", None, "Header: the cost of running the business"),
    ("6100", "Rent", "EXPENSE", "DEBIT", "6000", "Warehouse and annex leases"),
    ("6150", "Utilities", "EXPENSE", "DEBIT", "6000", "Power, water, internet"),
    ("6200", "Payroll", "EXPENSE", "DEBIT", "6000", "Wages and payroll taxes"),
    ("6250", "Security", "EXPENSE", "DEBIT", "6000", "Guards, cameras, alarm monitoring"),
    ("6300", "Insurance", "EXPENSE", "DEBIT", "6000", "General liability, product, vehicle"),
    ("6350", "Licenses and Compliance", "EXPENSE", "DEBIT", "6000", "State and local licenses, track-and-trace"),
    ("6400", "Lab Testing", "EXPENSE", "DEBIT", "6000", "Potency and safety testing"),
    ("6450", "Packaging and Supplies", "EXPENSE", "DEBIT", "6000", "Bags, jars, labels"),
    ("6500", "Transportation and Delivery", "EXPENSE", "DEBIT", "6000", "Fuel, distribution runs"),
    ("6550", "Software and Subscriptions", "EXPENSE", "DEBIT", "6000", "TERP and other tools"),
    ("6600", "Marketing", "EXPENSE", "DEBIT", "6000", "Menus, samples, trade shows"),
    ("6650", "Professional Fees", "EXPENSE", "DEBIT", "6000", "Accounting and legal"),
    ("6700", "Bank and Processing Fees", "EXPENSE", "DEBIT", "6000", "Bank, cash handling, card fees"),
    ("6750", "Repairs and Maintenance", "EXPENSE", "DEBIT", "6000", "Facility and equipment upkeep"),
    ("6800", "Office Expenses", "EXPENSE", "DEBIT", "6000", "Office supplies and postage"),
    ("6900", "Bad Debt Expense", "EXPENSE", "DEBIT", "6000", "Receivables written off"),
    ("7000", "Interest Expense", "EXPENSE", "DEBIT", None, "Interest on notes payable"),
]

# (category, parent category, expense account number)
EXPENSE_CATEGORIES = [
    ("Facilities", None, "6100"),
    ("Rent", "Facilities", "6100"),
    ("Utilities", "Facilities", "6150"),
    ("Security", "Facilities", "6250"),
    ("Repairs & Maintenance", "Facilities", "6750"),
    ("People", None, "6200"),
    ("Payroll", "People", "6200"),
    ("Compliance", None, "6350"),
    ("Licenses & Permits", "Compliance", "6350"),
    ("Lab Testing", "Compliance", "6400"),
    ("Insurance", None, "6300"),
    ("Operations", None, "6450"),
    ("Packaging Supplies", "Operations", "6450"),
    ("Fuel & Delivery", "Operations", "6500"),
    ("Software", "Operations", "6550"),
    ("Office Supplies", "Operations", "6800"),
    ("Sales & Marketing", None, "6600"),
    ("Trade Shows", "Sales & Marketing", "6600"),
    ("Samples & Promotions", "Sales & Marketing", "6600"),
    ("Professional Services", None, "6650"),
    ("Bank Fees", None, "6700"),
]

# Books close ten days after a month ends; the last months stay open.
OPEN_MONTHS = 2
CLOSE_LAG_DAYS = 10


def accounts(ctx):
    created = at(setup_day(ctx), 11)
    ids = {number: ctx.id(n) for n, (number, *_rest) in enumerate(CHART, start=1)}
    return [
        {"id": ids[number], "accountNumber": number, "accountName": name,
         "accountType": type_, "parentAccountId": ids[parent] if parent else None,
         "isActive": True, "normalBalance": normal, "description": description,
         "createdAt": created, "updatedAt": created}
        for number, name, type_, normal, parent, description in CHART
    ]


def _months(start: dt.date, end: dt.date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = calendar.monthrange(year, month)[1]
        yield dt.date(year, month, 1), dt.date(year, month, last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def fiscalPeriods(ctx):
    """One period a month over the window; all but the last months closed."""
    controller = staff_with_job(ctx, "Controller")[0]["id"]
    months = list(_months(ctx.window_start, ctx.window_end))
    rows = []
    created = at(setup_day(ctx), 11, 30)
    for n, (first, last) in enumerate(months, start=1):
        closed = n <= len(months) - OPEN_MONTHS
        closed_at = at(last + dt.timedelta(days=CLOSE_LAG_DAYS), 17) if closed else None
        rows.append({
            "id": ctx.id(n), "periodName": first.strftime("%B %Y"),
            "startDate": first, "endDate": last, "fiscalYear": first.year,
            "status": "CLOSED" if closed else "OPEN",
            "closedAt": closed_at, "closedBy": controller if closed else None,
            "createdAt": created, "updatedAt": closed_at or created,
        })
    return rows


def expenseCategories(ctx):
    created = at(setup_day(ctx), 11, 45)
    account_ids = {row["accountNumber"]: row["id"] for row in ctx.rows("accounts")}
    ids = {name: ctx.id(n) for n, (name, _p, _a) in enumerate(EXPENSE_CATEGORIES, start=1)}
    return [
        {"id": ids[name], "categoryName": name,
         "parentCategoryId": ids[parent] if parent else None,
         "ledgerAccountId": account_ids[account], "isActive": True,
         "createdAt": created, "updatedAt": created}
        for name, parent, account in EXPENSE_CATEGORIES
    ]
