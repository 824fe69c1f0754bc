"""What the generators see: seeded random streams, the scenario, other tables.

A seed run has one ``World`` per (scenario, seed, scale).  It knows, from the
seed revisions' ``STEPS``, which generator fills which table, and builds a
table's rows the first time anything asks for them (the revision that inserts
the table, or a generator of a later table that needs its ids).  Every
table's random stream is seeded from (seed, revision, table) alone, so a
table's rows are the same whichever order they are asked for in, in a
process that applies one revision or all of them, online or offline.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import datetime as dt
import functools
import gc
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from terpseed.adoption import Adoption
from terpseed.cache import NoCache
from terpseed.errors import SeedError
from terpseed.params import SeedParams
from terpseed.reach import reached
from terpseed.schema_view import SchemaView
from terpseed.schema_view import base as base_view
from terpseed.schema_view import view as view_of

if TYPE_CHECKING:  # imported on first use: a run replayed from the cache never needs it
    from faker import Faker

# Seeded rows take ids from here up, far above what AUTO_INCREMENT gives the
# application's own rows, so the two never collide and a downgrade can name
# exactly the rows it wrote.
SEED_ID_BASE = 1_000_000_000
SEED_ID_LIMIT = 2_147_483_647  # INT's maximum: every TERP primary key is an INT

# Generated rows are kept for whoever asks next (a later table's generator,
# the preflight, the downgrade guard) while there are at most this many; above
# it, ``release`` lets the rows of every table go once a step is done with
# them, and a later ask generates them again: the same rows, since every
# table's stream is seeded from (seed, revision, table) alone.  The full
# scenario (about 200,000 rows with its updates) stays under it; -x scale=10
# streams, and an upgrade then also lets each simulation dataset go after the
# last step that can reach it (``release``).
ROW_BUDGET = 250_000


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """A run builds hundreds of thousands of rows that live to its end, and
    no reference cycles: the cyclic garbage collector would only scan those
    rows again and again (about 15% of a cold run at CPython's thresholds,
    5% at thresholds a hundred times higher), so it is paused for the run,
    and resumed, if it ran before, on every path.  Reference counting frees
    everything else as usual: a run's peak memory is about what it was with
    the collector running (a cold render: 251 MiB at scale 1, 917 MiB at
    scale 10, both ways), which the benchmark's scale 10 watches."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@functools.cache
def frozen_at_exit() -> None:
    """At the process's exit, skip the collector's last passes over every
    object still alive (the schema models, a run's caches: 0.1 to 0.2 s of
    a run replayed from the cache, more than half of what exiting took): an
    exit handler moves them to the permanent generation, which the collector
    never scans, and the operating system takes the memory back.  Reference
    counting still frees what it frees; only cycles left to the very end are
    not collected, which ends no connection or file of a run (each closes its
    own).  In a process that runs many seeds (the tests) nothing changes
    until it exits.  Registered once a process."""
    atexit.register(gc.freeze)


Generator = Callable[["GenContext"], Iterable[dict]]


@dataclass(frozen=True)
class Step:
    """One table of a seed revision: its generator, and a template of its own
    where its SQL differs from the shared one (templates/_insert.sql.j2)."""

    table: str
    generator: Generator
    template: str | None = None

    @property
    def template_name(self) -> str:
        return self.template or "_insert.sql.j2"


@dataclass(frozen=True)
class Update:
    """A later revision fills columns of rows an earlier step inserted.

    For references into a later domain (orders.invoice_id, clients' pricing
    profile...) and for figures that later domains make true (a batch's paid
    amount, a client's total owed): the generator returns ``{"id": ...,
    column: value, ...}`` for seeded rows only, plus the table's ``ON UPDATE
    CURRENT_TIMESTAMP`` column (updatedAt...) when it has one: set explicitly,
    MySQL leaves the clock out of it.  The downgrade puts back what the insert
    wrote.  Two updates may fill the same column only on different rows.
    """

    table: str
    column: str | tuple[str, ...]
    generator: Generator

    @property
    def key(self) -> str:
        return f"{self.table}.{'+'.join(self.filled)}"

    @property
    def filled(self) -> tuple[str, ...]:
        return (self.column,) if isinstance(self.column, str) else tuple(self.column)

    @functools.cached_property
    def columns(self) -> list[str]:
        """The filled columns, then the table's auto-updated timestamp columns."""
        from terpseed.schema import metadata
        from terpseed.schema.defaults import CurrentTimestampOnUpdate

        touched = [c.name for c in metadata.tables[self.table].c
                   if c.server_default is not None
                   and isinstance(getattr(c.server_default, "arg", None), CurrentTimestampOnUpdate)]
        return list(self.filled) + [c for c in touched if c not in self.filled]


