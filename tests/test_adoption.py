"""TERP's own reference rows (terpseed/adoption.py): on a database where TERP
created its workflow statuses, sequences, payment methods, RBAC and defaults
itself, the seed adopts them by natural key, seeds around them, and leaves
them as TERP wrote them when it is taken out."""

from __future__ import annotations

import sqlalchemy as sa

from checks.runner import run
from tests.support import alembic_ok, db_engine, snapshot
from tests.terp_startup import WORKFLOW, insert_terp_startup_rows

LIGHT = ("-x", "scenario=light")
ADOPTED = ("roles", "permissions", "role_permissions", "workflow_statuses", "sequences", "paymentMethods",
           "categories", "subcategories", "grades", "accounts")


def _query(url: str, sql: str) -> list[tuple]:
    engine = db_engine(url)
    with engine.connect() as conn:
        found = [tuple(r) for r in conn.exec_driver_sql(sql)]
    engine.dispose()
    return found


def test_terps_own_rows_are_adopted_and_seeded_around(terp_db):
    url = terp_db
    insert_terp_startup_rows(url)
    terp = snapshot(url)
    out = alembic_ok("-x", f"url={url}", *LIGHT, "upgrade", "head")
    seeded = snapshot(url)
    # TERP's rows are still there, as TERP wrote them, and none of them twice
    for table in ADOPTED:
        if table != "sequences":
            assert set(terp[table]) <= set(seeded[table]), table
    assert _query(url, "SELECT COUNT(*), COUNT(DISTINCT slug) FROM workflow_statuses") == [(6, 6)]
    assert _query(url, "SELECT COUNT(*) FROM roles") == [(10,)]
    assert _query(url, "SELECT COUNT(*), COUNT(DISTINCT name) FROM permissions")[0][0] == len(terp["permissions"])
    pairs = _query(url, "SELECT COUNT(*), COUNT(DISTINCT role_id, permission_id) FROM role_permissions"
                   if url.startswith("mysql") else
                   "SELECT COUNT(*), (SELECT COUNT(*) FROM (SELECT DISTINCT role_id, permission_id"
                   " FROM role_permissions)) FROM role_permissions")
    assert pairs == [(len(terp["role_permissions"]), len(terp["role_permissions"]))]
    # the seed's rows refer to TERP's: batches to its workflow statuses, users to its roles
    terp_statuses = {r[0] for r in terp["workflow_statuses"]}
    assert {r[0] for r in _query(url, "SELECT DISTINCT statusId FROM batches WHERE statusId IS NOT NULL")} \
        <= terp_statuses
    terp_roles = {r[0] for r in terp["roles"]}
    assert {r[0] for r in _query(url, "SELECT DISTINCT role_id FROM user_roles")} <= terp_roles
    # the lot and batch counters moved past the codes the seed used (TERP's next code is free)
    lots = _query(url, "SELECT currentValue FROM sequences WHERE name = 'lot_code'")[0][0]
    assert f"LOT-{lots:06d}" >= max(r[0] for r in _query(url, "SELECT code FROM lots"))
    # and the seeded business is whole
    engine = db_engine(url)
    with engine.connect() as conn:
        failing = {r.check.name: r.count for r in run(conn)
                   if not r.passed and r.check.severity == "error"}
    engine.dispose()
    assert failing == {}
    current = alembic_ok("-x", f"url={url}", "current")
    assert "seeded with scenario=light" in current
    # taking the seed out leaves exactly what TERP had, its sequences put back
    alembic_ok("-x", f"url={url}", "downgrade", "base")
    after = snapshot(url)
    assert {t: rows for t, rows in after.items() if t != "__tables__"} == \
        {t: rows for t, rows in terp.items() if t != "__tables__"}
    assert "adopts" not in out  # progress lines only; the header says it offline


def test_a_script_rendered_against_the_database_adopts_the_same(mariadb_server, tmp_path):
    """``--sql`` with the database named: the reviewed script adopts what an
    online run adopts, says so in its header, and applies to the same rows."""
    import shutil
    import subprocess

    import pytest

    client = shutil.which("mariadb") or shutil.which("mysql")
    if client is None:
        pytest.skip("no mariadb/mysql command-line client")
    from tests.support import build_schema

    online, offline = mariadb_server.create("adopt_on"), mariadb_server.create("adopt_off")
    for url in (online, offline):
        build_schema(url, "ddl")
        insert_terp_startup_rows(url)
    alembic_ok("-x", f"url={online}", *LIGHT, "upgrade", "head")
    script = alembic_ok("-x", f"url={offline}", *LIGHT, "upgrade", "head", "--sql")
    assert "-- adopts TERP's own rows of" in script and "workflow_statuses 6" in script
    database = sa.engine.make_url(offline).database
    result = subprocess.run([client, "-h", "127.0.0.1", "-uroot", database], input=script.encode(),
                            capture_output=True)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert snapshot(offline) == snapshot(online)
    assert len(WORKFLOW) == 6
