"""The README says what the code does."""

from __future__ import annotations

import importlib.util
import re

from terpseed.params import SEED_OPTIONS
from terpseed.scenarios import SCENARIOS
from tests.support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_coverage_table_is_current():
    spec = importlib.util.spec_from_file_location("coverage_table", ROOT / "tools" / "coverage_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    documented = re.search(r"<!-- coverage:start -->\n(.*?)\n<!-- coverage:end -->", README, re.S).group(1)
    assert documented == module.coverage_table(), "README coverage table is stale: run tools/coverage_table.py"


def test_readme_names_the_two_setup_commands_and_every_option():
    setup = README.split("## Set-up: two commands", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert re.findall(r"^make (\w+)", setup, re.M) == ["seed", "test"]
    for option in SEED_OPTIONS:
        assert f"| `{option}` |" in README
    for scenario in SCENARIOS:
        assert f"`{scenario}`" in README


def test_seed_plan_drawings_are_current():
    spec = importlib.util.spec_from_file_location("seed_graph", ROOT / "tools" / "seed_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.readme_with_graph(README) == README, "README seed plan is stale: make graph"
    assert (ROOT / "docs" / "seed-plan.dot").read_text() == module.dot(), "docs/seed-plan.dot is stale: make graph"
    assert "flowchart LR" in README and "users -.-> " not in README.split("flowchart")[0]


def test_checks_list_is_current():
    spec = importlib.util.spec_from_file_location("checks_doc", ROOT / "tools" / "checks_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.readme_with_checks(README) == README, "README checks list is stale: tools/checks_doc.py --write"
