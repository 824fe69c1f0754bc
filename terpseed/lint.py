"""``make lint``: sqlfluff over the seed templates and the SQL they render.

1. ``templates/`` and the checks (``checks/sql``) through sqlfluff's Jinja
   templater (configured in .sqlfluff, with lint-time stand-ins for the
   renderer's functions);
2. the review SQL of the light scenario (MySQL dialect, upgrade and
   downgrade), rendered with no database, statement by statement.  Alembic's
   own bookkeeping (the seed_version table, BEGIN/COMMIT) and the record
   tables' CREATE TABLE are SQLAlchemy's output, not this repository's, and
   are left out; the record's statements (templates/record/) are linted.

Exits non-zero when sqlfluff finds anything.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "lint"
# Alembic's own statements (its version table, its transactions) and the
# record tables' DDL, compiled by SQLAlchemy: not this repository's SQL.
BOOKKEEPING = ("BEGIN", "COMMIT", "CREATE TABLE IF NOT EXISTS seed_", "CREATE INDEX IF NOT EXISTS ix_seed_",
               "UPDATE seed_version", "INSERT INTO seed_version", "DELETE FROM seed_version")


def render_review_sql(scenario: str = "light") -> dict[str, str]:
    """{name: SQL} of the upgrade and downgrade scripts, bookkeeping removed."""
    scripts = {}
    for name, fn, target in (("upgrade", command.upgrade, "head"),
                             ("downgrade", command.downgrade, "head:base")):
        buffer = io.StringIO()
        cfg = Config(str(ROOT / "seed.ini"), output_buffer=buffer)
        cfg.cmd_opts = type("Opts", (), {"x": [f"scenario={scenario}"]})()
        fn(cfg, target, sql=True)
        kept = []
        for statement in buffer.getvalue().split(";\n\n"):
            body = "\n".join(l for l in statement.splitlines() if not l.startswith("--")).strip()
            if body and not body.startswith(BOOKKEEPING):
                kept.append(body + ";")
        scripts[f"{scenario}-mysql-{name}.sql"] = "\n\n".join(kept) + "\n"
    return scripts


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, sql in render_review_sql().items():
        path = OUT / name
        path.write_text(sql, encoding="utf-8")
        paths.append(str(path.relative_to(ROOT)))
    sqlfluff = [sys.executable, "-m", "sqlfluff", "lint", "--disable-progress-bar"]
    templates = subprocess.run([*sqlfluff, "templates", "checks/sql"], cwd=ROOT)
    rendered = subprocess.run(
        [*sqlfluff, "--templater", "raw", "--disregard-sqlfluffignores", *paths], cwd=ROOT)
    return 1 if templates.returncode or rendered.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
