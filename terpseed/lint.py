"""``make lint``: sqlfluff over the seed templates and the SQL they render.

1. ``templates/`` and the checks (``checks/sql``) through sqlfluff's Jinja
   templater (configured in .sqlfluff, with lint-time stand-ins for the
   renderer's functions);
2. the review SQL of the light scenario (MySQL dialect, upgrade and
   downgrade), rendered with no database, statement by statement, each
   multi-row INSERT and CASE on its first rows (``sampled``), and each
   statement shape once (``shape``: the revisions repeat the record's
   statements, the tables the same INSERT over other columns).  Alembic's
   own bookkeeping (the seed_version table, BEGIN/COMMIT) and the record
   tables' CREATE TABLE are SQLAlchemy's output, not this repository's, and
   are left out; the record's statements (templates/record/) are linted.

Exits non-zero when sqlfluff finds anything.
"""

from __future__ import annotations

import io
import re
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
        kept, shapes = [], set()
        for statement in buffer.getvalue().split(";\n\n"):
            body = "\n".join(l for l in statement.splitlines() if not l.startswith("--")).strip()
            if body and not body.startswith(BOOKKEEPING):
                body = sampled(body)
                if (seen := shape(body)) not in shapes:
                    shapes.add(seen)
                    kept.append(body + ";")
        scripts[f"{scenario}-mysql-{name}.sql"] = "\n\n".join(kept) + "\n"
    return scripts


SAMPLE_ROWS = 3
ROW_SEPARATOR = "),\n("           # between the rows of a multi-row INSERT (terpseed.render)
WHEN_SEPARATOR = "\n        WHEN "  # between the WHENs of an UPDATE's CASE (SqlRenderer.case_assignments)
_CASE = re.compile(r"(CASE [^\n]*\n        WHEN .*?)(\n    END)", re.S)


def sampled(statement: str) -> str:
    """The statement with the rows of a multi-row INSERT and the WHENs of an
    UPDATE's CASE cut to their first SAMPLE_ROWS.  Each of them is rendered
    by the same code, so the first ones show the statement's shape to
    sqlfluff; the values are checked where they are made (the renderer, the
    database), not by lint.  sqlfluff spends most of its time parsing rows:
    the light scenario's 5,000 took it over a minute, a sample seconds.  Cut
    at the renderer's own separators, never at a line: a value may hold one."""
    head, found, rest = statement.partition("\nVALUES\n(")
    if found:
        tail_at = min((i for i in (rest.rfind(")\nON DUPLICATE KEY"), rest.rfind(")\nON CONFLICT")) if i >= 0),
                      default=len(rest) - 1)
        rows = rest[:tail_at].split(ROW_SEPARATOR)
        statement = head + found + ROW_SEPARATOR.join(rows[:SAMPLE_ROWS]) + rest[tail_at:]
    return _CASE.sub(lambda m: WHEN_SEPARATOR.join(m.group(1).split(WHEN_SEPARATOR)[:SAMPLE_ROWS + 1])
                     + m.group(2), statement)


_LITERAL = re.compile(r"'(?:[^'\\]|\\.|'')*'|`[^`]*`|\b\d+(?:\.\d+)?\b|\b[a-z_][A-Za-z0-9_]*\b")
_NAME_LIST = re.compile(r"x(?:\.x)?(?: = VALUES \(x\))?(?:, x(?:\.x)?(?: = VALUES \(x\))?)+")


def shape(statement: str) -> str:
    """The statement with its names and literals generalised: each quoted
    text becomes 's', each number 0, each name (quoted, or in lower or mixed
    case: keywords are upper case) x, and a list of names one x.  What the
    layout rules judge is left: keywords, punctuation, line breaks, and
    which kind of value stands where (a text, a number, NULL, true)."""
    def general(match: re.Match) -> str:
        token = match.group(0)
        if token[0] == "'":
            return "'s'"
        if token[0].isdigit():
            return "0"
        return token if token in ("true", "false") else "x"

    return _NAME_LIST.sub("xs", _LITERAL.sub(general, statement))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, sql in render_review_sql().items():
        path = OUT / name
        path.write_text(sql, encoding="utf-8")
        paths.append(str(path.relative_to(ROOT)))
    sqlfluff = [sys.executable, "-m", "sqlfluff", "lint", "--disable-progress-bar"]
    # the two runs at once, one a core; each one's report printed whole when it ends
    runs = [subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for args in ([*sqlfluff, "templates", "checks/sql"],
                         [*sqlfluff, "--templater", "raw", "--disregard-sqlfluffignores", *paths])]
    failed = False
    for run in runs:
        report, _ = run.communicate()
        sys.stdout.write(report)
        failed = failed or run.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
