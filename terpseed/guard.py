"""Downgrade never loses user data: look before deleting.

Before a downgrade deletes the rows its revisions inserted, it looks for rows
the seeds did not create (ids outside the seeded runs of their table) that
point at a row about to go, through any reference of the relationship map:
declared foreign keys (whose ON DELETE CASCADE would silently take the
user's row too), undeclared references and polymorphic pairs.  If there are
any, it names them and deletes nothing.  It also compares every seeded row
it would delete with what the seeds wrote: rows a user edited since are
reported, and deleted or kept only as ``-x edited=delete|keep`` says.  On
MySQL the server hashes each row and only rows whose hash differs are read
back; SQLite rows are read back and compared directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import queue
import threading
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from terpseed import relations
from terpseed.render import id_ranges, json_text
from terpseed.world import Step, World

SAMPLE = 5


def in_runs(column, ranges) -> sa.ColumnElement:
    """``column`` in one of the (low, high) runs; false when there are none."""
    return sa.or_(sa.false(), *(column.between(lo, hi) for lo, hi in ranges))


def user_dependents(connection: sa.Connection, world: World, deleting: list[str],
                    kept: dict[str, list[int]] | None = None) -> list[str]:
    """Rows the seeds did not write (or that are ``kept``) that reference rows
    of ``deleting`` about to be deleted."""
    kept = {t: set(ids) for t, ids in (kept or {}).items()}
    model = world.view.metadata
    seeded = {}  # table: the id runs of its seeded rows (minus kept ones)
    for table in model.tables:
        if table in world.steps:
            seeded[table] = seeded_ranges(world, table)
            if kept.get(table):
                seeded[table] = id_ranges(rid for lo, hi in seeded[table] for rid in range(lo, hi + 1)
                                          if rid not in kept[table])
    targets = set(deleting)
    problems = []
    refs = [(r.table, r.column, r.target_table, r.target_column, None, r) for r in relations.references(model)]
    for (table, type_column, id_column), kinds in relations.POLYMORPHIC.items():
        if table in model.tables:
            refs += [(table, id_column, target, "id", (type_column, kind), None)
                     for kind, target in kinds.items() if target and target in model.tables]
    refs = [ref for ref in refs if ref[2] in targets]
    holding = _tables_with_other_rows(connection, model, sorted({ref[0] for ref in refs}), seeded)
    for table, column, target_table, target_column, poly, ref in refs:
        if table not in holding:
            continue  # every row of the table is a seeded one about to go with the rest
        source = model.tables[table]
        if target_column == "id":
            points = in_runs(source.c[column], seeded[target_table])
        else:
            values = {str(row[target_column]) for row in world.inserted(target_table)
                      if row["id"] not in kept.get(target_table, ())}
            world.release()
            points = source.c[column].in_(sorted(values))
        query = sa.select(source.c.id).where(points)
        if poly:
            query = query.where(source.c[poly[0]] == poly[1])
        if table in seeded:
            query = query.where(sa.not_(in_runs(source.c.id, seeded[table])))
        for made in world.derived():  # made out of seeded rows by TERP: they go with them
            if made.table == table and made.source in seeded:
                query = query.where(sa.not_(in_runs(source.c[made.column], seeded[made.source])))
        found = [r[0] for r in connection.execute(query.limit(SAMPLE + 1))]
        if found:
            more = "" if len(found) <= SAMPLE else ", ..."
            via = f"{table}.{column}" + (f" ({poly[0]} = {poly[1]!r})" if poly else "")
            cascade = " (ON DELETE CASCADE would delete them)" if ref and ref.on_delete == "CASCADE" else ""
            problems.append(f"{table} rows {', '.join(map(str, found[:SAMPLE]))}{more} reference"
                            f" {target_table} through {via}{cascade}")
    return problems


def _tables_with_other_rows(connection: sa.Connection, model: sa.MetaData, tables: list[str],
                            seeded: dict[str, list[tuple[int, int]]]) -> set[str]:
    """Those of ``tables`` holding a row outside their seeded runs (a user's,
    or a kept one): only their references can point at a row about to go.
    One round trip, one EXISTS per table; on a database only the seeds
    wrote to, the answer is none and no reference needs a look."""
    found: set[str] = set()
    for start in range(0, len(tables), 50):  # SQLite: at most 64 tables in one query
        part = tables[start:start + 50]
        probes = []
        for name in part:
            table = model.tables[name]
            other = sa.select(table.c.id)
            if name in seeded:
                other = other.where(sa.not_(in_runs(table.c.id, seeded[name])))
            probes.append(sa.exists(other).label(f"t{len(probes)}"))
        row = connection.execute(sa.select(*probes)).one()
        found.update(name for name, there in zip(part, row) if there)
    return found


def deleted_tables(pending: list) -> list[str]:
    """The tables whose seeded rows the pending downgrades delete."""
    return [step.table for s in pending if not s.is_upgrade
            for step in getattr(s.revision.module, "STEPS", ()) if isinstance(step, Step)]


def same_value(a, b, column: sa.Column) -> bool:
    """Whether ``a`` read back from ``column`` is the value ``b`` the seed
    wrote, as the column's type reads them: a decimal read back with more
    scale (``825.3500``) is the value written (``825.35``), whatever the
    spelling it was written in; a datetime without its microseconds; a JSON
    text the document it spells."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    if isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Float):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except ArithmeticError:
            return False
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return a.replace(microsecond=0) == b.replace(microsecond=0)
    if isinstance(a, str) and isinstance(b, (dict, list)):
        return json.loads(a) == b
    return False


