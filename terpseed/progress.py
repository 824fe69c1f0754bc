"""What a seed run shows while it works: each revision and table, rows
written, rate and time left.

On a terminal (stderr is a TTY) a rich display: one bar per table of the
running revision, replaced by one summary line when the revision is done.
Elsewhere (CI, pipes, files) only the summary lines.  ``-x quiet=true``
shows nothing.  It all goes to stderr: offline, stdout is the SQL.

``advance`` is called from the thread that writes to the database, the rest
from the thread that renders; rich's Progress takes its own lock, the plain
counters are only read after the writer has finished.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn,
                           TimeRemainingColumn)


class SilentProgress:
    """``-x quiet=true``: shows nothing."""

    def start_revision(self, direction: str, revision: str) -> None:
        pass

    def start_table(self, name: str, total: int) -> None:
        pass

    def advance(self, name: str, rows: int) -> None:
        pass

    def end_revision(self, failed: bool = False) -> None:
        pass


class PlainProgress(SilentProgress):
    """One line per revision: what it did, how many rows, how fast."""

    VERBS = {"upgrade": "wrote", "downgrade": "deleted"}

    def __init__(self, stream: TextIO, offline: bool = False):
        self.stream = stream
        self.offline = offline
        self._started = 0.0
        self._tables: dict[str, int] = {}

    def start_revision(self, direction: str, revision: str) -> None:
        self.direction, self.revision = direction, revision
        self._tables = {}
        self._started = time.perf_counter()

    def start_table(self, name: str, total: int) -> None:
        self._tables.setdefault(name, 0)

    def advance(self, name: str, rows: int) -> None:
        self._tables[name] = self._tables.get(name, 0) + rows

    def summary(self, failed: bool = False) -> str:
        seconds = time.perf_counter() - self._started
        rows = sum(self._tables.values())
        verb = "rendered" if self.offline else self.VERBS[self.direction]
        rate = f", {rows / seconds:,.0f} rows/s" if seconds > 0 and rows else ""
        state = "FAILED after" if failed else "done:"
        return (f"{self.direction} {self.revision} {state} {verb} {rows:,} rows"
                f" in {len(self._tables)} tables, {seconds:.1f} s{rate}")

    def end_revision(self, failed: bool = False) -> None:
        self.stream.write(self.summary(failed) + "\n")
        self.stream.flush()


class LiveProgress(PlainProgress):
    """On a terminal: a bar per table (rows, rate, time left) while the
    revision runs, then its summary line."""

    def __init__(self, stream: TextIO, offline: bool = False):
        super().__init__(stream, offline)
        self.console = Console(file=stream)
        self._bars: Progress | None = None
        self._tasks: dict[str, tuple[TaskID, float]] = {}

    def start_revision(self, direction: str, revision: str) -> None:
        super().start_revision(direction, revision)
        self._bars = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(), console=self.console, transient=True)
        self._tasks = {}
        self._bars.start()

    def start_table(self, name: str, total: int) -> None:
        super().start_table(name, total)
        self._tasks[name] = (self._bars.add_task(f"{self.revision} {name}", total=total, rate=""),
                             time.perf_counter())

    def advance(self, name: str, rows: int) -> None:
        super().advance(name, rows)
        task, started = self._tasks[name]
        seconds = time.perf_counter() - started
        rate = f"{self._tables[name] / seconds:,.0f} rows/s" if seconds > 0 else ""
        self._bars.update(task, advance=rows, rate=rate)

    def end_revision(self, failed: bool = False) -> None:
        if self._bars is not None:
            self._bars.stop()
            self._bars = None
        self.console.print(self.summary(failed), highlight=False)


def progress_for(quiet: bool, offline: bool, stream: TextIO | None = None) -> SilentProgress:
    stream = stream or sys.stderr
    if quiet:
        return SilentProgress()
    if stream.isatty():
        return LiveProgress(stream, offline)
    return PlainProgress(stream, offline)
