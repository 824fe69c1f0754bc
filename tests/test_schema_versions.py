"""TERP's schema versions: the registry, each step's declarations, and what
the diff of adjacent models demands of them (no database)."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

import terpseed.schema
from terpseed.schema import evolve
from terpseed.schema.column_ddl import interim
from terpseed.schema.diff import Renames, step_diff
from terpseed.schema.versions import VERSIONS, by_revision, latest, previous, seeds_version, version
from tests.support import ROOT, shared_dir

STEPS = [(older, newer) for older, newer in zip(VERSIONS, VERSIONS[1:])]
STEP_IDS = [newer.date for _, newer in STEPS]


def forward(older, newer, changes=None):
    return step_diff(older.metadata, newer.metadata, Renames.forward(changes or newer.changes))


def test_registry_is_the_schema_chain():
    script = ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini")))
    chain = [sc.revision for sc in reversed(list(script.walk_revisions()))]
    assert chain == [v.revision for v in VERSIONS]
    for v in VERSIONS:
        model = ROOT / (v.module.replace(".", "/") + ".py")
        assert f"TERP schema of {v.date}" in model.read_text(encoding="utf-8").splitlines()[0]
        assert f"``{v.ddl}``" in model.read_text(encoding="utf-8")
        assert (v.changes is None) == (v is VERSIONS[0])
        if v.changes is not None:
            assert v.changes.version == v.date
        assert by_revision(v.revision) is v and version(v.date) is v
        if shared_dir() is not None:
            assert (shared_dir() / "terp" / v.ddl).is_file()
    assert [previous(v) for v in VERSIONS] == [None, *VERSIONS[:-1]]
    assert latest().date == "2026-05-14"


def test_the_seeds_keep_the_2025_11_21_model():
    """Until the seeds are version-aware, the global model stays theirs."""
    assert terpseed.schema.SCHEMA_DATE == seeds_version().date == "2025-11-21"
    assert terpseed.schema.metadata is seeds_version().metadata
    assert seeds_version().revision == "0001_terp_schema"


@pytest.mark.parametrize("older,newer", STEPS, ids=STEP_IDS)
def test_every_removal_is_declared(older, newer):
    diff = forward(older, newer)
    assert diff.undeclared == []


@pytest.mark.parametrize("older,newer", STEPS, ids=STEP_IDS)
def test_conversions_name_tables_of_the_step(older, newer):
    tables = set(older.metadata.tables) | set(newer.metadata.tables)
    for conversion in newer.changes.conversions:
        assert conversion.summary and set(conversion.tables) <= tables, conversion.summary


def test_an_undeclared_column_rename_is_caught():
    older, newer = version("2025-12-20"), version("2026-02-15")
    undeclared = dataclasses.replace(newer.changes, renamed_columns={})
    diff = forward(older, newer, undeclared)
    assert diff.undeclared == [
        "column inventoryMovements.reason is gone while adjustmentReason, notes are added:"
        " declare it renamed or dropped"]
    with pytest.raises(ValueError, match="inventoryMovements.reason"):
        evolve.upgrade(older.metadata, newer.metadata, undeclared)
    dropped = dataclasses.replace(undeclared, dropped_columns={"inventoryMovements": ("reason",)})
    assert forward(older, newer, dropped).undeclared == []


def test_undeclared_enum_value_renames_are_caught():
    older, newer = version("2026-02-15"), version("2026-05-14")
    values = {k: m for k, m in newer.changes.renamed_values.items() if k != "orders.quoteStatus"}
    diff = forward(older, newer, dataclasses.replace(newer.changes, renamed_values=values))
    assert diff.undeclared == [
        "values ['DRAFT', 'ACCEPTED'] of orders.quoteStatus are gone while ['UNSENT'] is added:"
        " declare them renamed (renamed_values) or dropped (dropped_values)"]


def test_an_undeclared_table_rename_is_caught():
    older = version("2025-11-21").metadata
    newer = sa.MetaData()
    for table in older.sorted_tables:
        table.to_metadata(newer, name="labels" if table.name == "deployments" else None)
    diff = step_diff(older, newer, Renames())
    assert diff.undeclared == ["table deployments is gone: declare it renamed or dropped"]
    assert diff.added_tables == ["labels"]
    assert step_diff(older, newer, Renames(tables={"deployments": "labels"})).undeclared == []


def test_declarations_must_name_what_exists():
    older, newer = version("2025-12-20"), version("2026-02-15")
    wrong = dataclasses.replace(newer.changes, renamed_columns={"inventoryMovements": {"reasons": "notes"}})
    with pytest.raises(ValueError, match="renamed column inventoryMovements.reasons"):
        forward(older, newer, wrong)
    wrong = dataclasses.replace(newer.changes, renamed_values={"orders.fulfillmentStatus": {"PENDING": "NOPE"}})
    with pytest.raises(ValueError, match="NOPE"):
        forward(older, newer, wrong)


def test_value_renames_both_ways():
    """What the seeds read: the renames, how far they go back, and the folds."""
    older, newer = version("2026-02-15"), version("2026-05-14")
    changes = newer.changes
    assert changes.inverse_values(older.metadata) == {
        "orders.fulfillmentStatus": {"READY_FOR_PACKING": "PENDING"},
        "order_status_history.fulfillmentStatus": {"READY_FOR_PACKING": "PENDING"},
        "orders.quoteStatus": {"UNSENT": "DRAFT"},
    }
    assert changes.folds(older.metadata) == {
        "orders.quoteStatus": {"ACCEPTED": "CONVERTED"},
        "batches.batchStatus": {"PHOTOGRAPHY_COMPLETE": "LIVE"},
    }


def _change(older, newer, table, column, backward=False):
    if backward:
        diff = step_diff(newer.metadata, older.metadata, Renames.backward(newer.changes, older.metadata))
    else:
        diff = forward(older, newer)
    (change,) = [c for c in diff.altered_columns if (c.table, c.name) == (table, column)]
    return change


def test_columns_widen_before_the_conversions_and_narrow_after():
    """An enum that loses values holds old and new ones while the UPDATEs run;
    a column that only widens takes its final type at once; one that narrows
    keeps its old type until after the conversions."""
    older, newer = version("2026-02-15"), version("2026-05-14")
    during = interim(_change(older, newer, "orders", "fulfillmentStatus"))
    assert {"PENDING", "READY_FOR_PACKING"} <= set(during.type.enums)
    assert during.server_default.arg.text == "'PENDING'"
    back = interim(_change(older, newer, "orders", "fulfillmentStatus", backward=True))
    assert {"PENDING", "READY_FOR_PACKING"} <= set(back.type.enums)
    older, newer = version("2025-12-20"), version("2026-02-15")
    assert interim(_change(older, newer, "batches", "onHandQty")) is None      # varchar -> decimal
    assert interim(_change(older, newer, "tags", "category")) is None          # varchar -> enum
    widened = interim(_change(older, newer, "tags", "category", backward=True))  # enum -> varchar
    assert isinstance(widened.type, sa.String) and not isinstance(widened.type, sa.Enum)
    assert interim(_change(older, newer, "client_needs", "created_by")).nullable  # NOT NULL goes first
    assert interim(_change(older, newer, "client_needs", "created_by", backward=True)) is None


def test_revisions_are_what_the_version_tool_writes():
    """Every revision after the first is the tool's few lines (tools/new_schema_version.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("new_schema_version", ROOT / "tools" / "new_schema_version.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    for older, newer in STEPS:
        assert newer.revision == tool.revision_id(VERSIONS.index(newer) + 1, newer.date)
        path = ROOT / "schema" / "versions" / f"{newer.revision}.py"
        assert path.read_text(encoding="utf-8") == tool.revision_text(newer, older), path.name
    skeleton = tool.changes_text(version("2026-05-14"), version("2026-02-15"), ["column x.y is gone"])
    assert "TODO: column x.y is gone" in skeleton and 'version="2026-05-14"' in skeleton


