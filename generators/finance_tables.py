"""Finance tables, projected from the books (finance.py)."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from decimal import Decimal

from generators.access import staff_with_job
from generators.books import EXPENSE_CATEGORIES
from generators.finance import OPENING_CASH, books
from generators.trade import q2

ZERO = Decimal("0.00")
BANK_ACCOUNTS = [  # (ledger account, name, number, bank, type, notes)
    ("1000", "Operating Checking", "****4821", "Pacific Western Bank", "CHECKING",
     "Client receipts, vendor payments and expenses"),
    ("1010", "Reserve Savings", "****7730", "Pacific Western Bank", "SAVINGS", "Cash reserve, earns interest"),
]


def _end(ctx) -> dt.datetime:
    e = ctx.window_end
    return dt.datetime(e.year, e.month, e.day, 23, 59, 59)


@functools.lru_cache(maxsize=None)  # one object per moment: the ledger's rows share them
def _at(day: dt.date, hour: int = 11) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, 0)


def _b(ctx):
    return ctx.dataset(books)


def _account_ids(ctx) -> dict[str, int]:
    return {row["accountNumber"]: row["id"] for row in ctx.rows("accounts")}


def _bank_ids(ctx) -> dict[str, int]:
    return {BANK_ACCOUNTS[k][0]: row["id"] for k, row in enumerate(ctx.rows("bankAccounts"))}


def _reconciled(ctx, day: dt.date) -> tuple[bool, dt.datetime | None]:
    done = day + dt.timedelta(days=3)
    if (ctx.window_end - day).days >= 15:
        return True, _at(done, 10)
    return False, None


def _last_payment(doc) -> dt.datetime | None:
    return _at(max(p.date for p in doc.payments), 12) if doc.payments else None


# ------------------------------------------------------------------ receivables
def invoices(ctx):
    end = ctx.window_end
    rows = []
    for inv in _b(ctx).invoices:
        created = _at(inv.date, 9) if inv.order is None else inv.order.shipped_at
        rows.append({
            "id": inv.id, "invoiceNumber": inv.number, "customerId": inv.client["id"],
            "invoiceDate": inv.date, "dueDate": inv.due, "subtotal": inv.subtotal, "taxAmount": ZERO,
            "discountAmount": inv.discount, "totalAmount": inv.total, "amountPaid": inv.paid,
            "amountDue": inv.total - inv.paid, "status": inv.status(end), "paymentTerms": inv.terms,
            "notes": "Balance carried over from the previous system" if inv.order is None else None,
            "referenceType": "ORDER" if inv.order else "OPENING_BALANCE",
            "referenceId": inv.order.id if inv.order else None,
            "createdBy": inv.created_by, "createdAt": created,
            "updatedAt": max(created, _last_payment(inv) or created),
        })
    return rows


def invoiceLineItems(ctx):
    rows = []
    for inv in _b(ctx).invoices:
        created = _at(inv.date, 9) if inv.order is None else inv.order.shipped_at
        if inv.order is None:
            lines = [(None, None, "Balance carried over from the previous system", Decimal("1.00"),
                      inv.subtotal, inv.subtotal)]
        else:
            lines = [(l.batch.product.id, l.batch.id, f"{l.batch.product.name} ({l.batch.code})",
                      l.qty, l.unit_price, l.line_total) for l in inv.order.lines]
        for product, batch, description, qty, price, total in lines:
            rows.append({"id": ctx.id(len(rows) + 1), "invoiceId": inv.id, "productId": product,
                         "batchId": batch, "description": description, "quantity": qty, "unitPrice": price,
                         "taxRate": ZERO, "discountPercent": ZERO, "lineTotal": total, "createdAt": created})
    return rows


def payments(ctx):
    bank = _bank_ids(ctx)
    rows = []
    for p in _b(ctx).payments:
        reconciled, when = _reconciled(ctx, p.date) if p.method != "OTHER" else (True, _at(p.date, 12))
        rows.append({
            "id": p.id, "paymentNumber": p.number, "paymentType": p.kind, "paymentDate": p.date,
            "amount": p.amount, "paymentMethod": p.method, "referenceNumber": p.reference,
            "bankAccountId": None if p.method == "OTHER" else bank["1000"],
            "customerId": p.client_id if p.kind == "RECEIVED" else None,
            "vendorId": p.client_id if p.kind == "SENT" else None,
            "invoiceId": p.invoice.id if p.invoice else None, "billId": p.bill.id if p.bill else None,
            "notes": f"Credit {p.credit.number} applied" if p.credit else None,
            "isReconciled": reconciled, "reconciledAt": when, "createdBy": p.created_by,
            "createdAt": _at(p.date, 11), "updatedAt": when or _at(p.date, 11),
        })
    return rows


# ------------------------------------------------------------------ payables
def bills(ctx):
    end = ctx.window_end
    rows = []
    for bill in _b(ctx).bills:
        created = _at(bill.date, 10)
        ref_type, ref_id = bill.reference
        rows.append({
            "id": bill.id, "billNumber": bill.number, "vendorId": bill.vendor_id, "billDate": bill.date,
            "dueDate": bill.due, "subtotal": bill.total, "taxAmount": ZERO, "discountAmount": ZERO,
            "totalAmount": bill.total, "amountPaid": bill.paid, "amountDue": bill.total - bill.paid,
            "status": bill.status(end), "paymentTerms": bill.terms,
            "notes": None if ref_type else "Consigned product sold last month",
            "referenceType": ref_type, "referenceId": ref_id, "createdBy": bill.created_by,
            "createdAt": created, "updatedAt": max(created, _last_payment(bill) or created),
        })
    return rows


def billLineItems(ctx):
    rows = []
    for bill in _b(ctx).bills:
        for batch, description, qty, price, total in bill.lines:
            rows.append({"id": ctx.id(len(rows) + 1), "billId": bill.id, "productId": batch.product.id,
                         "lotId": batch.lot_id, "description": description, "quantity": qty,
                         "unitPrice": price, "taxRate": ZERO, "discountPercent": ZERO, "lineTotal": total,
                         "createdAt": _at(bill.date, 10)})
    return rows


def paymentHistory(ctx):
    """What each vendor was paid for each batch: bill payments spread over the
    bill's lines in order."""
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
                             "amount": f"{part:.2f}", "paymentDate": _at(pay.date, 14),
                             "paymentMethod": pay.method, "notes": f"{pay.number} on {bill.number}",
                             "recordedBy": pay.created_by, "createdAt": _at(pay.date, 14)})
                paid[batch.id] += part
                left -= part
    return rows


