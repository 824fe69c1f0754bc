-- name: inbox_sources
-- severity: error
-- tables: inbox_items, comments, comment_mentions
-- tags: collaboration, references
-- description: An inbox item that does not point where TERP points it: a mention must be of its user in its comment (comment_mentions), after the comment, and refer to what the comment is on (its commentable type and id); a task item must refer to its own task.
SELECT
    i.id AS inbox_item_id,
    i.user_id,
    i.source_type,
    i.source_id,
    i.reference_type,
    i.reference_id
FROM inbox_items AS i
LEFT JOIN comments AS c ON i.source_id = c.id
LEFT JOIN comment_mentions AS m ON i.source_id = m.comment_id AND i.user_id = m.mentioned_user_id
WHERE
    (
        i.source_type = 'mention'
        AND (
            c.id IS NULL
            OR m.id IS NULL
            OR i.reference_type <> c.commentable_type
            OR i.reference_id <> c.commentable_id
            OR i.created_at < c.created_at
        )
    )
    OR (
        i.source_type IN ('task_assignment', 'task_update')
        AND (i.reference_type <> 'task' OR i.reference_id <> i.source_id)
    )
