"""Reference data: locations, catalog vocabulary, tags, workflow, payment methods."""

from __future__ import annotations

import datetime as dt

from generators.common import at, setup_day, slug

# site -> [(zone, racks, shelves, bins)]: TERP's "Main Warehouse" with its zones,
# a samples vault and the shipping dock.
SITES = {
    "Main Warehouse": [
        ("Zone A", ["Rack 1", "Rack 2", "Rack 3"], ["Shelf 1", "Shelf 2"], ["Bin 1", "Bin 2"]),
        ("Zone B", ["Rack 1", "Rack 2"], ["Shelf 1", "Shelf 2"], ["Bin 1", "Bin 2"]),
        ("Zone C", ["Rack 1"], ["Shelf 1", "Shelf 2"], ["Bin 1"]),
        ("Zone D - Secure", ["Vault 1"], ["Shelf 1", "Shelf 2", "Shelf 3"], ["Bin 1"]),
        ("Quarantine", ["Rack Q"], ["Shelf 1"], [None]),
    ],
    "Samples Vault": [
        ("Vault A", ["Rack 1"], ["Shelf 1", "Shelf 2"], ["Bin 1", "Bin 2", "Bin 3"]),
    ],
    "Shipping Dock": [
        ("Staging", ["Lane 1", "Lane 2"], [None], [None]),
        ("Will Call", ["Counter"], [None], [None]),
    ],
}

# TERP's default categories and subcategories, names and order as its startup
# inserts them, and its default grades; products.category/subcategory and
# batches.grade hold these names.  (category, description, [(subcategory, description)])
CATEGORIES = [
    ("Flower", "Cured cannabis flower, sold by the pound", [
        ("Outdoor", "Full-sun flower: the value tier"),
        ("Deps", "Light-deprivation greenhouse flower: the middle tier"),
        ("Indoor", "Grown under lights: the top price tier"),
        ("Smalls", "Small buds of good flower"),
        ("Trim", "Trim for extraction"),
    ]),
    ("Concentrates", "Extracts, sold by the gram", [
        ("Shatter", "Glass-like extract"), ("Wax", "Soft, opaque extract"),
        ("Live Resin", "Extract of fresh-frozen flower"), ("Rosin", "Solventless pressed extract"),
        ("Distillate", "Refined oil"), ("Crumble", "Dry, crumbly extract"), ("Budder", "Whipped extract"),
    ]),
    ("Vapes", "Vape hardware with oil", [
        ("Cartridge", "510-thread cartridges"), ("All in One", "Disposable all-in-one pens"),
    ]),
    ("Bulk Oil", "Oil sold in bulk to manufacturers", []),
    ("Manufactured Products", "Finished goods from partner manufacturers", [
        ("Preroll", "Pre-rolled joints, in packs"), ("Edible", "Gummies, chocolates and drinks"),
        ("Tincture", "Sublingual drops"), ("Topical", "Balms and lotions"), ("Accessory", "Papers, batteries"),
    ]),
]

GRADES = [
    ("A", "Top shelf quality"),
    ("B", "Mid-tier quality"),
    ("C", "Budget quality"),
    ("D", "Economy quality"),
]

# (group, color, hierarchical, [(tag, tags.category, description)]); in a
# hierarchical group the first tag is the parent of the others.
TAG_GROUPS = [
    ("Strain Type", "#10B981", False, [
        ("Indica", "strain_type", "Indica-dominant"), ("Sativa", "strain_type", "Sativa-dominant"),
        ("Hybrid", "strain_type", "Balanced hybrid"), ("CBD", "strain_type", "CBD-dominant"),
    ]),
    ("Effects", "#8B5CF6", False, [
        ("Relaxing", "effect", "Body-heavy, calming"), ("Energizing", "effect", "Uplifting, daytime"),
        ("Creative", "effect", "Cerebral, focused"), ("Sleepy", "effect", "Night-time sedation"),
        ("Euphoric", "effect", "Mood-lifting"),
    ]),
    ("Flavors", "#F97316", False, [
        ("Citrus", "flavor", "Lemon, orange, lime"), ("Gas", "flavor", "Fuel and diesel"),
        ("Berry", "flavor", "Sweet berry"), ("Earthy", "flavor", "Soil and wood"),
        ("Pine", "flavor", "Fresh pine"),
    ]),
    ("Quality", "#F59E0B", True, [
        ("Premium", "type", "Premium tier"), ("Top Shelf", "type", "Best of the house"),
        ("Exotic", "type", "Rare genetics, limited supply"), ("Craft", "type", "Small-batch, hand-trimmed"),
    ]),
    ("Status", "#9333EA", True, [
        ("Promotions", "status", "Lines on promotion"), ("Clearance", "status", "Aged stock to move"),
        ("New Arrival", "status", "Just landed"), ("Low Stock", "status", "Running out"),
    ]),
]

