"""Fixtures: scratch SQLite files and MariaDB databases.

MariaDB tests need a server (TEST_MYSQL_URL, default root@127.0.0.1:3306);
without one they skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from tests.support import CI, MYSQL_SERVER_URL, SCHEMA_COPIES_ENV, MariaDB, alembic_ok, build_schema, db_engine


SEEDED_FIXTURES = {"seeded", "full_mariadb", "seeded_latest"}
# the modules whose tests take longest (make test --durations), scheduled first
LONG_MODULES = {"test_versions", "test_cli", "test_bench", "test_seed_chain", "test_safety",
                "test_schema_chain", "test_schema_conversions"}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups into the test ids
def pytest_collection_modifyitems(config, items):
    """Both cores (make test: pytest -n 2 --dist loadgroup): the tests that read
    one shared seeded database run on one worker, which seeds it once, and
    each module with a module-scoped fixture on one worker; the rest wherever
    a worker is free."""
    first = set()
    for item in items:
        seeded = SEEDED_FIXTURES & set(item.fixturenames)
        if seeded or item.module.__name__.rpartition(".")[2] in LONG_MODULES:
            first.add(item.nodeid)
        if seeded:
            item.add_marker(pytest.mark.xdist_group(_seeded_group(item, seeded)))
            continue
        scopes = {d.scope for defs in item._fixtureinfo.name2fixturedefs.values() for d in defs}
        if "module" in scopes:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
    # the long tests and the seeded databases first, so that the run ends on short tests
    # on both workers rather than on one long test while the other worker waits; the
    # tests that take a shared seed out after its readers (``takes_down``) last among them
    items.sort(key=lambda item: (item.nodeid not in first, item.get_closest_marker("takes_down") is not None))


def _seeded_group(item, fixtures: set[str]) -> str:
    """One group per seeded database: each is seeded once, on the worker that
    runs every test reading it, and the databases spread over both workers
    (``seeded`` and ``seeded_latest`` are parametrized: one database a param)."""
    if "seeded_latest" in fixtures:
        return f"seeded-latest-{item.callspec.params['seeded_latest']}"
    if "seeded" in fixtures:
        return f"seeded-{item.callspec.params['seeded']}"
    return "seeded-full-mariadb"


@pytest.fixture(autouse=True)
def _no_env_url(monkeypatch):
    monkeypatch.delenv("SEED_DATABASE_URL", raising=False)


@pytest.fixture(scope="session", autouse=True)
def _own_seed_cache(tmp_path_factory):
    """The tests keep their seed cache (terpseed/cache.py) to themselves, not
    in var/cache: the first run of each scenario generates, later ones replay.
    The workers of one run share it (entries are written whole, then renamed),
    and the schemas build_schema made (tests/support.py)."""
    from terpseed.cache import DIR_ENV, KEEP_ENV, SWITCH_ENV

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if "PYTEST_XDIST_WORKER" in os.environ else base
    (shared / "seed-cache").mkdir(exist_ok=True)
    (shared / "schemas").mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DIR_ENV, str(shared / "seed-cache"))
        patch.setenv(KEEP_ENV, "100")  # every scenario and scale the suite seeds stays cached
        patch.delenv(SWITCH_ENV, raising=False)
        patch.setenv(SCHEMA_COPIES_ENV, str(shared / "schemas"))
        yield


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


# ---------------------------------------------------------------- seeded databases
# Seeded once per test session and shared by the data tests (read only).
@pytest.fixture(scope="session")
def full_mariadb(mariadb_server):
    """The full scenario on MariaDB created from the DDL file, shared by the
    data tests (read only).  After them, one test (marked ``takes_down``,
    scheduled last of its group) takes the seed out and finds no row left:
    tests/test_seed_chain.py."""
    url = mariadb_server.create("full")
    build_schema(url, "ddl")
    alembic_ok("-x", f"url={url}", "-x", "scenario=full", "upgrade", "head")
    engine = db_engine(url)
    yield engine
    engine.dispose()


def _sqlite_seeded(tmp_path_factory, *x):
    url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'terp.sqlite'}"
    build_schema(url, "chain")
    args = [a for pair in x for a in ("-x", pair)]
    alembic_ok("-x", f"url={url}", *args, "upgrade", "head")
    return db_engine(url)


_SQLITE: dict[str, sa.Engine] = {}


@pytest.fixture(scope="session", params=["full-mariadb", "full", "light", "edgeCases", "chaos", "full-scale0.5"])
def seeded(request, tmp_path_factory):
    """Each invariant runs on the full scenario on MariaDB (created from the DDL)
    and on SQLite, and on every other scenario, and a scale, on SQLite."""
    if request.param == "full-mariadb":
        return request.getfixturevalue("full_mariadb")
    if request.param not in _SQLITE:
        scenario, _, scale = request.param.partition("-scale")
        engine = _sqlite_seeded(tmp_path_factory, f"scenario={scenario}", f"scale={scale or 1}")
        engine.scenario, engine.scale = scenario, float(scale or 1)
        _SQLITE[request.param] = engine
    return _SQLITE[request.param]




@pytest.fixture(scope="session", params=["light-sqlite", "full-mariadb"])
def seeded_latest(request, tmp_path_factory):
    """TERP's newest schema (the schema chain's head), seeded: light on SQLite,
    full on MariaDB created from the newest DDL file; shared, read only."""
    from terpseed.schema.versions import latest

    if request.param == "light-sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('latest') / 'terp.sqlite'}"
        build_schema(url, "chain", latest().date)
        scenario = "light"
    else:
        url = request.getfixturevalue("mariadb_server").create("latest")
        build_schema(url, "ddl", latest().date)
        scenario = "full"
    alembic_ok("-x", f"url={url}", "-x", f"scenario={scenario}", "upgrade", "head")
    engine = db_engine(url)
    engine.scenario, engine.scale, engine.schema = scenario, 1.0, latest().date
    yield engine
    engine.dispose()
