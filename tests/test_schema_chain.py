"""The schema chain (alembic.ini) builds exactly each shared DDL's schema, both ways.

Every version of terpseed/schema/versions.py: its model is what the codegen
makes of its DDL file; walking one MariaDB database up the chain a revision at
a time gives, after each, exactly what loading that version's DDL gives
(reflection: tables, columns, types, nullability, defaults, enum values, keys,
indexes, ON DELETE rules; and Alembic's compare_metadata against the model);
walking it back down gives each previous version exactly.  On SQLite the walk
gives, at each version, what building that version's model from nothing gives.
Each DDL is loaded once and each walk runs once (module fixtures, so that the
module runs on one worker under pytest-xdist's loadgroup).
"""

from __future__ import annotations

import importlib.util
import re

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations

from terpseed.schema import evolve
from terpseed.schema.changes import VersionChanges
from terpseed.schema.versions import VERSIONS, latest, version
from tests.support import ROOT, alembic_ok, build_schema, db_engine

DATES = [v.date for v in VERSIONS]
EARLIER = DATES[:-1]  # the versions a downgrade comes back to


def reflected(url: str) -> dict:
    """Everything SQLAlchemy reflects of a database's tables (one connection)."""
    engine = db_engine(url)
    state = {}
    with engine.connect() as conn:
        insp = sa.inspect(conn)
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
                "checks": sorted((c.get("name") or "", c["sqltext"]) for c in insp.get_check_constraints(name)),
            }
        if conn.dialect.name != "sqlite":
            state["__referential_rules__"] = sorted(tuple(r) for r in conn.exec_driver_sql(
                "SELECT TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE"
                " FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()"
            ).all())
    engine.dispose()
    return state


def tables_of(state: dict) -> set[str]:
    return {t for t in state if not t.startswith("__")}


def model_diffs(url: str, target: sa.MetaData) -> list:
    """Alembic's own comparison of a database with a model."""
    engine = db_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True})
        diffs = compare_metadata(context, target)
    engine.dispose()
    return diffs


def mismatch(a: dict, b: dict) -> list[str]:
    """The tables whose reflected state differs, and how (for a readable failure)."""
    out = [f"only in chain: {sorted(tables_of(a) - tables_of(b))}"] if tables_of(a) - tables_of(b) else []
    out += [f"only in ddl: {sorted(tables_of(b) - tables_of(a))}"] if tables_of(b) - tables_of(a) else []
    for name in sorted(set(a) & set(b)):
        if a[name] != b[name]:
            if name.startswith("__"):
                out.append(f"{name}: {sorted(set(a[name]) ^ set(b[name]))[:6]}")
                continue
            for key in a[name]:
                if a[name][key] != b[name][key]:
                    left, right = a[name][key], b[name][key]
                    out.append(f"{name}.{key}: chain {[x for x in left if x not in right]}"
                               f" ddl {[x for x in right if x not in left]}"
                               + (" (order)" if sorted(map(repr, left)) == sorted(map(repr, right)) else ""))
    return out


# --------------------------------------------------------------------------- MariaDB
@pytest.fixture(scope="module")
def ddl_states(mariadb_server):
    """Each version's DDL loaded once into its own MariaDB database: date -> (url, state)."""

    class Loaded(dict):
        def __missing__(self, date):
            url = mariadb_server.create("ddl")
            build_schema(url, "ddl", date, fresh=True)  # the DDL file itself, not a copy
            self[date] = (url, reflected(url))
            return self[date]

    return Loaded()


@pytest.fixture(scope="module")
def mariadb_walk(mariadb_server):
    """One MariaDB database walked up the chain a revision at a time, then back
    down: (direction, date) -> (reflected state, compare_metadata with the model)."""
    url = mariadb_server.create("chain")
    states = {}
    for v in VERSIONS:
        alembic_ok("-x", f"url={url}", "upgrade", "+1", ini="alembic.ini")
        states[("up", v.date)] = (reflected(url), model_diffs(url, v.metadata))
    for v in reversed(VERSIONS[:-1]):
        alembic_ok("-x", f"url={url}", "downgrade", "-1", ini="alembic.ini")
        states[("down", v.date)] = (reflected(url), None)
    alembic_ok("-x", f"url={url}", "downgrade", "base", ini="alembic.ini")
    states[("down", "base")] = (reflected(url), None)
    return states


