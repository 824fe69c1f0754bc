"""Bad input: one clear line naming the problem and the fix, a non-zero exit,
nothing written, and never a password."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support import alembic_subprocess, build_schema, db_engine, execute, seed_plan, snapshot


def _fails(*argv: str, env: dict | None = None, ini: str = "seed.ini") -> str:
    """The one FAILED line of a refused run: on stderr (never in stdout, where
    --sql writes the SQL), with exit status 1 and no traceback."""
    result = alembic_subprocess(*argv, env=env, ini=ini)
    output = (result.stdout + result.stderr).decode()
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    assert "FAILED" not in result.stdout.decode(), output
    failed = [line for line in result.stderr.decode().splitlines() if line.startswith("FAILED:")]
    assert len(failed) == 1, output
    return failed[0]


@pytest.mark.parametrize("option, words", [
    ("scenario=huge", ["'huge'", "light", "full", "edgeCases", "chaos"]),
    ("scenario=FULL", ["'FULL'", "light, full, edgeCases, chaos"]),
    ("seed=abc", ["'abc'", "integer"]),
    ("seed=-1", ["'-1'", "integer"]),
    ("seed=1.5", ["'1.5'", "integer"]),
    ("scale=0", ["'0'", "greater than 0"]),
    ("scale=-2", ["'-2'", "greater than 0"]),
    ("scale=nan", ["'nan'", "greater than 0"]),
    ("scale=inf", ["'inf'", "greater than 0"]),
    ("scale=lots", ["'lots'", "greater than 0"]),
    ("dialect=oracle", ["'oracle'", "mysql", "sqlite"]),
    ("cache=maybe", ["'maybe'", "true, false"]),
    ("scenaro=light", ["'scenaro'", "scenario", "scale"]),
])
def test_bad_x_value_is_rejected_and_nothing_is_written(tmp_path, option, words):
    url = f"sqlite:///{tmp_path / 'terp.sqlite'}"
    build_schema(url, "chain")
    before = snapshot(url)
    line = _fails("-x", f"url={url}", "-x", option, "upgrade", "head")
    for word in words:
        assert word in line, line
    assert snapshot(url) == before  # no seed_version table, no rows


def test_bad_value_never_creates_the_embedded_database(tmp_path):
    target = tmp_path / "never.sqlite"
    _fails("-x", f"url=sqlite:///{target}", "-x", "scale=0", "upgrade", "head")
    assert not target.exists()


@pytest.mark.parametrize("url, words", [
    ("not a url", ["-x url", "not a SQLAlchemy database URL", "mysql+pymysql://"]),
    ("postgresql://u@localhost/terp", ["unsupported backend 'postgresql'", "MySQL/MariaDB or SQLite"]),
    ("mysql+mysqldb://u@localhost/terp", ["driver 'mysqldb'", "mysql+pymysql://"]),
    ("mysql+pymysql://u@localhost", ["names no database", "/DBNAME"]),
])
def test_bad_url_gets_one_clear_line(url, words):
    line = _fails("-x", f"url={url}", "upgrade", "head")
    for word in words:
        assert word in line, line


def test_password_is_never_printed():
    secret = "S3cr3t-pw-never-shown"
    url = f"mysql+pymysql://seeder:{secret}@127.0.0.1:9/terp"
    for args, env in ((["-x", f"url={url}"], None), ([], {"SEED_DATABASE_URL": url})):
        result = alembic_subprocess(*args, "upgrade", "head", env=env)
        output = (result.stdout + result.stderr).decode()
        assert result.returncode != 0
        assert secret not in output
        assert "***" in output and "cannot connect" in output, output


def test_env_url_and_x_url_that_differ_are_refused(tmp_path):
    line = _fails("-x", f"url=sqlite:///{tmp_path / 'a.sqlite'}", "upgrade", "head",
                  env={"SEED_DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite'}"})
    assert "SEED_DATABASE_URL" in line and "-x url" in line and "unset one" in line


def test_env_url_is_used(tmp_path):
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    build_schema(url, "chain")
    result = alembic_subprocess("-x", "scenario=light", "upgrade", "head", env={"SEED_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr.decode()
    assert len(snapshot(url)["clients"]) > 0


def test_database_without_the_terp_schema_is_refused_untouched(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    execute(url, "CREATE TABLE unrelated (id INTEGER PRIMARY KEY)")
    line = _fails("-x", f"url={url}", "upgrade", "head")
    assert "has no TERP schema" in line and "alembic upgrade head" in line
    engine = db_engine(url, poolclass=sa.pool.QueuePool)
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == ["unrelated"]
    engine.dispose()


def test_drifted_schema_is_reported_per_table_before_writing(tmp_path):
    url = f"sqlite:///{tmp_path / 'drift.sqlite'}"
    build_schema(url, "chain")
    execute(url, 'ALTER TABLE vendors DROP COLUMN "notes"',
            "DROP TABLE strains")
    before = snapshot(url)
    line = _fails("-x", f"url={url}", "upgrade", "head")
    assert "has drifted from TERP's schema of 2025-11-21" in line
    assert "2 errors in 2 tables (strains, vendors)" in line and "missing tables: create them" in line
    assert "nothing was written" in line
    assert snapshot(url) == before


def test_unreachable_mariadb_database_name_is_named(mariadb_server):
    url = mariadb_server.url("terpseed_no_such_database")
    line = _fails("-x", f"url={url}", "upgrade", "head")
    assert "cannot connect" in line and "terpseed_no_such_database" in line


def test_tls_is_what_the_url_asks_and_skipped_for_a_local_server(mariadb_server):
    """A server on this machine is reached without TLS (PyMySQL would build a
    certificate store on every connection); a URL with ssl_* parameters gets
    TLS there too, and any other host PyMySQL's default."""
    from terpseed.target import local_server, mysql_engine

    url = sa.make_url(mariadb_server.url("mysql"))
    assert local_server(url) and local_server(sa.make_url("mysql+pymysql://u@localhost/terp"))
    assert local_server(sa.make_url("mysql+pymysql://u@/terp?unix_socket=/run/mysqld/mysqld.sock"))
    assert not local_server(sa.make_url("mysql+pymysql://u:p@db.example.com:3306/terp"))
    with mysql_engine(url, poolclass=sa.pool.NullPool).connect() as conn:
        assert conn.exec_driver_sql("SHOW SESSION STATUS LIKE 'Ssl_cipher'").one()[1] == ""
        offered = conn.exec_driver_sql("SELECT @@have_ssl").scalar() == "YES"
    asking = url.update_query_dict({"ssl_ca": "/etc/ssl/certs/ca-certificates.crt"})
    assert not local_server(asking)
    engine = mysql_engine(asking, poolclass=sa.pool.NullPool)
    if offered:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW SESSION STATUS LIKE 'Ssl_cipher'").one()[1] != ""
    else:
        with pytest.raises(sa.exc.OperationalError, match="SSL"):
            engine.connect()


