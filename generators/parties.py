"""Parties: vendors, clients (whales, regulars and supplier accounts), brands, strains."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from generators import anomalies
from generators.common import at, pick, setup_day, slug
from generators.pools import (BRAND_WORDS, CA_CITIES, CBD_DOMINANT, NAME_CORE, NAME_KIND, NAME_LEAD,
                              STRAINS, VENDOR_NAMES)
from generators.strain_rules import family, standardized, ulid

# clients.tags holds a JSON array of strings; TERP's seeders tag like this.
WHALE_TAGS = ["wholesale", "high-volume", "cannabis"]
REGULAR_TAGS = ["retail", "cannabis"]
SUPPLIER_TAGS = ["vendor", "supplier", "cultivator"]
# teri_code prefixes: whales, regular buyers, supplier accounts.
WHALE_PREFIX, REGULAR_PREFIX, SUPPLIER_PREFIX = "WHL", "REG", "VND"
# what a client entered with a code and a name only leaves empty (TERP asks for no more)
INCOMPLETE_CONTACT = ("email", "phone", "address")


def is_whale(client: dict) -> bool:
    return client["teri_code"].startswith(WHALE_PREFIX)


def _phone(rng, area: str) -> str:
    return f"({area}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"


def _address(ctx, rng) -> tuple[str, str]:
    city, zip_code, area = pick(rng, CA_CITIES)
    return f"{ctx.fake.street_address()}, {city}, CA {zip_code}", area


def _unique_names(rng, count: int, make) -> list[str]:
    names, seen = [], set()
    while len(names) < count:
        name = make(len(names))
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def vendors(ctx):
    rng = ctx.rng
    count = ctx.scaled(ctx.scenario.vendors)

    def make(i):
        if i < len(VENDOR_NAMES):
            return VENDOR_NAMES[i]
        return f"{pick(rng, NAME_LEAD)} {pick(rng, NAME_CORE)} Farms"

    rows = []
    for n, name in enumerate(_unique_names(rng, count, make), start=1):
        _address_text, area = _address(ctx, rng)
        contact = ctx.fake.name()
        created = at(setup_day(ctx) - dt.timedelta(days=rng.randint(30, 400)), 10 + n % 7)
        terms = "Consignment" if rng.random() < 0.9 else "Net 30"
        rows.append({
            "id": ctx.id(n), "name": name, "contactName": contact,
            "contactEmail": f"{slug(contact, '.')}@{slug(name, '')}.example",
            "contactPhone": _phone(rng, area), "paymentTerms": terms,
            "notes": f"{'Consigns' if terms == 'Consignment' else 'Sells'} flower to us; "
                     f"pickup at the farm or delivery to Oakland DC.",
            "createdAt": created, "updatedAt": created,
        })
    return rows


def _client_name(rng) -> str:
    return f"{pick(rng, NAME_LEAD)} {pick(rng, NAME_CORE)} {pick(rng, NAME_KIND)}"


def clients(ctx):
    """Buying clients (whales first) and one supplier account per vendor.

    TERP keeps suppliers as clients too (intake sessions point at clients), so
    each vendor has a client row with ``is_seller`` set.
    """
    rng = ctx.rng
    buyers = ctx.scaled(ctx.scenario.clients)
    whales = min(buyers, ctx.scaled(ctx.scenario.whales))
    names = _unique_names(rng, buyers, lambda _i: _client_name(rng))
    rows = []
    for n, name in enumerate(names, start=1):
        whale = n <= whales
        address, area = _address(ctx, rng)
        created = at(setup_day(ctx) - dt.timedelta(days=rng.randint(0, 600)), rng.randint(9, 17))
        code = f"{WHALE_PREFIX}{n:04d}" if whale else f"{REGULAR_PREFIX}{n - whales:04d}"
        rows.append(_client_row(ctx, n, code, name, address, area, created,
                                buyer=True, seller=False,
                                tags=list(WHALE_TAGS if whale else REGULAR_TAGS)))
    # chaos: a few clients were entered with a code and a name only, contact details to follow
    for k in sorted(anomalies.incomplete(rng, len(rows), ctx.scenario.anomaly_rate)):
        missing = [c for c in INCOMPLETE_CONTACT if rng.random() < 0.6] or [pick(rng, INCOMPLETE_CONTACT)]
        rows[k].update({column: None for column in missing})
    for k, vendor in enumerate(ctx.rows("vendors"), start=1):
        address, area = _address(ctx, rng)
        rows.append(_client_row(ctx, len(rows) + 1, f"{SUPPLIER_PREFIX}{k:04d}", vendor["name"],
                                address, area, vendor["createdAt"], buyer=False, seller=True,
                                tags=list(SUPPLIER_TAGS)))
    return rows


def supplier_clients(ctx) -> dict[int, int | None]:
    """{vendors.id: the id of the vendor's supplier client}: the seller client of
    the vendor's name, compared case-insensitively, the oldest if several, as
    TERP's vendor backfills find it (scripts/backfill-ter235-supplier-client-ids.ts,
    the ``merge`` path of its vendors-to-clients move); None when there is none."""
    sellers: dict[str, int] = {}
    for client in sorted(ctx.rows("clients"), key=lambda c: c["id"]):
        if client["is_seller"]:
            sellers.setdefault(client["name"].lower(), client["id"])
    return {vendor["id"]: sellers.get(vendor["name"].lower()) for vendor in ctx.rows("vendors")}


def _client_row(ctx, n, code, name, address, area, created, *, buyer, seller, tags):
    rng = ctx.rng
    return {
        "id": ctx.id(n), "teri_code": code, "name": name,
        "email": f"orders@{slug(name, '')}.example", "phone": _phone(rng, area),
        "address": address, "is_buyer": buyer, "is_seller": seller,
        "is_brand": seller and rng.random() < 0.5, "is_referee": False,
        "is_contractor": False, "tags": tags, "pricing_profile_id": None,
        "custom_pricing_rules": None, "cogsAdjustmentType": "NONE",
        "cogs_adjustment_value": Decimal("0"), "auto_defer_consignment": seller,
        "total_spent": Decimal("0"), "total_profit": Decimal("0"),
        "avg_profit_margin": Decimal("0"), "total_owed": Decimal("0"),
        "oldest_debt_days": 0, "vip_portal_enabled": False, "vip_portal_last_login": None,
        "created_at": created, "updated_at": created,
    }


def brands(ctx):
    """Each vendor sells under one or two brands; plus the house brand."""
    rng = ctx.rng
    rows = []
    created = at(setup_day(ctx), 12)
    for vendor in ctx.rows("vendors"):
        stem = vendor["name"].split()[0]
        for word in rng.sample(BRAND_WORDS, rng.choice([1, 1, 2])):
            rows.append({"id": ctx.id(len(rows) + 1), "name": f"{stem} {word}",
                         "vendorId": vendor["id"],
                         "description": f"{word} line from {vendor['name']}",
                         "createdAt": created, "updatedAt": created})
    rows.append({"id": ctx.id(len(rows) + 1), "name": "TERP House Brand", "vendorId": None,
                 "description": "House brand for blended and repacked product",
                 "createdAt": created, "updatedAt": created})
    return rows


STRAIN_ENTRY_HOURS = (11, 13)  # the strains were keyed in one after another, before the products


def _traded_names(ctx) -> list[tuple[str, str, str | None]]:
    """(name, category, description) of the strains the business trades: well-known
    ones and, beyond the list, numbered phenotypes of them."""
    count = ctx.scaled(ctx.scenario.strains)
    base = STRAINS[: min(count, len(STRAINS))]
    names = [(name, category, f"{category.capitalize()} strain") for name, category in base]
    pheno = 2
    while len(names) < count:
        for name, category in base[: count - len(names)]:
            names.append((f"{name} #{pheno}", category, f"Phenotype {pheno} of {name}"))
        pheno += 1
    return names


def traded_strains(ctx) -> list[dict]:
    """The strains rows of the strains the business trades (not the family rows)."""
    names = {name for name, _category, _description in _traded_names(ctx)}
    return [row for row in ctx.rows("strains") if row["name"] in names]


def strain_type(strain: dict) -> str:
    """indica, sativa, hybrid, or cbd for the CBD-dominant strains and their phenotypes."""
    return "cbd" if strain["name"].split(" #")[0] in CBD_DOMINANT else strain["category"]


def strains(ctx):
    """The traded strains, each in the family TERP's strain matcher gives it: a strain
    whose family has no strain yet comes with the family's base strain, created just
    before it as getOrCreateStrain does (named after the family, no parent, no
    description).  Each strain has a ULID as its OpenTHC id, stamped with its creation."""
    rng = ctx.rng
    rows: list[dict] = []

    def add(name, category, description, base, parent, created, millisecond):
        stub = standardized(name)
        rows.append({
            "id": ctx.id(len(rows) + 1), "name": name, "standardizedName": stub, "aliases": None,
            "category": category, "description": description,
            "openthcId": ulid(rng, created, millisecond), "openthcStub": stub,
            "parentStrainId": parent, "baseStrainName": base, "createdAt": created, "updatedAt": created,
        })
        return rows[-1]["id"]

    names = _traded_names(ctx)
    first, last = STRAIN_ENTRY_HOURS
    for k, (name, category, description) in enumerate(names):
        created = at(setup_day(ctx), first) + dt.timedelta(seconds=k * 3600 * (last - first) // len(names))
        if any(row["standardizedName"] == standardized(name) for row in rows):
            continue  # already there (a family's base strain): TERP finds it and creates nothing
        base, parent = family(name), None
        if base:
            # MySQL compares names case-insensitively; the first match is the oldest row
            parent = next((row["id"] for row in rows if base.lower() in
                           (row["name"].lower(), (row["baseStrainName"] or "").lower())), None)
            if parent is None and name.lower() != base.lower():
                parent = add(base, category, None, base, None, created, rng.randrange(500))
        add(name, category, description, base, parent, created, 500 + rng.randrange(500))
    return rows
