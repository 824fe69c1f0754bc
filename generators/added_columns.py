"""Values of the columns later TERP versions add to tables the seeds write.

A generator writes the columns of the first TERP version that has its table;
a later version that adds a column gets its value here, keyed
``"table.column"``, as ``{row id: value}`` for the rows the seed writes
(terpseed/schema_view.py projects the rows; a column with no provider is NULL
where it may be, else its DDL default).  The values follow the business the
rows already tell (../shared/terp/tables-after-2025-11-21.md §3): never a
server default that contradicts them.  A provider reads other tables' rows
through ``ctx.rows`` (the generators' own names and values) and its own stream.
"""

from __future__ import annotations

from typing import Callable

Provider = Callable[[object], dict[int, object]]
PROVIDERS: dict[str, Provider] = {}
# the modules whose providers register themselves (by domain), imported below
DOMAINS = ("generators.added_stock", "generators.added_sales", "generators.media_samples")


def provides(*keys: str):
    """Register a provider for the ``"table.column"`` keys it fills."""
    def register(fn: Provider) -> Provider:
        for key in keys:
            if key in PROVIDERS:
                raise ValueError(f"{key} has two providers")
            PROVIDERS[key] = fn
        return fn
    return register


def _load() -> None:
    import importlib

    for module in DOMAINS:
        importlib.import_module(module)


_load()
