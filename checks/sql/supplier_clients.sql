-- name: supplier_clients
-- severity: warning
-- tables: lots, purchaseOrders, clients
-- requires: lots.supplier_client_id, purchaseOrders.supplier_client_id
-- tags: procurement, parties
-- description: A lot or purchase order whose supplier client is not a seller: TERP lists suppliers among the sellers (vendors moved into clients).
SELECT
    'lots' AS source_table,
    l.id AS row_id,
    c.id AS client_id
FROM lots AS l
INNER JOIN clients AS c ON l.supplier_client_id = c.id
WHERE c.is_seller = 0
UNION ALL
SELECT
    'purchaseOrders' AS source_table,
    p.id AS row_id,
    c.id AS client_id
FROM purchaseOrders AS p
INNER JOIN clients AS c ON p.supplier_client_id = c.id
WHERE c.is_seller = 0
