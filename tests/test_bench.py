"""The benchmark runs, in its CI-sized form, so it cannot rot."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from terpseed.schema.versions import VERSIONS, latest
from tests.support import HOSTILE, ROOT, alembic_ok, build_schema, snapshot


def test_bench_light_reports_every_operation_and_baseline(mariadb_server):
    """On TERP's first schema (120 tables: its scratch databases are made in
    half the time of the newest's; the baseline test below writes the newest)."""
    first = VERSIONS[0].date
    result = subprocess.run([sys.executable, "bench/run.py", "--scenario", "light", "--repeat", "1",
                             "--per-row", "--scale", "0.5", "--schema", first],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((ROOT / "build" / "bench" / "light-x0.5.json").read_text())
    assert report["rows"] > 2000 and report["schema"] == first
    assert set(report["operations"]) == {"render_cold", "render_warm", "upgrade_cold", "checks",
                                         "downgrade_first", "upgrade_warm", "downgrade_warm"}
    assert set(report["baselines"]) == {"load_data", "load_data_unchecked", "replay", "per_row",
                                        "generate", "generate_load_data"}
    baselines = {name: b["median_s"] for name, b in report["baselines"].items()}
    # generating the rows and loading them takes longer than loading them alone
    assert baselines["generate_load_data"] > baselines["load_data"] > 0
    assert baselines["generate_load_data"] > baselines["generate"] > 0
    for op in report["operations"].values():
        assert op["median_s"] > 0 and op["peak_mib"] > 0 and op["rows_per_s"] > 0
    for upgrade in ("upgrade_cold", "upgrade_warm"):
        assert set(report["operations"][upgrade]) >= {"x_load_data", "x_load_data_unchecked", "x_replay",
                                                      "x_per_row"}
        assert report["operations"][upgrade]["x_load_data"] > 0
    # only the cold upgrade makes its rows, as generate_load_data does
    assert report["operations"]["upgrade_cold"]["x_generate_load_data"] > 0
    assert "x_generate_load_data" not in report["operations"]["upgrade_warm"]
    assert "rows/s" in result.stdout
    # how time and memory grow between scales (make bench SCALE=1,10): here against a copy
    # of the report that took twice as long and as much memory for twice the rows
    from bench.run import growth

    double = {**report, "scale": 1.0, "rows": 2 * report["rows"],
              "operations": {n: {**op, "median_s": 2 * op["median_s"], "peak_mib": 2 * op["peak_mib"]}
                             for n, op in report["operations"].items()}}
    text = growth(report, double)
    assert text.startswith("x1 against x0.5 (2 times the volumes, 2.00 times the rows):")
    assert text.count("time x2.00  peak") == len(report["operations"]) and "(x2.00)" in text


@pytest.mark.parametrize("scenario", ["light"])
def test_load_data_baseline_loads_the_very_rows_the_seeds_write(mariadb_server, tmp_path, scenario):
    from bench.run import load_data, read_tsv_files

    rows_dir = tmp_path / "rows"
    rows_dir.mkdir()
    made = subprocess.run([sys.executable, "bench/run.py", "--scenario", scenario, "--write-tsv", str(rows_dir)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "TERPSEED_CACHE": "off"})
    assert made.returncode == 0, made.stderr[-2000:]
    files = read_tsv_files(rows_dir)
    seeded, loaded = mariadb_server.create("seeded"), mariadb_server.create("loaded")
    for url in (seeded, loaded):
        build_schema(url, "ddl", latest().date)  # the version the benchmark writes by default
    alembic_ok("-x", f"url={seeded}", "-x", f"scenario={scenario}", "upgrade", "head")
    assert load_data(loaded, files) > 0
    seeded_state, loaded_state = snapshot(seeded), snapshot(loaded)
    del seeded_state["__tables__"], loaded_state["__tables__"]  # the seeded one has the version tables
    assert sum(map(len, seeded_state.values())) == files.rows
    assert loaded_state == seeded_state
    # a load that skips rows (here: orders without their clients) is no baseline
    orphans = mariadb_server.create("orphans")
    build_schema(orphans, "ddl", latest().date)
    only_orders = files._replace(tables={"orders": files.tables["orders"]}, updates=[])
    with pytest.raises(SystemExit, match=r"LOAD DATA of orders loaded 0 of \d+ rows \(Cannot add"):
        load_data(orphans, only_orders)


def test_load_data_files_keep_any_text(mariadb_server, tmp_path):
    import datetime as dt

    from bench.run import load_data, read_tsv_files, tsv_files

    moment = dt.datetime(2025, 9, 1, 11, 0)
    texts = [HOSTILE, "tab\there", "two\nlines\r\n", "nul\0byte", "\\N", "back\\slash\\", "", "Ünïcødé ✓"]
    rows = [{"id": n, "name": f"c{n}", "description": text, "isActive": n % 2,
             "createdAt": moment, "updatedAt": moment} for n, text in enumerate([*texts, None], start=1)]
    tsv_files({"categories": rows}, [], tmp_path)
    url = mariadb_server.create("text")
    build_schema(url, "ddl")
    load_data(url, read_tsv_files(tmp_path))
    assert snapshot(url)["categories"] == [tuple(row.values()) for row in rows]
