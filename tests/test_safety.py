"""Safe on production: drift preflight, the lock, confirmation and dry run,
a downgrade that never takes a user's row, crash recovery, hostile values."""

from __future__ import annotations

import datetime as dt
import fcntl
import random
import re
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from terpseed import record
from terpseed.schema.versions import latest
from terpseed.render import SqlRenderer
from terpseed.schema import metadata
from tests.support import (ROOT, alembic_ok, alembic_subprocess, build_schema, counts, db_engine,
                           edit_sqlite_table, execute, run_alembic, seed_plan, snapshot)


def _fails(*argv: str) -> str:
    code, out, err = run_alembic(*argv)
    assert code != 0, out + err
    return (out + err).strip().splitlines()[-1]


# ------------------------------------------------------------------ schema drift
def test_drift_is_reported_whole_and_nothing_is_written(mariadb_server):
    """MariaDB from the DDL, then drifted: what the light seed would trip on
    (a column it writes dropped, an enum without a value it writes, a NOT
    NULL column without default its INSERT leaves out) refuses it, in one
    block per table before the FAILED line; what it would not (an enum
    value it does not write, a nullable extra column, a varchar turned a
    decimal its values fit, a key) are warnings in the same block."""
    url = mariadb_server.create("drift")
    build_schema(url, "ddl")
    execute(url, "ALTER TABLE vendors DROP COLUMN notes",
            "ALTER TABLE orders MODIFY quoteStatus enum('DRAFT','SENT','REJECTED','EXPIRED','CONVERTED')",
            "ALTER TABLE bills ADD COLUMN approvedBy int NOT NULL",
            "ALTER TABLE clients ADD COLUMN nickname varchar(20)",
            "ALTER TABLE batches MODIFY unitCogs decimal(15,4) NULL",
            "ALTER TABLE lots DROP INDEX lots_code_unique")
    before = snapshot(url)
    result = alembic_subprocess("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert "Traceback" not in err
    lines = err.splitlines()
    failed = [line for line in lines if line.startswith("FAILED:")]
    assert len(failed) == 1 and lines[-1] == failed[0]
    line = failed[0]
    assert "nothing was written" in line and "3 errors in 3 tables (bills, orders, vendors)" in line
    report = lines[next(i for i, text in enumerate(lines) if text.startswith("preflight: ")):-1]
    assert "3 errors, 4 warnings, in 6 tables" in report[0]
    items = [text.strip() for text in report[1:report.index("  what to do:")]]
    tables = [text for text in items if not text.startswith(("error", "warning"))]
    assert tables == ["bills", "orders", "vendors", "batches", "clients", "lots"]  # errors first
    assert items[items.index("orders") + 1:items.index("vendors")] == [
        "error    quoteStatus: the database's enum lacks 'ACCEPTED' (1 row, id 1000000008), which this run writes;"
        " TERP's schema of 2025-11-21 has ENUM('DRAFT', 'SENT', 'VIEWED', 'ACCEPTED', 'REJECTED', 'EXPIRED',"
        " 'CONVERTED')",
        "warning  quoteStatus: the database's enum lacks 'VIEWED', which this run does not write"]
    assert "error    missing column notes (TEXT NULL): the INSERT of its 2 rows names every column" in items
    assert any(text.startswith("error    approvedBy: INTEGER(11) NOT NULL without a default, not in TERP's schema"
                               " of 2025-11-21: the INSERT of its 6 rows leaves it out") for text in items)
    assert "warning  unitCogs: DECIMAL(15, 4) in the database, VARCHAR(20) in TERP's schema of 2025-11-21:" \
        " every value this run writes fits" in items
    assert "warning  column nickname only in the database, nullable or with a default: the INSERT leaves it out" in items
    assert "warning  key lots_code_unique (code): missing from the database" in items
    todo = report[report.index("  what to do:") + 1:]
    assert [text.split(":")[0].strip() for text in todo] == [
        "missing columns", "enum values the database lacks", "NOT NULL columns without a default that TERP's schema"
        " does not have", "or, knowing the seeds will trip, -x preflight=warn goes on anyway"]
    assert snapshot(url) == before


def test_warnings_alone_do_not_stop_a_run(tmp_path):
    url = f"sqlite:///{tmp_path / 'extra.sqlite'}"
    build_schema(url, "chain")
    execute(url, "ALTER TABLE clients ADD COLUMN nickname varchar(20)",
            "ALTER TABLE deployments ADD COLUMN region varchar(20) NOT NULL DEFAULT 'us'")
    code, _out, err = run_alembic("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    assert code == 0, err
    assert "preflight warning:" in err and "none breaks this run" in err
    assert counts(url)["clients"] > 0


def test_preflight_warn_lets_a_knowing_user_through(tmp_path):
    """Money with more decimals than the column holds breaks the run as
    MySQL's strict mode would take it; SQLite keeps it all the same, and a
    user who knows that passes -x preflight=warn."""
    url = f"sqlite:///{tmp_path / 'strict.sqlite'}"
    build_schema(url, "chain")
    edit_sqlite_table(url, "batches", '"unitCogs" VARCHAR(20),', '"unitCogs" NUMERIC(15, 1),')
    line = _fails("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    assert "1 error in 1 table (batches)" in line and "-x preflight=warn" in line
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "-x", "preflight=warn", "upgrade", "head")
    assert counts(url)["batches"] > 0


# ------------------------------------------------------------------ downgrade guard
def test_downgrade_refuses_to_take_user_rows_and_deletes_nothing(terp_db):
    url = terp_db
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    engine = db_engine(url)
    t = metadata.tables
    with engine.begin() as conn:  # a user's order for a seeded client, a comment on a seeded batch
        client = conn.execute(sa.select(sa.func.min(t["clients"].c.id))).scalar_one()
        user = conn.execute(sa.select(sa.func.min(t["users"].c.id))).scalar_one()
        batch = conn.execute(sa.select(sa.func.min(t["batches"].c.id))).scalar_one()
        order_id = conn.execute(t["orders"].insert().values(
            order_number="MINE-1", orderType="SALE", client_id=client, items=[], subtotal=0, total=0,
            paymentTerms="COD", created_by=user)).inserted_primary_key[0]
        conn.execute(t["comments"].insert().values(commentable_type="inventory_batch", commentable_id=batch,
                                                   user_id=user, content="mine"))
    before = snapshot(url)
    line = _fails("-x", f"url={url}", "-x", "scenario=light", "downgrade", "base")
    assert "nothing was deleted" in line
    assert f"orders rows {order_id} reference clients through orders.client_id" in line
    assert "ON DELETE CASCADE would delete them" in line
    assert "reference batches through comments.commentable_id (commentable_type = 'inventory_batch')" in line
    assert snapshot(url) == before
    with engine.begin() as conn:  # the user moves their rows away: now the downgrade may go
        conn.execute(t["orders"].delete().where(t["orders"].c.order_number == "MINE-1"))
        conn.execute(t["comments"].delete().where(t["comments"].c.content == "mine"))
    engine.dispose()
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "downgrade", "base")
    assert counts(url)["clients"] == 0


# ------------------------------------------------------------------ the lock
def test_a_second_run_waits_then_names_the_holder_mariadb(mariadb_server):
    url = mariadb_server.create("lock")
    build_schema(url, "ddl")
    holder = db_engine(url)
    database = sa.engine.make_url(url).database
    with holder.connect() as conn:
        assert conn.exec_driver_sql("SELECT GET_LOCK(%s, 0)", (f"terpseed:{database}",)).scalar() == 1
        started = time.monotonic()
        line = _fails("-x", f"url={url}", "-x", "scenario=light", "-x", "lock_timeout=1", "upgrade", "head")
        assert time.monotonic() - started < 20
        assert "another seed run holds the lock" in line and "connection " in line
        # the holder has sat idle since it took the lock: said as such, never "held for 0 s"
        idle = int(re.search(r"between statements, idle for (\d+) s", line).group(1))
        assert idle >= 1 and "waited 1 s" in line
    holder.dispose()
    assert counts(url)["users"] == 0


def test_a_second_run_waits_then_names_the_holder_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'locked.sqlite'}"
    build_schema(url, "chain")
    with open(tmp_path / "locked.sqlite.seed-lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(f"pid 4242 on build-box|{time.time() - 11:.0f}")
        handle.flush()
        line = _fails("-x", f"url={url}", "-x", "scenario=light", "-x", "lock_timeout=1", "upgrade", "head")
    assert "another seed run holds the lock" in line and "pid 4242 on build-box" in line
    assert int(re.search(r"build-box, for (\d+) s", line).group(1)) >= 12   # since it took the lock
    assert counts(url)["users"] == 0


# ------------------------------------------------------------------ production: confirm, dry run
def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'dry.sqlite'}"
    build_schema(url, "chain")
    before = snapshot(url)
    out = alembic_ok("-x", f"url={url}", "-x", "scenario=light", "-x", "dry_run=true", "upgrade", "head")
    result = alembic_subprocess("-x", f"url={url}", "-x", "scenario=light", "-x", "dry_run=true",
                                "upgrade", "head")
    text = result.stdout.decode()
    assert result.returncode == 0 and "plan for" in text and "insert 13 rows of users" in text
    assert "upgrade 0011_crm" in text
    assert snapshot(url) == before
    del out


