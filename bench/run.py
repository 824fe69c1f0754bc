"""``make bench``: how long seeding takes, against the baselines, in one run.

    python bench/run.py [--scenario full] [--repeat 3] [--per-row] [--scale 1[,10]]

Against a scratch MariaDB database created from the shared DDL (TEST_MYSQL_URL,
default root@127.0.0.1), each operation runs --repeat times; the report gives
medians, rows per second, peak memory (``/usr/bin/time -v``) and ratios
against baselines measured in the same run, on the very same rows:

* ``load_data``: LOAD DATA LOCAL INFILE of every table's rows as the seeds
  insert them, in the seeds' order, with the server's default checks (foreign
  keys checked, as the seeds are), then the seeds' own UPDATEs of the columns
  a later revision fills (references that close a cycle); a load that skips
  a row stops the benchmark;
* ``load_data_unchecked``: the same with ``foreign_key_checks = 0``, as bulk
  loads are often run (and as the seeds decline to: see the README);
* ``replay``: the statements of the rendered plan (``--sql``) sent as they
  are through pymysql, with nothing to generate or render: what the server
  alone needs for this SQL, the floor of any SQL-first seeding;
* ``per_row``: one INSERT per row through SQLAlchemy Core (--per-row; slow);
* ``generate``: the generators alone with nothing cached, in a process of
  their own: every table's rows made and written as LOAD DATA files (the
  files the two LOAD DATA baselines load); and ``generate_load_data``, that
  plus ``load_data``: the fastest path a user could take from the same
  generators to the same rows, to set against a cold ``upgrade head`` (the
  other baselines start from rows already made).

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
import operator
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
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from terpseed.render import json_text  # noqa: E402
from terpseed.target import mysql_engine  # noqa: E402
from terpseed.schema.versions import VERSIONS, latest, version  # noqa: E402
from terpseed.schema_view import view  # noqa: E402

SERVER = os.environ.get("TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/")


def timed(cmd: list[str], stdout: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, int]:
    """(seconds, peak resident KiB) of a command, via /usr/bin/time -v; its
    output goes to ``stdout`` (a file) or nowhere; ``env`` is added to the
    environment."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report, \
            open(stdout or os.devnull, "w", encoding="utf-8") as out:
        started = time.perf_counter()
        result = subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *cmd], cwd=ROOT,
                                stdout=out, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, **(env or {})})
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{result.stderr[-2000:]}")
        peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read()).group(1))
    return seconds, peak


class Databases:
    """Scratch databases, each created from the DDL file of the TERP version
    benchmarked: the first by the file itself, the others by its tables as
    SHOW CREATE TABLE gives them (foreign keys included; the same tables in a
    second instead of the five the file's ALTERs take on the newest version)."""

    def __init__(self, schema: str):
        self.server = mysql_engine(SERVER, poolclass=sa.pool.NullPool)
        self.made: list[str] = []
        self.schema = schema
        self.tables: list[str] = []  # CREATE TABLE statements of the first database

    def fresh(self) -> str:
        from terpseed.ddl import create_tables, load_ddl, table_definitions
        from tests.support import ddl_path

        name = f"terpseed_bench_{uuid.uuid4().hex[:10]}"
        with self.server.begin() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        self.made.append(name)
        url = sa.engine.make_url(SERVER).set(database=name)
        engine = mysql_engine(url, poolclass=sa.pool.NullPool)
        with engine.begin() as conn:
            if self.tables:
                create_tables(conn, self.tables)
            else:
                load_ddl(conn, ddl_path(version(self.schema).ddl))
                self.tables = table_definitions(conn)
        engine.dispose()
        return url.render_as_string(hide_password=False)

    def drop(self):
        with self.server.begin() as conn:
            for name in self.made:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
        self.server.dispose()


