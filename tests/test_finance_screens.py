"""The books as TERP's own screens show them (issue 17): payables open in the
statuses the AP screens count, credits that settle one invoice, receivables in
the statuses the AR screens count and equal to the ledger, aging from real
sales, and the times people and systems write things at.  Queries against the
seeded databases (MariaDB from the DDL and SQLite, every scenario)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from generators.common import OFFICE_OPENS
from terpseed.scenarios import SCENARIOS
from terpseed.schema import metadata
from tests.test_trade_data import rows, scalar

T = metadata.tables
D = Decimal
AR_COUNTED = ("SENT", "PARTIAL", "OVERDUE")   # TERP's AR total, aging and total debt at 699 (app-facts §4)
AP_COUNTED = ("PENDING", "PARTIAL", "OVERDUE")  # its AP total and aging at 699


def _scenario(engine):
    return SCENARIOS[getattr(engine, "scenario", "full")]


def _full_scale_1(engine) -> bool:
    return _scenario(engine).name == "full" and getattr(engine, "scale", 1) == 1


def _last_second(engine) -> dt.datetime:
    end = _scenario(engine).window_end
    return dt.datetime(end.year, end.month, end.day, 23, 59, 59)


def _balance(engine, number: str) -> D:
    """An account's balance on its normal side."""
    le, a = T["ledgerEntries"], T["accounts"]
    normal, debit, credit = rows(engine, sa.select(a.c.normalBalance, sa.func.coalesce(sa.func.sum(le.c.debit), 0),
                                                   sa.func.coalesce(sa.func.sum(le.c.credit), 0))
                                 .select_from(a).outerjoin(le, le.c.accountId == a.c.id)
                                 .where(a.c.accountNumber == number).group_by(a.c.normalBalance))[0]
    return D(debit) - D(credit) if normal == "DEBIT" else D(credit) - D(debit)


# ------------------------------------------------------------------ 1. payables
def test_open_bills_are_what_the_ap_screens_count_and_the_ledger_owes(seeded):
    b, p, c = T["bills"], T["payments"], T["clients"]
    end = _scenario(seeded).window_end
    bills = rows(seeded, sa.select(b))
    open_ = [x for x in bills if x.amountDue > 0]
    for bill in bills:
        if bill.amountDue == 0:
            assert bill.status == "PAID"
        elif bill.dueDate < end:
            assert bill.status == "OVERDUE"
        else:
            assert bill.status == ("PARTIAL" if bill.amountPaid > 0 else "PENDING")
    assert open_ and {x.status for x in open_} <= set(AP_COUNTED)
    # the Accounts Payable account holds exactly what the open bills owe
    assert _balance(seeded, "2000") == sum((x.amountDue for x in open_), D(0))
    # vendor payments name the supplier's clients row (TERP's migration 0024: a key to clients)
    sellers = {r[0] for r in rows(seeded, sa.select(c.c.id).where(c.c.is_seller.is_(True)))}
    vendors = {r[0] for r in rows(seeded, sa.select(p.c.vendorId).where(p.c.paymentType == "SENT").distinct())}
    assert vendors and vendors <= sellers
    if _full_scale_1(seeded):
        months = _scenario(seeded).months
        monthly = sum((x.totalAmount for x in bills), D(0)) / months
        owed = sum((x.amountDue for x in open_), D(0))
        assert monthly / 2 <= owed <= 2 * monthly, (owed, monthly)    # weeks of purchases, not $0
        assert {"PENDING", "OVERDUE"} <= {x.status for x in open_}
        assert any(x.amountPaid > 0 for x in open_)                  # some paid in part


def test_vendor_intake_paid_is_what_the_vendors_were_paid(seeded):
    batches, isb, sessions, p = T["batches"], T["intake_session_batches"], T["intake_sessions"], T["payments"]
    for paid, session_paid in rows(seeded, sa.select(batches.c.amountPaid, sessions.c.amount_paid)
                                   .join(isb, isb.c.batch_id == batches.c.id)
                                   .join(sessions, sessions.c.id == isb.c.intake_session_id)):
        assert D(paid) == D(session_paid)
    sent = scalar(seeded, sa.select(sa.func.sum(p.c.amount)).where(p.c.paymentType == "SENT"))
    owed_on_bills = scalar(seeded, sa.select(sa.func.sum(T["bills"].c.amountPaid)))
    intake = sum((D(r[0]) for r in rows(seeded, sa.select(batches.c.amountPaid))), D(0))
    assert D(sent) == D(owed_on_bills) == intake


