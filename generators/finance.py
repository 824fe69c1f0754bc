"""The books: invoices, payments, credits, vendor bills, expenses, the bank and
a double-entry ledger, built from the trading simulation (trade.py).

One dataset, ``books``, holds every document and every posting; the table
generators in finance_tables.py project it.  Rules it keeps:

* an invoice for every shipped sale, its lines the order's lines, its paid
  amount the sum of the payments applied to it, its status from that and its
  due date: SENT, PARTIAL, OVERDUE or PAID, the statuses TERP's AR screens
  count; receivables aged as the scenario says by real sales left unpaid
  (trade.py), never by balances without an order;
* a credit note (a return, an allowance) is issued against one invoice and
  used on that invoice only, in place of part of the money the client pays on
  it from then on (a credit payment of method OTHER): cash and credits never
  pay an invoice more than its total; what the client does not pay after the
  credit stays the client's, until the credit expires;
* vendors billed for owned intake at receipt and for consigned product as it
  sells (a settlement bill per vendor for each half month's sales, due 30 days
  later), paid in instalments over the term, half of them late: at the
  window's end the last settlements are PENDING or PARTIAL and some earlier
  ones OVERDUE, the statuses TERP's AP screens count, and the Accounts Payable
  account holds exactly what the open bills owe;
* every document posts a balanced entry to the chart of accounts, dated in an
  open fiscal period, written when its document is and posted by the
  controller the next working day, before the period closed;
* the bank sees every payment and expense that moves money, as the bank's feed
  imports the day's lines in the evening; when clients pay too late for the
  business to pay its own way, it draws on a line of credit;
* everything people write is written on working days, in working hours, after
  what it follows (common.moment_on).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from generators.access import staff_with_job
from generators.common import (at, end_of_day, in_office_hours, moment_on, next_weekday, weekday_between, weighted)
from generators.trade import TERM_DAYS, Order, q2, trade

ZERO = Decimal("0.00")
# Opening balances: the bank accounts, and petty cash (Cash on Hand) for cash expenses.
OPENING_CASH = {"1000": Decimal("750000.00"), "1010": Decimal("250000.00"), "1050": Decimal("12000.00")}
SAVINGS_RATE_MONTHLY = Decimal("0.0025")
ALLOWANCE_SHARE = Decimal("0.05")      # a refund is about 5% of the order
CREDIT_LIFE_DAYS = 180                 # a credit note expires half a year after it is issued
SETTLEMENT_DAYS = 30                   # a consignment settlement bill is due 30 days after it
# How the business pays its vendors: one to three instalments spread over the bill's
# term (the larger the bill, the more of them: cash comes in as the product sells),
# all of them late by the same delay (days after the due date of the last).
BILL_INSTALMENTS = [(Decimal("50000"), [(1, 0.7), (2, 0.3)]),
                    (Decimal("200000"), [(1, 0.4), (2, 0.4), (3, 0.2)]),
                    (None, [(1, 0.2), (2, 0.4), (3, 0.4)])]
BILL_DELAYS = [((-2, 3), 0.5), ((4, 25), 0.35), ((26, 75), 0.15)]
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
EXPENSES_MONTHLY_REVENUE = Decimal("2000000")  # the monthly sales MONTHLY_EXPENSES go with
LAB_TEST_PER_LOT = Decimal("350.00")


@dataclass(slots=True)
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
    created: dt.datetime | None = None      # when it was recorded
    reconciled: dt.datetime | None = None   # when its bank line was reconciled


class _PaidByPayments:
    """A document settled by ``payments`` against its ``total`` by ``due``."""

    __slots__ = ()  # its dataclasses keep their fields in slots, as every dataset's objects do

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    def _status(self, end: dt.date, unpaid: str) -> str:
        if self.paid >= self.total:
            return "PAID"
        if self.due < end:
            return "OVERDUE"
        return "PARTIAL" if self.paid > 0 else unpaid


@dataclass(slots=True)
class Invoice(_PaidByPayments):
    id: int
    number: str
    client: dict
    date: dt.date
    due: dt.date
    subtotal: Decimal
    discount: Decimal
    terms: str
    order: Order
    created_by: int
    created: dt.datetime                # written when the order shipped
    payments: list[Payment] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount

    def status(self, end: dt.date) -> str:
        """SENT, PARTIAL, OVERDUE or PAID: the open ones are those TERP's AR screens
        count (a VIEWED invoice is left out of them at 699)."""
        return self._status(end, "SENT")


@dataclass(slots=True)
class Credit:
    id: int
    number: str
    client: dict
    invoice: Invoice                    # what it refunds, and where it is used
    amount: Decimal
    reason: str
    issued: dt.datetime
    created_by: int
    applications: list[tuple[Invoice, Decimal, dt.date, Payment]] = field(default_factory=list)

    @property
    def used(self) -> Decimal:
        return sum((a for _i, a, _d, _p in self.applications), ZERO)

    @property
    def expires(self) -> dt.datetime:
        return self.issued + dt.timedelta(days=CREDIT_LIFE_DAYS)


@dataclass(slots=True)
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
    created: dt.datetime | None = None

    @property
    def total(self) -> Decimal:
        return sum((line[4] for line in self.lines), ZERO)

    def status(self, end: dt.date) -> str:
        """PENDING, PARTIAL, OVERDUE or PAID: the open ones are those TERP's AP
        screens count (APPROVED is not AP at 699)."""
        return self._status(end, "PENDING")


@dataclass(slots=True)
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
    created: dt.datetime | None = None


@dataclass(slots=True)
class BankTxn:
    id: int
    account: str           # ledger account number of the bank account
    date: dt.date
    kind: str              # DEPOSIT, WITHDRAWAL, FEE, INTEREST
    amount: Decimal
    description: str
    reference: str | None
    payment: Payment | None
    imported: dt.datetime | None = None     # when the bank's feed brought it in
    reconciled: dt.datetime | None = None


@dataclass(slots=True)
class Posting:
    """One balanced journal entry: (account number, debit, credit) legs."""
    number: str            # document number; each leg's entryNumber is number-n
    date: dt.date
    reference_type: str
    reference_id: int | None
    description: str
    legs: list[tuple[str, Decimal, Decimal]]
    created_by: int
    created: dt.datetime   # written when its document was
    manual: bool = False
    posted: dt.datetime | None = None       # None: a draft at the window's end


@dataclass(slots=True)
class Books:
    invoices: list[Invoice]
    payments: list[Payment]
    credits: list[Credit]
    bills: list[Bill]
    expenses: list[Expense]
    bank: list[BankTxn]
    postings: list[Posting]
    end: dt.date


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
                      order.subtotal, order.discount, order.terms, order, ar_clerk, order.shipped_at)
        for date, amount, method in order.payments:
            inv.payments.append(Payment(0, "", "RECEIVED", date, amount, method, order.client["id"], inv,
                                        created_by=ar_clerk))
        invoices.append(inv)
    _numbered(invoices, "INV", lambda i: i.date)

    # ---------------------------------------------------------------- credit notes
    credits = _credits(ctx, rng, td, invoices, end, ar_clerk)

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

    # ---------------------------------------------------------------- when each was written
    _record_moments(rng, invoices, bills, expenses)

    # ---------------------------------------------------------------- bank
    bank = _bank(ctx, rng, payments, expenses, end, next_id)

    # ---------------------------------------------------------------- ledger
    postings = _postings(ctx, rng, td, invoices, payments, credits, bills, expenses, bank, controller, ar_clerk)
    _post(rng, postings, end)
    return Books(invoices, payments, credits, bills, expenses, bank, postings, end)


# ------------------------------------------------------------------ credits
def _credits(ctx, rng, td, invoices, end, clerk) -> list[Credit]:
    by_order = {i.order.id: i for i in invoices}
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
    # allowances: agreed while the client is still paying the invoice, when there is
    # such an invoice to give one on, and taken off what it pays
    candidates = [i for i in invoices if i.order and i.total > 0 and (end - i.date).days > 7]  # not comps
    wanted = min(len(candidates), round(len(candidates) * ctx.scenario.refund_rate))
    paying = [i for i in candidates if _last_cash_day(i) is not None]
    picked = rng.sample(paying, min(wanted, len(paying)))
    chosen = {id(i) for i in picked}
    picked += rng.sample([i for i in candidates if id(i) not in chosen], wanted - len(picked))
    for inv in picked:
        amount = q2(inv.total * ALLOWANCE_SHARE * Decimal(str(rng.uniform(0.6, 1.4))))
        day = weekday_between(inv.date + dt.timedelta(days=rng.randint(3, 20)), inv.date + dt.timedelta(days=1),
                              _last_cash_day(inv) or end)
        credits.append(Credit(0, "", inv.client, inv, amount,
                              weighted(rng, [("Quality allowance", 0.5), ("Pricing adjustment", 0.3),
                                             ("Short shipment", 0.2)]), moment_on(rng, day), clerk))
    credits.sort(key=lambda c: (c.issued, c.invoice.id))
    for n, credit in enumerate(credits, start=1):
        credit.id, credit.number = ctx.id(n), f"CR-{n:05d}"
        _apply_credit(credit)
    return credits


def _last_cash_day(inv: Invoice) -> dt.date | None:
    """The day of the last money paid on the invoice after the day it was issued."""
    return max((p.date for p in inv.payments if p.method != "OTHER" and p.date > inv.date), default=None)


def _apply_credit(credit: Credit) -> None:
    """Use the credit on the invoice it was issued against: it pays, in its place,
    part of the money the client pays on that invoice from the credit's day on.
    What is left of it is the client's, unused until it expires."""
    inv = credit.invoice
    left = credit.amount
    payments: list[Payment] = []
    for pay in inv.payments:
        if left > 0 and pay.method != "OTHER" and pay.date >= credit.issued.date():
            used = min(left, pay.amount)
            applied = Payment(0, "", "RECEIVED", pay.date, used, "OTHER", pay.client_id, inv, credit=credit,
                              created_by=pay.created_by)
            payments.append(applied)
            credit.applications.append((inv, used, pay.date, applied))
            left -= used
            pay.amount -= used
            if pay.amount == 0:
                continue
        payments.append(pay)
    inv.payments = payments


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
    # consignment: what sold in half a month, less what came back, settled after it
    sold = defaultdict(lambda: [ZERO, ZERO])        # (vendor, half-month, batch) -> [qty, cost]
    for order in td.orders:
        if order.kind != "SALE" or order.sale_status == "CANCELLED":
            continue
        for line in order.lines:
            if line.batch.terms == "CONSIGNMENT":
                key = (line.batch.vendor_id, _settlement_period(order.confirmed_at.date()), line.batch.id)
                sold[key][0] += line.qty
                sold[key][1] += q2(line.qty * line.unit_cogs)
    for ret in td.returns:
        if ret.line.batch.terms == "CONSIGNMENT":
            key = (ret.line.batch.vendor_id, _settlement_period(ret.processed_at.date()), ret.line.batch.id)
            sold[key][0] -= ret.qty
            sold[key][1] -= q2(ret.qty * ret.line.unit_cogs)
    periods = _settlements(td.batches, sold)
    for (vendor, (first, last)), lines in sorted(periods.items()):
        date = _settlement_day(last)
        if date > end:
            continue  # sales not settled yet: accrued (Consignment Payable), not billed
        supplier = lines[0][0].supplier_client_id
        span = f"{first.day}-{last.day} {first:%B %Y}"
        bill = Bill(next_id("bill"), "", vendor, supplier, date, date + dt.timedelta(days=SETTLEMENT_DAYS),
                    [(b, f"Consignment settlement {span}: {b.product.name}, lot {b.lot_code}",
                      qty, q2(cost / qty), cost) for b, qty, cost in lines],
                    "CONSIGNMENT", (None, None), controller)
        bills.append(bill)
    for bill in bills:
        _pay_bill(rng, bill, end, controller)
    return bills


