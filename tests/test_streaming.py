"""Seeding streams: rows are let go above the row budget and generated again
when asked (the same rows), statements go to the database through a writer
thread, and progress shows on stderr unless -x quiet=true."""

from __future__ import annotations

import io
import threading

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

import generators.inventory
from terpseed.chain import seed_steps
from terpseed.errors import SeedError
from terpseed.params import parse_seed_params
from terpseed.progress import LiveProgress, PlainProgress, SilentProgress, progress_for
from terpseed.render import SqlRenderer
from terpseed.runtime import SeedRun, render_revision
from terpseed.world import ROW_BUDGET, World
from tests.support import ROOT, alembic_subprocess, build_schema, counts, run_alembic


def _revision_hashes(scenario: str, row_budget: int | None, directions=("upgrade", "downgrade"),
                     cache=None, scale: str = "1") -> tuple[dict, World]:
    script = ScriptDirectory.from_config(Config(str(ROOT / "seed.ini")))
    params = parse_seed_params({"scenario": scenario, "scale": scale})
    world = World(params, seed_steps(script), row_budget=ROW_BUDGET if row_budget is None else row_budget,
                  cache=cache)
    run = SeedRun(params=params, renderer=SqlRenderer("mysql"), world=world)
    revisions = [(sc.revision, list(sc.module.STEPS)) for sc in reversed(list(script.walk_revisions()))]
    hashes = {}
    for direction in directions:
        for revision, steps in revisions:
            hashes[revision, direction] = render_revision(run, revision, steps, direction).sha256
            hashes[revision, "datasets"] = sorted(world._datasets)
    return hashes, world


@pytest.mark.parametrize("scenario", ["light", "edgeCases"])
def test_rows_let_go_and_generated_again_render_the_same_sql(scenario):
    """With a budget of 0 every table's rows are forgotten after each step and
    generated again whenever a later step asks: the SQL must not change."""
    kept, kept_world = _revision_hashes(scenario, None)
    streamed, streamed_world = _revision_hashes(scenario, 0)
    assert streamed == kept
    assert kept_world.held_rows() > 0          # under the budget nothing was let go
    assert streamed_world.held_rows() == 0     # with budget 0 everything was


def test_an_upgrade_lets_each_dataset_go_after_the_last_step_that_reaches_it(tmp_path):
    """Above the row budget, with the cache keeping the rows, an upgrade lets
    a simulation dataset go once no later step's code can reach it
    (terpseed/reach.py): the trading simulation and the books are gone
    before the last domains, none is built twice, and the SQL is the same."""
    from terpseed.cache import PlanCache

    def datasets(hashes: dict, revision: str) -> set[str]:
        return {name.rpartition(".")[2] for name in hashes[revision, "datasets"]}

    kept, kept_world = _revision_hashes("full", None, ("upgrade",), scale="0.2")
    streamed, world = _revision_hashes("full", 0, ("upgrade",), PlanCache(tmp_path / "key"), scale="0.2")
    assert {k: v for k, v in streamed.items() if k[1] == "upgrade"} \
        == {k: v for k, v in kept.items() if k[1] == "upgrade"}
    assert set(world.builds) == set(kept_world.builds) and len(world.builds) > 20
    assert set(world.builds.values()) == {1}   # nothing let go that a later step built again
    assert {"trade", "books"} <= datasets(kept, "0014_media_and_samples")  # kept under the budget
    assert {"trade", "books"} <= datasets(streamed, "0011_crm")  # 0012 and 0013 still read the trade
    assert datasets(streamed, "0013_storage") == set()          # nothing later reaches them
    assert world._datasets == {}
    _nocache, without = _revision_hashes("full", 0, ("upgrade",), scale="0.2")
    assert len(without._datasets) == len(kept_world._datasets)  # without the cache they stay: no rebuild


