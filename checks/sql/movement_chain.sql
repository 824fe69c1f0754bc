-- name: movement_chain
-- severity: error
-- tables: inventoryMovements
-- tags: inventory
-- description: An inventory movement whose quantityAfter is not quantityBefore + quantityChange, or that leaves stock below zero.
{% from "_dialect.sql.j2" import differs, num %}
SELECT
    id AS movement_id,
    batchId,
    quantityBefore,
    quantityChange,
    quantityAfter
FROM inventoryMovements
WHERE
    {{ differs(num("quantityAfter"), num("quantityBefore") ~ " + " ~ num("quantityChange")) }}
    OR {{ num("quantityAfter") }} < 0
