-- name: orders_without_lines
-- severity: error
-- tables: orders, order_line_items
-- tags: orders
-- description: An order or quote with no line items: nothing to pick, price or invoice.
SELECT
    o.id AS order_id,
    o.order_number
FROM orders AS o
LEFT JOIN order_line_items AS oli ON o.id = oli.order_id
WHERE oli.id IS NULL
