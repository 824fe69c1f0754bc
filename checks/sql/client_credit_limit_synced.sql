-- name: client_credit_limit_synced
-- severity: error
-- tables: clients, client_credit_limits
-- tags: clients, credit
-- requires: clients.credit_limit
-- description: A client whose credit limit on clients is not the one its credit limit record holds: TERP copies it there whenever it calculates or overrides the limit (creditEngine syncCreditToClient), and its order credit checks read that copy.
{% from "_dialect.sql.j2" import differs %}
SELECT
    c.id AS client_id,
    c.credit_limit,
    l.credit_limit AS calculated_limit
FROM clients AS c
INNER JOIN client_credit_limits AS l ON c.id = l.client_id
WHERE c.credit_limit IS NULL OR {{ differs("c.credit_limit", "l.credit_limit") }}
