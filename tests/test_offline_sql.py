"""Offline review SQL (--sql): byte-stable, equal to what online mode executes,
and safe to run twice."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest
import sqlalchemy as sa

from terpseed.schema.versions import latest, seeds_version
from tests.support import alembic_ok, alembic_subprocess, build_schema, seed_head, snapshot


def _offline(*argv: str) -> bytes:
    result = alembic_subprocess(*argv)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def test_offline_sql_is_byte_identical_across_processes():
    """Two processes, nothing cached, the same bytes (the full scenario's SQL is
    held to approvals.json, rendered in yet another process: tests/test_approval.py)."""
    light = ("-x", "scenario=light", "-x", "cache=false")
    upgrade = [_offline(*light, "upgrade", "head", "--sql") for _ in range(2)]
    assert upgrade[0] == upgrade[1]
    text = upgrade[0].decode()
    assert text.startswith("-- TERP seed SQL: scenario=light seed=12345 scale=1 end=2025-11-21"
                           f" schema={latest().date} dialect=mysql")
    assert "INSERT INTO clients" in text and "ON DUPLICATE KEY UPDATE" in text
    downgrade = [_offline(*light, "downgrade", "head:base", "--sql") for _ in range(2)]
    assert downgrade[0] == downgrade[1]
    assert "DELETE FROM clients" in downgrade[0].decode()
    assert _offline(*light, "-x", "seed=99", "upgrade", "head", "--sql") != upgrade[0]


def test_offline_sqlite_dialect_is_chosen_with_x_dialect():
    text = _offline("-x", "dialect=sqlite", "-x", "scenario=light", "upgrade", "head", "--sql").decode()
    assert "dialect=sqlite" in text.splitlines()[0]
    assert "ON CONFLICT (id) DO UPDATE SET id = CASE" in text and "FROM seed_rows" in text
    assert "ON DUPLICATE KEY" not in text


class _Capture:
    """Statements sent to the database as they are, with no parameters, in
    order (SQLAlchemy cursor events): what the seed runs.  The guard's own
    reads (and its helper connections' session settings) carry parameters."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not parameters:
            self.statements.append(statement)


def _statements_of(offline_text: str) -> list[str]:
    """The SQL statements of an offline script, comments and blank lines dropped."""
    body = "\n".join(line for line in offline_text.splitlines() if not line.startswith("--"))
    return [s.strip() for s in body.split(";\n\n") if s.strip()]


WRITES = ("INSERT", "UPDATE", "DELETE", "SET ", "PRAGMA foreign_keys")


@pytest.mark.parametrize("direction", ["upgrade", "downgrade"])
def test_offline_sql_equals_the_statements_executed_online(terp_db, direction):
    capture = _Capture()
    if direction == "downgrade":
        alembic_ok("-x", f"url={terp_db}", "-x", "scenario=light", "upgrade", "head")
        args = ["downgrade", "head:base"]
    else:
        args = ["upgrade", "head"]
    offline = alembic_ok("-x", f"url={terp_db}", "-x", "scenario=light", *args, "--sql")
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", capture)
    try:
        alembic_ok("-x", f"url={terp_db}", "-x", "scenario=light", args[0],
                   "base" if direction == "downgrade" else "head")
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", capture)
    executed = [s.strip() for s in capture.statements if s.lstrip().startswith(WRITES)]
    printed = [s for s in _statements_of(offline) if s.startswith(WRITES)]
    assert printed == executed
    assert len(executed) > 20


def _run_sqlite_script(url: str, script: str) -> None:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        conn.executescript(script)
    finally:
        conn.close()


def test_reviewed_sqlite_script_applies_like_online_and_runs_twice(tmp_path):
    online = f"sqlite:///{tmp_path / 'online.sqlite'}"
    offline = f"sqlite:///{tmp_path / 'offline.sqlite'}"
    for url in (online, offline):
        build_schema(url, "chain")
    alembic_ok("-x", f"url={online}", "-x", "scenario=light", "upgrade", "head")
    script = alembic_ok("-x", f"url={offline}", "-x", "scenario=light", "upgrade", "head", "--sql")
    _run_sqlite_script(offline, script)
    first = snapshot(offline)
    _run_sqlite_script(offline, script)  # a DBA runs it again: nothing changes, no error
    assert snapshot(offline) == first
    assert first == snapshot(online)
    assert f"{seed_head()} (head)" in alembic_ok("-x", f"url={offline}", "current")
    down = alembic_ok("-x", f"url={offline}", "-x", "scenario=light", "downgrade", "head:base", "--sql")
    _run_sqlite_script(offline, down)
    _run_sqlite_script(offline, down)
    assert all(not rows for t, rows in snapshot(offline).items() if t != "__tables__")


@pytest.mark.skipif(shutil.which("mariadb") is None and shutil.which("mysql") is None,
                    reason="no mariadb/mysql command-line client to run a reviewed script")
def test_reviewed_mysql_script_applies_like_online_and_runs_twice(mariadb_server):
    client = shutil.which("mariadb") or shutil.which("mysql")
    online, offline = mariadb_server.create("on"), mariadb_server.create("off")
    for url in (online, offline):
        build_schema(url, "ddl")
    alembic_ok("-x", f"url={online}", "-x", "scenario=light", "upgrade", "head")
    # no URL: MySQL, no connection, for the version the DDL file holds
    script = alembic_ok("-x", "scenario=light", "-x", f"schema={seeds_version().date}", "upgrade", "head", "--sql")
    url = sa.engine.make_url(offline)

    def run(sql: str) -> None:
        cmd = [client, "-h", url.host or "127.0.0.1", "-P", str(url.port or 3306),
               "-u", url.username or "root", url.database]
        if url.password:
            cmd.insert(1, f"-p{url.password}")
        result = subprocess.run(cmd, input=sql.encode(), capture_output=True)
        assert result.returncode == 0, result.stderr.decode()

    run(script)
    first = snapshot(offline)
    run(script)
    assert snapshot(offline) == first == snapshot(online)
    down = alembic_ok("-x", "scenario=light", "-x", f"schema={seeds_version().date}", "downgrade", "head:base",
                      "--sql")
    run(down)
    run(down)
    assert all(not rows for t, rows in snapshot(offline).items() if t != "__tables__")
