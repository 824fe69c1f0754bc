-- name: strain_families
-- severity: error
-- tables: strains
-- tags: catalog, strains
-- description: A strain whose parent is not its family's base strain (a strain with no parent of its own, named after the family or carrying it), or whose family name is missing.
SELECT
    s.id AS strain_id,
    s.name,
    s.baseStrainName,
    p.id AS parent_id,
    p.name AS parent_name,
    p.parentStrainId AS parents_parent
FROM strains AS s
INNER JOIN strains AS p ON s.parentStrainId = p.id
WHERE
    p.parentStrainId IS NOT NULL
    OR s.baseStrainName IS NULL
    OR (
        LOWER(p.name) <> LOWER(s.baseStrainName)
        AND LOWER(COALESCE(p.baseStrainName, '')) <> LOWER(s.baseStrainName)
    )