# The ten tags TERP's drizzle/0052 (the migration that adds tags.color) inserts,
# upserted on the unique name: (name, category, colour, description), the category
# as the seeds spell it, which 0052's CASE makes STATUS, PRIORITY or TYPE.  A TERP
# version with tags.color has them; the seeds' own Premium is 0052's already (type,
# "Premium tier", the Quality group's #F59E0B).
DEFAULT_TAGS = [
    ("VIP", "status", "#9333EA", "VIP client status"),
    ("High Priority", "priority", "#DC2626", "High priority client or product"),
    ("Medium Priority", "priority", "#F59E0B", "Medium priority"),
    ("Low Priority", "priority", "#10B981", "Low priority"),
    ("Active", "status", "#22C55E", "Currently active"),
    ("Inactive", "status", "#6B7280", "Currently inactive"),
    ("New", "status", "#3B82F6", "New client or product"),
    ("Wholesale", "type", "#8B5CF6", "Wholesale client type"),
    ("Retail", "type", "#06B6D4", "Retail client type"),
    ("Premium", "type", "#F59E0B", "Premium tier"),
]

# TERP's workflow queue statuses (its migration seeds the same six).
WORKFLOW = [
    ("Intake Queue", "intake-queue", "#EF4444"),
    ("Quality Check", "quality-check", "#F59E0B"),
    ("Lab Testing", "lab-testing", "#3B82F6"),
    ("Packaging", "packaging", "#8B5CF6"),
    ("Ready for Sale", "ready-for-sale", "#10B981"),
    ("On Hold", "on-hold", "#6B7280"),
]

# TERP's default payment methods (code, name, description), in its order.
PAYMENT_METHODS = [
    ("CASH", "Cash", "Cash payment"), ("CHECK", "Check", "Check payment"),
    ("CREDIT_CARD", "Credit Card", "Credit card payment"), ("DEBIT_CARD", "Debit Card", "Debit card payment"),
    ("ACH", "ACH Transfer", "ACH bank transfer"), ("WIRE", "Wire Transfer", "Wire transfer"),
    ("PAYPAL", "PayPal", "PayPal payment"), ("VENMO", "Venmo", "Venmo payment"),
    ("ZELLE", "Zelle", "Zelle payment"), ("OTHER", "Other", "Other payment method"),
]


def _created(ctx, minute: int = 0) -> dt.datetime:
    return at(setup_day(ctx), 10, minute)


def locations(ctx):
    rows = []
    for site, zones in SITES.items():
        for zone, racks, shelves, bins in zones:
            for rack in racks:
                for shelf in shelves:
                    for bin_ in bins:
                        n = len(rows) + 1
                        rows.append({
                            "id": ctx.id(n), "site": site, "zone": zone, "rack": rack,
                            "shelf": shelf, "bin": bin_, "isActive": 1,
                            "createdAt": _created(ctx), "updatedAt": _created(ctx),
                        })
    return rows


def categories(ctx):
    return [
        {"id": ctx.id(n), "name": name, "description": description, "isActive": 1,
         "createdAt": _created(ctx, 5), "updatedAt": _created(ctx, 5)}
        for n, (name, description, _subs) in enumerate(CATEGORIES, start=1)
    ]


def subcategories(ctx):
    parents = {row["name"]: row["id"] for row in ctx.rows("categories")}
    rows = []
    for category, _description, subs in CATEGORIES:
        for name, description in subs:
            rows.append({
                "id": ctx.id(len(rows) + 1), "categoryId": parents[category], "name": name,
                "description": description, "isActive": 1,
                "createdAt": _created(ctx, 6), "updatedAt": _created(ctx, 6),
            })
    return rows


