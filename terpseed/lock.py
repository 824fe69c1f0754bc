"""One seed run at a time per database.

MySQL/MariaDB: the named lock ``GET_LOCK('terpseed:<database>')`` held by the
run's connection (released when it ends, even if the process is killed).
SQLite: an exclusive ``flock`` on ``<database file>.seed-lock``.  A second run
waits up to ``-x lock_timeout`` seconds (default 30), then stops naming the
holder.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import time
from pathlib import Path

import sqlalchemy as sa

from terpseed.errors import SeedError


@contextlib.contextmanager
def seed_lock(connection: sa.Connection, timeout: float, shown_url: str):
    if connection.dialect.name == "sqlite":
        with _file_lock(Path(connection.engine.url.database), timeout, shown_url):
            yield
        return
    name = f"terpseed:{connection.engine.url.database}"
    got = connection.exec_driver_sql("SELECT GET_LOCK(%s, %s)", (name, int(timeout))).scalar()
    if got != 1:
        holder = connection.exec_driver_sql(
            "SELECT p.ID, p.USER, p.HOST, p.COMMAND, p.TIME FROM information_schema.PROCESSLIST AS p"
            " WHERE p.ID = IS_USED_LOCK(%s)", (name,)).first()
        who = _holder(*holder) if holder else "another session"
        raise SeedError(
            f"another seed run holds the lock on {shown_url}: {who}; waited {int(timeout)} s."
            " Let it finish, or raise -x lock_timeout"
        )
    connection.commit()
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            connection.exec_driver_sql("SELECT RELEASE_LOCK(%s)", (name,))
            connection.commit()


def _since(text: str) -> str:
    """The SQLite lock file's "pid N on HOST|epoch" as "pid N on HOST, for N s"."""
    who, _, epoch = text.partition("|")
    try:
        return f"{who}, for {max(0, round(time.time() - float(epoch)))} s"
    except ValueError:
        return who


def _holder(connection_id, user, host, command, seconds) -> str:
    """Who holds the lock and what its connection is doing now.  The server
    does not say since when a named lock is held: PROCESSLIST's TIME is the
    age of the connection's current state (the statement running, or the
    idle time between two), so it is named as such."""
    doing = (f"running a statement for {seconds} s" if command == "Query"
             else f"between statements, idle for {seconds} s")
    return f"connection {connection_id} ({user}@{host}, {doing})"


@contextlib.contextmanager
def _file_lock(database: Path, timeout: float, shown_url: str):
    path = database.with_name(database.name + ".seed-lock")
    with open(path, "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = _since(handle.read().strip()) or "another process"
                    raise SeedError(
                        f"another seed run holds the lock on {shown_url}: {holder}; waited"
                        f" {int(timeout)} s. Let it finish, or raise -x lock_timeout"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}|{time.time():.0f}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
