-- name: invoice_balance
-- severity: error
-- tables: invoices, payments
-- tags: finance, money
-- description: An invoice whose amountPaid is not the sum of its payments, whose amountDue is not total - paid, or that is paid more than its total.
{% from "_dialect.sql.j2" import differs %}
SELECT
    i.id AS invoice_id,
    i.invoiceNumber,
    i.totalAmount,
    i.amountPaid,
    COALESCE(p.paid, 0) AS payments,
    i.amountDue
FROM invoices AS i
LEFT JOIN (
    SELECT
        invoiceId,
        SUM(amount) AS paid
    FROM payments
    WHERE paymentType = 'RECEIVED'
    GROUP BY invoiceId
) AS p ON i.id = p.invoiceId
WHERE
    {{ differs("i.amountPaid", "COALESCE(p.paid, 0)") }}
    OR {{ differs("i.amountDue", "i.totalAmount - i.amountPaid") }}
    OR i.amountPaid > i.totalAmount + 0.005
