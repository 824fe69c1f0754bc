"""Schema drift preflight: would the live database take what this run writes?

Two halves:

* ``compare``: Alembic's own comparison (``compare_metadata``, with type and
  default comparison) of the tables the pending revisions touch with the
  model of the TERP version the run writes, plus, on SQLite, the ``CHECK (c IN
  (...))`` lists that stand for MySQL's enums there.  The result
  (``Comparison``: plain data) depends only on the model (the code) and the
  live schema, so with the seed cache on it is remembered under
  ``schema_snapshot``: a digest of the catalog of the model's tables
  (columns, keys, tables: information_schema on MySQL/MariaDB, sqlite_master
  on SQLite), read in one pass of a few milliseconds.  Any change to them
  changes the digest, and the comparison runs again.  Remembered, it is made
  of every table of the model, and a run takes the part of its own tables
  (``Comparison.of``): a downgrade one revision at a time compares once.
* ``judge``: each difference weighed against what THIS run writes
  (``Writes``: the pending revisions' rows as the run's version holds them,
  ``World.physical``, and their updates).  Breaking, an error: only what the
  run would trip on, judged as MySQL's strict mode would (on SQLite too, so a
  rehearsal there says what production will): a table or column its
  statements name that is missing, a value it writes that the column's enum
  lacks or that does not fit the column's type (a decimal with more digits, a
  text that does not parse as a number, a text longer than its varchar), NULL
  written into a NOT NULL column, a NOT NULL column without default that its
  INSERT leaves out.  An INSERT names every column of the version the run
  writes, so a missing column breaks it even where the run writes only NULL
  into it (the report says so); a downgrade's guard reads every column of
  the rows it deletes, so a missing column breaks that too, while an enum or
  a type it writes no value into does not.  Everything else is harmless, a warning: added tables,
  added nullable columns or columns with defaults, added enum values, other
  types that every value written fits, other defaults, keys.  A name or value
  the database holds under another TERP version's spelling (the version
  declarations, terpseed/schema/changes_*.py) is reported as a rename, with
  the version that renamed it.  Judging needs the rows only of the tables
  that differ; it runs every time (what the run writes is not part of the
  schema's digest) and reads the rows from the seed cache when it can.

``Verdict.block`` is the report: per table, errors first, then warnings, and
what to do for each kind of error (which ``-x schema``, which schema-chain
revision); ``Verdict.summary`` the one ``FAILED:`` line.  Keys (unique
constraints and foreign keys) are compared on MySQL/MariaDB only and are
warnings: a missing key cannot break the seed, and an extra unique key is
what the unique-key clash preflight checks row by row.  Indexes are not
compared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from terpseed.schema.versions import VERSIONS, SchemaVersion

KEYS = {"unique_constraint", "foreign_key_constraint"}


# --------------------------------------------------------------- the comparison
@dataclass(frozen=True)
class LiveType:
    """A column type as the database holds it, enough to tell whether a value fits."""

    text: str                        # as the database spells it
    kind: str                        # enum, string, decimal, integer, float, date, datetime, time, json, binary, other
    length: int | None = None        # string
    precision: int | None = None     # decimal
    scale: int | None = None         # decimal
    bits: int | None = None          # integer
    unsigned: bool = False           # integer
    values: tuple[str, ...] = ()     # enum


@dataclass(frozen=True)
class Difference:
    """One way the live schema differs from the model, in the model's names."""

    kind: str                        # table, missing, extra, type, nullable, default, key
    table: str
    column: str | None = None
    type: LiveType | None = None     # type, extra: the live column's type
    nullable: bool | None = None     # extra, nullable: the live column's nullability
    default: bool = False            # extra: the live column has a default (or counts itself)
    text: str = ""                   # key: what differs; default: the two defaults


@dataclass(frozen=True)
class Comparison:
    differences: tuple[Difference, ...]

    def of(self, tables: Iterable[str]) -> "Comparison":
        """The differences of ``tables`` alone."""
        wanted = set(tables)
        return Comparison(tuple(d for d in self.differences if d.table in wanted))


def _flatten(diffs: list) -> list[tuple]:
    out = []
    for diff in diffs:
        out += diff if isinstance(diff, list) else [diff]
    return out


