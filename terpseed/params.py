"""The ``-x`` arguments of the chains, validated before anything is written.

    alembic -c seed.ini -x scenario=light -x seed=7 -x scale=2 upgrade head

A bad value stops the run with one line that names it and the valid values.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from terpseed.errors import SeedError
from terpseed.render import DIALECTS
from terpseed.scenarios import SCENARIOS, WINDOW_END, Scenario
from terpseed.schema.versions import VERSIONS, latest

DEFAULT_SCENARIO = "full"
DEFAULT_SEED = 12345
DEFAULT_SCALE = 1.0
MAX_SCALE = 100.0

SCHEMA_OPTIONS = {
    "url": "database URL (else SEED_DATABASE_URL, else the embedded SQLite file)",
    "dialect": "dialect of --sql output when no URL is given: mysql (default) or sqlite",
}
SEED_OPTIONS = {
    **SCHEMA_OPTIONS,
    "scenario": "light, full (default), edgeCases or chaos",
    "seed": f"integer seed of every random stream (default {DEFAULT_SEED})",
    "scale": "positive multiplier on volumes (default 1)",
    "end": f"the window's last day, YYYY-MM-DD, or yesterday (default {WINDOW_END})",
    "schema": "the TERP schema version the SQL is for: " + ", ".join(v.date for v in VERSIONS)
              + " (offline default: the newest; online: the database's own, recognised)",
    "approved": "true: refuse unless the SQL matches approvals.json (make approve)",
    "env": "development (default) or production: production requires approved=true",
    "check": "true: run the integrity checks after the upgrade and fail on an error",
    "preflight": "error (default): drift that breaks this run stops it (harmless drift is a warning); warn: report it and go on",
    "lock_timeout": "seconds to wait for another seed run on the same database (default 30)",
    "dry_run": "true: print what the run would do (revisions, tables, rows) and write nothing",
    "confirm": "the database name, required to write to a production target (-x env=production)",
    "edited": "what a downgrade does with seeded rows a user edited: stop (default), keep or delete",
    "quiet": "true: no progress on stderr (default false: bars on a terminal, a line per revision elsewhere)",
    "cache": "false: neither read nor write the seed cache var/cache (default true: reuse what an"
             " identical earlier run generated and rendered)",
}
ENVS = ("development", "production")


@dataclass(frozen=True)
class SeedParams:
    scenario: Scenario
    seed: int
    scale: float
    approved: bool = False
    env: str = "development"
    check: bool = False
    preflight: str = "error"
    lock_timeout: float = 30.0
    dry_run: bool = False
    confirm: str | None = None
    edited: str = "stop"
    quiet: bool = False
    cache: bool = True
    schema: str | None = None  # the TERP schema version (-x schema; online, recognised when None)

    @property
    def end(self) -> dt.date:
        return self.scenario.end

    @property
    def scale_text(self) -> str:
        return scale_text(self.scale)

    def describe(self) -> str:
        return (f"scenario={self.scenario.name} seed={self.seed} scale={self.scale_text}"
                f" end={self.end.isoformat()} schema={self.schema or latest().date}")


def scale_text(scale: float) -> str:
    """The scale as text that reads back as the same float: 1, 0.5, 2.25."""
    text = repr(float(scale))
    return text[:-2] if text.endswith(".0") else text


def check_options(x_args: dict[str, str], known: dict[str, str]) -> None:
    for key in x_args:
        if key not in known:
            raise SeedError(
                f"unknown -x option {key!r}; valid: {', '.join(known)}"
            )


def parse_dialect(x_args: dict[str, str]) -> str:
    dialect = x_args.get("dialect", "mysql")
    if dialect not in DIALECTS:
        raise SeedError(f"-x dialect={dialect!r} is not valid; valid: {', '.join(DIALECTS)}")
    return dialect


def parse_seed_params(x_args: dict[str, str]) -> SeedParams:
    name = x_args.get("scenario", DEFAULT_SCENARIO)
    if name not in SCENARIOS:
        raise SeedError(
            f"-x scenario={name!r} is not a scenario; valid: {', '.join(SCENARIOS)}"
        )
    raw_seed = x_args.get("seed", str(DEFAULT_SEED))
    try:
        seed = int(raw_seed, 10)
    except ValueError:
        seed = None
    if seed is None or not 0 <= seed < 2**63:
        raise SeedError(
            f"-x seed={raw_seed!r} is not valid; valid: an integer from 0 to {2**63 - 1}"
        )
    raw_scale = x_args.get("scale", str(DEFAULT_SCALE))
    try:
        scale = float(raw_scale)
    except ValueError:
        scale = math.nan
    if not (math.isfinite(scale) and 0 < scale <= MAX_SCALE):
        raise SeedError(
            f"-x scale={raw_scale!r} is not valid; valid: a number greater than 0"
            f" and at most {MAX_SCALE:g} (1 = the scenario's own volumes)"
        )
    end = parse_end(x_args.get("end"))
    approved = _flag(x_args, "approved")
    env = x_args.get("env", "development")
    if env not in ENVS:
        raise SeedError(f"-x env={env!r} is not valid; valid: {', '.join(ENVS)}")
    if env == "production" and not approved:
        raise SeedError(
            "-x env=production needs -x approved=true: only SQL that matches the"
            " approved manifest (make approve) runs against production"
        )
    preflight = x_args.get("preflight", "error")
    if preflight not in ("error", "warn"):
        raise SeedError(f"-x preflight={preflight!r} is not valid; valid: error, warn")
    raw_timeout = x_args.get("lock_timeout", "30")
    try:
        lock_timeout = float(raw_timeout)
    except ValueError:
        lock_timeout = -1.0
    if not (math.isfinite(lock_timeout) and 0 <= lock_timeout <= 3600):
        raise SeedError(f"-x lock_timeout={raw_timeout!r} is not valid; valid: seconds from 0 to 3600")
    edited = x_args.get("edited", "stop")
    if edited not in ("stop", "keep", "delete"):
        raise SeedError(f"-x edited={edited!r} is not valid; valid: stop, keep, delete")
    schema = x_args.get("schema")
    if schema is not None and schema not in {v.date for v in VERSIONS}:
        raise SeedError(f"-x schema={schema!r} is not a TERP schema version this repository knows; valid: "
                        + ", ".join(v.date for v in VERSIONS))
    return SeedParams(SCENARIOS[name].ending(end), seed, scale, approved, env, _flag(x_args, "check"), preflight,
                      lock_timeout, _flag(x_args, "dry_run"), x_args.get("confirm"), edited,
                      _flag(x_args, "quiet"), _flag(x_args, "cache", "true"), schema)


EARLIEST_END = dt.date(2000, 1, 1)
LATEST_END = dt.date(2099, 12, 31)


def parse_end(raw: str | None, today: dt.date | None = None) -> dt.date:
    """``-x end``: a date, or ``yesterday``, which is resolved here, once, from
    the clock (UTC) into the date every later step uses, prints and records."""
    if raw is None:
        return WINDOW_END
    if raw == "yesterday":
        today = today or dt.datetime.now(dt.timezone.utc).date()
        return today - dt.timedelta(days=1)
    try:
        end = dt.date.fromisoformat(raw)
    except ValueError:
        end = None
    if end is None or len(raw) != 10 or not EARLIEST_END <= end <= LATEST_END:
        raise SeedError(
            f"-x end={raw!r} is not valid; valid: a date YYYY-MM-DD from {EARLIEST_END} to"
            f" {LATEST_END}, or yesterday (default {WINDOW_END})"
        )
    return end


def _flag(x_args: dict[str, str], name: str, default: str = "false") -> bool:
    raw = x_args.get(name, default)
    if raw not in ("true", "false"):
        raise SeedError(f"-x {name}={raw!r} is not valid; valid: true, false")
    return raw == "true"
