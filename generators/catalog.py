"""The catalog: products and what hangs off them (media, synonyms, tags), pricing."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal

from generators.access import COMPANY_DOMAIN, staff_with_job
from generators.common import at, business_moment, pick, setup_day, slug, weighted
from generators.parties import is_whale, strain_type
from generators.trade import catalog


def products(ctx):
    return [
        {"id": p.id, "brandId": p.brand_id, "strainId": p.strain_id, "nameCanonical": p.name,
         "category": p.category, "subcategory": p.subcategory, "uomSellable": p.uom,
         "description": (f"{p.tier} {p.strain_name}, sold by the pound" if p.tier
                         else f"{p.subcategory} made from {p.strain_name}"),
         "createdAt": p.created, "updatedAt": p.created}
        for p in ctx.dataset(catalog)
    ]


# --------------------------------------------------------------------------- helpers
def _soon_after(ctx, moment: dt.datetime, days: int | None = None) -> dt.datetime:
    """A business moment on a later day than ``moment``: within ``days`` days,
    and never after the window's end (``days=None``: any day up to it)."""
    start = moment.date() + dt.timedelta(days=1)
    end = ctx.window_end if days is None else min(ctx.window_end, start + dt.timedelta(days=days))
    return business_moment(ctx.rng, start, end)


