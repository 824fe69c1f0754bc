"""``python -m terpseed``: the one-command set-up behind ``make seed``.

    python -m terpseed seed [-x scenario=full] [-x seed=12345] [-x scale=1] [-x end=2025-11-21]
    python -m terpseed reseed [-x ...]    # take the seed out, then seed with these arguments
    python -m terpseed summary
    python -m terpseed approve [-x scenario=...] [-x seed=...] [-x scale=...] [-x dialect=mysql]

``seed`` builds the schema with the schema chain when the target has none (a
database that already has the TERP tables, for example one created from one
of TERP's DDL files, is left as it is, and seeded in the version it holds),
up to TERP's newest schema (the chain's head) or ``-x schema``'s version; it
applies the seed chain up to head and prints rows
per table and the time taken; on a database that already holds a seed of
other arguments it refuses and says so (``reseed`` takes that seed out
first), and with the same arguments it has nothing to do and says so.  The
target is resolved as for the chains:
SEED_DATABASE_URL, else -x url=..., else var/terp.sqlite.  It is a thin layer
over Alembic's own commands; DBAs can run ``alembic -c seed.ini ...`` instead.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from rich.console import Console
from rich.table import Table

from terpseed import target as T
from terpseed.errors import SeedError
from terpseed.failures import reported_failures
from terpseed.params import SEED_OPTIONS, check_options, parse_seed_params

ROOT = Path(__file__).resolve().parent.parent


def _config(ini: str, x_args: list[str]) -> Config:
    cfg = Config(str(ROOT / ini))
    cfg.cmd_opts = argparse.Namespace(x=x_args)
    return cfg


def row_counts(connection: sa.Connection) -> dict[str, int]:
    """Rows of every TERP table of the version the database holds (terpseed/recognise.py)."""
    from terpseed.recognise import recognise

    model = recognise(connection).version.metadata
    present = set(sa.inspect(connection).get_table_names())
    return {
        name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for name, table in sorted(model.tables.items())
        if name in present
    }


def _has_terp_schema(connection: sa.Connection) -> tuple[bool, bool]:
    from terpseed.schema.versions import VERSIONS

    names = set(sa.inspect(connection).get_table_names())
    return any(names & v.tables for v in VERSIONS), "alembic_version" in names


def print_summary(console: Console, counts: dict[str, int], title: str) -> None:
    console.print(title)
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        if count:
            table.add_row(name, f"{count:,}")
    console.print(table)
    filled = sum(1 for c in counts.values() if c)
    console.print(
        f"{filled} of {len(counts)} tables have rows;"
        f" {sum(counts.values()):,} rows in all."
    )


def _x_dict(x_args: list[str]) -> dict[str, str]:
    for item in x_args:
        if "=" not in item:
            raise SeedError(f"-x {item!r} is not KEY=VALUE; valid keys: {', '.join(SEED_OPTIONS)}")
    return dict(item.split("=", 1) for item in x_args)


def _held_seed(engine: sa.Engine, tgt: T.Target):
    """(the arguments the target's seed was applied with or None, revisions applied)."""
    from alembic.script import ScriptDirectory

    from terpseed import record
    from terpseed.chain import context_heads

    with T.connect(engine, tgt) as conn:
        if "seed_version" not in sa.inspect(conn).get_table_names():
            return None, set()
        heads = context_heads(conn, None)
        script = ScriptDirectory.from_config(_config("seed.ini", []))
        applied = {sc.revision for sc in script.iterate_revisions(heads, "base")} if heads else set()
        held = record.read(conn)
    found = {held.arguments[r] for r in applied if r in held.arguments}
    return (found.pop() if len(found) == 1 else None), applied


def cmd_seed(x_args: list[str], console: Console, reseed: bool = False) -> None:
    from terpseed import record

    x = _x_dict(x_args)
    check_options(x, SEED_OPTIONS)
    params = parse_seed_params(x)
    tgt = T.resolve(x.get("url"), ROOT)
    engine = T.create_engine(tgt)
    with T.connect(engine, tgt) as conn:
        has_tables, managed = _has_terp_schema(conn)
    schema_x = [a for a in x_args if a.startswith("url=")]
    started = time.perf_counter()
    asked = record.Arguments.of(params)
    holds, applied = _held_seed(engine, tgt) if has_tables else (None, set())
    if holds and "schema" not in x:  # the seed stays in the schema version it was written for
        asked = dataclasses.replace(asked, schema=holds.schema)
    if applied and holds != asked and not reseed:
        held = holds.describe() if holds else "a seed whose arguments it did not record"
        raise SeedError(
            f"{tgt.shown} already holds {held}; nothing was written. `make reseed` (with SCENARIO,"
            f" SEED, SCALE, END as you want them) takes it out and seeds {asked.describe()};"
            f" `make seed` with the same arguments keeps it"
        )
    if applied and reseed:
        console.print(f"reseed: alembic -c seed.ini downgrade base (takes out {holds.describe() if holds else 'the seed'})")
        command.downgrade(_config("seed.ini", schema_x), "base")
    elif applied and holds == asked and _at_head(applied):
        console.print(f"{tgt.shown} already holds the seed {asked.describe()}: nothing to do")
        with T.connect(engine, tgt) as conn:
            counts = row_counts(conn)
        engine.dispose()
        print_summary(console, counts, f"{tgt.shown}: {params.describe()}")
        return
    if not has_tables or managed:
        _schema_step(engine, tgt, schema_x, console, params.schema)
    else:
        console.print(f"schema: {tgt.shown} already has the TERP tables; leaving the schema as it is")
    if params.schema is None:  # the version the database holds now: what the seeds write
        from terpseed.recognise import recognise

        with T.connect(engine, tgt) as conn:
            params = dataclasses.replace(params, schema=recognise(conn).version.date)
    console.print(f"seeds: alembic -c seed.ini upgrade head ({params.describe()})")
    command.upgrade(_config("seed.ini", x_args), "head")
    elapsed = time.perf_counter() - started
    with T.connect(engine, tgt) as conn:
        counts = row_counts(conn)
    engine.dispose()
    print_summary(console, counts, f"{tgt.shown}: {params.describe()}")
    console.print(f"seeded in {elapsed:.1f} s")


def _schema_step(engine: sa.Engine, tgt: T.Target, schema_x: list[str], console: Console,
                 wanted_date: str | None) -> None:
    """Build the schema with the schema chain: TERP's newest version, or the
    one ``-x schema`` names; a schema the chain already built is left as it
    is (the seeds write the version it holds)."""
    from alembic.migration import MigrationContext

    from terpseed.schema.versions import by_revision, latest, version

    with T.connect(engine, tgt) as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current is not None:
        console.print(f"schema: {tgt.shown} has TERP's {by_revision(current).date} schema ({current})")
        return
    wanted = version(wanted_date) if wanted_date else latest()
    console.print(f"schema: alembic upgrade {wanted.revision} (TERP's {wanted.date} schema) on {tgt.shown}")
    command.upgrade(_config("alembic.ini", schema_x), wanted.revision)


def _at_head(applied: set[str]) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config("seed.ini", []))
    return set(script.get_heads()) <= applied


