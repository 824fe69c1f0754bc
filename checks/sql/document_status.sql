-- name: document_status
-- severity: error
-- tables: invoices, bills
-- tags: finance, money
-- description: An invoice or vendor bill whose status disagrees with its amounts: PAID with money still due, nothing due but not PAID (nor VOID), PARTIAL with nothing paid, or a status that means nothing was paid (DRAFT, SENT, VIEWED; PENDING, APPROVED) with money paid.
SELECT
    'invoice' AS document,
    id AS row_id,
    invoiceNumber AS document_number,
    status,
    amountPaid,
    amountDue
FROM invoices
WHERE
    (status = 'PAID' AND amountDue > 0.005)
    OR (status NOT IN ('PAID', 'VOID') AND amountDue < 0.005 AND totalAmount > 0.005)
    OR (status = 'PARTIAL' AND amountPaid < 0.005)
    OR (status IN ('DRAFT', 'SENT', 'VIEWED') AND amountPaid > 0.005)
UNION ALL
SELECT
    'bill' AS document,
    id AS row_id,
    billNumber AS document_number,
    status,
    amountPaid,
    amountDue
FROM bills
WHERE
    (status = 'PAID' AND amountDue > 0.005)
    OR (status NOT IN ('PAID', 'VOID') AND amountDue < 0.005 AND totalAmount > 0.005)
    OR (status = 'PARTIAL' AND amountPaid < 0.005)
    OR (status IN ('DRAFT', 'PENDING', 'APPROVED') AND amountPaid > 0.005)
