"""Render seed SQL: Jinja templates, values and names quoted by the dialect.

Every value goes through the target dialect's own literal rendering (the
literal processor of the column's type from the schema model, as
``SQLCompiler.render_literal_value`` applies it), and every identifier
through its ``IdentifierPreparer``; nothing is spliced in with string
formatting.  The dialect is built with the ``named`` paramstyle, so ``%`` is
never doubled, and the SQL is executed with no parameters online and printed
as is offline: the same bytes either way.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import operator
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import jinja2
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, sqlite

from terpseed.errors import SeedError
from terpseed.schema import metadata as schema_metadata

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
DIALECTS = ("mysql", "sqlite")


def render_dialect(name: str) -> sa.engine.Dialect:
    """The dialect that renders SQL text for the backend ``name``."""
    if name == "mysql":
        dialect = mysql.dialect(paramstyle="named")
        dialect._backslash_escapes = True  # the session's sql_mode is pinned to match
        return dialect
    if name == "sqlite":
        return sqlite.dialect(paramstyle="named")
    raise SeedError(f"unknown dialect {name!r}; valid: {', '.join(DIALECTS)}")


_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def json_text(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept (byte-stable)."""
    return _CANONICAL_JSON.encode(value)




def literal_function(compiler, type_: sa.types.TypeEngine) -> Callable[[Any], str]:
    """The dialect's literal rendering of ``type_``, looked up once.

    This is what ``SQLCompiler.render_literal_value`` does on every call (the
    type's literal processor for the dialect; on MySQL, backslashes doubled
    as the session's sql_mode expects), without the per-call lookups: seeding
    renders millions of values.
    """
    dialect = compiler.dialect
    process = type_.dialect_impl(dialect).literal_processor(dialect)
    if process is None:  # pragma: no cover - every schema type has one
        raise SeedError(f"the {dialect.name} dialect cannot render {type_} literals")
    if getattr(dialect, "_backslash_escapes", False) and isinstance(type_, sa.String):
        # only text can hold a backslash: numbers and dates never do
        return lambda value: process(value).replace("\\", "\\\\")
    return process


Fast = Callable[[list], "list[str] | None"]


def _column_renderer(compiler, table: str, column: sa.Column) -> tuple[Callable[[Any], str], Fast]:
    """How one column's non-NULL values are checked and rendered: value by
    value (raising the error that names a bad value), and a chunk's values
    at once through C-level ``map``s when all of them are of the expected
    type and pass the column's checks as a whole (else None: the caller goes
    value by value).  Both give the same text."""
    col_type = column.type
    where = f"{table}.{column.name}"

    def bad(value, expected):
        raise SeedError(
            f"seed value for {where} ({col_type}) must be {expected},"
            f" the generator gave {value!r}"
        )

    def all_of(kind, values) -> bool:
        return set(map(type, values)) == {kind}

    if isinstance(col_type, sa.Boolean):
        known = {True: compiler.render_literal_value(True, col_type),
                 False: compiler.render_literal_value(False, col_type)}

        def render(value):
            if not isinstance(value, bool):
                bad(value, "a bool")
            return known[value]

        def fast(values):
            return list(map(known.__getitem__, values)) if all_of(bool, values) else None
    elif isinstance(col_type, sa.Integer):
        def render(value):
            if type(value) is not int:
                bad(value, "an int")
            return str(value)

        def fast(values):
            return list(map(str, values)) if all_of(int, values) else None
    elif isinstance(col_type, sa.Numeric):
        scale = col_type.scale or 0
        quantum = Decimal(1).scaleb(-scale)
        literal = literal_function(compiler, col_type)

        def render(value):
            if not isinstance(value, (Decimal, int)) or isinstance(value, bool):
                bad(value, "a Decimal or int")
            exact = Decimal(value).quantize(quantum)
            if exact != value:
                bad(value, f"exact to {scale} decimal places")
            return literal(exact)

        def fast(values):
            if not all_of(Decimal, values):
                return None
            distinct = list(set(values))
            exact = list(map(Decimal.quantize, distinct, itertools.repeat(quantum)))
            return _looked_up(values, dict(zip(distinct, map(literal, exact)))) if exact == distinct else None
    elif isinstance(col_type, sa.Enum):
        known = {value: compiler.render_literal_value(value, col_type) for value in col_type.enums}

        def render(value):
            try:
                return known[value]
            except (KeyError, TypeError):
                bad(value, "one of " + ", ".join(col_type.enums))

        def fast(values):
            return list(map(known.__getitem__, values)) \
                if all_of(str, values) and known.keys() >= set(values) else None
    elif isinstance(col_type, sa.JSON):
        literal = literal_function(compiler, sa.Text())

        def render(value):
            return literal(json_text(value))

        def fast(values):
            return None  # value by value: nothing to check at once
    elif isinstance(col_type, (sa.DateTime, sa.TIMESTAMP)):
        literal = literal_function(compiler, col_type)

        def render(value):
            if not isinstance(value, dt.datetime) or value.tzinfo is not None:
                bad(value, "a naive datetime (UTC)")
            return literal(value)

        def fast(values):
            return _each_once(literal, values) if all_of(dt.datetime, values) \
                and set(map(operator.attrgetter("tzinfo"), values)) == {None} else None
    elif isinstance(col_type, sa.Date):
        literal = literal_function(compiler, col_type)

        def render(value):
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                bad(value, "a date")
            return literal(value)

        def fast(values):
            return _each_once(literal, values) if all_of(dt.date, values) else None
    elif isinstance(col_type, sa.String):
        length = col_type.length
        literal = literal_function(compiler, col_type)

        def render(value):
            if not isinstance(value, str):
                bad(value, "a str")
            if length is not None and len(value) > length:
                bad(value, f"at most {length} characters")
            return literal(value)

        def fast(values):
            return list(map(literal, values)) if all_of(str, values) \
                and (length is None or max(map(len, values)) <= length) else None
    else:  # pragma: no cover - the schema model has no other types
        raise SeedError(f"no literal renderer for {where} ({col_type})")
    return render, fast


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def _each_once(literal: Callable[[Any], str], values: list) -> list[str]:
    """``literal`` of each value, called once per distinct value (a chunk's
    timestamps repeat more often than not)."""
    return _looked_up(values, {value: literal(value) for value in set(values)})


