"""The schema chain's operations for one version step, both ways.

A schema-chain revision is a few lines::

    def upgrade():   evolve.upgrade(before.metadata, after.metadata, changes.CHANGES)
    def downgrade(): evolve.downgrade(before.metadata, after.metadata, changes.CHANGES)

``upgrade`` diffs the two generated models with the step's declarations
(terpseed/schema/diff.py) and emits, through Alembic's ``op``, in this order:
keys and indexes that go, new tables, renames, new columns, widened columns
(terpseed/schema/column_ddl.py: ``interim``), the conversions and the value
renames, narrowed columns (the final definitions), dropped columns and tables,
keys and indexes that come.  ``downgrade`` runs the same pipeline from the
newer model to the older one with the declarations inverted (see
terpseed/schema/changes.py).  Nothing is read from the database (offline
``--sql`` works), and every definition comes from a model, so a step's result
is that model's schema.  How each dialect does it: terpseed/schema/mysql_step.py
(MySQL commits each DDL statement: a step is not atomic there) and
terpseed/schema/sqlite_step.py (tables rebuilt, one transaction per step).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from terpseed.schema.changes import Tables, VersionChanges
from terpseed.schema.defaults import CurrentTimestampOnUpdate
from terpseed.schema.diff import Renames, StepDiff, step_diff
from terpseed.schema.mysql_step import MySQLStep
from terpseed.schema.sqlite_step import SQLiteStep


def upgrade(before: sa.MetaData, after: sa.MetaData, changes: VersionChanges) -> None:
    diff = step_diff(before, after, Renames.forward(changes))
    if diff.undeclared:
        raise ValueError(f"step to {changes.version}: " + "; ".join(diff.undeclared))
    Step(diff, [c.up for c in changes.conversions], diff.renames.renamed_values,
         conversions_first=True).run()


def downgrade(before: sa.MetaData, after: sa.MetaData, changes: VersionChanges) -> None:
    diff = step_diff(after, before, Renames.backward(changes, before))
    Step(diff, [c.down for c in reversed(changes.conversions)], diff.renames.renamed_values,
         conversions_first=False).run()


class Step:
    """One step, one way: the diff, the conversions, the value renames."""

    def __init__(self, diff: StepDiff, conversions: list, value_renames: dict, conversions_first: bool):
        self.diff = diff
        self.conversions = conversions
        self.value_renames = value_renames
        self.conversions_first = conversions_first
        self.dialect = op.get_context().dialect.name

    def run(self) -> None:
        if self.dialect == "sqlite":
            SQLiteStep(self).run()
        else:
            MySQLStep(self).run()

    def data(self) -> None:
        """The conversions and the value renames, in the step's order."""
        tables = self.tables()
        statements = [s for convert in self.conversions for s in convert(tables)]
        renames = []
        for key, mapping in self.value_renames.items():
            table, column = key.split(".")
            target = getattr(tables, table)
            for old, new in mapping.items():
                renames.append(sa.update(target).where(target.c[column] == old).values({column: new}))
        for statement in (statements + renames if self.conversions_first else renames + statements):
            op.execute(self.keeping_timestamps(statement))

    def keeping_timestamps(self, statement):
        """An UPDATE that also sets each ``ON UPDATE CURRENT_TIMESTAMP`` column
        to itself: MySQL would otherwise stamp every converted row with the
        migration's time (TERP's own migrations did), which no downgrade undoes."""
        if not isinstance(statement, sa.Update):
            return statement
        table = statement.table
        model = self.diff.target.tables.get(table.name)
        if model is None:
            model = self.diff.source_table(table.name)
        keep = {c.name: table.c[c.name] for c in model.c
                if isinstance(getattr(c.server_default, "arg", None), CurrentTimestampOnUpdate)
                and c.name in table.c}
        return statement.values(keep) if keep else statement

    def tables(self) -> Tables:
        """Every column of both versions, by the names of the version converted to."""
        d = self.diff
        columns: dict[str, dict[str, sa.types.TypeEngine]] = {}
        for table in d.target.tables.values():
            columns[table.name] = {c.name: c.type for c in table.c}
        for table in d.source.tables.values():
            name = d.target_name(table.name)
            renamed = d.renames.columns.get(name, {})
            known = columns.setdefault(name, {})
            for c in table.c:
                known.setdefault(renamed.get(c.name, c.name), c.type)
        return Tables({t: list(cols.items()) for t, cols in columns.items()}, self.dialect)


__all__ = ["Step", "downgrade", "upgrade"]
