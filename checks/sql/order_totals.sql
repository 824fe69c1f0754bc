-- name: order_totals
-- severity: error
-- tables: orders, order_line_items
-- tags: orders, money
-- description: An order whose subtotal is not the sum of its lines, or whose total is not subtotal + tax - discount.
{% from "_dialect.sql.j2" import differs %}
SELECT
    o.id AS order_id,
    o.order_number,
    o.subtotal,
    l.lines_total,
    o.total
FROM orders AS o
INNER JOIN (
    SELECT
        order_id,
        SUM(line_total) AS lines_total
    FROM order_line_items
    GROUP BY order_id
) AS l ON o.id = l.order_id
WHERE
    {{ differs("o.subtotal", "l.lines_total") }}
    OR {{ differs("o.total", "o.subtotal + COALESCE(o.tax, 0) - COALESCE(o.discount, 0)") }}