def stream(seed: int, revision: str, name: str) -> random.Random:
    """A random stream seeded from (seed, revision, name), stable across runs."""
    return random.Random(f"terpseed/{seed}/{revision}/{name}")


class GenContext:
    """Handed to a generator: its streams, the scenario, and other tables."""

    def __init__(self, world: "World", revision: str, table: str):
        self.world = world
        self.revision = revision
        self.table = table
        self.params: SeedParams = world.params
        self.scenario = world.params.scenario
        self.rng = stream(self.params.seed, revision, table)
        self._fake: "Faker | None" = None

    @property
    def fake(self) -> "Faker":
        """Faker seeded for this table only (its own stream, created on first use)."""
        if self._fake is None:
            from faker import Faker

            fake = Faker("en_US", use_weighting=False)
            fake.seed_instance(stream(self.params.seed, self.revision, self.table + "/faker").getrandbits(63))
            self._fake = fake
        return self._fake

    @property
    def window_start(self) -> dt.date:
        return self.scenario.window_start

    @property
    def window_end(self) -> dt.date:
        return self.scenario.window_end

    @property
    def schema(self) -> SchemaView:
        """The TERP schema version the rows are written in (terpseed/schema_view.py):
        the run's, or on a database TERP's schema chain has moved on since the
        seed, the one the seed was written for (``World.written_view``)."""
        return self.world.written_view

    def rows(self, table: str) -> list[dict]:
        """The rows another step generates for ``table``."""
        return self.world.rows(table)

    def dataset(self, builder: Callable[["GenContext"], object]):
        """The memoized result of a builder shared by several tables' generators
        (a simulation of the business), with its own random stream."""
        return self.world.dataset(builder)

    @staticmethod
    def id(n: int) -> int:
        """The id of this table's n-th seeded row (n from 1)."""
        if n < 1:
            raise SeedError(f"seed row numbers start at 1, got {n}")
        return SEED_ID_BASE + n

    def scaled(self, n: float, minimum: int = 1) -> int:
        """A scenario volume multiplied by ``-x scale``."""
        return max(minimum, round(n * self.params.scale))


