"""Load the shared TERP DDL file into a MySQL/MariaDB database.

The file is plain ``CREATE TABLE`` / ``ALTER TABLE`` / ``CREATE INDEX``
statements, each ending with ``;`` at the end of a line, with ``--`` comment
lines; no procedures or delimiters.  Tests and ``tools/schema_codegen.py`` use
this to build "a database created from the DDL file alone".
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
