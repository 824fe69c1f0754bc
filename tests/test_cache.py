"""The seed cache (terpseed/cache.py): a warm run gives exactly what a cold
run gives, reads what it kept, and never trusts a damaged or stale entry."""

from __future__ import annotations

import gzip
import pickle
import shutil
import zlib
from pathlib import Path

import pytest

from terpseed import cache as C
from terpseed.chain import cache_key
from terpseed.params import parse_seed_params
from terpseed.schema_view import view
from tests.support import ROOT, alembic_ok, counts, execute, run_alembic, snapshot

LIGHT = ("-x", "scenario=light", "-x", "quiet=true")


def render(cache_dir: Path, *x: str) -> str:
    return alembic_ok(*LIGHT, *x, "upgrade", "head", "--sql", env={C.DIR_ENV: str(cache_dir)})


def key_dirs(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.iterdir() if p.is_dir() and p.name != "templates-bytecode") \
        if cache_dir.exists() else []


def entries(cache_dir: Path, pattern: str) -> list[Path]:
    return sorted(cache_dir.rglob(pattern))


@pytest.fixture
def cache_dir(tmp_path) -> Path:
    return tmp_path / "cache"


def test_warm_run_replays_the_cold_runs_sql_byte_for_byte(cache_dir):
    uncached = render(cache_dir, "-x", "cache=false")
    assert not cache_dir.exists(), "-x cache=false wrote to the cache"
    cold = render(cache_dir)
    assert len(key_dirs(cache_dir)) == 1
    assert entries(cache_dir, "*.upgrade.pickle.gz"), "the cold run cached no statements"
    assert entries(cache_dir, "rows/*.pickle.gz"), "the cold run cached no rows"
    warm = render(cache_dir)
    assert cold == uncached
    assert warm == uncached


def test_warm_run_reads_the_statements_it_kept(cache_dir):
    """Proof that the replay path runs: an entry rewritten by hand (its
    checksums valid) shows up in the output."""
    original = render(cache_dir)
    path = next(p for p in entries(cache_dir, "0002_*.upgrade.pickle.gz"))
    records = list(C._records(path))
    for i, record in enumerate(records):
        if not isinstance(record, tuple) or len(record) != 4:
            continue
        sql = "/* replayed */ " + record[0]
        records[i] = (sql, record[1], record[2], zlib.crc32(sql.encode()))
        break
    C.PlanCache(path.parents[3])._write(path, records)
    replayed = render(cache_dir)
    assert "/* replayed */ " in replayed
    # the same statements but that one, and the header's SHA-256 tells the difference
    def body(sql):
        return [line for line in sql.replace("/* replayed */ ", "").splitlines() if "sha256" not in line]
    assert body(replayed) == body(original)
    assert replayed.count("sha256") == original.count("sha256")
    assert sum(a != b for a, b in zip(replayed.splitlines(), original.splitlines())) == 2


def test_cached_rows_render_the_same_sql(cache_dir):
    """Rows read back from the cache (Decimals, datetimes, JSON, NULLs) render
    exactly what freshly generated rows render."""
    cold = render(cache_dir)
    for folder in entries(cache_dir, "sql"):
        shutil.rmtree(folder)
    assert render(cache_dir) == cold
    assert entries(cache_dir, "*.upgrade.pickle.gz"), "the statements were not cached again"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "bad-checksum"])
def test_a_damaged_entry_is_reported_ignored_and_written_again(cache_dir, damage):
    cold = render(cache_dir)
    path = next(p for p in entries(cache_dir, "0004_*.upgrade.pickle.gz"))
    rows_path = next(p for p in entries(cache_dir, "rows/clients.pickle.gz"))
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        rows_path.write_bytes(rows_path.read_bytes()[:100])
    elif damage == "garbage":
        path.write_bytes(b"not a cache entry")
        rows_path.write_bytes(gzip.compress(pickle.dumps("garbage")))
    else:
        records = list(C._records(path))
        chunk = next(i for i, r in enumerate(records) if len(r) == 4)
        sql, table, rows, crc = records[chunk]
        records[chunk] = (sql + " -- changed", table, rows, crc)
        C.PlanCache(path.parents[3])._write(path, records)
    code, out, err = run_alembic(*LIGHT, "upgrade", "head", "--sql", env={C.DIR_ENV: str(cache_dir)})
    assert code == 0, err
    assert out == cold
    assert "seed cache:" in err
    assert "it is ignored" in err or "fails its checksum" in err
    assert list(C._records(path)), "the damaged entry was not written again"
    assert render(cache_dir) == cold


