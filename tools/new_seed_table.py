"""Write the skeleton of a seed template for a table, every column listed.

    python tools/new_seed_table.py TABLE "one line on what the rows are"

The columns come from the schema model (terpseed/schema), in DDL order.  The
template then needs a generator that returns exactly these keys and a Step in
a seed revision; see README.md, "Adding a table".
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from terpseed.schema import metadata  # noqa: E402


def skeleton(table: str, summary: str) -> str:
    columns = "\n".join(f'    "{c.name}",' for c in metadata.tables[table].c)
    return (
        f"{{#- {table}: {summary} -#}}\n"
        '{% from "_macros.sql.j2" import insert %}\n'
        f'{{{{ insert("{table}", [\n{columns}\n], rows) }}}}\n'
    )


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in metadata.tables:
        print(__doc__, file=sys.stderr)
        return 2
    path = ROOT / "templates" / "seed" / f"{argv[1]}.sql.j2"
    if path.exists():
        print(f"{path} exists; not overwriting", file=sys.stderr)
        return 1
    path.write_text(skeleton(argv[1], argv[2]), encoding="utf-8")
    print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
