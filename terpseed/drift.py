"""Schema drift preflight: does the live database hold what the revisions
about to run expect (the schema model)?

Alembic's own comparison (``compare_metadata``, with type and default
comparison) of the tables the pending revisions touch, turned into words a
DBA acts on and grouped by table.  Mismatches that cannot break the seed (an
extra nullable column, extra enum values, other defaults) are warnings; the
rest stop the run before anything is written, unless ``-x preflight=warn``.
Keys (unique constraints and foreign keys) are compared on MySQL/MariaDB and
reported as warnings: a missing key cannot break the seed, and an extra unique
key is what the unique-key clash preflight checks row by row.  Indexes are
not compared.

The comparison reflects every table (about 0.4 s for 120 on MariaDB).  Its
result depends only on the model (the code) and the live schema, so with the
seed cache on it is remembered under ``schema_snapshot``: a digest of the
catalog (columns, keys, tables: information_schema on MySQL/MariaDB,
sqlite_master on SQLite), read in one pass of a few milliseconds.  Any change
to the schema changes the digest, and the comparison runs again.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from terpseed.schema import metadata

KEYS = {"unique_constraint", "foreign_key_constraint"}


def _flatten(diffs: list) -> list[tuple]:
    out = []
    for diff in diffs:
        out += diff if isinstance(diff, list) else [diff]
    return out


def drift(connection: sa.Connection, tables: Iterable[str],
          model: sa.MetaData | None = None) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(errors, warnings), each {table: [problem, ...]}, against ``model`` (the
    TERP version the run writes; the first version by default)."""
    model = model if model is not None else metadata
    wanted = set(tables)

    compare_keys = connection.dialect.name != "sqlite"  # SQLite reflects keys without their names

    def include(obj, name, type_, reflected, compare_to):
        if type_ == "index" or (type_ in KEYS and not compare_keys):
            return False
        if type_ == "table":
            return name in wanted
        return True

    context = MigrationContext.configure(connection, opts={
        "compare_type": True, "compare_server_default": True, "include_object": include})
    errors: dict[str, list[str]] = defaultdict(list)
    warnings: dict[str, list[str]] = defaultdict(list)
    for diff in _flatten(compare_metadata(context, _only(model, wanted))):
        kind = diff[0]
        if kind == "add_table":
            errors[diff[1].name].append("table missing")
        elif kind == "add_column":
            errors[diff[2]].append(f"{diff[3].name}: missing")
        elif kind == "remove_column":
            column = diff[3]
            if not column.nullable and column.server_default is None and column.autoincrement is not True:
                errors[diff[2]].append(f"{column.name}: NOT NULL column with no default and no seed value")
            else:
                warnings[diff[2]].append(f"{column.name}: extra column; the seeds leave it to its default")
        elif kind == "modify_type":
            _type_change(diff, errors, warnings)
        elif kind == "modify_nullable":
            _, _schema, table, column, _info, in_db, in_model = diff
            if in_db is False and in_model is True:
                errors[table].append(f"{column}: NOT NULL in the database, the seeds may write NULL")
            else:
                warnings[table].append(f"{column}: nullable in the database, NOT NULL in the model")
        elif kind == "modify_default":
            warnings[diff[2]].append(f"{diff[3]}: another server default (the seeds write every column)")
        elif kind in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
            key = diff[1]
            where = "missing from the database" if kind.startswith("add") else "only in the database"
            columns = ", ".join(c.name for c in key.columns)
            warnings[key.table.name].append(f"key {key.name or '(unnamed)'} ({columns}): {where}")
    return dict(errors), dict(warnings)


def _only(model: sa.MetaData, tables: set[str]) -> sa.MetaData:
    """The model's ``tables`` (and what their keys refer to), for the comparison."""
    return model


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
    equal digests, equal ``drift`` results (for one model)."""
    dialect = connection.dialect
    wanted = set(tables)
    digest = hashlib.sha256(f"{dialect.name}\0{dialect.server_version_info}\0{sorted(wanted)}".encode())
    for query in SNAPSHOT[dialect.name]:
        rows = [tuple(row) for row in connection.exec_driver_sql(query) if row[0] in wanted]
        digest.update(repr(rows).encode())
    return digest.hexdigest()[:32]


def _type_change(diff, errors, warnings) -> None:
    _, _schema, table, column, _info, in_db, in_model = diff
    db_values = getattr(in_db, "enums", None)
    model_values = getattr(in_model, "enums", None)
    if db_values is not None and model_values is not None:
        lacking = [v for v in model_values if v not in db_values]
        extra = [v for v in db_values if v not in model_values]
        if lacking:
            errors[table].append(f"{column}: database enum lacks {', '.join(repr(v) for v in lacking)}")
        if extra:
            warnings[table].append(f"{column}: database enum also allows {', '.join(repr(v) for v in extra)}")
        return
    errors[table].append(f"{column}: type is {in_db} in the database, the seeds expect {in_model}")


def describe(problems: dict[str, list[str]]) -> str:
    return "; ".join(f"{table}: {', '.join(items)}" for table, items in sorted(problems.items()))
