-- name: catalog_names
-- severity: warning
-- tables: products, batches, categories, subcategories, grades
-- tags: catalog, vocabulary
-- description: A product whose category is not a category's name or whose subcategory is not a subcategory of that category, or a batch whose grade is not a grade's name: TERP's filters, pricing conditions and inventory snapshot go by these names.
SELECT
    'products' AS source_table,
    p.id AS row_id,
    p.category AS category_name,
    p.subcategory AS value_name
FROM products AS p
LEFT JOIN categories AS c ON p.category = c.name
LEFT JOIN subcategories AS s ON p.subcategory = s.name AND c.id = s.categoryId
WHERE
    (p.category IS NOT NULL AND c.id IS NULL)
    OR (p.subcategory IS NOT NULL AND s.id IS NULL)
UNION ALL
SELECT
    'batches' AS source_table,
    b.id AS row_id,
    NULL AS category_name,
    b.grade AS value_name
FROM batches AS b
LEFT JOIN grades AS g ON b.grade = g.name
WHERE b.grade IS NOT NULL AND g.id IS NULL