def compare(connection: sa.Connection, tables: Iterable[str], model: sa.MetaData) -> Comparison:
    """The differences between the live ``tables`` and ``model`` (the TERP
    version the run writes), as plain data."""
    wanted = set(tables)
    dialect = connection.dialect
    sqlite = dialect.name == "sqlite"
    compare_keys = not sqlite  # SQLite reflects keys without their names

    def include(obj, name, type_, reflected, compare_to):
        if type_ == "index" or (type_ in KEYS and not compare_keys):
            return False
        if type_ == "table":
            return name in wanted
        return True

    context = MigrationContext.configure(connection, opts={
        "compare_type": True, "compare_server_default": True, "include_object": include})
    found: list[Difference] = []
    retyped: dict[tuple[str, str], LiveType] = {}
    for diff in _flatten(compare_metadata(context, model)):
        kind = diff[0]
        if kind == "add_table":
            found.append(Difference("table", diff[1].name))
        elif kind == "add_column":
            found.append(Difference("missing", diff[2], diff[3].name))
        elif kind == "remove_column":
            column = diff[3]
            counts_itself = column.autoincrement is True
            found.append(Difference("extra", diff[2], column.name, type=live_type(column.type, dialect),
                                    nullable=bool(column.nullable),
                                    default=column.server_default is not None or counts_itself))
        elif kind == "modify_type":
            _, _schema, table, column, _info, in_db, _in_model = diff
            retyped[(table, column)] = live_type(in_db, dialect)
        elif kind == "modify_nullable":
            _, _schema, table, column, _info, in_db, _in_model = diff
            found.append(Difference("nullable", table, column, nullable=bool(in_db)))
        elif kind == "modify_default":
            _, _schema, table, column, _info, in_db, in_model = diff
            found.append(Difference("default", table, column,
                                    text=f"{_default_text(in_db)} in the database, {_default_text(in_model)} in the model"))
        elif kind in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
            key = diff[1]
            where = "missing from the database" if kind.startswith("add") else "only in the database"
            columns = ", ".join(c.name for c in key.columns)
            found.append(Difference("key", key.table.name, text=f"key {key.name or '(unnamed)'} ({columns}): {where}"))
    if sqlite:
        retyped = _sqlite_enums(connection, model, wanted, retyped)
    for (table, column), live in sorted(retyped.items()):
        found.append(Difference("type", table, column, type=live))
    return Comparison(tuple(found))


CHECK_IN = re.compile(r'^\s*"?([^"\s]+)"?\s+IN\s*\((.*)\)\s*$', re.S)
QUOTED = re.compile(r"'((?:[^']|'')*)'")


def _sqlite_enums(connection, model: sa.MetaData, wanted: set[str],
                  retyped: dict[tuple[str, str], LiveType]) -> dict[tuple[str, str], LiveType]:
    """SQLite holds an enum as a VARCHAR and a ``CHECK (c IN (...))``, which
    Alembic does not compare: an enum column's type is its CHECK's values
    (a VARCHAR's length means nothing to SQLite)."""
    inspector = sa.inspect(connection)
    present = set(inspector.get_table_names())
    out = dict(retyped)
    for name in sorted(wanted & present & set(model.tables)):
        checks = {}
        for check in inspector.get_check_constraints(name):
            match = CHECK_IN.match(check.get("sqltext") or "")
            if match:
                values = tuple(v.replace("''", "'") for v in QUOTED.findall(match.group(2)))
                if values:
                    checks[match.group(1)] = values
        live_names = {c["name"]: c for c in inspector.get_columns(name)}
        for column in model.tables[name].c:
            if column.name not in live_names:
                continue
            model_values = tuple(getattr(column.type, "enums", None) or ())
            live_values = checks.get(column.name)
            key = (name, column.name)
            if live_values is not None:
                if sorted(live_values) == sorted(model_values):
                    out.pop(key, None)
                else:
                    out[key] = LiveType(f"ENUM({', '.join(map(repr, live_values))})", "enum", values=live_values)
            elif model_values:  # no CHECK: SQLite takes any text (a VARCHAR's length means nothing to it)
                out[key] = LiveType(str(live_names[column.name]["type"]), "string")
    return out


def _default_text(default) -> str:
    if default is None:
        return "none"
    arg = getattr(default, "arg", default)
    return str(getattr(arg, "text", arg))


INTEGER_BITS = {"TINYINT": 8, "SMALLINT": 16, "MEDIUMINT": 24, "BIGINT": 64}


def live_type(type_: sa.types.TypeEngine, dialect: sa.engine.Dialect) -> LiveType:
    text = _spelled(type_, dialect)
    if getattr(type_, "enums", None):
        return LiveType(text, "enum", values=tuple(type_.enums))
    if isinstance(type_, sa.Boolean):
        return LiveType(text, "integer", bits=1, unsigned=True)
    if isinstance(type_, sa.Integer):
        name = type(type_).__name__.upper()
        bits = INTEGER_BITS.get(name, 64 if isinstance(type_, sa.BigInteger) else
                                16 if isinstance(type_, sa.SmallInteger) else 32)
        return LiveType(text, "integer", bits=bits, unsigned=bool(getattr(type_, "unsigned", False)))
    if isinstance(type_, sa.Float):
        return LiveType(text, "float")
    if isinstance(type_, sa.Numeric):
        return LiveType(text, "decimal", precision=type_.precision, scale=type_.scale)
    if isinstance(type_, sa.JSON):
        return LiveType(text, "json")
    if isinstance(type_, sa.DateTime):
        return LiveType(text, "datetime")
    if isinstance(type_, sa.Date):
        return LiveType(text, "date")
    if isinstance(type_, sa.Time):
        return LiveType(text, "time")
    if isinstance(type_, sa.String):
        return LiveType(text, "string", length=getattr(type_, "length", None))
    if isinstance(type_, sa.LargeBinary):
        return LiveType(text, "binary")
    return LiveType(text, "other")