def _add_clashing_rows(url: str) -> None:
    from terpseed.schema import metadata

    engine = db_engine(url)
    with engine.begin() as conn:
        conn.execute(metadata.tables["workflow_statuses"].insert().values(
            name="Intake Queue", slug="intake-queue", color="#EF4444", order=1, isActive=1))
        conn.execute(metadata.tables["clients"].insert().values(teri_code="WHL0001", name="Theirs"))
    engine.dispose()


def test_unique_key_clashes_are_all_reported_before_writing(terp_db):
    """A client of the user's with a code the seed writes clashes (TERP's own
    workflow status is adopted instead: tests/test_adoption.py)."""
    _add_clashing_rows(terp_db)
    from terpseed.schema import metadata

    engine = db_engine(terp_db)
    with engine.begin() as conn:
        conn.execute(metadata.tables["strains"].insert().values(name="Blue Dream", standardizedName="blue-dream"))
    engine.dispose()
    before = snapshot(terp_db)
    line = _fails("-x", f"url={terp_db}", "-x", "scenario=light", "upgrade", "head")
    assert "nothing was written" in line
    assert "workflow_statuses" not in line
    assert "clients.teri_code: 1 existing row(s)" in line and "'WHL0001'" in line
    assert "strains.name: 1 existing row(s)" in line and "'Blue Dream'" in line
    assert snapshot(terp_db) == before


