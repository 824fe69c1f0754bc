"""``python -m checks`` (and ``make check``): audit a TERP database.

    python -m checks [--url URL] [--schema DATE] [--select PATTERN ...] [--exclude PATTERN ...]
                     [--format table|json|junit] [--sample N] [--list]

The database is --url, else SEED_DATABASE_URL, else the embedded
var/terp.sqlite.  The checks are those of the TERP schema version the
database holds (recognised, as the seeds do), or of --schema DATE; --list
without --schema lists the newest version's.  PATTERN: a check name (globs allowed), tag:NAME or
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
from checks.runner import database_view, row_counts, run, select
from terpseed import target as T
from terpseed.errors import SeedError
from terpseed.schema.versions import VERSIONS
from terpseed.schema_view import view

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="database URL (else SEED_DATABASE_URL, else var/terp.sqlite)")
    parser.add_argument("--schema", choices=[v.date for v in VERSIONS], metavar="DATE",
                        help="the TERP schema version whose checks run (default: the database's)")
    parser.add_argument("--select", action="append", default=[], metavar="PATTERN")
    parser.add_argument("--exclude", action="append", default=[], metavar="PATTERN")
    parser.add_argument("--format", choices=["table", "json", "junit"], default="table")
    parser.add_argument("--sample", type=int, default=5, help="offending rows shown per failing check")
    parser.add_argument("--list", action="store_true", help="list the checks and exit")
    args = parser.parse_args(argv)
    console = Console(soft_wrap=True)
    err = Console(stderr=True, soft_wrap=True)
    if args.list:
        for c in select(all_checks(view(args.schema)), args.select, args.exclude):
            sys.stdout.write(f"{c.name}\t{c.severity}\t{','.join(c.tags)}\t{c.description}\n")
        return 0
    if not select(all_checks(view(args.schema)), args.select, args.exclude) and \
            not any(select(all_checks(view(v.date)), args.select, args.exclude) for v in VERSIONS):
        err.print(f"FAILED: no check matches {args.select}; try --list", markup=False)
        return 2
    try:
        target = T.resolve(args.url, ROOT)
        if target.backend == "sqlite" and not Path(target.url.database or "").exists():
            raise SeedError(f"{target.shown} does not exist; seed it first (make seed) or pass --url")
        engine = T.create_engine(target)
        with T.connect(engine, target) as connection:
            schema = view(args.schema) if args.schema else database_view(connection)
            checks = select(all_checks(schema), args.select, args.exclude)
            if not checks:
                raise SeedError(f"no check of TERP's schema of {schema.date} matches {args.select};"
                                f" try --list --schema {schema.date}")
            results = run(connection, checks, args.sample, schema)
            counts = row_counts(connection, schema)
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
