"""Test helpers: where the shared TERP files are, MariaDB databases, alembic runs."""

from __future__ import annotations

import contextlib
import fcntl
import io
import itertools
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.config import CommandLine, Config

ROOT = Path(__file__).resolve().parent.parent
CI = os.environ.get("CI", "").lower() == "true"
MYSQL_SERVER_URL = os.environ.get("TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/")
DDL_NAME = "schema-2025-11-21.sql"
HOSTILE = "O'Brien \\ \"Bud\"; DROP TABLE x;--"  # a name, nothing more, in any SQL the seeds write


def db_engine(url, **kwargs) -> sa.Engine:
    """An engine for a test database: unpooled, and for MariaDB without TLS to
    the local server, as the seeds connect (terpseed/target.py)."""
    from terpseed.target import mysql_engine

    kwargs.setdefault("poolclass", sa.pool.NullPool)
    if sa.engine.make_url(url).get_backend_name() == "sqlite":
        return sa.create_engine(url, **kwargs)
    return mysql_engine(url, **kwargs)


def _origin_sibling() -> Path | None:
    """../shared beside the repository this checkout was cloned from (CI clones)."""
    try:
        origin = subprocess.run(
            ["git", "-C", str(ROOT), "remote", "get-url", "origin"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(origin.removeprefix("file://"))
    return path.parent / "shared" if path.is_dir() else None


def shared_dir() -> Path | None:
    candidates = [os.environ.get("TERP_SHARED_DIR"), ROOT.parent / "shared", _origin_sibling()]
    for candidate in candidates:
        if candidate and (Path(candidate) / "terp" / DDL_NAME).is_file():
            return Path(candidate)
    return None


def ddl_path(name: str = DDL_NAME) -> Path:
    """A shared DDL file (default: the 2025-11-21 one the seeds are written for)."""
    shared = shared_dir()
    if shared is None or not (shared / "terp" / name).is_file():
        reason = (f"../shared/terp/{name} not found (set TERP_SHARED_DIR to the folder"
                  " holding terp/)")
        if CI:
            pytest.fail(reason + "; under CI=true the tests that need it must run")
        pytest.skip(reason)
    return shared / "terp" / name


_counter = itertools.count(1)


class MariaDB:
    """Creates and drops scratch databases on the test server."""

    def __init__(self, server_url: str):
        self.server_url = sa.engine.make_url(server_url)
        self.engine = db_engine(self.server_url)
        self.created: list[str] = []

    def create(self, tag: str = "t") -> str:
        name = f"terpseed_{tag}_{os.getpid()}_{next(_counter)}"
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
            conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
        self.created.append(name)
        return self.url(name)

    def url(self, name: str) -> str:
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.engine.begin() as conn:
            for name in self.created:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
        self.created.clear()
        self.engine.dispose()


def captured(call) -> tuple[int, str, str]:
    """Run a command line's main in this process with stdout and stderr
    captured: (exit code, stdout, stderr).  ``call(out)`` gets the stdout
    buffer and returns the exit code (None: 0); a SystemExit (argparse, a
    refused run) gives its code."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = call(out) or 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def run_alembic(*argv: str, ini: str = "seed.ini", env: dict | None = None) -> tuple[int, str, str]:
    """Run the alembic command line in this process; (exit code, stdout, stderr)."""
    def alembic(out: io.StringIO) -> None:
        cli = CommandLine(prog="alembic")
        options = cli.parser.parse_args(["-c", str(ROOT / ini), *argv])
        toml, ini_file = cli._inis_from_config(options)
        config = Config(file_=ini_file, toml_file=toml, ini_section=options.name,
                        cmd_opts=options, stdout=out)
        cli.run_cmd(config, options)

    saved = dict(os.environ)
    os.environ.pop("SEED_DATABASE_URL", None)
    os.environ.update(env or {})
    try:
        return captured(alembic)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def alembic_ok(*argv: str, ini: str = "seed.ini", env: dict | None = None) -> str:
    code, out, err = run_alembic(*argv, ini=ini, env=env)
    assert code == 0, f"alembic {' '.join(argv)} failed ({code}):\n{err}\n{out}"
    return out


def alembic_subprocess(*argv: str, ini: str = "seed.ini", env: dict | None = None,
                       cwd: Path = ROOT) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "SEED_DATABASE_URL"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ROOT / ini), *argv],
        capture_output=True, env=full_env, cwd=cwd,
    )


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every TERP table, by table, in id order: the database's
    state, read with the model of the TERP version it holds."""
    from terpseed.recognise import recognise

    engine = db_engine(url)
    state = {}
    with engine.connect() as conn:
        metadata = recognise(conn).version.metadata
        insp = sa.inspect(conn)
        present = set(insp.get_table_names())
        for name, table in sorted(metadata.tables.items()):
            if name in present:
                columns = {c["name"] for c in insp.get_columns(name)}
                key = list(table.primary_key.columns) or list(table.c)
                query = sa.select(*(c for c in table.c if c.name in columns)).order_by(*key)
                state[name] = [tuple(r) for r in conn.execute(query).all()]
        state["__tables__"] = sorted(present)
    engine.dispose()
    return state


def counts(url: str) -> dict[str, int]:
    return {t: len(rows) for t, rows in snapshot(url).items() if t != "__tables__"}


def execute(url: str, *statements: str) -> None:
    """Run raw SQL statements in one transaction: a test's own changes to a database."""
    engine = db_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


def edit_sqlite_table(url: str, table: str, old: str, new: str, rows_may_disagree: bool = False) -> None:
    """Change a table's definition in SQLite's catalog (what SQLite's ALTER
    cannot: a column's type, nullability or enum CHECK), rows left as they are
    (``rows_may_disagree``: rows already there may break the new definition)."""
    import sqlite3

    path = sa.engine.make_url(url).database
    con = sqlite3.connect(path)
    try:
        (sql,) = con.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
        assert sql.count(old) == 1, (old, sql)
        schema_version = con.execute("PRAGMA schema_version").fetchone()[0]
        con.execute("PRAGMA writable_schema = ON")
        con.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                    (sql.replace(old, new), table))
        con.execute(f"PRAGMA schema_version = {schema_version + 1}")
        con.execute("PRAGMA writable_schema = OFF")
        con.commit()
        found = [r[0] for r in con.execute("PRAGMA integrity_check")]
        if rows_may_disagree:
            found = [f for f in found if not f.startswith(("CHECK constraint failed", "NULL value in"))]
        assert found in (["ok"], []), found
    finally:
        con.close()


def build_schema(url: str, how: str, date: str | None = None, fresh: bool = False) -> None:
    """Create the TERP schema of a version: by the schema chain ('chain', up to
    that version's revision) or from its DDL file ('ddl').  By default the
    version the seeds are written for (terpseed/schema/versions.py,
    seeds_version), not the chain's head.

    The first database of each kind, version and backend in a test run is
    built for real; later ones, in any worker of the run, are copies of it
    (the SQLite file; on MariaDB its tables as SHOW CREATE TABLE gives them,
    foreign keys included, and its rows): the same database, in a second
    instead of the five to eight the DDL file's ALTERs or the chain take.
    The workers share the copies through SCHEMA_COPIES_ENV's folder, one at a
    time per kind (a file lock), so the second waits for the first rather
    than build it again.  ``fresh`` builds for real every time (the schema
    chain's own tests)."""
    from terpseed.schema.versions import seeds_version, version

    target = version(date) if date else seeds_version()
    key = (sa.engine.make_url(url).get_backend_name(), how, target.date)
    if fresh:
        _build_schema(url, how, target)
    elif key in _SCHEMA_COPIES:
        _SCHEMA_COPIES[key].into(url)
    elif not os.environ.get(SCHEMA_COPIES_ENV):
        _build_schema(url, how, target)
        _SCHEMA_COPIES[key] = _SchemaCopy.of(url)
    else:
        kept = Path(os.environ[SCHEMA_COPIES_ENV]) / f"{'-'.join(key)}.pickle"
        with open(kept.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if kept.exists():
                _SCHEMA_COPIES[key] = pickle.loads(kept.read_bytes())
                _SCHEMA_COPIES[key].into(url)
            else:
                _build_schema(url, how, target)
                _SCHEMA_COPIES[key] = _SchemaCopy.of(url)
                kept.with_suffix(".part").write_bytes(pickle.dumps(_SCHEMA_COPIES[key]))
                kept.with_suffix(".part").rename(kept)


def _build_schema(url: str, how: str, target) -> None:
    if how == "chain":
        alembic_ok("-x", f"url={url}", "upgrade", target.revision, ini="alembic.ini")
    else:
        from terpseed.ddl import load_ddl

        engine = db_engine(url)
        with engine.begin() as conn:
            load_ddl(conn, ddl_path(target.ddl))
        engine.dispose()


class _SchemaCopy:
    """A built schema, kept to make more of it (build_schema)."""

    def __init__(self, sqlite_file: bytes | None, tables: list[str], rows: dict[str, tuple[list, list]]):
        self.sqlite_file, self.tables, self.rows = sqlite_file, tables, rows

    @classmethod
    def of(cls, url: str) -> "_SchemaCopy":
        parsed = sa.engine.make_url(url)
        if parsed.get_backend_name() == "sqlite":
            return cls(Path(parsed.database).read_bytes(), [], {})
        from terpseed.ddl import table_definitions

        engine = db_engine(url)
        rows = {}
        with engine.connect() as conn:
            tables = table_definitions(conn)
            for name in sa.inspect(conn).get_table_names():
                result = conn.exec_driver_sql(f"SELECT * FROM `{name}`")
                found = [tuple(r) for r in result]
                if found:
                    rows[name] = (list(result.keys()), found)
        engine.dispose()
        return cls(None, tables, rows)

    def into(self, url: str) -> None:
        parsed = sa.engine.make_url(url)
        if self.sqlite_file is not None:
            Path(parsed.database).write_bytes(self.sqlite_file)
            return
        from terpseed.ddl import create_tables

        engine = db_engine(url)
        with engine.begin() as conn:
            create_tables(conn, self.tables)
            conn.exec_driver_sql("SET foreign_key_checks = 0")  # the rows in table-name order
            for name, (columns, found) in self.rows.items():
                names = ", ".join(f"`{c}`" for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                conn.exec_driver_sql(f"INSERT INTO `{name}` ({names}) VALUES ({marks})", found)
            conn.exec_driver_sql("SET foreign_key_checks = 1")
        engine.dispose()


_SCHEMA_COPIES: dict[tuple[str, str, str], _SchemaCopy] = {}
SCHEMA_COPIES_ENV = "TERPSEED_TEST_SCHEMA_COPIES"  # a folder the workers of one test run share


def seed_plan(date: str | None = None) -> list[tuple[str, list[str]]]:
    """(revision, [tables its steps insert]) of every seed revision, base first: the
    tables TERP's version ``date`` has, in its names (by default the version
    build_schema builds); a revision of tables it lacks inserts none."""
    from alembic.script import ScriptDirectory

    from terpseed.schema.versions import seeds_version
    from terpseed.schema_view import view
    from terpseed.world import Step

    target = view(date or seeds_version().date)
    script = ScriptDirectory.from_config(Config(str(ROOT / "seed.ini")))
    return [(sc.revision, [target.name(s.table) for s in getattr(sc.module, "STEPS", ())
                           if isinstance(s, Step) and target.has(s.table)])
            for sc in reversed(list(script.walk_revisions()))]


def seed_head() -> str:
    return seed_plan()[-1][0]


def world(**x: str):
    """The seed world of these -x arguments (no database): what the seeds write."""
    from alembic.script import ScriptDirectory

    from terpseed.chain import seed_steps
    from terpseed.params import parse_seed_params
    from terpseed.world import World

    script = ScriptDirectory.from_config(Config(str(ROOT / "seed.ini")))
    return World(parse_seed_params(x), seed_steps(script))


def world_rows(table: str, **x: str) -> list[dict]:
    """The rows the seeds write to ``table`` for these -x arguments."""
    return world(**x).rows(table)