def _mysql_client() -> str:
    import shutil

    client = shutil.which("mariadb") or shutil.which("mysql")
    if client is None:
        pytest.skip("no mariadb/mysql command-line client")
    return client


def _run_script(url: str, script: bytes):
    import subprocess

    database = sa.engine.make_url(url).database
    return subprocess.run([_mysql_client(), "-h", "127.0.0.1", "-uroot", database], input=script,
                          capture_output=True)


def _first_seeded_user_open_id() -> str:
    from tests.support import world_rows

    return world_rows("users", scenario="light")[0]["openId"]


@pytest.mark.parametrize("clash, failing, committed", [
    ("users.openId", "0001_access", []),
    ("clients.teri_code", "0004_parties", ["0001_access", "0002_reference", "0003_books"]),
])
def test_reviewed_mysql_script_leaves_nothing_of_the_revision_that_fails(mariadb_server, clash, failing,
                                                                         committed):
    """The reviewed script, run through the mariadb client: a clash anywhere in
    a revision fails it loudly, and nothing of that revision stays (no DDL in
    its transaction: the version table was created before the first BEGIN),
    while the revisions before it are committed with their version row."""
    url = mariadb_server.create("clash")
    build_schema(url, "ddl")
    table, column = clash.split(".")
    value = _first_seeded_user_open_id() if table == "users" else "WHL0001"
    execute(url, f"INSERT INTO {table} ({column}, name) VALUES ('{value}', 'Theirs')")
    script = alembic_subprocess("-x", "scenario=light", "-x", "schema=2025-11-21", "upgrade", "head", "--sql").stdout
    result = _run_script(url, script)
    assert result.returncode != 0
    assert b"seed row clashes with a row the seed did not write" in result.stderr
    state = snapshot(url)
    plan = dict(seed_plan())
    for revision, tables in plan.items():
        for name in tables:
            if name not in state:
                continue  # a later TERP version's table: the 2025-11-21 script writes nothing to it
            theirs = 1 if name == table else 0
            if revision in committed:
                assert len(state[name]) > theirs, (revision, name)
            else:
                assert len(state[name]) == theirs, (revision, name)   # nothing of it, nor after it
    engine = db_engine(url)
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM seed_version").scalars().all()
        recorded = set(conn.exec_driver_sql("SELECT revision FROM seed_arguments").scalars())
    engine.dispose()
    assert version == committed[-1:]
    assert recorded == set(committed)


def test_a_statement_the_database_refuses_ends_in_one_line_naming_where(tmp_path):
    """-x preflight=warn lets a drifted schema through; the statement that
    then fails is one FAILED line (revision, table, what the database said,
    what was committed), never a traceback, and its revision rolled back."""
    url = f"sqlite:///{tmp_path / 'refuses.sqlite'}"
    build_schema(url, "chain")
    execute(url, 'ALTER TABLE vendors DROP COLUMN "notes"')
    line = _fails("-x", f"url={url}", "-x", "scenario=light", "-x", "preflight=warn", "upgrade", "head")
    assert line.startswith("FAILED: upgrade 0004_parties failed on table vendors:")
    assert "no column named notes" in line and "nothing of 0004_parties was written" in line
    assert "committed before it: 0001_access, 0002_reference, 0003_books" in line
    state = snapshot(url)
    assert state["users"] and not state["vendors"] and not state["clients"]


def test_a_closed_pipe_ends_the_script_with_one_line_not_a_traceback():
    """``upgrade head --sql | head``: the reader goes away early."""
    import subprocess
    import sys

    from tests.support import ROOT

    process = subprocess.Popen([sys.executable, "-m", "alembic", "-c", str(ROOT / "seed.ini"),
                                "-x", "scenario=light", "upgrade", "head", "--sql"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout.read(200)
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait() == 1
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert [line for line in err.splitlines() if line.startswith("FAILED:")] == [
        "FAILED: standard output was closed before the SQL was complete (a pipe ended early);"
        " the script is incomplete: write it to a file to review it whole"]
