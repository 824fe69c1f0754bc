-- name: trial_balance
-- severity: error
-- tables: ledgerEntries
-- tags: finance, ledger
-- description: The trial balance does not sum to zero: total debits differ from total credits.
{% from "_dialect.sql.j2" import differs %}
SELECT
    SUM(debit) AS debits,
    SUM(credit) AS credits
FROM ledgerEntries
HAVING {{ differs("COALESCE(SUM(debit), 0)", "COALESCE(SUM(credit), 0)") }}
