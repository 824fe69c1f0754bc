"""What a run generated and rendered, kept on disk for the next run.

Seeding is a pure function: the same code, scenario, seed, scale and dialect
give the same rows and the same SQL, byte for byte.  So a run keeps what it
computes under ``var/cache/<key>/`` (beside ``var/terp.sqlite``), where the
key is the SHA-256 of every input: the source of ``terpseed/``,
``generators/``, ``templates/`` and ``seeds/``, the versions of Python and of
the packages that shape the output (Faker, SQLAlchemy, Jinja2), and the
scenario, seed and scale.  Change any of them and the key changes: nothing
stale is ever read.  Three kinds of entry:

* ``rows/<table>``: a table's generated rows (and an update step's), read by
  the world instead of running the generator again; stored column by column
  (``terpseed.columns``), which pickles several times faster than rows of
  Decimals and datetimes;
* ``sql/<dialect>/<revision>.<direction>``: a revision's rendered statements,
  replayed instead of rendered again (a downgrade that keeps edited rows
  renders its own);
* ``derived/...``: what the downgrade guard computes from the rows (each
  table's id runs and the fingerprints of its seeded rows), so that a
  downgrade need not read every row back or hash it again.

Beside the keys, ``templates-bytecode/`` holds the compiled SQL templates
(Jinja's own bytecode cache, checked against each template's source), shared
by every key as Python's ``__pycache__`` is.

Entries are written to a temporary file and renamed when complete, and are
gzip streams (whose checksum catches a damaged file): an entry that cannot be
read is reported, ignored and written again.  Only the most recently used
``KEEP`` keys are kept (``TERPSEED_CACHE_KEEP`` to keep more).  ``-x cache=false`` (or ``TERPSEED_CACHE=off``)
neither reads nor writes it; ``TERPSEED_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import shutil
import sys
import tempfile
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Callable, Iterable, Iterator

from terpseed import columns

ROOT = Path(__file__).resolve().parent.parent
DIR_ENV = "TERPSEED_CACHE_DIR"
SWITCH_ENV = "TERPSEED_CACHE"
DEFAULT_DIR = ROOT / "var" / "cache"
KEEP = 3  # keys (scenario, seed, scale and code versions) kept at once (TERPSEED_CACHE_KEEP)
KEEP_ENV = "TERPSEED_CACHE_KEEP"
SOURCES = ("terpseed", "generators", "templates", "seeds")
PACKAGES = ("Faker", "SQLAlchemy", "Jinja2")
FORMAT = 3  # bump when the layout of an entry changes
KEY_LENGTH = 32  # hex digits of a key's folder name
LEVEL = 1  # gzip level: fast; SQL text still shrinks about sixfold


def code_fingerprint(root: Path = ROOT) -> str:
    """SHA-256 of the sources and versions every seeded row and statement depends on."""
    digest = hashlib.sha256(f"terpseed-cache/{FORMAT}/{sys.version}".encode())
    for name in PACKAGES:
        digest.update(f"\0{name}={package_metadata.version(name)}".encode())
    for folder in SOURCES:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".j2", ".sql", ".mako") \
                    and "__pycache__" not in path.parts:
                digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


class NoCache:
    """``-x cache=false``: every read misses, nothing is written."""

    enabled = False
    templates_bytecode: Path | None = None  # where compiled templates are kept (none)

    def load_rows(self, name: str) -> list[dict] | None:
        return None

    def save_rows(self, name: str, rows: list[dict]) -> None:
        pass

    def load_statements(self, dialect: str, revision: str, direction: str) -> Iterator | None:
        return None

    def statements_writer(self, dialect: str, revision: str, direction: str) -> "_Writer | None":
        return None

    def remember(self, entry: str, compute: Callable[[], object]) -> object:
        """A value derived from the rows (the downgrade guard's fingerprints...)."""
        return compute()


class PlanCache(NoCache):
    """The cache of one key: ``var/cache/<key>/``."""

    enabled = True

    def __init__(self, folder: Path):
        self.root = folder
        self._touched = False
        self.templates_bytecode = folder.parent / "templates-bytecode"

    @classmethod
    def open(cls, describe: str, folder: Path | None = None) -> NoCache:
        if os.environ.get(SWITCH_ENV, "").lower() in ("off", "false", "0"):
            return NoCache()
        base = Path(folder or os.environ.get(DIR_ENV) or DEFAULT_DIR)
        key = hashlib.sha256(f"{code_fingerprint()}\0{describe}".encode()).hexdigest()[:KEY_LENGTH]
        return cls(base / key)

    # -- rows ------------------------------------------------------------
    def load_rows(self, name: str) -> list[dict] | None:
        def rows(records: Iterator) -> list[dict]:
            try:
                return columns.decode(records)
            except (ValueError, TypeError, KeyError) as error:
                raise CacheDamaged(f"the seed cache entry {path} does not hold rows"
                                   f" ({error.__class__.__name__}); it is ignored and will be written again")
        path = self.root / "rows" / f"{name}.pickle.gz"
        return self._read(path, rows)

    def save_rows(self, name: str, rows: list[dict]) -> None:
        records = columns.encode(rows)
        if records is not None:  # rows of uneven shape are left to the generator (never the case today)
            self._write(self.root / "rows" / f"{name}.pickle.gz", records)

    def remember(self, entry: str, compute: Callable[[], object]) -> object:
        path = self.root / "derived" / f"{entry}.pickle.gz"
        stored = self._read(path)
        if stored is None:
            stored = compute()
            self._write(path, [stored])
        return stored

    # -- statements ------------------------------------------------------
    def _statements_path(self, dialect: str, revision: str, direction: str) -> Path:
        return self.root / "sql" / dialect / f"{revision}.{direction}.pickle.gz"

    def load_statements(self, dialect: str, revision: str, direction: str) -> Iterator | None:
        """The revision's records as ``runtime`` wrote them, streamed from the
        file (CacheDamaged as soon as one is found wrong); None when there is
        no entry."""
        path = self._statements_path(dialect, revision, direction)
        if not path.exists():
            return None
        self._touch()
        return _records(path)

    def forget_statements(self, dialect: str, revision: str, direction: str) -> None:
        self._statements_path(dialect, revision, direction).unlink(missing_ok=True)

    def statements_writer(self, dialect: str, revision: str, direction: str) -> "_Writer":
        return _Writer(self, self._statements_path(dialect, revision, direction))

    # -- files -----------------------------------------------------------
    def _read(self, path: Path, consume: Callable[[Iterator], object] = lambda records: next(records)):
        """What ``consume`` makes of the entry's records (the first record by
        default); None when there is no entry or it is damaged."""
        if not path.exists():
            return None
        self._touch()
        records = _records(path)
        try:
            value = consume(records)
            for _rest in records:  # read to the end mark: a cut-off entry is damaged
                pass
        except StopIteration:  # no record before the end mark
            warn(f"the seed cache entry {path} is empty; it is ignored and will be written again")
            path.unlink(missing_ok=True)
            return None
        except CacheDamaged as error:
            warn(str(error))
            path.unlink(missing_ok=True)
            return None
        return value

    def _write(self, path: Path, records: Iterable) -> None:
        writer = _Writer(self, path)
        for record in records:
            writer.add(record)
        writer.commit()

    def _touch(self) -> None:
        """Mark this key as used now, and forget the least recently used keys beyond KEEP."""
        if self._touched:
            return
        self._touched = True
        self.root.mkdir(parents=True, exist_ok=True)
        os.utime(self.root)
        others = sorted((p for p in self.root.parent.iterdir()
                         if p.is_dir() and p != self.root and _is_key(p.name)),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        for old in others[keep() - 1:]:
            shutil.rmtree(old, ignore_errors=True)


def keep() -> int:
    """How many keys are kept: KEEP, or TERPSEED_CACHE_KEEP (the test suite, which
    seeds a dozen scenarios and scales, keeps them all)."""
    raw = os.environ.get(KEEP_ENV, "")
    return max(1, int(raw)) if raw.isdigit() else KEEP


def _is_key(name: str) -> bool:
    return len(name) == KEY_LENGTH and all(c in "0123456789abcdef" for c in name)


class CacheDamaged(Exception):
    pass


END = ("end",)


def _records(path: Path) -> Iterator:
    """The records of an entry, up to its end mark; CacheDamaged if it is cut short or corrupt."""
    try:
        with gzip.open(path, "rb") as stream:
            # an unpickler of its own per record: the writer clears its memo after
            # each one, and one unpickler's memo would carry over from record to record
            while (record := pickle.load(stream)) != END:
                yield record
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError) as error:
        raise CacheDamaged(f"the seed cache entry {path} cannot be read ({error.__class__.__name__});"
                           " it is ignored and will be written again") from None


class _Writer:
    """Appends records to a temporary file; ``commit`` puts it in place."""

    def __init__(self, cache: PlanCache, path: Path):
        cache._touch()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        handle, self.temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        self.stream = gzip.GzipFile(fileobj=os.fdopen(handle, "wb"), mode="wb", compresslevel=LEVEL,
                                    mtime=0)
        self.pickler = pickle.Pickler(self.stream, protocol=pickle.HIGHEST_PROTOCOL)

    def add(self, record) -> None:
        self.pickler.dump(record)
        self.pickler.clear_memo()

    def commit(self) -> None:
        self.pickler.dump(END)
        self._close()
        os.replace(self.temporary, self.path)

    def abandon(self) -> None:
        self._close()
        Path(self.temporary).unlink(missing_ok=True)

    def _close(self) -> None:
        fileobj = self.stream.fileobj
        self.stream.close()
        fileobj.close()


def warn(message: str) -> None:
    sys.stderr.write(f"seed cache: {message}\n")
