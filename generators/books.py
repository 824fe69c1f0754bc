"""The books: chart of accounts, fiscal periods, expense categories."""

from __future__ import annotations

import calendar
import datetime as dt

from generators.access import staff_with_job
from generators.common import at, moment_on, next_weekday, setup_day

# (number, name, type, normal balance, parent number, description).  The
# accounts TERP's own posting code looks up by name keep its names and numbers
# (Cash 1000, Accounts Receivable 1100, Inventory 1200, Accounts Payable 2000,
# Sales Revenue 4000, Cost of Goods Sold 5000, Operating Expenses 5100, Bad
# Debt Expense 5200).  Contra accounts carry the balance opposite their type's.
CHART = [
    ("1000", "Cash", "ASSET", "DEBIT", None, "Operating checking account"),
    ("1010", "Savings", "ASSET", "DEBIT", None, "Reserve savings account"),
    ("1050", "Cash on Hand", "ASSET", "DEBIT", None, "Vault cash from COD deliveries"),
    ("1100", "Accounts Receivable", "ASSET", "DEBIT", None, "Amounts owed by clients"),
    ("1150", "Allowance for Doubtful Accounts", "ASSET", "CREDIT", "1100", "Contra-asset: AR unlikely to be collected"),
    ("1200", "Inventory", "ASSET", "DEBIT", None, "Owned inventory at cost"),
    ("1250", "Prepaid Expenses", "ASSET", "DEBIT", None, "Rent, insurance and licenses paid ahead"),
    ("1500", "Equipment and Vehicles", "ASSET", "DEBIT", None, "Scales, racking, vault, delivery vans"),
    ("1590", "Accumulated Depreciation", "ASSET", "CREDIT", "1500", "Contra-asset: depreciation to date"),
    ("2000", "Accounts Payable", "LIABILITY", "CREDIT", None, "Amounts owed to vendors"),
    ("2050", "Consignment Payable", "LIABILITY", "CREDIT", "2000", "Owed to growers for consigned product sold"),
    ("2100", "Accrued Liabilities", "LIABILITY", "CREDIT", None, "Payroll and expenses incurred, not yet paid"),
    ("2200", "Sales Tax Payable", "LIABILITY", "CREDIT", None, "Tax collected, owed to the state"),
    ("2210", "Cannabis Excise Tax Payable", "LIABILITY", "CREDIT", "2200", "California cannabis excise tax"),
    ("2300", "Customer Credits", "LIABILITY", "CREDIT", None, "Credits and deposits held for clients"),
    ("2500", "Notes Payable", "LIABILITY", "CREDIT", None, "Equipment loans and the revolving line of credit"),
    ("3000", "Owner's Equity", "EQUITY", "CREDIT", None, "Capital contributed"),
    ("3100", "Retained Earnings", "EQUITY", "CREDIT", "3000", "Accumulated earnings"),
    ("3200", "Owner Draws", "EQUITY", "DEBIT", "3000", "Contra-equity: distributions to owners"),
    ("4000", "Sales Revenue", "REVENUE", "CREDIT", None, "Wholesale sales"),
    ("4100", "Sales Returns", "REVENUE", "DEBIT", "4000", "Contra-revenue: returns and refunds"),
    ("4200", "Sales Discounts", "REVENUE", "DEBIT", "4000", "Contra-revenue: discounts given"),
    ("4900", "Interest Income", "REVENUE", "CREDIT", None, "Interest earned on the reserve account"),
    ("5000", "Cost of Goods Sold", "EXPENSE", "DEBIT", None, "Cost of product sold"),
    ("5050", "Inventory Shrinkage", "EXPENSE", "DEBIT", "5000", "Disposals, defects, count variances"),
    ("5100", "Operating Expenses", "EXPENSE", "DEBIT", None, "The cost of running the business"),
    ("5200", "Bad Debt Expense", "EXPENSE", "DEBIT", None, "Receivables written off"),
    ("6100", "Rent", "EXPENSE", "DEBIT", "5100", "Warehouse lease"),
    ("6150", "Utilities", "EXPENSE", "DEBIT", "5100", "Power, water, gas, internet"),
    ("6200", "Payroll", "EXPENSE", "DEBIT", "5100", "Wages, benefits and payroll taxes"),
    ("6250", "Security", "EXPENSE", "DEBIT", "5100", "Guards, cameras, alarm monitoring"),
    ("6300", "Insurance", "EXPENSE", "DEBIT", "5100", "General liability, product, vehicle"),
    ("6350", "Licenses and Compliance", "EXPENSE", "DEBIT", "5100", "State and local licenses, track-and-trace"),
    ("6400", "Lab Testing", "EXPENSE", "DEBIT", "5100", "Potency and safety testing"),
    ("6450", "Packaging and Supplies", "EXPENSE", "DEBIT", "5100", "Bags, jars, labels"),
    ("6500", "Transportation and Delivery", "EXPENSE", "DEBIT", "5100", "Fuel, distribution runs"),
    ("6550", "Software and Subscriptions", "EXPENSE", "DEBIT", "5100", "TERP and other tools"),
    ("6600", "Marketing", "EXPENSE", "DEBIT", "5100", "Menus, samples, trade shows"),
    ("6650", "Professional Fees", "EXPENSE", "DEBIT", "5100", "Accounting, legal, consulting"),
    ("6700", "Bank and Processing Fees", "EXPENSE", "DEBIT", "5100", "Bank, cash handling, card fees"),
    ("6750", "Repairs and Maintenance", "EXPENSE", "DEBIT", "5100", "Facility and equipment upkeep"),
    ("6800", "Office Expenses", "EXPENSE", "DEBIT", "5100", "Office supplies, travel, postage"),
    ("7000", "Interest Expense", "EXPENSE", "DEBIT", None, "Interest on notes payable"),
]

# (category, parent, expense account): TERP's default categories, plus the
# ones a licensed distributor pays every month.
EXPENSE_CATEGORIES = [
    ("Rent/Lease", None, "6100"),
    ("Utilities", None, "6150"),
    ("Electricity", "Utilities", "6150"),
    ("Water", "Utilities", "6150"),
    ("Gas", "Utilities", "6150"),
    ("Internet/Phone", "Utilities", "6150"),
    ("Payroll/Wages", None, "6200"),
    ("Salaries", "Payroll/Wages", "6200"),
    ("Benefits", "Payroll/Wages", "6200"),
    ("Payroll Taxes", "Payroll/Wages", "6200"),
    ("Marketing/Advertising", None, "6600"),
    ("Digital Advertising", "Marketing/Advertising", "6600"),
    ("Events & Sponsorships", "Marketing/Advertising", "6600"),
    ("Office Supplies", None, "6800"),
    ("Insurance", None, "6300"),
    ("Professional Services", None, "6650"),
    ("Legal", "Professional Services", "6650"),
    ("Accounting", "Professional Services", "6650"),
    ("Consulting", "Professional Services", "6650"),
    ("Travel", None, "6800"),
    ("Maintenance/Repairs", None, "6750"),
    ("Licenses & Compliance", None, "6350"),
    ("Lab Testing", None, "6400"),
    ("Packaging", None, "6450"),
    ("Security", None, "6250"),
    ("Distribution/Delivery", None, "6500"),
    ("Software", None, "6550"),
    ("Bank Fees", None, "6700"),
]

# Books close on the first working day ten days after a month ends; the last months stay open.
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
        closing_day = next_weekday(last + dt.timedelta(days=CLOSE_LAG_DAYS))
        closed_at = moment_on(ctx.rng, closing_day) if closed else None
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
