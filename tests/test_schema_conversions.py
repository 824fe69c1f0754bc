"""TERP's data conversions in the schema chain, on seeded databases, both ways.

A copy of a seeded 2025-11-21 database (the session's seeded fixtures, never
written to) goes up the schema chain to head: every conversion TERP ran is
checked row by row (renamed values, the photography flag, tag categories,
supplier profiles and supplier_client_id backfills, the Office calendar,
returns.status, reason -> notes).  Then it comes back down to 2025-11-21 and
holds exactly the rows it held, except where a downgrade cannot restore
(terpseed/schema/changes_*.py, ``cannot_restore`` and folds): the varchar
numbers TERP made decimals come back as decimal text, compared as numbers.
"""

from __future__ import annotations

import shutil
from collections import Counter
from decimal import Decimal

import pytest
import sqlalchemy as sa

from terpseed.schema.changes_2026_02_15 import TAG_CATEGORIES
from terpseed.schema.diff import Renames, step_diff
from terpseed.schema.versions import VERSIONS, seeds_version, version
from tests.support import alembic_ok, build_schema, db_engine, snapshot

START = seeds_version()


def numbers_made_decimal() -> set[tuple[str, str]]:
    """(table, column) of the varchar columns a later version makes decimal."""
    found = set()
    for older, newer in zip(VERSIONS, VERSIONS[1:]):
        diff = step_diff(older.metadata, newer.metadata, Renames.forward(newer.changes))
        found |= {(c.table, c.name) for c in diff.altered_columns
                  if isinstance(c.before.type, sa.String) and isinstance(c.after.type, sa.Numeric)}
    return found


def read(conn, table: str, *columns: str, where=None) -> list[tuple]:
    """Untyped reads (no enum or number processing), in id order."""
    t = sa.table(table, *(sa.column(c) for c in ("id", *columns)))
    query = sa.select(*(t.c[c] for c in columns)).order_by(t.c.id)
    return [tuple(r) for r in conn.execute(query if where is None else query.where(where(t))).all()]


def tally(conn, table: str, column: str) -> Counter:
    return Counter(v for (v,) in read(conn, table, column))


def facts(conn) -> dict:
    """What the conversions start from, read at 2025-11-21."""
    return {
        "fulfillment": tally(conn, "orders", "fulfillmentStatus"),
        "history": tally(conn, "order_status_history", "fulfillmentStatus"),
        "quotes": tally(conn, "orders", "quoteStatus"),
        "batches": tally(conn, "batches", "batchStatus"),
        "photographed": [i for i, s in read(conn, "batches", "id", "batchStatus") if s == "PHOTOGRAPHY_COMPLETE"],
        "tags": read(conn, "tags", "category"),
        "reasons": read(conn, "inventoryMovements", "reason"),
        "vendors": read(conn, "vendors", "id", "name", "contactName", "contactEmail", "paymentTerms", "notes"),
        "clients": read(conn, "clients", "id", "name", "is_seller"),
        "lots": read(conn, "lots", "vendorId"),
        "orders": read(conn, "purchaseOrders", "id", "vendorId"),
        "items": read(conn, "purchaseOrderItems", "purchaseOrderId"),
        "notes": read(conn, "vendorNotes", "vendorId"),
        "products": read(conn, "products", "brandId"),
        "brands": dict(read(conn, "brands", "id", "vendorId")),
        "events": len(read(conn, "calendar_events", "id")),
        "returns": read(conn, "returns", "processed_at"),
    }


