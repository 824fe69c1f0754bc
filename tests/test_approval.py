"""Approved SQL is exactly what runs: headers, the manifest, refusals."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

import generators.parties
from terpseed import approval
from terpseed.schema.versions import latest
from tests.support import ROOT, alembic_ok, build_schema, run_alembic, seed_plan, snapshot

LATEST = latest().date


def test_each_revision_header_carries_the_sha256_of_its_statements():
    text = alembic_ok("-x", "scenario=light", "upgrade", "head", "--sql")
    parts = re.split(r"^-- upgrade (\S+): .*\n", text, flags=re.M)[1:]
    assert [parts[i] for i in range(0, len(parts), 2)] == [rev for rev, _tables in seed_plan()]
    for revision, part in zip(parts[0::2], parts[1::2]):
        lines = part.split("\n")
        assert lines[0] == f"-- scenario=light seed=12345 scale=1 end=2025-11-21 schema={LATEST} dialect=mysql"
        assert lines[1].startswith("-- writes rows: ")
        declared = lines[2].removeprefix("-- sha256 of the statements below: ")
        body = "\n".join(lines[4:]).split("INSERT INTO seed_version")[0].split("UPDATE seed_version")[0]
        assert hashlib.sha256(body.encode()).hexdigest() == declared, revision
        assert not re.search(r"\d{2}:\d{2}:\d{2} ?(UTC|\+)|password|root@|127\.0\.0\.1", "\n".join(lines[:3]))


def test_committed_approvals_match_the_sql_they_approve(tmp_path, monkeypatch):
    committed = json.loads((ROOT / "approvals.json").read_text())
    assert f"scenario=full seed=12345 scale=1 end=2025-11-21 schema={LATEST} dialect=mysql" in committed
    assert f"scenario=light seed=12345 scale=1 end=2025-11-21 schema={LATEST} dialect=mysql" in committed
    monkeypatch.setenv(approval.MANIFEST_ENV, str(tmp_path / "fresh.json"))
    for entry in committed:
        scenario = entry.split()[0].split("=")[1]
        code, out, err = run_alembic("-x", f"scenario={scenario}", "-x", "approved=true",
                                     "upgrade", "head", "--sql")
        assert code != 0 and "has no approval" in out + err  # the fresh manifest is empty
    from terpseed.cli import main
    assert main(["approve", "-x", "scenario=light"]) == 0
    assert main(["approve", "-x", "scenario=full"]) == 0
    assert json.loads((tmp_path / "fresh.json").read_text()) == committed, \
        "approvals.json is stale: review the SQL (make sql) and run make approve"


@pytest.fixture
def manifest(tmp_path, monkeypatch):
    monkeypatch.setenv(approval.MANIFEST_ENV, str(tmp_path / "approvals.json"))
    from terpseed.cli import main
    assert main(["approve", "-x", "scenario=light", "-x", "dialect=sqlite"]) == 0
    return tmp_path / "approvals.json"


def test_approved_sql_runs(manifest, sqlite_url):
    build_schema(sqlite_url, "chain", LATEST)  # the version approvals.json approves
    production = ("-x", "env=production", "-x", "approved=true", "-x", "confirm=terp.sqlite")
    alembic_ok("-x", f"url={sqlite_url}", "-x", "scenario=light", *production, "upgrade", "head")
    assert len(snapshot(sqlite_url)["clients"]) == 12
    alembic_ok("-x", f"url={sqlite_url}", "-x", "scenario=light", *production, "downgrade", "base")


def test_a_changed_generator_is_refused_with_its_revision_named(manifest, sqlite_url, monkeypatch):
    build_schema(sqlite_url, "chain", LATEST)
    before = snapshot(sqlite_url)
    monkeypatch.setattr(generators.parties, "STRAINS", [("Fresh Cut", "hybrid")] + generators.parties.STRAINS)
    # a patch is not a change of the source, which the seed cache would notice: bypass it
    code, out, err = run_alembic("-x", f"url={sqlite_url}", "-x", "scenario=light", "-x", "cache=false",
                                 "-x", "approved=true", "upgrade", "head")
    assert code != 0
    line = (out + err).strip().splitlines()[-1]
    assert line.startswith("FAILED: the SQL differs from what was approved")
    assert "upgrade 0004_parties" in line   # the strains' revision, and those built on strains
    assert all(rev not in line for rev in ("0001_access", "0002_reference", "0003_books"))
    assert snapshot(sqlite_url) == before


def test_production_needs_approval():
    code, out, err = run_alembic("-x", "env=production", "upgrade", "head", "--sql")
    assert code != 0 and "-x env=production needs -x approved=true" in out + err


def test_a_changed_generator_changes_only_its_own_statements(monkeypatch):
    def statements(text):
        segments = ("\n".join(l for l in s.splitlines() if not l.startswith("--")).strip()
                    for s in text.split(";\n\n"))
        return [s for s in segments if s]

    before = statements(alembic_ok("-x", "scenario=light", "upgrade", "head", "--sql"))
    monkeypatch.setattr(generators.parties, "STRAINS", [("Fresh Cut", "hybrid")] + generators.parties.STRAINS)
    after = statements(alembic_ok("-x", "scenario=light", "-x", "cache=false", "upgrade", "head", "--sql"))
    assert len(before) == len(after)
    changed = [a for b, a in zip(before, after) if a != b]
    # strains changed; products (named after strains) and what is built on them follow
    assert changed and changed[0].startswith("INSERT INTO strains")
    assert not any(s.startswith(("INSERT INTO users", "INSERT INTO clients", "INSERT INTO accounts"))
                   for s in changed)
