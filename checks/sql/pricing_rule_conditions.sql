-- name: pricing_rule_conditions
-- severity: error
-- tables: pricing_rules, categories, subcategories, grades
-- tags: pricing, json
-- description: A pricing rule TERP's engine can never match: its conditions are not a non-empty JSON object, use a key the priced items do not carry (only category, subcategory, grade, priceMin, priceMax), name a category, subcategory or grade that does not exist, or give a price bound that is not a number.
{% from "_dialect.sql.j2" import json_type_at, json_text_at, json_count, json_members, member_key, member_path %}
SELECT
    r.id AS rule_id,
    r.name AS rule_name,
    NULL AS condition_key,
    NULL AS condition_value
FROM pricing_rules AS r
WHERE
    COALESCE({{ json_type_at("r.conditions", "'$'") }}, '') <> 'object'
    OR {{ json_count("r.conditions") }} = 0
UNION ALL
SELECT
    r.id AS rule_id,
    r.name AS rule_name,
    {{ member_key("m") }} AS condition_key,
    {{ json_text_at("r.conditions", member_path("m")) }} AS condition_value
FROM pricing_rules AS r
CROSS JOIN {{ json_members("r.conditions", "m") }}
WHERE
    {{ member_key("m") }} NOT IN ('category', 'subcategory', 'grade', 'priceMin', 'priceMax')
    OR (
        {{ member_key("m") }} IN ('priceMin', 'priceMax')
        AND {{ json_type_at("r.conditions", member_path("m")) }}
        NOT IN ('integer', 'double', 'decimal', 'unsigned integer', 'real')
    )
    OR (
        {{ member_key("m") }} IN ('category', 'subcategory', 'grade')
        AND {{ json_type_at("r.conditions", member_path("m")) }} NOT IN ('string', 'text')
    )
    OR (
        {{ member_key("m") }} = 'category'
        AND {{ json_text_at("r.conditions", member_path("m")) }} NOT IN (SELECT c.name FROM categories AS c)
    )
    OR (
        {{ member_key("m") }} = 'subcategory'
        AND {{ json_text_at("r.conditions", member_path("m")) }} NOT IN (SELECT s.name FROM subcategories AS s)
    )
    OR (
        {{ member_key("m") }} = 'grade'
        AND {{ json_text_at("r.conditions", member_path("m")) }} NOT IN (SELECT g.name FROM grades AS g)
    )
