"""Write the README's list of integrity checks, from the checks themselves.

    python tools/checks_doc.py           # print it
    python tools/checks_doc.py --write   # update README.md between its markers

The hand-written checks come with their headers; the generated families are
counted from the maps they come from.  tests/test_docs.py fails when the
README's list is stale.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.library import all_checks, library_checks  # noqa: E402

README = ROOT / "README.md"
MARKERS = ("<!-- checks:start -->", "<!-- checks:end -->")
FAMILIES = {
    "fk": "declared foreign key: the row it names exists",
    "ref": "undeclared reference (terpseed/relations.py): the row it names exists",
    "poly": "polymorphic type/id pair: a known type, and a row of its table",
    "vocab": "varchar with a known vocabulary (terpseed/vocabulary.py): no other value",
    "numeric": "money or quantity kept as text: parses as a number",
    "json": "JSON column stored as TERP's readers need (terpseed/vocabulary.py): S or native",
}
WARNINGS = ("vocab", "json")


def first_version(columns: tuple[str, ...]) -> str:
    """The first TERP version that has every one of ``columns`` (table.column)."""
    from terpseed.schema.versions import VERSIONS

    for v in VERSIONS:
        tables = v.metadata.tables
        if all(t in tables and c in tables[t].c for t, c in (key.split(".") for key in columns)):
            return v.date
    raise ValueError(f"no TERP version has all of {columns}")


def checks_doc() -> str:
    lines = ["| check | severity | tables | what a failure means |", "|---|---|---|---|"]
    for c in library_checks():
        since = f" *From TERP {first_version(c.requires)}.*" if c.requires else ""
        lines.append(f"| `{c.name}` | {c.severity} | {', '.join(c.tables)} | {c.description}{since} |")
    counts = Counter(c.name.split("__")[0] for c in all_checks() if "__" in c.name)
    for prefix, what in FAMILIES.items():
        lines.append(f"| `{prefix}__TABLE__COLUMN` ({counts[prefix]} checks) | "
                     f"{'warning' if prefix in WARNINGS else 'error'} | the column's table | {what} |")
    lines.append("| `empty_tables` | warning | every table of the database's TERP version but those empty by"
                 " design | a TERP table with no rows, named 'seeded' or 'not seeded yet' (the tables"
                 " empty by design, terpseed/vocabulary.py, are not reported) |")
    return "\n".join(lines)


def readme_with_checks(text: str) -> str:
    block = f"{MARKERS[0]}\n{checks_doc()}\n{MARKERS[1]}"
    return re.sub(re.escape(MARKERS[0]) + ".*?" + re.escape(MARKERS[1]), lambda _m: block, text, flags=re.S)


if __name__ == "__main__":
    if "--write" in sys.argv:
        README.write_text(readme_with_checks(README.read_text(encoding="utf-8")), encoding="utf-8")
        print("wrote the checks list in README.md")
    else:
        print(checks_doc())
