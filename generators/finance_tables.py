"""Finance tables, projected from the books (finance.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from generators.access import staff_with_job
from generators.common import at
from generators.finance import OPENING_CASH, books
from generators.trade import q2

ZERO = Decimal("0.00")
BANK_ACCOUNTS = [  # (ledger account, name, number, bank, type, notes)
    ("1000", "Operating Checking", "****4821", "Pacific Western Bank", "CHECKING",
     "Client receipts, vendor payments and expenses"),
    ("1010", "Reserve Savings", "****7730", "Pacific Western Bank", "SAVINGS", "Cash reserve, earns interest"),
]


def _b(ctx):
    return ctx.dataset(books)


def _account_ids(ctx) -> dict[str, int]:
    return {row["accountNumber"]: row["id"] for row in ctx.rows("accounts")}


def _bank_ids(ctx) -> dict[str, int]:
    return {BANK_ACCOUNTS[k][0]: row["id"] for k, row in enumerate(ctx.rows("bankAccounts"))}


def _last_moment(doc) -> dt.datetime:
    """When a document was last touched: written, or its latest payment recorded."""
    return max([doc.created] + [p.created for p in doc.payments])


# ------------------------------------------------------------------ receivables
def invoices(ctx):
    end = ctx.window_end
    rows = []
    for inv in _b(ctx).invoices:
        rows.append({
            "id": inv.id, "invoiceNumber": inv.number, "customerId": inv.client["id"],
            "invoiceDate": inv.date, "dueDate": inv.due, "subtotal": inv.subtotal, "taxAmount": ZERO,
            "discountAmount": inv.discount, "totalAmount": inv.total, "amountPaid": inv.paid,
            "amountDue": inv.total - inv.paid, "status": inv.status(end), "paymentTerms": inv.terms,
            "notes": None, "referenceType": "ORDER", "referenceId": inv.order.id,
            "createdBy": inv.created_by, "createdAt": inv.created, "updatedAt": _last_moment(inv),
        })
    return rows


def invoiceLineItems(ctx):
    rows = []
    for inv in _b(ctx).invoices:
        for l in inv.order.lines:
            rows.append({"id": ctx.id(len(rows) + 1), "invoiceId": inv.id, "productId": l.batch.product.id,
                         "batchId": l.batch.id, "description": f"{l.batch.product.name} ({l.batch.code})",
                         "quantity": l.qty, "unitPrice": l.unit_price, "taxRate": ZERO, "discountPercent": ZERO,
                         "lineTotal": l.line_total, "createdAt": inv.created})
    return rows


def payments(ctx):
    bank = _bank_ids(ctx)
    rows = []
    for p in _b(ctx).payments:
        # a credit applied moves no money: there is nothing to reconcile but itself
        when = p.created if p.method == "OTHER" else p.reconciled
        rows.append({
            "id": p.id, "paymentNumber": p.number, "paymentType": p.kind, "paymentDate": p.date,
            "amount": p.amount, "paymentMethod": p.method, "referenceNumber": p.reference,
            "bankAccountId": None if p.method == "OTHER" else bank["1000"],
            "customerId": p.client_id if p.kind == "RECEIVED" else None,
            "vendorId": p.client_id if p.kind == "SENT" else None,
            "invoiceId": p.invoice.id if p.invoice else None, "billId": p.bill.id if p.bill else None,
            "notes": f"Credit {p.credit.number} applied" if p.credit else None,
            "isReconciled": when is not None, "reconciledAt": when, "createdBy": p.created_by,
            "createdAt": p.created, "updatedAt": when or p.created,
        })
    return rows


# ------------------------------------------------------------------ payables
def bills(ctx):
    end = ctx.window_end
    rows = []
    for bill in _b(ctx).bills:
        ref_type, ref_id = bill.reference
        rows.append({
            "id": bill.id, "billNumber": bill.number, "vendorId": bill.vendor_id, "billDate": bill.date,
            "dueDate": bill.due, "subtotal": bill.total, "taxAmount": ZERO, "discountAmount": ZERO,
            "totalAmount": bill.total, "amountPaid": bill.paid, "amountDue": bill.total - bill.paid,
            "status": bill.status(end), "paymentTerms": bill.terms,
            "notes": None if ref_type else "Consigned product sold last month",
            "referenceType": ref_type, "referenceId": ref_id, "createdBy": bill.created_by,
            "createdAt": bill.created, "updatedAt": _last_moment(bill),
        })
    return rows


def billLineItems(ctx):
    rows = []
    for bill in _b(ctx).bills:
        for batch, description, qty, price, total in bill.lines:
            rows.append({"id": ctx.id(len(rows) + 1), "billId": bill.id, "productId": batch.product.id,
                         "lotId": batch.lot_id, "description": description, "quantity": qty,
                         "unitPrice": price, "taxRate": ZERO, "discountPercent": ZERO, "lineTotal": total,
                         "createdAt": bill.created})
    return rows


def paymentHistory(ctx):
    """What each vendor was paid for each batch: bill payments spread over the
    bill's lines in order, when each payment was recorded."""
    rows = []
    for bill in _b(ctx).bills:
        paid = defaultdict(lambda: ZERO)  # batch id -> paid so far on this bill
        for pay in bill.payments:
            left = pay.amount
            for batch, _d, _q, _p, total in bill.lines:
                part = min(left, total - paid[batch.id])
                if part <= 0:
                    continue
                rows.append({"id": ctx.id(len(rows) + 1), "batchId": batch.id, "vendorId": bill.vendor_id,
                             "amount": f"{part:.2f}", "paymentDate": pay.created,
                             "paymentMethod": pay.method, "notes": f"{pay.number} on {bill.number}",
                             "recordedBy": pay.created_by, "createdAt": pay.created})
                paid[batch.id] += part
                left -= part
    return rows


