"""``make bench``: how long seeding takes, against the baselines, in one run.

    python bench/run.py [--scenario full] [--repeat 3] [--per-row] [--scale 1[,10]]

Against a scratch MariaDB database created from the shared DDL (TEST_MYSQL_URL,
default root@127.0.0.1), each operation runs --repeat times; the report gives
medians, rows per second, peak memory (``/usr/bin/time -v``) and ratios
against two baselines measured in the same run, on the very same rows:

* ``load_data``: LOAD DATA LOCAL INFILE of every table, in the seeds' order,
  with the server's default checks (foreign keys checked, as the seeds are);
* ``load_data_unchecked``: the same with ``foreign_key_checks = 0``, as bulk
  loads are often run (and as the seeds decline to: see the README);
* ``replay``: the statements of the rendered plan (``--sql``) sent as they
  are through pymysql, with nothing to generate or render: what the server
  alone needs for this SQL, the floor of any SQL-first seeding;
* ``per_row``: one INSERT per row through SQLAlchemy Core (--per-row; slow).

The operations (OPERATIONS below), each with a seed cache of the benchmark's
own (terpseed/cache.py): the offline render of the whole plan (``--sql``)
cold and warm, ``upgrade head`` into an empty database with nothing cached,
the integrity checks, ``downgrade base``, then the upgrade and downgrade
again with everything cached (what every run after the first is).  Results go to
build/bench/<scenario>-x<scale>.json so runs can be compared.  With several
scales (``--scale 1,10``) it also prints how time and peak memory grow.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

SERVER = os.environ.get("TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/")


def timed(cmd: list[str], stdout: Path | None = None) -> tuple[float, int]:
    """(seconds, peak resident KiB) of a command, via /usr/bin/time -v; its
    output goes to ``stdout`` (a file) or nowhere."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report, \
            open(stdout or os.devnull, "w", encoding="utf-8") as out:
        started = time.perf_counter()
        result = subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *cmd], cwd=ROOT,
                                stdout=out, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{result.stderr[-2000:]}")
        peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read()).group(1))
    return seconds, peak


class Databases:
    def __init__(self):
        self.server = sa.create_engine(SERVER, poolclass=sa.pool.NullPool)
        self.made: list[str] = []

    def fresh(self) -> str:
        from terpseed.ddl import load_ddl
        from tests.support import ddl_path

        name = f"terpseed_bench_{uuid.uuid4().hex[:10]}"
        with self.server.begin() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        self.made.append(name)
        url = sa.engine.make_url(SERVER).set(database=name)
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.begin() as conn:
            load_ddl(conn, ddl_path())
        engine.dispose()
        return url.render_as_string(hide_password=False)

    def drop(self):
        with self.server.begin() as conn:
            for name in self.made:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
        self.server.dispose()


def final_rows(scenario: str, scale: float) -> dict[str, list[dict]]:
    """Every table's rows as the seeds leave them (inserts with the updates applied)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from terpseed.chain import seed_steps
    from terpseed.params import parse_seed_params
    from terpseed.world import Step, World

    steps = seed_steps(ScriptDirectory.from_config(Config(str(ROOT / "seed.ini"))))
    world = World(parse_seed_params({"scenario": scenario, "scale": str(scale)}), steps)
    tables = {step.table: {r["id"]: dict(r) for r in world.rows(step.table)}
              for _rev, step in steps if isinstance(step, Step)}
    for key, (_rev, update) in world.updates.items():
        for row in world.update_rows(key):
            tables[update.table][row["id"]].update(row)
    return {name: list(rows.values()) for name, rows in tables.items()}


def _tsv(value) -> str:
    from terpseed.render import json_text

    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dict, list)):
        value = json_text(value)
    text = str(value) if not isinstance(value, Decimal) else format(value, "f")
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r").replace("\0", "\\0"))


TsvFiles = dict[str, tuple[Path, list[str]]]  # table: (file, its columns)


def tsv_files(tables: dict[str, list[dict]], folder: Path) -> TsvFiles:
    """Every table's rows written as a LOAD DATA file, once for all the loads."""
    files = {}
    for name, rows in tables.items():
        path = folder / f"{name}.tsv"
        columns = list(rows[0]) if rows else []
        with open(path, "w", encoding="utf-8") as out:
            for row in rows:
                out.write("\t".join(_tsv(row[c]) for c in columns) + "\n")
        files[name] = (path, columns)
    return files


