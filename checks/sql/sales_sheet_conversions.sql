-- name: sales_sheet_conversions
-- severity: error
-- tables: orders, sales_sheet_history
-- tags: orders, sales_sheets
-- requires: orders.converted_from_sales_sheet_id, sales_sheet_history.converted_to_order_id
-- description: A sales sheet and the order made from it that do not name each other (TERP's conversion writes both links in one transaction), or that belong to different clients.
SELECT
    o.id AS order_id,
    o.converted_from_sales_sheet_id AS sheet_id,
    s.converted_to_order_id AS sheet_names_order,
    o.client_id,
    s.client_id AS sheet_client_id
FROM orders AS o
LEFT JOIN sales_sheet_history AS s ON o.converted_from_sales_sheet_id = s.id
WHERE
    o.converted_from_sales_sheet_id IS NOT NULL
    AND (
        s.id IS NULL
        OR s.converted_to_order_id IS NULL
        OR s.converted_to_order_id <> o.id
        OR s.client_id <> o.client_id
    )
UNION ALL
SELECT
    s.converted_to_order_id AS order_id,
    s.id AS sheet_id,
    s.converted_to_order_id AS sheet_names_order,
    o.client_id,
    s.client_id AS sheet_client_id
FROM sales_sheet_history AS s
INNER JOIN orders AS o ON s.converted_to_order_id = o.id
WHERE o.converted_from_sales_sheet_id IS NULL OR o.converted_from_sales_sheet_id <> s.id
