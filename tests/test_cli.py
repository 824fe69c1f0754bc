"""The set-up commands: `make seed` (python -m terpseed seed), make targets."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from terpseed.schema.versions import latest, seeds_version
from tests.support import ROOT, alembic_ok, build_schema, counts


def _run(*cmd: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "SEED_DATABASE_URL"} | (env or {})
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=full_env)


def _seed(url: str, *x: str) -> subprocess.CompletedProcess:
    args = [a for pair in x for a in ("-x", pair)]
    return _run(sys.executable, "-m", "terpseed", "seed", "-x", f"url={url}", *args)


def test_seed_command_builds_schema_seeds_and_summarises(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    result = _seed(url, "scenario=light")
    assert result.returncode == 0, result.stdout + result.stderr
    # TERP's newest schema, the schema chain's head, seeded in that version
    assert f"schema: alembic upgrade {latest().revision} (TERP's {latest().date} schema)" in result.stdout
    assert f"schema={latest().date}" in result.stdout
    # light: 10 buying clients and a supplier account for each of its 2 vendors
    assert re.search(r"clients\s+│\s+12\n", result.stdout), result.stdout
    assert re.search(r"seeded in \d+\.\d s", result.stdout)
    first = counts(url)
    assert first["clients"] == 12
    # the same arguments again: nothing to do, and it says so (never "seeded")
    again = _seed(url, "scenario=light")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already holds the seed scenario=light" in again.stdout and "nothing to do" in again.stdout
    assert "seeded in" not in again.stdout
    assert counts(url) == first
    # other arguments: refused, saying what it holds and how to reseed
    other = _seed(url, "scenario=edgeCases")
    assert other.returncode == 1 and other.stdout.count("FAILED") == 0
    assert "already holds scenario=light" in other.stderr and "make reseed" in other.stderr
    assert counts(url) == first
    # reseed takes the old seed out and seeds the new one
    reseed = _run(sys.executable, "-m", "terpseed", "reseed", "-x", f"url={url}", "-x", "scenario=edgeCases")
    assert reseed.returncode == 0, reseed.stdout + reseed.stderr
    assert counts(url)["clients"] == 22


def test_seed_command_leaves_a_ddl_created_schema_alone(mariadb_server):
    url = mariadb_server.create("cli")
    build_schema(url, "ddl")
    result = _run(sys.executable, "-m", "terpseed", "seed", "-x", f"url={url}", "-x", "scenario=light")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "already has the TERP tables" in result.stdout
    assert counts(url)["users"] > 0


def test_seed_command_seeds_the_version_the_schema_chain_built(tmp_path):
    """A database the schema chain built at an older TERP version is seeded in
    that version, and says so."""
    url = f"sqlite:///{tmp_path / 'older.sqlite'}"
    alembic_ok("-x", f"url={url}", "upgrade", seeds_version().revision, ini="alembic.ini")
    result = _seed(url, "scenario=light")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"has TERP's {seeds_version().date} schema" in result.stdout
    assert f"schema={seeds_version().date}" in result.stdout
    assert counts(url)["clients"] == 12


def test_seed_command_rejects_bad_values_in_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'never.sqlite'}"
    result = _run(sys.executable, "-m", "terpseed", "seed", "-x", f"url={url}", "-x", "scenario=nope")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("FAILED: -x scenario='nope'") and "FAILED" not in result.stdout
    assert not (tmp_path / "never.sqlite").exists()


def test_make_help_lists_the_targets_the_readme_names():
    result = _run("make", "help")
    assert result.returncode == 0
    readme = (ROOT / "README.md").read_text()
    for target in ("seed", "test", "sql", "lint", "check", "help"):
        assert f"make {target}" in result.stdout
        assert f"make {target}" in readme


def test_make_check_audits_the_target_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'audited.sqlite'}"
    build_schema(url, "chain")
    _run(sys.executable, "-m", "terpseed", "seed", "-x", f"url={url}", "-x", "scenario=light")
    result = _run("make", "--no-print-directory", "check", env={"SEED_DATABASE_URL": url})
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\d+ passed, \d+ failed \(0 errors", result.stdout)
    assert f"TERP integrity checks of {url}" in result.stdout.replace("\n", "")
    # what a script redirects is the report alone, not make's echo of the command
    as_json = _run("make", "--no-print-directory", "check", "CHECK_ARGS=--format json",
                   env={"SEED_DATABASE_URL": url})
    assert json.loads(as_json.stdout)["database"] == url


def test_make_sql_writes_review_files_without_a_database(tmp_path):
    result = _run("make", "--no-print-directory", "sql", "SCENARIO=light", f"SQL_DIR={tmp_path}")
    assert result.returncode == 0, result.stderr
    upgrade = tmp_path / "light-seed12345-x1-mysql-upgrade.sql"
    downgrade = tmp_path / "light-seed12345-x1-mysql-downgrade.sql"
    assert "INSERT INTO clients" in upgrade.read_text()
    assert "DELETE FROM clients" in downgrade.read_text()
    failing = _run("make", "--no-print-directory", "sql", "SCENARIO=light", "SEED=x", f"SQL_DIR={tmp_path / 'bad'}")
    assert failing.returncode == 2 and "FAILED: -x seed='x'" in failing.stderr
    assert list((tmp_path / "bad").iterdir()) == []           # no half-written script left behind


def test_make_lint_is_clean():
    result = _run("make", "--no-print-directory", "lint")
    assert result.returncode == 0, result.stdout + result.stderr


def test_lint_gives_sqlfluff_each_statement_shape_once():
    """Other names and values, the same shape; another layout or another kind
    of value where one stands (a NULL for a text, a number for a name), another."""
    from terpseed.lint import shape

    insert = "INSERT INTO `clients` (id, `teriCode`, name) VALUES\n(1000000001, 'O''Brien \\' x', NULL)"
    assert shape(insert) == shape(insert.replace("clients", "vendors").replace("O''Brien", "Acme, (Ltd);"))
    assert shape(insert) == "INSERT INTO x (xs) VALUES\n(0, 's', NULL)"
    assert shape(insert) != shape(insert.replace("NULL", "'n'"))
    assert shape(insert) != shape(insert.replace("VALUES\n", "VALUES "))
    assert shape("DELETE FROM seed_rows WHERE revision = '0001_access'") == \
        shape("DELETE FROM seed_rows WHERE revision = '0002_reference'")