# ------------------------------------------------------------------ bank and expenses
def bankAccounts(ctx):
    accounts = _account_ids(ctx)
    balance = defaultdict(Decimal, OPENING_CASH)
    lines = _b(ctx).bank
    for t in lines:
        balance[t.account] += t.amount if t.kind in ("DEPOSIT", "INTEREST", "TRANSFER") else -t.amount
    opened = at(ctx.window_start - dt.timedelta(days=60), 9)
    last = {ledger: max((t.imported for t in lines if t.account == ledger), default=opened)
            for ledger, *_rest in BANK_ACCOUNTS}
    return [
        {"id": ctx.id(n), "accountName": name, "accountNumber": number, "bankName": bank,
         "accountType": kind, "currency": "USD", "currentBalance": q2(balance[ledger]), "isActive": True,
         "ledgerAccountId": accounts[ledger], "notes": notes, "createdAt": opened, "updatedAt": last[ledger]}
        for n, (ledger, name, number, bank, kind, notes) in enumerate(BANK_ACCOUNTS, start=1)
    ]


def bankTransactions(ctx):
    bank = _bank_ids(ctx)
    return [{"id": t.id, "bankAccountId": bank[t.account], "transactionDate": t.date,
             "transactionType": t.kind, "amount": t.amount, "description": t.description,
             "referenceNumber": t.reference, "paymentId": t.payment.id if t.payment else None,
             "isReconciled": t.reconciled is not None, "reconciledAt": t.reconciled, "createdAt": t.imported}
            for t in _b(ctx).bank]


def expenses(ctx):
    categories = {row["categoryName"]: row["id"] for row in ctx.rows("expenseCategories")}
    bank = _bank_ids(ctx)
    rows = []
    for e in _b(ctx).expenses:
        cash = e.method == "CASH"
        rows.append({
            "id": e.id, "expenseNumber": e.number, "expenseDate": e.date, "categoryId": categories[e.category],
            "vendorId": None, "amount": e.amount, "taxAmount": ZERO, "totalAmount": e.amount,
            "paymentMethod": e.method, "bankAccountId": None if cash else bank["1000"],
            "description": e.description + (" (petty cash)" if cash else ""),
            "receiptUrl": f"https://docs.terpwholesale.example/receipts/{e.number}.pdf",
            "billId": None, "isReimbursable": False, "isReimbursed": False, "reimbursedAt": None,
            "createdBy": e.created_by, "createdAt": e.created, "updatedAt": e.created,
        })
    return rows


