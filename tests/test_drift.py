"""The drift preflight (terpseed/drift.py) tells harmless drift from breaking
drift by what the run writes: each class driven by a real altered schema (a
database built at one TERP version and seeded as another, a column dropped,
an enum narrowed, a varchar turned decimal...).  Harmless drift seeds with a
warning block; breaking drift refuses with exit status 1, the block and one
FAILED line, and writes nothing; renames are named as renames.  On SQLite
(the schema altered through its catalog where SQLite's ALTER cannot); the
MariaDB case is tests/test_safety.py."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import pytest
import sqlalchemy as sa

from terpseed.drift import LiveType, misfit, other_names, other_values
from terpseed.schema.versions import version
from tests.support import (alembic_ok, build_schema, counts, db_engine, edit_sqlite_table, execute,
                           run_alembic, snapshot)

LIGHT = ("-x", "scenario=light")


# ------------------------------------------------------------------ helpers
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """An empty SQLite TERP schema of a version, built by the schema chain once per module."""
    folder = tmp_path_factory.mktemp("versions")
    made: dict[str, object] = {}

    def get(date: str):
        if date not in made:
            path = folder / f"{date}.sqlite"
            build_schema(f"sqlite:///{path}", "chain", date)
            made[date] = path
        return made[date]
    return get


@pytest.fixture
def fresh(built, tmp_path):
    """A copy of the built schema of a version: its URL."""
    def copy(date: str = "2025-11-21") -> str:
        target = tmp_path / "terp.sqlite"
        shutil.copy(built(date), target)
        return f"sqlite:///{target}"
    return copy


class Run:
    """One seed command: its exit status, its report (per table: [(severity,
    text)], in the order printed), its FAILED lines."""

    def __init__(self, *argv: str):
        self.code, self.out, self.err = run_alembic(*argv)
        self.lines = self.err.splitlines()
        self.failed = [line for line in self.lines if line.startswith("FAILED:")]
        self.header = next((line for line in self.lines if line.startswith("preflight")), None)
        self.tables: dict[str, list[tuple[str, str]]] = {}
        self.order: list[str] = []
        self.todo: list[str] = []
        inside, table, todo = False, None, False
        for line in self.lines:
            if line.startswith("preflight"):
                inside = True
                continue
            if not inside or not line.startswith("  "):
                inside = inside and line.startswith("  ")
                continue
            if line == "  what to do:":
                todo = True
            elif todo:
                self.todo.append(line.strip())
            elif not line.startswith("    "):
                table = line.strip()
                self.order.append(table)
                self.tables[table] = []
            else:
                severity, text = line.strip().split(None, 1)
                self.tables[table].append((severity, text))

    def errors(self, table: str) -> list[str]:
        return [text for severity, text in self.tables.get(table, []) if severity == "error"]

    def warnings(self, table: str) -> list[str]:
        return [text for severity, text in self.tables.get(table, []) if severity == "warning"]

    def assert_refused(self) -> str:
        assert self.code == 1, self.err
        assert "Traceback" not in self.err
        assert len(self.failed) == 1 and self.lines[-1] == self.failed[0], self.err
        assert "nothing was written" in self.failed[0]
        assert self.header and "error" in self.header, self.err
        for table, items in self.tables.items():  # per table, errors first
            severities = [severity for severity, _text in items]
            assert severities == sorted(severities), (table, items)
        with_errors = [t for t in self.order if self.errors(t)]
        assert self.order[:len(with_errors)] == with_errors  # tables with errors first
        return self.failed[0]


def has(items: list[str], *words: str) -> bool:
    return any(all(word in item for word in words) for item in items)


# ------------------------------------------------------------------ a whole other version
def test_a_newer_schema_seeded_as_an_older_version_is_refused_naming_the_renames(fresh):
    """TERP's 2026-05-14 schema seeded with -x schema=2025-11-21: the renamed
    column and values break it and are named as renames, with the version
    that renamed them; the 2026-02-15 decimals that the run's varchar money
    parses into, and the columns added since, are warnings."""
    url = fresh("2026-05-14")
    before = snapshot(url)
    run = Run("-x", f"url={url}", *LIGHT, "-x", "schema=2025-11-21", "upgrade", "head")
    line = run.assert_refused()
    assert "has drifted from TERP's schema of 2025-11-21, which this run writes" in line
    assert "-x schema=2026-05-14" in line and "alembic downgrade 0001_terp_schema" in line
    assert "the database holds TERP's schema of 2026-05-14" in run.header
    assert has(run.errors("inventoryMovements"),
               "reason: renamed to notes in TERP's schema of 2026-02-15; the database holds the newer name",
               "the INSERT of its")
    assert has(run.errors("orders"), "fulfillmentStatus: the database's enum lacks a value this run writes",
               "renamed in TERP's schema of 2026-05-14", "'PENDING' (", "-> 'READY_FOR_PACKING'")
    assert has(run.errors("tags"), "category:", "converted in TERP's schema of 2026-02-15",
               "'strain_type' (", "-> 'STRAIN'")
    assert has(run.warnings("batches"), "unitCogs: NUMERIC(15, 4) in the database, VARCHAR(20) in TERP's schema"
               " of 2025-11-21: every value this run writes fits")
    assert has(run.warnings("batches"), "only in the database, nullable or with a default", "isPhotographyComplete")
    assert has(run.warnings("orders"), "quoteStatus: the database's enum lacks 'DRAFT', which this run does not write")
    assert not run.errors("batchLocations") and run.warnings("batchLocations")
    assert has(run.todo, "-x schema=2026-05-14", "`alembic downgrade 0001_terp_schema`")
    assert snapshot(url) == before


def test_an_older_schema_seeded_as_a_newer_version_is_refused_naming_the_renames(fresh):
    """TERP's 2025-12-20 schema seeded with -x schema=2026-02-15: the column
    the database holds under its older name, the columns 2026-02-15 adds
    (named by every INSERT), refused; the varchar money the decimals fit,
    warnings."""
    url = fresh("2025-12-20")
    before = snapshot(url)
    run = Run("-x", f"url={url}", *LIGHT, "-x", "schema=2026-02-15", "upgrade", "head")
    line = run.assert_refused()
    assert "-x schema=2025-12-20" in line and "alembic upgrade 0003_terp_2026_02_15" in line
    assert has(run.errors("inventoryMovements"),
               "notes: renamed from reason in TERP's schema of 2026-02-15; the database holds the older name")
    assert has(run.errors("payments"), "missing column version (INTEGER NOT NULL): the INSERT of its")
    assert has(run.errors("tags"), "missing column color (VARCHAR(7) NULL): the INSERT of its")
    assert has(run.warnings("batches"), "unitCogs: VARCHAR(20) in the database, NUMERIC(15, 4) in TERP's schema"
               " of 2026-02-15: every value this run writes fits")
    assert has(run.warnings("tags"), "category: no enum in the database")
    assert snapshot(url) == before


def test_the_oldest_schema_seeded_as_the_newest_version_is_refused_with_the_report(fresh):
    url = fresh("2025-11-21")
    run = Run("-x", f"url={url}", *LIGHT, "-x", "schema=2026-05-14", "upgrade", "head")
    run.assert_refused()
    assert has(run.errors("inventoryMovements"), "notes: renamed from reason in TERP's schema of 2026-02-15")
    assert has(run.errors("orders"), "renamed in TERP's schema of 2026-05-14", "'READY_FOR_PACKING' (", "<- 'PENDING'")


# ------------------------------------------------------------------ harmless drift
def test_harmless_drift_seeds_with_a_warning_block(fresh):
    """Added columns (nullable, with a default), an enum that gained a value
    and lost one the run does not write, a varchar turned decimal that every
    value written parses into, a NOT NULL column the run writes no NULL into,
    a relaxed NOT NULL: all warnings, and the seed goes in."""
    url = fresh()
    execute(url, "ALTER TABLE clients ADD COLUMN nickname VARCHAR(20)",
            "ALTER TABLE vendors ADD COLUMN rating INTEGER NOT NULL DEFAULT 0")
    edit_sqlite_table(url, "batches", '"unitCogs" VARCHAR(20),', '"unitCogs" NUMERIC(15, 4),')
    edit_sqlite_table(url, "orders", "'DRAFT', 'SENT', 'VIEWED', 'ACCEPTED'", "'DRAFT', 'SENT', 'ACCEPTED', 'ON_HOLD'")
    edit_sqlite_table(url, "orders", "tax NUMERIC(15, 2) DEFAULT (0.00),", "tax NUMERIC(15, 2) DEFAULT (0.00) NOT NULL,")
    edit_sqlite_table(url, "orders", "order_number VARCHAR(50) NOT NULL,", "order_number VARCHAR(50),")
    run = Run("-x", f"url={url}", *LIGHT, "upgrade", "head")
    assert run.code == 0, run.err
    assert not run.failed
    assert run.header.startswith(f"preflight warning: {url} differs from TERP's schema of 2025-11-21")
    assert "none breaks this run" in run.header
    assert not any(self_errors for self_errors in map(run.errors, run.tables))
    assert has(run.warnings("clients"), "column nickname only in the database, nullable or with a default")
    assert has(run.warnings("vendors"), "column rating only in the database")
    assert has(run.warnings("batches"), "unitCogs: NUMERIC(15, 4) in the database, VARCHAR(20) in TERP's schema"
               " of 2025-11-21: every value this run writes fits")
    assert has(run.warnings("orders"), "quoteStatus: the database's enum lacks 'VIEWED', which this run does not write")
    assert has(run.warnings("orders"), "quoteStatus: the database's enum also allows 'ON_HOLD'")
    assert has(run.warnings("orders"), "tax: NOT NULL in the database", "this run writes no NULL into it")
    assert has(run.warnings("orders"), "order_number: nullable in the database, NOT NULL in TERP's schema")
    assert counts(url)["batches"] > 0
    engine = db_engine(url)
    with engine.connect() as conn:  # the varchar money went into the decimal column as the number it is
        stored = conn.exec_driver_sql('SELECT "unitCogs", typeof("unitCogs") FROM batches ORDER BY id').all()
    engine.dispose()
    assert stored and all(kind in ("integer", "real") for _value, kind in stored)


# ------------------------------------------------------------------ breaking drift
BREAKING = {
    "varchar-decimal-unparsed": (
        lambda url: edit_sqlite_table(url, "clients", "teri_code VARCHAR(50) NOT NULL,",
                                      "teri_code NUMERIC(15, 2) NOT NULL,"),
        "clients", "type", ["teri_code: NUMERIC(15, 2) in the database, VARCHAR(50) in TERP's schema of 2025-11-21:",
                            "values this run writes do not fit (not a number: 'WHL0001' (id"]),
    "decimal-too-narrow": (
        lambda url: edit_sqlite_table(url, "batches", '"unitCogs" VARCHAR(20),', '"unitCogs" NUMERIC(15, 1),'),
        "batches", "type", ["unitCogs: NUMERIC(15, 1) in the database", "more than 1 decimals: '"]),
    "enum-narrowed": (
        lambda url: edit_sqlite_table(url, "orders", "'DRAFT', 'SENT', 'VIEWED', 'ACCEPTED'", "'DRAFT', 'SENT'"),
        "orders", "enum", ["quoteStatus: the database's enum lacks 'ACCEPTED' (1 row, id",
                           "which this run writes; TERP's schema of 2025-11-21 has ENUM('DRAFT', 'SENT'"]),
    "column-dropped": (
        lambda url: execute(url, 'ALTER TABLE vendors DROP COLUMN "notes"'),
        "vendors", "column", ["missing column notes (TEXT NULL): the INSERT of its 2 rows names every column"]),
    "table-dropped": (
        lambda url: execute(url, "DROP TABLE strains"),
        "strains", "table", ["table missing: this run inserts"]),
    "null-into-not-null": (
        lambda url: edit_sqlite_table(url, "orders", "\tnotes TEXT,", "\tnotes TEXT NOT NULL,"),
        "orders", "null", ["notes: NOT NULL in the database, nullable in TERP's schema of 2025-11-21:"
                           " this run writes NULL into it on 53 rows"]),
    "renamed-by-hand": (
        lambda url: execute(url, 'ALTER TABLE "inventoryMovements" RENAME COLUMN reason TO notes'),
        "inventoryMovements", "renamed", ["reason: renamed to notes in TERP's schema of 2026-02-15; the database"
                                          " holds the newer name, and the INSERT of its"]),
}
FIXES = {
    "type": "values that do not fit: give the column TERP's type of 2025-11-21",
    "enum": "enum values the database lacks: give the column TERP's enum of 2025-11-21",
    "column": "missing columns: add them as TERP's schema of 2025-11-21 defines them",
    "table": "missing tables: create them as TERP's schema of 2025-11-21 defines them",
    "null": "NOT NULL columns the run writes NULL into: make them nullable",
    "renamed": "renamed names or values: rename them back to TERP's spelling of 2025-11-21",
}


@pytest.mark.parametrize("case", sorted(BREAKING))
def test_breaking_drift_is_refused_with_its_fix_and_nothing_written(fresh, case):
    alter, table, kind, words = BREAKING[case]
    url = fresh()
    alter(url)
    before = snapshot(url)
    run = Run("-x", f"url={url}", *LIGHT, "upgrade", "head")
    line = run.assert_refused()
    assert has(run.errors(table), *words), run.err
    assert [t for t in run.order if run.errors(t)] == [table]
    assert f"1 error in 1 table ({table})" in line
    assert FIXES[kind] in line and has(run.todo, FIXES[kind])
    assert "-x schema=" not in line  # the database holds the run's version: the version is not the fix
    assert snapshot(url) == before


def test_a_downgrade_trips_on_less_than_an_upgrade(fresh):
    """After the seed, an enum narrowed below a value seeded rows hold and a
    column added NOT NULL without a default: breaking for an upgrade (the
    parametrized cases above), harmless for the downgrade, which writes
    neither: it goes, with the warnings."""
    url = fresh()
    alembic_ok("-x", f"url={url}", *LIGHT, "upgrade", "head")
    edit_sqlite_table(url, "orders", "'DRAFT', 'SENT', 'VIEWED', 'ACCEPTED'", "'DRAFT', 'SENT'",
                      rows_may_disagree=True)
    execute(url, 'ALTER TABLE bills ADD COLUMN "approvedBy" INTEGER NOT NULL DEFAULT 7')
    edit_sqlite_table(url, "bills", '"approvedBy" INTEGER NOT NULL DEFAULT 7', '"approvedBy" INTEGER NOT NULL',
                      rows_may_disagree=True)
    run = Run("-x", f"url={url}", "downgrade", "base")
    assert run.code == 0, run.err
    assert "none breaks this run" in run.header
    assert has(run.warnings("orders"), "quoteStatus: the database's enum lacks 'VIEWED', 'ACCEPTED', which this run"
               " does not write")
    assert has(run.warnings("bills"), "approvedBy: INTEGER NOT NULL without a default", "(this run inserts no rows)")
    assert counts(url)["orders"] == 0


def test_preflight_warn_reports_the_block_and_the_failing_statement_ends_it(fresh):
    """-x preflight=warn: the block says the errors are let through; the
    statement that trips ends the run in one FAILED line naming the revision,
    the table and what was committed before it."""
    url = fresh()
    execute(url, 'ALTER TABLE vendors DROP COLUMN "notes"')
    run = Run("-x", f"url={url}", *LIGHT, "-x", "preflight=warn", "upgrade", "head")
    assert run.code == 1
    assert "1 error (let through: -x preflight=warn)" in run.header
    assert has(run.errors("vendors"), "missing column notes")
    assert len(run.failed) == 1 and run.lines[-1] == run.failed[0]
    assert run.failed[0].startswith("FAILED: upgrade 0004_parties failed on table vendors:")
    assert "committed before it: 0001_access, 0002_reference, 0003_books" in run.failed[0]
    assert "Traceback" not in run.err


# ------------------------------------------------------------------ the pieces
def test_values_are_weighed_as_mysql_strict_mode_takes_them():
    decimal = LiveType("DECIMAL(6,2)", "decimal", precision=6, scale=2)
    assert misfit("825.35", decimal) is None and misfit(Decimal("825.3500"), decimal) is None
    assert misfit("825.355", decimal) == "more than 2 decimals"
    assert misfit("10000.00", decimal) == "more than 4 digits before the point"
    assert misfit("12,50", decimal) == "not a number" and misfit("NaN", decimal) == "not a number"
    varchar = LiveType("VARCHAR(5)", "string", length=5)
    assert misfit(Decimal("12.50"), varchar) is None and misfit(Decimal("123.50"), varchar) == "longer than 5 characters"
    tiny = LiveType("TINYINT", "integer", bits=8)
    assert misfit(True, tiny) is None and misfit(127, tiny) is None and misfit(128, tiny) == "outside -128..127"
    assert misfit(Decimal("1.5"), tiny) == "not a whole number"
    enum = LiveType("ENUM('A','B')", "enum", values=("A", "B"))
    assert misfit("A", enum) is None and misfit("C", enum) == "not one of its values" and misfit(None, enum) is None
    date = LiveType("DATE", "date")
    assert misfit(dt.date(2025, 1, 2), date) is None and misfit(dt.datetime(2025, 1, 2, 9), date) == "has a time of day"
    assert misfit("{}", LiveType("JSON", "json")) is None and misfit("{", LiveType("JSON", "json")) == "not JSON"


def test_renames_are_found_both_ways_through_the_version_declarations():
    oldest, newest = version("2025-11-21"), version("2026-05-14")
    assert [(s.date, way, t, c) for s, way, t, c in other_names(oldest, "inventoryMovements", "reason")] == [
        ("2026-02-15", "newer", "inventoryMovements", "notes")]
    assert [(s.date, way, c) for s, way, _t, c in other_names(newest, "inventoryMovements", "notes")] == [
        ("2026-02-15", "older", "reason")]
    assert other_names(oldest, "orders", "quoteStatus") == []
    assert [(s.date, way, v, how, there[0].date)
            for s, way, v, how, there in other_values(oldest, "orders", "quoteStatus", "DRAFT")] == [
        ("2026-05-14", "newer", "UNSENT", "renamed", "2026-05-14")]
    assert [(s.date, way, v, there[0].date) for s, way, v, _how, there in
            other_values(newest, "orders", "fulfillmentStatus", "READY_FOR_PACKING")] == [
        ("2026-05-14", "older", "PENDING", "2026-02-15")]
    assert [(s.date, v, how) for s, _way, v, how, _there in other_values(oldest, "tags", "category", "strain_type")] == [
        ("2026-02-15", "STRAIN", "converted")]
    assert other_values(oldest, "orders", "quoteStatus", "SENT") == []


def test_what_the_run_writes_is_what_its_statements_hold():
    """Writes.values (a column's values without the rest of the row) gives
    what World.physical holds, renamed and converted into the run's version."""
    from types import SimpleNamespace

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from terpseed.chain import seed_steps
    from terpseed.drift import Writes
    from terpseed.params import parse_seed_params
    from terpseed.schema_view import view
    from terpseed.world import World
    from tests.support import ROOT

    script = ScriptDirectory.from_config(Config(str(ROOT / "seed.ini")))
    world = World(parse_seed_params({"scenario": "light"}), seed_steps(script), view=view("2026-05-14"))
    pending = [SimpleNamespace(revision=sc, is_upgrade=True) for sc in reversed(list(script.walk_revisions()))]
    writes = Writes(world, pending)
    for table, columns in (("batches", ["unitCogs", "batchStatus", "ownership_type"]), ("tags", ["category"]),
                           ("inventoryMovements", ["notes"])):
        got = writes.values(table, columns)
        rows = world.physical(table)
        assert writes.inserted(table) == len(rows) > 0
        for column in columns:
            assert got[column] == [(row["id"], row[column]) for row in rows], (table, column)
    assert {v for _id, v in writes.values("tags", ["category"])["category"]} <= {
        "STRAIN", "FLAVOR", "EFFECT", "STATUS", "PRIORITY", "TYPE", "CUSTOM"}
    assert writes.naming("batches", "unitCogs").startswith("the INSERT of its")
    assert writes.tables() >= {"batches", "orders", "inventoryMovements"}