# ------------------------------------------------------------------ bank and expenses
def bankAccounts(ctx):
    accounts = _account_ids(ctx)
    balance = defaultdict(Decimal, OPENING_CASH)
    for t in _b(ctx).bank:
        balance[t.account] += t.amount if t.kind in ("DEPOSIT", "INTEREST") else -t.amount
    opened = _at(ctx.window_start - dt.timedelta(days=60), 9)
    last = _at(ctx.window_end, 18)
    return [
        {"id": ctx.id(n), "accountName": name, "accountNumber": number, "bankName": bank,
         "accountType": kind, "currency": "USD", "currentBalance": q2(balance[ledger]), "isActive": True,
         "ledgerAccountId": accounts[ledger], "notes": notes, "createdAt": opened, "updatedAt": last}
        for n, (ledger, name, number, bank, kind, notes) in enumerate(BANK_ACCOUNTS, start=1)
    ]


def bankTransactions(ctx):
    bank = _bank_ids(ctx)
    rows = []
    for t in _b(ctx).bank:
        reconciled, when = _reconciled(ctx, t.date)
        rows.append({"id": t.id, "bankAccountId": bank[t.account], "transactionDate": t.date,
                     "transactionType": t.kind, "amount": t.amount, "description": t.description,
                     "referenceNumber": t.reference, "paymentId": t.payment.id if t.payment else None,
                     "isReconciled": reconciled, "reconciledAt": when, "createdAt": _at(t.date, 18)})
    return rows


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
            "createdBy": e.created_by, "createdAt": _at(e.date, 16), "updatedAt": _at(e.date, 16),
        })
    return rows


