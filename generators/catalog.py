"""The catalog: products and what hangs off them (media, synonyms, tags), pricing."""

from __future__ import annotations

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
