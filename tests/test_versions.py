"""The seeds on every TERP schema version (terpseed/schema_view.py): each
version renders offline in both dialects, light applies on each on SQLite
and MariaDB and passes the integrity checks, and the full scenario on TERP's
newest schema on MariaDB (the shared ``seeded_latest`` database)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from checks.library import all_checks
from checks.runner import run
from terpseed.schema.versions import VERSIONS, latest
from tests.support import alembic_ok, build_schema, counts

DATES = [v.date for v in VERSIONS]


def _failing(url_or_engine) -> dict[str, int]:
    engine = url_or_engine if isinstance(url_or_engine, sa.Engine) else \
        sa.create_engine(url_or_engine, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        results = run(conn, all_checks())
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