class World:
    def __init__(self, params: SeedParams, steps: Iterable[tuple[str, Step | Update]],
                 row_budget: int = ROW_BUDGET, cache: NoCache | None = None,
                 adoption: Adoption | None = None, view: SchemaView | None = None):
        """``adoption``: TERP's own reference rows the seed adopts by natural key
        (terpseed/adoption.py); none by default.  ``view``: the TERP schema
        version the rows are written in (terpseed/schema_view.py); by default
        the one the seed revisions' tables were first written for."""
        self.params = params
        self.row_budget = row_budget
        self.cache = cache or NoCache()
        self.adoption = adoption or Adoption()
        self.view = view or base_view()
        self._added: dict[str, dict[int, object]] = {}
        self.steps: dict[str, tuple[str, Step]] = {}
        self.updates: dict[str, tuple[str, Update]] = {}
        self._datasets: dict[str, object] = {}
        self.builds: collections.Counter[str] = collections.Counter()  # a dataset built twice: let go too early
        self._update_rows: dict[str, list[dict]] = {}
        self._order: list[Step | Update] = []  # the chain's order: an upgrade's
        self._later: dict[int, frozenset[str]] = {}
        self._streaming = False  # once above the row budget: rows and datasets go when done with
        for revision, step in steps:
            self._order.append(step)
            if isinstance(step, Update):
                key = update_key(revision, step)
                if key in self.updates:
                    raise SeedError(f"{step.key} is updated twice by revision {revision}")
                self.updates[key] = (revision, step)
                continue
            if step.table in self.steps:
                other = self.steps[step.table][0]
                raise SeedError(
                    f"table {step.table} is inserted by two seed revisions ({other}, {revision});"
                    " one step inserts a table, later revisions may only update it"
                )
            self.steps[step.table] = (revision, step)
        self._rows: dict[str, list[dict]] = {}
        self._building: list[str] = []

    def rows(self, table: str) -> list[dict]:
        if table in self._rows:
            return self._rows[table]
        if table not in self.steps:
            raise SeedError(f"no seed revision generates rows for table {table}")
        if table in self._building:
            cycle = " -> ".join(self._building + [table])
            raise SeedError(f"seed generators depend on each other in a cycle: {cycle}")
        rows = self.cache.load_rows(table)
        if rows is None:
            revision, step = self.steps[table]
            self._building.append(table)
            try:
                rows = list(step.generator(GenContext(self, revision, table)))
            finally:
                self._building.pop()
            _check_ids(table, rows)
            rows = self.adoption.apply(table, rows)
            self.cache.save_rows(table, rows)
        self._rows[table] = rows
        return rows

    def adopted(self, tables: Iterable[str]) -> Adoption:
        """TERP's own rows that the seed's rows of ``tables`` adopted (terpseed/adoption.py)."""
        found = {}
        for table in tables:
            if self.adoption.rows.get(table):
                rows = [row for row in self.rows(table) if row["id"] <= SEED_ID_BASE]
                found[table] = {self.adoption.key(table, row): row for row in rows}
        return Adoption(found)

    @property
    def written_view(self) -> SchemaView:
        """The TERP version the seed's rows are written in: the run's, or the
        older one the seed was written for (``params.schema``) when TERP's
        schema chain has since moved the database on.  Generators that
        differ by version (0052's default tags) see this one, so that a
        downgrade takes out the rows the seed wrote then."""
        if self.params.schema is None or self.params.schema == self.view.date:
            return self.view
        return view_of(self.params.schema)

    def written(self, table: str) -> bool:
        """Whether the seed writes (or wrote) ``table``: the run's TERP version
        has it, and so had the version the seed was written for
        (``params.schema``), when TERP's schema chain has since moved the
        database on to a newer one; a table that came later holds no seeded row."""
        return self.view.has(table) and self.written_view.has(table)

    def derived(self) -> list:
        """The rows TERP's conversions made out of seeded rows since the
        version the seed was written for (terpseed/schema_view.py, ``derived``)."""
        if self.written_view is self.view:
            return []
        return self.view.derived(self.written_view.date)

    def physical(self, table: str, rows: list[dict] | None = None) -> list[dict]:
        """The rows the seed writes to ``table`` as the run's TERP version holds
        them (terpseed/schema_view.py): renamed, values mapped, the columns a
        later version added filled by their providers (generators/added_columns.py).
        ``rows``: some of ``inserted(table)`` (a statement's chunk), else all of
        them; an upgrade projects a chunk at a time, never a second copy of a
        whole table."""
        added = {column: self.added(table, column) for column in self.view.added_columns(table)}
        return self.view.project(table, self.inserted(table) if rows is None else rows,
                                 {c: v for c, v in added.items() if v is not None})

    def added(self, table: str, column: str) -> dict[int, object] | None:
        """{row id: value} of a column a later TERP version added to ``table``,
        from its provider; None when it has none (NULL or its default)."""
        provider = _provider(table, column)
        if provider is None:
            return None
        key = f"{table}.{column}"
        if key not in self._added:
            self._added[key] = provider(GenContext(self, "added", key))
        return self._added[key]

    def inserted(self, table: str) -> list[dict]:
        """The rows the seed writes to ``table``: its rows but those it adopts
        from TERP's own (whose ids are TERP's, below the seeded ones)."""
        rows = self.rows(table)
        if table not in self.adoption.rows:
            return rows
        return [row for row in rows if row["id"] > SEED_ID_BASE]

    def held_rows(self) -> int:
        return sum(map(len, self._rows.values())) + sum(map(len, self._update_rows.values()))

    def release(self, after: Step | Update | None = None) -> None:
        """A step is done with the rows it asked for: above the row budget,
        forget every table's rows.  ``after``: the step an upgrade has just
        written, in the chain's order; then the simulation datasets no later
        step can reach (terpseed/reach.py) go too, when the cache keeps the
        rows a later step may read again (without it, those rows would be
        generated again from their datasets).  Without it the datasets stay."""
        if self.held_rows() > self.row_budget:
            self._rows.clear()
            self._update_rows.clear()
            self._added.clear()
            self._streaming = True
        if self._streaming and after is not None and self.cache.enabled:
            wanted = self._reached_after(after)
            for name in [n for n in self._datasets if n not in wanted]:
                del self._datasets[name]

    def _reached_after(self, step: Step | Update) -> frozenset[str]:
        """The datasets the steps after ``step`` may build or read: their
        generators' and their tables' added-column providers' reach."""
        position = next(i for i, s in enumerate(self._order) if s is step)
        if position not in self._later:
            roots = []
            for later in self._order[position + 1:]:
                roots.append(later.generator)
                if self.view.has(later.table):
                    roots += filter(None, (_provider(later.table, c) for c in self.view.added_columns(later.table)))
            self._later[position] = frozenset(_name(f) for f in reached(roots))
        return self._later[position]

    def dataset(self, builder) -> object:
        name = _name(builder)
        if name not in self._datasets:
            self.builds[name] += 1
            if name in self._building:
                raise SeedError(f"seed datasets depend on each other in a cycle at {name}")
            self._building.append(name)
            try:
                self._datasets[name] = builder(GenContext(self, "dataset", name))
            finally:
                self._building.pop()
        return self._datasets[name]

    def update_rows(self, key: str) -> list[dict]:
        """The rows of an Update step (``update_key(revision, update)``), checked
        against the insert and against other updates of the same columns."""
        if key not in self._update_rows and (cached := self.cache.load_rows(f"update/{key}")) is not None:
            self._update_rows[key] = cached
        if key not in self._update_rows:
            revision, update = self.updates[key]
            ours = {row["id"] for row in self.rows(update.table)}
            rows = list(update.generator(GenContext(self, revision, key)))
            expected = {"id", *update.columns}
            for row in rows:
                if set(row) != expected or row["id"] not in ours:
                    raise SeedError(
                        f"update {update.key} must give {sorted(expected)} for rows its table's"
                        f" seed step inserted; got {sorted(row)} for id {row.get('id')!r}"
                    )
            before = {row["id"]: row for row in self.previous_values(key, update, rows)}
            for row in rows:  # auto-updated timestamps only move forward
                for column in update.columns:
                    if column not in update.filled and before[row["id"]][column] is not None:
                        row[column] = max(row[column], before[row["id"]][column])
            self._update_rows[key] = rows
            mine = {row["id"] for row in rows}
            for other_key, (_rev, other) in self.updates.items():
                if other_key != key and other.table == update.table \
                        and set(other.filled) & set(update.filled) and other_key in self._update_rows \
                        and mine & {row["id"] for row in self._update_rows[other_key]}:
                    raise SeedError(f"{key} and {other_key} fill the same column of the same rows")
            self.cache.save_rows(f"update/{key}", rows)
        return self._update_rows[key]


    def previous_values(self, key: str, update: Update, rows: list[dict]) -> list[dict]:
        """What ``rows`` held before this update: what the insert wrote, as
        changed by the earlier updates of the chain (a shared updatedAt...)."""
        wanted = {row["id"] for row in rows}
        columns = ("id", *update.columns)
        inserted = self.rows(update.table)
        added = [c for c in columns if inserted and c not in inserted[0]]
        written = self._insert_values(update.table, added) if added else {}
        state = {row["id"]: {c: row[c] if c in row else written.get(row["id"], {}).get(c) for c in columns}
                 for row in inserted if row["id"] in wanted}
        for other_key, (_rev, other) in self.updates.items():
            if other_key == key:
                break
            shared = [c for c in other.columns if c in update.columns]
            if other.table == update.table and shared:
                for row in self.update_rows(other_key):
                    if row["id"] in state:
                        state[row["id"]].update({c: row[c] for c in shared})
        return [dict(state[row["id"]]) for row in rows]


    def _insert_values(self, table: str, columns: list[str]) -> dict[int, dict]:
        """{id: {column: value}} of columns a later TERP version adds to
        ``table`` (an Update fills them), as the insert wrote them in the
        run's version: their default (their provider's, NULL, or the DDL's);
        nothing where the version lacks them."""
        present = [c for c in columns if self.view.has(table) and c in self.view.table(table).c]
        if not present:
            return {}
        return {row["id"]: {c: row[c] for c in present} for row in self.physical(table)}


def _provider(table: str, column: str):
    """The provider of a column a later TERP version added (generators/added_columns.py), or None."""
    from generators.added_columns import PROVIDERS

    return PROVIDERS.get(f"{table}.{column}")


def _name(builder) -> str:
    return f"{builder.__module__}.{builder.__qualname__}"


def update_key(revision: str, update: Update) -> str:
    return f"{revision}:{update.key}"


def _check_ids(table: str, rows: list[dict]) -> None:
    seen = set()
    for row in rows:
        rid = row.get("id")
        if type(rid) is not int or not SEED_ID_BASE < rid <= SEED_ID_LIMIT:
            raise SeedError(
                f"generator for {table} gave id {rid!r}; seeded ids come from"
                f" GenContext.id(n), between {SEED_ID_BASE + 1} and {SEED_ID_LIMIT}"
            )
        if rid in seen:
            raise SeedError(f"generator for {table} gave id {rid} twice")
        seen.add(rid)


def chunked(rows: list[dict], size: int) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]
