-- name: bill_totals
-- severity: error
-- tables: bills, billLineItems, payments
-- tags: finance, money
-- description: A vendor bill whose total is not the sum of its lines, whose paid amount is not its payments, or whose amountDue is not total - paid.
{% from "_dialect.sql.j2" import differs %}
SELECT
    b.id AS bill_id,
    b.billNumber,
    b.totalAmount,
    COALESCE(l.lines_total, 0) AS lines_total,
    b.amountPaid,
    COALESCE(p.paid, 0) AS payments
FROM bills AS b
LEFT JOIN (
    SELECT
        billId,
        SUM(lineTotal) AS lines_total
    FROM billLineItems
    GROUP BY billId
) AS l ON b.id = l.billId
LEFT JOIN (
    SELECT
        billId,
        SUM(amount) AS paid
    FROM payments
    WHERE paymentType = 'SENT'
    GROUP BY billId
) AS p ON b.id = p.billId
WHERE
    {{ differs("b.totalAmount", "COALESCE(l.lines_total, 0)") }}
    OR {{ differs("b.amountPaid", "COALESCE(p.paid, 0)") }}
    OR {{ differs("b.amountDue", "b.totalAmount - b.amountPaid") }}
    OR b.amountPaid > b.totalAmount + 0.005
