"""Before the first write: is there a TERP schema at all, and would the seed
clash on a unique key with rows it did not write?  (Schema drift in detail:
terpseed/drift.py.)  Every problem is reported at once; nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from terpseed.errors import SeedError
from terpseed.schema.versions import latest


def require_schema(connection: sa.Connection, tables: Iterable[str], shown_url: str) -> None:
    """Stop at once on a database with none of the TERP tables (the drift
    preflight, terpseed/drift.py, reports any partial mismatch in detail)."""
    present = set(sa.inspect(connection).get_table_names())
    if not present & set(tables):
        raise SeedError(
            f"{shown_url} has no TERP schema (none of the {len(set(tables))} tables the seeds"
            f" write exist); create it first with `alembic upgrade head` (TERP's newest schema,"
            f" {latest().date}) or load one of TERP's DDL files"
        )


def unique_keys(table: sa.Table) -> list[list[str]]:
    """Column lists of the table's unique constraints and unique indexes."""
    keys = [[c.name for c in uc.columns] for uc in table.constraints
            if isinstance(uc, sa.UniqueConstraint)]
    keys += [[c.name for c in ix.columns] for ix in table.indexes if ix.unique]
    return [k for i, k in enumerate(keys) if k not in keys[:i]]


def unique_clashes(connection: sa.Connection, world, tables: Iterable[str],
                   held: set[str], chunk: int = 500) -> list[str]:
    """Rows already in the database that hold a unique value the seeds would write.

    Rows with the seed's own ids (a re-run) are not clashes, nor TERP's own
    rows the seed adopts (terpseed/adoption.py), and an empty table has none
    (``held``: the tables holding rows, ``occupied``): its rows are not even
    generated for the look.
    """
    problems = []
    for name in tables:
        if not world.view.has(name):
            continue
        table = world.view.table(name)
        keys = unique_keys(table)
        if not keys or table.name not in held:
            continue
        ours = {row["id"] for row in world.rows(name)}  # adopted rows included: they are TERP's own
        rows = world.physical(name)
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


def id_clashes(connection: sa.Connection, world, tables: Iterable[str], held: set[str]) -> list[str]:
    """Rows already at the ids the pending revisions would insert that the
    record (terpseed/record.py) does not give to a revision applied with these
    very arguments (whose rows a re-run leaves as they are): a user's rows
    (after a seed's downgrade, AUTO_INCREMENT stays past the seeded ids, and
    InnoDB does not take back the ids of a rolled-back revision) or another
    seed's, which a seed must never adopt as its own."""
    from terpseed import record
    from terpseed.guard import in_runs, seeded_ranges

    tables = list(tables)
    ours = record.recorded_runs(connection, tables, record.Arguments.of(world.params))
    problems = []
    for name in tables:
        if not world.view.has(name):
            continue
        table = world.view.table(name)
        if table.name not in held:
            continue
        query = sa.select(table.c.id).where(in_runs(table.c.id, seeded_ranges(world, name)))
        if ours.get(name):
            query = query.where(sa.not_(in_runs(table.c.id, ours[name])))
        found = [r[0] for r in connection.execute(query.order_by(table.c.id).limit(SAMPLE + 1))]
        if found:
            shown = ", ".join(map(str, found[:SAMPLE])) + (", ..." if len(found) > SAMPLE else "")
            problems.append(f"{name}.id: rows the seed did not write hold ids it writes ({shown})")
    connection.commit()
    return problems


SAMPLE = 5


def occupied(connection: sa.Connection, tables: list[sa.Table], per_query: int = 100) -> set[str]:
    """The names of ``tables`` that hold a row: a hundred tables a query
    (``SELECT 'name', EXISTS (SELECT id FROM name) UNION ALL ...``), not one
    round trip each."""
    found = set()
    for start in range(0, len(tables), per_query):
        asks = [sa.select(sa.literal(t.name).label("name"), sa.exists(sa.select(t.c.id)).label("held"))
                for t in tables[start:start + per_query]]
        found |= {name for name, held in connection.execute(sa.union_all(*asks)) if held}
    return found


def require_no_clashes(connection: sa.Connection, world, tables: Iterable[str], shown_url: str) -> None:
    tables = list(tables)
    held = occupied(connection, [world.view.table(n) for n in tables if world.view.has(n)])  # rows at all
    problems = id_clashes(connection, world, tables, held) + unique_clashes(connection, world, tables, held)
    if problems:
        raise SeedError(
            f"{shown_url} already has rows in the way of the seed; nothing was written. "
            + "; ".join(problems)
            + ". The seed never adopts a row it did not write: move or delete those rows first,"
            " or seed another database (seeded ids start at 1,000,000,001; a user's row gets such"
            " an id when it is created after an earlier seed was taken out)"
        )


def require_recorded_runs(connection: sa.Connection, world, pending: list, shown_url: str) -> None:
    """A downgrade deletes the id runs the seeds generate; they must be the
    runs the database recorded for those revisions (terpseed/record.py), or
    the rows were written by other code (an earlier version of the seeds)."""
    from terpseed import record
    from terpseed.guard import seeded_ranges
    from terpseed.world import Step

    revisions = {s.revision.revision: [st.table for st in getattr(s.revision.module, "STEPS", ())
                                       if isinstance(st, Step)]
                 for s in pending if not s.is_upgrade}
    recorded = record.recorded_run_rows(connection, revisions)
    differing = [table for tables in revisions.values() for table in tables
                 if world.written(table) and recorded.get(world.view.name(table), []) != seeded_ranges(world, table)]
    if differing:
        raise SeedError(
            f"{shown_url} recorded other seeded ids than these seeds generate for"
            f" {', '.join(sorted(differing)[:10])}{', ...' if len(differing) > 10 else ''}"
            "; nothing was deleted. The database was seeded by another version of the seeds:"
            " take the seed out with that version (git checkout the commit that seeded it)"
        )
