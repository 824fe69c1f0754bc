"""Add TERP's next schema version: model, declarations skeleton, revision, registry line.

    python tools/new_schema_version.py DATE COMMIT [--ddl PATH] [--mysql URL]

DATE is the snapshot's date (YYYY-MM-DD), COMMIT TERP's commit it was exported
from; the DDL file defaults to ../shared/terp/schema-DATE.sql, the server to
TEST_MYSQL_URL (else root@127.0.0.1:3306).  It writes

* terpseed/schema/terp_DATE.py: the model, by tools/schema_codegen.py;
* terpseed/schema/changes_DATE.py: the step's declarations, empty, with every
  removal the diff from the latest version finds listed as a TODO (declare
  each a rename or a real drop; add TERP's data conversions);
* schema/versions/NNNN_terp_DATE.py: the revision (a few lines calling
  terpseed/schema/evolve.py);
* the version's line in terpseed/schema/versions.py.

Then fill in the declarations and run the tests (README, "Adding TERP's next schema").
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from terpseed.schema.versions import SchemaVersion, latest  # noqa: E402

MARKER = "    # tools/new_schema_version.py adds the next version above this line"

REVISION = '''"""TERP schema of {date} (TERP commit {commit}), from the previous version.

The operations come from diffing the two generated models with the step's
declarations (terpseed/schema/changes_{slug}.py: renames, real drops, TERP's
data conversions) in terpseed/schema/evolve.py.

Revision ID: {revision}
Revises: {down}
"""

from terpseed.schema import changes_{slug} as changes
from terpseed.schema import evolve
from terpseed.schema import terp_{before} as before
from terpseed.schema import terp_{slug} as after

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    evolve.upgrade(before.metadata, after.metadata, changes.CHANGES)


def downgrade() -> None:
    evolve.downgrade(before.metadata, after.metadata, changes.CHANGES)
'''

CHANGES = '''"""TERP's schema step {before} -> {date} (TERP commit {commit}): declarations.

What the diff of the two models cannot know (terpseed/schema/changes.py):
renamed tables, columns and enum values, real drops, and the data conversions
TERP's migrations ran, both ways.  Everything else is derived.
{todo}"""

from terpseed.schema.changes import VersionChanges

CHANGES = VersionChanges(
    version="{date}",
)
'''


def revision_id(number: int, date: str) -> str:
    return f"{number:04d}_terp_{date.replace('-', '_')}"


def revision_text(new: SchemaVersion, before: SchemaVersion) -> str:
    return REVISION.format(date=new.date, commit=new.commit, slug=new.slug, revision=new.revision,
                           down=before.revision, before=before.slug)


def changes_text(new: SchemaVersion, before: SchemaVersion, undeclared: list[str]) -> str:
    todo = "".join(f"\nTODO: {line}" for line in undeclared)
    todo = todo + "\n" if todo else ""
    return CHANGES.format(before=before.date, date=new.date, commit=new.commit, todo=todo)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("date")
    parser.add_argument("commit")
    parser.add_argument("--ddl", type=Path)
    parser.add_argument("--mysql", default=os.environ.get("TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/"))
    args = parser.parse_args(argv)

    import importlib.util

    from terpseed.schema.diff import Renames, step_diff

    before = latest()
    number = int(before.revision[:4]) + 1
    new = SchemaVersion(args.date, args.commit, revision_id(number, args.date))
    ddl = args.ddl or ROOT.parent / "shared" / "terp" / new.ddl
    model = ROOT / "terpseed" / "schema" / f"terp_{new.slug}.py"
    changes = ROOT / "terpseed" / "schema" / f"changes_{new.slug}.py"
    revision = ROOT / "schema" / "versions" / f"{new.revision}.py"
    for path in (model, changes, revision):
        if path.exists():
            raise SystemExit(f"{path.relative_to(ROOT)} exists already")
    if new.date <= before.date:
        raise SystemExit(f"{new.date} is not after the latest version, {before.date}")

    spec = importlib.util.spec_from_file_location("schema_codegen", ROOT / "tools" / "schema_codegen.py")
    codegen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(codegen)
    model.write_text(codegen.generate(ddl, args.mysql), encoding="utf-8")

    spec = importlib.util.spec_from_file_location("_new_model", model)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    undeclared = step_diff(before.metadata, module.metadata, Renames()).undeclared
    changes.write_text(changes_text(new, before, undeclared), encoding="utf-8")
    revision.write_text(revision_text(new, before), encoding="utf-8")

    registry = ROOT / "terpseed" / "schema" / "versions.py"
    line = f'    SchemaVersion("{new.date}", "{new.commit}", "{new.revision}"),\n'
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace(MARKER, line + MARKER), encoding="utf-8")

    for path in (model, changes, revision, registry):
        print(f"wrote {path.relative_to(ROOT)}")
    if undeclared:
        print(f"{len(undeclared)} removals to declare in {changes.relative_to(ROOT)} (renamed or dropped):")
        for problem in undeclared:
            print(f"  {problem}")
    print("next: add TERP's data conversions to the declarations, then run"
          " .venv/bin/python -m pytest tests/test_schema_versions.py tests/test_schema_chain.py")


if __name__ == "__main__":
    main(sys.argv[1:])
