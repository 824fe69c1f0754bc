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
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # rich is imported by the live display only, when it starts
    from rich.progress import Progress, TaskID


class SilentProgress:
    """``-x quiet=true``: shows nothing."""

    def start_revision(self, direction: str, revision: str) -> None:
        pass

    def start_table(self, name: str, total: int, kind: str = "rows") -> None:
        pass

    def advance(self, name: str, rows: int) -> None:
        pass

    def end_revision(self, failed: bool = False) -> None:
        pass


class PlainProgress(SilentProgress):
    """One line per revision: what it did, how many rows, how fast."""

    VERBS = {"upgrade": ("wrote", "filled"), "downgrade": ("deleted", "restored")}

    def __init__(self, stream: TextIO, offline: bool = False):
        self.stream = stream
        self.offline = offline
        self._started = 0.0
        self._tables: dict[str, int] = {}
        self._kinds: dict[str, str] = {}

    def start_revision(self, direction: str, revision: str) -> None:
        self.direction, self.revision = direction, revision
        self._tables = {}
        self._kinds = {}
        self._started = time.perf_counter()

    def start_table(self, name: str, total: int, kind: str = "rows") -> None:
        self._tables.setdefault(name, 0)
        self._kinds[name] = kind

    def advance(self, name: str, rows: int) -> None:
        self._tables[name] = self._tables.get(name, 0) + rows

    def _count(self, kind: str) -> tuple[int, int]:
        """(rows, tables or columns) of one kind of step."""
        names = [n for n, k in self._kinds.items() if k == kind]
        return sum(self._tables.get(n, 0) for n in names), len(names)

    def summary(self, failed: bool = False) -> str:
        """``upgrade 0008_finance done: wrote 25,310 rows in 19 tables, filled
        4,230 rows of 3 updates, 2.1 s, 14,000 rows/s`` (downgrade: deleted,
        restored; offline: rendered).  Rows an Update fills or restores are
        counted apart from the rows inserted or deleted; the seed's own record
        is not counted."""
        seconds = time.perf_counter() - self._started
        rows, tables = self._count("rows")
        updated, updates = self._count("update")
        verb, update_verb = ("rendered", "rendered") if self.offline else self.VERBS[self.direction]
        done = rows + updated
        rate = f", {done / seconds:,.0f} rows/s" if seconds > 0 and done else ""
        state = "FAILED after" if failed else "done:"
        also = f", {update_verb} {updated:,} rows of {updates} updates" if updates else ""
        return (f"{self.direction} {self.revision} {state} {verb} {rows:,} rows"
                f" in {tables} tables{also}, {seconds:.1f} s{rate}")

    def end_revision(self, failed: bool = False) -> None:
        self.stream.write(self.summary(failed) + "\n")
        self.stream.flush()


class LiveProgress(PlainProgress):
    """On a terminal: a bar per table (rows, rate, time left) while the
    revision runs, then its summary line."""

    def __init__(self, stream: TextIO, offline: bool = False):
        from rich.console import Console

        super().__init__(stream, offline)
        self.console = Console(file=stream)
        self._bars: Progress | None = None
        self._tasks: dict[str, tuple[TaskID, float]] = {}

    def start_revision(self, direction: str, revision: str) -> None:
        super().start_revision(direction, revision)
        # Each bar is named by the revision's number and its table, cut to fit,
        # and the bar keeps a fixed width: at 80 columns every part shows (a
        # long name once squeezed the bar to nothing).
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeRemainingColumn)

        self._bars = Progress(
            TextColumn("{task.description}", table_column=_name_column()),
            BarColumn(bar_width=BAR_WIDTH), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(), console=self.console, transient=True)
        self._tasks = {}
        self._bars.start()

    def start_table(self, name: str, total: int, kind: str = "rows") -> None:
        super().start_table(name, total, kind)
        if kind == "record":
            return
        label = f"{self.revision.split('_', 1)[0]} {_fit(name)}"
        self._tasks[name] = (self._bars.add_task(label, total=total, rate=""), time.perf_counter())

    def advance(self, name: str, rows: int) -> None:
        super().advance(name, rows)
        if name not in self._tasks:
            return  # the seed's own record
        task, started = self._tasks[name]
        seconds = time.perf_counter() - started
        rate = f"{self._tables[name] / seconds:,.0f}/s" if seconds > 0 else ""
        self._bars.update(task, advance=rows, rate=rate)

    def end_revision(self, failed: bool = False) -> None:
        if self._bars is not None:
            self._bars.stop()
            self._bars = None
        self.console.print(self.summary(failed), highlight=False)


BAR_WIDTH = 15
NAME_WIDTH = 22  # and the revision's number before it: 27 columns


def _fit(name: str) -> str:
    """A table (or updated columns) name cut to NAME_WIDTH characters."""
    return name if len(name) <= NAME_WIDTH else name[:NAME_WIDTH - 1] + "…"


def _name_column():
    from rich.table import Column

    return Column(width=NAME_WIDTH + 5, no_wrap=True)


def progress_for(quiet: bool, offline: bool, stream: TextIO | None = None) -> SilentProgress:
    stream = stream or sys.stderr
    if quiet:
        return SilentProgress()
    if stream.isatty():
        return LiveProgress(stream, offline)
    return PlainProgress(stream, offline)
