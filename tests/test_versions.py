"""The seeds on every TERP schema version (terpseed/schema_view.py): each
version renders offline in both dialects, light applies on each on SQLite
and MariaDB and passes the integrity checks, and the full scenario on TERP's
newest schema on MariaDB (the shared ``seeded_latest`` database)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from checks.runner import run
from terpseed.schema.versions import VERSIONS, latest
from tests.support import alembic_ok, build_schema, counts, db_engine, execute, run_alembic, snapshot

DATES = [v.date for v in VERSIONS]


def _failing(url_or_engine) -> dict[str, int]:
    engine = url_or_engine if isinstance(url_or_engine, sa.Engine) else \
        db_engine(url_or_engine)
    with engine.connect() as conn:
        results = run(conn)
    return {r.check.name: r.count for r in results if not r.passed and r.check.severity == "error"}


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
@pytest.mark.parametrize("date", DATES)
def test_every_version_renders_offline(date, dialect):
    sql = alembic_ok("-x", "scenario=light", "-x", f"schema={date}", "-x", f"dialect={dialect}",
                     "upgrade", "head", "--sql")
    assert sql.startswith(f"-- TERP seed SQL: scenario=light seed=12345 scale=1 end=2025-11-21 schema={date}")
    movements = _columns_of(sql, "inventoryMovements")
    assert ("notes" in movements) == (date >= "2026-02-15") and ("reason" in movements) == (date < "2026-02-15")
    fulfilment = _statements_of(sql, "order_status_history")
    assert ("'PENDING'" in fulfilment) == (date < "2026-05-14")
    assert ("'READY_FOR_PACKING'" in fulfilment) == (date >= "2026-05-14")


def _columns_of(sql: str, table: str) -> list[str]:
    """The column list of the first INSERT into ``table``."""
    for statement in sql.split(";\n\n"):
        first = statement.strip().split("\n", 1)[0]
        if first.startswith(("INSERT INTO", "INSERT INTO")) and first.split()[2].strip("`\"") == table:
            return [c.strip().strip("`\"") for c in first.split("(", 1)[1].rstrip(")").split(",")]
    raise AssertionError(f"no INSERT into {table}")


def _statements_of(sql: str, table: str) -> str:
    return "\n".join(s for s in sql.split(";\n\n")
                     if s.strip().split("\n", 1)[0].split()[2:3] in ([table], [f"`{table}`"], [f'"{table}"']))


@pytest.mark.parametrize("how", ["sqlite-chain", "mariadb-ddl"])
@pytest.mark.parametrize("date", DATES)
def test_light_applies_on_every_version_and_passes_the_checks(request, tmp_path, date, how):
    if how == "sqlite-chain":
        url = f"sqlite:///{tmp_path / 'terp.sqlite'}"
    else:
        url = request.getfixturevalue("mariadb_server").create("ver")
    build_schema(url, how.split("-")[1], date)
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    assert f"schema={date}" in alembic_ok("-x", f"url={url}", "current")
    seeded = counts(url)
    assert seeded["orders"] > 0 and seeded["inventoryMovements"] > 0
    # the tables a version adds are seeded from it on (0012_suppliers, 0013_storage)
    assert seeded.get("supplier_profiles", 0) == (2 if date >= "2025-12-20" else 0)
    assert (seeded.get("intake_receipts", 0) > 0) == (seeded.get("site_transfers", 0) > 0) == (date >= "2026-02-15")
    assert _failing(url) == {}
    alembic_ok("-x", f"url={url}", "downgrade", "base")
    assert {t: n for t, n in counts(url).items() if n} == {}


def test_the_full_scenario_on_the_newest_schema_passes_the_checks(seeded_latest):
    assert _failing(seeded_latest) == {}


@pytest.mark.parametrize("how", ["sqlite", "mariadb"])
def test_a_seed_moved_on_by_the_schema_chain_comes_out_leaving_the_users_rows(request, tmp_path, how):
    """Issue 16.4: seeded on TERP's schema of 2025-11-21, moved to the newest by
    the schema chain (which converts the seeded rows: vendors into clients with
    supplier_profiles, tag categories, renamed values, columns added and
    filled), the seed's downgrade takes out exactly what the seed wrote and
    what TERP's conversions made of it; the users' rows stay as they were,
    those from before the seed and those from after the upgrade."""
    url = (f"sqlite:///{tmp_path / 'terp.sqlite'}" if how == "sqlite"
           else request.getfixturevalue("mariadb_server").create("moved"))
    first = DATES[0]
    build_schema(url, "chain", first)
    execute(url, "INSERT INTO clients (teri_code, name, is_buyer) VALUES ('USR-1', 'O''Brien Wholesale', 1)",
            "INSERT INTO vendors (name, contactName) VALUES ('Userland Farms', 'Una User')")
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    alembic_ok("-x", f"url={url}", "upgrade", "head", ini="alembic.ini")  # TERP's schema chain
    q = "`" if how == "mariadb" else '"'
    execute(url, f"INSERT INTO tags (name, {q}standardizedName{q}, category) VALUES ('user-made', 'user-made', 'CUSTOM')")
    moved = snapshot(url)
    assert len(moved["supplier_profiles"]) == 1 + len(moved["vendors"]) - 1 > 1
    current = alembic_ok("-x", f"url={url}", "current")
    assert f"schema={first}" in current

    # an edit of a column the seed wrote is still seen through the move
    clients = sa.table("clients", sa.column("id"), sa.column("name"), sa.column("updated_at"))
    engine = db_engine(url)
    with engine.begin() as conn:
        name = conn.execute(sa.select(clients.c.name).where(clients.c.id == 1000000002)).scalar_one()
        conn.execute(clients.update().where(clients.c.id == 1000000002).values(name="Renamed by a user", updated_at=clients.c.updated_at))
    status, _out, err = run_alembic("-x", f"url={url}", "downgrade", "base")
    assert status == 1 and "clients (1 rows: 1000000002)" in err, err
    with engine.begin() as conn:
        conn.execute(clients.update().where(clients.c.id == 1000000002).values(name=name, updated_at=clients.c.updated_at))
    engine.dispose()
    alembic_ok("-x", f"url={url}", "downgrade", "base")
    left = {t: rows for t, rows in snapshot(url).items() if t != "__tables__" and rows}
    users = {
        "clients": [r for r in moved["clients"] if "USR-1" in r or "VEND-000001" in r],
        "vendors": [r for r in moved["vendors"] if "Userland Farms" in r],
        "supplier_profiles": [r for r in moved["supplier_profiles"] if "Una User" in r],
        "tags": [r for r in moved["tags"] if "user-made" in r],
        "calendars": moved["calendars"],  # TERP's Office calendar, which the chain created
    }
    assert [len(rows) for rows in users.values()] == [2, 1, 1, 1, 1]
    assert left == users
