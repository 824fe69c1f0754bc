"""What a seed revision calls: ``upgrade_steps(STEPS)`` / ``downgrade_steps(STEPS)``.

Upgrade renders each step's template over its rows, a chunk of rows per
multi-row INSERT, in step order (parents before children).  Re-applying an
INSERT is a no-op for the rows it wrote (see ``templates/_macros.sql.j2``).
Downgrade deletes exactly the ids the steps wrote, children first.

Online, the statements stream: a table's rows are generated, rendered a chunk
at a time and handed to a writer thread that executes them while the next
chunk is rendered, so the database and Python work at once and no more than
a few statements are held in memory.  Each statement is executed as is, with
no parameters.  Offline (``--sql``) the very same text is printed, each
revision opened by a comment header with the SHA-256 of its statements: what
``make approve`` records and what ``-x approved=true`` checks (by rendering
the revision once before anything is written).  Nothing here reads the
database, so offline mode needs no connection.
"""

from __future__ import annotations

import hashlib
import queue
import tempfile
import threading
import zlib
from dataclasses import dataclass, field
from typing import Iterable, Iterator, NamedTuple, Sequence

from alembic import context, op

from terpseed import record, relations
from terpseed.cache import CacheDamaged
from terpseed.cache import warn as cache_warn
from terpseed.errors import SeedError
from terpseed.failures import StatementFailed
from terpseed.params import SeedParams
from terpseed.progress import SilentProgress
from terpseed.render import SqlRenderer, id_ranges
from terpseed.world import Step, Update, World, chunked, update_key

ROWS_PER_INSERT = 500
RANGES_PER_DELETE = 500
PIPELINE_DEPTH = 4  # rendered statements waiting for the writer thread
RUN_KEY = "terpseed.run"

__all__ = ["Step", "Update", "upgrade_steps", "downgrade_steps", "render_revision"]


class Chunk(NamedTuple):
    """One statement and the rows it writes (inserts, updates or deletes)."""

    sql: str
    table: str
    rows: int


def _crc(sql: str) -> int:
    """The checksum a cached statement is kept with and checked against."""
    return zlib.crc32(sql.encode("utf-8"))


class Table(NamedTuple):
    """Marks where a table's (or an update's) statements begin, and how many
    rows they hold: ``kind`` "rows" (inserted or deleted), "update" (rows
    whose columns an Update fills or restores) or "record" (the seed's own
    bookkeeping, terpseed/record.py, not counted as rows)."""

    name: str
    total: int
    kind: str = "rows"