def _mysql_text(column: sa.Column):
    """How MySQL turns a stored value of ``column`` into text (CONCAT's own
    conversion), as a Python function of the value the seed wrote."""
    type_ = column.type
    if isinstance(type_, sa.Boolean):
        return lambda v: "1" if v else "0"
    if isinstance(type_, sa.Numeric):
        places = type_.scale or 0
        return lambda v: f"{v:.{places}f}"
    if isinstance(type_, (sa.DateTime, sa.TIMESTAMP)):
        return lambda v: v.isoformat(" ", "seconds")
    if isinstance(type_, sa.Date):
        return lambda v: v.isoformat()
    if isinstance(type_, sa.JSON):
        return json_text
    return str


FINGERPRINT_ROWS = 500  # rows per server-side fingerprint


def compared(world: World, name: str, written: str | None) -> list[sa.Column]:
    """The columns of ``name`` whose values the guard compares with what the
    seed wrote: all of them, unless the seed was written for an older TERP
    version (``written``) and TERP's schema chain has since moved the
    database on; then those the older version had (renamed as since): the
    columns the chain added, it filled itself (terpseed/schema_view.py,
    ``SchemaView.carried``)."""
    table = world.view.table(name)
    if written is None or written == world.view.date:
        return list(table.c)
    return [table.c[c] for c in world.view.carried(name, written) or ()]


def expected_fingerprints(columns: list[sa.Column], wanted: dict[int, tuple]) -> dict[int, int]:
    """{block: XOR of the rows' 64-bit hashes} of what the seed wrote, as
    ``fingerprint_suspects`` has the server compute it."""
    texts = [_mysql_text(c) for c in columns]
    expected: dict[int, int] = {}
    for rid, values in wanted.items():
        text = ",".join(["~" if v is None else f"{len(t := fn(v))}:{t}" for fn, v in zip(texts, values)])
        b = (rid - 1) // FINGERPRINT_ROWS
        expected[b] = expected.get(b, 0) ^ int(hashlib.md5(text.encode("utf-8")).hexdigest()[:16], 16)
    return expected


