-- name: order_items_json
-- severity: error
-- tables: orders, order_line_items
-- tags: orders
-- description: orders.items (JSON, read in either encoding TERP writes) and the order's order_line_items rows do not describe the same lines.
{% from "_dialect.sql.j2" import differs, json_doc, json_length, json_sum %}
{% set items = json_doc("o.items") %}
SELECT
    o.id AS order_id,
    o.order_number,
    {{ json_length(items) }} AS json_lines,
    l.line_count,
    {{ json_sum(items, "lineTotal") }} AS json_total,
    l.lines_total
FROM orders AS o
INNER JOIN (
    SELECT
        order_id,
        COUNT(*) AS line_count,
        SUM(line_total) AS lines_total
    FROM order_line_items
    GROUP BY order_id
) AS l ON o.id = l.order_id
WHERE
    {{ json_length(items) }} <> l.line_count
    OR {{ differs(json_sum(items, "lineTotal"), "l.lines_total") }}