def _configured(ctx, n: int) -> dt.datetime:
    """When the n-th pricing or COGS setting was entered, while TERP was set up."""
    return at(setup_day(ctx) + dt.timedelta(days=2), 10 + n // 12, n * 5 % 60)


# --------------------------------------------------------------------------- media
MEDIA_HOST = f"https://media.{COMPANY_DOMAIN}/products"
# ((MIME type, file extension, smallest and largest size in bytes), share)
IMAGE_TYPES = [(("image/jpeg", "jpg", 400_000, 2_500_000), 0.7),
               (("image/webp", "webp", 150_000, 900_000), 0.3)]


def productMedia(ctx):
    """One or two photos per product, uploaded within a month of its creation."""
    rng = ctx.rng
    uploaders = staff_with_job(ctx, "Inventory Manager") + staff_with_job(ctx, "Warehouse Lead")
    rows = []
    for p in ctx.dataset(catalog):
        uploaded = p.created
        for k in range(1, weighted(rng, [(1, 0.6), (2, 0.4)]) + 1):
            mime, ext, smallest, largest = weighted(rng, IMAGE_TYPES)
            filename = f"{slug(p.name)}-{k}.{ext}"
            uploaded = _soon_after(ctx, uploaded, 30 if k == 1 else 10)
            rows.append({
                "id": ctx.id(len(rows) + 1), "productId": p.id,
                "url": f"{MEDIA_HOST}/{p.id}/{filename}", "type": mime, "filename": filename,
                "size": rng.randint(smallest, largest), "uploadedBy": pick(rng, uploaders)["id"],
                "createdAt": uploaded,
            })
    return rows


# --------------------------------------------------------------------------- synonyms
def _initials(name: str) -> str | None:
    """Initials of a strain name (Girl Scout Cookies: GSC, Do-Si-Dos: DSD,
    Gorilla Glue #4: GG#4); None for a one-word name."""
    words = [w for w in re.split(r"[\s-]+", name) if w]
    if len(words) < 2:
        return None
    return "".join(w if w.isupper() or not w[0].isalpha() else w[0].upper() for w in words)


def _synonym_candidates(p) -> list[str]:
    """Search aliases a buyer might type: initials, the strain alone, lowercase."""
    qualifier = p.tier or p.subcategory
    initials = _initials(p.strain_name)
    candidates = [f"{initials} {qualifier}" if initials else None,
                  p.strain_name if p.tier else f"{p.strain_name} {qualifier}",
                  f"{p.strain_name} {qualifier if p.tier else p.category}".lower()]
    unique, seen = [], {p.name.lower()}
    for text in candidates:
        if text and text.lower() not in seen:
            seen.add(text.lower())
            unique.append(text)
    return unique


def productSynonyms(ctx):
    """One to three aliases per product, distinct within the product (case aside)."""
    rng = ctx.rng
    rows = []
    for p in ctx.dataset(catalog):
        candidates = _synonym_candidates(p)
        chosen = rng.sample(candidates, min(len(candidates), rng.randint(1, 3)))
        entered = _soon_after(ctx, p.created, 14)
        for synonym in sorted(chosen, key=candidates.index):
            rows.append({"id": ctx.id(len(rows) + 1), "productId": p.id, "synonym": synonym,
                         "createdAt": entered})
    return rows


# --------------------------------------------------------------------------- tags
STRAIN_TYPE_TAGS = {"indica": "Indica", "sativa": "Sativa", "hybrid": "Hybrid", "cbd": "CBD"}
EFFECTS_BY_TYPE = {
    "indica": ["Relaxing", "Sleepy", "Euphoric"],
    "sativa": ["Energizing", "Creative", "Euphoric"],
    "hybrid": ["Euphoric", "Relaxing", "Creative", "Energizing"],
    "cbd": ["Relaxing", "Creative"],
}
# Words in a strain's name that give away its flavor tag; other strains get one half the time.
FLAVOR_HINTS = [("Lemon", "Citrus"), ("Tangie", "Citrus"), ("Mimosa", "Citrus"), ("Diesel", "Gas"),
                ("Marker", "Gas"), ("Motorbreath", "Gas"), ("Berry", "Berry"), ("Blue", "Berry"),
                ("Grape", "Berry"), ("Cherry", "Berry"), ("Purple", "Berry"), ("Kush", "Earthy"),
                ("OG", "Pine")]
FLAVORS = ["Citrus", "Gas", "Berry", "Earthy", "Pine"]
UNTAGGED_SHARE = 0.04  # effect and flavor links someone removed later


def _strain_profile(rng, strain: dict) -> list[str]:
    """Tag names of a strain: its type, one or two effects, at most one flavor."""
    kind = strain_type(strain)
    names = [STRAIN_TYPE_TAGS[kind]]
    names += rng.sample(EFFECTS_BY_TYPE[kind], rng.randint(1, 2))
    hint = next((flavor for word, flavor in FLAVOR_HINTS if word in strain["name"]), None)
    if hint or rng.random() < 0.5:
        names.append(hint or pick(rng, FLAVORS))
    return names


def productTags(ctx):
    """Each product carries its strain's tags; a few effect and flavor tags were removed."""
    rng = ctx.rng
    tag_ids = {row["name"]: row["id"] for row in ctx.rows("tags")}
    strains = {row["id"]: row for row in ctx.rows("strains")}
    profiles: dict[int, list[str]] = {}
    rows = []
    for p in ctx.dataset(catalog):
        if p.strain_id is None:
            continue
        if p.strain_id not in profiles:
            profiles[p.strain_id] = _strain_profile(rng, strains[p.strain_id])
        tagged = _soon_after(ctx, p.created, 7)
        for k, name in enumerate(profiles[p.strain_id]):
            removed = k > 0 and rng.random() < UNTAGGED_SHARE
            rows.append({"id": ctx.id(len(rows) + 1), "productId": p.id, "tagId": tag_ids[name],
                         "createdAt": tagged,
                         "deleted_at": _soon_after(ctx, tagged) if removed else None})
    return rows


# --------------------------------------------------------------------------- pricing
# Default margin by products.category (TERP looks the category name up; a
# category with no row needs a price typed in).
DEFAULT_MARGINS = [("Flower", "25.00"), ("Concentrates", "28.00"), ("Vapes", "28.00"),
                   ("Bulk Oil", "20.00"), ("Manufactured Products", "30.00")]


def pricing_defaults(ctx):
    return [
        {"id": ctx.id(n), "product_category": category,
         "default_margin_percent": Decimal(margin),
         "created_at": _configured(ctx, n), "updated_at": _configured(ctx, n)}
        for n, (category, margin) in enumerate(DEFAULT_MARGINS, start=1)
    ]


# (name, description, adjustment type, value, conditions, logic, priority, active).
# Conditions use only what TERP's pricing engine can match on the items it prices
# (the live catalog and the VIP portal carry the product's category and subcategory
# names and the batch's grade; the base price is the batch's unit COGS): category,
# subcategory and grade names the catalog uses, priceMin/priceMax in dollars.
PRICING_RULES = [
    ("Whale T1 - Indoor flower", "Tier 1 whales: indoor flower", "PERCENT_MARKDOWN", "5.00",
     {"category": "Flower", "subcategory": "Indoor"}, "AND", 50, True),
    ("Whale T1 - Deps flower", "Tier 1 whales: light-dep flower", "PERCENT_MARKDOWN", "5.00",
     {"category": "Flower", "subcategory": "Deps"}, "AND", 50, True),
    ("Whale T1 - Outdoor flower", "Tier 1 whales: outdoor flower", "PERCENT_MARKDOWN", "4.00",
     {"category": "Flower", "subcategory": "Outdoor"}, "AND", 50, True),
    ("Whale T1 - Concentrates", "Tier 1 whales: all concentrates", "PERCENT_MARKDOWN", "3.00",
     {"category": "Concentrates"}, "AND", 45, True),
    ("Whale T2 - Flower", "Tier 2 whales: all flower", "PERCENT_MARKDOWN", "3.00",
     {"category": "Flower"}, "AND", 45, True),
    ("Volume - Indoor flower", "Volume buyers: indoor flower", "PERCENT_MARKDOWN", "2.00",
     {"category": "Flower", "subcategory": "Indoor"}, "AND", 30, True),
    ("Volume - Deps flower", "Volume buyers: $25 a pound off light-dep flower", "DOLLAR_MARKDOWN", "25.00",
     {"category": "Flower", "subcategory": "Deps"}, "AND", 30, True),
    ("Volume - Outdoor flower", "Volume buyers: $20 a pound off outdoor flower", "DOLLAR_MARKDOWN", "20.00",
     {"category": "Flower", "subcategory": "Outdoor"}, "AND", 30, True),
    ("Volume - Prerolls", "Volume buyers: $1 off each preroll pack", "DOLLAR_MARKDOWN", "1.00",
     {"category": "Manufactured Products", "subcategory": "Preroll"}, "AND", 30, True),
    ("Volume - Cartridges", "Volume buyers: $1.50 off each cartridge", "DOLLAR_MARKDOWN", "1.50",
     {"category": "Vapes", "subcategory": "Cartridge"}, "AND", 30, True),
    ("Outdoor D-grade clearance", "D-grade outdoor flower, to move", "PERCENT_MARKDOWN", "15.00",
     {"category": "Flower", "subcategory": "Outdoor", "grade": "D"}, "AND", 60, True),
    ("Economy grade clearance", "Any D-grade lot", "PERCENT_MARKDOWN", "10.00",
     {"grade": "D"}, "AND", 55, True),
    ("Budget flower: C grade or under $900/lb", "C-grade lots, or anything costing under $900",
     "PERCENT_MARKDOWN", "6.00", {"grade": "C", "priceMax": 900}, "OR", 35, True),
    ("A-grade flower premium", "A-grade (top shelf) flower carries a premium", "PERCENT_MARKUP", "5.00",
     {"category": "Flower", "grade": "A"}, "AND", 35, True),
    ("Top-cost indoor premium", "Indoor lots that cost $1,900 a pound or more", "PERCENT_MARKUP", "3.00",
     {"category": "Flower", "subcategory": "Indoor", "priceMin": 1900}, "AND", 36, True),
    ("Outdoor or C-grade extraction price", "Outdoor flower, or any C-grade lot, for extractors",
     "PERCENT_MARKDOWN", "10.00", {"subcategory": "Outdoor", "grade": "C"}, "OR", 35, True),
    ("Live resin premium", "Live resin sells above other concentrates", "PERCENT_MARKUP", "4.00",
     {"category": "Concentrates", "subcategory": "Live Resin"}, "AND", 20, True),
    ("Promotional edibles", "Edibles on promotion", "PERCENT_MARKDOWN", "10.00",
     {"category": "Manufactured Products", "subcategory": "Edible"}, "AND", 58, True),
    ("Promotional B-grade deps", "B-grade light-dep lots on promotion", "PERCENT_MARKDOWN", "3.00",
     {"category": "Flower", "subcategory": "Deps", "grade": "B"}, "AND", 25, True),
    ("New account flower premium", "New accounts pay list plus 3% on flower", "PERCENT_MARKUP", "3.00",
     {"category": "Flower"}, "AND", 10, True),
    ("Consignment flower premium", "Flower sold on consignment terms", "PERCENT_MARKUP", "4.00",
     {"category": "Flower"}, "AND", 10, True),
    ("Net 30 flower premium", "Flower sold on net 30 terms", "PERCENT_MARKUP", "2.00",
     {"category": "Flower"}, "AND", 10, True),
    ("COD flower discount", "Flower paid cash on delivery", "PERCENT_MARKDOWN", "2.00",
     {"category": "Flower"}, "AND", 10, True),
    ("Delivery service prerolls", "Prerolls for delivery services", "PERCENT_MARKDOWN", "5.00",
     {"category": "Manufactured Products", "subcategory": "Preroll"}, "AND", 20, True),
    ("Chain store vapes", "Vapes for multi-location retailers", "PERCENT_MARKDOWN", "4.00",
     {"category": "Vapes"}, "AND", 20, True),
    ("Chain store edibles", "Edibles for multi-location retailers", "PERCENT_MARKDOWN", "5.00",
     {"category": "Manufactured Products", "subcategory": "Edible"}, "AND", 20, True),
    ("Edibles launch promo", "Launch promotion on edibles, ended", "PERCENT_MARKDOWN", "12.00",
     {"category": "Manufactured Products", "subcategory": "Edible"}, "AND", 40, False),
    ("High-cost indoor surcharge", "Indoor costing $1,800 a pound or more, withdrawn", "DOLLAR_MARKUP", "10.00",
     {"category": "Flower", "subcategory": "Indoor", "priceMin": 1800}, "AND", 15, False),
    ("Cheap outdoor surcharge", "Outdoor costing under $750 a pound, withdrawn after complaints",
     "PERCENT_MARKUP", "3.00", {"category": "Flower", "subcategory": "Outdoor", "priceMax": 750}, "AND", 15,
     False),
]


def pricing_rules(ctx):
    rows = []
    for n, (name, description, kind, value, conditions, logic, priority, active) in enumerate(
            PRICING_RULES, start=1):
        created = _configured(ctx, n)
        rows.append({
            "id": ctx.id(n), "name": name, "description": description, "adjustment_type": kind,
            "adjustment_value": Decimal(value), "conditions": dict(conditions), "logic_type": logic,
            "priority": priority, "is_active": active, "created_at": created,
            "updated_at": created if active else created + dt.timedelta(days=7),
        })
    return rows


# (name, description, the pricing rules it applies).  TERP stores a profile's
# rules as [{"ruleId", "priority"}] and prices a client's items with those rules;
# an empty list breaks its query, so every profile applies at least one rule.
PRICING_PROFILES = [
    ("Top Shelf", "Buyers of the best lots: premium on A-grade and top-cost indoor",
     ["A-grade flower premium", "Top-cost indoor premium"]),
    ("Whale - Tier 1", "Top-volume accounts: the deepest flower and concentrate discounts",
     ["Whale T1 - Indoor flower", "Whale T1 - Deps flower", "Whale T1 - Outdoor flower",
      "Whale T1 - Concentrates", "Volume - Outdoor flower"]),
    ("Whale - Tier 2", "High-volume accounts: flower discount and volume prices",
     ["Whale T2 - Flower", "Volume - Indoor flower", "Volume - Deps flower"]),
    ("Volume Buyer", "Regulars who buy by the case or by the 10 lb",
     ["Volume - Indoor flower", "Volume - Deps flower", "Volume - Outdoor flower",
      "Volume - Prerolls", "Volume - Cartridges"]),
    ("New Account", "First 90 days: list plus a small premium until terms are proven",
     ["New account flower premium"]),
    ("Consignment Partner", "Takes flower on consignment: premium for the carried risk",
     ["Consignment flower premium"]),
    ("Delivery Service", "Delivery operators: preroll and case pricing",
     ["Delivery service prerolls", "Volume - Prerolls"]),
    ("Chain Store", "Multi-location retailers: packaged goods pricing",
     ["Chain store vapes", "Chain store edibles", "Volume - Cartridges"]),
    ("Net 30 Account", "Net 30 terms: premium for the financing", ["Net 30 flower premium"]),
    ("COD Discount", "Pays cash on delivery: flower discount", ["COD flower discount"]),
    ("Promotional", "Promotions passed through",
     ["Promotional edibles", "Promotional B-grade deps"]),
    ("Clearance", "Bargain buyers: clearance and budget flower",
     ["Outdoor D-grade clearance", "Economy grade clearance", "Budget flower: C grade or under $900/lb",
      "Outdoor or C-grade extraction price"]),
]
WHALE_PROFILES = ("Whale - Tier 1", "Whale - Tier 2")


def pricing_profiles(ctx):
    rules = {row["name"]: row for row in ctx.rows("pricing_rules")}
    author = staff_with_job(ctx, "Sales Manager")[0]["id"]
    rows = []
    for n, (name, description, rule_names) in enumerate(PRICING_PROFILES, start=1):
        created = _configured(ctx, len(PRICING_RULES) + n)
        rows.append({
            "id": ctx.id(n), "name": name, "description": description,
            "rules": [{"ruleId": rules[r]["id"], "priority": rules[r]["priority"]} for r in rule_names],
            "created_by": author, "created_at": created, "updated_at": created,
        })
    return rows


# Which profile a regular buyer has, when it has one (60% do).
REGULAR_PROFILES = [("Top Shelf", 0.10), ("Volume Buyer", 0.15), ("Net 30 Account", 0.12),
                    ("COD Discount", 0.12), ("Consignment Partner", 0.10), ("Chain Store", 0.08),
                    ("Delivery Service", 0.08), ("New Account", 0.05), ("Promotional", 0.03),
                    ("Clearance", 0.02)]
REGULAR_PROFILE_SHARE = 0.50
WHALE_TIER_1_SHARE = 0.40


def client_pricing_profiles(ctx):
    """clients.pricing_profile_id of buying clients: whales on a whale tier, most
    regulars on another profile; supplier accounts and the rest keep NULL."""
    rng = ctx.rng
    profiles = {row["name"]: row["id"] for row in ctx.rows("pricing_profiles")}
    assigned = max(row["updated_at"] for row in ctx.rows("pricing_profiles"))
    buyers = [c for c in ctx.rows("clients") if c["is_buyer"]]
    whales = [c for c in buyers if is_whale(c)]
    regulars = [c for c in buyers if not is_whale(c)]
    tier_1 = {c["id"] for c in rng.sample(whales, math.ceil(len(whales) * WHALE_TIER_1_SHARE))}
    profiled = {c["id"] for c in rng.sample(regulars, round(len(regulars) * REGULAR_PROFILE_SHARE))}
    rows = []
    for client in buyers:
        if is_whale(client):
            name = WHALE_PROFILES[0] if client["id"] in tier_1 else WHALE_PROFILES[1]
        elif client["id"] in profiled:
            name = weighted(rng, REGULAR_PROFILES)
        else:
            continue
        rows.append({"id": client["id"], "pricing_profile_id": profiles[name],
                     "updated_at": max(client["updated_at"], assigned)})
    return rows


# --------------------------------------------------------------------------- COGS
# (name, description, condition field, operator, value, adjustment, value, priority, active).
# TERP lowers the COGS basis by a positive PERCENTAGE or FIXED_AMOUNT; USE_MIN and
# USE_MAX take the end of a RANGE batch's cost range.  PAYMENT_TERMS compare days
# (COD 0, net 30 30, consignment 45); CLIENT_TIER the whale tier.
COGS_RULES = [
    ("Bulk orders: low end of range", "50 lb and up take a RANGE batch's minimum cost",
     "QUANTITY", "GTE", "50", "USE_MIN", "0", 50, True),
    ("Small orders: high end of range", "Under 5 lb take a RANGE batch's maximum cost",
     "QUANTITY", "LT", "5", "USE_MAX", "0", 40, True),
    ("Six-figure orders", "Orders of $100,000 or more: 2% lower COGS basis",
     "TOTAL_VALUE", "GTE", "100000", "PERCENTAGE", "2", 30, True),
    ("Whale tier 1", "Tier 1 whales: 3% lower COGS basis",
     "CLIENT_TIER", "EQ", "1", "PERCENTAGE", "3", 60, True),
    ("Whale tier 2", "Tier 2 whales: 1.5% lower COGS basis",
     "CLIENT_TIER", "EQ", "2", "PERCENTAGE", "1.5", 55, True),
    ("Cash on delivery", "COD sales: $25 a unit off the COGS basis",
     "PAYMENT_TERMS", "EQ", "0", "FIXED_AMOUNT", "25", 20, True),
    ("Long terms: high end of range", "45+ day terms take the maximum cost; replaced by the midpoint",
     "PAYMENT_TERMS", "GTE", "45", "USE_MAX", "0", 10, False),
]
Q4 = Decimal("0.0001")


def cogs_rules(ctx):
    rows = []
    for n, (name, description, field, op, value, kind, amount, priority, active) in enumerate(
            COGS_RULES, start=1):
        created = _configured(ctx, n)
        rows.append({
            "id": ctx.id(n), "name": name, "description": description, "condition_field": field,
            "condition_operator": op, "condition_value": Decimal(value).quantize(Q4),
            "adjustment_type": kind, "adjustment_value": Decimal(amount).quantize(Q4),
            "priority": priority, "is_active": active, "created_at": created,
            "updated_at": created if active else created + dt.timedelta(days=7),
        })
    return rows