def test_a_version_builds_its_model_on_first_use_and_a_table_alone_when_asked():
    """A run that writes TERP's newest schema reads, of the versions between,
    only the tables they introduced (the generators' columns): those are
    built alone, the same as in the whole model, and the whole model of a
    version it does not write is never built (each costs 60-180 ms)."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from alembic.config import Config\n"
        "from alembic.script import ScriptDirectory\n"
        "from terpseed.chain import seed_steps\n"
        "from terpseed.schema_view import view\n"
        "target = view('2026-05-14')\n"
        "written = [s.table for _r, s in seed_steps(ScriptDirectory.from_config(Config('seed.ini')))"
        " if target.has(s.table)]\n"
        "built = [m for m, module in sys.modules.items()"
        " if m.startswith('terpseed.schema.terp_') and 'metadata' in vars(module)]\n"
        "print(len(written), *sorted(built))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    count, *built = out.stdout.split()
    assert int(count) > 150
    assert built == ["terpseed.schema.terp_2025_11_21", "terpseed.schema.terp_2026_05_14"]
    middle = version("2026-02-15")
    assert middle.tables == set(middle.metadata.tables)  # names without the model, the same
    from terpseed.schema.versions import _alone

    for name in sorted(middle.tables)[:40]:
        alone, whole = _alone(middle.module, name), middle.metadata.tables[name]
        assert alone.metadata is not whole.metadata
        assert [(c.name, repr(c.type), c.nullable, c.primary_key, str(c.server_default and c.server_default.arg))
                for c in alone.c] == \
            [(c.name, repr(c.type), c.nullable, c.primary_key, str(c.server_default and c.server_default.arg))
             for c in whole.c]
        assert middle.table(name) is whole  # once the model is built, its own table
