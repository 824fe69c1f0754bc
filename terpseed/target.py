"""Which database a chain talks to, and how to connect to it.

Resolution, the same for ``alembic.ini`` (schema) and ``seed.ini`` (seeds):

1. ``SEED_DATABASE_URL`` (a SQLAlchemy URL), else
2. ``-x url=...``, else
3. the embedded SQLite file ``var/terp.sqlite`` beside the ini file.

Both 1 and 2 set to different URLs is an error rather than a silent choice.
Only MySQL/MariaDB (through PyMySQL) and SQLite are supported; ``mysql://``
and ``mariadb://`` without a driver mean PyMySQL.  Passwords never appear in
messages: URLs are shown with ``***`` in place of the password.

A MySQL/MariaDB server on this machine (``localhost``, a loopback address,
or a ``unix_socket``) is reached without TLS unless the URL asks for it with
an ``ssl_*`` query parameter, as the ``mariadb`` client does; any other host
gets PyMySQL's default (TLS when the server offers it).  PyMySQL builds a
certificate store for that default on every connection, about 40 ms: for a
local server, where TLS protects nothing, that is most of what a connection
costs (1.6 ms without it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from terpseed.errors import SeedError

ENV_VAR = "SEED_DATABASE_URL"
EMBEDDED_PATH = Path("var") / "terp.sqlite"
BACKENDS = ("mysql", "mariadb", "sqlite")
URL_EXAMPLES = "mysql+pymysql://USER:PASSWORD@HOST:3306/DB or sqlite:///PATH"


@dataclass(frozen=True)
class Target:
    url: URL
    source: str  # where the URL came from, for messages

    @property
    def backend(self) -> str:
        return "mysql" if self.url.get_backend_name() in ("mysql", "mariadb") else "sqlite"

    @property
    def shown(self) -> str:
        return safe_url(self.url)


def safe_url(url: URL | str) -> str:
    """The URL as text with its password masked."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except Exception:
            return "<unparseable URL>"
    return url.render_as_string(hide_password=True)


def parse_url(text: str, source: str) -> URL:
    try:
        url = make_url(text)
    except Exception:
        raise SeedError(
            f"{source} is not a SQLAlchemy database URL; use {URL_EXAMPLES}"
        ) from None
    backend = url.get_backend_name()
    if backend not in BACKENDS:
        raise SeedError(
            f"{source} names the unsupported backend {backend!r} ({safe_url(url)});"
            f" TERP seeds run on MySQL/MariaDB or SQLite: {URL_EXAMPLES}"
        )
    if backend in ("mysql", "mariadb"):
        driver = url.get_driver_name()
        if url.drivername in ("mysql", "mariadb"):
            url = url.set(drivername=f"{backend}+pymysql")
        elif driver != "pymysql":
            raise SeedError(
                f"{source} uses the driver {driver!r}; this tool ships PyMySQL:"
                f" write {backend}+pymysql://..."
            )
        if not url.database:
            raise SeedError(
                f"{source} ({safe_url(url)}) names no database; add /DBNAME to the URL"
            )
    return url


def resolve(x_url: str | None, project_root: Path, env=None) -> Target:
    env = os.environ if env is None else env
    env_url = env.get(ENV_VAR) or None
    if env_url and x_url and env_url != x_url:
        raise SeedError(
            f"both {ENV_VAR} ({safe_url(env_url)}) and -x url ({safe_url(x_url)})"
            " are set and differ; unset one of them"
        )
    if env_url:
        return Target(parse_url(env_url, ENV_VAR), ENV_VAR)
    if x_url:
        return Target(parse_url(x_url, "-x url"), "-x url")
    path = (project_root / EMBEDDED_PATH).resolve()
    return Target(make_url(f"sqlite:///{path}"), "embedded default")


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def local_server(url: URL) -> bool:
    """A MySQL/MariaDB URL of a server on this machine that asks nothing of TLS."""
    if any(key.startswith("ssl") for key in url.query):
        return False
    host = url.host or "localhost"  # PyMySQL's own default
    return "unix_socket" in url.query or host in ("localhost", "::1") or host.startswith("127.")


def mysql_engine(url: URL | str, **kwargs) -> sa.Engine:
    """An engine for a MySQL/MariaDB URL, with no TLS for a server on this machine
    (see the module's docstring); ``kwargs`` go to ``sqlalchemy.create_engine``."""
    url = make_url(url)
    if local_server(url):
        kwargs["connect_args"] = {"ssl_disabled": True, **kwargs.get("connect_args", {})}
    return sa.create_engine(url, **kwargs)


def create_engine(target: Target) -> sa.Engine:
    """An engine for the target; SQLite files get their folder and FK checks."""
    url = target.url
    if target.backend == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    return mysql_engine(url, poolclass=sa.pool.NullPool)


def connect(engine: sa.Engine, target: Target) -> sa.Connection:
    """Open a connection, turning driver errors into one clear line."""
    try:
        return engine.connect()
    except sa.exc.DBAPIError as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        password = target.url.password
        if password:
            reason = reason.replace(str(password), "***")
        raise SeedError(
            f"cannot connect to {target.shown} (from {target.source}): {reason};"
            " check the host, port, user, password and database name"
        ) from None
