"""The set-up commands: `make seed` (python -m terpseed seed), make targets."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.support import ROOT, build_schema, counts


def _run(*cmd: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "SEED_DATABASE_URL"} | (env or {})
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=full_env)


def test_seed_command_builds_schema_seeds_and_summarises(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    result = _run(sys.executable, "-m", "terpseed", "seed", "-x", f"url={url}", "-x", "scenario=light")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "schema: alembic upgrade head" in result.stdout
    # light: 10 buying clients and a supplier account for each of its 2 vendors
    assert re.search(r"clients\s+│\s+12\n", result.stdout), result.stdout
    assert re.search(r"seeded in \d+\.\d s", result.stdout)
    first = counts(url)
    assert first["clients"] == 12
    again = _run(sys.executable, "-m", "terpseed", "seed", "-x", f"url={url}", "-x", "scenario=light")
    assert again.returncode == 0, again.stdout + again.stderr
    assert counts(url) == first


def test_seed_command_leaves_a_ddl_created_schema_alone(mariadb_server):
    url = mariadb_server.create("cli")
    build_schema(url, "ddl")
    result = _run(sys.executable, "-m", "terpseed", "seed", "-x", f"url={url}", "-x", "scenario=light")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "already has the TERP tables" in result.stdout
    assert counts(url)["users"] > 0


def test_seed_command_rejects_bad_values_in_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'never.sqlite'}"
    result = _run(sys.executable, "-m", "terpseed", "seed", "-x", f"url={url}", "-x", "scenario=nope")
    assert result.returncode == 1
    assert result.stdout.strip().startswith("FAILED: -x scenario='nope'")
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


def test_make_sql_writes_review_files_without_a_database(tmp_path):
    result = _run("make", "--no-print-directory", "sql", "SCENARIO=light", f"SQL_DIR={tmp_path}")
    assert result.returncode == 0, result.stderr
    upgrade = tmp_path / "light-seed12345-x1-mysql-upgrade.sql"
    downgrade = tmp_path / "light-seed12345-x1-mysql-downgrade.sql"
    assert "INSERT INTO clients" in upgrade.read_text()
    assert "DELETE FROM clients" in downgrade.read_text()


def test_make_lint_is_clean():
    result = _run("make", "--no-print-directory", "lint")
    assert result.returncode == 0, result.stdout + result.stderr
