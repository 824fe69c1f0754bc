"""The checks: SQL files with a header, plus checks generated from the maps.

A hand-written check is ``checks/sql/NAME.sql``: a SELECT that returns the
offending rows (no rows: pass), after a header of ``-- key: value`` lines
(name, severity, tables, tags, description; optionally ``requires``: the
``table.column``s a check needs that not every TERP version has, without
which it is not part of that version's library).  It may use Jinja: the
macros of ``_dialect.sql.j2`` and a few values drawn from
terpseed/vocabulary.py, spelled as the version spells them.

Generated checks come from one place each: every reference of
terpseed/relations.py (declared foreign keys, undeclared references and
polymorphic type/id pairs), every vocabulary, numeric-text and JSON column of
terpseed/vocabulary.py, and the coverage of every table of the schema model.

The library is the library of one TERP schema version (``all_checks(view)``,
terpseed/schema_view.py): its tables, its references, its names and values
(``fulfillmentStatus`` READY_FOR_PACKING where TERP renamed PENDING); the
checks of a database are those of the version it holds (``checks_for``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import sqlalchemy as sa

from terpseed import relations, vocabulary
from terpseed.render import SqlRenderer
from terpseed.schema_view import SchemaView, view

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = Path(__file__).resolve().parent / "sql"
HEADER = re.compile(r"^-- (name|severity|tables|tags|description|requires): (.*)$")
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Check:
    name: str
    severity: str
    tables: tuple[str, ...]
    tags: tuple[str, ...]
    description: str
    template: str                      # template name under checks/sql
    context: dict = field(default_factory=dict, hash=False, compare=False)
    source: str = "library"            # library, reference, vocabulary, coverage
    requires: tuple[str, ...] = ()     # table.column a later TERP version added


def _parse_header(path: Path) -> dict:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = HEADER.match(line)
        if not match:
            break
        found[match.group(1)] = match.group(2).strip()
    missing = {"name", "severity", "tables", "tags", "description"} - set(found)
    if missing:
        raise ValueError(f"{path.name}: header lacks {sorted(missing)}")
    if found["name"] != path.stem or found["severity"] not in SEVERITIES:
        raise ValueError(f"{path.name}: name must be the file's name and severity one of {SEVERITIES}")
    return found


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _has(schema: SchemaView, key: str) -> bool:
    table, _, column = key.partition(".")
    return table in schema.metadata.tables and (not column or column in schema.metadata.tables[table].c)


def library_checks(schema: SchemaView | None = None) -> list[Check]:
    """The hand-written checks (of the newest version by default)."""
    schema = schema or view()
    checks = []
    for path in sorted(SQL_DIR.glob("*.sql")):
        h = _parse_header(path)
        needs = _split(h["tables"]) + _split(h.get("requires", ""))
        if all(_has(schema, key) for key in needs):
            checks.append(Check(h["name"], h["severity"], _split(h["tables"]), _split(h["tags"]),
                                h["description"], path.name, requires=_split(h.get("requires", ""))))
    return checks


def reference_checks(schema: SchemaView | None = None) -> list[Check]:
    schema = schema or view()
    checks = []
    for ref in relations.references(schema.metadata):
        kind = "fk" if ref.declared else "ref"
        what = "foreign key" if ref.declared else "undeclared reference"
        checks.append(Check(
            f"{kind}__{ref.table}__{ref.column}", "error", (ref.table, ref.target_table),
            ("references", "declared" if ref.declared else "undeclared"),
            f"{ref.table}.{ref.column} ({what}) names a {ref.target_table} row that does not exist.",
            "_reference.sql.j2", {"table": ref.table, "column": ref.column,
                                  "target_table": ref.target_table, "target_column": ref.target_column},
            "reference"))
    for (table, type_column, id_column), targets in relations.POLYMORPHIC.items():
        targets = {k: t for k, t in targets.items() if not isinstance(t, str) or t in schema.metadata.tables}
        if not targets or not _has(schema, f"{table}.{type_column}") or not _has(schema, f"{table}.{id_column}"):
            continue
        checks.append(Check(
            f"poly__{table}__{id_column}", "error",
            (table, *sorted({t for t in targets.values() if isinstance(t, str)})),
            ("references", "polymorphic"),
            f"{table}.{type_column}/{id_column} names an unknown type, or no row of the type's table"
            " (or, for a type with no table, another id than its one).",
            "_polymorphic.sql.j2", {"table": table, "type_column": type_column, "id_column": id_column,
                                    "targets": targets}, "reference"))
    return checks


def _in_version(schema: SchemaView, key: str) -> tuple[str, str] | None:
    """``table.column`` as a version names it; None when it lacks it."""
    table, column = key.split(".")
    if not schema.has(table) or schema.column(table, column) is None:
        return None
    return schema.name(table), schema.column(table, column)


def vocabulary_checks(schema: SchemaView | None = None) -> list[Check]:
    schema = schema or view()
    checks = []
    for key, values in vocabulary.VOCABULARIES.items():
        if (named := _in_version(schema, key)) is None:
            continue
        values = tuple(dict.fromkeys(schema.spelled(*key.split("."), v) for v in values))
        table, column = named
        key = f"{table}.{column}"
        checks.append(Check(f"vocab__{table}__{column}", "warning", (table,), ("vocabulary",),
                            f"{key} holds a value outside {', '.join(values)}.", "_vocabulary.sql.j2",
                            {"table": table, "column": column, "values": values}, "vocabulary"))
    for key, encoding in vocabulary.JSON_ENCODINGS.items():
        if (named := _in_version(schema, key)) is None:
            continue
        table, column = named
        key = f"{table}.{column}"
        how = "a JSON string holding JSON (TERP's double encoding)" if encoding == "stringified" \
            else f"a JSON {encoding}"
        checks.append(Check(f"json__{table}__{column}", "warning", (table,), ("json", "vocabulary"),
                            f"{key} is not {how}: the TERP code that reads it fails on the row.",
                            "_json_encoding.sql.j2", {"table": table, "column": column, "encoding": encoding},
                            "vocabulary"))
    for key in vocabulary.NUMERIC_TEXT:
        if (named := _in_version(schema, key)) is None:
            continue
        table, column = named
        key = f"{table}.{column}"
        if not isinstance(schema.metadata.tables[table].c[column].type, sa.String):
            continue  # TERP made it a number (0052): the column holds nothing else
        checks.append(Check(f"numeric__{table}__{column}", "error", (table,), ("money", "vocabulary"),
                            f"{key} is kept as text and holds something that is not a number.",
                            "_numeric_text.sql.j2", {"table": table, "column": column}, "vocabulary"))
    return checks


@functools.lru_cache(maxsize=None)
def seeded_tables() -> frozenset[str]:
    """The tables the seed chain writes (a Step of seeds/versions/*)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from terpseed.chain import seed_steps
    from terpseed.world import Step

    script = ScriptDirectory.from_config(Config(str(ROOT / "seed.ini")))
    return frozenset(step.table for _rev, step in seed_steps(script) if isinstance(step, Step))


def coverage_status(table: str) -> str:
    """What the seeds do with a TERP table: "seeded", "empty by design"
    (terpseed/vocabulary.py EMPTY_BY_DESIGN) or "not seeded yet"."""
    if table in vocabulary.EMPTY_BY_DESIGN:
        return "empty by design"
    return "seeded" if table in seeded_tables() else "not seeded yet"


def coverage_check(schema: SchemaView | None = None) -> Check:
    schema = schema or view()
    tables = tuple(sorted(t for t in schema.metadata.tables if t not in vocabulary.EMPTY_BY_DESIGN))
    return Check("empty_tables", "warning", tables, ("coverage",),
                 "A TERP table with no rows: the part of the application it serves shows nothing. Each is"
                 " named with what the seeds do with it: 'seeded' (they fill it) or 'not seeded yet' (a"
                 " domain still to come); the tables TERP keeps empty on purpose ("
                 + ", ".join(sorted(vocabulary.EMPTY_BY_DESIGN)) + ": terpseed/vocabulary.py) are not reported.",
                 "", {"tables": tables}, "coverage")


def all_checks(schema: SchemaView | None = None) -> list[Check]:
    """The library of a TERP version (default: the newest)."""
    schema = schema or view()
    checks = (library_checks(schema) + reference_checks(schema) + vocabulary_checks(schema)
              + [coverage_check(schema)])
    names = [c.name for c in checks]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"duplicate check names: {sorted(duplicates)}")
    return checks


class CheckRenderer:
    """Renders checks to SQL for one dialect (values through the dialect) and
    one TERP version (values as it spells them; default: the newest)."""

    def __init__(self, dialect: str, schema: SchemaView | None = None):
        self.dialect = dialect
        self.schema = schema or view()
        self.sql = SqlRenderer(dialect)
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(SQL_DIR)),
                                      undefined=jinja2.StrictUndefined, trim_blocks=True,
                                      lstrip_blocks=True, autoescape=False)
        self.env.globals.update(dialect=dialect, legal_workflow=self._legal_workflow(),
                                fulfilment_rank=self._fulfilment_rank)

    def literal(self, value: str) -> str:
        import sqlalchemy as sa

        return self.sql.literal(value, sa.String())

    def _legal_workflow(self) -> str:
        parts = []
        for source, targets in vocabulary.WORKFLOW_TRANSITIONS.items():
            # COALESCE: a NULL in any branch would make NOT (...) unknown and hide the row
            src = f"COALESCE(f.slug, {self.literal('')}) = {self.literal(source or '')}"
            dst = ", ".join(self.literal(t) for t in sorted(targets))
            parts.append(f"({src} AND t.slug IN ({dst}))")
        return "\n        OR ".join(parts)

    def _fulfilment_rank(self, expr: str) -> str:
        spelled = [self.schema.spelled("orders", "fulfillmentStatus", s) for s in vocabulary.FULFILLMENT_ORDER]
        whens = " ".join(f"WHEN {self.literal(s)} THEN {n}" for n, s in enumerate(spelled))
        return f"CASE {expr} {whens} END"

    def render(self, check: Check) -> str:
        if check.source == "coverage":
            return "\nUNION ALL\n".join(
                f"SELECT {self.literal(name)} AS table_name, {self.literal(coverage_status(name))} AS seeds"
                f" FROM (SELECT 1 AS x) AS one WHERE NOT EXISTS (SELECT 1 FROM {self.sql.ident(name)})"
                for name in check.context["tables"])
        context = dict(check.context)
        if "targets" in context:
            targets = context["targets"]
            context["known"] = ", ".join(self.literal(k) for k in sorted(targets))
            context["targets"] = [(self.literal(k), t) for k, t in sorted(targets.items()) if isinstance(t, str)]
            context["fixed"] = [(self.literal(k), t) for k, t in sorted(targets.items())
                                if isinstance(t, int) and not isinstance(t, bool)]
        if "values" in context:
            context["known"] = ", ".join(self.literal(v) for v in context["values"])
        text = self.env.get_template(check.template).render(**context)
        body = "\n".join(line for line in text.splitlines() if not HEADER.match(line))
        return body.strip()
