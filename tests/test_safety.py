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
from tests.support import (ROOT, alembic_ok, alembic_subprocess, build_schema, counts, execute, run_alembic,
                           seed_plan, snapshot)


def _fails(*argv: str) -> str:
    code, out, err = run_alembic(*argv)
    assert code != 0, out + err
    return (out + err).strip().splitlines()[-1]


# ------------------------------------------------------------------ schema drift
def test_drift_is_reported_whole_and_nothing_is_written(mariadb_server):
    url = mariadb_server.create("drift")
    build_schema(url, "ddl")
    execute(url, "ALTER TABLE vendors DROP COLUMN notes",
            "ALTER TABLE orders MODIFY quoteStatus "
            "enum('DRAFT','SENT','ACCEPTED','REJECTED','EXPIRED','CONVERTED')",
            "ALTER TABLE bills ADD COLUMN approvedBy int NOT NULL",
            "ALTER TABLE clients ADD COLUMN nickname varchar(20)",
            "ALTER TABLE lots DROP INDEX lots_code_unique")
    before = snapshot(url)
    result = alembic_subprocess("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    output = (result.stdout + result.stderr).decode()
    assert result.returncode != 0
    failed = [line for line in output.splitlines() if line.startswith("FAILED:")]
    assert len(failed) == 1
    line = failed[0]
    assert "nothing was written" in line
    assert "vendors: notes: missing" in line
    assert "orders: quoteStatus: database enum lacks 'VIEWED'" in line
    assert "bills: approvedBy: NOT NULL column with no default and no seed value" in line
    assert "preflight warning: clients: nickname: extra column" in output
    assert "lots: key lots_code_unique (code): missing from the database" in output
    assert snapshot(url) == before


def test_warnings_alone_do_not_stop_a_run(tmp_path):
    url = f"sqlite:///{tmp_path / 'extra.sqlite'}"
    build_schema(url, "chain")
    execute(url, "ALTER TABLE clients ADD COLUMN nickname varchar(20)")
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    assert counts(url)["clients"] > 0


def test_preflight_warn_lets_a_knowing_user_through(tmp_path):
    url = f"sqlite:///{tmp_path / 'strict.sqlite'}"
    build_schema(url, "chain")
    # an extra NOT NULL column that has a default after all
    execute(url, "ALTER TABLE deployments ADD COLUMN region varchar(20) NOT NULL DEFAULT 'us'",
            "ALTER TABLE vendors ADD COLUMN rating int NOT NULL DEFAULT 0")
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "-x", "preflight=warn", "upgrade", "head")


# ------------------------------------------------------------------ downgrade guard
def test_downgrade_refuses_to_take_user_rows_and_deletes_nothing(terp_db):
    url = terp_db
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
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
    holder = sa.create_engine(url, poolclass=sa.pool.NullPool)
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
    engine = sa.create_engine(crashed, poolclass=sa.pool.NullPool)
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
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
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
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
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
    engine = sa.create_engine(url)
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
    engine = sa.create_engine(url)
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
    # the tables of the version the database holds (the seeds' own: world's default view)
    tables = [step.table for _rev, step in steps if isinstance(step, Step) and world.view.has(step.table)]
    applied = {rev for rev, _step in steps}
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        conn.exec_driver_sql("SET time_zone = '+00:00'")
        suspects = {t: fingerprint_suspects(
            conn, metadata.tables[t], seeded_ranges(world, t),
            expected_fingerprints(metadata.tables[t], expected_rows(world, t, applied))) for t in tables}
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