def grades(ctx):
    return [
        {"id": ctx.id(n), "name": name, "description": description, "sortOrder": n,
         "isActive": 1, "createdAt": _created(ctx, 7), "updatedAt": _created(ctx, 7)}
        for n, (name, description) in enumerate(GRADES, start=1)
    ]


def tags(ctx):
    """The tag groups' tags; and, in a TERP version that has tags.color, the default
    tags its migration 0052 inserts with the column, after them (the names the seeds
    already use stand for themselves, as 0052's upsert on the unique name leaves one
    row; MySQL compares names case-insensitively)."""
    members = [member for _group, _color, _hier, group in TAG_GROUPS for member in group]
    if "color" in ctx.schema.table("tags").c:
        used = {name.lower() for name, _category, _description in members}
        members += [(name, category, description) for name, category, _color, description in DEFAULT_TAGS
                    if name.lower() not in used]
    return [
        {"id": ctx.id(n), "name": name, "standardizedName": slug(name),
         "category": category, "description": description,
         "createdAt": _created(ctx, 8), "updatedAt": _created(ctx, 8)}
        for n, (name, category, description) in enumerate(members, start=1)
    ]


def tagGroups(ctx):
    owner = ctx.rows("users")[0]["id"]
    return [
        {"id": ctx.id(n), "name": group, "description": f"{group} tags",
         "color": color, "createdBy": owner,
         "createdAt": _created(ctx, 9), "updatedAt": _created(ctx, 9)}
        for n, (group, color, _hier, _members) in enumerate(TAG_GROUPS, start=1)
    ]


def tagGroupMembers(ctx):
    groups = {row["name"]: row["id"] for row in ctx.rows("tagGroups")}
    tag_ids = {row["name"]: row["id"] for row in ctx.rows("tags")}
    rows = []
    for group, _color, _hier, members in TAG_GROUPS:
        for name, _category, _description in members:
            rows.append({"id": ctx.id(len(rows) + 1), "groupId": groups[group],
                         "tagId": tag_ids[name], "createdAt": _created(ctx, 10)})
    return rows


def tagHierarchy(ctx):
    tag_ids = {row["name"]: row["id"] for row in ctx.rows("tags")}
    rows = []
    for _group, _color, hierarchical, members in TAG_GROUPS:
        if not hierarchical:
            continue
        parent = members[0][0]
        for child, _category, _description in members[1:]:
            rows.append({"id": ctx.id(len(rows) + 1), "parentTagId": tag_ids[parent],
                         "childTagId": tag_ids[child], "createdAt": _created(ctx, 11)})
    return rows


def workflow_statuses(ctx):
    return [
        {"id": ctx.id(n), "name": name, "slug": slug_, "color": color, "order": n,
         "isActive": 1, "createdAt": _created(ctx, 12), "updatedAt": _created(ctx, 12)}
        for n, (name, slug_, color) in enumerate(WORKFLOW, start=1)
    ]


def paymentMethods(ctx):
    return [
        {"id": ctx.id(n), "code": code, "name": name, "description": description,
         "isActive": 1, "sortOrder": n - 1,
         "createdAt": _created(ctx, 13), "updatedAt": _created(ctx, 13)}
        for n, (code, name, description) in enumerate(PAYMENT_METHODS, start=1)
    ]


def sequences(ctx):
    """TERP's numbering sequences: lot and batch codes (which its migration
    starts at 1000) and the yearly invoice, bill and payment series of every
    year in the window.  The revisions that write documents move the counters.
    """
    names = [("lot_code", "LOT-", 1000), ("batch_code", "BATCH-", 1000)]
    for year in range(ctx.window_start.year, ctx.window_end.year + 1):
        names += [(f"invoice_{year}", f"INV-{year}-", 0), (f"bill_{year}", f"BILL-{year}-", 0),
                  (f"payment_received_{year}", f"PMT-RCV-{year}-", 0),
                  (f"payment_sent_{year}", f"PMT-SNT-{year}-", 0)]
    return [
        {"id": ctx.id(n), "name": name, "prefix": prefix, "currentValue": start,
         "createdAt": _created(ctx, 14), "updatedAt": _created(ctx, 14)}
        for n, (name, prefix, start) in enumerate(names, start=1)
    ]
