"""Before the first write: does the target have the tables the seeds write?

This is the foundation's check (tables and columns); it reports every gap at
once, grouped by table, and the run stops before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from terpseed.errors import SeedError
from terpseed.schema import SCHEMA_DATE, metadata


def schema_gaps(connection: sa.Connection, tables: Iterable[str]) -> list[str]:
    insp = sa.inspect(connection)
    present = set(insp.get_table_names())
    gaps = []
    for name in sorted(set(tables)):
        if name not in present:
            gaps.append(f"{name}: table missing")
            continue
        db_columns = {c["name"] for c in insp.get_columns(name)}
        missing = [c.name for c in metadata.tables[name].c if c.name not in db_columns]
        if missing:
            gaps.append(f"{name}: columns missing: {', '.join(missing)}")
    return gaps


def require_schema(connection: sa.Connection, tables: Iterable[str], shown_url: str) -> None:
    tables = list(tables)
    gaps = schema_gaps(connection, tables)
    if not gaps:
        return
    if len(gaps) == len(set(tables)) and all(g.endswith("table missing") for g in gaps):
        raise SeedError(
            f"{shown_url} has no TERP schema (none of the {len(gaps)} tables the seeds"
            f" write exist); create it first with `alembic upgrade head` or load the"
            f" {SCHEMA_DATE} DDL file"
        )
    raise SeedError(
        f"{shown_url} does not match the TERP schema of {SCHEMA_DATE} that the seeds"
        f" are written for; nothing was written. " + "; ".join(gaps)
    )