# ------------------------------------------------------------------ 2. credits
def test_a_credit_settles_the_one_invoice_it_names(seeded):
    a, cr, i, p, t = T["creditApplications"], T["credits"], T["invoices"], T["payments"], T["transactions"]
    invoices = {r.id: r for r in rows(seeded, sa.select(i))}
    credits = {r.id: r for r in rows(seeded, sa.select(cr))}
    txns = {r.id: r for r in rows(seeded, sa.select(t).where(t.c.transactionType == "INVOICE"))}
    applications = rows(seeded, sa.select(a))
    assert applications
    for app in applications:
        credit, inv = credits[app.creditId], invoices[app.invoiceId]
        # the invoice its notes, its application (read as an invoice id and as the declared
        # reference to transactions) and its credit payment name are one
        assert txns[app.invoiceId].notes == inv.invoiceNumber
        assert credit.notes == f"Against {inv.invoiceNumber}" and inv.customerId == credit.clientId
        assert app.appliedDate.date() >= inv.invoiceDate and app.appliedDate >= credit.createdAt
    named = defaultdict(set)
    for app in applications:
        named[credits[app.creditId].creditNumber].add(app.invoiceId)
    for ref, invoice_id in rows(seeded, sa.select(p.c.referenceNumber, p.c.invoiceId)
                                .where(p.c.paymentMethod == "OTHER")):
        assert named[ref] == {invoice_id}
    # never over-settled: money and credits within the total, and the invoice's figures agree
    cash, credit_paid = defaultdict(D), defaultdict(D)
    for invoice_id, method, amount in rows(seeded, sa.select(p.c.invoiceId, p.c.paymentMethod, p.c.amount)
                                           .where(p.c.paymentType == "RECEIVED")):
        (credit_paid if method == "OTHER" else cash)[invoice_id] += amount
    applied = defaultdict(D)
    for app in applications:
        applied[app.invoiceId] += D(app.amountApplied)
    for inv in invoices.values():
        assert applied[inv.id] == credit_paid[inv.id]
        assert cash[inv.id] + applied[inv.id] <= inv.totalAmount
        assert inv.amountPaid == cash[inv.id] + credit_paid[inv.id] and inv.amountDue == inv.totalAmount - inv.amountPaid
        assert (inv.status == "PAID") == (inv.amountDue == 0)


# ------------------------------------------------------------------ 3. receivables
def test_the_ar_screens_show_what_the_ledger_and_the_clients_carry(seeded):
    i, c, ct = T["invoices"], T["clients"], T["client_transactions"]
    end = _scenario(seeded).window_end
    by_status = defaultdict(D)
    for status, due in rows(seeded, sa.select(i.c.status, i.c.amountDue).where(i.c.amountDue > 0)):
        by_status[status] += due
    assert set(by_status) <= set(AR_COUNTED)                   # nothing owed hides as VIEWED or DRAFT
    assert scalar(seeded, sa.select(sa.func.count()).select_from(i).where(i.c.status.in_(("VIEWED", "DRAFT")))) == 0
    shown = sum(by_status.values(), D(0))
    assert shown == _balance(seeded, "1100") == D(scalar(seeded, sa.select(sa.func.sum(c.c.total_owed))))
    if _full_scale_1(seeded):
        assert set(by_status) == set(AR_COUNTED)
    # each client's figures follow its client_transactions as TERP's updateClientStats reads
    # them: the rows not PAID are its debt, the oldest of their dates its oldest debt
    owed, oldest = defaultdict(D), defaultdict(int)
    for client_id, kind, day, amount, status, paid in rows(
            seeded, sa.select(ct.c.client_id, ct.c.transaction_type, ct.c.transaction_date, ct.c.amount,
                              ct.c.payment_status, ct.c.payment_amount)):
        if kind in ("INVOICE", "ORDER") and status != "PAID":
            owed[client_id] += amount - (paid or 0)
            oldest[client_id] = max(oldest[client_id], (end - day).days)
    for client_id, total_owed, oldest_days in rows(seeded, sa.select(c.c.id, c.c.total_owed, c.c.oldest_debt_days)):
        assert total_owed == owed[client_id] and oldest_days == oldest[client_id], client_id


