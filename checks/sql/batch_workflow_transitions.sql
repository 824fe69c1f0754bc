-- name: batch_workflow_transitions
-- severity: error
-- tables: batch_status_history, workflow_statuses
-- tags: inventory, lifecycle
-- description: A batch status history row that makes a move the workflow queue does not allow (terpseed/vocabulary.py).
SELECT
    h.id AS history_id,
    h.batchId,
    f.slug AS from_status,
    t.slug AS to_status
FROM batch_status_history AS h
LEFT JOIN workflow_statuses AS f ON h.fromStatusId = f.id
INNER JOIN workflow_statuses AS t ON h.toStatusId = t.id
WHERE NOT ({{ legal_workflow }})