def test_quiet_silences_progress_and_plain_lines_name_each_revision(tmp_path):
    url = f"sqlite:///{tmp_path / 'terp.sqlite'}"
    build_schema(url, "chain")
    loud = alembic_subprocess("-x", f"url={url}", "-x", "scenario=light", "upgrade", "0003_books")
    assert loud.returncode == 0, loud.stderr
    schema, *lines = loud.stderr.decode().splitlines()
    assert schema == f"schema: {url} holds TERP's schema of 2025-11-21"  # the version it writes
    assert [line.split(" done:")[0] for line in lines] == [
        "upgrade 0001_access", "upgrade 0002_reference", "upgrade 0003_books"]
    written = counts(url)
    books = sum(written[t] for t in ("accounts", "fiscalPeriods", "expenseCategories"))
    assert f"done: wrote {books:,} rows in 3 tables" in lines[2]
    quiet = alembic_subprocess("-x", f"url={url}", "-x", "scenario=light", "-x", "quiet=true",
                               "downgrade", "base")
    assert quiet.returncode == 0 and quiet.stderr == b""
    offline = alembic_subprocess("-x", "scenario=light", "upgrade", "head", "--sql")
    offline_quiet = alembic_subprocess("-x", "scenario=light", "-x", "quiet=true", "upgrade", "head", "--sql")
    assert offline.stdout == offline_quiet.stdout   # progress never reaches the SQL
    assert offline_quiet.stderr == b"" and b"upgrade 0011_crm done: rendered" in offline.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_kinds_and_the_terminal_display():
    assert type(progress_for(True, False, _Terminal())) is SilentProgress
    assert type(progress_for(False, False, io.StringIO())) is PlainProgress
    screen = _Terminal()
    live = progress_for(False, False, screen)
    assert type(live) is LiveProgress
    live.start_revision("upgrade", "0007_inventory_and_sales")
    live.start_table("orders", 1000)
    live.advance("orders", 400)
    live.advance("orders", 600)
    live.end_revision()
    shown = screen.getvalue()
    assert "0007_inventory_and_sales" in shown and "orders" in shown      # the table's bar
    assert "upgrade 0007_inventory_and_sales done: wrote 1,000 rows in 1 tables" in shown


def test_progress_fits_80_columns_and_counts_updates_apart():
    """At 80 columns a bar still shows its table, its bar and its counts (a
    long name once squeezed the bar to nothing); restored updates are not
    counted as deleted rows; the seed's own record is not counted at all."""
    from rich.console import Console

    live = LiveProgress(_Terminal())
    live.start_revision("downgrade", "0007_inventory_and_sales")
    live.start_table("order_status_history_with_a_long_name", 1000)
    live.advance("order_status_history_with_a_long_name", 400)
    screen = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    screen.print(live._bars)
    drawn = [line for line in screen.export_text().splitlines() if "400/1000" in line]
    assert len(drawn) == 1 and len(drawn[0]) <= 80, drawn
    assert drawn[0].count("━") == 6, drawn   # the bar keeps its 15 columns: 40% of it is drawn
    assert "0007 order_status_history_…" in drawn[0]
    live.start_table("clients.total_spent+total_profit+avg_profit_margin", 60, "update")
    live.advance("clients.total_spent+total_profit+avg_profit_margin", 60)
    live.start_table("seed_rows", 0, "record")
    live.advance("seed_rows", 0)
    live.advance("order_status_history_with_a_long_name", 600)
    live.end_revision()
    assert live.summary().startswith("downgrade 0007_inventory_and_sales done: deleted 1,000 rows in 1 tables,"
                                     " restored 60 rows of 1 updates")


def test_a_failure_while_the_writer_runs_rolls_the_revision_back(sqlite_url, monkeypatch):
    """A generator error in a revision's later table, raised while earlier
    statements of the revision are being written: the revision rolls back as
    a whole, the writer thread ends, and the error is the one FAILED line."""
    build_schema(sqlite_url, "chain")
    assert run_alembic("-x", f"url={sqlite_url}", "-x", "scenario=light", "upgrade", "0006_procurement")[0] == 0
    before = counts(sqlite_url)
    threads = threading.active_count()

    def broken(ctx):
        raise SeedError("a generator broke half way")

    # the revision module is loaded afresh by the run and picks up the patch
    monkeypatch.setattr(generators.inventory, "inventoryMovements", broken)
    code, out, err = run_alembic("-x", f"url={sqlite_url}", "-x", "scenario=light", "-x", "cache=false",
                                 "upgrade", "head")
    assert code != 0 and "a generator broke half way" in out + err
    assert counts(sqlite_url) == before        # nothing of 0007 stayed
    assert threading.active_count() == threads


def test_a_run_pauses_the_garbage_collector_and_resumes_it():
    """collector_paused: off for the run, back after it, after a failed run
    too; left off if it was off."""
    import gc

    from terpseed.world import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    code, out, _err = run_alembic("-x", "scenario=light", "-x", "quiet=true", "upgrade", "head", "--sql")
    assert code == 0 and "INSERT INTO" in out
    assert gc.isenabled()
    code, out, err = run_alembic("-x", "scenario=nosuch", "upgrade", "head", "--sql")
    assert code != 0 and "nosuch" in out + err
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