class RenderedRevision:
    """A revision's statements, rendered lazily, in order, as often as asked."""

    def __init__(self, run: "SeedRun", revision: str, steps: Sequence[Step | Update], direction: str):
        self.run = run
        self.revision = revision
        self.direction = direction
        self.steps = list(steps) if direction == "upgrade" else list(reversed(steps))
        self.counts: dict[str, int] = {}  # rows per table, filled as chunks() runs
        self.tables = [s.table for s in steps if isinstance(s, Step)]

    def chunks(self, progress: SilentProgress | None = None) -> Iterator[Chunk]:
        """The statements, in order: replayed from the seed cache when it has
        this revision (terpseed/cache.py), else rendered (and cached)."""
        progress = progress or SilentProgress()
        records = None
        cache, where = self._cache()
        if where is not None:
            records = cache.load_statements(*where)
        done = 0
        if records is not None:
            try:
                for item in records:
                    if isinstance(item, Table):
                        self._start_table(item, progress)
                    else:
                        sql, table, rows, crc = item
                        if _crc(sql) != crc:
                            raise CacheDamaged(f"a statement of {'.'.join(where)} fails its checksum")
                        yield Chunk(sql, table, rows)
                        done += 1
                return
            except CacheDamaged as error:
                cache_warn(f"{error}; rendering {self.revision} instead")
                cache.forget_statements(*where)
        writer = cache.statements_writer(*where) if where is not None else None
        try:
            for item in self._records():
                if isinstance(item, Table):
                    self._start_table(item, progress)
                    if writer:
                        writer.add(item)
                    continue
                if writer:
                    writer.add((item.sql, item.table, item.rows, _crc(item.sql)))
                if done:
                    done -= 1  # executed from the cache before it was found damaged
                    continue
                yield item
        except BaseException:
            if writer:
                writer.abandon()
            raise
        if writer:
            writer.commit()

    def _cache(self):
        """The cache and this revision's entry in it; no entry for a downgrade
        that keeps edited rows (its statements are its own)."""
        cache = self.run.world.cache
        if not cache.enabled or (self.direction == "downgrade" and self.run.keep):
            return cache, None
        return cache, (self.run.renderer.dialect_name, self.revision, self.direction)

    def _start_table(self, table: "Table", progress: SilentProgress) -> None:
        if table.kind != "record":
            self.counts[table.name] = table.total
        progress.start_table(table.name, table.total, table.kind)

    def _records(self) -> Iterator["Table | Chunk"]:
        """The revision's statements.  Around the steps, the seed's record of
        itself (terpseed/record.py): an upgrade opens by asking whether it is
        already recorded (a re-run) and closes by recording its id runs and
        arguments; a downgrade opens by checking that the database holds it
        with these arguments and closes by forgetting it."""
        renderer = self.run.renderer
        arguments = record.Arguments.of(self.run.params)
        adopted = self.adopted
        if self.direction == "upgrade":
            opening = record.opening_statement(renderer, self.revision, arguments, adopted)
        else:
            opening = record.downgrade_guard(renderer, self.revision, arguments, self.run.version_table, adopted)
        if opening:
            yield Table(record.ARGUMENTS.name, 0, "record")
            yield Chunk(opening, record.ARGUMENTS.name, 0)
        runs: list[tuple[str, list[tuple[int, int]]]] = []
        if self.direction == "downgrade":
            yield from self._derived()
        for step in self.steps:
            if isinstance(step, Update):
                yield from self._update(step)
            elif self.direction == "upgrade":
                yield from self._insert(step, runs)
            else:
                yield from self._delete(step)
            self.run.world.release(after=step if self.direction == "upgrade" else None)
        if self.direction == "upgrade":
            closing = record.closing_statements(renderer, self.revision, arguments, runs, adopted)
        else:
            closing = record.forget_statements(renderer, self.revision)
        for table, sql in closing:
            yield Table(table, 0, "record")
            yield Chunk(sql, table, 0)

    def _insert(self, step: Step, runs: list) -> Iterator["Table | Chunk"]:
        view = self.run.world.view
        if not view.has(step.table):
            return  # a table the run's TERP version does not have: nothing to write
        world = self.run.world
        rows = world.inserted(step.table)  # projected a chunk at a time (World.physical)
        name = view.name(step.table)
        columns = [c.name for c in view.table(step.table).c]
        runs.append((name, id_ranges(row["id"] for row in rows)))
        yield Table(name, len(rows))
        for chunk in chunked(rows, ROWS_PER_INSERT):
            yield Chunk(self.run.renderer.render(step.template_name, table=name, columns=columns,
                                                 rows=world.physical(step.table, chunk)),
                        name, len(chunk))

    def _delete(self, step: Step) -> Iterator["Table | Chunk"]:
        view = self.run.world.view
        if not self.run.world.written(step.table):
            return  # not in this version, or not in the one the seed was written for
        name = view.name(step.table)
        kept = set(self.run.keep.get(name, ()))
        rows = [row for row in self.run.world.inserted(step.table) if row["id"] not in kept]
        yield Table(name, len(rows))
        for level in _deletion_levels(step.table, rows):
            ranges = id_ranges(level)
            for start in range(0, len(ranges), RANGES_PER_DELETE):
                part = ranges[start:start + RANGES_PER_DELETE]
                yield Chunk(self.run.renderer.render("_delete.sql.j2", table=name, ranges=part,
                                                     revision=self.revision),
                            name, sum(hi - lo + 1 for lo, hi in part))

    def _derived(self) -> Iterator["Table | Chunk"]:
        """Downgrade, on a database TERP's schema chain moved on since the
        seed: first the rows TERP's conversions made out of the rows this
        revision deletes (a supplier_profiles row out of a seeded vendor),
        but not out of rows a user edited and the downgrade keeps."""
        world = self.run.world
        for made in world.derived():
            step = next((s for s in self.steps if isinstance(s, Step) and world.written(s.table)
                         and world.view.name(s.table) == made.source), None)
            if step is None:
                continue
            kept = set(self.run.keep.get(made.source, ()))
            ranges = id_ranges(row["id"] for row in world.inserted(step.table) if row["id"] not in kept)
            if not ranges:
                continue
            yield Table(made.table, 0, "record")
            for start in range(0, len(ranges), RANGES_PER_DELETE):
                yield Chunk(self.run.renderer.render(
                    "_delete_derived.sql.j2", table=made.table, column=made.column, source=made.source,
                    ranges=ranges[start:start + RANGES_PER_DELETE], revision=self.revision), made.table, 0)

    def _update(self, update: Update) -> Iterator["Table | Chunk"]:
        view = self.run.world.view
        if not update_written(self.run.world, update):
            return
        key = update_key(self.revision, update)
        rows = self.run.world.update_rows(key)
        if self.direction == "downgrade":
            rows = self.run.world.previous_values(key, update, rows)
        rows, columns = projected_update(view, update, rows)
        if not columns:
            return  # every column it fills is gone in this version
        name = view.name(update.table)
        yield Table(update.key, len(rows), "update")
        for chunk in chunked(sorted(rows, key=lambda r: r["id"]), ROWS_PER_INSERT):
            yield Chunk(self.run.renderer.render(
                "_update.sql.j2", table=name,
                assignments=self.run.renderer.case_assignments(name, columns, chunk),
                ranges=id_ranges(row["id"] for row in chunk)), update.key, len(chunk))

    @property
    def adopted(self):
        """TERP's own rows of this revision's tables that the seed adopts (terpseed/adoption.py)."""
        return self.run.world.adopted(self.tables)

    @property
    def sha256(self) -> str:
        return statements_sha256(self.chunks())

    def header(self, message: str, params: SeedParams, dialect: str, sha256: str) -> str:
        verb = "writes" if self.direction == "upgrade" else "deletes"
        tables = ", ".join(f"{name} {count}" for name, count in self.counts.items())
        adopts = [f"-- adopts TERP's own rows (by natural key, never written or deleted): {self.adopted.describe()}"] \
            if self.adopted else []
        return "\n".join([
            f"-- {self.direction} {self.revision}: {message}",
            f"-- {params.describe()} dialect={dialect}",
            f"-- {verb} rows: {tables}",
            *adopts,
            f"-- sha256 of the statements below: {sha256}",
        ])


