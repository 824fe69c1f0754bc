"""What a database remembers of its seed: the arguments and the rows.

Beside Alembic's version table (``seed_version``), two tables of the seed's
own, written by each revision in its own transaction, with its version row:

* ``seed_arguments``: one row per applied revision, the arguments it was
  applied with (scenario, seed, scale, window end, schema version).  A run
  with no ``-x`` for them uses what the database holds; a run that asks for
  other ones is refused (``reconcile``).
* ``seed_rows``: the id runs each revision inserted, per table.  A row at a
  seeded id that no run records is a row the seed did not write: a clash for
  an upgrade, never "edited" for a downgrade.

The revisions' statements keep both true offline too (``statements``):
``--sql`` scripts record the seed as online runs do, and refuse, on MySQL,
to adopt a row they did not write or to mix arguments.  The tables are
created before the first revision's transaction (``create_statements``): DDL
commits implicitly on MySQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.schema import CreateTable

from terpseed.adoption import Adoption
from terpseed.errors import SeedError
from terpseed.params import SeedParams
from terpseed.render import id_ranges, render_dialect
from terpseed.scenarios import SCENARIOS
from terpseed.schema.versions import latest

metadata = sa.MetaData()
ARGUMENTS = sa.Table(
    "seed_arguments", metadata,
    sa.Column("revision", sa.String(32), primary_key=True),
    sa.Column("scenario", sa.String(32), nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("scale", sa.String(16), nullable=False),
    sa.Column("window_end", sa.Date, nullable=False),
    sa.Column("schema_version", sa.String(10), nullable=False),
    # TERP's own rows the revision adopted (terpseed/adoption.py): a digest, and the rows
    sa.Column("adopted_sha", sa.String(16), nullable=False),
    sa.Column("adopted", sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb"), nullable=True),
    mysql_engine="InnoDB",
)
ROWS = sa.Table(
    "seed_rows", metadata,
    sa.Column("table_name", sa.String(64), primary_key=True),
    sa.Column("first_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_id", sa.Integer, nullable=False),
    sa.Column("revision", sa.String(32), nullable=False, index=True),
    mysql_engine="InnoDB",
)
RECORD_TABLES = (ARGUMENTS.name, ROWS.name)
ARGUMENT_OPTIONS = ("scenario", "seed", "scale", "end")

MIXED = ("the database holds this revision seeded with other arguments (seed_arguments);"
         " render the script with those, or downgrade first")


@dataclasses.dataclass(frozen=True)
class Arguments:
    """The arguments a seed was applied with, as recorded."""

    scenario: str
    seed: int
    scale: str
    end: dt.date
    schema: str

    @classmethod
    def of(cls, params: SeedParams) -> "Arguments":
        return cls(params.scenario.name, params.seed, params.scale_text, params.end,
                   params.schema or latest().date)

    def describe(self) -> str:
        return (f"scenario={self.scenario} seed={self.seed} scale={self.scale} end={self.end.isoformat()}"
                f" schema={self.schema}")

    def row(self, revision: str, adopted: Adoption | None = None) -> dict:
        """The record row of ``revision``, with the rows of TERP's it adopted."""
        adopted = adopted or Adoption()
        return {"revision": revision, "scenario": self.scenario, "seed": self.seed, "scale": self.scale,
                "window_end": self.end, "schema_version": self.schema,
                "adopted_sha": adopted.digest(), "adopted": adopted.text() or None}


def create_statements(dialect_name: str) -> list[str]:
    """CREATE TABLE IF NOT EXISTS for the record tables, in the dialect."""
    dialect = render_dialect(dialect_name)
    out = []
    for table in metadata.sorted_tables:
        out.append(str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)).strip())
        for index in table.indexes:
            out.append(str(sa.schema.CreateIndex(index, if_not_exists=True).compile(dialect=dialect)).strip())
    return out


def create(connection: sa.Connection) -> None:
    """Online: the record tables, before any revision's transaction."""
    metadata.create_all(connection, checkfirst=True)
    connection.commit()


# ------------------------------------------------------------------ statements
# Rendered from templates/record/*.sql.j2, values through the dialect.
def _literals(renderer, revision: str, arguments: Arguments, adopted: Adoption | None) -> dict[str, str]:
    return {k: renderer.literal(v, ARGUMENTS.c[k].type) for k, v in arguments.row(revision, adopted).items()}


def opening_statement(renderer, revision: str, arguments: Arguments, adopted: Adoption | None = None) -> str | None:
    """MySQL: before an upgrade's inserts, whether this revision is already
    recorded with these very arguments (a re-run of the same script): only then
    may an INSERT meet a row at its own id and leave it as it is.  SQLite: none
    (each conflict looks its id up in seed_rows, templates/_macros.sql.j2)."""
    if renderer.dialect_name != "mysql":
        return None
    return renderer.render("record/open.sql.j2", a=_literals(renderer, revision, arguments, adopted))


def closing_statements(renderer, revision: str, arguments: Arguments,
                       runs: Iterable[tuple[str, list[tuple[int, int]]]], adopted: Adoption | None = None) -> list[str]:
    """After an upgrade's inserts: (table, statement) of the id runs it wrote
    and of its arguments.  A re-run records the same again (no change); a
    record of other arguments for the revision makes the second one fail."""
    a = _literals(renderer, revision, arguments, adopted)
    rendered = [{"table_name": renderer.literal_text(table), "first_id": lo, "last_id": hi}
                for table, ranges in runs for lo, hi in ranges]
    out = [(ROWS.name, renderer.render("record/rows.sql.j2", a=a, runs=rendered))] if rendered else []
    return out + [(ARGUMENTS.name, renderer.render("record/arguments.sql.j2", a=a, mixed=renderer.literal_text(MIXED)))]


