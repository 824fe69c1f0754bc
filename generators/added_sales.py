"""Providers of the columns later TERP versions add to the tables of sales and clients: orders and their lines, clients, returns, sample requests, calendar events, client needs, vendor supply, sales sheets, the VIP portal
(generators/added_columns.py; ../shared/terp/tables-after-2025-11-21.md §3)."""

from __future__ import annotations

from generators.added_columns import provides  # noqa: F401