SNAPSHOT = {  # what the comparison can see of the live schema, minus statistics
    "mysql": [
        "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT, CREATE_OPTIONS"
        " FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
        "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, COLUMN_TYPE,"
        " CHARACTER_SET_NAME, COLLATION_NAME, EXTRA, COLUMN_COMMENT, IS_GENERATED, GENERATION_EXPRESSION"
        " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
        " ORDER BY TABLE_NAME, ORDINAL_POSITION",
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE"
        " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()"
        " ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION, REFERENCED_TABLE_SCHEMA"
        " = DATABASE(), REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME"
        " FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE()"
        " ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
        "SELECT TABLE_NAME, CONSTRAINT_NAME, UNIQUE_CONSTRAINT_NAME, MATCH_OPTION, UPDATE_RULE, DELETE_RULE,"
        " REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS"
        " WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME",
    ],
    "sqlite": ["SELECT tbl_name, type, name, sql FROM sqlite_master ORDER BY tbl_name, type, name"],
}  # each row starts with its table's name


def schema_snapshot(connection: sa.Connection, tables: Iterable[str]) -> str:
    """A digest of the live schema of ``tables`` as the comparison sees it:
    equal digests, equal ``compare`` results (for one model)."""
    dialect = connection.dialect
    wanted = set(tables)
    digest = hashlib.sha256(f"{dialect.name}\0{dialect.server_version_info}\0{sorted(wanted)}".encode())
    for query in SNAPSHOT[dialect.name]:
        rows = [tuple(row) for row in connection.exec_driver_sql(query) if row[0] in wanted]
        digest.update(repr(rows).encode())
    return digest.hexdigest()[:32]


# --------------------------------------------------------------- what the run writes
class Writes:
    """What the pending revisions write, per table as the run's TERP version
    names it: the rows its upgrades insert (``World.physical``), the columns
    its updates fill (both ways), the tables its downgrades delete from.
    Rows are read only for the tables and columns asked about."""

    def __init__(self, world, pending: list):
        from terpseed.world import Step, update_key

        self.world = world
        self.view = world.view
        self.inserts: dict[str, str] = {}     # table (run's name): generated table
        self.deletes: dict[str, str] = {}
        self.updates: dict[str, list] = defaultdict(list)  # table: [(key, Update, upgrading)]
        for s in pending:
            for step in getattr(s.revision.module, "STEPS", ()):
                if not self.view.has(step.table):
                    continue
                name = self.view.name(step.table)
                if isinstance(step, Step):
                    (self.inserts if s.is_upgrade else self.deletes)[name] = step.table
                else:
                    self.updates[name].append((update_key(s.revision.revision, step), step, s.is_upgrade))
        self._counts: dict[str, int] = {}

    def tables(self) -> set[str]:
        return set(self.inserts) | set(self.deletes) | set(self.updates)

    def inserted(self, table: str) -> int:
        """How many rows the run inserts into ``table``."""
        if table not in self.inserts:
            return 0
        if table not in self._counts:
            from terpseed.guard import seeded_ranges

            self._counts[table] = sum(hi - lo + 1 for lo, hi in seeded_ranges(self.world, self.inserts[table]))
        return self._counts[table]

    def _update_rows(self, key: str, update, upgrading: bool) -> tuple[list[dict], list[str]]:
        from terpseed.runtime import projected_update

        rows = self.world.update_rows(key)
        if not upgrading:
            rows = self.world.previous_values(key, update, rows)
        return projected_update(self.view, update, rows)

    def naming(self, table: str, column: str) -> str | None:
        """Why the run's statements need ``column`` of ``table`` to be there
        (None: they do not)."""
        rows = self.inserted(table)
        if rows:
            return f"the INSERT of its {_rows(rows)} names every column"
        if table in self.deletes:
            return "the downgrade's guard reads every column of the rows it deletes"
        for key, update, upgrading in self.updates.get(table, ()):
            rows, columns = self._update_rows(key, update, upgrading)
            if rows and column in columns:
                return f"the update {update.key} sets it on {_rows(len(rows))}"
        return None

    def touches(self, table: str) -> str | None:
        """Why the run's statements need ``table`` to be there (None: it writes nothing to it)."""
        if self.inserted(table):
            return f"this run inserts {_rows(self.inserted(table))} into it"
        if table in self.deletes:
            return "this run deletes its seeded rows"
        for key, update, upgrading in self.updates.get(table, ()):
            rows, columns = self._update_rows(key, update, upgrading)
            if rows and columns:
                return f"the update {update.key} sets {_rows(len(rows))}"
        return None

    def values(self, table: str, columns: Iterable[str]) -> dict[str, list[tuple[int, object]]]:
        """{column: [(row id, value), ...]} of what the run writes into ``columns``."""
        out: dict[str, list[tuple[int, object]]] = {c: [] for c in columns}
        if not out:
            return out
        if self.inserted(table):
            generated = self.inserts[table]
            projection = self.view.projection(generated)
            back = {target: source for source, target in projection.columns.items() if target}
            if all(column in back for column in out):  # generated columns: their values, projected
                rows = self.world.inserted(generated)
                for column, found in out.items():
                    source, value = back[column], projection.values.get(column)
                    found += [(row["id"], value(row[source]) if value else row[source]) for row in rows]
            else:  # a column a later version added: what its provider gives (World.physical)
                for row in self.world.physical(generated):
                    for column, found in out.items():
                        if column in row:
                            found.append((row["id"], row[column]))
            self.world.release()
        for key, update, upgrading in self.updates.get(table, ()):
            rows, _columns = self._update_rows(key, update, upgrading)
            for row in rows:
                for column, found in out.items():
                    if column in row:
                        found.append((row["id"], row[column]))
        return out