def _settlements(batches, sold: dict) -> dict:
    """Each (vendor, half month)'s settlement lines, (batch, qty, cost), from what each
    batch sold in it less what came back (``sold``).  A batch that came back more than
    it sold in a half month (a return after the sale's settlement) has no line: its
    cost comes off the vendor's other lines of that settlement (the largest first,
    half of a line at most), or of the next, so the grower is paid for returned
    goods only once they sell again."""
    batches = {b.id: b for b in batches}
    entries = defaultdict(list)
    for (vendor, period, batch_id), (qty, cost) in sorted(sold.items()):
        entries[(vendor, period)].append((batches[batch_id], qty, cost))
    periods = {}
    back = defaultdict(lambda: ZERO)  # vendor -> cost of returns no settlement has taken off yet
    for (vendor, period), items in sorted(entries.items(), key=lambda kv: kv[0]):
        lines = [[batch, qty, cost] for batch, qty, cost in items if qty > 0 and cost > 0]
        back[vendor] += sum((-cost for _b, qty, cost in items if qty <= 0 and cost < 0), ZERO)
        for line in sorted(lines, key=lambda l: (-l[2], l[0].id)):
            part = min(back[vendor], q2(line[2] / 2))
            line[2] -= part
            back[vendor] -= part
        if lines:
            periods[(vendor, period)] = [tuple(line) for line in lines]
    return periods


