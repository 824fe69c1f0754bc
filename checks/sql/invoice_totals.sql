-- name: invoice_totals
-- severity: error
-- tables: invoices, invoiceLineItems
-- tags: finance, money
-- description: An invoice whose subtotal is not the sum of its lines, or whose total is not subtotal + tax - discount.
{% from "_dialect.sql.j2" import differs %}
SELECT
    i.id AS invoice_id,
    i.invoiceNumber,
    i.subtotal,
    COALESCE(l.lines_total, 0) AS lines_total,
    i.totalAmount
FROM invoices AS i
LEFT JOIN (
    SELECT
        invoiceId,
        SUM(lineTotal) AS lines_total
    FROM invoiceLineItems
    GROUP BY invoiceId
) AS l ON i.id = l.invoiceId
WHERE
    {{ differs("i.subtotal", "COALESCE(l.lines_total, 0)") }}
    OR {{ differs("i.totalAmount", "i.subtotal + i.taxAmount - i.discountAmount") }}