def _looked_up(values: list, texts: dict) -> list[str]:
    return list(map(texts.__getitem__, values))


def _bulk_renderer(column: sa.Column, typed: Callable[[Any], str], render: Callable[[Any], str],
                   fast: Fast) -> Callable[[list], list[str]]:
    """Renders a column's values of one chunk at once: ``fast`` where it can
    (the NULLs set aside in a nullable column), else value by value with
    ``typed`` (no NULLs) or ``render`` (any value), which raise the errors."""

    def bulk(values: list) -> list[str]:
        if not values:
            return []
        if None not in values:
            texts = fast(values)
            return texts if texts is not None else list(map(typed, values))
        present = [v for v in values if v is not None]
        texts = fast(present) if column.nullable and present else None
        if texts is None:
            return list(map(render, values))
        rest = iter(texts)
        return ["NULL" if v is None else next(rest) for v in values]

    return bulk


def _null(table: str, column: sa.Column) -> str:
    if not column.nullable:
        raise SeedError(f"seed value for {table}.{column.name} is NULL but the column is NOT NULL")
    return "NULL"


class SqlRenderer:
    """Renders templates for one dialect against the schema model."""

    def __init__(self, dialect_name: str, metadata: sa.MetaData = schema_metadata,
                 templates_dir: Path = TEMPLATES_DIR, bytecode_dir: Path | None = None):
        """``bytecode_dir``: where compiled templates are kept between runs
        (Jinja checks each against its template's source); none by default."""
        self.dialect_name = dialect_name
        self.dialect = render_dialect(dialect_name)
        self.metadata = metadata
        self._compiler = self.dialect.statement_compiler(self.dialect, None)
        self._preparer = self.dialect.identifier_preparer
        self._row_renderers: dict[tuple[str, tuple[str, ...]], Callable] = {}
        self._column_renderers: dict[tuple[str, str], tuple[Callable, Callable]] = {}
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            auto_reload=False,  # templates do not change during a run: no stat() per render
            bytecode_cache=_bytecode_cache(bytecode_dir),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            dialect=dialect_name,
            ident=self.ident,
            idents=self.idents,
            values=self.values,
            id_predicate=self.id_predicate,
            literal=self.literal,
            literal_text=self.literal_text,
        )

    # -- names -----------------------------------------------------------
    def ident(self, name: str) -> str:
        return self._preparer.quote(name)

    def idents(self, names: Sequence[str]) -> str:
        return ", ".join(self.ident(n) for n in names)

    # -- values ----------------------------------------------------------
    def table(self, name: str) -> sa.Table:
        try:
            return self.metadata.tables[name]
        except KeyError:
            raise SeedError(f"table {name!r} is not in the schema model") from None

    def column_renderer(self, table: str, column: str) -> Callable[[Any], str]:
        """Renders one column's values (NULL included), checked against the schema."""
        return self._renderers(table, column)[0]

    def bulk_renderer(self, table: str, column: str) -> Callable[[list], list[str]]:
        """Renders one column's values of a chunk at once (``_bulk_renderer``), the same text."""
        return self._renderers(table, column)[1]

    def _renderers(self, table: str, column: str) -> tuple[Callable[[Any], str], Callable[[list], list[str]]]:
        """(value by value, a chunk at once) for one column, made once."""
        key = (table, column)
        made = self._column_renderers.get(key)
        if made is None:
            sa_column = self.table(table).c[column]
            typed, fast = _column_renderer(self._compiler, table, sa_column)

            def render(value):
                return typed(value) if value is not None else _null(table, sa_column)

            made = self._column_renderers[key] = (render, _bulk_renderer(sa_column, typed, render, fast))
        return made

    def rows_renderer(self, table: str, columns: Sequence[str]) -> Callable[[list[dict]], str]:
        """Renders rows as the ``(...), (...)`` of a multi-row INSERT, each
        value checked against its column.  Column by column: each column's
        values go through its bulk renderer (``_bulk_renderer``), then the
        rows are joined."""
        key = (table, tuple(columns))
        renderer = self._row_renderers.get(key)
        if renderer is None:
            sa_table = self.table(table)
            missing = [c for c in columns if c not in sa_table.c]
            if missing:
                raise SeedError(f"template for {table} names columns not in the schema: {missing}")
            unlisted = [c.name for c in sa_table.c if c.name not in columns]
            if unlisted:
                raise SeedError(
                    f"template for {table} leaves out columns {unlisted}; a seed template"
                    " lists every column, so no value comes from a server default or the clock"
                )
            if columns[0] != "id":
                raise SeedError(f"template for {table} must list 'id' first")
            plan = [(operator.itemgetter(c), self.bulk_renderer(table, c)) for c in columns]
            expected = frozenset(columns)

            def renderer(rows: list[dict]) -> str:
                if set(map(len, rows)) - {len(expected)} or not all(map(expected.issuperset, rows)):
                    row = next(r for r in rows if r.keys() != expected)
                    raise SeedError(
                        f"generator row for {table} does not match its template:"
                        f" extra keys {sorted(set(row) - expected)}, missing keys {sorted(expected - set(row))}"
                    )
                rendered = [bulk(list(map(get, rows))) for get, bulk in plan]
                return "(" + "),\n(".join(map(", ".join, zip(*rendered))) + ")" if rows else ""

            self._row_renderers[key] = renderer
        return renderer

    def case_assignments(self, table: str, columns: Sequence[str], rows: Sequence[dict]) -> str:
        """``column = CASE id WHEN ... THEN ... END`` for each column, for an UPDATE."""
        parts = []
        for column in columns:
            render = self.column_renderer(table, column)
            whens = "\n        ".join(f"WHEN {row['id']} THEN {render(row[column])}" for row in rows)
            parts.append(f"{self.ident(column)} = CASE {self.ident('id')}\n        {whens}\n    END")
        return ",\n    ".join(parts)

    def values(self, table: str, columns: Sequence[str], rows: Iterable[dict]) -> str:
        return self.rows_renderer(table, columns)(list(rows))

    def literal(self, value: Any, type_: sa.types.TypeEngine) -> str:
        if value is None:
            return "NULL"
        return self._compiler.render_literal_value(value, type_)

    def literal_text(self, value: str) -> str:
        """A text literal, quoted by the dialect."""
        return self.literal(value, sa.String())

    def id_predicate(self, ranges: Sequence[tuple[int, int]], indent: int | None = None,
                     column: str = "id") -> str:
        """`` id BETWEEN a AND b`` (one run), or one run a line after OR.
        With ``indent``: the runs one a line, the first unprefixed, the next
        ones indented by that many spaces after ``OR``.  ``column``: another
        column holding ids than ``id``."""
        ident = self.ident(column)
        parts = [
            f"{ident} = {lo}" if lo == hi else f"{ident} BETWEEN {lo} AND {hi}"
            for lo, hi in ranges
        ]
        if indent is not None:
            return ("\n" + " " * indent + "OR ").join(parts)
        if len(parts) == 1:
            return " " + parts[0]
        return "\n    " + "\n    OR ".join(parts)

    # -- templates -------------------------------------------------------
    def render_rows(self, table: str, rows: list[dict], template: str = "_insert.sql.j2") -> str:
        """Rows of ``table`` as the seed's INSERT, every column of the model in its order."""
        return self.render(template, table=table, columns=[c.name for c in self.table(table).c], rows=rows)

    def render(self, template: str, **context: Any) -> str:
        try:
            return self.env.get_template(template).render(**context).strip()
        except jinja2.TemplateNotFound:
            raise SeedError(f"template {template!r} not found under {TEMPLATES_DIR}") from None


def id_ranges(ids: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted ids folded into inclusive (low, high) runs."""
    ranges: list[tuple[int, int]] = []
    for i in sorted(ids):
        if ranges and i == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], i)
        else:
            ranges.append((i, i))
    return ranges
