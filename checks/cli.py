"""``python -m checks`` (and ``make check``): audit a TERP database.

    python -m checks [--url URL] [--select PATTERN ...] [--exclude PATTERN ...]
                     [--format table|json|junit] [--sample N] [--list]

The database is --url, else SEED_DATABASE_URL, else the embedded
var/terp.sqlite.  PATTERN: a check name (globs allowed), tag:NAME or
severity:error|warning.  Exit status: 0 when no error-severity check fails,
1 when one does, 2 when the checks could not run.  The session is read-only:
nothing is ever written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from checks import report
from checks.library import all_checks
from checks.runner import checks_for, row_counts, run, select
from terpseed import target as T
from terpseed.errors import SeedError
from terpseed.schema.versions import latest

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="database URL (else SEED_DATABASE_URL, else var/terp.sqlite)")
    parser.add_argument("--select", action="append", default=[], metavar="PATTERN")
    parser.add_argument("--exclude", action="append", default=[], metavar="PATTERN")
    parser.add_argument("--format", choices=["table", "json", "junit"], default="table")
    parser.add_argument("--sample", type=int, default=5, help="offending rows shown per failing check")
    parser.add_argument("--list", action="store_true", help="list the checks and exit")
    args = parser.parse_args(argv)
    console = Console(soft_wrap=True)
    err = Console(stderr=True, soft_wrap=True)
    # the first and the newest TERP version's checks: what --list shows and a pattern may name
    known = select(all_checks(), args.select, args.exclude)
    known += [c for c in select(all_checks(latest().metadata), args.select, args.exclude)
              if c.name not in {k.name for k in known}]
    checks = known
    if args.list:
        for c in checks:
            sys.stdout.write(f"{c.name}\t{c.severity}\t{','.join(c.tags)}\t{c.description}\n")
        return 0
    if not checks:
        err.print(f"FAILED: no check matches {args.select}; try --list", markup=False)
        return 2
    try:
        target = T.resolve(args.url, ROOT)
        if target.backend == "sqlite" and not Path(target.url.database or "").exists():
            raise SeedError(f"{target.shown} does not exist; seed it first (make seed) or pass --url")
        engine = T.create_engine(target)
        with T.connect(engine, target) as connection:
            # the checks of the version the database holds
            checks = select(checks_for(connection), args.select, args.exclude)
            results = run(connection, checks, args.sample)
            counts = row_counts(connection)
        engine.dispose()
    except SeedError as exc:
        err.print(f"FAILED: {exc}", markup=False)
        return 2
    if args.format == "json":
        sys.stdout.write(report.as_json(results, counts, target.shown) + "\n")
    elif args.format == "junit":
        sys.stdout.write(report.as_junit(results, target.shown))
    else:
        report.as_table(results, counts, console, target.shown)
    failed_errors = any(not r.passed and r.check.severity == "error" for r in results)
    return 1 if failed_errors else 0
