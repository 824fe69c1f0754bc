"""The seed chain end to end: upgrade, re-apply, downgrade, alembic commands.

The mechanics are the same at any volume, so these run the light scenario;
the full scenario's data is checked by test_trade_data / test_finance_data,
and its downgrade on MariaDB by the last test here, after every reader.

Each test runs on SQLite (schema built by the schema chain) and on MariaDB
(schema loaded from the shared DDL file alone, as in production).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from terpseed.schema import metadata
from terpseed.schema.versions import seeds_version
from tests.support import HOSTILE, alembic_ok, counts, db_engine, seed_head, seed_plan, snapshot

# The tables each revision writes in the version these databases hold
# (2025-11-21): a revision of later versions' tables writes nothing there.
_HELD = set(seeds_version().metadata.tables)
PLAN = {revision: [t for t in tables if t in _HELD] for revision, tables in seed_plan()}
SEEDED = [t for tables in PLAN.values() for t in tables]


def _insert_user_rows(url: str) -> None:
    """Rows a user created before seeding, in tables the seeds write."""
    engine = db_engine(url)
    t = metadata.tables
    with engine.begin() as conn:
        conn.execute(t["users"].insert().values(
            openId="owner@realco.example", name="Real Owner", email="owner@realco.example",
            role="admin"))
        conn.execute(t["clients"].insert().values(teri_code="MINE-1", name=HOSTILE))
        conn.execute(t["categories"].insert().values(name="Seeds & Clones", isActive=1))
    engine.dispose()


def test_upgrade_reapply_downgrade_restores_exact_prior_state(any_terp_db):
    terp_db = any_terp_db
    _insert_user_rows(terp_db)
    before = snapshot(terp_db)

    alembic_ok("-x", f"url={terp_db}", "-x", "scenario=light", "upgrade", "head")
    seeded = snapshot(terp_db)
    for table in SEEDED:
        assert len(seeded[table]) > 0, f"{table} was not seeded"
    for table in ("users", "clients", "categories"):
        assert seeded[table][0] == before[table][0], f"the user's own {table} row changed"
    assert seeded["clients"][0][2] == HOSTILE

    # Re-apply: back to base in the version table only, then upgrade again.
    alembic_ok("-x", f"url={terp_db}", "stamp", "base")
    alembic_ok("-x", f"url={terp_db}", "-x", "scenario=light", "upgrade", "head")
    assert snapshot(terp_db) == seeded

    alembic_ok("-x", f"url={terp_db}", "-x", "scenario=light", "downgrade", "base")
    after = snapshot(terp_db)
    assert after == before | {"__tables__": after["__tables__"]}
    assert set(after["__tables__"]) - set(before["__tables__"]) == {"seed_version", "seed_arguments", "seed_rows"}


def test_downgrade_one_step_at_a_time(terp_db):
    alembic_ok("-x", f"url={terp_db}", "-x", "scenario=light", "upgrade", "head")
    revisions = list(PLAN)
    for position in range(len(revisions) - 1, -1, -1):
        alembic_ok("-x", f"url={terp_db}", "-x", "scenario=light", "downgrade", "-1")
        rows = counts(terp_db)
        for revision in revisions[position:]:
            assert all(rows[t] == 0 for t in PLAN[revision]), revision
        for revision in revisions[:position]:
            assert all(rows[t] > 0 for t in PLAN[revision]), revision
        current = alembic_ok("-x", f"url={terp_db}", "current")
        expected = revisions[position - 1] if position else ""
        assert expected in current


def test_version_table_is_separate_and_commands_behave(terp_db):
    alembic_ok("-x", f"url={terp_db}", "-x", "scenario=light", "upgrade", "0002_reference")
    engine = db_engine(terp_db)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM seed_version").all() == [("0002_reference",)]
        assert "alembic_version" not in sa.inspect(conn).get_table_names() or \
            conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() != [("0002_reference",)]
    engine.dispose()
    assert "0002_reference" in alembic_ok("-x", f"url={terp_db}", "current")
    history = alembic_ok("-x", f"url={terp_db}", "history")
    for revision in PLAN:
        assert revision in history
    alembic_ok("-x", f"url={terp_db}", "stamp", "head")
    assert f"{seed_head()} (head)" in alembic_ok("-x", f"url={terp_db}", "current")
    assert counts(terp_db)["clients"] == 0  # stamp writes no rows


def test_different_seed_gives_a_different_business(tmp_path):
    from tests.support import build_schema

    names = []
    for seed in ("12345", "7"):
        url = f"sqlite:///{tmp_path / f'seed{seed}.sqlite'}"
        build_schema(url, "chain")
        alembic_ok("-x", f"url={url}", "-x", "scenario=light", "-x", f"seed={seed}", "upgrade", "head")
        names.append([row[2] for row in snapshot(url)["clients"]])
    assert names[0] != names[1]
    assert len(names[0]) == len(names[1])


@pytest.mark.mariadb
@pytest.mark.takes_down
def test_the_full_seed_comes_out_whole(full_mariadb):
    """The session's full MariaDB seed, once every test that reads it is done
    (``takes_down``: scheduled last of its group): ``downgrade base`` takes
    out every row of every domain at full volume (a user's rows staying is
    proven on light, above)."""
    url = full_mariadb.url.render_as_string(hide_password=False)
    alembic_ok("-x", f"url={url}", "downgrade", "base")
    left = {t: n for t, n in counts(url).items() if n}
    assert left == {}, f"downgrade base of the full scenario left rows: {left}"