def test_production_needs_approval_and_confirmation(tmp_path, monkeypatch):
    from terpseed import approval
    from terpseed.cli import main

    monkeypatch.setenv(approval.MANIFEST_ENV, str(tmp_path / "approvals.json"))
    assert main(["approve", "-x", "scenario=light", "-x", "dialect=sqlite"]) == 0
    url = f"sqlite:///{tmp_path / 'prod.sqlite'}"
    build_schema(url, "chain", latest().date)  # the version make approve approves by default
    line = _fails("-x", f"url={url}", "-x", "scenario=light", "-x", "env=production", "-x", "approved=true",
                  "upgrade", "head")
    assert "production target" in line and "-x confirm=prod.sqlite" in line
    assert counts(url)["users"] == 0
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "-x", "env=production", "-x", "approved=true",
               "-x", "confirm=prod.sqlite", "upgrade", "head")
    assert counts(url)["users"] > 0


# ------------------------------------------------------------------ crash recovery
@pytest.mark.slow
def _version(engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("seed_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM seed_version").scalar()


def test_kill_9_at_random_points_then_resume_gives_the_clean_result(mariadb_server):
    """Each revision is one transaction: a killed run leaves the database as
    before that revision, and the next run finishes without duplicates.  Light
    at scale 10 (55,000 rows) is killed three times, each as soon as a random
    revision has committed (the next one is under way), then resumed: it
    equals a clean run, row for row."""
    scenario = ("-x", "scenario=light", "-x", "scale=10")
    clean, crashed = mariadb_server.create("clean"), mariadb_server.create("crash")
    for url in (clean, crashed):
        build_schema(url, "ddl")
    alembic_ok("-x", f"url={clean}", *scenario, "upgrade", "head")
    revisions = [revision for revision, _tables in seed_plan()]
    rng = random.Random(20261121)
    engine = db_engine(crashed)
    stopped_at = []
    for target in sorted(rng.sample(revisions[:-2], 3), key=revisions.index):
        process = subprocess.Popen([sys.executable, "-m", "alembic", "-c", str(ROOT / "seed.ini"),
                                    "-x", f"url={crashed}", *scenario, "-x", "cache=false",
                                    "upgrade", "head"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None:
            version = _version(engine)
            if version is not None and revisions.index(version) >= revisions.index(target):
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
        process.wait()
        stopped_at.append(_version(engine))
    engine.dispose()
    assert stopped_at[-1] != revisions[-1], stopped_at   # the last kill landed before the end
    alembic_ok("-x", f"url={crashed}", *scenario, "upgrade", "head")
    assert snapshot(crashed) == snapshot(clean)


# ------------------------------------------------------------------ values that fight back
HOSTILE = st.text(alphabet=st.sampled_from(list("'\"\\%{}#-;/*:$`\t\n\r ") + ["\x01", "\x1f", "é", "🌿", "𝕋"])
                  | st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                  max_size=60)


def _client(n: int, text: str, money: Decimal, moment: dt.datetime) -> dict:
    """The hostile client row of test_render, with these text, money and time values."""
    from tests.test_render import _client as hostile_client

    return hostile_client(n, text) | {
        "name": text, "address": text, "tags": [text], "custom_pricing_rules": {"k": text},
        "total_spent": money, "total_profit": -money, "total_owed": money,
        "oldest_debt_days": 2_147_483_647, "created_at": moment, "updated_at": moment}


@pytest.fixture(scope="module")
def hostile_dbs(tmp_path_factory, mariadb_server):
    sqlite_url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'h.sqlite'}"
    build_schema(sqlite_url, "chain")
    mysql_url = mariadb_server.create("hyp")
    build_schema(mysql_url, "ddl")
    for url in (sqlite_url, mysql_url):  # the INSERTs look seeded ids up in seed_rows
        engine = db_engine(url)
        with engine.connect() as conn:
            record.create(conn)
        engine.dispose()
    return {"sqlite": sqlite_url, "mysql": mysql_url + "?charset=utf8mb4"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE, cents=st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1),
       moment=st.datetimes(min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2038, 1, 18)))