def downgrade_guard(renderer, revision: str, arguments: Arguments, version_table: str = "seed_version",
                    adopted: Adoption | None = None) -> str:
    """Before a downgrade's deletes (templates/record/guard.sql.j2): fail when
    the database holds this revision with other arguments, or holds it with no
    record of what it wrote; nothing otherwise, a second run included."""
    return renderer.render("record/guard.sql.j2", a=_literals(renderer, revision, arguments, adopted),
                           mixed=renderer.literal_text(MIXED), version_table=version_table)


def forget_statements(renderer, revision: str) -> list[tuple[str, str]]:
    """After a downgrade's deletes: (table, statement) forgetting the revision's record."""
    a = {"revision": renderer.literal_text(revision)}
    return [(table.name, renderer.render("record/forget.sql.j2", table=table.name, a=a)) for table in (ROWS, ARGUMENTS)]


# ------------------------------------------------------------------ reading
@dataclasses.dataclass
class Record:
    """What the database holds: the arguments of each recorded revision,
    TERP's rows they adopted, and whether the record tables exist at all (a
    seed applied before they did)."""

    exists: bool
    arguments: dict[str, Arguments]
    adoption: Adoption = dataclasses.field(default_factory=Adoption)

    def distinct(self) -> list[Arguments]:
        return sorted(set(self.arguments.values()), key=Arguments.describe)


def read(connection: sa.Connection) -> Record:
    present = set(sa.inspect(connection).get_table_names())
    if not set(RECORD_TABLES) <= present:
        return Record(False, {})
    found, adoption = {}, Adoption()
    for r in connection.execute(sa.select(ARGUMENTS)):
        found[r.revision] = Arguments(r.scenario, int(r.seed), r.scale, _date(r.window_end), r.schema_version)
        adoption = adoption.merged(Adoption.from_text(r.adopted))
    connection.commit()
    return Record(True, found, adoption)


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def recorded_runs(connection: sa.Connection, tables: Iterable[str],
                  arguments: "Arguments | None" = None) -> dict[str, list[tuple[int, int]]]:
    """{table: the id runs recorded} for ``tables``: by any revision, or only
    by revisions recorded with ``arguments``."""
    wanted = sorted(set(tables))
    runs: dict[str, list[tuple[int, int]]] = {t: [] for t in wanted}
    if not wanted or not set(RECORD_TABLES) <= set(sa.inspect(connection).get_table_names()):
        return runs
    for start in range(0, len(wanted), 200):
        query = (sa.select(ROWS.c.table_name, ROWS.c.first_id, ROWS.c.last_id)
                 .where(ROWS.c.table_name.in_(wanted[start:start + 200]))
                 .order_by(ROWS.c.table_name, ROWS.c.first_id))
        if arguments is not None:
            query = query.join(ARGUMENTS, ARGUMENTS.c.revision == ROWS.c.revision).where(
                *(ARGUMENTS.c[k] == v for k, v in arguments.row("").items() if k != "revision"))
        for table, lo, hi in connection.execute(query):
            runs[table].append((lo, hi))
    connection.commit()
    return runs


def recorded_run_rows(connection: sa.Connection, revisions: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    """{table: id runs} that ``revisions`` recorded."""
    revisions = sorted(set(revisions))
    runs: dict[str, list[tuple[int, int]]] = {}
    if not revisions:
        return runs
    query = (sa.select(ROWS.c.table_name, ROWS.c.first_id, ROWS.c.last_id)
             .where(ROWS.c.revision.in_(revisions)).order_by(ROWS.c.table_name, ROWS.c.first_id))
    for table, lo, hi in connection.execute(query):
        runs.setdefault(table, []).append((lo, hi))
    connection.commit()
    return {t: id_ranges(i for lo, hi in r for i in range(lo, hi + 1)) for t, r in runs.items()}


# ------------------------------------------------------------------ reconciling
def reconcile(requested: SeedParams, given: dict[str, str], record: Record, applied: set[str],
              shown_url: str) -> SeedParams:
    """The arguments a run uses on a database that may hold a seed already:
    the recorded ones fill in what ``-x`` did not give; an ``-x`` that
    disagrees with them is refused, naming what the database holds and what
    to run instead."""
    held = {record.arguments[r] for r in applied if r in record.arguments}
    if not held:
        return requested
    if len(held) > 1:
        raise SeedError(
            f"{shown_url} holds seed revisions applied with different arguments ("
            + "; ".join(a.describe() for a in sorted(held, key=Arguments.describe))
            + "); downgrade them with the arguments of each before seeding again"
        )
    (holds,) = held
    asked = Arguments.of(requested)
    differing = [name for name, mine, theirs in (
        ("scenario", asked.scenario, holds.scenario), ("seed", asked.seed, holds.seed),
        ("scale", asked.scale, holds.scale), ("end", asked.end, holds.end), ("schema", asked.schema, holds.schema),
    ) if name in given and mine != theirs]
    if differing:
        wanted = " ".join(f"{name}={given.get(name, getattr(asked, name))}" for name in differing)
        raise SeedError(
            f"{shown_url} holds the seed {holds.describe()} ({_revisions(applied)});"
            f" this run asks for {wanted}; nothing was written. Leave out those -x (the database"
            f" remembers its seed), or take the seed out first to seed with other arguments:"
            f" alembic -c seed.ini downgrade base"
        )
    return dataclasses.replace(requested, scenario=SCENARIOS[holds.scenario].ending(holds.end),
                               seed=holds.seed, scale=float(holds.scale), schema=holds.schema)


def _revisions(applied: set[str]) -> str:
    ordered = sorted(applied)
    if len(ordered) == 1:
        return f"revision {ordered[0]}"
    return f"{len(ordered)} revisions, {ordered[0]} to {ordered[-1]}"
