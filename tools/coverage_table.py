"""Print the README's coverage table: rows each seed step writes, per scenario.

    python tools/coverage_table.py

Counts come from the generators themselves (no database), at scale 1 and the
default seed; tests/test_docs.py fails when README.md shows other numbers.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic.config import Config  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402

from terpseed.chain import seed_steps  # noqa: E402
from terpseed.params import parse_seed_params  # noqa: E402
from terpseed.scenarios import SCENARIOS  # noqa: E402
from terpseed.schema.versions import VERSIONS  # noqa: E402
from terpseed.schema_view import origin  # noqa: E402
from terpseed.world import Step, World, update_key  # noqa: E402


BASE = VERSIONS[0]  # the version the seed revisions' tables were first written for


def coverage_table() -> str:
    steps = seed_steps(ScriptDirectory.from_config(Config(str(ROOT / "seed.ini"))))
    worlds = {name: World(parse_seed_params({"scenario": name}), steps) for name in SCENARIOS}
    header = "| revision | table | " + " | ".join(SCENARIOS) + " |"
    lines = [header, "|" + "---|" * (2 + len(SCENARIOS))]
    inserts = [(revision, step) for revision, step in steps if isinstance(step, Step)]
    for revision, step in inserts:
        cells = [f"{len(world.rows(step.table)):,}" for world in worlds.values()]
        first = origin(step.table)
        name = step.table if first is BASE else f"{step.table} (TERP {first.date} on)"
        lines.append(f"| {revision} | {name} | " + " | ".join(cells) + " |")
    for revision, step in steps:
        if not isinstance(step, Step):
            cells = [f"{len(world.update_rows(update_key(revision, step))):,} updated"
                     for world in worlds.values()]
            lines.append(f"| {revision} | {step.key} | " + " | ".join(cells) + " |")
    totals = [f"{sum(len(w.rows(s.table)) for _r, s in inserts):,}" for w in worlds.values()]
    base = sum(1 for _r, s in inserts if origin(s.table) is BASE)
    later = f" + {len(inserts) - base} of later versions" if len(inserts) > base else ""
    lines.append(f"| | **{base} of {len(BASE.metadata.tables)} tables{later}** | "
                 + " | ".join(f"**{t}**" for t in totals) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(coverage_table())