def fingerprint_suspects(connection: sa.Connection, columns: list[sa.Column], ranges: list[tuple[int, int]],
                         expected: dict[int, int]) -> list[int]:
    """MySQL/MariaDB: the seeded rows (ids in ``ranges``) worth reading back.
    The server hashes each row (MD5 of its values, each length-prefixed so
    that no edit can shift text from one column to the next unseen) and XORs
    64 bits of those hashes per block of ids; ``expected`` is the same,
    computed from what the seed wrote (``expected_fingerprints``), and only
    the rows of blocks that differ are suspects.  A value the server spells
    differently from the seed (a MySQL 8 JSON column, say) only makes its
    block suspect, to be compared in full."""
    table = columns[0].table
    parts = [sa.func.ifnull(sa.func.concat(sa.func.char_length(c), ":", c), "~") for c in columns]
    row_hash = sa.func.md5(sa.func.concat_ws(",", *parts))
    bits = sa.cast(sa.func.conv(sa.func.left(row_hash, 16), 16, 10), mysql.BIGINT(unsigned=True))
    block = sa.func.floor((table.c.id - 1) / FINGERPRINT_ROWS)
    query = (sa.select(block, sa.func.bit_xor(bits)).where(in_runs(table.c.id, ranges))
             .group_by(block))
    found = {int(b): int(x) for b, x in connection.execute(query)}
    differing = {b for b, x in expected.items() if found.get(b) != x}
    return [rid for lo, hi in ranges for rid in range(lo, hi + 1)
            if (rid - 1) // FINGERPRINT_ROWS in differing]


def expected_rows(world: World, name: str, applied: set[str],
                  columns: list[sa.Column] | None = None) -> dict[int, tuple]:
    """{id: values of ``columns`` (default: all) in order} of the rows the seeds
    wrote to ``name``: the inserts, as changed by the updates of the ``applied``
    revisions, as the run's TERP version holds them (terpseed/schema_view.py)."""
    from terpseed.runtime import projected_update, update_written

    columns = [c.name for c in (columns if columns is not None else world.view.table(name).c)]
    expected = {row["id"]: dict(row) for row in world.physical(name)}
    for key, (revision, update) in world.updates.items():
        if update.table == name and revision in applied and update_written(world, update):
            rows, filled = projected_update(world.view, update, world.update_rows(key))
            for row in rows:
                if row["id"] in expected:  # not TERP's own rows, which the seed only updates
                    expected[row["id"]].update({c: row[c] for c in filled})
    world.release()
    return {rid: tuple(row[c] for c in columns) for rid, row in expected.items()}


def edited_rows(connection: sa.Connection, world: World, deleting: list[str],
                applied: set[str], hashing: "Hashing | None" = None,
                written: str | None = None) -> dict[str, list[int]]:
    """Seeded rows whose values are no longer what the seeds wrote (inserts, as
    changed by the updates of the ``applied`` revisions): {table: [ids]}.
    ``written``: the TERP version the seed was written for (``compared``).
    On MySQL, ``hashing`` is the server's fingerprinting if already started."""
    if connection.dialect.name == "mysql":  # reading every row back costs more than hashing
        suspects = (hashing or Hashing(connection, world, deleting, applied, written)).result()
    else:
        suspects = {name: None for name in deleting}
    edited: dict[str, list[int]] = {}
    for name, ids in suspects.items():
        table = world.view.table(name)
        if ids == []:
            continue
        columns = compared(world, name, written)
        wanted = expected_rows(world, name, applied, columns)
        if ids is None:
            rows = connection.execute(sa.select(*columns).where(in_runs(table.c.id, id_ranges(wanted))))
        else:
            rows = [row for start in range(0, len(ids), 500)
                    for row in connection.execute(sa.select(*columns).where(
                        in_runs(table.c.id, id_ranges(ids[start:start + 500]))))]
        changed = []
        for row in rows:
            seeded = wanted[row.id]
            # a tuple comparison settles almost every row; column by column
            # only where a datetime's microseconds or a JSON text differ in form
            if tuple(row) != seeded and not all(map(same_value, row, seeded, columns)):
                changed.append(row.id)
        if changed:
            edited[name] = sorted(changed)
    return edited


FINGERPRINT_CONNECTIONS = 2  # the server hashes two tables at once


class Hashing:
    """MySQL: the server fingerprints the seeded rows of every table being
    deleted (``fingerprint_suspects``), FINGERPRINT_CONNECTIONS tables at once
    on connections of their own with this connection's session settings (the
    time zone shapes TIMESTAMP text), in the background from the moment it is
    created; ``result()`` waits for {table: suspect ids}."""

    def __init__(self, connection: sa.Connection, world: World, deleting: list[str], applied: set[str],
                 written: str | None = None):
        self.deleting = list(deleting)
        self.columns = {name: compared(world, name, written) for name in deleting}
        work = []
        for name in deleting:
            columns = self.columns[name]
            updates = sorted(k for k, (rev, u) in world.updates.items() if u.table == name and rev in applied)
            tag = hashlib.sha256("\0".join(updates + [c.name for c in columns]).encode()).hexdigest()[:16]
            expected = world.cache.remember(
                f"fingerprints/{name}.{tag}",
                lambda: expected_fingerprints(columns, expected_rows(world, name, applied, columns)))
            ranges = seeded_ranges(world, name)
            work.append((sum(hi - lo + 1 for lo, hi in ranges), name, ranges, expected))
        work.sort(key=lambda item: -item[0])  # the largest first, for an even share
        self.session = tuple(connection.exec_driver_sql(
            "SELECT @@session.time_zone, @@session.sql_mode, @@session.character_set_client").one())
        self.engine = connection.engine
        self.pending: queue.SimpleQueue = queue.SimpleQueue()
        for item in work:
            self.pending.put(item)
        self.found: dict[str, list[int]] = {}
        self.errors: list[BaseException] = []
        self.stop = threading.Event()  # set on an error or by join(): take no more tables
        self.threads = [threading.Thread(target=self._hash_tables, name=f"terpseed-guard-{i}", daemon=True)
                        for i in range(min(FINGERPRINT_CONNECTIONS, len(work)))]
        for thread in self.threads:
            thread.start()

    def _hash_tables(self) -> None:
        try:
            with self.engine.connect() as own:
                own.exec_driver_sql("SET time_zone = %s, sql_mode = %s, NAMES %s", self.session)
                while not self.stop.is_set():
                    try:
                        _rows, name, ranges, expected = self.pending.get_nowait()
                    except queue.Empty:
                        break
                    self.found[name] = fingerprint_suspects(own, self.columns[name], ranges, expected)
                own.rollback()
        except BaseException as error:  # noqa: BLE001 - raised by result()
            self.errors.append(error)
            self.stop.set()

    def join(self) -> None:
        """Stop after the tables being hashed and wait (the run failed elsewhere)."""
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def result(self) -> dict[str, list[int]]:
        for thread in self.threads:
            thread.join()
        if self.errors:
            raise self.errors[0]
        return {name: self.found[name] for name in self.deleting}


def seeded_ranges(world: World, name: str) -> list[tuple[int, int]]:
    """The id runs of the rows the seeds write to ``name``."""
    if not world.written(name):
        return []  # a table that came after the version the seed was written for

    def compute():
        ranges = id_ranges(row["id"] for row in world.inserted(name))
        world.release()
        return ranges
    return world.cache.remember(f"ids/{name}", compute)
