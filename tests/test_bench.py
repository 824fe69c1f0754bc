"""The benchmark runs, in its CI-sized form, so it cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support import ROOT


def test_bench_light_reports_every_operation_and_baseline(mariadb_server):
    result = subprocess.run([sys.executable, "bench/run.py", "--scenario", "light", "--repeat", "1",
                             "--per-row", "--scale", "0.5,1"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((ROOT / "build" / "bench" / "light-x1.json").read_text())
    assert report["rows"] > 4000
    assert set(report["operations"]) == {"render_cold", "render_warm", "upgrade_cold", "checks",
                                         "downgrade_first", "upgrade_warm", "downgrade_warm"}
    assert set(report["baselines"]) == {"load_data", "load_data_unchecked", "replay", "per_row"}
    for op in report["operations"].values():
        assert op["median_s"] > 0 and op["peak_mib"] > 0 and op["rows_per_s"] > 0
    for upgrade in ("upgrade_cold", "upgrade_warm"):
        assert set(report["operations"][upgrade]) >= {"x_load_data", "x_load_data_unchecked", "x_replay",
                                                      "x_per_row"}
        assert report["operations"][upgrade]["x_load_data"] > 0
    assert "rows/s" in result.stdout
    half = json.loads((ROOT / "build" / "bench" / "light-x0.5.json").read_text())
    assert 0 < half["rows"] < report["rows"]
    assert "x1 against x0.5 (2 times the volumes" in result.stdout