# ------------------------------------------------------------------ ledger
def ledgerEntries(ctx):
    accounts = _account_ids(ctx)
    periods = [(row["startDate"], row["endDate"], row["id"]) for row in ctx.rows("fiscalPeriods")]
    controller = staff_with_job(ctx, "Controller")[0]["id"]
    rows = []
    for posting in _b(ctx).postings:
        period = next(pid for start, stop, pid in periods if start <= posting.date <= stop)
        posted = posting.posted
        for leg, (account, debit, credit) in enumerate(posting.legs, start=1):
            rows.append({
                "id": ctx.id(len(rows) + 1), "entryNumber": f"{posting.number}-{leg}",
                "entryDate": posting.date, "accountId": accounts[account], "debit": debit, "credit": credit,
                "description": posting.description, "referenceType": posting.reference_type,
                "referenceId": posting.reference_id, "fiscalPeriodId": period, "isManual": posting.manual,
                "isPosted": posted is not None, "postedAt": posted,
                "postedBy": None if posted is None else controller, "createdBy": posting.created_by,
                "createdAt": posting.created,
            })
    return rows


# ------------------------------------------------------------------ credit notes and transactions
def _txn_status(inv, end) -> str:
    return {"PAID": "PAID", "OVERDUE": "OVERDUE", "PARTIAL": "PARTIAL"}.get(inv.status(end), "PENDING")


def _transactions(ctx):
    return ctx.dataset(_transaction_log)


def _transaction_log(ctx):
    """The client-transaction log (a dataset, built once for the tables that read
    it): an INVOICE per invoice, a PAYMENT per payment received, a CREDIT per
    credit note, each when its document was written; numbers in date order.
    An invoice's transaction takes the invoice's own id: creditApplications.invoiceId
    is declared a reference to transactions, and TERP's credits API fills it with
    (and reads it as) an invoice id, so both readings name the same invoice."""
    b = _b(ctx)
    items = []
    for inv in b.invoices:
        items.append((inv.created, "INVOICE", inv))
        items += [(p.created, "PAYMENT", p) for p in inv.payments]
    items += [(c.issued, "CREDIT", c) for c in b.credits]
    items.sort(key=lambda x: (x[0], x[1], x[2].id))
    counters = defaultdict(int)
    others = len(b.invoices)  # the other transactions take ids after the invoices'
    out = []
    for when, kind, doc in items:
        prefix = {"INVOICE": "INV", "PAYMENT": "PAY", "CREDIT": "CRD"}[kind]
        counters[prefix] += 1
        if kind == "INVOICE":
            tid = doc.id
        else:
            others += 1
            tid = ctx.id(others)
        out.append((tid, f"{prefix}-{counters[prefix]:05d}", when, kind, doc))
    return out


def transactions(ctx):
    end = ctx.window_end
    rows = []
    for tid, number, when, kind, doc in _transactions(ctx):
        if kind == "INVOICE":
            client, amount, status, note = doc.client["id"], doc.total, _txn_status(doc, end), doc.number
        elif kind == "PAYMENT":
            client, amount, status, note = doc.client_id, doc.amount, "COMPLETED", doc.number
        else:
            remaining = doc.amount - doc.used
            client, amount, note = doc.client["id"], doc.amount, doc.number
            status = "COMPLETED" if remaining == 0 else "CONFIRMED"
        rows.append({"id": tid, "transactionNumber": number, "transactionType": kind, "clientId": client,
                     "transactionDate": when, "amount": f"{amount:.2f}", "transactionStatus": status,
                     "notes": note, "metadata": None, "createdBy": doc.created_by,
                     "createdAt": when, "updatedAt": when})
    return rows


def _txn_ids(ctx) -> dict[tuple[str, int], int]:
    return ctx.dataset(_transaction_ids)


def _transaction_ids(ctx) -> dict[tuple[str, int], int]:
    return {(kind, id(doc)): tid for tid, _n, _w, kind, doc in _transactions(ctx)}


