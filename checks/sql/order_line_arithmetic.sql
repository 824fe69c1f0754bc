-- name: order_line_arithmetic
-- severity: error
-- tables: order_line_items
-- tags: orders, money
-- description: A line whose total is not quantity x unit price, or whose margin is not total - quantity x COGS.
{% from "_dialect.sql.j2" import differs %}
SELECT
    id AS line_id,
    order_id,
    quantity,
    unit_price,
    line_total,
    margin_dollar
FROM order_line_items
WHERE
    {{ differs("line_total", "ROUND(quantity * unit_price, 2)") }}
    OR {{ differs("margin_dollar", "line_total - ROUND(quantity * cogs_per_unit, 2)") }}
