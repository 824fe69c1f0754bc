-- name: po_item_cogs_range
-- severity: error
-- tables: purchaseOrderItems
-- requires: purchaseOrderItems.cogsMode, purchaseOrderItems.unitCostMin, purchaseOrderItems.unitCostMax
-- tags: procurement, money
-- description: A purchase order line whose COGS mode and cost bounds disagree: a FIXED cost with bounds, or a RANGE whose bounds are missing or do not hold its unit cost.
SELECT
    i.id AS item_id,
    i.cogsMode,
    i.unitCost,
    i.unitCostMin,
    i.unitCostMax
FROM purchaseOrderItems AS i
WHERE
    (i.cogsMode = 'FIXED' AND (i.unitCostMin IS NOT NULL OR i.unitCostMax IS NOT NULL))
    OR (
        i.cogsMode = 'RANGE'
        AND (
            i.unitCostMin IS NULL OR i.unitCostMax IS NULL
            OR NOT (i.unitCost BETWEEN i.unitCostMin AND i.unitCostMax)
        )
    )
