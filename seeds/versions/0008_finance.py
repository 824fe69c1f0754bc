"""Finance: invoices and payments, credit notes, vendor bills, expenses, the bank, a balanced ledger, credit.

Revision ID: 0008_finance
Revises: 0007_inventory_and_sales
"""

from generators import added_sales, credit, finance_tables as f
from terpseed.runtime import Step, Update, downgrade_steps, upgrade_steps

revision = "0008_finance"
down_revision = "0007_inventory_and_sales"
branch_labels = None
depends_on = None

STEPS: list[Step | Update] = [
    Step("bankAccounts", f.bankAccounts),
    Step("invoices", f.invoices),
    Step("invoiceLineItems", f.invoiceLineItems),
    Step("bills", f.bills),
    Step("billLineItems", f.billLineItems),
    Step("payments", f.payments),
    Step("paymentHistory", f.paymentHistory),
    Step("bankTransactions", f.bankTransactions),
    Step("expenses", f.expenses),
    Step("transactions", f.transactions),
    Step("transactionLinks", f.transactionLinks),
    Step("credits", f.credits),
    Step("creditApplications", f.creditApplications),
    Step("client_transactions", f.client_transactions),
    Step("credit_system_settings", credit.credit_system_settings),
    Step("client_credit_limits", credit.client_credit_limits),
    Step("credit_signal_history", credit.credit_signal_history),
    Step("credit_audit_log", credit.credit_audit_log),
    Step("ledgerEntries", f.ledgerEntries),
    Update("orders", "invoice_id", f.order_invoices),
    Update("batches", "amountPaid", f.batch_payments),
    Update("intake_sessions", "amount_paid", f.intake_payments),
    Update("sequences", "currentValue", f.document_sequences),
    Update("clients", ("total_spent", "total_profit", "avg_profit_margin", "total_owed", "oldest_debt_days"),
           f.client_totals),
    Update("clients", ("credit_limit", "credit_limit_updated_at", "creditLimitSource",
                       "credit_limit_override_reason", "payment_terms"), added_sales.client_credit_and_terms),
]


def upgrade() -> None:
    upgrade_steps(STEPS, revision)


def downgrade() -> None:
    downgrade_steps(STEPS, revision)
