"""What a seed revision calls: ``upgrade_steps(STEPS)`` / ``downgrade_steps(STEPS)``.

Upgrade renders each step's template over its rows, a chunk of rows per
multi-row INSERT, in step order (parents before children).  Re-applying an
INSERT is a no-op for the rows it wrote (see ``templates/_macros.sql.j2``).
Downgrade deletes exactly the ids the steps wrote, children first.

Online, each statement is executed as is, with no parameters; offline
(``--sql``) the very same text is printed.  Nothing here reads the database,
so offline mode needs no connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from alembic import context, op

from terpseed.errors import SeedError
from terpseed.params import SeedParams
from terpseed.render import SqlRenderer, id_ranges
from terpseed.world import Step, World, chunked

ROWS_PER_INSERT = 500
RANGES_PER_DELETE = 500
RUN_KEY = "terpseed.run"

__all__ = ["Step", "upgrade_steps", "downgrade_steps"]


@dataclass
class SeedRun:
    params: SeedParams
    renderer: SqlRenderer
    world: World

    def emit(self, sql: str) -> None:
        """Execute one statement online, or print it offline: the same text."""
        migration = op.get_context()
        if migration.as_sql:
            migration.impl.static_output(sql + ";")
        else:
            migration.connection.exec_driver_sql(
                sql, execution_options={"no_parameters": True}
            )


def current_run() -> SeedRun:
    run = context.config.attributes.get(RUN_KEY)
    if run is None:
        raise SeedError(
            "seed revisions run only through the seed chain: alembic -c seed.ini ..."
        )
    return run


def upgrade_steps(steps: Sequence[Step], revision: str) -> None:
    run = current_run()
    for step in steps:
        for chunk in chunked(run.world.rows(step.table), ROWS_PER_INSERT):
            run.emit(run.renderer.render(step.template_name, rows=chunk))


def downgrade_steps(steps: Sequence[Step], revision: str) -> None:
    run = current_run()
    for step in reversed(steps):
        ranges = id_ranges(row["id"] for row in run.world.rows(step.table))
        for start in range(0, len(ranges), RANGES_PER_DELETE):
            run.emit(run.renderer.render(
                "_delete.sql.j2", table=step.table, ranges=ranges[start:start + RANGES_PER_DELETE]
            ))
