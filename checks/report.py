"""The checks' findings as a terminal table, JSON, or JUnit XML."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from decimal import Decimal

from rich.console import Console
from rich.table import Table

from checks.runner import Result


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _sample(result: Result) -> list[dict]:
    return [{c: _plain(v) for c, v in zip(result.columns, row)} for row in result.sample]


def summary(results: list[Result]) -> dict:
    failed = [r for r in results if not r.passed]
    return {"checks": len(results), "passed": len(results) - len(failed),
            "failed_errors": sum(1 for r in failed if r.check.severity == "error"),
            "failed_warnings": sum(1 for r in failed if r.check.severity == "warning"),
            "seconds": round(sum(r.seconds for r in results), 3)}


def as_json(results: list[Result], counts: dict[str, int], database: str) -> str:
    """``database``: the audited database's URL as shown (password as ***)."""
    return json.dumps({
        "database": database,
        "summary": summary(results),
        "checks": [{"name": r.check.name, "severity": r.check.severity, "tags": list(r.check.tags),
                    "tables": list(r.check.tables), "description": r.check.description,
                    "passed": r.passed, "rows": r.count, "sample": _sample(r),
                    "seconds": round(r.seconds, 4)} for r in results],
        "row_counts": counts,
    }, indent=2, sort_keys=False)


def as_junit(results: list[Result], database: str) -> str:
    s = summary(results)
    suite = ET.Element("testsuite", name="terp-checks", tests=str(s["checks"]),
                       failures=str(s["failed_errors"] + s["failed_warnings"]), errors="0",
                       time=f"{s['seconds']:.3f}")
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="database", value=database)
    for r in results:
        case = ET.SubElement(suite, "testcase", classname=f"checks.{r.check.severity}", name=r.check.name,
                             time=f"{r.seconds:.4f}")
        if not r.passed:
            failure = ET.SubElement(case, "failure", type=r.check.severity,
                                    message=f"{r.count} offending row(s): {r.check.description}")
            failure.text = json.dumps(_sample(r), indent=1)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def as_table(results: list[Result], counts: dict[str, int], console: Console, database: str) -> None:
    table = Table(title=f"TERP integrity checks of {database}", show_lines=False)
    for column in ("check", "severity", "result", "rows", "seconds"):
        table.add_column(column, justify="right" if column in ("rows", "seconds") else "left")
    for r in results:
        verdict = "[green]pass[/]" if r.passed else ("[red]FAIL[/]" if r.check.severity == "error"
                                                     else "[yellow]warn[/]")
        table.add_row(r.check.name, r.check.severity, verdict, str(r.count), f"{r.seconds:.3f}")
    console.print(table)
    for r in results:
        if r.passed:
            continue
        console.print(f"\n[bold]{r.check.name}[/] ({r.check.severity}): {r.check.description}")
        sample = Table(*r.columns, title=f"{r.count} row(s), first {len(r.sample)}")
        for row in r.sample:
            sample.add_row(*(str(_plain(v)) for v in row))
        console.print(sample)
    empty = [t for t, n in counts.items() if n == 0]
    console.print(f"\n{len(counts)} tables, {sum(counts.values()):,} rows; {len(empty)} empty"
                  + (f": {', '.join(empty)}" if empty else ""))
    s = summary(results)
    colour = "red" if s["failed_errors"] else ("yellow" if s["failed_warnings"] else "green")
    console.print(f"[{colour}]{s['passed']} passed, {s['failed_errors'] + s['failed_warnings']} failed[/]"
                  f" ({s['failed_errors']} errors, {s['failed_warnings']} warnings) in {s['seconds']:.1f} s")