# --------------------------------------------------------------- the verdict
@dataclass(frozen=True)
class Problem:
    table: str
    kind: str          # renamed, table, column, enum, type, null, extra; warnings: harmless
    breaking: bool
    text: str


FIX_ORDER = ("renamed", "table", "column", "enum", "type", "null", "extra")


@dataclass
class Verdict:
    """The drift of one run: its problems, and what to do about them."""

    shown_url: str
    writes: SchemaVersion              # the version the run writes
    holds: str = ""                    # what the database holds (terpseed/recognise.py), when it differs
    problems: list[Problem] = field(default_factory=list)
    fixes: dict[str, str] = field(default_factory=dict)   # kind: what to do
    version_fix: str = ""              # -x schema / schema chain, when the database holds another version

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.breaking]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.breaking]

    def error_tables(self) -> list[str]:
        return sorted({p.table for p in self.errors})

    def block(self, let_through: bool = False) -> str:
        """The report: per table, errors first, then warnings; then what to do."""
        errors, warnings = len(self.errors), len(self.warnings)
        tables = sorted({p.table for p in self.problems}, key=lambda t: (t not in self.error_tables(), t))
        held = f"; the database holds {self.holds}" if self.holds else ""
        if errors:
            counted = f"{errors} error{'s' if errors != 1 else ''}" + \
                (" (let through: -x preflight=warn)" if let_through else "") + \
                f", {warnings} warning{'s' if warnings != 1 else ''}"
            head = "preflight"
        else:
            counted = f"{warnings} warning{'s' if warnings != 1 else ''}, none breaks this run"
            head = "preflight warning"
        lines = [f"{head}: {self.shown_url} differs from TERP's schema of {self.writes.date},"
                 f" which this run writes{held}: {counted}, in {len(tables)} table{'s' if len(tables) != 1 else ''}"]
        for table in tables:
            lines.append(f"  {table}")
            mine = [p for p in self.problems if p.table == table]
            for problem in [p for p in mine if p.breaking] + [p for p in mine if not p.breaking]:
                lines.append(f"    {'error  ' if problem.breaking else 'warning'}  {problem.text}")
        if errors:
            lines.append("  what to do:")
            if self.version_fix:
                lines.append(f"    {self.version_fix}")
            for kind in FIX_ORDER:
                if kind == "renamed" and self.version_fix:
                    continue  # the version fix is the fix
                if kind in self.fixes and any(p.kind == kind for p in self.errors):
                    lines.append(f"    {self.fixes[kind]}")
            if not let_through:
                lines.append("    or, knowing the seeds will trip, -x preflight=warn goes on anyway: the statement"
                             " that fails ends the run, and the revisions before it stay committed")
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        """The one FAILED line: what, where, and the fix."""
        tables = self.error_tables()
        errors = len(self.errors)
        shown = ", ".join(tables[:8]) + (", ..." if len(tables) > 8 else "")
        first = self.version_fix or next(
            (self.fixes[k] for k in FIX_ORDER if k in self.fixes and any(p.kind == k for p in self.errors)), "")
        return (f"{self.shown_url} has drifted from TERP's schema of {self.writes.date}, which this run writes:"
                f" {errors} error{'s' if errors != 1 else ''} in {len(tables)} table{'s' if len(tables) != 1 else ''}"
                f" ({shown}), listed above; nothing was written. What to do: {first}."
                " Or, knowing the seeds will trip, -x preflight=warn")


