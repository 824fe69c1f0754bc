"""Every way a run can fail, as one ``FAILED:`` line on stderr and exit status 1.

Alembic prints its ``CommandError`` as ``FAILED: ...`` on *stdout* and exits
with status 255; a database error would end in a traceback.  The chains'
``env.py`` runs inside ``reported_failures()``, which turns each of them into
one line on stderr (so ``--sql > file`` never hides it in the SQL) and exit
status 1, as the README documents:

* a problem the user can fix (``SeedError``, Alembic's ``CommandError``);
* a statement the database refused while a revision ran (``StatementFailed``:
  which revision, which table, what the database said, which revisions were
  committed before it; the revision itself rolled back);
* any other database error (a lost connection...);
* standard output closed early (``--sql | head``): the SQL is incomplete;
* an interrupt (Ctrl-C, exit status 130): the running revision rolled back.

Passwords never appear: URLs are shown with ``***`` and a database's error
text is cut to its first line.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator

import sqlalchemy as sa
from alembic.util import CommandError

EXIT_REFUSED = 1
EXIT_INTERRUPTED = 130


class StatementFailed(Exception):
    """The database refused a statement of a revision (it rolled back)."""

    def __init__(self, direction: str, revision: str, table: str, error: BaseException,
                 committed: list[str]):
        super().__init__(f"{direction} {revision} failed on {table}")
        self.direction, self.revision, self.table = direction, revision, table
        self.error, self.committed = error, committed

    def line(self) -> str:
        done = (f"committed before it: {', '.join(self.committed)}" if self.committed
                else "no revision was committed by this run")
        return (f"{self.direction} {self.revision} failed on table {self.table}: {database_says(self.error)};"
                f" nothing of {self.revision} was written (it rolled back), {done}."
                f" Fix the cause, then run the same command again to resume from there"
                f" (alembic -c seed.ini current shows where the seeds stand)")


def database_says(error: BaseException) -> str:
    """The first line of what the database said, without SQLAlchemy's dressing."""
    orig = getattr(error, "orig", None) or error
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return text


def fail(message: str, status: int = EXIT_REFUSED) -> None:
    sys.stderr.write(f"FAILED: {message}\n")
    sys.stderr.flush()
    raise SystemExit(status)


@contextlib.contextmanager
def reported_failures() -> Iterator[None]:
    try:
        yield
    except StatementFailed as failure:
        fail(failure.line())
    except CommandError as error:  # SeedError and Alembic's own
        fail(str(error))
    except sa.exc.DBAPIError as error:
        fail(f"the database refused a statement: {database_says(error)}; nothing more was written")
    except BrokenPipeError:
        _silence_stdout()
        fail("standard output was closed before the SQL was complete (a pipe ended early);"
             " the script is incomplete: write it to a file to review it whole")
    except KeyboardInterrupt:
        fail("interrupted; the revision in progress rolled back (alembic -c seed.ini current"
             " shows where the seeds stand)", EXIT_INTERRUPTED)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush of
    what is left in its buffer does not fail on the closed pipe again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
