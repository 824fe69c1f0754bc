-- name: pricing_profile_rules
-- severity: error
-- tables: pricing_profiles, pricing_rules
-- tags: pricing, json
-- description: A pricing profile whose rules are not a non-empty JSON array of {ruleId, priority} naming existing pricing rules: TERP fails to price its clients (an empty list makes its query invalid).
{% from "_dialect.sql.j2" import json_type_at, json_text_at, json_count, json_elements, element_path %}
SELECT
    p.id AS profile_id,
    p.name AS profile_name,
    NULL AS rule_id
FROM pricing_profiles AS p
WHERE
    COALESCE({{ json_type_at("p.rules", "'$'") }}, '') <> 'array'
    OR {{ json_count("p.rules") }} = 0
UNION ALL
SELECT
    p.id AS profile_id,
    p.name AS profile_name,
    {{ json_text_at("p.rules", element_path("e", ".ruleId")) }} AS rule_id
FROM pricing_profiles AS p
CROSS JOIN {{ json_elements("p.rules", "e") }}
LEFT JOIN pricing_rules AS r
    ON r.id = {{ json_text_at("p.rules", element_path("e", ".ruleId")) }}
WHERE
    COALESCE({{ json_type_at("p.rules", element_path("e", ".ruleId")) }}, '') <> 'integer'
    OR COALESCE({{ json_type_at("p.rules", element_path("e", ".priority")) }}, '') <> 'integer'
    OR r.id IS NULL