def judge(connection: sa.Connection, comparison: Comparison, writes: Writes, shown_url: str) -> Verdict:
    """Weigh each difference against what the run writes (see the module docstring)."""
    view = writes.view
    run_version = view.version
    model = view.metadata
    dialect = connection.dialect
    verdict = Verdict(shown_url, run_version)
    problems: list[Problem] = []
    by_table: dict[str, list[Difference]] = defaultdict(list)
    for difference in comparison.differences:
        by_table[difference.table].append(difference)
    live_tables: set[str] | None = None

    for table in sorted(by_table):
        differences = by_table[table]
        extras = {d.column: d for d in sorted((d for d in differences if d.kind == "extra"),
                                              key=lambda d: (d.column.lower(), d.column))}
        renamed_extras: set[str] = set()

        if any(d.kind == "table" for d in differences):
            if live_tables is None:
                live_tables = set(sa.inspect(connection).get_table_names())
            problems.append(_missing_table(table, run_version, writes, live_tables))
            continue

        missing_plain: dict[str, list[str]] = defaultdict(list)  # why the run needs them: columns
        for difference in [d for d in differences if d.kind == "missing"]:
            column = difference.column
            need = writes.naming(table, column)
            other = next(((step, way, name) for step, way, _t, name in other_names(run_version, table, column)
                          if name in extras), None)
            if other is not None:
                step, way, name = other
                renamed_extras.add(name)
                said = (f"{column}: renamed {'to' if way == 'newer' else 'from'} {name} in TERP's schema of"
                        f" {step.date}; the database holds the {way} name")
                problems.append(Problem(table, "renamed", need is not None,
                                        f"{said}, and {need}" if need else f"{said} (this run writes nothing to it)"))
            elif need:
                missing_plain[need].append(column)
            else:
                problems.append(Problem(table, "harmless", False,
                                        f"{column}: missing (this run writes nothing to it)"))
        for need, columns in missing_plain.items():
            spelled = ", ".join(f"{c} ({_column_ddl(model.tables[table].c[c], dialect)})" for c in columns)
            nulls = _only_nulls(writes, table, columns)
            note = (f"; it writes only NULL into {', '.join(nulls)}, but names"
                    f" {'them' if len(nulls) > 1 else 'it'} all the same") if nulls else ""
            problems.append(Problem(table, "column", True,
                                    f"missing column{'s' if len(columns) > 1 else ''} {spelled}: {need}{note}"))

        harmless_extra = []
        for name, difference in extras.items():
            if name in renamed_extras:
                continue
            if not difference.nullable and not difference.default:
                rows = writes.inserted(table)
                said = f"{name}: {difference.type.text} NOT NULL without a default, not in TERP's schema of {run_version.date}"
                if rows:
                    problems.append(Problem(table, "extra", True,
                                            f"{said}: the INSERT of its {_rows(rows)} leaves it out"))
                else:
                    problems.append(Problem(table, "harmless", False, f"{said} (this run inserts no rows)"))
            else:
                harmless_extra.append(name)
        if harmless_extra:
            problems.append(Problem(table, "harmless", False,
                                    f"{'columns' if len(harmless_extra) > 1 else 'column'} {', '.join(harmless_extra)}"
                                    f" only in the database, nullable or with a default: the INSERT leaves"
                                    f" {'them' if len(harmless_extra) > 1 else 'it'} out"))

        valued = [d for d in differences if d.kind in ("type", "nullable")]
        if valued:
            written = writes.values(table, sorted({d.column for d in valued}))
            for difference in valued:
                column = model.tables[table].c[difference.column]
                if difference.kind == "type":
                    problems += _type_problems(table, column, difference.type, written[difference.column],
                                               run_version, dialect)
                else:
                    problems.append(_nullable_problem(table, column, difference, written[difference.column],
                                                      run_version))

        defaults = [d.column for d in differences if d.kind == "default"]
        if defaults:
            problems.append(Problem(table, "harmless", False,
                                    f"other default{'s' if len(defaults) > 1 else ''} on {', '.join(defaults)}"
                                    f" (the seeds write every column)"))
        for difference in differences:
            if difference.kind == "key":
                problems.append(Problem(table, "harmless", False, difference.text))

    verdict.problems = problems
    if verdict.errors:  # what to do: it depends on the version the database holds
        _advise(connection, verdict, model)
    return verdict