# ------------------------------------------------------------------ ledger
def ledgerEntries(ctx):
    accounts = _account_ids(ctx)
    periods = [(row["startDate"], row["endDate"], row["id"], row["closedAt"]) for row in ctx.rows("fiscalPeriods")]
    controller = staff_with_job(ctx, "Controller")[0]["id"]
    end = ctx.window_end
    rows = []
    for posting in _b(ctx).postings:
        period, closed = next((pid, closed) for start, stop, pid, closed in periods if start <= posting.date <= stop)
        posted_at = _at(posting.date + dt.timedelta(days=1 if posting.date < end else 0), 8)
        draft = (end - posting.date).days < 2 and closed is None
        for leg, (account, debit, credit) in enumerate(posting.legs, start=1):
            rows.append({
                "id": ctx.id(len(rows) + 1), "entryNumber": f"{posting.number}-{leg}",
                "entryDate": posting.date, "accountId": accounts[account], "debit": debit, "credit": credit,
                "description": posting.description, "referenceType": posting.reference_type,
                "referenceId": posting.reference_id, "fiscalPeriodId": period, "isManual": posting.manual,
                "isPosted": not draft, "postedAt": None if draft else posted_at,
                "postedBy": None if draft else controller, "createdBy": posting.created_by,
                "createdAt": _at(posting.date, 17),
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
    credit note; ids and numbers in date order."""
    b = _b(ctx)
    end = ctx.window_end
    items = []
    for inv in b.invoices:
        items.append((_at(inv.date, 9), "INVOICE", inv))
        items += [(_at(p.date, 11), "PAYMENT", p) for p in inv.payments]
    items += [(c.issued, "CREDIT", c) for c in b.credits]
    items.sort(key=lambda x: (x[0], x[1], x[2].id))
    counters = defaultdict(int)
    out = []
    for n, (when, kind, doc) in enumerate(items, start=1):
        prefix = {"INVOICE": "INV", "PAYMENT": "PAY", "CREDIT": "CRD"}[kind]
        counters[prefix] += 1
        out.append((ctx.id(n), f"{prefix}-{counters[prefix]:05d}", when, kind, doc))
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
                 p.number, p.created_by, _at(p.date, 11))
    for c in b.credits:
        link(ids[("INVOICE", id(c.invoice))], ids[("CREDIT", id(c))], "REFUND_OF", c.amount, c.reason,
             c.created_by, c.issued)
        for inv, amount, day, _pay in c.applications:
            link(ids[("CREDIT", id(c))], ids[("INVOICE", id(inv))], "CREDIT_APPLIED_TO", amount,
                 f"{c.number} on {inv.number}", c.created_by, _at(day, 11))
    return rows


def credits(ctx):
    ids = _txn_ids(ctx)
    end = ctx.window_end
    rows = []
    for c in _b(ctx).credits:
        expires = c.issued + dt.timedelta(days=180)
        remaining = c.amount - c.used
        if remaining == 0:
            status = "FULLY_USED"
        elif expires.date() < end:
            status = "EXPIRED"
        else:
            status = "PARTIALLY_USED" if c.used else "ACTIVE"
        last = max([c.issued] + [_at(day, 11) for _i, _a, day, _p in c.applications])
        rows.append({"id": c.id, "creditNumber": c.number, "clientId": c.client["id"],
                     "transactionId": ids[("CREDIT", id(c))], "creditAmount": f"{c.amount:.2f}",
                     "amountUsed": f"{c.used:.2f}", "amountRemaining": f"{remaining:.2f}",
                     "creditReason": c.reason, "expirationDate": expires, "creditStatus": status,
                     "notes": f"Against {c.invoice.number}", "createdBy": c.created_by,
                     "createdAt": c.issued, "updatedAt": last})
    return rows


def creditApplications(ctx):
    ids = _txn_ids(ctx)
    rows = []
    for c in _b(ctx).credits:
        for inv, amount, day, pay in c.applications:
            rows.append({"id": ctx.id(len(rows) + 1), "creditId": c.id, "invoiceId": ids[("INVOICE", id(inv))],
                         "amountApplied": f"{amount:.2f}", "appliedDate": _at(day, 11),
                         "notes": f"{c.number} applied to {inv.number} ({pay.number})",
                         "appliedBy": c.created_by, "createdAt": _at(day, 11)})
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
                     "notes": None, "metadata": {"invoiceId": inv.id, "orderId": inv.order.id if inv.order else None},
                     "created_at": _at(inv.date, 9), "updated_at": _at(last or inv.date, 12)})
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
            for inv in _b(ctx).invoices if inv.order]


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
    used: dict[str, tuple[int, dt.date]] = {}
    series = [("invoice", b.invoices, lambda d: d.date), ("bill", b.bills, lambda d: d.date),
              ("payment_received", [p for p in b.payments if p.kind == "RECEIVED"], lambda d: d.date),
              ("payment_sent", [p for p in b.payments if p.kind == "SENT"], lambda d: d.date)]
    for name, docs, date_of in series:
        for doc in docs:
            key = f"{name}_{date_of(doc).year}"
            count, last = used.get(key, (0, date_of(doc)))
            used[key] = (count + 1, max(last, date_of(doc)))
    return [{"id": row["id"], "currentValue": used[row["name"]][0],
             "updatedAt": _at(used[row["name"]][1], 18)}
            for row in ctx.rows("sequences") if row["name"] in used]


def client_totals(ctx):
    """clients' running figures: spent, profit, margin, owed, oldest debt."""
    b = _b(ctx)
    end = ctx.window_end
    figures: dict[int, dict] = {}
    for inv in b.invoices:
        f = figures.setdefault(inv.client["id"], {"spent": ZERO, "profit": ZERO, "owed": ZERO,
                                                  "oldest": None, "last": _at(inv.date, 9)})
        if inv.order:
            f["spent"] += inv.total
            f["profit"] += inv.order.total_margin - inv.discount
        due = inv.total - inv.paid
        f["owed"] += due
        if due > 0 and inv.due < end and (f["oldest"] is None or inv.due < f["oldest"]):
            f["oldest"] = inv.due
        f["last"] = max(f["last"], _at(inv.date, 9), _last_payment(inv) or _at(inv.date, 9))
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
