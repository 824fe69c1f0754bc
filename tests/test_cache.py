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
from terpseed.params import parse_seed_params
from tests.support import ROOT, alembic_ok, counts, run_alembic, snapshot

LIGHT = ("-x", "scenario=light", "-x", "quiet=true")


def render(cache_dir: Path, *x: str) -> str:
    return alembic_ok(*LIGHT, *x, "upgrade", "head", "--sql", env={C.DIR_ENV: str(cache_dir)})


def key_dirs(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.iterdir() if p.is_dir()) if cache_dir.exists() else []


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
    assert "/* replayed */ INSERT" in replayed
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
        records[chunk] = (sql.replace("INSERT", "DELETE", 1), table, rows, crc)
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
    template = copy / "templates" / "seed" / "clients.sql.j2"
    template.write_text(template.read_text() + "\n", encoding="utf-8")
    assert C.code_fingerprint(copy) != C.code_fingerprint(ROOT)


def test_only_the_most_recently_used_keys_are_kept(cache_dir):
    for seed in range(C.KEEP + 2):
        render(cache_dir, "-x", f"seed={seed}")
    kept = key_dirs(cache_dir)
    assert len(kept) == C.KEEP
    params = parse_seed_params({"scenario": "light", "seed": str(C.KEEP + 1)})
    latest = C.PlanCache.open(params.describe(), cache_dir)
    assert latest.root in kept


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