def _world(scenario: str, scale: float, schema: str):
    """The seeds' steps and the world that generates their rows (nothing
    cached), in the TERP version ``schema``."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from terpseed.chain import seed_steps
    from terpseed.params import parse_seed_params
    from terpseed.world import World

    steps = seed_steps(ScriptDirectory.from_config(Config(str(ROOT / "seed.ini"))))
    params = parse_seed_params({"scenario": scenario, "scale": str(scale), "schema": schema})
    return params, steps, World(params, steps, view=view(schema))


def final_rows(scenario: str, scale: float, schema: str) -> dict[str, list[dict]]:
    """Every table's rows as the seeds leave them (inserts with the updates
    applied), as the TERP version ``schema`` holds them."""
    from terpseed.runtime import projected_update
    from terpseed.world import Step

    _params, steps, world = _world(scenario, scale, schema)
    target = world.view
    tables = {target.name(step.table): {r["id"]: dict(r) for r in world.physical(step.table)}
              for _rev, step in steps if isinstance(step, Step) and target.has(step.table)}
    for key, (_rev, update) in world.updates.items():
        if target.has(update.table):
            rows, filled = projected_update(target, update, world.update_rows(key))
            for row in rows:
                if row["id"] in tables[target.name(update.table)]:
                    tables[target.name(update.table)][row["id"]].update({c: row[c] for c in filled})
    return {name: list(rows.values()) for name, rows in tables.items()}


def inserted_rows(scenario: str, scale: float, schema: str) -> tuple[dict[str, list[dict]], list[str]]:
    """Every table's rows as the seeds insert them, in the seeds' order, and
    the seeds' own UPDATE statements (MySQL) for the columns a later revision
    fills: a reference that closes a cycle (orders.invoice_id...) cannot be
    loaded with its row while foreign keys are checked."""
    from terpseed.record import RECORD_TABLES
    from terpseed.render import SqlRenderer
    from terpseed.runtime import Chunk, RenderedRevision, SeedRun
    from terpseed.world import Step

    params, steps, world = _world(scenario, scale, schema)
    target = world.view
    tables = {target.name(step.table): world.physical(step.table) for _rev, step in steps
              if isinstance(step, Step) and target.has(step.table)}
    run = SeedRun(params, SqlRenderer("mysql", metadata=target.metadata), world)
    updates = [chunk.sql for revision, update in world.updates.values()
               for chunk in RenderedRevision(run, revision, [update], "upgrade").chunks()
               if isinstance(chunk, Chunk) and chunk.table not in RECORD_TABLES]  # not the seed's record
    return tables, updates


_special = re.compile(r"[\\\t\n\r\0]").search


def _escape(text: str) -> str:
    """Text as LOAD DATA reads it, with its default escapes."""
    if not _special(text):
        return text
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r").replace("\0", "\\0"))


def _json(value) -> str:
    return _escape(json_text(value))


TSV_TEXT = {  # a value's type: its text in a LOAD DATA file
    int: str,
    bool: {True: "1", False: "0"}.__getitem__,
    Decimal: lambda v: format(v, "f"),
    dt.datetime: lambda v: v.isoformat(" "),
    dt.date: dt.date.isoformat,
    str: _escape,
    dict: _json,
    list: _json,
}


def _tsv(value) -> str:
    """One value as LOAD DATA reads it (NULL is \\N)."""
    return "\\N" if value is None else TSV_TEXT[type(value)](value)


def _tsv_column(values: list) -> list[str]:
    """A column's values as LOAD DATA text, by one type's function when all
    its values (NULLs aside) are of that type."""
    kinds = set(map(type, values)) - {type(None)}
    if not kinds:
        return ["\\N"] * len(values)
    if len(kinds) > 1:
        return list(map(_tsv, values))
    text = TSV_TEXT[kinds.pop()]
    if None in values:
        return ["\\N" if v is None else text(v) for v in values]
    return list(map(text, values))


def _json_column(values: list) -> list[str]:
    """A JSON column's values as the seeds store them: every value encoded, a
    string too (TERP's double-encoded columns hold a JSON string)."""
    return ["\\N" if v is None else _json(v) for v in values]


class TsvFiles(NamedTuple):
    """What the LOAD DATA baselines load: each table's file and columns, in
    the seeds' order, the UPDATE statements that follow, and the rows."""

    tables: dict[str, tuple[Path, list[str], int]]  # table: (file, its columns, its rows)
    updates: list[str]

    @property
    def rows(self) -> int:
        return sum(rows for _path, _columns, rows in self.tables.values())


def tsv_files(tables: dict[str, list[dict]], updates: list[str], folder: Path,
              model: sa.MetaData | None = None) -> None:
    """Every table's rows written as a LOAD DATA file, with a manifest.json
    of the columns, the row counts and the updates (``read_tsv_files``)."""
    from terpseed.schema import metadata

    model = model if model is not None else metadata
    manifest = {"tables": {}, "updates": updates}
    for name, rows in tables.items():
        columns = list(rows[0]) if rows else []
        json_columns = {c.name for c in model.tables[name].c if isinstance(c.type, sa.JSON)}
        texts = [_json_column(values) if c in json_columns else _tsv_column(values)
                 for c in columns for values in [list(map(operator.itemgetter(c), rows))]]
        with open(folder / f"{name}.tsv", "w", encoding="utf-8") as out:
            out.writelines(line + "\n" for line in map("\t".join, zip(*texts)))
        manifest["tables"][name] = [columns, len(rows)]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def read_tsv_files(folder: Path) -> TsvFiles:
    """``tsv_files``' files back from their manifest."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    tables = {name: (folder / f"{name}.tsv", columns, rows)
              for name, (columns, rows) in manifest["tables"].items()}
    return TsvFiles(tables, manifest["updates"])


def load_data(url: str, files: TsvFiles, checked: bool = True) -> float:
    """Seconds to LOAD DATA LOCAL INFILE every table (``tsv_files``), foreign
    keys checked or not, then run the updates, in the session the seeds pin
    (terpseed.chain.PREAMBLE).  LOAD DATA LOCAL turns a row's error into a
    warning and skips the row: a load with a warning stops the benchmark,
    which compares loads of the very same rows."""
    from terpseed.chain import PREAMBLE

    engine = mysql_engine(url, poolclass=sa.pool.NullPool, connect_args={"local_infile": True})
    raw = {"no_parameters": True}
    with engine.begin() as conn:
        started = time.perf_counter()
        for statement in PREAMBLE["mysql"]:
            conn.exec_driver_sql(statement, execution_options=raw)
        conn.exec_driver_sql(f"SET foreign_key_checks = {int(checked)}", execution_options=raw)
        for name, (path, columns, rows) in files.tables.items():
            if not columns:
                continue
            cols = ", ".join(f"`{c}`" for c in columns)
            loaded = conn.exec_driver_sql(f"LOAD DATA LOCAL INFILE '{path}' INTO TABLE `{name}`"
                                          f" CHARACTER SET utf8mb4 ({cols})", execution_options=raw).rowcount
            warnings = conn.exec_driver_sql("SHOW WARNINGS LIMIT 1", execution_options=raw).all()
            if loaded != rows or warnings:
                raise SystemExit(f"bench: LOAD DATA of {name} loaded {loaded} of {rows} rows"
                                 f" ({warnings[0][2] if warnings else 'no warning'})")
        for statement in files.updates:
            conn.exec_driver_sql(statement, execution_options=raw)
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
    engine = mysql_engine(url, poolclass=sa.pool.NullPool)
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


def per_row(url: str, tables: dict[str, list[dict]], model: sa.MetaData) -> float:
    """Seconds to insert every row with its own INSERT through SQLAlchemy Core."""
    metadata = model

    engine = mysql_engine(url, poolclass=sa.pool.NullPool)
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

BOTH = ("upgrade_cold", "upgrade_warm")
BASELINES = {  # name: the upgrades compared with it
    "load_data": BOTH,
    "load_data_unchecked": BOTH,
    "replay": BOTH,
    "per_row": BOTH,
    "generate": (),
    "generate_load_data": ("upgrade_cold",),  # the rows made first, as the cold upgrade makes them
}


def bench(scenario: str, scale: float, repeat: int, with_per_row: bool, schema: str) -> dict:
    py = sys.executable
    x = ["-x", f"scenario={scenario}", "-x", f"scale={scale:g}", "-x", "quiet=true", "-x", f"schema={schema}"]
    alembic = [py, "-m", "alembic", "-c", str(ROOT / "seed.ini"), *x]
    dbs = Databases(schema)
    runs: dict[str, list[tuple[float, int]]] = {k: [] for k in OPERATIONS}
    baselines: dict[str, list[float]] = {name: [] for name in BASELINES}
    saved_cache = os.environ.get("TERPSEED_CACHE_DIR")
    try:
        with tempfile.TemporaryDirectory() as folder:
            sql_file = Path(folder) / "plan.sql"
            tables = None  # made in this process for the per-row baseline only
            for attempt in range(repeat):
                # the generators alone, nothing cached: the rows every baseline loads
                rows_dir = Path(folder) / f"rows-{attempt}"
                rows_dir.mkdir()
                seconds, _peak = timed([py, str(ROOT / "bench" / "run.py"), "--scenario", scenario,
                                        "--scale", f"{scale:g}", "--schema", schema,
                                        "--write-tsv", str(rows_dir)],
                                       env={"TERPSEED_CACHE": "off"})
                baselines["generate"].append(seconds)
                files = read_tsv_files(rows_dir)
                total = files.rows
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
                baselines["generate_load_data"].append(baselines["generate"][-1] + baselines["load_data"][-1])
                baselines["load_data_unchecked"].append(load_data(dbs.fresh(), files, checked=False))
                baselines["replay"].append(replay(dbs.fresh(), sql_file))
                if with_per_row:
                    tables = tables or final_rows(scenario, scale, schema)
                    baselines["per_row"].append(per_row(dbs.fresh(), tables, view(schema).metadata))
    finally:
        if saved_cache is None:
            os.environ.pop("TERPSEED_CACHE_DIR", None)
        else:
            os.environ["TERPSEED_CACHE_DIR"] = saved_cache
        dbs.drop()
    result = {"scenario": scenario, "scale": scale, "schema": schema, "repeat": repeat, "rows": total,
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
            for op in BASELINES[name]:
                result["operations"][op][f"x_{name}"] = round(result["operations"][op]["median_s"] / seconds, 2)
    out = ROOT / "build" / "bench" / f"{scenario}-x{scale:g}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{scenario} x{scale:g}: {total:,} rows, median of {repeat}")
    for name, op in result["operations"].items():
        ratios = "  ".join(f"{k[2:]}={v}x" for k, v in op.items() if k.startswith("x_"))
        print(f"  {name:19} {op['median_s']:8.2f} s  {op['rows_per_s']:>9,} rows/s  peak {op['peak_mib']:7.1f} MiB  {ratios}")
    for name, b in result["baselines"].items():
        print(f"  {name:19} {b['median_s']:8.2f} s  {b['rows_per_s']:>9,} rows/s  (baseline)")
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
    parser.add_argument("--schema", default=latest().date, choices=[v.date for v in VERSIONS],
                        help="the TERP schema version benchmarked (default: the newest)")
    parser.add_argument("--per-row", action="store_true", help="also time the per-row INSERT baseline")
    parser.add_argument("--write-tsv", type=Path, metavar="DIR",
                        help="only generate the rows (one scale) and write them to DIR as LOAD DATA files")
    args = parser.parse_args(argv)
    if args.write_tsv:
        if len(args.scale) != 1:
            parser.error("--write-tsv takes one scale")
        from terpseed.world import collector_paused

        with collector_paused():  # the garbage collector paused as the seeds pause it
            tsv_files(*inserted_rows(args.scenario, args.scale[0], args.schema), args.write_tsv,
                      view(args.schema).metadata)
        return 0
    # the commands run as on a user's machine, with Python's bytecode cache: a
    # machine-wide PYTHONDONTWRITEBYTECODE (some CI images set it) would have
    # every run compile the project's sources again (about 0.2 s)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    results = [bench(args.scenario, scale, args.repeat, args.per_row, args.schema) for scale in args.scale]
    for other in results[1:]:
        print(growth(results[0], other))
    return 0


def growth(base: dict, other: dict) -> str:
    """How time and peak memory grow from one scale's report to another's."""
    factor = other["scale"] / base["scale"]
    lines = [f"x{other['scale']:g} against x{base['scale']:g} ({factor:g} times the volumes,"
             f" {other['rows'] / base['rows']:.2f} times the rows):"]
    for name, op in other["operations"].items():
        ratio = op["median_s"] / base["operations"][name]["median_s"]
        lines.append(f"  {name:16} time x{ratio:.2f}  peak {op['peak_mib']:.0f} MiB"
                     f" (x{op['peak_mib'] / base['operations'][name]['peak_mib']:.2f})")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