def print_offline(impl, rendered: RenderedRevision, message: str, run: "SeedRun") -> None:
    """Print a revision's statements under a header that gives their SHA-256.
    The header comes first, so the statements wait in a temporary file (not
    in memory: a revision's SQL runs to hundreds of MB at scale 10) until
    the last one is rendered and hashed."""
    kept: list[tuple[int, str, int]] = []  # (bytes, table, rows) of each statement
    with tempfile.TemporaryFile() as spool:
        def spooled() -> Iterator[Chunk]:
            for chunk in rendered.chunks(run.progress):
                kept.append((spool.write(chunk.sql.encode("utf-8")), chunk.table, chunk.rows))
                yield chunk

        sha256 = statements_sha256(spooled())
        impl.static_output(rendered.header(message, run.params, run.renderer.dialect_name, sha256))
        spool.seek(0)
        for size, table, rows in kept:
            impl.static_output(spool.read(size).decode("utf-8") + ";")
            run.progress.advance(table, rows)


def projected_update(view, update: Update, rows: list[dict]) -> tuple[list[dict], list[str]]:
    """An update's rows and columns as the run's TERP version names them and
    holds their values (terpseed/schema_view.py); the columns it no longer has
    left out."""
    projection = view.projection(update.table)
    added = set(view.added_columns(update.table))  # filled by an Update, not by the insert
    columns = [(c, projection.columns.get(c) or (c if c in added else None)) for c in update.columns]
    columns = [(c, p) for c, p in columns if p]
    if not any(c in update.filled for c, _p in columns):
        return [], []  # every column it fills is one this version lacks
    identity = lambda v: v  # noqa: E731
    functions = [(c, p, projection.values.get(p, identity)) for c, p in columns]
    out = [{"id": row["id"], **{p: fn(row[c]) for c, p, fn in functions}} for row in rows]
    return out, [p for _c, p, _fn in functions]


def update_written(world, update: Update) -> bool:
    """Whether the seed writes (wrote) ``update``: its table, and a column it
    fills, in the version the seed is (was) written for (World.written_view)."""
    return world.written(update.table) and bool(projected_update(world.written_view, update, [])[1])