def transactionLinks(ctx):
    ids = _txn_ids(ctx)
    b = _b(ctx)
    rows = []

    def link(parent, child, kind, amount, note, by, when):
        rows.append({"id": ctx.id(len(rows) + 1), "parentTransactionId": parent, "childTransactionId": child,
                     "transactionLinkType": kind, "linkAmount": f"{amount:.2f}", "notes": note,
                     "createdBy": by, "createdAt": when})

    for inv in b.invoices:
        for p in inv.payments:
            link(ids[("INVOICE", id(inv))], ids[("PAYMENT", id(p))], "PAYMENT_FOR", p.amount,
                 p.number, p.created_by, p.created)
    for c in b.credits:
        link(ids[("INVOICE", id(c.invoice))], ids[("CREDIT", id(c))], "REFUND_OF", c.amount, c.reason,
             c.created_by, c.issued)
        for inv, amount, _day, pay in c.applications:
            link(ids[("CREDIT", id(c))], ids[("INVOICE", id(inv))], "CREDIT_APPLIED_TO", amount,
                 f"{c.number} on {inv.number}", c.created_by, pay.created)
    return rows


def credits(ctx):
    ids = _txn_ids(ctx)
    end = ctx.window_end
    rows = []
    for c in _b(ctx).credits:
        remaining = c.amount - c.used
        if remaining == 0:
            status = "FULLY_USED"
        elif c.expires.date() < end:
            status = "EXPIRED"
        else:
            status = "PARTIALLY_USED" if c.used else "ACTIVE"
        last = max([c.issued] + [pay.created for _i, _a, _d, pay in c.applications])
        rows.append({"id": c.id, "creditNumber": c.number, "clientId": c.client["id"],
                     "transactionId": ids[("CREDIT", id(c))], "creditAmount": f"{c.amount:.2f}",
                     "amountUsed": f"{c.used:.2f}", "amountRemaining": f"{remaining:.2f}",
                     "creditReason": c.reason, "expirationDate": c.expires, "creditStatus": status,
                     "notes": f"Against {c.invoice.number}", "createdBy": c.created_by,
                     "createdAt": c.issued, "updatedAt": last})
    return rows


def creditApplications(ctx):
    ids = _txn_ids(ctx)
    rows = []
    for c in _b(ctx).credits:
        for inv, amount, _day, pay in c.applications:
            rows.append({"id": ctx.id(len(rows) + 1), "creditId": c.id, "invoiceId": ids[("INVOICE", id(inv))],
                         "amountApplied": f"{amount:.2f}", "appliedDate": pay.created,
                         "notes": f"{c.number} applied to {inv.number} ({pay.number})",
                         "appliedBy": c.created_by, "createdAt": pay.created})
    return rows


def client_transactions(ctx):
    b = _b(ctx)
    end = ctx.window_end
    rows = []
    for inv in b.invoices:
        last = max((p.date for p in inv.payments), default=None)
        rows.append({"id": ctx.id(len(rows) + 1), "client_id": inv.client["id"], "transaction_type": "INVOICE",
                     "transaction_number": inv.number, "transaction_date": inv.date, "amount": inv.total,
                     "payment_status": _txn_status(inv, end), "payment_date": last,
                     "payment_amount": inv.paid if inv.payments else None,
                     "notes": None, "metadata": {"invoiceId": inv.id, "orderId": inv.order.id},
                     "created_at": inv.created, "updated_at": _last_moment(inv)})
    for c in b.credits:
        rows.append({"id": ctx.id(len(rows) + 1), "client_id": c.client["id"], "transaction_type": "CREDIT",
                     "transaction_number": c.number, "transaction_date": c.issued.date(), "amount": c.amount,
                     "payment_status": "PAID" if c.used == c.amount else "PENDING",
                     "payment_date": None, "payment_amount": None, "notes": c.reason,
                     "metadata": {"creditId": c.id, "invoiceId": c.invoice.id},
                     "created_at": c.issued, "updated_at": c.issued})
    return rows


__all__ = [name for name in dir() if not name.startswith("_")]


