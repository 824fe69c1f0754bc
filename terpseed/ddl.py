"""Load the shared TERP DDL file into a MySQL/MariaDB database.

The file is plain ``CREATE TABLE`` / ``ALTER TABLE`` / ``CREATE INDEX``
statements, each ending with ``;`` at the end of a line, with ``--`` comment
lines; no procedures or delimiters.  Tests and ``tools/schema_codegen.py`` use
this to build "a database created from the DDL file alone"; tests and the
benchmark make more such databases from the first one's own definitions
(``table_definitions``, ``create_tables``), in a second instead of the
seconds the file's ALTERs take.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa


def ddl_statements(path: Path) -> list[str]:
    """The statements of a DDL file, comments removed, in file order."""
    lines = [
        line
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("--")
    ]
    statements = []
    for chunk in "\n".join(lines).split(";\n"):
        chunk = chunk.strip().rstrip(";").strip()
        if chunk:
            statements.append(chunk)
    return statements


def load_ddl(connection: sa.Connection, path: Path) -> int:
    """Execute every statement of the DDL file; return how many ran."""
    statements = ddl_statements(path)
    for statement in statements:
        connection.exec_driver_sql(statement)
    return len(statements)


def table_definitions(connection: sa.Connection) -> list[str]:
    """The CREATE TABLE statement of every base table of the database, as
    SHOW CREATE TABLE gives it (keys, foreign keys and indexes included)."""
    names = [r[0] for r in connection.exec_driver_sql("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")]
    return [connection.exec_driver_sql(f"SHOW CREATE TABLE `{name}`").one()[1] for name in names]


def create_tables(connection: sa.Connection, definitions: list[str]) -> None:
    """Create tables from ``table_definitions`` of another database, in any
    order: foreign key checks are off meanwhile."""
    connection.exec_driver_sql("SET foreign_key_checks = 0")
    for statement in definitions:
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql("SET foreign_key_checks = 1")
