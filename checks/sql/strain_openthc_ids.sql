-- name: strain_openthc_ids
-- severity: error
-- tables: strains
-- tags: catalog, strains
-- description: A strain whose openthcId is not a ULID (26 characters of Crockford's base 32, in capitals), the form TERP gives every strain it creates or imports.
{% from "_dialect.sql.j2" import not_ulid %}
SELECT
    s.id AS strain_id,
    s.name,
    s.openthcId
FROM strains AS s
WHERE s.openthcId IS NOT NULL AND {{ not_ulid("s.openthcId") }}
