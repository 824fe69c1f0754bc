"""Fixtures: scratch SQLite files and MariaDB databases.

MariaDB tests need a server (TEST_MYSQL_URL, default root@127.0.0.1:3306);
without one they skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support import CI, MYSQL_SERVER_URL, MariaDB, build_schema


@pytest.fixture(autouse=True)
def _no_env_url(monkeypatch):
    monkeypatch.delenv("SEED_DATABASE_URL", raising=False)


@pytest.fixture(scope="session")
def mariadb_server():
    server = MariaDB(MYSQL_SERVER_URL)
    try:
        with server.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.DBAPIError as exc:
        message = f"MariaDB/MySQL server not reachable at {MYSQL_SERVER_URL}: {exc.orig}"
        if CI:
            pytest.fail(message + " (CI=true: MariaDB tests must run)")
        pytest.skip(message)
    yield server
    server.drop_all()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'terp.sqlite'}"


@pytest.fixture
def mariadb_url(mariadb_server):
    return mariadb_server.create()


def _empty_terp_db(request, tmp_path, kind: str) -> str:
    if kind == "sqlite-chain":
        url = f"sqlite:///{tmp_path / 'terp.sqlite'}"
        build_schema(url, "chain")
        return url
    server = request.getfixturevalue("mariadb_server")
    how = kind.split("-")[1]
    url = server.create(how)
    build_schema(url, how)
    return url


@pytest.fixture(params=["sqlite-chain", "mariadb-ddl"])
def terp_db(request, tmp_path):
    """An empty TERP database: SQLite built by the schema chain, or MariaDB
    created from the shared DDL file alone (as in production)."""
    return _empty_terp_db(request, tmp_path, request.param)


@pytest.fixture(params=["sqlite-chain", "mariadb-ddl", "mariadb-chain"])
def any_terp_db(request, tmp_path):
    """As terp_db, and MariaDB built by the schema chain too."""
    return _empty_terp_db(request, tmp_path, request.param)