def _codegen():
    spec = importlib.util.spec_from_file_location("schema_codegen", ROOT / "tools" / "schema_codegen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.mariadb
@pytest.mark.parametrize("date", DATES)
def test_model_is_what_the_codegen_makes_of_its_ddl(date, ddl_states):
    url, _ = ddl_states[date]
    engine = db_engine(url)
    with engine.connect() as conn:
        generated = _codegen().render_module(conn, version(date).ddl)
    engine.dispose()
    path = ROOT / (version(date).module.replace(".", "/") + ".py")
    assert generated == path.read_text(encoding="utf-8"), f"{path.name} differs from its DDL: regenerate it"


@pytest.mark.mariadb
@pytest.mark.parametrize("date", DATES)
def test_upgrade_builds_what_the_ddl_builds(date, mariadb_walk, ddl_states):
    chain_state, diffs = mariadb_walk[("up", date)]
    _, ddl_state = ddl_states[date]
    assert len(tables_of(ddl_state)) == len(version(date).metadata.tables)
    assert mismatch(chain_state, ddl_state) == []
    assert chain_state == ddl_state
    assert diffs == []  # Alembic's own comparison: the database is the model


@pytest.mark.mariadb
@pytest.mark.parametrize("date", EARLIER)
def test_downgrade_gives_back_the_previous_ddl(date, mariadb_walk, ddl_states):
    chain_state, _ = mariadb_walk[("down", date)]
    _, ddl_state = ddl_states[date]
    assert mismatch(chain_state, ddl_state) == []
    assert chain_state == ddl_state


@pytest.mark.mariadb
def test_downgrade_base_leaves_nothing(mariadb_walk):
    state, _ = mariadb_walk[("down", "base")]
    assert tables_of(state) == set()


@pytest.mark.mariadb
def test_the_comparison_sees_drift(ddl_states):
    """Guard against a comparison that cannot fail: altered metadata shows up."""
    url, _ = ddl_states[DATES[0]]
    altered = sa.MetaData()
    for table in version(DATES[0]).metadata.sorted_tables:
        table.to_metadata(altered)
    altered.tables["invoices"].c.status.type = sa.Enum("DRAFT", "SENT", "PAID")
    altered.tables["invoices"].c.notes.nullable = False
    altered.tables["bills"].c.amountPaid.server_default = sa.DefaultClause(sa.text("'1.00'"))
    kinds = sorted(d[0][0] for d in model_diffs(url, altered))
    assert kinds == ["modify_default", "modify_nullable", "modify_type"]


# --------------------------------------------------------------------------- SQLite
def built_from_nothing(url: str, metadata: sa.MetaData, date: str) -> None:
    """A version's model built on an empty SQLite database, as the first revision builds its own."""
    engine = db_engine(url)
    with engine.connect() as conn:
        with Operations.context(MigrationContext.configure(conn)):
            evolve.upgrade(sa.MetaData(), metadata, VersionChanges(version=date))
    engine.dispose()


@pytest.fixture(scope="module")
def sqlite_walk(tmp_path_factory):
    """As mariadb_walk, on SQLite, with each version also built from nothing."""
    folder = tmp_path_factory.mktemp("sqlite-walk")
    url = f"sqlite:///{folder / 'chain.sqlite'}"
    states, fresh = {}, {}
    for v in VERSIONS:
        alembic_ok("-x", f"url={url}", "upgrade", "+1", ini="alembic.ini")
        states[("up", v.date)] = reflected(url)
        fresh_url = f"sqlite:///{folder / (v.slug + '.sqlite')}"
        built_from_nothing(fresh_url, v.metadata, v.date)
        fresh[v.date] = reflected(fresh_url)
        fresh[("url", v.date)] = fresh_url
    for v in reversed(VERSIONS[:-1]):
        alembic_ok("-x", f"url={url}", "downgrade", "-1", ini="alembic.ini")
        states[("down", v.date)] = reflected(url)
    alembic_ok("-x", f"url={url}", "downgrade", "base", ini="alembic.ini")
    states[("down", "base")] = reflected(url)
    return states, fresh


@pytest.mark.parametrize("date", DATES)
def test_sqlite_upgrade_builds_the_model(date, sqlite_walk):
    states, fresh = sqlite_walk
    assert len(tables_of(fresh[date])) == len(version(date).metadata.tables)
    assert mismatch(states[("up", date)], fresh[date]) == []
    assert states[("up", date)] == fresh[date]


@pytest.mark.parametrize("date", EARLIER)
def test_sqlite_downgrade_gives_back_the_previous_model(date, sqlite_walk):
    states, fresh = sqlite_walk
    assert mismatch(states[("down", date)], fresh[date]) == []
    assert states[("down", date)] == fresh[date]
    assert tables_of(states[("down", "base")]) == set()


def test_sqlite_schema_keeps_keys_and_enums(sqlite_walk):
    """The SQLite schema enforces what the model declares: keys, enum values
    (an enum value outside the list is refused)."""
    states, fresh = sqlite_walk
    head = fresh[latest().date]
    assert sum(len(t["fks"]) for t in head.values()) == sum(
        len(t.foreign_key_constraints) for t in latest().metadata.tables.values())
    checks = " ".join(sql for t in head.values() for _, sql in t["checks"])
    assert "'READY_FOR_PACKING'" in checks and "'PHOTOGRAPHY_COMPLETE'" not in checks
    engine = db_engine(fresh[("url", latest().date)])
    with engine.connect() as conn:
        with pytest.raises(sa.exc.IntegrityError):
            conn.exec_driver_sql(
                "INSERT INTO accounts (\"accountNumber\", \"accountName\", \"accountType\", \"normalBalance\")"
                " VALUES ('9', 'x', 'NOT_A_TYPE', 'DEBIT')")
    engine.dispose()


# --------------------------------------------------------------------------- offline SQL
@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_offline_sql_both_ways(dialect):
    """`alembic upgrade head --sql` and the rollback script render without a
    database, the same twice, and TERP's conversions sit between the widening
    and the shrinking of their enum (widen, UPDATE, shrink)."""
    up = alembic_ok("-x", f"dialect={dialect}", "upgrade", "head", "--sql", ini="alembic.ini")
    assert up == alembic_ok("-x", f"dialect={dialect}", "upgrade", "head", "--sql", ini="alembic.ini")
    created = re.findall(r"CREATE TABLE (\S+)", up)
    rebuilds = up.count("CREATE TEMP TABLE ")  # SQLite: each rebuild creates its table again
    assert len(created) - rebuilds == len(latest().metadata.tables) + 1
    down = alembic_ok("-x", f"dialect={dialect}", "downgrade", "head:base", "--sql", ini="alembic.ini")
    assert down.count("DROP TABLE") >= len(latest().metadata.tables)
    step = up[up.index("-> 0004_terp_2026_05_14"):]
    rename = step.index("SET `fulfillmentStatus`='READY_FOR_PACKING'" if dialect == "mysql"
                        else "SET \"fulfillmentStatus\"='READY_FOR_PACKING'")
    if dialect == "mysql":
        widen = step.index("MODIFY COLUMN `fulfillmentStatus` ENUM(")
        shrink = step.index("MODIFY COLUMN `fulfillmentStatus` ENUM(", rename)
        assert widen < rename < shrink
        assert "'PENDING'" in step[widen:rename].split(";")[0]
        assert "'PENDING'" not in step[shrink:].split(";")[0]
        flag = step.index("UPDATE batches SET `isPhotographyComplete`=true")
        assert flag < step.index("UPDATE batches SET `batchStatus`='LIVE'")
        assert "`updatedAt`=batches.`updatedAt`" in step[flag:].split(";")[0]  # converted rows keep it
    else:
        assert step.index("PRAGMA foreign_keys = OFF") < step.index("BEGIN") < rename < step.index("COMMIT")