def test_every_input_is_in_the_key(cache_dir, tmp_path):
    render(cache_dir)
    render(cache_dir, "-x", "seed=7")
    render(cache_dir, "-x", "scale=0.5")
    assert len(key_dirs(cache_dir)) == 3
    # the code: a copy of the sources with one template changed has another fingerprint
    copy = tmp_path / "tree"
    for folder in C.SOURCES:
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    assert C.code_fingerprint(copy) == C.code_fingerprint(ROOT)
    template = copy / "templates" / "_insert.sql.j2"
    template.write_text(template.read_text() + "\n", encoding="utf-8")
    assert C.code_fingerprint(copy) != C.code_fingerprint(ROOT)


def test_only_the_most_recently_used_keys_are_kept(cache_dir, monkeypatch):
    monkeypatch.delenv(C.KEEP_ENV, raising=False)  # the suite keeps more (conftest.py)
    for seed in range(C.KEEP + 2):
        render(cache_dir, "-x", f"seed={seed}")
    kept = key_dirs(cache_dir)
    assert len(kept) == C.KEEP
    params = parse_seed_params({"scenario": "light", "seed": str(C.KEEP + 1)})
    latest = C.PlanCache.open(cache_key(params, view(params.schema)), cache_dir)
    assert latest.root in kept
    assert any((cache_dir / "templates-bytecode").iterdir()), "the compiled templates went with an old key"


def test_compiled_templates_are_kept_and_read_again(cache_dir):
    """Jinja's bytecode cache: a run that renders again (its key gone) loads
    the compiled templates instead of compiling (and so writing) them anew,
    and renders the same SQL."""
    first = render(cache_dir)
    compiled = {p: p.stat().st_mtime_ns for p in (cache_dir / "templates-bytecode").iterdir()}
    assert len(compiled) >= 5  # the shared INSERT, its macros, the delete, the update, the record
    for key in key_dirs(cache_dir):
        shutil.rmtree(key)
    assert render(cache_dir) == first
    assert {p: p.stat().st_mtime_ns for p in (cache_dir / "templates-bytecode").iterdir()} == compiled


def test_a_warm_upgrade_and_downgrade_write_and_remove_the_same_rows(terp_db, cache_dir, tmp_path):
    """Online, on SQLite and MariaDB: the cached plan seeds exactly what an
    uncached one seeds, and the downgrade still removes all of it."""
    env = {C.DIR_ENV: str(cache_dir)}
    empty = counts(terp_db)
    alembic_ok("-x", f"url={terp_db}", *LIGHT, "-x", "cache=false", "upgrade", "head")
    uncached = snapshot(terp_db)
    alembic_ok("-x", f"url={terp_db}", *LIGHT, "-x", "cache=false", "downgrade", "base")
    alembic_ok("-x", f"url={terp_db}", *LIGHT, "upgrade", "head", env=env)  # cold: fills the cache
    alembic_ok("-x", f"url={terp_db}", *LIGHT, "downgrade", "base", env=env)
    assert counts(terp_db) == empty
    assert entries(cache_dir, "*.downgrade.pickle.gz")
    alembic_ok("-x", f"url={terp_db}", *LIGHT, "upgrade", "head", env=env)  # warm
    assert snapshot(terp_db) == uncached
    alembic_ok("-x", f"url={terp_db}", *LIGHT, "downgrade", "base", env=env)
    assert counts(terp_db) == empty


