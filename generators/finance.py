"""The books: invoices, payments, credits, vendor bills, expenses, the bank and
a double-entry ledger, built from the trading simulation (trade.py).

One dataset, ``books``, holds every document and every posting; the table
generators in finance_tables.py project it.  Rules it keeps:

* an invoice for every shipped sale, its lines the order's lines, its paid
  amount the sum of the payments applied to it (a credit note applied to an
  invoice is a payment of method OTHER), its status from that and its due date;
* receivables aged as the scenario says: where the window is too short to hold
  debt more than 120 days overdue, balances carried over from the previous
  system (opening-balance invoices) make up the difference;
* vendors billed for owned intake at receipt and for consigned product as it
  sells (a settlement bill a month per vendor), paid over time;
* every document posts a balanced entry to the chart of accounts, dated in an
  open fiscal period, posted before the period closed;
* the bank sees every payment and expense that moves money.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from generators.access import staff_with_job
from generators.common import at, in_office_hours, next_weekday, pick, weighted, working_time
from generators.parties import is_whale
from generators.trade import TERM_DAYS, Order, q2, trade

ZERO = Decimal("0.00")
# Opening balances: the bank accounts, and petty cash (Cash on Hand) for cash expenses.
OPENING_CASH = {"1000": Decimal("750000.00"), "1010": Decimal("250000.00"), "1050": Decimal("12000.00")}
SAVINGS_RATE_MONTHLY = Decimal("0.0025")
ALLOWANCE_SHARE = Decimal("0.05")      # a refund is about 5% of the order
RECONCILE_LAG_DAYS = 15
# (category, monthly amount, day of month, method) -- a licensed distributor's month
MONTHLY_EXPENSES = [
    ("Rent/Lease", "28000.00", 1, "BANK_TRANSFER"), ("Electricity", "4600.00", 8, "BANK_TRANSFER"),
    ("Water", "620.00", 8, "BANK_TRANSFER"), ("Internet/Phone", "450.00", 5, "CREDIT_CARD"),
    ("Salaries", "47500.00", 15, "BANK_TRANSFER"), ("Salaries", "47500.00", 28, "BANK_TRANSFER"),
    ("Benefits", "12000.00", 1, "BANK_TRANSFER"), ("Payroll Taxes", "9100.00", 16, "BANK_TRANSFER"),
    ("Insurance", "6500.00", 3, "CHECK"), ("Licenses & Compliance", "2400.00", 10, "CHECK"),
    ("Packaging", "3100.00", 12, "CREDIT_CARD"), ("Security", "5500.00", 2, "CHECK"),
    ("Distribution/Delivery", "2800.00", 20, "CREDIT_CARD"), ("Software", "1200.00", 4, "CREDIT_CARD"),
    ("Office Supplies", "380.00", 18, "CASH"), ("Accounting", "2000.00", 25, "CHECK"),
    ("Digital Advertising", "1500.00", 7, "CREDIT_CARD"),
]
LAB_TEST_PER_LOT = Decimal("350.00")


@dataclass
class Payment:
    id: int
    number: str
    kind: str              # RECEIVED or SENT
    date: dt.date
    amount: Decimal
    method: str
    client_id: int | None = None        # customer (RECEIVED) or supplier account (SENT)
    invoice: "Invoice | None" = None
    bill: "Bill | None" = None
    credit: "Credit | None" = None      # a credit note applied as payment
    created_by: int = 0
    reference: str | None = None
    bank_txn_id: int | None = None


class _PaidByPayments:
    """A document settled by ``payments`` against its ``total`` by ``due``."""

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    def _status(self, end: dt.date, unpaid: str) -> str:
        if self.paid >= self.total:
            return "PAID"
        if self.due < end:
            return "OVERDUE"
        return "PARTIAL" if self.paid > 0 else unpaid


@dataclass
class Invoice(_PaidByPayments):
    id: int
    number: str
    client: dict
    date: dt.date
    due: dt.date
    subtotal: Decimal
    discount: Decimal
    terms: str
    order: Order | None                 # None: a balance carried over
    created_by: int
    payments: list[Payment] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount

    def status(self, end: dt.date) -> str:
        return self._status(end, "VIEWED" if (end - self.date).days > 3 else "SENT")


@dataclass
class Credit:
    id: int
    number: str
    client: dict
    invoice: Invoice                    # what it refunds
    amount: Decimal
    reason: str
    issued: dt.datetime
    created_by: int
    applications: list[tuple[Invoice, Decimal, dt.date, Payment]] = field(default_factory=list)

    @property
    def used(self) -> Decimal:
        return sum((a for _i, a, _d, _p in self.applications), ZERO)


@dataclass
class Bill(_PaidByPayments):
    id: int
    number: str
    vendor_id: int
    supplier_client_id: int
    date: dt.date
    due: dt.date
    lines: list                         # (batch, description, qty, unit price, line total)
    terms: str
    reference: tuple[str | None, int | None]
    created_by: int
    payments: list[Payment] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line[4] for line in self.lines), ZERO)

    def status(self, end: dt.date) -> str:
        return self._status(end, "APPROVED")


@dataclass
class Expense:
    id: int
    number: str
    date: dt.date
    category: str
    amount: Decimal
    method: str
    description: str
    created_by: int
    bank_txn_id: int | None = None


@dataclass
class BankTxn:
    id: int
    account: str           # ledger account number of the bank account
    date: dt.date
    kind: str              # DEPOSIT, WITHDRAWAL, FEE, INTEREST
    amount: Decimal
    description: str
    reference: str | None
    payment: Payment | None


@dataclass
class Posting:
    """One balanced journal entry: (account number, debit, credit) legs."""
    number: str            # document number; each leg's entryNumber is number-n
    date: dt.date
    reference_type: str
    reference_id: int | None
    description: str
    legs: list[tuple[str, Decimal, Decimal]]
    created_by: int
    manual: bool = False


@dataclass
class Books:
    invoices: list[Invoice]
    payments: list[Payment]
    credits: list[Credit]
    bills: list[Bill]
    expenses: list[Expense]
    bank: list[BankTxn]
    postings: list[Posting]
    end: dt.date
    opening: dt.date


def _numbered(items, prefix: str, date_of, width: int = 6):
    """Yearly document numbers (PREFIX-YYYY-000001) in date order."""
    counters: dict[int, int] = defaultdict(int)
    for item in sorted(items, key=lambda x: (date_of(x), x.id)):
        year = date_of(item).year
        counters[year] += 1
        item.number = f"{prefix}-{year}-{counters[year]:0{width}d}"
    return counters


def books(ctx) -> Books:
    rng = ctx.rng
    td = ctx.dataset(trade)
    end = ctx.window_end
    controller = staff_with_job(ctx, "Controller")[0]["id"]
    ar_clerk = staff_with_job(ctx, "AR Specialist")[0]["id"]
    ids = defaultdict(int)

    def next_id(kind: str) -> int:
        ids[kind] += 1
        return ctx.id(ids[kind])

    # ---------------------------------------------------------------- invoices
    invoices: list[Invoice] = []
    for order in sorted((o for o in td.orders if o.invoice_date), key=lambda o: (o.invoice_date, o.id)):
        inv = Invoice(next_id("invoice"), "", order.client, order.invoice_date, order.due_date,
                      order.subtotal, order.discount, order.terms, order, ar_clerk)
        for date, amount, method in order.payments:
            inv.payments.append(Payment(0, "", "RECEIVED", date, amount, method, order.client["id"], inv,
                                        created_by=ar_clerk))
        invoices.append(inv)
    invoices += _carried_balances(ctx, rng, invoices, end, next_id, ar_clerk)
    _numbered(invoices, "INV", lambda i: i.date)

    # ---------------------------------------------------------------- credit notes
    credits = _credits(ctx, rng, td, invoices, end, next_id, ar_clerk)

    # ---------------------------------------------------------------- vendor bills
    bills = _bills(ctx, rng, td, end, next_id, controller)
    _numbered(bills, "BILL", lambda b: b.date)

    # ---------------------------------------------------------------- payments
    received = [p for inv in invoices for p in inv.payments]
    sent = [p for bill in bills for p in bill.payments]
    for p in sorted(received + sent, key=lambda p: (p.date, p.kind, (p.invoice or p.bill).id, p.amount)):
        p.id = next_id("payment")
    _numbered(received, "PMT-RCV", lambda p: p.date)
    _numbered(sent, "PMT-SNT", lambda p: p.date)
    for p in received + sent:
        p.reference = _reference(rng, p)
    payments = sorted(received + sent, key=lambda p: p.id)

    # ---------------------------------------------------------------- expenses
    expenses = _expenses(ctx, rng, td, end, next_id)
    _numbered(expenses, "EXP", lambda e: e.date)

    # ---------------------------------------------------------------- bank
    bank = _bank(ctx, payments, expenses, end, next_id)

    # ---------------------------------------------------------------- ledger
    postings = _postings(ctx, td, invoices, payments, credits, bills, expenses, bank, controller, ar_clerk)
    return Books(invoices, payments, credits, bills, expenses, bank, postings, end, ctx.window_start)


# ------------------------------------------------------------------ receivables aging
def _carried_balances(ctx, rng, invoices, end, next_id, clerk) -> list[Invoice]:
    """Opening-balance invoices for what the window cannot age on its own."""
    scenario = ctx.scenario
    open_ = [(i, i.total - i.paid) for i in invoices if i.total - i.paid > 0]
    not_due = sum((a for i, a in open_ if i.due >= end), ZERO)
    if not_due <= 0:
        return []
    share = Decimal(str(scenario.overdue_share))
    target = q2(not_due * share / (1 - share))
    old_target = q2(target * Decimal(str(scenario.overdue_120_share)))
    have_old = sum((a for i, a in open_ if i.due < end and (end - i.due).days > 120), ZERO)
    have_recent = sum((a for i, a in open_ if i.due < end and (end - i.due).days <= 120), ZERO)
    regulars = sorted({i.client["id"]: i.client for i in invoices if not is_whale(i.client)}.values(),
                      key=lambda c: c["id"]) or [invoices[0].client]
    carried = []
    for missing, days in ((old_target - have_old, (150, 300)), (target - old_target - have_recent, (20, 110))):
        pieces = 3 if missing > 0 else 0
        for k in range(pieces):
            amount = q2(missing / pieces) if k < pieces - 1 else missing - q2(missing / pieces) * (pieces - 1)
            overdue = rng.randint(*days)
            due = end - dt.timedelta(days=overdue)
            date = due - dt.timedelta(days=30)
            carried.append(Invoice(next_id("invoice"), "", pick(rng, regulars), date, due, amount, ZERO,
                                   "NET_30", None, clerk))
    return carried


# ------------------------------------------------------------------ credits
def _credits(ctx, rng, td, invoices, end, next_id, clerk) -> list[Credit]:
    by_order = {i.order.id: i for i in invoices if i.order}
    credits: list[Credit] = []
    for ret in td.returns:
        inv = by_order.get(ret.order.id)
        if inv is None:
            continue
        amount = q2(ret.qty * ret.line.unit_price)
        issued = in_office_hours(rng, ret.processed_at + dt.timedelta(minutes=rng.randint(20, 180)))
        if issued.date() > end:
            issued = ret.processed_at + dt.timedelta(minutes=10)
        credits.append(Credit(0, "", inv.client, inv, amount, f"Return: {ret.reason.replace('_', ' ').lower()}",
                              issued, clerk))
    share = ctx.scenario.refund_rate
    candidates = [i for i in invoices if i.order and i.total > 0 and (end - i.date).days > 7]  # not comps
    for inv in rng.sample(candidates, min(len(candidates), round(len(candidates) * share))):
        amount = q2(inv.total * ALLOWANCE_SHARE * Decimal(str(rng.uniform(0.6, 1.4))))
        day = min(end, inv.date + dt.timedelta(days=rng.randint(3, 20)))
        issued = working_time(rng, next_weekday(day) if next_weekday(day) <= end else day)
        credits.append(Credit(0, "", inv.client, inv, amount,
                              weighted(rng, [("Quality allowance", 0.5), ("Pricing adjustment", 0.3),
                                             ("Short shipment", 0.2)]), issued, clerk))
    credits.sort(key=lambda c: (c.issued, c.invoice.id))
    sales_of = defaultdict(list)  # each client's invoices for orders, in the order of ``invoices``
    for inv in invoices:
        if inv.order is not None:
            sales_of[inv.client["id"]].append(inv)
    for n, credit in enumerate(credits, start=1):
        credit.id, credit.number = ctx.id(n), f"CR-{n:05d}"
        _apply_credit(credit, sales_of[credit.client["id"]])
    return credits


def _apply_credit(credit: Credit, invoices: list[Invoice]) -> None:
    """Use the credit on the client's next payments, on whichever of its invoices
    (``invoices``: the client's invoices for orders): it pays part of what the client
    would otherwise have paid in money."""
    left = credit.amount
    for inv in invoices:
        if left <= 0:
            break
        for k, pay in enumerate(list(inv.payments)):
            if pay.method == "OTHER" or pay.date < credit.issued.date() or left <= 0:
                continue
            used = min(left, pay.amount)
            applied = Payment(0, "", "RECEIVED", pay.date, used, "OTHER", pay.client_id, inv, credit=credit,
                              created_by=pay.created_by)
            pay.amount -= used
            inv.payments.insert(k, applied)
            if pay.amount == 0:
                inv.payments.remove(pay)
            credit.applications.append((inv, used, pay.date, applied))
            left -= used
            break


# ------------------------------------------------------------------ bills
def _bills(ctx, rng, td, end, next_id, controller) -> list[Bill]:
    bills: list[Bill] = []
    for batch in sorted(td.batches, key=lambda b: b.received):
        if batch.terms == "CONSIGNMENT":
            continue
        total = q2(batch.qty_in * batch.unit_cogs)
        date = batch.received.date()
        bill = Bill(next_id("bill"), "", batch.vendor_id, batch.supplier_client_id, date,
                    date + dt.timedelta(days=TERM_DAYS[batch.terms]),
                    [(batch, f"{batch.product.name}, lot {batch.lot_code}", batch.qty_in, batch.unit_cogs, total)],
                    batch.terms, ("LOT", batch.lot_id), controller)
        bills.append(bill)
    # consignment: what sold in a month, less what came back, settled early the next month
    sold = defaultdict(lambda: [ZERO, ZERO])        # (vendor, month, batch) -> [qty, cost]
    for order in td.orders:
        if order.kind != "SALE" or order.sale_status == "CANCELLED":
            continue
        for line in order.lines:
            if line.batch.terms == "CONSIGNMENT":
                key = (line.batch.vendor_id, order.confirmed_at.date().replace(day=1), line.batch.id)
                sold[key][0] += line.qty
                sold[key][1] += q2(line.qty * line.unit_cogs)
    for ret in td.returns:
        if ret.line.batch.terms == "CONSIGNMENT":
            key = (ret.line.batch.vendor_id, ret.processed_at.date().replace(day=1), ret.line.batch.id)
            sold[key][0] -= ret.qty
            sold[key][1] -= q2(ret.qty * ret.line.unit_cogs)
    batches = {b.id: b for b in td.batches}
    months = defaultdict(list)
    for (vendor, month, batch_id), (qty, cost) in sorted(sold.items()):
        if qty > 0 and cost > 0:
            months[(vendor, month)].append((batches[batch_id], qty, cost))
    for (vendor, month), lines in sorted(months.items()):
        next_month = (month + dt.timedelta(days=32)).replace(day=1)
        date = next_month + dt.timedelta(days=2)
        if date > end:
            continue  # this month's sales are accrued, not yet billed
        supplier = lines[0][0].supplier_client_id
        bill = Bill(next_id("bill"), "", vendor, supplier, date, date + dt.timedelta(days=15),
                    [(b, f"Consignment settlement {month:%B %Y}: {b.product.name}, lot {b.lot_code}",
                      qty, q2(cost / qty), cost) for b, qty, cost in lines],
                    "NET_15", (None, None), controller)
        bills.append(bill)
    for bill in bills:
        _pay_bill(rng, bill, end, controller)
    return bills


def _pay_bill(rng, bill: Bill, end: dt.date, by: int) -> None:
    method = "CASH" if bill.terms == "COD" else weighted(rng, [("ACH", 0.6), ("CHECK", 0.25), ("WIRE", 0.15)])
    pay_day = bill.date if bill.terms == "COD" else bill.due + dt.timedelta(days=rng.randint(-5, 6))
    if pay_day > end:
        if rng.random() < 0.3 and bill.terms != "COD" and bill.date + dt.timedelta(days=3) <= end:
            half = q2(bill.total / 2)
            bill.payments.append(Payment(0, "", "SENT", bill.date + dt.timedelta(days=3), half, method,
                                         bill.supplier_client_id, bill=bill, created_by=by))
        return
    bill.payments.append(Payment(0, "", "SENT", max(bill.date, pay_day), bill.total, method,
                                 bill.supplier_client_id, bill=bill, created_by=by))


def _reference(rng, p: Payment) -> str:
    if p.method == "OTHER":
        return p.credit.number
    return {"CHECK": f"CHK-{rng.randint(1000, 9999)}", "ACH": f"ACH-{rng.randint(10**9, 10**10 - 1)}",
            "WIRE": f"WIRE-{rng.randint(10**11, 10**12 - 1)}", "CASH": f"CASH-{p.date:%Y%m%d}",
            "CREDIT_CARD": f"CC-{rng.randint(1000, 9999)}", "DEBIT_CARD": f"DC-{rng.randint(1000, 9999)}"}[p.method]


# ------------------------------------------------------------------ expenses
def _expenses(ctx, rng, td, end, next_id) -> list[Expense]:
    from generators.trade import _months

    clerk = staff_with_job(ctx, "Controller")[0]["id"]
    scale = Decimal(str(ctx.params.scale)).sqrt()
    lots = defaultdict(int)
    for b in td.batches:
        lots[b.received.date().replace(day=1)] += 1
    expenses: list[Expense] = []
    for first, last in _months(ctx.window_start, end):
        items = list(MONTHLY_EXPENSES) + [("Lab Testing", str(LAB_TEST_PER_LOT * lots[first]), 22, "CHECK")]
        for category, amount, day, method in items:
            date = first.replace(day=min(day, last.day))
            while date.weekday() >= 5 and date < last:
                date += dt.timedelta(days=1)
            value = q2(Decimal(amount) * scale * Decimal(str(rng.uniform(0.94, 1.06))))
            if value > 0:
                expenses.append(Expense(next_id("expense"), "", date, category, value, method,
                                        f"{category} {first:%B %Y}", clerk))
    return sorted(expenses, key=lambda e: (e.date, e.id))


# ------------------------------------------------------------------ bank
def _bank(ctx, payments, expenses, end, next_id) -> list[BankTxn]:
    from generators.trade import _months

    txns: list[BankTxn] = []
    for p in payments:
        if p.method == "OTHER":
            continue  # a credit note moves no money
        kind = "DEPOSIT" if p.kind == "RECEIVED" else "WITHDRAWAL"
        who = "from client" if p.kind == "RECEIVED" else "to vendor"
        txns.append(BankTxn(0, "1000", p.date, kind, p.amount, f"{p.method} {who} ({p.number})", p.reference, p))
    for e in expenses:
        if e.method != "CASH":
            txns.append(BankTxn(0, "1000", e.date, "WITHDRAWAL", e.amount, f"{e.number}: {e.description}",
                                e.number, None))
    savings = OPENING_CASH["1010"]
    for first, last in _months(ctx.window_start, end):
        deposits = sum(1 for t in txns if t.kind == "DEPOSIT" and first <= t.date <= last)
        txns.append(BankTxn(0, "1000", last, "FEE", q2(Decimal("45.00") + Decimal("0.25") * deposits),
                            f"Account and deposit fees {first:%B %Y}", None, None))
        interest = q2(savings * SAVINGS_RATE_MONTHLY)
        savings += interest
        txns.append(BankTxn(0, "1010", last, "INTEREST", interest, f"Interest {first:%B %Y}", None, None))
    order = {"DEPOSIT": 0, "WITHDRAWAL": 1, "FEE": 2, "INTEREST": 3}
    txns.sort(key=lambda t: (t.date, order[t.kind], t.reference or "", t.amount))
    for t in txns:
        t.id = next_id("bank")
        if t.payment:
            t.payment.bank_txn_id = t.id
    by_number = {e.number: e for e in expenses}
    for t in txns:
        if t.payment is None and t.reference in by_number:
            by_number[t.reference].bank_txn_id = t.id
    return txns


# ------------------------------------------------------------------ ledger
def _postings(ctx, td, invoices, payments, credits, bills, expenses, bank, controller, clerk) -> list[Posting]:
    from generators.books import EXPENSE_CATEGORIES

    accounts = {name: number for name, _parent, number in EXPENSE_CATEGORIES}
    start = ctx.window_start
    out: list[Posting] = []
    opening = [(account, amount, ZERO) for account, amount in OPENING_CASH.items()]
    opening.append(("3000", ZERO, sum(OPENING_CASH.values(), ZERO)))
    carried = sum((i.total for i in invoices if i.order is None), ZERO)
    if carried:
        opening += [("1100", carried, ZERO), ("3100", ZERO, carried)]
    out.append(Posting(f"JE-{start:%Y}-OPENING", start, "OPENING_BALANCE", None,
                       "Opening balances carried over from the previous system", opening, controller, True))
    for inv in invoices:
        if inv.order is None:
            continue
        legs = [("1100", inv.total, ZERO), ("4000", ZERO, inv.subtotal)]
        if inv.discount:
            legs.insert(1, ("4200", inv.discount, ZERO))
        if inv.subtotal:  # a comp's $0 invoice earns nothing: only its cost posts
            out.append(Posting(inv.number, inv.date, "INVOICE", inv.id, f"Sale {inv.order.number}", legs, clerk))
        owned = sum((l.line_cogs for l in inv.order.lines if l.batch.terms != "CONSIGNMENT"), ZERO)
        consigned = sum((l.line_cogs for l in inv.order.lines if l.batch.terms == "CONSIGNMENT"), ZERO)
        cogs = [("5000", owned + consigned, ZERO)]
        cogs += [("1200", ZERO, owned)] if owned else []
        cogs += [("2050", ZERO, consigned)] if consigned else []
        out.append(Posting(f"COGS-{inv.number}", inv.date, "INVOICE", inv.id,
                           f"Cost of {inv.order.number}", cogs, clerk))
    for n, ret in enumerate(td.returns, start=1):
        cost = q2(ret.qty * ret.line.unit_cogs)
        side = "2050" if ret.line.batch.terms == "CONSIGNMENT" else "1200"
        out.append(Posting(f"RET-{n:05d}", ret.processed_at.date(), "RETURN", ret.id,
                           f"Returned goods from {ret.order.number}", [(side, cost, ZERO), ("5000", ZERO, cost)],
                           clerk))
    for credit in credits:
        out.append(Posting(credit.number, credit.issued.date(), "CREDIT", credit.id,
                           f"{credit.reason} on {credit.invoice.number}",
                           [("4100", credit.amount, ZERO), ("2300", ZERO, credit.amount)], clerk))
    for p in payments:
        if p.kind == "RECEIVED":
            debit = "2300" if p.method == "OTHER" else "1000"
            legs = [(debit, p.amount, ZERO), ("1100", ZERO, p.amount)]
            what = f"Payment on {p.invoice.number}"
        else:
            legs = [("2000", p.amount, ZERO), ("1000", ZERO, p.amount)]
            what = f"Payment of {p.bill.number}"
        out.append(Posting(p.number, p.date, "PAYMENT", p.id, what, legs, clerk if p.kind == "RECEIVED" else controller))
    for bill in bills:
        debit = "1200" if bill.reference[0] == "LOT" else "2050"
        out.append(Posting(bill.number, bill.date, "BILL", bill.id, bill.lines[0][1] if len(bill.lines) == 1
                           else f"Consignment settlement, {len(bill.lines)} lots",
                           [(debit, bill.total, ZERO), ("2000", ZERO, bill.total)], controller))
    for e in expenses:
        paid_from = "1050" if e.method == "CASH" else "1000"  # petty cash, or the bank
        out.append(Posting(e.number, e.date, "EXPENSE", e.id, e.description,
                           [(accounts[e.category], e.amount, ZERO), (paid_from, ZERO, e.amount)], controller))
    for t in bank:
        if t.kind == "FEE":
            out.append(Posting(f"FEE-{t.date:%Y-%m}", t.date, "BANK_FEE", t.id, t.description,
                               [("6700", t.amount, ZERO), ("1000", ZERO, t.amount)], controller))
        elif t.kind == "INTEREST":
            out.append(Posting(f"INT-{t.date:%Y-%m}", t.date, "INTEREST", t.id, t.description,
                               [("1010", t.amount, ZERO), ("4900", ZERO, t.amount)], controller))
    out.sort(key=lambda p: (p.date, p.number))
    return out


__all__ = ["books", "Books", "Invoice", "Payment", "Bill", "Credit", "Expense", "BankTxn", "Posting"]