def _missing_table(table: str, run_version: SchemaVersion, writes: Writes, live_tables: set[str]) -> Problem:
    need = writes.touches(table)
    other = next(((step, way, name) for step, way, name, _c in other_names(run_version, table, None)
                  if name in live_tables), None)
    if other is not None:
        step, way, name = other
        said = (f"table renamed {'to' if way == 'newer' else 'from'} {name} in TERP's schema of {step.date};"
                f" the database holds the {way} name")
        return Problem(table, "renamed", need is not None, f"{said}, and {need}" if need else said)
    if need:
        return Problem(table, "table", True, f"table missing: {need}")
    return Problem(table, "harmless", False, "table missing (this run writes nothing to it)")


def _only_nulls(writes: Writes, table: str, columns: list[str]) -> list[str]:
    """The columns among ``columns`` into which the run writes only NULL."""
    if not writes.inserted(table) and not writes.updates.get(table):
        return []
    written = writes.values(table, columns)
    return [c for c in columns if written[c] and all(v is None for _id, v in written[c])]


def _spelled(type_: sa.types.TypeEngine, dialect) -> str:
    """A type as MySQL spells it (an enum as ENUM(...) on SQLite too, where it is a VARCHAR and a CHECK)."""
    if getattr(type_, "enums", None):
        return f"ENUM({', '.join(map(repr, type_.enums))})"
    try:
        return str(type_.compile(dialect=dialect))
    except Exception:  # noqa: BLE001 - a type the dialect cannot spell: its repr will do
        return str(type_)


def _column_ddl(column: sa.Column, dialect) -> str:
    return f"{_short(_spelled(column.type, dialect))} {'NULL' if column.nullable else 'NOT NULL'}"


