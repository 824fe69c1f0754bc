"""Before the first write: is there a TERP schema at all, and would the seed
clash on a unique key with rows it did not write?  (Schema drift in detail:
terpseed/drift.py.)  Every problem is reported at once; nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from terpseed.errors import SeedError
from terpseed.schema import SCHEMA_DATE, metadata


def require_schema(connection: sa.Connection, tables: Iterable[str], shown_url: str) -> None:
    """Stop at once on a database with none of the TERP tables (the drift
    preflight, terpseed/drift.py, reports any partial mismatch in detail)."""
    present = set(sa.inspect(connection).get_table_names())
    if not present & set(tables):
        raise SeedError(
            f"{shown_url} has no TERP schema (none of the {len(set(tables))} tables the seeds"
            f" write exist); create it first with `alembic upgrade head` or load the"
            f" {SCHEMA_DATE} DDL file"
        )


def unique_keys(table: sa.Table) -> list[list[str]]:
    """Column lists of the table's unique constraints and unique indexes."""
    keys = [[c.name for c in uc.columns] for uc in table.constraints
            if isinstance(uc, sa.UniqueConstraint)]
    keys += [[c.name for c in ix.columns] for ix in table.indexes if ix.unique]
    return [k for i, k in enumerate(keys) if k not in keys[:i]]


def unique_clashes(connection: sa.Connection, world, tables: Iterable[str],
                   chunk: int = 500) -> list[str]:
    """Rows already in the database that hold a unique value the seeds would write.

    Rows with the seed's own ids (a re-run) are not clashes, and an empty
    table has none: its rows are not even generated for the look.
    """
    problems = []
    for name in tables:
        table = metadata.tables[name]
        keys = unique_keys(table)
        if not keys or connection.execute(sa.select(table.c.id).limit(1)).first() is None:
            continue
        rows = world.rows(name)
        ours = {row["id"] for row in rows}
        for columns in keys:
            values = sorted({tuple(row[c] for c in columns) for row in rows
                             if all(row[c] is not None for c in columns)}, key=repr)
            found = []
            for start in range(0, len(values), chunk):
                part = values[start:start + chunk]
                key = sa.tuple_(*(table.c[c] for c in columns)) if len(columns) > 1 else table.c[columns[0]]
                wanted = part if len(columns) > 1 else [v[0] for v in part]
                query = sa.select(table.c.id, *(table.c[c] for c in columns)).where(key.in_(wanted))
                found += [r for r in connection.execute(query) if r[0] not in ours]
            if found:
                sample = ", ".join(repr(r[1] if len(r) == 2 else tuple(r[1:])) for r in found[:3])
                problems.append(f"{name}.{'+'.join(columns)}: {len(found)} existing row(s)"
                                f" hold values the seed writes (e.g. {sample})")
        del rows
        world.release()
    return problems


def require_no_clashes(connection: sa.Connection, world, tables: Iterable[str], shown_url: str) -> None:
    problems = unique_clashes(connection, world, tables)
    if problems:
        raise SeedError(
            f"{shown_url} already has rows that the seeds would duplicate on unique keys;"
            " nothing was written. " + "; ".join(problems)
            + ". Seed a database without them, or remove or rename those rows first"
        )