def assert_converted(conn, before: dict) -> None:
    """Every conversion of the chain, row by row, after `upgrade head`."""
    pending = before["fulfillment"]["PENDING"]
    assert pending and tally(conn, "orders", "fulfillmentStatus")["READY_FOR_PACKING"] == pending
    assert tally(conn, "order_status_history", "fulfillmentStatus")["READY_FOR_PACKING"] == before["history"]["PENDING"]
    quotes = tally(conn, "orders", "quoteStatus")
    assert quotes["UNSENT"] == before["quotes"]["DRAFT"]  # (the full scenario has both)
    assert quotes["CONVERTED"] == before["quotes"]["CONVERTED"] + before["quotes"]["ACCEPTED"]
    assert not set(quotes) & {"DRAFT", "ACCEPTED"}
    flagged = [i for i, f in read(conn, "batches", "id", "isPhotographyComplete") if f]
    assert before["photographed"] and flagged == before["photographed"]
    assert tally(conn, "batches", "batchStatus")["LIVE"] == before["batches"]["LIVE"] + len(flagged)
    assert read(conn, "tags", "category") == [(TAG_CATEGORIES.get(c, "CUSTOM"),) for (c,) in before["tags"]]
    assert read(conn, "inventoryMovements", "notes") == before["reasons"]
    assert set(v for (v,) in read(conn, "clients", "creditLimitSource")) == {"CALCULATED"}
    # vendors -> clients: the seeds' supplier clients are merged (no client is created)
    assert len(read(conn, "clients", "id")) == len(before["clients"])
    by_name = {name.lower(): (cid, seller) for cid, name, seller in read(conn, "clients", "id", "name", "is_seller")}
    profiles = read(conn, "supplier_profiles", "legacy_vendor_id", "client_id", "contact_name",
                    "contact_email", "payment_terms", "supplier_notes")
    client_of = {vid: by_name[name.lower()][0] for vid, name, *_ in before["vendors"]}
    assert profiles == [(vid, client_of[vid], cname, email, terms, notes)
                        for vid, name, cname, email, terms, notes in before["vendors"]]
    assert all(by_name[name.lower()][1] for _, name, *_ in before["vendors"])
    assert read(conn, "lots", "supplier_client_id") == [(client_of[v],) for (v,) in before["lots"]]
    po_vendor = dict(before["orders"])
    assert read(conn, "purchaseOrders", "supplier_client_id") == [(client_of[v],) for _, v in before["orders"]]
    assert read(conn, "purchaseOrderItems", "supplier_client_id") == [
        (client_of[po_vendor[po]],) for (po,) in before["items"]]
    assert read(conn, "vendorNotes", "client_id") == [(client_of[v],) for (v,) in before["notes"]]
    assert read(conn, "products", "supplier_client_id") == [
        (client_of.get(before["brands"].get(b)),) for (b,) in before["products"]]
    calendars = read(conn, "calendars", "name", "type", "is_default")
    assert [c[:2] for c in calendars] == [("Office", "workspace")] and calendars[0][2]
    (office,) = [i for (i,) in read(conn, "calendars", "id")]
    assert read(conn, "calendar_events", "calendar_id") == [(office,)] * before["events"]
    assert read(conn, "returns", "status") == [
        ("PROCESSED" if p is not None else "PENDING",) for (p,) in before["returns"]]


def folded_values() -> dict[tuple[str, str], dict[str, str]]:
    """(table, column) -> {old: new} of the value renames no downgrade undoes."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for older, newer in zip(VERSIONS, VERSIONS[1:]):
        for key, mapping in newer.changes.folds(older.metadata).items():
            found.setdefault(tuple(key.split(".")), {}).update(mapping)
    return found


def assert_restored(before: dict, after: dict) -> None:
    """The rows of 2025-11-21 again, but for what a downgrade cannot restore:
    numbers TERP made decimal are equal as numbers, folded values stay folded
    (ACCEPTED quotes are CONVERTED)."""
    numeric, folded = numbers_made_decimal(), folded_values()
    assert ("orders", "quoteStatus") in folded and ("batches", "batchStatus") in folded
    del folded[("batches", "batchStatus")]  # the photography flag's down restores it: batches must be exact
    columns = {name: [c.name for c in table.c] for name, table in START.metadata.tables.items()}
    assert after["__tables__"] == before["__tables__"]
    for table in sorted(set(before) - {"__tables__"}):
        if before[table] == after[table]:
            continue
        loose = {i for i, c in enumerate(columns[table]) if (table, c) in numeric or (table, c) in folded}
        assert loose, f"{table} changed: {[r for r in after[table] if r not in before[table]][:2]}"
        assert len(before[table]) == len(after[table]), table
        for old, new in zip(before[table], after[table]):
            for i, (a, b) in enumerate(zip(old, new)):
                if a == b:
                    continue
                column = columns[table][i]
                assert i in loose and a is not None and b is not None, (table, column, a, b)
                if (table, column) in folded:
                    assert folded[(table, column)].get(a) == b, (table, column, a, b)
                else:
                    assert Decimal(str(a)) == Decimal(str(b)), (table, column, a, b)


def round_trip(url: str) -> None:
    engine = db_engine(url)
    before = snapshot(url)
    with engine.connect() as conn:
        start = facts(conn)
    alembic_ok("-x", f"url={url}", "upgrade", "head", ini="alembic.ini")
    with engine.connect() as conn:
        assert_converted(conn, start)
    alembic_ok("-x", f"url={url}", "downgrade", START.revision, ini="alembic.ini")
    engine.dispose()
    assert_restored(before, snapshot(url))


@pytest.mark.parametrize("seeded", ["light"], indirect=True)
def test_sqlite_seeded_database_up_and_back(seeded, tmp_path):
    """The light scenario on SQLite (the full one runs on MariaDB below)."""
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(seeded.url.database, copy)
    round_trip(f"sqlite:///{copy}")


@pytest.mark.mariadb
def test_mariadb_seeded_database_up_and_back(full_mariadb, mariadb_server):
    """The full MariaDB seed (created from the DDL), copied row for row into a
    database created from the same DDL and stamped at 2025-11-21."""
    url = mariadb_server.create("conv")
    build_schema(url, "ddl")
    source = full_mariadb.url.database
    engine = db_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("SET foreign_key_checks = 0")
        for table in START.metadata.sorted_tables:
            conn.exec_driver_sql(f"INSERT INTO `{table.name}` SELECT * FROM `{source}`.`{table.name}`")
    engine.dispose()
    alembic_ok("-x", f"url={url}", "stamp", START.revision, ini="alembic.ini")
    round_trip(url)


def test_registry_start_is_the_seeds_schema():
    assert START is version("2025-11-21") and START.revision == "0001_terp_schema"