def cmd_approve(x_args: list[str], console: Console) -> None:
    from alembic.script import ScriptDirectory

    from terpseed import approval
    from terpseed.chain import seed_steps
    from terpseed.params import parse_dialect
    from terpseed.render import SqlRenderer
    from terpseed.runtime import SeedRun
    from terpseed.schema_view import view
    from terpseed.world import World, collector_paused

    x = _x_dict(x_args)
    check_options(x, {k: v for k, v in SEED_OPTIONS.items() if k != "url"})
    params = parse_seed_params(x)
    dialect = parse_dialect(x)
    script = ScriptDirectory.from_config(_config("seed.ini", []))
    target = view(params.schema)
    run = SeedRun(params, SqlRenderer(dialect, metadata=target.metadata),
                  World(params, seed_steps(script), view=target))
    revisions = [(sc.revision, list(getattr(sc.module, "STEPS", ())))
                 for sc in reversed(list(script.walk_revisions()))]
    with collector_paused():
        path = approval.approve(run, revisions)
    console.print(f"approved {len(revisions)} revisions for {approval.key(params, dialect)} in {path.name}")


def cmd_summary(x_args: list[str], console: Console) -> None:
    x = _x_dict(x_args)
    check_options(x, {"url": SEED_OPTIONS["url"]})
    tgt = T.resolve(x.get("url"), ROOT)
    engine = T.create_engine(tgt)
    with T.connect(engine, tgt) as conn:
        counts = row_counts(conn)
    engine.dispose()
    print_summary(console, counts, tgt.shown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m terpseed", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["seed", "reseed", "summary", "approve"])
    parser.add_argument("-x", action="append", default=[], metavar="KEY=VALUE",
                        help="as for alembic: url, scenario, seed, scale")
    args = parser.parse_args(argv)
    console = Console(soft_wrap=True)
    commands = {"seed": cmd_seed, "reseed": lambda x, c: cmd_seed(x, c, reseed=True),
                "summary": cmd_summary, "approve": cmd_approve}
    with reported_failures():
        commands[args.command](args.x, console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
