"""Values and names are rendered by the dialect: hostile text is just text."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import pytest
import sqlalchemy as sa

from terpseed.errors import SeedError
from terpseed import record
from terpseed.render import TEMPLATES_DIR, SqlRenderer, id_ranges
from tests.support import db_engine

HOSTILE = [
    "O'Brien \\ \"Bud\"; DROP TABLE x;--",
    "50% off :name %(x)s {{ not_jinja }} {% raw %}",
    "tab\there\nnewline\r\nand a /* comment */ # hash",
    "emoji 🌿🍃 and 4-byte 𝕋𝔼ℝℙ",
    "back\\\\slashes\\' and \\n literal",
    "",
]


def _client(n: int, name: str) -> dict:
    stamp = dt.datetime(2025, 1, 2, 3, 4, 5)
    return {
        "id": 1_000_000_000 + n, "teri_code": f"HOSTILE-{n}", "name": name, "email": None,
        "phone": None, "address": name, "is_buyer": True, "is_seller": False, "is_brand": False,
        "is_referee": False, "is_contractor": False, "tags": [name, {"k": name}],
        "pricing_profile_id": None, "custom_pricing_rules": None, "cogsAdjustmentType": "NONE",
        "cogs_adjustment_value": Decimal("0.1250"), "auto_defer_consignment": False,
        "total_spent": Decimal("1234567.89"), "total_profit": Decimal("0"),
        "avg_profit_margin": Decimal("25.50"), "total_owed": Decimal("-10.00"),
        "oldest_debt_days": 0, "vip_portal_enabled": False, "vip_portal_last_login": None,
        "created_at": stamp, "updated_at": stamp,
    }


def test_hostile_values_round_trip(terp_db):
    backend = sa.make_url(terp_db).get_backend_name()
    renderer = SqlRenderer(backend)
    rows = [_client(n, text) for n, text in enumerate(HOSTILE, start=1)]
    sql = renderer.render_rows("clients", rows)
    engine = db_engine(terp_db + ("?charset=utf8mb4" if backend == "mysql" else ""), poolclass=sa.pool.QueuePool)
    with engine.connect() as conn:
        record.create(conn)
    with engine.begin() as conn:
        if backend == "mysql":
            conn.exec_driver_sql("SET sql_mode = 'STRICT_ALL_TABLES'", execution_options={"no_parameters": True})
        conn.exec_driver_sql(sql, execution_options={"no_parameters": True})
        # the revision is now recorded as having written them (terpseed/record.py) ...
        conn.execute(record.ROWS.insert().values(table_name="clients", first_id=rows[0]["id"],
                                                 last_id=rows[-1]["id"], revision="0004_parties"))
        conn.exec_driver_sql("SET @terpseed_applied = 1" if backend == "mysql" else "SELECT 1")
        conn.exec_driver_sql(sql, execution_options={"no_parameters": True})  # ... so a re-apply is a no-op
    clients = sa.Table("clients", sa.MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        got = conn.execute(sa.select(clients.c.name, clients.c.address, clients.c.total_owed)
                           .order_by(clients.c.id)).all()
    engine.dispose()
    assert [g[0] for g in got] == HOSTILE
    assert [g[1] for g in got] == HOSTILE
    assert {Decimal(str(g[2])) for g in got} == {Decimal("-10.00")}


def test_rendering_is_deterministic_and_dialect_specific():
    rows = [_client(1, HOSTILE[0])]
    mysql_sql = SqlRenderer("mysql").render_rows("clients", rows)
    assert mysql_sql == SqlRenderer("mysql").render_rows("clients", rows)
    assert "'O''Brien \\\\ \"Bud\"; DROP TABLE x;--'" in mysql_sql  # backslash doubled for MySQL
    sqlite_sql = SqlRenderer("sqlite").render_rows("clients", rows)
    assert "'O''Brien \\ \"Bud\"; DROP TABLE x;--'" in sqlite_sql
    assert "ON CONFLICT (id) DO UPDATE SET id = CASE" in sqlite_sql and "FROM seed_rows" in sqlite_sql


@pytest.mark.parametrize("column, value, message", [
    ("name", 42, "must be a str"),
    ("name", "x" * 256, "at most 255 characters"),
    ("cogsAdjustmentType", "SOMETIMES", "one of NONE, PERCENTAGE, FIXED_AMOUNT"),
    ("total_spent", 1.5, "a Decimal or int"),
    ("total_spent", Decimal("1.005"), "exact to 2 decimal places"),
    ("created_at", "2025-01-01", "a naive datetime"),
    ("is_buyer", 1, "a bool"),
    ("teri_code", None, "NOT NULL"),
    ("oldest_debt_days", True, "an int"),
])
def test_generator_values_are_checked_against_the_schema(column, value, message):
    row = _client(1, "fine") | {column: value}
    with pytest.raises(SeedError, match=message):
        SqlRenderer("mysql").render_rows("clients", [row])


@pytest.mark.parametrize("column, value, message", [
    ("name", 42, "must be a str"),
    ("name", "x" * 256, "at most 255 characters"),
    ("cogsAdjustmentType", "SOMETIMES", "one of NONE, PERCENTAGE, FIXED_AMOUNT"),
    ("teri_code", None, "NOT NULL"),
    ("total_spent", 1.5, "a Decimal or int"),
    ("total_spent", Decimal("1.005"), "exact to 2 decimal places"),
    ("created_at", dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc), "a naive datetime"),
    ("is_buyer", 1, "a bool"),
    ("oldest_debt_days", True, "an int"),
    ("vip_portal_last_login", dt.date(2025, 1, 1), "a naive datetime"),
])
def test_a_bad_value_among_good_ones_is_caught(column, value, message):
    """A chunk's column is rendered at once when all its values are as
    expected; one bad value among them still gets its own message."""
    rows = [_client(n, f"fine {n}") | {"vip_portal_last_login": dt.datetime(2025, 1, n)} for n in range(1, 6)]
    rows[2][column] = value
    with pytest.raises(SeedError, match=message):
        SqlRenderer("mysql").render_rows("clients", rows)


@pytest.mark.parametrize("backend", ["mysql", "sqlite"])
def test_a_column_rendered_at_once_reads_as_value_by_value(backend):
    renderer = SqlRenderer(backend)
    rows = [_client(n, text) for n, text in enumerate(HOSTILE, start=1)]
    rows[1] |= {"email": "a@b.example", "pricing_profile_id": 7, "vip_portal_last_login": dt.datetime(2025, 5, 6),
                "total_owed": 12, "oldest_debt_days": None if backend == "sqlite" else 3}
    for column in rows[0]:
        values = [row[column] for row in rows]
        one_by_one = [renderer.column_renderer("clients", column)(v) for v in values]
        assert renderer.bulk_renderer("clients", column)(values) == one_by_one, column


def test_generator_keys_must_match_the_template():
    row = _client(1, "fine")
    row.pop("phone")
    row["favourite_color"] = "green"
    with pytest.raises(SeedError, match=r"extra keys \['favourite_color'\], missing keys \['phone'\]"):
        SqlRenderer("mysql").render_rows("clients", [row])


def test_a_template_must_list_every_column(tmp_path):
    shutil.copy(TEMPLATES_DIR / "_macros.sql.j2", tmp_path)
    (tmp_path / "partial.sql.j2").write_text(
        '{% from "_macros.sql.j2" import insert %}{{ insert("grades", ["id", "name"], rows) }}')
    renderer = SqlRenderer("mysql", templates_dir=tmp_path)
    with pytest.raises(SeedError, match="leaves out columns"):
        renderer.render("partial.sql.j2", rows=[{"id": 1_000_000_001, "name": "A"}])


def test_id_ranges_fold_runs():
    assert id_ranges([5, 1, 2, 3, 7, 8]) == [(1, 3), (5, 5), (7, 8)]
    assert id_ranges([]) == []