# ------------------------------------------------------------------ what the books make true elsewhere
def order_invoices(ctx):
    """orders.invoice_id of every invoiced sale."""
    updated = {row["id"]: row["updated_at"] for row in ctx.rows("orders")}
    return [{"id": inv.order.id, "invoice_id": inv.id, "updated_at": updated[inv.order.id]}
            for inv in _b(ctx).invoices]


def _paid_by_batch(ctx) -> dict[int, tuple[Decimal, dt.datetime]]:
    paid: dict[int, tuple[Decimal, dt.datetime]] = {}
    for row in ctx.rows("paymentHistory"):
        amount, last = paid.get(row["batchId"], (ZERO, row["paymentDate"]))
        paid[row["batchId"]] = (amount + Decimal(row["amount"]), max(last, row["paymentDate"]))
    return paid


def batch_payments(ctx):
    """batches.amountPaid: what the vendor has been paid for the batch."""
    paid = _paid_by_batch(ctx)
    return [{"id": row["id"], "amountPaid": f"{paid[row['id']][0]:.2f}",
             "updatedAt": max(row["updatedAt"], paid[row["id"]][1])}
            for row in ctx.rows("batches") if row["id"] in paid]


def intake_payments(ctx):
    """intake_sessions.amount_paid: the same, per intake session."""
    paid = _paid_by_batch(ctx)
    batch_of = {row["intake_session_id"]: row["batch_id"] for row in ctx.rows("intake_session_batches")}
    return [{"id": row["id"], "amount_paid": paid[batch_of[row["id"]]][0],
             "updated_at": max(row["updated_at"], paid[batch_of[row["id"]]][1])}
            for row in ctx.rows("intake_sessions") if batch_of[row["id"]] in paid]


def document_sequences(ctx):
    """The yearly invoice, bill and payment counters move past the numbers used."""
    b = _b(ctx)
    used: dict[str, tuple[int, dt.datetime]] = {}
    series = [("invoice", b.invoices), ("bill", b.bills),
              ("payment_received", [p for p in b.payments if p.kind == "RECEIVED"]),
              ("payment_sent", [p for p in b.payments if p.kind == "SENT"])]
    for name, docs in series:
        for doc in docs:
            key = f"{name}_{doc.date.year}"
            count, last = used.get(key, (0, doc.created))
            used[key] = (count + 1, max(last, doc.created))  # moved when its last number was taken
    return [{"id": row["id"], "currentValue": used[row["name"]][0], "updatedAt": used[row["name"]][1]}
            for row in ctx.rows("sequences") if row["name"] in used]


def client_totals(ctx):
    """clients' running figures: spent, profit, margin, owed, oldest debt.  Owed is
    what the client's open invoices (client_transactions rows not PAID) still
    have due, which the AR screens and the ledger show; the oldest debt is, as
    TERP's updateClientStats counts it, the days from the oldest of those
    invoices' dates to the window's end."""
    b = _b(ctx)
    end = ctx.window_end
    figures: dict[int, dict] = {}
    for inv in b.invoices:
        f = figures.setdefault(inv.client["id"], {"spent": ZERO, "profit": ZERO, "owed": ZERO,
                                                  "oldest": None, "last": inv.created})
        f["spent"] += inv.total
        f["profit"] += inv.order.total_margin - inv.discount
        due = inv.total - inv.paid
        f["owed"] += due
        if due > 0 and (f["oldest"] is None or inv.date < f["oldest"]):
            f["oldest"] = inv.date
        f["last"] = max(f["last"], _last_moment(inv))
    rows = []
    for client in ctx.rows("clients"):
        f = figures.get(client["id"])
        if f is None:
            continue
        rows.append({"id": client["id"], "total_spent": f["spent"], "total_profit": f["profit"],
                     "avg_profit_margin": q2(f["profit"] * 100 / f["spent"]) if f["spent"] else ZERO,
                     "total_owed": f["owed"], "oldest_debt_days": (end - f["oldest"]).days if f["oldest"] else 0,
                     "updated_at": max(client["updated_at"], f["last"])})
    return rows