def _settlement_period(day: dt.date) -> tuple[dt.date, dt.date]:
    """The half month whose consigned sales one settlement bill covers: the 1st to
    the 15th, or the 16th to the month's last day."""
    if day.day <= 15:
        return day.replace(day=1), day.replace(day=15)
    next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day.replace(day=16), next_month - dt.timedelta(days=1)


def _settlement_day(last: dt.date) -> dt.date:
    """A settlement is drawn up on the second working day after its period."""
    return next_weekday(next_weekday(last + dt.timedelta(days=1)) + dt.timedelta(days=1))


def _pay_bill(rng, bill: Bill, end: dt.date, by: int) -> None:
    """COD: cash on delivery.  Otherwise in one to three instalments (more for larger
    bills) spread over the bill's term up to its due date, all late by the same few
    days or weeks (half the bills are paid on time), on working days; what is not
    paid by the window's end stays open: PENDING or PARTIAL, OVERDUE once due."""
    if bill.terms == "COD":
        bill.payments.append(Payment(0, "", "SENT", bill.date, bill.total, "CASH", bill.supplier_client_id,
                                     bill=bill, created_by=by))
        return
    method = weighted(rng, [("ACH", 0.6), ("CHECK", 0.25), ("WIRE", 0.15)])
    parts = weighted(rng, next(w for limit, w in BILL_INSTALMENTS if limit is None or bill.total < limit))
    delay = rng.randint(*weighted(rng, BILL_DELAYS))
    term = (bill.due - bill.date).days
    left = bill.total
    for k in range(1, parts + 1):
        day = bill.date + dt.timedelta(days=max(1, term * k // parts + delay))
        day = next_weekday(day)
        if day > end:
            break
        amount = left if k == parts else q2(bill.total / parts)
        bill.payments.append(Payment(0, "", "SENT", day, amount, method, bill.supplier_client_id, bill=bill,
                                     created_by=by))
        left -= amount


def _reference(rng, p: Payment) -> str:
    if p.method == "OTHER":
        return p.credit.number
    return {"CHECK": f"CHK-{rng.randint(1000, 9999)}", "ACH": f"ACH-{rng.randint(10**9, 10**10 - 1)}",
            "WIRE": f"WIRE-{rng.randint(10**11, 10**12 - 1)}", "CASH": f"CASH-{p.date:%Y%m%d}",
            "CREDIT_CARD": f"CC-{rng.randint(1000, 9999)}", "DEBIT_CARD": f"DC-{rng.randint(1000, 9999)}"}[p.method]


# ------------------------------------------------------------------ when documents were written
def _record_moments(rng, invoices: list[Invoice], bills: list[Bill], expenses: list["Expense"]) -> None:
    """A payment is recorded during the working day it came in or went out, after
    the delivery or intake of the same day it settles and after the credit note it
    applies; a bill when its intake arrived or its settlement was drawn up; an
    expense on its day."""
    for inv in invoices:
        for p in inv.payments:
            after = [inv.created] if p.date == inv.date else []
            if p.credit is not None and p.date == p.credit.issued.date():
                after.append(p.credit.issued)
            p.created = moment_on(rng, p.date, max(after, default=None))
    for bill in bills:
        intake = bill.lines[0][0].received if bill.reference[0] == "LOT" else None
        bill.created = moment_on(rng, bill.date, intake)
        for p in bill.payments:
            p.created = moment_on(rng, p.date, bill.created if p.date == bill.date else None)
    for e in expenses:
        e.created = moment_on(rng, e.date)


# ------------------------------------------------------------------ expenses
def _expenses(ctx, rng, td, end, next_id) -> list[Expense]:
    from generators.trade import _months

    clerk = staff_with_job(ctx, "Controller")[0]["id"]
    # a business of the scenario's monthly sales: MONTHLY_EXPENSES are those of one
    # selling EXPENSES_MONTHLY_REVENUE; -x scale grows them as its square root
    scale = Decimal(str(ctx.params.scale)).sqrt()
    size = ctx.scenario.revenue / ctx.scenario.months / EXPENSES_MONTHLY_REVENUE
    lots = defaultdict(int)
    for b in td.batches:
        lots[b.received.date().replace(day=1)] += 1
    expenses: list[Expense] = []
    for first, last in _months(ctx.window_start, end):
        items = [(c, Decimal(a) * size, d, m) for c, a, d, m in MONTHLY_EXPENSES]
        items.append(("Lab Testing", LAB_TEST_PER_LOT * lots[first], 22, "CHECK"))  # per lot tested
        for category, amount, day, method in items:
            date = weekday_between(first.replace(day=min(day, last.day)), first, last)
            value = q2(amount * scale * Decimal(str(rng.uniform(0.94, 1.06))))
            if value > 0:
                expenses.append(Expense(next_id("expense"), "", date, category, value, method,
                                        f"{category} {first:%B %Y}", clerk))
    return sorted(expenses, key=lambda e: (e.date, e.id))


# ------------------------------------------------------------------ bank
CASH_FLOOR = Decimal("50000.00")    # checking never ends a day below this: the line of credit
LOAN_STEP = Decimal("50000.00")
BANK_FEED_HOURS = (19, 22)       # the bank's end-of-day file comes in between 19:00 and 23:00
RECONCILE_AFTER_DAYS = (2, 6)    # the controller ticks a line off a few working days later


def _bank(ctx, rng, payments, expenses, end, next_id) -> list[BankTxn]:
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
        closing = weekday_between(last, first, last)  # the month's last working day
        deposits = sum(1 for t in txns if t.kind == "DEPOSIT" and first <= t.date <= last)
        txns.append(BankTxn(0, "1000", closing, "FEE", q2(Decimal("45.00") + Decimal("0.25") * deposits),
                            f"Account and deposit fees {first:%B %Y}", None, None))
        interest = q2(savings * SAVINGS_RATE_MONTHLY)
        savings += interest
        txns.append(BankTxn(0, "1010", closing, "INTEREST", interest, f"Interest {first:%B %Y}", None, None))
    txns += _line_of_credit(txns)
    order = {"DEPOSIT": 0, "TRANSFER": 1, "WITHDRAWAL": 2, "FEE": 3, "INTEREST": 4}
    txns.sort(key=lambda t: (t.date, order[t.kind], t.reference or "", t.amount))
    for t in txns:
        t.id = next_id("bank")
        if t.payment:
            t.payment.bank_txn_id = t.id
    by_number = {e.number: e for e in expenses}
    for t in txns:
        if t.payment is None and t.reference in by_number:
            by_number[t.reference].bank_txn_id = t.id
    _import_and_reconcile(rng, txns, by_number, end)
    return txns


def _line_of_credit(txns: list[BankTxn]) -> list[BankTxn]:
    """Draws on the bank's revolving line (Notes Payable) on the days checking would
    otherwise end below CASH_FLOOR: clients paying late (edgeCases) leave the
    business short for its vendors and expenses, and it borrows, in LOAN_STEP
    amounts."""
    net: dict[dt.date, Decimal] = defaultdict(Decimal)
    for t in txns:
        if t.account == "1000":
            net[t.date] += t.amount if t.kind == "DEPOSIT" else -t.amount
    balance, draws = OPENING_CASH["1000"], []
    for day in sorted(net):
        balance += net[day]
        if balance < CASH_FLOOR:
            amount = ((CASH_FLOOR - balance) / LOAN_STEP).to_integral_value(rounding="ROUND_CEILING") * LOAN_STEP
            draws.append(BankTxn(0, "1000", day, "TRANSFER", amount, "Draw on the revolving line of credit",
                                 f"LOC-{day:%Y%m%d}", None))
            balance += amount
    return draws


def _import_and_reconcile(rng, txns: list[BankTxn], expenses: dict[str, "Expense"], end: dt.date) -> None:
    """The bank's feed brings each day's lines in one evening import, a second
    apart, never before the payment or expense behind a line was recorded; the
    controller reconciles a line a few working days later (not yet, when that
    falls after the window's end), and its payment with it."""
    feeds: dict[dt.date, dt.datetime] = {}
    rank: dict[dt.date, int] = defaultdict(int)
    for t in txns:
        if t.date not in feeds:
            feeds[t.date] = at(t.date, rng.randint(*BANK_FEED_HOURS), rng.randint(0, 59), rng.randint(0, 59))
        rank[t.date] += 1
        moment = feeds[t.date] + dt.timedelta(seconds=rank[t.date])
        behind = t.payment.created if t.payment else getattr(expenses.get(t.reference), "created", None)
        if behind is not None and moment <= behind:
            moment = behind + dt.timedelta(minutes=1)
        t.imported = min(moment, end_of_day(t.date))
        day = next_weekday(t.date + dt.timedelta(days=rng.randint(*RECONCILE_AFTER_DAYS)))
        t.reconciled = moment_on(rng, day) if day <= end else None
        if t.payment:
            t.payment.reconciled = t.reconciled


# ------------------------------------------------------------------ ledger
def _postings(ctx, rng, td, invoices, payments, credits, bills, expenses, bank, controller, clerk) -> list[Posting]:
    from generators.books import EXPENSE_CATEGORIES

    accounts = {name: number for name, _parent, number in EXPENSE_CATEGORIES}
    start = ctx.window_start
    out: list[Posting] = []
    opening = [(account, amount, ZERO) for account, amount in OPENING_CASH.items()]
    opening.append(("3000", ZERO, sum(OPENING_CASH.values(), ZERO)))
    # entered by the controller on the window's first working day, dated its first day
    entered = moment_on(rng, next_weekday(start))
    out.append(Posting(f"JE-{start:%Y}-OPENING", start, "OPENING_BALANCE", None,
                       "Opening balances carried over from the previous system", opening, controller, entered,
                       manual=True, posted=entered))
    for inv in invoices:
        legs = [("1100", inv.total, ZERO), ("4000", ZERO, inv.subtotal)]
        if inv.discount:
            legs.insert(1, ("4200", inv.discount, ZERO))
        if inv.subtotal:  # a comp's $0 invoice earns nothing: only its cost posts
            out.append(Posting(inv.number, inv.date, "INVOICE", inv.id, f"Sale {inv.order.number}", legs,
                               clerk, inv.created))
        owned = sum((l.line_cogs for l in inv.order.lines if l.batch.terms != "CONSIGNMENT"), ZERO)
        consigned = sum((l.line_cogs for l in inv.order.lines if l.batch.terms == "CONSIGNMENT"), ZERO)
        cogs = [("5000", owned + consigned, ZERO)]
        cogs += [("1200", ZERO, owned)] if owned else []
        cogs += [("2050", ZERO, consigned)] if consigned else []
        out.append(Posting(f"COGS-{inv.number}", inv.date, "INVOICE", inv.id,
                           f"Cost of {inv.order.number}", cogs, clerk, inv.created))
    for n, ret in enumerate(td.returns, start=1):
        cost = q2(ret.qty * ret.line.unit_cogs)
        side = "2050" if ret.line.batch.terms == "CONSIGNMENT" else "1200"
        out.append(Posting(f"RET-{n:05d}", ret.processed_at.date(), "RETURN", ret.id,
                           f"Returned goods from {ret.order.number}", [(side, cost, ZERO), ("5000", ZERO, cost)],
                           clerk, ret.processed_at))
    for credit in credits:
        out.append(Posting(credit.number, credit.issued.date(), "CREDIT", credit.id,
                           f"{credit.reason} on {credit.invoice.number}",
                           [("4100", credit.amount, ZERO), ("2300", ZERO, credit.amount)], clerk, credit.issued))
    for p in payments:
        if p.kind == "RECEIVED":
            debit = "2300" if p.method == "OTHER" else "1000"
            legs = [(debit, p.amount, ZERO), ("1100", ZERO, p.amount)]
            what = f"Payment on {p.invoice.number}"
        else:
            legs = [("2000", p.amount, ZERO), ("1000", ZERO, p.amount)]
            what = f"Payment of {p.bill.number}"
        out.append(Posting(p.number, p.date, "PAYMENT", p.id, what, legs,
                           clerk if p.kind == "RECEIVED" else controller, p.created))
    for bill in bills:
        debit = "1200" if bill.reference[0] == "LOT" else "2050"
        out.append(Posting(bill.number, bill.date, "BILL", bill.id, bill.lines[0][1] if len(bill.lines) == 1
                           else f"Consignment settlement, {len(bill.lines)} lots",
                           [(debit, bill.total, ZERO), ("2000", ZERO, bill.total)], controller, bill.created))
    for e in expenses:
        paid_from = "1050" if e.method == "CASH" else "1000"  # petty cash, or the bank
        out.append(Posting(e.number, e.date, "EXPENSE", e.id, e.description,
                           [(accounts[e.category], e.amount, ZERO), (paid_from, ZERO, e.amount)], controller,
                           e.created))
    for t in bank:
        if t.kind == "FEE":
            out.append(Posting(f"FEE-{t.date:%Y-%m}", t.date, "BANK_FEE", t.id, t.description,
                               [("6700", t.amount, ZERO), ("1000", ZERO, t.amount)], controller, t.imported))
        elif t.kind == "INTEREST":
            out.append(Posting(f"INT-{t.date:%Y-%m}", t.date, "INTEREST", t.id, t.description,
                               [("1010", t.amount, ZERO), ("4900", ZERO, t.amount)], controller, t.imported))
        elif t.kind == "TRANSFER":
            out.append(Posting(t.reference, t.date, "LOAN_DRAW", t.id, t.description,
                               [("1000", t.amount, ZERO), ("2500", ZERO, t.amount)], controller, t.imported))
    out.sort(key=lambda p: (p.date, p.number))
    return out


def _post(rng, postings: list[Posting], end: dt.date) -> None:
    """The controller posts each working day's entries the next working morning
    (one posting run a day); entries whose run falls after the window's end are
    still drafts."""
    runs: dict[dt.date, dt.datetime] = {}
    for posting in postings:
        if posting.posted is not None:
            continue
        day = next_weekday(posting.created.date() + dt.timedelta(days=1))
        if day > end:
            continue
        if day not in runs:
            runs[day] = at(day, rng.randint(8, 10), rng.randint(0, 59), rng.randint(0, 59))
        posting.posted = runs[day]


__all__ = ["books", "Books", "Invoice", "Payment", "Bill", "Credit", "Expense", "BankTxn", "Posting"]
