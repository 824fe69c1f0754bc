"""The shape of the seed chain: one step per table, parents first, templates
for every step, and the house template for new revisions."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from terpseed import relations
from terpseed.chain import seed_steps
from terpseed.params import parse_seed_params
from terpseed.render import TEMPLATES_DIR
from terpseed.schema import metadata
from terpseed.schema_view import origin
from terpseed.schema.versions import VERSIONS
from terpseed.world import Step, World
from tests.support import ROOT


def _all_steps():
    return seed_steps(ScriptDirectory.from_config(Config(str(ROOT / "seed.ini"))))


@pytest.fixture(scope="module")
def full_world() -> World:
    """The full scenario's world, every table's rows generated in step order:
    shared by the tests below (read only)."""
    world = World(parse_seed_params({"scenario": "full"}), _all_steps())
    for table in world.steps:
        world.rows(table)
    return world


def _steps():
    """(revision, Step) of the inserting steps (Updates left out)."""
    return [(rev, step) for rev, step in _all_steps() if isinstance(step, Step)]


def test_each_table_is_inserted_by_one_step_and_exists():
    """A table of a later TERP version is written by its first version's name."""
    from terpseed.schema_view import origin

    tables = [step.table for _rev, step in _steps()]
    assert len(tables) == len(set(tables))
    assert all(origin(table) is not None for table in tables), [t for t in tables if origin(t) is None]


def test_parents_are_seeded_before_their_children(full_world):
    """Declared and undeclared references alike (the relationship map).  A
    reference into a later table is inserted NULL and filled by a later Update."""
    steps = _all_steps()
    order = {step.table: i for i, (_rev, step) in enumerate(steps) if isinstance(step, Step)}
    updates = {f"{step.table}.{column}": i for i, (_rev, step) in enumerate(steps)
               if not isinstance(step, Step) for column in step.filled}
    world = full_world
    refs = set(relations.references())
    for version in VERSIONS:  # the references of the tables later versions add, too
        refs |= {r for r in relations.references(version.metadata) if r.table not in metadata.tables}
    for ref in sorted(refs, key=str):
        if ref.table in order and ref.target_table in order and ref.table != ref.target_table:
            if order[ref.target_table] < order[ref.table]:
                continue
            assert all(row[ref.column] is None for row in world.rows(ref.table)), f"{ref} is seeded child-first"
            key = f"{ref.table}.{ref.column}"
            assert key not in updates or updates[key] > order[ref.target_table], f"{key} is filled too early"


def test_relationship_map_matches_the_facts_sheet():
    tiers = relations.tiers()
    counts = [sum(1 for t in tiers.values() if t == n) for n in range(5)]
    assert counts == [44, 39, 23, 13, 1]
    assert len(relations.declared()) == 157
    assert sum(1 for r in relations.declared() if r.on_delete == "CASCADE") == 90


def test_every_step_template_exists():
    for _rev, step in _steps():
        assert (TEMPLATES_DIR / step.template_name).is_file(), step


def test_every_generated_row_renders_for_both_dialects_in_every_version(full_world):
    """Generators, the schema view and the shared template agree on every
    column of every TERP version, for every scenario and both dialects (the
    whole chain renders each version offline in tests/test_versions.py).  A
    table whose rows and column types a version leaves as another version had
    them renders the same (rendering reads nothing else): it is rendered once."""
    from terpseed.render import SqlRenderer
    from terpseed.schema_view import view

    for scenario in ("light", "full", "edgeCases", "chaos"):
        base = full_world if scenario == "full" else World(parse_seed_params({"scenario": scenario}), _all_steps())
        rendered: dict[tuple, list[dict]] = {}
        for version in VERSIONS:
            world = World(base.params, _all_steps(), view=view(version.date))
            world._rows = base._rows  # the same generated rows: only the projection differs
            renderers = {d: SqlRenderer(d, metadata=world.view.metadata) for d in ("mysql", "sqlite")}
            for table in world.steps:
                if not world.view.has(table):
                    continue
                name, rows = world.view.name(table), world.physical(table)
                columns = tuple((c.name, repr(c.type)) for c in world.view.metadata.tables[name].c)
                if rendered.get((name, columns)) == rows:
                    continue
                for dialect, renderer in renderers.items():
                    assert renderer.render_rows(name, rows), (scenario, version.date, dialect, table)
                rendered[(name, columns)] = rows


