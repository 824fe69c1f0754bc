-- name: open_documents_uncounted
-- severity: warning
-- tables: invoices, bills
-- tags: finance, money
-- description: Money owed that TERP's AR or AP screens of 2025-11-21 leave out: an invoice with an amount due that is VIEWED (they count SENT, PARTIAL, OVERDUE), or a bill with an amount due that is APPROVED (they count PENDING, PARTIAL, OVERDUE); later versions count both.
SELECT
    'invoice' AS document,
    id AS row_id,
    invoiceNumber AS document_number,
    status,
    amountDue
FROM invoices
WHERE status = 'VIEWED' AND amountDue > 0.005
UNION ALL
SELECT
    'bill' AS document,
    id AS row_id,
    billNumber AS document_number,
    status,
    amountDue
FROM bills
WHERE status = 'APPROVED' AND amountDue > 0.005