def test_rows_are_stored_by_column_and_come_back_equal_in_type_and_form():
    """terpseed.columns: Decimals keep their exponent, datetimes their
    microseconds, keys their order; NULLs and mixed columns stay as they are."""
    import datetime as dt
    from decimal import Decimal

    from terpseed import columns

    rows = [
        {"id": 1, "amount": Decimal("1.50"), "at": dt.datetime(2025, 1, 1, 9, 30, 0, 250),
         "day": dt.date(2025, 1, 2), "maybe": None, "flag": True, "mixed": 1, "meta": {"b": [1]}},
        {"id": 2, "amount": Decimal("-0.00"), "at": dt.datetime(2025, 12, 31, 23, 59, 59),
         "day": dt.date(2024, 2, 29), "maybe": Decimal("7"), "flag": False, "mixed": Decimal("1"),
         "meta": None},
    ]
    stored = list(columns.encode(rows))  # the names, then one record per column
    kinds = dict(zip(stored[0], (kind for kind, _values in stored[1:])))
    assert kinds == {"id": "", "amount": "Decimal", "at": "datetime", "day": "date", "maybe": "",
                     "flag": "", "mixed": "", "meta": ""}
    back = columns.decode(pickle.loads(pickle.dumps(record)) for record in stored)
    assert back == rows
    assert [list(row) for row in back] == [list(row) for row in rows]
    assert [(str(r["amount"]), type(r["mixed"])) for r in back] == [("1.50", int), ("-0.00", Decimal)]
    assert columns.decode(columns.encode([])) == []
    assert columns.encode([{"a": 1, "b": 2}, {"b": 2, "a": 1}]) is None  # key order differs
    assert columns.encode([{"a": 1, "b": 2}, {"a": 1}]) is None
    same = [{"price": Decimal(text), "day": dt.date(2025, 1, 1)} for text in ("1.50", "1.50", "1.5")]
    shared = columns.decode(columns.encode(same))  # one object per distinct text, exponent kept
    assert shared == same and shared[0]["price"] is shared[1]["price"] is not shared[2]["price"]
    assert shared[0]["day"] is shared[2]["day"] and str(shared[2]["price"]) == "1.5"
    aware = [{"id": 1, "at": dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)}]
    assert columns.decode(columns.encode(aware)) == aware  # not text: kept as the value
    with pytest.raises(ValueError):  # a column short: never taken for rows
        columns.decode(stored[:-1])


def test_the_remembered_drift_answer_never_hides_a_later_change(terp_db, cache_dir):
    """The drift preflight's result is kept under a digest of the live
    schema: the same schema reuses it, a changed one is compared again."""
    env = {C.DIR_ENV: str(cache_dir)}
    url = ("-x", f"url={terp_db}", *LIGHT)
    alembic_ok(*url, "upgrade", "head", env=env)
    alembic_ok(*url, "downgrade", "base", env=env)  # the same schema: the same answer, kept once
    assert len(entries(cache_dir, "derived/drift/*/*.pickle.gz")) == 1
    empty = snapshot(terp_db)
    execute(terp_db, "ALTER TABLE vendors DROP COLUMN notes")
    code, out, err = run_alembic(*url, "upgrade", "head", env=env)
    assert code != 0
    assert "missing column notes (TEXT NULL)" in err and "1 error in 1 table (vendors)" in err
    assert "nothing was written" in out + err
    assert snapshot(terp_db) == empty
    assert len(entries(cache_dir, "derived/drift/*/*.pickle.gz")) == 2


def test_an_entry_of_many_records_reads_back_as_written(tmp_path):
    """Each record is pickled with a fresh memo: a value repeated inside one
    record (a column of equal strings) must not resolve to another record's."""
    shared = "user"
    records = [["id", "role"], ("", [1, 2, 3]), ("", [shared, "admin", shared, shared]), ("x", ["admin", shared])]
    path = tmp_path / "k" / "derived" / "many.pickle.gz"
    C.PlanCache(tmp_path / "k")._write(path, records)
    assert list(C._records(path)) == records


def test_how_many_keys_are_kept_can_be_raised(monkeypatch):
    monkeypatch.delenv(C.KEEP_ENV, raising=False)
    assert C.keep() == C.KEEP
    monkeypatch.setenv(C.KEEP_ENV, "40")
    assert C.keep() == 40
    monkeypatch.setenv(C.KEEP_ENV, "lots")
    assert C.keep() == C.KEEP
