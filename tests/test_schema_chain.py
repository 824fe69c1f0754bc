"""The schema chain (alembic.ini) builds exactly the shared DDL's schema."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from terpseed.schema import metadata
from tests.support import ROOT, MYSQL_SERVER_URL, alembic_ok, build_schema, ddl_path


def _reflected(url: str) -> dict:
    """Everything SQLAlchemy reflects of a database's tables."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    insp = sa.inspect(engine)
    state = {}
    for name in sorted(insp.get_table_names()):
        if name == "alembic_version":
            continue
        state[name] = {
            "columns": [
                (c["name"], repr(c["type"]), c["nullable"], c.get("default"), c.get("autoincrement"))
                for c in insp.get_columns(name)
            ],
            "pk": insp.get_pk_constraint(name)["constrained_columns"],
            "unique": sorted((u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(name)),
            "fks": sorted(
                (f["name"], tuple(f["constrained_columns"]), f["referred_table"],
                 tuple(f["referred_columns"]), tuple(sorted(f["options"].items())))
                for f in insp.get_foreign_keys(name)
            ),
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                              for i in insp.get_indexes(name)),
        }
    with engine.connect() as conn:
        state["__referential_rules__"] = sorted(conn.exec_driver_sql(
            "SELECT TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE"
            " FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()"
        ).all())
    engine.dispose()
    return state


def _diffs(url: str, target: sa.MetaData) -> list:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True})
        diffs = compare_metadata(context, target)
    engine.dispose()
    return diffs


def test_schema_model_is_what_the_codegen_makes_of_the_ddl(mariadb_server):
    import importlib.util

    spec = importlib.util.spec_from_file_location("schema_codegen", ROOT / "tools" / "schema_codegen.py")
    codegen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(codegen)
    generated = codegen.generate(ddl_path(), MYSQL_SERVER_URL)
    committed = (ROOT / "terpseed" / "schema" / "terp_2025_11_21.py").read_text(encoding="utf-8")
    assert generated == committed, "terpseed/schema/terp_2025_11_21.py differs from the DDL: regenerate it"


def test_schema_chain_builds_what_the_ddl_builds_on_mariadb(mariadb_server):
    by_chain, by_ddl = mariadb_server.create("chain"), mariadb_server.create("ddl")
    build_schema(by_chain, "chain")
    build_schema(by_ddl, "ddl")

    chain_state, ddl_state = _reflected(by_chain), _reflected(by_ddl)
    assert len([t for t in ddl_state if not t.startswith("__")]) == 120
    assert chain_state == ddl_state

    ddl_reflected = sa.MetaData()
    engine = sa.create_engine(by_ddl, poolclass=sa.pool.NullPool)
    ddl_reflected.reflect(bind=engine)
    engine.dispose()
    assert _diffs(by_chain, ddl_reflected) == []   # Alembic's own comparison, both ways
    assert _diffs(by_ddl, metadata) == []          # the model is the DDL


def test_the_comparison_sees_drift(mariadb_server):
    """Guard against a comparison that cannot fail: altered metadata shows up."""
    url = mariadb_server.create("ddl")
    build_schema(url, "ddl")
    altered = sa.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(altered)
    altered.tables["invoices"].c.status.type = sa.Enum("DRAFT", "SENT", "PAID")
    altered.tables["invoices"].c.notes.nullable = False
    altered.tables["bills"].c.amountPaid.server_default = sa.DefaultClause(sa.text("'1.00'"))
    kinds = sorted(d[0][0] for d in _diffs(url, altered))
    assert kinds == ["modify_default", "modify_nullable", "modify_type"]


def test_schema_chain_on_sqlite(sqlite_url):
    alembic_ok("-x", f"url={sqlite_url}", "upgrade", "head", ini="alembic.ini")
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        insp = sa.inspect(conn)
        tables = set(insp.get_table_names()) - {"alembic_version"}
        assert tables == set(metadata.tables)
        assert sum(len(insp.get_foreign_keys(t)) for t in tables) == 157
        assert sum(len(insp.get_indexes(t)) for t in tables) > 150
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys = ON")
        try:
            conn.exec_driver_sql(
                "INSERT INTO accounts (\"accountNumber\", \"accountName\", \"accountType\", \"normalBalance\")"
                " VALUES ('9', 'x', 'NOT_A_TYPE', 'DEBIT')")
            raise AssertionError("SQLite accepted a value outside the enum")
        except sa.exc.IntegrityError:
            pass
    engine.dispose()
    alembic_ok("-x", f"url={sqlite_url}", "downgrade", "base", ini="alembic.ini")
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        assert set(sa.inspect(conn).get_table_names()) == {"alembic_version"}
    engine.dispose()


def test_schema_chain_offline_sql():
    sql = alembic_ok("upgrade", "head", "--sql", ini="alembic.ini")
    assert sql.count("CREATE TABLE") == 121  # 120 tables and alembic_version
    assert sql.count("ADD CONSTRAINT") == 157
    assert sql == alembic_ok("upgrade", "head", "--sql", ini="alembic.ini")
