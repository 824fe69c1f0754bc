-- name: batch_workflow_current
-- severity: error
-- tables: batches, batch_status_history
-- tags: inventory, lifecycle
-- description: A batch whose latest status history row does not end at the batch's current workflow status.
SELECT
    b.id AS batch_id,
    b.code,
    b.statusId,
    h.toStatusId AS last_history_status
FROM batches AS b
INNER JOIN batch_status_history AS h ON b.id = h.batchId
WHERE
    NOT EXISTS (
        SELECT 1
        FROM batch_status_history AS later
        WHERE
            later.batchId = h.batchId
            AND (later.createdAt > h.createdAt OR (later.createdAt = h.createdAt AND later.id > h.id))
    )
    AND (b.statusId IS NULL OR b.statusId <> h.toStatusId)
