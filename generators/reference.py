"""Reference data: locations, catalog vocabulary, tags, workflow, payment methods."""

from __future__ import annotations

import datetime as dt

from generators.common import at, setup_day, slug

SITES = {
    "Oakland DC": [
        ("Vault", ["V1", "V2"], ["S1", "S2", "S3"], ["B1", "B2"]),
        ("Flower Room", ["R01", "R02", "R03", "R04"], ["S1", "S2", "S3", "S4"], [None]),
        ("Packaging", ["P1"], ["S1", "S2"], [None]),
        ("Samples", ["SM1"], ["S1"], ["B1", "B2", "B3"]),
        ("Quarantine", ["Q1"], ["S1"], [None]),
        ("Returns", ["RT1"], ["S1"], [None]),
    ],
    "Los Angeles Annex": [
        ("Flower Room", ["R01", "R02"], ["S1", "S2", "S3"], [None]),
        ("Staging", ["ST1"], ["S1"], [None]),
    ],
}

CATEGORIES = [
    ("Flower", "Cured cannabis flower sold by the pound", [
        ("Indoor", "Grown under lights: the top price tier"),
        ("Greenhouse", "Light-deprivation and mixed-light greenhouse flower"),
        ("Outdoor", "Full-sun flower, the value tier"),
        ("Smalls", "Small buds of premium flower"),
        ("Trim", "Trim and shake for extraction"),
    ]),
    ("Pre-Rolls", "Pre-rolled joints", [
        ("Singles", "One-gram pre-rolls"), ("Multi-Packs", "Packs of half-gram pre-rolls"),
        ("Infused", "Pre-rolls infused with concentrate"),
    ]),
    ("Concentrates", "Extracts sold by the gram", [
        ("Live Resin", "Extract of fresh-frozen flower"), ("Rosin", "Solventless pressed extract"),
        ("Shatter", "Glass-like BHO"), ("Badder", "Whipped extract"), ("Diamonds", "THCa crystals in sauce"),
    ]),
    ("Vapes", "Vape hardware with oil", [
        ("Cartridges", "510-thread cartridges"), ("Disposables", "All-in-one disposable pens"),
        ("Pods", "Proprietary pods"),
    ]),
    ("Edibles", "Infused food and drink", [
        ("Gummies", "Fruit gummies"), ("Chocolates", "Chocolate bars and bites"),
        ("Beverages", "Infused drinks"),
    ]),
    ("Tinctures", "Sublingual drops", [
        ("THC", "THC-dominant tinctures"), ("CBD", "CBD-dominant tinctures"), ("Ratio", "Mixed THC:CBD"),
    ]),
    ("Topicals", "Balms and lotions", [
        ("Balms", "Infused balms"), ("Lotions", "Infused lotions"),
    ]),
]

GRADES = [
    ("AAAA", "Exotic top shelf: dense, frosty, loud nose"),
    ("AAA", "Top shelf"),
    ("AA", "Mid shelf: good structure and aroma"),
    ("A", "Value: smaller or looser buds"),
    ("B", "Budget and smalls, for pre-rolls and extraction"),
]

# (group, color, [(tag, description)]) -- the first tag of a group is the
# parent of the others in tagHierarchy where the group is hierarchical.
TAG_GROUPS = [
    ("Effects", "#8B5CF6", False, [
        ("Relaxing", "Body-heavy, calming"), ("Energizing", "Uplifting, daytime"),
        ("Creative", "Cerebral, focused"), ("Sleepy", "Night-time sedation"), ("Euphoric", "Mood-lifting"),
    ]),
    ("Quality", "#F59E0B", True, [
        ("Premium", "Premium tier"), ("Top Shelf", "Best of the house"),
        ("Exotic", "Rare genetics, limited supply"), ("Craft", "Small-batch, hand-trimmed"),
    ]),
    ("Growing Method", "#10B981", False, [
        ("Indoor Grown", "Grown under lights"), ("Sungrown", "Grown outdoors"),
        ("Light Dep", "Greenhouse light deprivation"), ("Organic", "Organic inputs"),
    ]),
    ("Promotions", "#EF4444", True, [
        ("Deals", "Discounted lines"), ("Clearance", "Aged stock to move"),
        ("Bulk Discount", "Price breaks on volume"), ("New Arrival", "Just landed"),
    ]),
]

WORKFLOW = [
    ("Intake Queue", "intake-queue", "#6B7280"),
    ("Quality Check", "quality-check", "#F59E0B"),
    ("Lab Testing", "lab-testing", "#3B82F6"),
    ("Photography", "photography", "#8B5CF6"),
    ("Ready for Sale", "ready-for-sale", "#10B981"),
    ("On Hold", "on-hold", "#F97316"),
    ("Quarantine", "quarantine", "#EF4444"),
    ("Sold Out", "sold-out", "#111827"),
]

PAYMENT_METHODS = [
    ("CASH", "Cash", "Cash collected on delivery or at the counter"),
    ("CHECK", "Check", "Business check"),
    ("WIRE", "Wire Transfer", "Bank wire"),
    ("ACH", "ACH", "ACH bank transfer"),
    ("CREDIT_CARD", "Credit Card", "Card payment through the processor"),
    ("DEBIT_CARD", "Debit Card", "Debit card payment"),
    ("OTHER", "Other", "Any other arrangement, noted on the payment"),
]

SEQUENCES = [
    ("order", "ORD-"), ("quote", "QT-"), ("invoice", "INV-"), ("payment", "PMT-"),
    ("bill", "BILL-"), ("purchase_order", "PO-"), ("lot", "LOT-"), ("batch", "BAT-"),
    ("intake_session", "INT-"), ("credit", "CR-"), ("transaction", "TXN-"),
    ("expense", "EXP-"), ("journal_entry", "JE-"),
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
    rows = []
    for group, _color, _hier, members in TAG_GROUPS:
        for name, description in members:
            rows.append({
                "id": ctx.id(len(rows) + 1), "name": name, "standardizedName": slug(name),
                "category": slug(group, "_"), "description": description,
                "createdAt": _created(ctx, 8), "updatedAt": _created(ctx, 8),
            })
    return rows


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
        for name, _description in members:
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
        for child, _description in members[1:]:
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
         "isActive": 1, "sortOrder": n,
         "createdAt": _created(ctx, 13), "updatedAt": _created(ctx, 13)}
        for n, (code, name, description) in enumerate(PAYMENT_METHODS, start=1)
    ]


def sequences(ctx):
    """Document numbering; the revisions that write documents move the counters."""
    return [
        {"id": ctx.id(n), "name": name, "prefix": prefix, "currentValue": 0,
         "createdAt": _created(ctx, 14), "updatedAt": _created(ctx, 14)}
        for n, (name, prefix) in enumerate(SEQUENCES, start=1)
    ]
