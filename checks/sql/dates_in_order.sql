-- name: dates_in_order
-- severity: error
-- tables: orders, invoices, payments, order_line_items, batches, lots, ledgerEntries
-- tags: time
-- description: Time running backwards: an invoice dated before its order, a payment dated or recorded before its invoice, a sale drawn from a lot before the lot arrived, or a ledger entry posted before it was written.
SELECT
    'invoice before its order' AS problem,
    i.id AS row_id,
    i.invoiceDate AS happened,
    DATE(o.created_at) AS too_early_for
FROM invoices AS i
INNER JOIN orders AS o ON i.referenceType = 'ORDER' AND i.referenceId = o.id
WHERE i.invoiceDate < DATE(o.created_at)
UNION ALL
SELECT
    'payment before its invoice' AS problem,
    p.id AS row_id,
    p.paymentDate AS happened,
    i.invoiceDate AS too_early_for
FROM payments AS p
INNER JOIN invoices AS i ON p.invoiceId = i.id
WHERE p.paymentDate < i.invoiceDate
UNION ALL
SELECT
    'sold before the lot arrived' AS problem,
    oli.id AS row_id,
    DATE(o.created_at) AS happened,
    DATE(l.date) AS too_early_for
FROM order_line_items AS oli
INNER JOIN orders AS o ON oli.order_id = o.id
INNER JOIN batches AS b ON oli.batch_id = b.id
INNER JOIN lots AS l ON b.lotId = l.id
WHERE o.created_at < l.date
UNION ALL
SELECT
    'payment recorded before its invoice was written' AS problem,
    p.id AS row_id,
    p.createdAt AS happened,
    i.createdAt AS too_early_for
FROM payments AS p
INNER JOIN invoices AS i ON p.invoiceId = i.id
WHERE p.createdAt < i.createdAt
UNION ALL
SELECT
    'ledger entry posted before it was written' AS problem,
    le.id AS row_id,
    le.postedAt AS happened,
    le.createdAt AS too_early_for
FROM ledgerEntries AS le
WHERE le.postedAt < le.createdAt
