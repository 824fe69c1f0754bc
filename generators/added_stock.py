"""Providers of the columns later TERP versions add to the tables of stock and supply: batches, lots, purchase orders and their items, products, vendor notes, inventory movements, tags
(generators/added_columns.py; ../shared/terp/tables-after-2025-11-21.md §3)."""

from __future__ import annotations

from generators.added_columns import provides  # noqa: F401
