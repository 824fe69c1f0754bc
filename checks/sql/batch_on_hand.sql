-- name: batch_on_hand
-- severity: error
-- tables: batches, inventoryMovements
-- tags: inventory
-- description: A batch whose on-hand quantity is not its intake minus the movements recorded against it.
{% from "_dialect.sql.j2" import differs, num %}
SELECT
    b.id AS batch_id,
    b.code,
    b.onHandQty,
    COALESCE(m.moved, 0) AS movements
FROM batches AS b
LEFT JOIN (
    SELECT
        batchId,
        SUM({{ num("quantityChange") }}) AS moved
    FROM inventoryMovements
    GROUP BY batchId
) AS m ON b.id = m.batchId
WHERE {{ differs(num("b.onHandQty"), "COALESCE(m.moved, 0)") }}