def test_updates_touch_only_seeded_rows_and_columns_that_exist(full_world):
    world = full_world
    assert world.updates
    from terpseed.runtime import projected_update
    from terpseed.schema_view import view

    views = [view(version.date) for version in VERSIONS]
    for key, (_rev, update) in world.updates.items():
        base = set(metadata.tables[update.table].c.keys())
        later = set().union(*(v.added_columns(update.table) for v in views if v.has(update.table)))
        assert set(update.columns) <= base | later, (key, set(update.columns) - base - later)
        assert update.table in world.steps
        rows = world.update_rows(key)
        assert rows
        for v in views:
            if v.has(update.table):
                _out, columns = projected_update(v, update, rows[:1])
                physical = set(v.metadata.tables[v.name(update.table)].c.keys())
                assert set(columns) <= physical, (key, v, set(columns) - physical)


def test_generation_is_deterministic_and_independent_of_order(full_world):
    """The shared world generated its tables in step order; another one, in
    the reverse order, gives the same rows."""
    second = World(full_world.params, _all_steps())
    tables = list(full_world.steps)
    b = {t: second.rows(t) for t in reversed(tables)}
    assert {t: full_world.rows(t) for t in tables} == b


def test_scale_multiplies_volumes():
    base = World(parse_seed_params({"scenario": "full"}), _all_steps())
    double = World(parse_seed_params({"scenario": "full", "scale": "2"}), _all_steps())
    half = World(parse_seed_params({"scenario": "full", "scale": "0.5"}), _all_steps())
    assert len(double.rows("clients")) == 2 * 60 + 16
    assert len(half.rows("clients")) == 30 + 4
    assert len({p["strainId"] for p in double.rows("products")}) == 100  # the strains traded (families aside)
    assert len(base.rows("clients")) == 60 + 8


def test_alembic_revision_uses_the_house_template(tmp_path):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "seed.ini", tmp_path / "seed.ini")
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    made = subprocess.run([sys.executable, "-m", "alembic", "-c", str(tmp_path / "seed.ini"),
                           "revision", "-m", "pricing and promotions", "--rev-id", "0099_promotions"],
                          capture_output=True, text=True, env=env)
    assert made.returncode == 0, made.stderr
    head = ScriptDirectory.from_config(Config(str(ROOT / "seed.ini"))).get_current_head()
    text = (tmp_path / "seeds" / "versions" / "0099_promotions_pricing_and_promotions.py").read_text()
    assert f"down_revision = '{head}'" in text
    assert "STEPS: list[Step] = [" in text and "upgrade_steps(STEPS, revision)" in text
    history = subprocess.run([sys.executable, "-m", "alembic", "-c", str(tmp_path / "seed.ini"),
                              "history"], capture_output=True, text=True, env=env)
    assert f"{head} -> 0099_promotions (head)" in history.stdout, history.stderr


def test_every_reference_the_facts_sheet_names_is_mapped():
    """../shared/terp/README.md lists the columns that name another row without a
    declared key: each is in the relationship map (simple, polymorphic or external)."""
    import re

    from tests.support import ddl_path

    facts = (ddl_path().parent / "README.md").read_text(encoding="utf-8")
    listed = facts.split("have no declared foreign key", 1)[1].split("\n\n", 2)[1]
    columns = set(re.findall(r"(\w+\.\w+)", listed))
    mapped = {f"{r.table}.{r.column}" for r in relations.undeclared()}
    mapped |= {f"{t}.{c}" for (t, _type, c) in relations.POLYMORPHIC}
    mapped |= set(relations.EXTERNAL)
    assert len(columns) == 78
    assert sorted(columns - mapped) == []
