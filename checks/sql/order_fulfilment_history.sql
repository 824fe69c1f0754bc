-- name: order_fulfilment_history
-- severity: error
-- tables: orders, order_status_history
-- tags: orders, lifecycle
-- description: An order whose fulfilment history goes backwards (PENDING, PACKED, SHIPPED) or does not end at its current fulfilment status.
SELECT
    o.id AS order_id,
    o.order_number,
    o.fulfillmentStatus,
    h.fulfillmentStatus AS history_status,
    h.changed_at
FROM orders AS o
INNER JOIN order_status_history AS h ON o.id = h.order_id
WHERE
    (
        NOT EXISTS (
            SELECT 1
            FROM order_status_history AS later
            WHERE
                later.order_id = h.order_id
                AND (later.changed_at > h.changed_at OR (later.changed_at = h.changed_at AND later.id > h.id))
        )
        AND h.fulfillmentStatus <> o.fulfillmentStatus
    )
    OR EXISTS (
        SELECT 1
        FROM order_status_history AS later
        WHERE
            later.order_id = h.order_id
            AND later.changed_at > h.changed_at
            AND {{ fulfilment_rank("later.fulfillmentStatus") }} < {{ fulfilment_rank("h.fulfillmentStatus") }}
    )
