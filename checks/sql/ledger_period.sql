-- name: ledger_period
-- severity: error
-- tables: ledgerEntries, fiscalPeriods
-- tags: finance, ledger
-- description: A ledger entry outside its fiscal period's dates, or in a closed period without having been posted before it closed.
SELECT
    e.id AS entry_id,
    e.entryNumber,
    e.entryDate,
    f.periodName,
    f.status,
    e.postedAt,
    f.closedAt
FROM ledgerEntries AS e
INNER JOIN fiscalPeriods AS f ON e.fiscalPeriodId = f.id
WHERE
    e.entryDate < f.startDate
    OR e.entryDate > f.endDate
    OR (f.status <> 'OPEN' AND (e.isPosted = 0 OR e.postedAt IS NULL OR e.postedAt > f.closedAt))