def statements_sha256(chunks: Iterable[Chunk]) -> str:
    """Of the statements exactly as they are printed offline (each followed by ";\n\n")."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk.sql.encode("utf-8") + b";\n\n")
    return digest.hexdigest()


def render_revision(run: "SeedRun", revision: str, steps: Sequence[Step | Update],
                    direction: str) -> RenderedRevision:
    return RenderedRevision(run, revision, steps, direction)


def _deletion_levels(table: str, rows: list[dict]) -> list[list[int]]:
    """Ids to delete, rows that point at other rows of the same table (a
    declared self-reference, e.g. a sale converted from a quote) first: InnoDB
    checks such keys row by row, even within one DELETE."""
    columns = [ref.column for ref in relations.declared()
               if ref.table == table and ref.target_table == table]
    if not columns:
        return [[row["id"] for row in rows]]
    parent = {row["id"]: [row[c] for c in columns if row[c] is not None] for row in rows}

    def depth(rid: int, seen: frozenset = frozenset()) -> int:
        ups = [p for p in parent.get(rid, ()) if p in parent and p not in seen]
        return 1 + max((depth(p, seen | {rid}) for p in ups), default=-1)

    levels: dict[int, list[int]] = {}
    for rid in parent:
        levels.setdefault(depth(rid), []).append(rid)
    return [levels[d] for d in sorted(levels, reverse=True)]


@dataclass
class SeedRun:
    params: SeedParams
    renderer: SqlRenderer
    world: World
    keep: dict[str, list[int]] = field(default_factory=dict)  # edited rows a downgrade leaves
    progress: SilentProgress = field(default_factory=SilentProgress)
    done: list[str] = field(default_factory=list)  # revisions this run applied, in order
    version_table: str = "seed_version"

    def apply(self, rendered: RenderedRevision, message: str) -> None:
        """Execute the statements online, or print them offline: the same text."""
        migration = op.get_context()
        self.progress.start_revision(rendered.direction, rendered.revision)
        failed = True
        try:
            if migration.as_sql:
                print_offline(migration.impl, rendered, message, self)
            else:
                try:
                    execute(migration.connection, rendered.chunks(self.progress), self.progress)
                except ChunkFailed as failure:
                    raise StatementFailed(rendered.direction, rendered.revision, failure.chunk.table,
                                          failure.error, list(self.done)) from failure.error
            failed = False
        finally:
            self.progress.end_revision(failed)
        self.done.append(rendered.revision)


class ChunkFailed(Exception):
    """The database refused ``chunk``'s statement."""

    def __init__(self, chunk: Chunk, error: BaseException):
        super().__init__(str(error))
        self.chunk, self.error = chunk, error


def execute(connection, chunks: Iterator[Chunk], progress: SilentProgress) -> None:
    """Execute the chunks in order on a writer thread while the main thread
    renders the next ones.  The writer is the only user of the connection
    until it is joined; an error on either side stops both and is raised
    (the database's as ``ChunkFailed``, naming the statement's table)."""
    pending: queue.Queue = queue.Queue(maxsize=PIPELINE_DEPTH)
    failure: list[BaseException] = []

    def write() -> None:
        while (chunk := pending.get()) is not None:
            if failure:
                continue  # drain what was queued before the error was seen
            try:
                connection.exec_driver_sql(chunk.sql, execution_options={"no_parameters": True})
                progress.advance(chunk.table, chunk.rows)
            except Exception as error:  # noqa: BLE001 - re-raised in the main thread
                failure.append(ChunkFailed(chunk, error))
            except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
                failure.append(error)

    writer = threading.Thread(target=write, name="terpseed-writer", daemon=True)
    writer.start()
    try:
        for chunk in chunks:
            if failure:
                break
            pending.put(chunk)
    finally:
        pending.put(None)
        writer.join()
    if failure:
        raise failure[0]


def current_run() -> SeedRun:
    run = context.config.attributes.get(RUN_KEY)
    if run is None:
        raise SeedError(
            "seed revisions run only through the seed chain: alembic -c seed.ini ..."
        )
    return run


def _message(revision: str) -> str:
    script = context.script.get_revision(revision)
    return (script.doc or "").strip().splitlines()[0] if script is not None else ""


def upgrade_steps(steps: Sequence[Step], revision: str) -> None:
    run = current_run()
    run.apply(render_revision(run, revision, steps, "upgrade"), _message(revision))


def downgrade_steps(steps: Sequence[Step], revision: str) -> None:
    run = current_run()
    run.apply(render_revision(run, revision, steps, "downgrade"), _message(revision))