def load_data(url: str, files: TsvFiles, checked: bool = True) -> float:
    """Seconds to LOAD DATA LOCAL INFILE every table (``tsv_files``), foreign
    keys checked or not."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={"local_infile": True})
    raw = {"no_parameters": True}
    with engine.begin() as conn:
        started = time.perf_counter()
        conn.exec_driver_sql("SET time_zone = '+00:00'", execution_options=raw)
        conn.exec_driver_sql(f"SET foreign_key_checks = {int(checked)}", execution_options=raw)
        for name, (path, columns) in files.items():
            if columns:
                cols = ", ".join(f"`{c}`" for c in columns)
                conn.exec_driver_sql(f"LOAD DATA LOCAL INFILE '{path}' INTO TABLE `{name}`"
                                     f" CHARACTER SET utf8mb4 ({cols})", execution_options=raw)
        conn.exec_driver_sql("SET foreign_key_checks = 1", execution_options=raw)
        seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def replay(url: str, sql_file: Path) -> float:
    """Seconds to execute the statements of a ``--sql`` file through pymysql
    (one transaction per revision, as the upgrade does)."""
    statements = []
    for text in sql_file.read_text(encoding="utf-8").split(";\n\n"):
        body = "\n".join(line for line in text.splitlines() if not line.startswith("--")).strip()
        if body.rstrip(";"):
            statements.append(body.rstrip(";"))
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    raw = {"no_parameters": True}
    with engine.connect() as conn:
        started = time.perf_counter()
        for statement in statements:
            if statement in ("BEGIN", "COMMIT"):
                conn.commit()
            else:
                conn.exec_driver_sql(statement, execution_options=raw)
        conn.commit()
        seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def per_row(url: str, tables: dict[str, list[dict]]) -> float:
    """Seconds to insert every row with its own INSERT through SQLAlchemy Core."""
    from terpseed.schema import metadata

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        started = time.perf_counter()
        conn.exec_driver_sql("SET time_zone = '+00:00'")
        conn.exec_driver_sql("SET foreign_key_checks = 0")
        for name, rows in tables.items():
            for row in rows:
                conn.execute(metadata.tables[name].insert(), row)
        conn.exec_driver_sql("SET foreign_key_checks = 1")
        seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


OPERATIONS = {  # name: what it measures
    "render_cold": "upgrade head --sql, nothing cached: generate, render, keep in the cache",
    "render_warm": "upgrade head --sql again: the statements replayed from the cache",
    "upgrade_cold": "upgrade head into an empty database, nothing cached",
    "checks": "the integrity-check library over the seeded database",
    "downgrade_first": "downgrade base after that upgrade (the guard's fingerprints not yet kept)",
    "upgrade_warm": "upgrade head again into the emptied database: rows and SQL from the cache",
    "downgrade_warm": "downgrade base again: every guard input from the cache",
}


def bench(scenario: str, scale: float, repeat: int, with_per_row: bool) -> dict:
    py = sys.executable
    x = ["-x", f"scenario={scenario}", "-x", f"scale={scale:g}", "-x", "quiet=true"]
    alembic = [py, "-m", "alembic", "-c", str(ROOT / "seed.ini"), *x]
    dbs = Databases()
    runs: dict[str, list[tuple[float, int]]] = {k: [] for k in OPERATIONS}
    baselines: dict[str, list[float]] = {"load_data": [], "load_data_unchecked": [], "replay": [],
                                         "per_row": []}
    saved_cache = os.environ.get("TERPSEED_CACHE_DIR")
    try:
        tables = final_rows(scenario, scale)
        total = sum(len(rows) for rows in tables.values())
        with tempfile.TemporaryDirectory() as folder:
            sql_file = Path(folder) / "plan.sql"
            files = tsv_files(tables, Path(folder))
            for attempt in range(repeat):
                # a cache of the benchmark's own, empty at the start of each attempt
                os.environ["TERPSEED_CACHE_DIR"] = str(Path(folder) / f"render-cache-{attempt}")
                runs["render_cold"].append(timed([*alembic, "upgrade", "head", "--sql"], sql_file))
                runs["render_warm"].append(timed([*alembic, "upgrade", "head", "--sql"]))
                os.environ["TERPSEED_CACHE_DIR"] = str(Path(folder) / f"seed-cache-{attempt}")
                url = dbs.fresh()
                online = [*alembic, "-x", f"url={url}"]
                runs["upgrade_cold"].append(timed([*online, "upgrade", "head"]))
                runs["checks"].append(timed([py, "-m", "checks", "--url", url, "--format", "json"]))
                runs["downgrade_first"].append(timed([*online, "downgrade", "base"]))
                runs["upgrade_warm"].append(timed([*online, "upgrade", "head"]))
                runs["downgrade_warm"].append(timed([*online, "downgrade", "base"]))
                baselines["load_data"].append(load_data(dbs.fresh(), files))
                baselines["load_data_unchecked"].append(load_data(dbs.fresh(), files, checked=False))
                baselines["replay"].append(replay(dbs.fresh(), sql_file))
                if with_per_row:
                    baselines["per_row"].append(per_row(dbs.fresh(), tables))
    finally:
        if saved_cache is None:
            os.environ.pop("TERPSEED_CACHE_DIR", None)
        else:
            os.environ["TERPSEED_CACHE_DIR"] = saved_cache
        dbs.drop()
    result = {"scenario": scenario, "scale": scale, "repeat": repeat, "rows": total,
              "measured": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
              "operations": {}, "baselines": {}}
    for name, samples in runs.items():
        seconds = statistics.median(s for s, _ in samples)
        result["operations"][name] = {"median_s": round(seconds, 3), "rows_per_s": round(total / seconds),
                                      "peak_mib": round(max(p for _, p in samples) / 1024, 1)}
    for name, samples in baselines.items():
        if samples:
            seconds = statistics.median(samples)
            result["baselines"][name] = {"median_s": round(seconds, 3), "rows_per_s": round(total / seconds)}
            for op in ("upgrade_cold", "upgrade_warm"):
                result["operations"][op][f"x_{name}"] = round(result["operations"][op]["median_s"] / seconds, 2)
    out = ROOT / "build" / "bench" / f"{scenario}-x{scale:g}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{scenario} x{scale:g}: {total:,} rows, median of {repeat}")
    for name, op in result["operations"].items():
        ratios = "  ".join(f"{k[2:]}={v}x" for k, v in op.items() if k.startswith("x_"))
        print(f"  {name:16} {op['median_s']:8.2f} s  {op['rows_per_s']:>9,} rows/s  peak {op['peak_mib']:7.1f} MiB  {ratios}")
    for name, b in result["baselines"].items():
        print(f"  {name:16} {b['median_s']:8.2f} s  {b['rows_per_s']:>9,} rows/s  (baseline)")
    print(f"wrote {out.relative_to(ROOT)}", flush=True)
    return result


def scales(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        values = []
    if not values or not all(0 < v <= 100 for v in values):
        raise argparse.ArgumentTypeError(f"{text!r}: give scales from 0 to 100, comma-separated (1,10)")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="full")
    parser.add_argument("--scale", type=scales, default=[1.0],
                        help="one scale, or several to compare (1,10)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--per-row", action="store_true", help="also time the per-row INSERT baseline")
    args = parser.parse_args(argv)
    # the commands run as on a user's machine, with Python's bytecode cache: a
    # machine-wide PYTHONDONTWRITEBYTECODE (some CI images set it) would have
    # every run compile the project's sources again (about 0.2 s)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    results = [bench(args.scenario, scale, args.repeat, args.per_row) for scale in args.scale]
    base = results[0]
    for other in results[1:]:
        factor = other["scale"] / base["scale"]
        print(f"x{other['scale']:g} against x{base['scale']:g} ({factor:g} times the volumes,"
              f" {other['rows'] / base['rows']:.2f} times the rows):")
        for name, op in other["operations"].items():
            ratio = op["median_s"] / base["operations"][name]["median_s"]
            print(f"  {name:16} time x{ratio:.2f}  peak {op['peak_mib']:.0f} MiB"
                  f" (x{op['peak_mib'] / base['operations'][name]['peak_mib']:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
