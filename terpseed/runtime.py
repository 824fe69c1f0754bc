"""What a seed revision calls: ``upgrade_steps(STEPS)`` / ``downgrade_steps(STEPS)``.

Upgrade renders each step's template over its rows, a chunk of rows per
multi-row INSERT, in step order (parents before children).  Re-applying an
INSERT is a no-op for the rows it wrote (see ``templates/_macros.sql.j2``).
Downgrade deletes exactly the ids the steps wrote, children first.

A revision's statements are rendered as a whole first: their SHA-256 is what
``make approve`` records and what ``-x approved=true`` checks, and offline
(``--sql``) output opens each revision with a comment header that carries it.
Online, each statement is executed as is, with no parameters; offline the very
same text is printed.  Nothing here reads the database, so offline mode needs
no connection.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Sequence

from alembic import context, op

from terpseed import relations
from terpseed.errors import SeedError
from terpseed.params import SeedParams
from terpseed.render import SqlRenderer, id_ranges
from terpseed.world import Step, Update, World, chunked, update_key

ROWS_PER_INSERT = 500
RANGES_PER_DELETE = 500
RUN_KEY = "terpseed.run"

__all__ = ["Step", "Update", "upgrade_steps", "downgrade_steps", "render_revision"]


@dataclass
class RenderedRevision:
    revision: str
    direction: str  # "upgrade" or "downgrade"
    statements: list[str] = field(default_factory=list)
    tables: list[tuple[str, int]] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The statements exactly as they are printed offline."""
        return "".join(statement + ";\n\n" for statement in self.statements)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()

    def header(self, message: str, params: SeedParams, dialect: str) -> str:
        verb = "writes" if self.direction == "upgrade" else "deletes"
        tables = ", ".join(f"{name} {count}" for name, count in self.tables)
        return "\n".join([
            f"-- {self.direction} {self.revision}: {message}",
            f"-- {params.describe()} dialect={dialect}",
            f"-- {verb} rows: {tables}",
            f"-- sha256 of the statements below: {self.sha256}",
        ])


def _render_update(run: "SeedRun", revision: str, update: Update,
                   direction: str) -> tuple[list[str], int]:
    key = update_key(revision, update)
    rows = run.world.update_rows(key)
    if direction == "downgrade":
        rows = run.world.previous_values(key, update, rows)
    statements = []
    for chunk in chunked(sorted(rows, key=lambda r: r["id"]), ROWS_PER_INSERT):
        statements.append(run.renderer.render(
            "_update.sql.j2", table=update.table,
            assignments=run.renderer.case_assignments(update.table, update.columns, chunk),
            ranges=id_ranges(row["id"] for row in chunk)))
    return statements, len(rows)


def render_revision(run: "SeedRun", revision: str, steps: Sequence[Step | Update],
                    direction: str) -> RenderedRevision:
    rendered = RenderedRevision(revision, direction)
    for step in (steps if direction == "upgrade" else list(reversed(steps))):
        if isinstance(step, Update):
            statements, count = _render_update(run, revision, step, direction)
            rendered.tables.append((step.key, count))
            rendered.statements += statements
            continue
        rows = run.world.rows(step.table)
        rendered.tables.append((step.table, len(rows)))
        if direction == "upgrade":
            for chunk in chunked(rows, ROWS_PER_INSERT):
                rendered.statements.append(run.renderer.render(step.template_name, rows=chunk))
        else:
            kept = set(run.keep.get(step.table, ()))
            rows = [row for row in rows if row["id"] not in kept]
            for level in _deletion_levels(step.table, rows):
                ranges = id_ranges(level)
                for start in range(0, len(ranges), RANGES_PER_DELETE):
                    rendered.statements.append(run.renderer.render(
                        "_delete.sql.j2", table=step.table, ranges=ranges[start:start + RANGES_PER_DELETE]))
    return rendered


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

    def apply(self, rendered: RenderedRevision, message: str) -> None:
        """Execute the statements online, or print them offline: the same text."""
        migration = op.get_context()
        if migration.as_sql:
            migration.impl.static_output(
                rendered.header(message, self.params, self.renderer.dialect_name))
            for statement in rendered.statements:
                migration.impl.static_output(statement + ";")
            return
        for statement in rendered.statements:
            migration.connection.exec_driver_sql(
                statement, execution_options={"no_parameters": True})


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
