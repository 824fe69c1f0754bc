"""Print the skeleton of a seed generator for a table, every column listed.

    python tools/new_seed_table.py TABLE

The columns are those of the first TERP schema version that has the table
(terpseed/schema/versions.py), in DDL order: a generator writes that
version's names and values, and later versions are projections of its rows
(terpseed/schema_view.py).  Paste the function into the domain's module in
generators/, fill the values, and add ``Step("TABLE", module.TABLE)`` to a
seed revision; the shared template (templates/_insert.sql.j2) writes the
rows.  See README.md, "Adding a table".
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from terpseed.schema_view import origin  # noqa: E402


def skeleton(table: str) -> str:
    first = origin(table)
    columns = "\n".join(f'            "{c.name}": None,' for c in first.metadata.tables[table].c if c.name != "id")
    return (
        f"def {table}(ctx):\n"
        f'    """{table} (TERP {first.date} and later): what the rows are."""\n'
        f"    rows = []\n"
        f"    for n in range(1, ctx.scaled(10) + 1):\n"
        f"        rows.append({{\n"
        f'            "id": ctx.id(n),\n{columns}\n'
        f"        }})\n"
        f"    return rows\n"
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2 or origin(argv[1]) is None:
        print(__doc__, file=sys.stderr)
        return 2
    sys.stdout.write(skeleton(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