def test_hostile_values_go_in_and_come_back_exactly(hostile_dbs, text, cents, moment):
    money = Decimal(cents).scaleb(-2)
    moment = moment.replace(microsecond=0)
    for dialect, url in hostile_dbs.items():
        sql = SqlRenderer(dialect).render_rows("clients", [_client(1, text, money, moment)])
        engine = db_engine(url)
        clients = metadata.tables["clients"]
        with engine.begin() as conn:
            if dialect == "mysql":
                conn.exec_driver_sql("SET time_zone = '+00:00'", execution_options={"no_parameters": True})
                conn.exec_driver_sql("SET sql_mode = 'STRICT_ALL_TABLES'", execution_options={"no_parameters": True})
            conn.execute(clients.delete())
            conn.exec_driver_sql(sql, execution_options={"no_parameters": True})
            row = conn.execute(sa.select(clients)).one()
        engine.dispose()
        assert (row.name, row.address) == (text, text), dialect
        assert row.tags == [text] and row.custom_pricing_rules == {"k": text}
        assert row.total_spent == money and row.total_profit == -money, dialect
        assert row.created_at == moment and row.oldest_debt_days == 2_147_483_647


def test_seeded_rows_users_edited_are_reported_then_kept_or_deleted(tmp_path):
    url = f"sqlite:///{tmp_path / 'edited.sqlite'}"
    build_schema(url, "chain")
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    engine = db_engine(url, poolclass=sa.pool.QueuePool)
    vendors = metadata.tables["vendors"]
    with engine.begin() as conn:
        edited_id = conn.execute(sa.select(sa.func.min(vendors.c.id))).scalar_one()
        conn.execute(vendors.update().where(vendors.c.id == edited_id).values(notes="renegotiated terms"))
    engine.dispose()
    before = snapshot(url)
    line = _fails("-x", f"url={url}", "-x", "scenario=light", "downgrade", "base")
    assert "users edited seeded rows" in line and f"vendors (1 rows: {edited_id})" in line
    assert "nothing was deleted" in line
    assert snapshot(url) == before
    alembic_ok("-x", f"url={url}", "-x", "edited=delete", "downgrade", "0003_books")
    assert snapshot(url)["vendors"] == []                  # delete: the edited row goes too
    alembic_ok("-x", f"url={url}", "upgrade", "head")
    with engine.begin() as conn:
        conn.execute(vendors.update().where(vendors.c.id == edited_id).values(notes="renegotiated terms"))
    engine.dispose()
    alembic_ok("-x", f"url={url}", "-x", "edited=keep", "downgrade", "base")
    after = snapshot(url)
    assert [r[0] for r in after["vendors"]] == [edited_id] and after["clients"] == []
    # a kept row is handed over: the seed no longer records it, and never adopts it again
    line = _fails("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    assert f"vendors.id: rows the seed did not write hold ids it writes ({edited_id})" in line


def test_a_kept_edited_row_still_holds_its_parents_back(tmp_path):
    """-x edited=keep leaves an edited seeded order in place: the guard counts
    it among the rows the seeds will not delete, so the client it points at
    must stay too, and the downgrade names it and deletes nothing."""
    url = f"sqlite:///{tmp_path / 'kept.sqlite'}"
    build_schema(url, "chain")
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    orders = metadata.tables["orders"]
    engine = db_engine(url, poolclass=sa.pool.QueuePool)
    with engine.begin() as conn:
        order_id = conn.execute(sa.select(sa.func.min(orders.c.id))).scalar_one()
        conn.execute(orders.update().where(orders.c.id == order_id).values(notes="call before delivery"))
    engine.dispose()
    before = snapshot(url)
    line = _fails("-x", f"url={url}", "-x", "scenario=light", "-x", "edited=keep", "downgrade", "base")
    assert f"orders rows {order_id} reference clients through orders.client_id" in line
    assert "nothing was deleted" in line
    assert snapshot(url) == before


@pytest.mark.mariadb
def test_mariadb_row_fingerprints_match_the_seed_and_catch_every_kind_of_edit(mariadb_server):
    """On MySQL the guard reads back only rows whose server-side fingerprint
    differs: none on an untouched seed, each edited row otherwise (text that
    moves between columns, money, a timestamp, JSON, a NULL)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from terpseed.chain import seed_steps
    from terpseed.guard import (edited_rows, expected_fingerprints, expected_rows, fingerprint_suspects,
                                seeded_ranges)
    from terpseed.params import parse_seed_params
    from terpseed.world import Step, World

    url = mariadb_server.create("fingerprint")
    build_schema(url, "ddl")
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    steps = seed_steps(ScriptDirectory.from_config(Config(str(ROOT / "seed.ini"))))
    world = World(parse_seed_params({"scenario": "light"}), steps)
    tables = [step.table for _rev, step in steps
              if isinstance(step, Step) and step.table in metadata.tables]  # the 2025-11-21 schema's
    applied = {rev for rev, _step in steps}
    engine = db_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("SET time_zone = '+00:00'")
        suspects = {t: fingerprint_suspects(
            conn, list(metadata.tables[t].c), seeded_ranges(world, t),
            expected_fingerprints(list(metadata.tables[t].c), expected_rows(world, t, applied))) for t in tables}
        assert {t: ids for t, ids in suspects.items() if ids} == {}
    c = metadata.tables["clients"]
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(sa.select(c.c.id).order_by(c.c.id).limit(5))]
        first = conn.execute(sa.select(c.c.name, c.c.email).where(c.c.id == ids[0])).one()
        conn.execute(c.update().where(c.c.id == ids[0])      # text moved from one column to the next
                     .values(name=first.name[:-1], email=first.name[-1:] + (first.email or "")))
        conn.execute(c.update().where(c.c.id == ids[1]).values(total_spent=c.c.total_spent + 1))
        conn.execute(c.update().where(c.c.id == ids[2]).values(created_at=c.c.created_at + sa.text("INTERVAL 1 SECOND")))
        conn.execute(c.update().where(c.c.id == ids[3]).values(tags=["moved"]))
        phone = conn.execute(sa.select(c.c.phone).where(c.c.id == ids[4])).scalar()
        conn.execute(c.update().where(c.c.id == ids[4]).values(phone=None if phone else "555-0100"))
    with engine.connect() as conn:
        conn.exec_driver_sql("SET time_zone = '+00:00'")
        found = edited_rows(conn, world, tables, applied)
    engine.dispose()
    assert found == {"clients": sorted(ids)}


def test_the_guard_compares_values_as_the_column_type_reads_them():
    """Issue 16.6: a decimal read back with more scale is the value written,
    whatever spelling the seed wrote it in (a varchar's text before TERP made
    the column a decimal); another amount is an edit."""
    from decimal import Decimal

    from terpseed.guard import same_value

    money = sa.Column("amount", sa.Numeric(15, 4))
    assert same_value(Decimal("825.3500"), Decimal("825.35"), money)
    assert same_value(Decimal("825.3500"), "825.35", money)
    assert not same_value(Decimal("825.3510"), "825.35", money)
    assert not same_value(Decimal("0.0000"), None, money)
    assert not same_value("825.3500", "825.35", sa.Column("code", sa.String(20)))
