-- name: credit_applications
-- severity: error
-- tables: creditApplications, credits, invoices, payments
-- tags: finance, money, credits
-- description: A credit applied to no invoice of its client (creditApplications.invoiceId read as TERP's credits API reads it, an invoice id), before that invoice or the credit was issued, or so that the invoice's money and credits exceed its total; a credit used beyond its amount or whose amountUsed is not its applications; or a credit payment (method OTHER, referencing a credit's number) on an invoice the credit was not applied to.
{% from "_dialect.sql.j2" import differs, num %}
SELECT
    'applied to no invoice of the credit''s client' AS problem,
    a.id AS row_id,
    a.creditId AS credit_id,
    a.invoiceId AS invoice_id
FROM creditApplications AS a
INNER JOIN credits AS c ON a.creditId = c.id
LEFT JOIN invoices AS i ON a.invoiceId = i.id
WHERE i.id IS NULL OR i.customerId <> c.clientId
UNION ALL
SELECT
    'applied before the invoice or the credit was issued' AS problem,
    a.id AS row_id,
    a.creditId AS credit_id,
    a.invoiceId AS invoice_id
FROM creditApplications AS a
INNER JOIN credits AS c ON a.creditId = c.id
INNER JOIN invoices AS i ON a.invoiceId = i.id
WHERE DATE(a.appliedDate) < i.invoiceDate OR a.appliedDate < c.createdAt
UNION ALL
SELECT
    'money and credits exceed the invoice''s total' AS problem,
    i.id AS row_id,
    NULL AS credit_id,
    i.id AS invoice_id
FROM invoices AS i
INNER JOIN (
    SELECT
        invoiceId,
        SUM({{ num("amountApplied") }}) AS applied
    FROM creditApplications
    GROUP BY invoiceId
) AS ca ON i.id = ca.invoiceId
LEFT JOIN (
    SELECT
        invoiceId,
        SUM(amount) AS cash
    FROM payments
    WHERE paymentType = 'RECEIVED' AND paymentMethod <> 'OTHER'
    GROUP BY invoiceId
) AS p ON i.id = p.invoiceId
WHERE COALESCE(p.cash, 0) + ca.applied > i.totalAmount + 0.005
UNION ALL
SELECT
    'used beyond its amount, or amountUsed is not its applications' AS problem,
    c.id AS row_id,
    c.id AS credit_id,
    NULL AS invoice_id
FROM credits AS c
LEFT JOIN (
    SELECT
        creditId,
        SUM({{ num("amountApplied") }}) AS applied
    FROM creditApplications
    GROUP BY creditId
) AS ca ON c.id = ca.creditId
WHERE
    {{ differs(num("c.amountUsed"), "COALESCE(ca.applied, 0)") }}
    OR COALESCE(ca.applied, 0) > {{ num("c.creditAmount") }} + 0.005
UNION ALL
SELECT
    'a credit payment on an invoice the credit was not applied to' AS problem,
    p.id AS row_id,
    c.id AS credit_id,
    p.invoiceId AS invoice_id
FROM payments AS p
INNER JOIN credits AS c ON p.referenceNumber = c.creditNumber
WHERE
    p.paymentMethod = 'OTHER'
    AND NOT EXISTS (
        SELECT 1
        FROM creditApplications AS a
        WHERE a.creditId = c.id AND a.invoiceId = p.invoiceId
    )
