"""The database remembers its seed (terpseed/record.py): which arguments, and
which rows the seed wrote; a re-seed never adopts a row the seed did not
write, on both dialects, even after a run killed with kill -9."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import sqlalchemy as sa

from tests.support import ROOT, alembic_ok, db_engine, execute, run_alembic, snapshot, world_rows

LIGHT = ("-x", "scenario=light")


def _scalars(url: str, sql: str) -> list:
    engine = db_engine(url)
    with engine.connect() as conn:
        found = conn.exec_driver_sql(sql).scalars().all()
    engine.dispose()
    return found


def _user_client(url: str, backend_id: int | None) -> int:
    """A client a user creates: MariaDB gives it the next AUTO_INCREMENT id
    (InnoDB keeps the counter past the seeded ids after their downgrade, and
    past the ids of a killed revision); SQLite reuses ids, so there the row
    takes the id AUTO_INCREMENT would have given."""
    columns = "teri_code, name" + (", id" if backend_id else "")
    values = "'USER1', 'A client a user created'" + (f", {backend_id}" if backend_id else "")
    execute(url, f"INSERT INTO clients ({columns}) VALUES ({values})")
    return _scalars(url, "SELECT id FROM clients WHERE teri_code = 'USER1'")[0]


def _kill_during_upgrade(url: str, *x: str, seconds: float) -> None:
    process = subprocess.Popen([sys.executable, "-m", "alembic", "-c", str(ROOT / "seed.ini"),
                                "-x", f"url={url}", *x, "-x", "quiet=true", "upgrade", "head"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_a_reseed_never_adopts_a_users_row(terp_db):
    """Seed (scale 2), take it out, let a user create a client, then seed at
    scale 3 (whose clients take more ids), with a run killed by kill -9 in
    between on MariaDB: the user's client is never treated as the seed's.
    Either the upgrade is refused, naming it, with nothing written, or its id
    is outside what the seed writes; and the seed's later downgrade never
    calls it edited and leaves it in place."""
    url = terp_db
    mysql = url.startswith("mysql")
    alembic_ok("-x", f"url={url}", *LIGHT, "-x", "scale=2", "upgrade", "head")
    alembic_ok("-x", f"url={url}", "downgrade", "base")
    if mysql:
        _kill_during_upgrade(url, *LIGHT, "-x", "scale=3", seconds=random.uniform(0.5, 3.0))
    scale3 = {row["id"] for row in world_rows("clients", scenario="light", scale="3")}
    theirs = _user_client(url, None if mysql else max(scale3) - 2)
    before = snapshot(url)
    code, out, err = run_alembic("-x", f"url={url}", *LIGHT, "-x", "scale=3", "upgrade", "head")
    if theirs in scale3 and _scalars(url, "SELECT COUNT(*) FROM clients")[0] == 1:
        assert code == 1 and "FAILED" not in out, out + err
        assert f"clients.id: rows the seed did not write hold ids it writes ({theirs})" in err
        assert snapshot(url) == before                     # nothing written
        execute(url, f"UPDATE clients SET id = 5 WHERE id = {theirs}")  # the user moves it
        theirs = 5
        alembic_ok("-x", f"url={url}", *LIGHT, "-x", "scale=3", "upgrade", "head")
    else:
        assert code == 0, out + err
    owner = _scalars(url, f"SELECT name FROM clients WHERE id = {theirs}")
    assert owner == ["A client a user created"]
    orders_of_theirs = _scalars(url, f"SELECT COUNT(*) FROM orders WHERE client_id = {theirs}")
    assert orders_of_theirs == [0]                         # no seeded order hangs off it
    code, out, err = run_alembic("-x", f"url={url}", "downgrade", "base")
    assert code == 0 and "edited" not in out + err, out + err
    after = snapshot(url)
    assert [r[0] for r in after["clients"]] == [theirs]
    assert sum(len(rows) for name, rows in after.items() if name not in ("clients", "__tables__")) == 0


def test_the_database_remembers_its_arguments(terp_db):
    url = terp_db
    alembic_ok("-x", f"url={url}", *LIGHT, "-x", "seed=7", "-x", "end=2025-06-30", "upgrade", "head")
    current = alembic_ok("-x", f"url={url}", "current")
    assert current.count("(head)") == 1                      # printed once
    assert "seeded with scenario=light seed=7 scale=1 end=2025-06-30" in current
    # asking for other arguments is refused, saying what the database holds and what to run
    code, out, err = run_alembic("-x", f"url={url}", "-x", "seed=8", "upgrade", "head")
    assert code == 1
    assert "holds the seed scenario=light seed=7 scale=1 end=2025-06-30" in err
    assert "asks for seed=8" in err and "downgrade base" in err
    # a partial downgrade and a resume with no -x use what the database holds
    alembic_ok("-x", f"url={url}", "downgrade", "0005_catalog")
    alembic_ok("-x", f"url={url}", "upgrade", "head")
    assert "seed=7" in alembic_ok("-x", f"url={url}", "current")
    ids = {row["id"] for row in world_rows("orders", scenario="light", seed="7", end="2025-06-30")}
    assert set(_scalars(url, "SELECT id FROM orders")) == ids
    # and the downgrade with no -x takes out exactly what was seeded
    code, out, err = run_alembic("-x", f"url={url}", "downgrade", "base")
    assert code == 0, out + err
    assert "edited" not in err
    state = snapshot(url)
    assert all(not rows for name, rows in state.items() if name != "__tables__")
    assert _scalars(url, "SELECT COUNT(*) FROM seed_rows") == [0]
    assert _scalars(url, "SELECT COUNT(*) FROM seed_arguments") == [0]