# ------------------------------------------------------------------ 4. aging from real sales
def test_overdue_debt_is_real_sales(seeded):
    i, o, oli = T["invoices"], T["orders"], T["order_line_items"]
    start, end = _scenario(seeded).window_start, _scenario(seeded).window_end
    assert scalar(seeded, sa.select(sa.func.min(i.c.invoiceDate))) >= start
    overdue = rows(seeded, sa.select(i.c.id, i.c.referenceType, o.c.id.label("order_id"))
                   .outerjoin(o, o.c.id == i.c.referenceId).where(i.c.amountDue > 0, i.c.dueDate < end))
    assert all(r.referenceType == "ORDER" and r.order_id is not None for r in overdue)
    with_lines = {r[0] for r in rows(seeded, sa.select(oli.c.order_id).distinct())}
    assert {r.order_id for r in overdue} <= with_lines


# ------------------------------------------------------------------ 5. the rhythm of the books
def test_payments_ledger_and_bank_are_written_when_people_and_the_bank_feed_write_them(seeded):
    p, i, le, bt, bl = T["payments"], T["invoices"], T["ledgerEntries"], T["bankTransactions"], T["bills"]
    last = _last_second(seeded)
    for day, created, invoice_created, bill_created in rows(
            seeded, sa.select(p.c.paymentDate, p.c.createdAt, i.c.createdAt, bl.c.createdAt)
            .outerjoin(i, i.c.id == p.c.invoiceId).outerjoin(bl, bl.c.id == p.c.billId)):
        assert day.weekday() < 5 and created.date() == day and created.hour >= OFFICE_OPENS
        assert created >= (invoice_created or bill_created)
    for day, imported, recorded in rows(seeded, sa.select(bt.c.transactionDate, bt.c.createdAt, p.c.createdAt)
                                        .outerjoin(p, p.c.id == bt.c.paymentId)):
        assert day.weekday() < 5 and imported.date() == day and imported.hour >= 19   # the evening feed
        assert recorded is None or imported >= recorded
    # a ledger entry is written with its document
    documents = {"PAYMENT": p, "INVOICE": i, "BILL": bl, "EXPENSE": T["expenses"]}
    for ref_type, table in documents.items():
        mismatched = scalar(seeded, sa.select(sa.func.count()).select_from(le)
                            .join(table, table.c.id == le.c.referenceId)
                            .where(le.c.referenceType == ref_type, le.c.createdAt != table.c.createdAt))
        assert mismatched == 0, ref_type
    for table, column in (("payments", "createdAt"), ("payments", "reconciledAt"), ("ledgerEntries", "createdAt"),
                          ("ledgerEntries", "postedAt"), ("bankTransactions", "createdAt"),
                          ("bankTransactions", "reconciledAt"), ("bills", "updatedAt"), ("invoices", "updatedAt"),
                          ("creditApplications", "appliedDate"), ("transactions", "transactionDate"),
                          ("paymentHistory", "paymentDate"), ("expenses", "createdAt")):
        assert scalar(seeded, sa.select(sa.func.max(T[table].c[column]))) <= last, (table, column)
    if _full_scale_1(seeded):
        for table, column, hours in (("payments", "createdAt", 10), ("ledgerEntries", "createdAt", 10),
                                     ("bankTransactions", "createdAt", 4), ("bills", "createdAt", 10),
                                     ("expenses", "createdAt", 10), ("creditApplications", "appliedDate", 10)):
            moments = [r[0] for r in rows(seeded, sa.select(T[table].c[column]))]
            times = {m.time() for m in moments}
            assert len(times) > len(set(moments)) / 2, (table, column, len(times))  # no clock of the day
            assert len({m.hour for m in moments}) >= hours, (table, column)
