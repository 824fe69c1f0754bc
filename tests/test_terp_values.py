"""Values TERP's own code knows: comment types its screens show, its RBAC,
pricing conditions its engine can match, strain families and OpenTHC ids, and
the catalog names its defaults use.  Facts come from ../shared/terp/app-facts.md
(TERP's source at 699deaff); every assertion queries a seeded database."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from decimal import Decimal

import pytest
import sqlalchemy as sa

from generators.strain_rules import family, standardized, ulid_moment
from terpseed.schema import metadata
from tests.support import ddl_path
from tests.test_trade_data import count, rows

T = metadata.tables
SHOWN = {"inventory_batch": "batches", "client": "clients", "task": "todo_tasks"}  # and dashboard (id 1)
MENTION = re.compile(r"@\[([^\]]+)\]\((\d+)\)")


def _facts() -> str:
    return (ddl_path().parent / "app-facts.md").read_text(encoding="utf-8")


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _full(engine) -> bool:
    return not hasattr(engine, "scenario")


# ------------------------------------------------------------------ comments
def test_comments_are_on_what_terps_screens_show(seeded):
    c = T["comments"]
    kinds = dict(rows(seeded, sa.select(c.c.commentable_type, sa.func.count()).group_by(c.c.commentable_type)))
    assert set(kinds) <= set(SHOWN) | {"dashboard"}
    dashboard_ids = {r[0] for r in rows(seeded, sa.select(c.c.commentable_id).distinct()
                                        .where(c.c.commentable_type == "dashboard"))}
    assert dashboard_ids <= {1}
    for kind, table in SHOWN.items():
        target = T[table]
        orphans = rows(seeded, sa.select(c.c.id).outerjoin(target, target.c.id == c.c.commentable_id)
                       .where(c.c.commentable_type == kind, target.c.id.is_(None)))
        assert orphans == [], kind
    if _full(seeded):
        assert sum(kinds.values()) >= 500
        assert set(kinds) == set(SHOWN) | {"dashboard"} and min(kinds.values()) >= 10
        # a comment on a task comes after the task was created
        t = T["todo_tasks"]
        early = rows(seeded, sa.select(c.c.id).join(t, t.c.id == c.c.commentable_id)
                     .where(c.c.commentable_type == "task", c.c.created_at < t.c.created_at))
        assert early == []


def test_mentions_are_written_as_terp_writes_them_and_reach_the_inbox(seeded):
    c, m, i, u = T["comments"], T["comment_mentions"], T["inbox_items"], T["users"]
    names = dict(rows(seeded, sa.select(u.c.id, u.c.name)))
    comments = {r.id: r for r in rows(seeded, sa.select(c))}
    mentions = defaultdict(set)
    for comment_id, user_id, by in rows(seeded, sa.select(m.c.comment_id, m.c.mentioned_user_id,
                                                          m.c.mentioned_by_user_id)):
        assert by == comments[comment_id].user_id
        mentions[comment_id].add(user_id)
    for comment in comments.values():
        written = {(name, int(uid)) for name, uid in MENTION.findall(comment.content)}
        assert {uid for _name, uid in written} == mentions[comment.id], comment.id
        assert all(names[uid] == name for name, uid in written)
    inbox = defaultdict(set)
    for item in rows(seeded, sa.select(i).where(i.c.source_type == "mention")):
        comment = comments[item.source_id]
        assert (item.reference_type, item.reference_id) == (comment.commentable_type, comment.commentable_id)
        assert item.title == f"{names[comment.user_id]} mentioned you in a comment"
        assert item.description == MENTION.sub(r"@\1", comment.content)
        assert item.created_at >= comment.created_at
        inbox[item.source_id].add(item.user_id)
    # one inbox item per person mentioned, never for the author
    expected = {cid: users - {comments[cid].user_id} for cid, users in mentions.items()}
    assert {k: v for k, v in inbox.items() if v} == {k: v for k, v in expected.items() if v}
    assigned = rows(seeded, sa.select(i.c.reference_type, i.c.reference_id, i.c.source_id)
                    .where(i.c.source_type == "task_assignment"))
    assert assigned and all(kind == "task" and ref == src for kind, ref, src in assigned)


# ------------------------------------------------------------------ RBAC
def _terp_permissions() -> list[tuple[str, str]]:
    """(name, module) of the 255 permissions, as app-facts §2 lists them."""
    block = _facts().split("**All 255 permission names**", 1)[1].split("\n\n", 1)[0]
    found = []
    for line in block.splitlines():
        if not line.startswith("- "):
            continue
        module, names = line[2:].split(": ", 1)
        head = None
        for item in names.split(", "):
            item = item.strip()
            if item.startswith(":"):
                item = head + item
            head = item.split(":", 1)[0]
            found.append((item, module))
    return found


def _expand(text: str) -> set[str]:
    names = set()
    for word in text.split():
        group = re.match(r"^([^:{}]+):\{([^{}]+)\}$", word)
        names |= {f"{group[1]}:{rest}" for rest in group[2].split(",")} if group else {word}
    return names


# SHA-256 (first 16 hex digits) of each role's permission names, sorted and joined
# by newlines, as server/services/rbacDefinitions.ts lists them at 699deaff.
ROLE_DIGESTS = {
    "Owner/Executive": "9d8aa970abbee109",
    "Operations Manager": "d95f6d571db118df",
    "Sales Manager": "a3b75e05979c5fe7",
    "Accountant": "1ab54a41b3ad951f",
    "Inventory Manager": "9c04d72739930a46",
    "Buyer/Procurement": "aa4c6c745557c44a",
    "Customer Service": "97086c4bfa0f3ebe",
    "Warehouse Staff": "ac4ede2592483a8c",
    "Read-Only Auditor": "fd0c1332d4c10abf",
}


def _grants(engine) -> dict[str, set[str]]:
    r, p, rp = T["roles"], T["permissions"], T["role_permissions"]
    grants = defaultdict(set)
    for role, name in rows(engine, sa.select(r.c.name, p.c.name).select_from(rp)
                           .join(r, r.c.id == rp.c.role_id).join(p, p.c.id == rp.c.permission_id)):
        grants[role].add(name)
    return grants


def test_rbac_is_terps(seeded):
    p, r = T["permissions"], T["roles"]
    terp = _terp_permissions()
    assert len(terp) == 255
    assert sorted(rows(seeded, sa.select(p.c.name, p.c.module))) == sorted(terp)
    facts = _facts()
    sizes = dict(re.findall(r"\*\*([^*]+)\*\* \((\d+)\)", facts))
    roles = {name: system for name, system in rows(seeded, sa.select(r.c.name, r.c.is_system_role))}
    assert set(roles) == set(sizes) and len(roles) == 10 and all(roles.values())
    grants = _grants(seeded)
    assert grants["Super Admin"] == {name for name, _module in terp}
    owner = facts.split("**Owner/Executive** (40): ", 1)[1].split("\n", 1)[0]
    assert grants["Owner/Executive"] == _expand(owner)
    for role, digest in ROLE_DIGESTS.items():
        assert len(grants[role]) == int(sizes[role]), role
        assert hashlib.sha256("\n".join(sorted(grants[role])).encode()).hexdigest()[:16] == digest, role


def test_every_user_holds_a_role_by_open_id_and_the_admins_pass_every_check(seeded):
    u, ur, r = T["users"], T["user_roles"], T["roles"]
    held = defaultdict(set)
    for open_id, role in rows(seeded, sa.select(ur.c.user_id, r.c.name).join(r, r.c.id == ur.c.role_id)):
        held[open_id].add(role)
    users = rows(seeded, sa.select(u.c.openId, u.c.role))
    assert {open_id for open_id, _app_role in users} == set(held)
    admins = [open_id for open_id, app_role in users if app_role == "admin"]
    assert admins and all("Super Admin" in held[a] for a in admins)
    assert any("Super Admin" not in roles for roles in held.values())  # the others hold their job's role
    # an override grants what the user's roles lack, or takes away what they give
    grants = _grants(seeded)
    o, p = T["user_permission_overrides"], T["permissions"]
    for open_id, name, granted in rows(seeded, sa.select(o.c.user_id, p.c.name, o.c.granted)
                                       .join(p, p.c.id == o.c.permission_id)):
        has = any(name in grants[role] for role in held[open_id])
        assert has != bool(granted), (open_id, name, granted)


# ------------------------------------------------------------------ pricing
KNOWN_KEYS = {"category", "subcategory", "grade", "priceMin", "priceMax"}


def test_pricing_rules_use_only_what_the_engine_can_match(seeded):
    pr, pp, pd, b = T["pricing_rules"], T["pricing_profiles"], T["products"], T["batches"]
    categories = {r[0] for r in rows(seeded, sa.select(pd.c.category).distinct())}
    subcategories = {r[0] for r in rows(seeded, sa.select(pd.c.subcategory).distinct())}
    grades = {r[0] for r in rows(seeded, sa.select(T["grades"].c.name))}
    batch_grades = {r[0] for r in rows(seeded, sa.select(b.c.grade).distinct().where(b.c.grade.is_not(None)))}
    costs = [Decimal(r[0]) for r in rows(seeded, sa.select(b.c.unitCogs))]
    rules = {}
    for rule in rows(seeded, sa.select(pr)):
        conditions = _json(rule.conditions)
        rules[rule.id] = rule
        assert isinstance(conditions, dict) and conditions and set(conditions) <= KNOWN_KEYS, rule.name
        assert rule.logic_type in ("AND", "OR")
        assert conditions.get("category", "Flower") in categories, rule.name
        assert conditions.get("subcategory", "Indoor") in subcategories, rule.name
        assert conditions.get("grade", "A") in grades, rule.name
        for key in ("priceMin", "priceMax"):
            assert isinstance(conditions.get(key, 0), (int, float)), rule.name
        if _full(seeded):
            assert conditions.get("grade", "A") in batch_grades, rule.name
            assert "priceMin" not in conditions or max(costs) >= conditions["priceMin"], rule.name
            assert "priceMax" not in conditions or min(costs) <= conditions["priceMax"], rule.name
    assert {r.adjustment_type for r in rules.values()} == {
        "PERCENT_MARKUP", "PERCENT_MARKDOWN", "DOLLAR_MARKUP", "DOLLAR_MARKDOWN"}
    assert {r.logic_type for r in rules.values()} == {"AND", "OR"}
    for name, applied in rows(seeded, sa.select(pp.c.name, pp.c.rules)):
        applied = _json(applied)
        assert isinstance(applied, list) and applied, name
        for entry in applied:
            assert set(entry) == {"ruleId", "priority"} and entry["ruleId"] in rules, name
            assert entry["priority"] == rules[entry["ruleId"]].priority


# ------------------------------------------------------------------ strains
@pytest.mark.parametrize("name, expected", [
    ("OG Kush", "OG"), ("Skywalker OG", "OG"), ("Girl Scout Cookies", "Cookies"), ("Gelato", "Gelato"),
    ("Ghost Train Haze", "Train"), ("Animal Mints", "Mint"), ("Apple Fritter", "Fritter"),
    ("Gorilla Glue #4", "Glue"), ("Mimosa", None), ("MAC 1", None), ("Trainwreck", None),
    ("Blue Dream #3", "Blue"), ("Strawberry Cough", "Cough"),
])
def test_family_follows_terps_detector(name, expected):
    assert family(name) == expected


def test_strain_names_and_stubs_follow_terps_rule():
    assert standardized("Gorilla Glue #4") == "gorilla-glue-4"
    assert standardized("Do-Si-Dos") == "do-si-dos"
    assert standardized("  Lemon  Cherry Gelato ") == "lemon-cherry-gelato"


def test_strains_have_families_and_openthc_ids(seeded):
    s = T["strains"]
    strains = rows(seeded, sa.select(s).order_by(s.c.id))
    by_id = {row.id: row for row in strains}
    ids = [row.openthcId for row in strains]
    assert len(set(ids)) == len(ids) and ids == sorted(ids)  # ULIDs sort in creation order
    for k, row in enumerate(strains):
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", row.openthcId), row.name
        stamp = ulid_moment(row.openthcId)
        assert stamp.replace(microsecond=0) == row.createdAt, row.name
        assert row.standardizedName == row.openthcStub == standardized(row.name)
        assert row.category in ("indica", "sativa", "hybrid")
        base = family(row.name)
        if base is None or row.name.lower() == base.lower():
            # a family's base strain: named after its family (TERP names the base strains it
            # creates so, whatever the detector says of the name), or a strain with no family
            assert row.parentStrainId is None and row.baseStrainName in (base, row.name), row.name
            continue
        assert row.baseStrainName == base, row.name
        parent = by_id[row.parentStrainId]
        # the oldest strain named after the family or carrying it, as TERP's lookup finds it
        first = next(r for r in strains[:k] if base.lower() in (r.name.lower(), (r.baseStrainName or "").lower()))
        assert parent.id == first.id and parent.parentStrainId is None and parent.baseStrainName == base
    with_family = sum(1 for row in strains if row.parentStrainId)
    assert with_family >= len(strains) // 3


# ------------------------------------------------------------------ catalog names
def _terp_defaults() -> tuple[dict[str, list[str]], list[str]]:
    facts = _facts()
    block = facts.split("**categories → subcategories**", 1)[1].split("- **grades**", 1)[0]
    categories = {}
    for line in block.splitlines():
        found = re.match(r"^\s+- ([^:]+): (.*)$", line)
        if found:
            categories[found[1]] = [] if found[2] == "none" else [x.strip() for x in found[2].split(",")]
    grades_text = " ".join(facts.split("- **grades**", 1)[1].split("\n- ", 1)[0].split())
    grades = re.findall(r"(\w) \"[^\"]+\" \((?:sortOrder )?\d\)", grades_text)
    return categories, grades


def test_catalog_names_are_terps_defaults_and_every_product_and_batch_uses_them(seeded):
    c, s, g, p, b = T["categories"], T["subcategories"], T["grades"], T["products"], T["batches"]
    defaults, default_grades = _terp_defaults()
    assert len(defaults) == 5 and default_grades == ["A", "B", "C", "D"]
    seeded_tree = defaultdict(list)
    for category, sub in rows(seeded, sa.select(c.c.name, s.c.name).outerjoin(s, s.c.categoryId == c.c.id)
                              .order_by(c.c.id, s.c.id)):
        seeded_tree[category] += [sub] if sub else []
    assert dict(seeded_tree) == defaults
    assert [r[0] for r in rows(seeded, sa.select(g.c.name).order_by(g.c.sortOrder))] == default_grades
    pairs = set(rows(seeded, sa.select(p.c.category, p.c.subcategory).distinct()))
    assert pairs and all(sub in defaults[category] for category, sub in pairs)
    used = {r[0] for r in rows(seeded, sa.select(b.c.grade).distinct().where(b.c.grade.is_not(None)))}
    assert used and used <= set(default_grades)
    margins = {r[0] for r in rows(seeded, sa.select(T["pricing_defaults"].c.product_category))}
    assert margins <= set(defaults) and {category for category, _sub in pairs} <= margins
    assert count(seeded, "pricing_profiles") >= 10 and count(seeded, "pricing_rules") >= 20
