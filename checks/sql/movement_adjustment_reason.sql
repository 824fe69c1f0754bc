-- name: movement_adjustment_reason
-- severity: warning
-- tables: inventoryMovements
-- requires: inventoryMovements.adjustmentReason
-- tags: inventory
-- description: A stock movement whose adjustment reason does not match its type: TERP asks the reason of an ADJUSTMENT, and of nothing else.
SELECT
    m.id AS movement_id,
    m.inventoryMovementType,
    m.adjustmentReason
FROM inventoryMovements AS m
WHERE
    (m.inventoryMovementType = 'ADJUSTMENT' AND m.adjustmentReason IS NULL)
    OR (m.inventoryMovementType <> 'ADJUSTMENT' AND m.adjustmentReason IS NOT NULL)
