"""The books balance: invoices, payments, credit, bills, bank and the ledger,
asserted with queries against seeded databases (MariaDB from the DDL, full
scenario; SQLite for the other scenarios and a scale)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from terpseed.scenarios import SCENARIOS
from terpseed.schema import metadata
from tests.test_trade_data import count, rows, scalar

T = metadata.tables
D = Decimal
FINANCE_TABLES = [
    "invoices", "invoiceLineItems", "payments", "paymentHistory", "ledgerEntries", "bills",
    "billLineItems", "bankAccounts", "bankTransactions", "expenses", "credits", "creditApplications",
    "credit_audit_log", "credit_signal_history", "credit_system_settings", "client_credit_limits",
    "transactions", "transactionLinks", "client_transactions",
]


def _scenario(engine):
    return SCENARIOS[getattr(engine, "scenario", "full")]


def test_full_scenario_fills_every_finance_table(full_mariadb):
    assert [t for t in FINANCE_TABLES if count(full_mariadb, t) == 0] == []
    assert count(full_mariadb, "invoices") >= 4000
    assert count(full_mariadb, "payments") >= 3000
    assert count(full_mariadb, "ledgerEntries") >= 2 * count(full_mariadb, "invoices")


def test_every_shipped_sale_has_an_invoice_matching_its_lines(seeded):
    o, oli, i, il = T["orders"], T["order_line_items"], T["invoices"], T["invoiceLineItems"]
    shipped = {r.id: r for r in rows(seeded, sa.select(o).where(o.c.orderType == "SALE",
                                                                   o.c.fulfillmentStatus == "SHIPPED",
                                                                   o.c.saleStatus != "CANCELLED"))}
    invoices = {r.referenceId: r for r in rows(seeded, sa.select(i).where(i.c.referenceType == "ORDER"))}
    assert set(invoices) == set(shipped)
    order_lines = defaultdict(list)
    for line in rows(seeded, sa.select(oli).order_by(oli.c.id)):
        order_lines[line.order_id].append((line.batch_id, line.quantity, line.unit_price, line.line_total))
    invoice_lines = defaultdict(list)
    for line in rows(seeded, sa.select(il).order_by(il.c.id)):
        invoice_lines[line.invoiceId].append((line.batchId, line.quantity, line.unitPrice, line.lineTotal))
    for order_id, inv in invoices.items():
        order = shipped[order_id]
        assert invoice_lines[inv.id] == order_lines[order_id]
        assert inv.subtotal == sum(l[3] for l in invoice_lines[inv.id]) == order.subtotal
        assert inv.totalAmount == inv.subtotal + inv.taxAmount - inv.discountAmount == order.total
        assert order.invoice_id == inv.id
        assert inv.invoiceDate >= order.created_at.date() and inv.invoiceDate == order.shipped_at.date()


def test_paid_amounts_are_the_payments_and_statuses_follow(seeded):
    i, p = T["invoices"], T["payments"]
    end = _scenario(seeded).window_end
    paid = defaultdict(D)
    last_payment = {}
    for invoice_id, amount, day in rows(seeded, sa.select(p.c.invoiceId, p.c.amount, p.c.paymentDate)
                                        .where(p.c.paymentType == "RECEIVED")):
        paid[invoice_id] += amount
        last_payment[invoice_id] = max(day, last_payment.get(invoice_id, day))
    for inv in rows(seeded, sa.select(i)):
        assert inv.amountPaid == paid[inv.id] and inv.amountDue == inv.totalAmount - inv.amountPaid
        assert inv.amountPaid <= inv.totalAmount
        if inv.amountDue == 0:
            assert inv.status == "PAID"
        elif inv.dueDate < end:
            assert inv.status == "OVERDUE"
        else:
            assert inv.status == ("PARTIAL" if inv.amountPaid else "SENT")
        if inv.id in last_payment:
            assert last_payment[inv.id] >= inv.invoiceDate


def test_order_sale_status_agrees_with_its_invoice(seeded):
    o, i = T["orders"], T["invoices"]
    expected = {"PAID": "PAID", "OVERDUE": "OVERDUE", "PARTIAL": "PARTIAL", "SENT": "PENDING", "VIEWED": "PENDING"}
    for sale_status, invoice_status in rows(seeded, sa.select(o.c.saleStatus, i.c.status)
                                            .join(i, i.c.id == o.c.invoice_id)):
        assert sale_status == expected[invoice_status]


def test_receivables_age_like_the_facts_sheet(seeded):
    i = T["invoices"]
    scenario = _scenario(seeded)
    end = scenario.window_end
    not_due = overdue = overdue_120 = D(0)
    for due, amount in rows(seeded, sa.select(i.c.dueDate, i.c.amountDue).where(i.c.amountDue > 0)):
        if due >= end:
            not_due += amount
        else:
            overdue += amount
            if (end - due).days > 120:
                overdue_120 += amount
    share = overdue / (overdue + not_due)
    if scenario.months >= 2:
        assert abs(share - D(str(scenario.overdue_share))) < D("0.01"), share
    else:  # a month: most of its sales are not due yet (30 and 45 days), few can be overdue
        assert D("0.05") <= share <= D(str(scenario.overdue_share)) + D("0.01"), share
    if scenario.months >= 6:  # a shorter window holds no debt 120 days past due (real sales only)
        assert abs(overdue_120 / overdue - D(str(scenario.overdue_120_share))) < D("0.01")


def test_every_posting_balances_and_the_trial_balance_is_zero(seeded):
    le = T["ledgerEntries"]
    by_document = defaultdict(lambda: [D(0), D(0)])
    for number, debit, credit in rows(seeded, sa.select(le.c.entryNumber, le.c.debit, le.c.credit)):
        document = number.rsplit("-", 1)[0]
        by_document[document][0] += debit
        by_document[document][1] += credit
    unbalanced = {doc: dc for doc, dc in by_document.items() if dc[0] != dc[1]}
    assert unbalanced == {}
    debit, credit = rows(seeded, sa.select(sa.func.sum(le.c.debit), sa.func.sum(le.c.credit)))[0]
    assert debit == credit
    assert all((d == 0) != (c == 0) for d, c in rows(seeded, sa.select(le.c.debit, le.c.credit)))


def test_account_balances_sit_on_their_normal_side(seeded):
    le, a = T["ledgerEntries"], T["accounts"]
    for number, normal, debit, credit in rows(seeded, sa.select(a.c.accountNumber, a.c.normalBalance,
                                                                sa.func.sum(le.c.debit), sa.func.sum(le.c.credit))
                                              .join(le, le.c.accountId == a.c.id)
                                              .group_by(a.c.accountNumber, a.c.normalBalance)):
        balance = debit - credit if normal == "DEBIT" else credit - debit
        assert balance >= 0, f"account {number} ({normal}) ends at {balance}"


def test_entries_fall_in_an_open_period_of_their_date(seeded):
    le, fp = T["ledgerEntries"], T["fiscalPeriods"]
    for entry_date, start, stop, status, closed_at, posted_at, is_posted in rows(
            seeded, sa.select(le.c.entryDate, fp.c.startDate, fp.c.endDate, fp.c.status, fp.c.closedAt,
                              le.c.postedAt, le.c.isPosted).join(fp, fp.c.id == le.c.fiscalPeriodId)):
        assert start <= entry_date <= stop
        if status == "CLOSED":
            assert is_posted and posted_at <= closed_at   # posted while the period was open
        if not is_posted:
            assert status == "OPEN" and posted_at is None


def test_documents_post_to_the_ledger(seeded):
    le = T["ledgerEntries"]
    posted = defaultdict(set)
    for ref_type, ref_id in rows(seeded, sa.select(le.c.referenceType, le.c.referenceId).distinct()):
        posted[ref_type].add(ref_id)
    checks = {"INVOICE": sa.select(T["invoices"].c.id).where(T["invoices"].c.referenceType == "ORDER"),
              "PAYMENT": sa.select(T["payments"].c.id), "BILL": sa.select(T["bills"].c.id),
              "EXPENSE": sa.select(T["expenses"].c.id), "CREDIT": sa.select(T["credits"].c.id)}
    for ref_type, query in checks.items():
        assert {r[0] for r in rows(seeded, query)} <= posted[ref_type], ref_type


def test_time_runs_forward_and_stops_at_the_window_end(seeded):
    i, p, o = T["invoices"], T["payments"], T["orders"]
    end = _scenario(seeded).window_end
    late = scalar(seeded, sa.select(sa.func.count()).select_from(p).join(i, i.c.id == p.c.invoiceId)
                  .where(p.c.paymentDate < i.c.invoiceDate))
    assert late == 0
    early = scalar(seeded, sa.select(sa.func.count()).select_from(i).join(o, o.c.id == i.c.referenceId)
                   .where(i.c.referenceType == "ORDER", o.c.created_at > sa.func.coalesce(o.c.shipped_at, o.c.created_at)))
    assert early == 0
    for table, column in (("payments", "paymentDate"), ("ledgerEntries", "entryDate"), ("bills", "billDate"),
                          ("expenses", "expenseDate"), ("bankTransactions", "transactionDate"),
                          ("invoices", "invoiceDate")):
        assert scalar(seeded, sa.select(sa.func.max(T[table].c[column]))) <= end


def test_vendor_bills_and_payments_mirror_the_client_side(seeded):
    b, bl, p, ph, batches = (T[n] for n in ("bills", "billLineItems", "payments", "paymentHistory", "batches"))
    lines = defaultdict(D)
    for bill_id, total in rows(seeded, sa.select(bl.c.billId, bl.c.lineTotal)):
        lines[bill_id] += total
    paid = defaultdict(D)
    for bill_id, amount in rows(seeded, sa.select(p.c.billId, p.c.amount).where(p.c.paymentType == "SENT")):
        paid[bill_id] += amount
    for bill in rows(seeded, sa.select(b)):
        assert bill.totalAmount == lines[bill.id] == bill.subtotal
        assert bill.amountPaid == paid[bill.id] and bill.amountDue == bill.totalAmount - bill.amountPaid
    by_batch = defaultdict(D)
    for batch_id, amount in rows(seeded, sa.select(ph.c.batchId, ph.c.amount)):
        by_batch[batch_id] += D(amount)
    for batch_id, amount_paid in rows(seeded, sa.select(batches.c.id, batches.c.amountPaid)):
        assert D(amount_paid) == by_batch[batch_id]
    assert sum(by_batch.values()) == sum(paid.values())
    # bills for consigned product carry lots taken on consignment
    consigned = scalar(seeded, sa.select(sa.func.count()).select_from(bl)
                       .join(b, b.c.id == bl.c.billId).join(batches, batches.c.lotId == bl.c.lotId)
                       .where(b.c.referenceType.is_(None), batches.c.paymentTerms != "CONSIGNMENT"))
    assert consigned == 0


def test_bank_transactions_reconcile_with_payments_and_expenses(seeded):
    bt, p, e, ba = T["bankTransactions"], T["payments"], T["expenses"], T["bankAccounts"]
    deposits = scalar(seeded, sa.select(sa.func.sum(bt.c.amount)).where(bt.c.transactionType == "DEPOSIT"))
    received = scalar(seeded, sa.select(sa.func.sum(p.c.amount))
                      .where(p.c.paymentType == "RECEIVED", p.c.paymentMethod != "OTHER"))
    assert deposits == received
    withdrawals = scalar(seeded, sa.select(sa.func.sum(bt.c.amount)).where(bt.c.transactionType == "WITHDRAWAL"))
    sent = scalar(seeded, sa.select(sa.func.sum(p.c.amount)).where(p.c.paymentType == "SENT"))
    spent = scalar(seeded, sa.select(sa.func.sum(e.c.totalAmount)).where(e.c.paymentMethod != "CASH"))
    assert withdrawals == sent + spent
    linked = scalar(seeded, sa.select(sa.func.count()).select_from(bt).join(p, p.c.id == bt.c.paymentId)
                    .where(bt.c.amount != p.c.amount))
    assert linked == 0
    # each account's balance is its ledger account's balance
    le = T["ledgerEntries"]
    for ledger_id, balance in rows(seeded, sa.select(ba.c.ledgerAccountId, ba.c.currentBalance)):
        debit, credit = rows(seeded, sa.select(sa.func.sum(le.c.debit), sa.func.sum(le.c.credit))
                             .where(le.c.accountId == ledger_id))[0]
        assert balance == debit - credit


def test_credit_reflects_payment_behaviour(seeded):
    ccl, c, i = T["client_credit_limits"], T["clients"], T["invoices"]
    exposure = defaultdict(D)
    for client_id, due in rows(seeded, sa.select(i.c.customerId, i.c.amountDue)):
        exposure[client_id] += due
    limits = rows(seeded, sa.select(ccl, c.c.is_buyer).join(c, c.c.id == ccl.c.client_id))
    assert limits and all(row.is_buyer for row in limits)
    for row in limits:
        assert row.current_exposure == exposure[row.client_id]
        assert row.utilization_percent == min(D("999.99"), (row.current_exposure * 100 / row.credit_limit)
                                              .quantize(D("0.01"), rounding="ROUND_HALF_UP"))
        assert D(1000) <= row.credit_limit <= D(1000000)
        assert row.mode in ("LEARNING", "ACTIVE")
    credits, apps = T["credits"], T["creditApplications"]
    for credit in rows(seeded, sa.select(credits)):
        used = sum((D(a) for (a,) in rows(seeded, sa.select(apps.c.amountApplied)
                                          .where(apps.c.creditId == credit.id))), D(0))
        assert D(credit.amountUsed) == used
        assert D(credit.amountRemaining) == D(credit.creditAmount) - used