def _short(text: str, limit: int = 60) -> str:
    """A long type (an enum's values) cut at a value: ``ENUM('A', 'B', ...)``."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(", ", 1)[0]
    return cut + (", ...)" if cut != text[:limit] else " ...")


def _holds_enum_of(live: LiveType, other: SchemaVersion, table: str, column: str) -> bool:
    """Whether the live enum is the one ``other`` version gives the column
    (a value folded into one the run's version has too, ACCEPTED into
    CONVERTED, is a rename only on a database that holds that version's enum)."""
    found = other.metadata.tables.get(table)
    if found is None or column not in found.c:
        return False
    return sorted(getattr(found.c[column].type, "enums", None) or ()) == sorted(live.values)


def _rows(n: int) -> str:
    return f"{n:,} row{'s' if n != 1 else ''}"


def _sample(found: list[tuple[int, object]]) -> str:
    rid, value = found[0]
    more = f", and {len(found) - 1:,} more" if len(found) > 1 else ""
    return f"{value!r} (id {rid}){more}"


def _type_problems(table: str, column: sa.Column, live: LiveType, written: list[tuple[int, object]],
                   run_version: SchemaVersion, dialect) -> list[Problem]:
    model_text = _spelled(column.type, dialect)
    model_values = tuple(getattr(column.type, "enums", None) or ())
    name = column.name
    if live.kind == "enum":
        out = []
        lacking: dict[object, list[int]] = defaultdict(list)
        for rid, value in written:
            if value is not None and value not in live.values:
                lacking[value].append(rid)
        renamed: dict[tuple, list[str]] = defaultdict(list)  # (step, way, how): ["'old' (n rows) -> 'new'"]
        plain: list[str] = []
        for value in sorted(lacking, key=repr):
            ids = lacking[value]
            held = f"{value!r} ({_rows(len(ids))}, id {ids[0]}{', ...' if len(ids) > 1 else ''})"
            other = next(((step, way, new, how) for step, way, new, how, there in
                          other_values(run_version, table, name, value)
                          if new in live.values and (new not in model_values or _holds_enum_of(live, *there))),
                         None)
            if other is None:
                plain.append(held)
            else:
                step, way, new, how = other
                renamed[(step.date, way, how)].append(f"{held} {'->' if way == 'newer' else '<-'} {new!r}")
        for (date, way, how), pairs in sorted(renamed.items()):
            values = "value" if len(pairs) == 1 else "values"
            out.append(Problem(table, "renamed", True,
                               f"{name}: the database's enum lacks {'a value' if len(pairs) == 1 else 'values'}"
                               f" this run writes, {how} in TERP's schema of"
                               f" {date} (the database holds the {way} {values}): {', '.join(pairs)}"))
        if plain:
            out.append(Problem(table, "enum", True,
                               f"{name}: the database's enum lacks {', '.join(plain)}, which this run writes;"
                               f" TERP's schema of {run_version.date} has {model_text}"))
        unwritten = [v for v in model_values if v not in live.values and v not in lacking]
        if unwritten:
            out.append(Problem(table, "harmless", False,
                               f"{name}: the database's enum lacks {', '.join(map(repr, unwritten))},"
                               " which this run does not write"))
        extra = [v for v in live.values if v not in model_values] if model_values else []
        if extra:
            out.append(Problem(table, "harmless", False,
                               f"{name}: the database's enum also allows {', '.join(map(repr, extra))}"))
        if not model_values and not lacking:
            out.append(Problem(table, "harmless", False,
                               f"{name}: an enum in the database, {model_text} in TERP's schema of"
                               f" {run_version.date}: every value this run writes is one of it"))
        return out
    misfits: dict[str, list[tuple[int, object]]] = defaultdict(list)
    for rid, value in written:
        why = misfit(value, live)
        if why:
            misfits[why].append((rid, value))
    said = (f"{name}: {_short(live.text)} in the database, {_short(model_text)} in TERP's schema of"
            f" {run_version.date}")
    if misfits:
        count = sum(map(len, misfits.values()))
        reasons = "; ".join(f"{why}: {_sample(found)}" for why, found in sorted(misfits.items()))
        return [Problem(table, "type", True, f"{said}: {count:,} values this run writes do not fit ({reasons})")]
    if model_values:
        return [Problem(table, "harmless", False, f"{name}: no enum in the database ({_short(live.text)}):"
                                                  " every value this run writes fits")]
    if not written:
        return [Problem(table, "harmless", False, f"{said}: this run writes nothing to it")]
    return [Problem(table, "harmless", False, f"{said}: every value this run writes fits")]


def _nullable_problem(table: str, column: sa.Column, difference: Difference,
                      written: list[tuple[int, object]], run_version: SchemaVersion) -> Problem:
    if difference.nullable:
        return Problem(table, "harmless", False,
                       f"{column.name}: nullable in the database, NOT NULL in TERP's schema of {run_version.date}")
    nulls = [(rid, v) for rid, v in written if v is None]
    said = f"{column.name}: NOT NULL in the database, nullable in TERP's schema of {run_version.date}"
    if nulls:
        return Problem(table, "null", True, f"{said}: this run writes NULL into it on {_rows(len(nulls))}"
                                            f" (id {nulls[0][0]}, ...)")
    return Problem(table, "harmless", False, f"{said}: this run writes no NULL into it")


# --------------------------------------------------------------- values against a type
def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def misfit(value, live: LiveType) -> str | None:
    """Why ``value`` would not go into a column of ``live`` type as MySQL's
    strict mode takes it (None: it fits, unchanged)."""
    if value is None:
        return None
    kind = live.kind
    if kind == "enum":
        return None if isinstance(value, str) and value in live.values else "not one of its values"
    if kind == "string":
        if isinstance(value, bytes):
            return "bytes"
        if live.length is not None and len(_text(value)) > live.length:
            return f"longer than {live.length} characters"
        return None
    if kind in ("decimal", "integer", "float"):
        number = _number(value)
        if number is None:
            return "not a number"
        if kind == "decimal":
            scale = live.scale or 0
            if live.precision is not None and abs(number) >= Decimal(10) ** (live.precision - scale):
                return f"more than {live.precision - scale} digits before the point"
            try:
                exact = number == number.quantize(Decimal(1).scaleb(-scale))
            except InvalidOperation:
                exact = False
            if not exact:
                return f"more than {scale} decimals"
        if kind == "integer":
            if number != number.to_integral_value():
                return "not a whole number"
            bits = live.bits or 32
            if bits == 1:
                low, high = 0, 1
            elif live.unsigned:
                low, high = 0, 2 ** bits - 1
            else:
                low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
            if not low <= number <= high:
                return f"outside {low}..{high}"
        return None
    if kind == "date":
        if isinstance(value, dt.datetime):
            return None if value.time() == dt.time() else "has a time of day"
        if isinstance(value, dt.date):
            return None
        return None if isinstance(value, str) and _parses(dt.date.fromisoformat, value) else "not a date"
    if kind == "datetime":
        if isinstance(value, dt.date):
            return None
        return None if isinstance(value, str) and _parses(dt.datetime.fromisoformat, value) else "not a date and time"
    if kind == "time":
        return None if isinstance(value, (dt.time, dt.timedelta, str)) else "not a time"
    if kind == "json":
        if isinstance(value, str):
            return None if _parses(json.loads, value) else "not JSON"
        return None
    if kind == "binary":
        return None if isinstance(value, (bytes, str)) else "not bytes"
    return f"of a type the seeds cannot check against {live.text}"


def _parses(parse, text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------- renames across versions
def other_names(run_version: SchemaVersion, table: str, column: str | None) -> list[tuple]:
    """(step, 'newer'|'older', table, column): what ``table`` (and ``column``)
    of the run's version are called in the other TERP versions, by the
    version declarations, nearest first; only where the name changed."""
    index = VERSIONS.index(run_version)
    out = []
    name, col = table, column
    for step in VERSIONS[index + 1:]:
        changes = step.changes
        new = changes.renamed_tables.get(name, name)
        new_col = changes.renamed_columns.get(new, {}).get(col, col) if col else None
        if (new, new_col) != (name, col):
            out.append((step, "newer", new, new_col))
        name, col = new, new_col
    name, col = table, column
    for step in reversed(VERSIONS[1:index + 1]):
        changes = step.changes
        back_col = {new: old for old, new in changes.renamed_columns.get(name, {}).items()}
        old_col = back_col.get(col, col) if col else None
        old = {new: old for old, new in changes.renamed_tables.items()}.get(name, name)
        if (old, old_col) != (name, col):
            out.append((step, "older", old, old_col))
        name, col = old, old_col
    return out


def other_values(run_version: SchemaVersion, table: str, column: str, value) -> list[tuple]:
    """(step, 'newer'|'older', value, 'renamed'|'converted', (version, table,
    column)): how ``value`` of ``table.column`` reads in the other TERP
    versions (renamed_values, converted_values), nearest first, only where it
    changed; with the version that spells it so and its names there."""
    index = VERSIONS.index(run_version)
    out = []
    name, col, current = table, column, value
    for step in VERSIONS[index + 1:]:
        changes = step.changes
        name = changes.renamed_tables.get(name, name)
        col = changes.renamed_columns.get(name, {}).get(col, col)
        key = f"{name}.{col}"
        new, how = current, "renamed"
        if key in changes.renamed_values:
            new = dict(changes.renamed_values[key]).get(new, new)
        if key in changes.converted_values and new == current:
            new, how = changes.converted_values[key](current), "converted"
        if new != current:
            out.append((step, "newer", new, how, (step, name, col)))
        current = new
    name, col, current = table, column, value
    for step in reversed(VERSIONS[1:index + 1]):
        changes = step.changes
        key = f"{name}.{col}"
        back: dict = {}
        for old, new in sorted(dict(changes.renamed_values.get(key, {})).items()):
            back.setdefault(new, old)
        col = {new: old for old, new in changes.renamed_columns.get(name, {}).items()}.get(col, col)
        name = {new: old for old, new in changes.renamed_tables.items()}.get(name, name)
        if current in back:
            out.append((step, "older", back[current], "renamed", (VERSIONS[VERSIONS.index(step) - 1], name, col)))
            current = back[current]
    return out


# --------------------------------------------------------------- what to do
def _held(connection, run_version: SchemaVersion) -> tuple[SchemaVersion, str]:
    """The version the database holds (terpseed/recognise.py), and how the
    report says it when it is not the run's ("" when it is)."""
    from terpseed.recognise import recognise

    found = recognise(connection)
    if found.version is run_version:
        return found.version, ""
    return found.version, f"TERP's schema of {found.version.date}" + ("" if found.exact else " (nearest)")


def _advise(connection, verdict: Verdict, model: sa.MetaData) -> None:
    run_version = verdict.writes
    held, verdict.holds = _held(connection, run_version)
    date = run_version.date
    chain = "alembic_version" in sa.inspect(connection).get_table_names()
    if held is not run_version:
        way = "upgrade" if VERSIONS.index(held) < VERSIONS.index(run_version) else "downgrade"
        stamp = "" if chain else f" (first `alembic stamp {held.revision}`: its schema was not built by the chain)"
        verdict.version_fix = (f"the database holds TERP's schema of {held.date}: seed that version, -x schema={held.date};"
                               f" or take the database to TERP's schema of {date} with the schema chain,"
                               f" `alembic {way} {run_version.revision}`{stamp}")
    ddl = f"../shared/terp/{run_version.ddl}"
    verdict.fixes = {
        "renamed": f"renamed names or values: rename them back to TERP's spelling of {date} (as in {ddl}), or seed the"
                   " version that spells them so (-x schema)",
        "table": f"missing tables: create them as TERP's schema of {date} defines them ({ddl})",
        "column": f"missing columns: add them as TERP's schema of {date} defines them ({ddl});"
                  " the seeds' INSERT names every column of the version they write",
        "enum": f"enum values the database lacks: give the column TERP's enum of {date} ({ddl})",
        "type": f"values that do not fit: give the column TERP's type of {date} ({ddl})",
        "null": f"NOT NULL columns the run writes NULL into: make them nullable as TERP's schema of {date} has them",
        "extra": "NOT NULL columns without a default that TERP's schema does not have: give them a default,"
                 " make them nullable or drop them",
    }


__all__ = ["Comparison", "Difference", "LiveType", "Problem", "Verdict", "Writes", "compare", "judge",
           "misfit", "other_names", "other_values", "schema_snapshot"]
