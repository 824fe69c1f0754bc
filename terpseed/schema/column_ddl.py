"""Column definitions for the schema chain: whole-column DDL, stand-alone
copies of model columns, and what a changed column is while a step's
conversions run (terpseed/schema/evolve.py)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from terpseed.schema.diff import ColumnChange, enum_values


class ColumnDDL(sa.schema.ExecutableDDLElement):
    """ALTER TABLE ... ADD / MODIFY / CHANGE COLUMN with a model column's whole definition."""

    inherit_cache = False

    def __init__(self, table: str, column: sa.Column, verb: str, old_name: str | None = None,
                 after: str | None = None):
        self.table, self.column, self.verb, self.old_name, self.after = table, column, verb, old_name, after


@compiles(ColumnDDL)
def _column_ddl(element: ColumnDDL, compiler, **kw) -> str:
    q = compiler.preparer
    spec = compiler.get_column_specification(element.column)
    head = f"ALTER TABLE {q.quote(element.table)} "
    if element.verb == "CHANGE":
        return head + f"CHANGE COLUMN {q.quote(element.old_name)} {spec}"
    if element.verb == "MODIFY":
        return head + f"MODIFY COLUMN {spec}"
    position = ""
    if compiler.dialect.name in ("mysql", "mariadb"):
        position = f" AFTER {q.quote(element.after)}" if element.after else " FIRST"
    return head + f"ADD COLUMN {spec}{position}"


def detached(column: sa.Column, name: str | None = None, type_=None, nullable: bool | None = None,
              server_default=...) -> sa.Column:
    """A stand-alone copy of a model column (the model stays untouched)."""
    default = column.server_default if server_default is ... else server_default
    return sa.Column(
        name or column.name,
        type_ if type_ is not None else column.type,
        nullable=column.nullable if nullable is None else nullable,
        server_default=sa.DefaultClause(default.arg) if default is not None else None,
    )


def widens(before: sa.Column, after: sa.Column) -> bool:
    """Whether every value ``before`` can hold fits ``after`` as it is."""
    if before.nullable and not after.nullable:
        return False
    old, new = before.type, after.type
    if isinstance(old, sa.Enum):
        values = set(old.enums)
        if isinstance(new, sa.Enum):
            return values <= set(new.enums)
        return isinstance(new, sa.String) and (new.length is None or max(map(len, values)) <= new.length)
    if isinstance(new, sa.Enum):
        return False
    if isinstance(old, sa.Numeric) and isinstance(new, sa.String):
        return new.length is None or (old.precision or 0) + 2 <= new.length
    if isinstance(old, sa.Numeric) and isinstance(new, sa.Numeric):
        return (new.scale or 0) >= (old.scale or 0) and (
            (new.precision or 0) - (new.scale or 0) >= (old.precision or 0) - (old.scale or 0))
    if isinstance(old, sa.String) and isinstance(new, sa.String):
        return new.length is None or (old.length is not None and old.length <= new.length)
    return type(old) is type(new)


def interim(change: ColumnChange) -> sa.Column | None:
    """The definition a changed column takes before the conversions, or None
    when it keeps its old one until it takes its final one after them: the
    final one when it widens, an enum of old + new values when values go and
    come (one that only loses values keeps its old ones until the end)."""
    before, after = change.before, change.after
    if widens(before, after):
        return detached(after)
    old, new = enum_values(before), enum_values(after)
    if old is not None and new is not None and not set(old) <= set(new) and not set(new) <= set(old):
        union = list(new) + [v for v in old if v not in new]
        return detached(after, type_=sa.Enum(*union, create_constraint=True, native_enum=True),
                         nullable=before.nullable or after.nullable,
                         server_default=before.server_default)
    return None


__all__ = ["ColumnDDL", "detached", "interim", "widens"]
