"""Run checks against a database, read-only, and collect what they find."""

from __future__ import annotations

import fnmatch
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from checks.library import Check, CheckRenderer
from terpseed.errors import SeedError


@dataclass
class Result:
    check: Check
    count: int
    columns: list[str] = field(default_factory=list)
    sample: list[tuple] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.count == 0


def select(checks: list[Check], patterns: list[str], exclude: list[str] | None = None) -> list[Check]:
    """Checks matching any pattern: a name (globs allowed), tag:NAME or severity:LEVEL."""

    def matches(check: Check, pattern: str) -> bool:
        if pattern.startswith("tag:"):
            return pattern[4:] in check.tags
        if pattern.startswith("severity:"):
            return check.severity == pattern[9:]
        return fnmatch.fnmatchcase(check.name, pattern)

    chosen = [c for c in checks if not patterns or any(matches(c, p) for p in patterns)]
    return [c for c in chosen if not any(matches(c, p) for p in exclude or [])]


def _read_only(connection: sa.Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA query_only = ON")
    else:
        connection.exec_driver_sql("SET SESSION TRANSACTION READ ONLY")


def missing_tables(connection: sa.Connection, checks: list[Check]) -> list[str]:
    present = set(sa.inspect(connection).get_table_names())
    needed = {t for c in checks if c.source != "coverage" for t in c.tables}
    return sorted(needed - present)


def applicable(connection: sa.Connection, checks: list[Check]) -> list[Check]:
    """The checks the database's TERP version can answer: those whose required
    columns (``-- requires:``, columns a later version added) it has."""
    inspector = sa.inspect(connection)
    present = set(inspector.get_table_names())
    columns: dict[str, set[str]] = {}

    def has(key: str) -> bool:
        table, column = key.split(".")
        if table not in present:
            return False
        if table not in columns:
            columns[table] = {c["name"] for c in inspector.get_columns(table)}
        return column in columns[table]

    return [c for c in checks if all(has(key) for key in c.requires)]


def run(connection: sa.Connection, checks: list[Check], sample: int = 5) -> list[Result]:
    """Run every check the database's version can answer (``applicable``); the
    session is read-only, so nothing can be written."""
    checks = applicable(connection, checks)
    missing = missing_tables(connection, checks)
    if missing:
        raise SeedError(
            f"the checks cannot run: the database lacks the table(s) {', '.join(missing)};"
            " point --url at a TERP database or select checks that do not need them"
        )
    _read_only(connection)
    renderer = CheckRenderer("sqlite" if connection.dialect.name == "sqlite" else "mysql")
    no_params = {"no_parameters": True}
    results = []
    for check in checks:
        sql = renderer.render(check)
        started = time.perf_counter()
        count = connection.exec_driver_sql(
            f"SELECT COUNT(*) FROM (\n{sql}\n) AS found", execution_options=no_params).scalar_one()
        result = Result(check, int(count))
        if count:
            rows = connection.exec_driver_sql(
                f"SELECT * FROM (\n{sql}\n) AS found LIMIT {int(sample)}", execution_options=no_params)
            result.columns = list(rows.keys())
            result.sample = [tuple(r) for r in rows]
        result.seconds = time.perf_counter() - started
        results.append(result)
    connection.rollback()
    return results


def row_counts(connection: sa.Connection) -> dict[str, int]:
    from terpseed.schema import metadata

    present = set(sa.inspect(connection).get_table_names())
    counts = {}
    for name, table in sorted(metadata.tables.items()):
        if name in present:
            counts[name] = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    connection.rollback()
    return counts
