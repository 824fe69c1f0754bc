"""Draw the seed plan: revisions, the tables each seeds, the references between them.

    python tools/seed_graph.py            # print the Mermaid chart
    python tools/seed_graph.py --write    # update README.md and docs/seed-plan.dot

Drawn from the seed revisions' STEPS and the relationship map
(terpseed/relations.py), in chain order (which is foreign-key tier order);
declared foreign keys are solid arrows, undeclared references dashed.
tests/test_docs.py fails when the committed drawings are stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic.config import Config  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402

from terpseed import relations  # noqa: E402
from terpseed.world import Step  # noqa: E402

README = ROOT / "README.md"
DOT = ROOT / "docs" / "seed-plan.dot"
MARKERS = ("<!-- graph:start -->", "<!-- graph:end -->")


def plan() -> list[tuple[str, str, list[str]]]:
    """(revision, first line of its message, [tables in step order]), base first."""
    script = ScriptDirectory.from_config(Config(str(ROOT / "seed.ini")))
    return [
        (sc.revision, (sc.doc or "").strip().split(":")[0],
         [step.table for step in getattr(sc.module, "STEPS", ()) if isinstance(step, Step)])
        for sc in reversed(list(script.walk_revisions()))
    ]


def edges(seeded: set[str]) -> list[relations.Reference]:
    seen, out = set(), []
    for ref in relations.references():
        pair = (ref.table, ref.target_table, ref.declared)
        if ref.table in seeded and ref.target_table in seeded and ref.table != ref.target_table \
                and pair not in seen:
            seen.add(pair)
            out.append(ref)
    return sorted(out, key=lambda r: (r.table, r.target_table, not r.declared))


def _tier(tiers: dict[str, int], table: str) -> str:
    """A table's foreign-key tier; a table of a later TERP version, the version
    it comes with (the relationship map is the first version's)."""
    if table in tiers:
        return f"tier {tiers[table]}"
    from terpseed.schema_view import origin

    return f"TERP {origin(table).date} on"


def mermaid() -> str:
    tiers = relations.tiers()
    steps = plan()
    seeded = {t for _r, _m, tables in steps for t in tables}
    lines = ["flowchart LR"]
    for revision, title, tables in steps:
        lines.append(f'    subgraph r{revision}["{revision}: {title}"]')
        lines += [f'        {t}["{t} ({_tier(tiers, t)})"]' for t in tables]
        lines.append("    end")
    for ref in edges(seeded):
        lines.append(f"    {ref.table} {'-->' if ref.declared else '-.->'} {ref.target_table}")
    return "\n".join(lines)


def dot() -> str:
    tiers = relations.tiers()
    steps = plan()
    seeded = {t for _r, _m, tables in steps for t in tables}
    lines = ["digraph seed_plan {", "    rankdir=LR;", "    node [shape=box, fontname=Helvetica];"]
    for revision, title, tables in steps:
        lines.append(f'    subgraph "cluster_{revision}" {{')
        lines.append(f'        label="{revision}: {title}";')
        lines += [f'        "{t}" [label="{t}\\n{_tier(tiers, t)}"];' for t in tables]
        lines.append("    }")
    for ref in edges(seeded):
        style = "" if ref.declared else " [style=dashed]"
        lines.append(f'    "{ref.table}" -> "{ref.target_table}"{style};')
    lines.append("}")
    return "\n".join(lines) + "\n"


def readme_with_graph(text: str) -> str:
    block = f"{MARKERS[0]}\n```mermaid\n{mermaid()}\n```\n{MARKERS[1]}"
    return re.sub(re.escape(MARKERS[0]) + ".*?" + re.escape(MARKERS[1]), lambda _m: block, text, flags=re.S)


def main(argv: list[str]) -> int:
    if "--write" not in argv:
        print(mermaid())
        return 0
    DOT.parent.mkdir(exist_ok=True)
    DOT.write_text(dot(), encoding="utf-8")
    README.write_text(readme_with_graph(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {DOT.relative_to(ROOT)} and the chart in README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
