-- name: ledger_unbalanced
-- severity: error
-- tables: ledgerEntries
-- tags: finance, ledger
-- description: A document's ledger postings whose debits and credits differ: the books do not balance for it.
{% from "_dialect.sql.j2" import differs %}
SELECT
    referenceType,
    referenceId,
    SUM(debit) AS debits,
    SUM(credit) AS credits
FROM ledgerEntries
GROUP BY referenceType, referenceId
HAVING {{ differs("SUM(debit)", "SUM(credit)") }}
