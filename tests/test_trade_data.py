"""The catalog, inventory, procurement and sales data hold together.

Every assertion is a query against a seeded database (MariaDB created from the
shared DDL, full scenario; and SQLite for the other scenarios and a scale),
never against the generators' objects.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from terpseed import relations
from terpseed.scenarios import SCENARIOS
from terpseed.schema import metadata

T = metadata.tables
TRADE_TABLES = [
    "products", "productMedia", "productSynonyms", "productTags", "lots", "batches",
    "batchLocations", "batch_status_history", "inventoryMovements", "inventoryAlerts",
    "inventoryViews", "cogs_rules", "cogsHistory", "intake_sessions", "intake_session_batches",
    "vendor_supply", "purchaseOrders", "purchaseOrderItems", "orders", "order_line_items",
    "order_status_history", "order_audit_log", "recurring_orders", "returns", "sales",
    "sampleRequests", "sampleAllocations", "sample_inventory_log", "pricing_defaults",
    "pricing_profiles", "pricing_rules", "sales_sheet_templates", "salesSheetVersions",
    "sales_sheet_history",
]
D = Decimal


def r2(value: Decimal) -> Decimal:
    """Money rounding of the seeds (and of SQL's ROUND on decimals): half up."""
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def rows(engine, query) -> list:
    with engine.connect() as conn:
        return conn.execute(query).all()


def scalar(engine, query):
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def count(engine, table: str) -> int:
    return scalar(engine, sa.select(sa.func.count()).select_from(T[table]))


# ------------------------------------------------------------------ coverage and volumes
def test_full_scenario_fills_every_trade_table(full_mariadb):
    empty = [t for t in TRADE_TABLES if count(full_mariadb, t) == 0]
    assert empty == []
    assert count(full_mariadb, "purchaseOrders") >= 150
    assert count(full_mariadb, "pricing_rules") >= 20
    assert count(full_mariadb, "pricing_profiles") >= 10


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from ``first``'s to ``last``'s."""
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def _month_end(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def test_full_volumes_match_the_facts_sheet(full_mariadb):
    orders, lots = T["orders"], T["lots"]
    n_orders = count(full_mariadb, "orders")
    assert 4000 <= n_orders <= 4800, n_orders                       # ~200 a month for 22 months
    lines = count(full_mariadb, "order_line_items")
    assert 2.5 <= lines / n_orders <= 3.5
    scenario = SCENARIOS["full"]
    per_month = dict(((int(y), int(m)), c) for y, m, c in rows(full_mariadb, sa.select(
        sa.func.extract("year", lots.c.date), sa.func.extract("month", lots.c.date), sa.func.count())
        .where(lots.c.date >= dt.datetime.combine(scenario.window_start, dt.time()))
        .group_by(sa.func.extract("year", lots.c.date), sa.func.extract("month", lots.c.date))))
    whole = [(d.year, d.month) for d in _months(scenario.window_start, scenario.window_end)
             if d >= scenario.window_start and _month_end(d) <= scenario.window_end]
    assert len(whole) == 21 and all(6 <= per_month.get(m, 0) <= 10 for m in whole), per_month  # ~8 a month
    revenue = scalar(full_mariadb, sa.select(sa.func.sum(orders.c.total))
                     .where(orders.c.orderType == "SALE", orders.c.saleStatus != "CANCELLED"))
    assert D("40000000") <= revenue <= D("48000000"), revenue     # ~$2M a month


def test_intake_mix_consignment_and_flower_tiers(full_mariadb):
    b, p = T["batches"], T["products"]
    data = rows(full_mariadb, sa.select(b.c.paymentTerms, p.c.category, p.c.subcategory)
                .join(p, p.c.id == b.c.productId))
    consigned = sum(1 for terms, _c, _s in data if terms == "CONSIGNMENT") / len(data)
    assert 0.84 <= consigned <= 0.96
    flower = [sub for _t, cat, sub in data if cat == "Flower"]
    assert 0.84 <= len(flower) / len(data) <= 0.96
    for tier, share in (("Indoor", 0.40), ("Deps", 0.35), ("Outdoor", 0.25)):
        assert abs(flower.count(tier) / len(flower) - share) <= 0.10, tier


# ------------------------------------------------------------------ the supply chain
def test_supply_chain_links(seeded):
    b, lot, isb, s, po, poi, c, v = (T[n] for n in ("batches", "lots", "intake_session_batches",
                                                      "intake_sessions", "purchaseOrders",
                                                      "purchaseOrderItems", "clients", "vendors"))
    # batch -> lot -> vendor, batch <- intake session (of the vendor's supplier account) <- PO
    query = (sa.select(b.c.id, b.c.productId, lot.c.date, v.c.name, c.c.name, c.c.is_seller,
                       s.c.receive_date, po.c.purchaseOrderStatus, poi.c.productId)
             .join(lot, lot.c.id == b.c.lotId).join(v, v.c.id == lot.c.vendorId)
             .join(isb, isb.c.batch_id == b.c.id).join(s, s.c.id == isb.c.intake_session_id)
             .join(c, c.c.id == s.c.vendor_id).join(po, po.c.intakeSessionId == s.c.id)
             .join(poi, poi.c.purchaseOrderId == po.c.id))
    linked = rows(seeded, query)
    assert len(linked) == count(seeded, "batches")
    for _id, product, lot_date, vendor, supplier, is_seller, received, status, po_product in linked:
        assert supplier == vendor and is_seller
        assert lot_date.date() == received and status == "RECEIVED" and po_product == product


def test_every_line_draws_on_a_batch_live_with_stock_at_that_moment(seeded):
    oli, o, bsh, ws, m = (T[n] for n in ("order_line_items", "orders", "batch_status_history",
                                         "workflow_statuses", "inventoryMovements"))
    live = dict(rows(seeded, sa.select(bsh.c.batchId, sa.func.min(bsh.c.createdAt))
                     .join(ws, ws.c.id == bsh.c.toStatusId).where(ws.c.slug == "ready-for-sale")
                     .group_by(bsh.c.batchId)))
    for batch_id, created in rows(seeded, sa.select(oli.c.batch_id, o.c.created_at)
                                  .join(o, o.c.id == oli.c.order_id)):
        assert batch_id in live and live[batch_id] <= created
    # every sale line leaves a SALE movement of its quantity, and stock never goes negative
    sold = defaultdict(D)
    for order_id, batch_id, change in rows(seeded, sa.select(m.c.referenceId, m.c.batchId, m.c.quantityChange)
                                           .where(m.c.inventoryMovementType == "SALE")):
        sold[(order_id, batch_id)] -= D(change)
    lines = defaultdict(D)
    for order_id, batch_id, qty in rows(seeded, sa.select(oli.c.order_id, oli.c.batch_id, oli.c.quantity)
                                        .join(o, o.c.id == oli.c.order_id).where(o.c.orderType == "SALE")):
        lines[(order_id, batch_id)] += qty
    assert sold == lines
    assert all(D(after) >= 0 for (after,) in rows(seeded, sa.select(m.c.quantityAfter)))


def test_batch_on_hand_is_intake_minus_movements(seeded):
    b, m = T["batches"], T["inventoryMovements"]
    chain = defaultdict(list)
    for batch_id, kind, change, before, after in rows(
            seeded, sa.select(m.c.batchId, m.c.inventoryMovementType, m.c.quantityChange,
                              m.c.quantityBefore, m.c.quantityAfter).order_by(m.c.batchId, m.c.createdAt, m.c.id)):
        chain[batch_id].append((kind, D(change), D(before), D(after)))
    for batch_id, on_hand in rows(seeded, sa.select(b.c.id, b.c.onHandQty)):
        moves = chain[batch_id]
        assert moves[0][0] == "INTAKE"
        running = D(0)
        for _kind, change, before, after in moves:
            assert before == running and after == before + change
            running = after
        assert D(on_hand) == running == sum(c for _k, c, _b, _a in moves)


# ------------------------------------------------------------------ orders
def stringified(value):
    """The JSON held in a column TERP double-encodes (S): the column's value, a JSON
    string (SQLAlchemy gives its content), must itself be JSON."""
    assert isinstance(value, str), f"not stored as a JSON string: {value!r:.60}"
    return json.loads(value)


def test_order_arithmetic_and_items_json(seeded):
    o, oli = T["orders"], T["order_line_items"]
    anomalies = SCENARIOS[getattr(seeded, "scenario", "full")].anomaly_rate > 0
    lines = defaultdict(list)
    for row in rows(seeded, sa.select(oli).order_by(oli.c.id)):
        lines[row.order_id].append(row)
    for order in rows(seeded, sa.select(o)):
        ls = lines[order.id]
        assert ls, f"order {order.id} has no lines"
        for line in ls:
            assert line.line_total == r2(line.quantity * line.unit_price)
            assert line.margin_dollar == line.line_total - r2(line.quantity * line.cogs_per_unit)
        assert order.subtotal == sum(l.line_total for l in ls)
        assert order.total == order.subtotal + order.tax - order.discount
        margin = sum(l.margin_dollar for l in ls)
        if order.total_cogs is not None or not anomalies:  # chaos: some came by TERP's path without them
            assert order.total_cogs == sum(r2(l.quantity * l.cogs_per_unit) for l in ls)
            assert order.total_margin == margin
        assert order.avg_margin_percent == (r2(margin * 100 / order.subtotal) if order.subtotal else 0)
        items = stringified(order.items)
        assert [(i["batchId"], D(str(i["quantity"])), D(str(i["unitPrice"])), D(str(i["lineTotal"])))
                for i in items] == [(l.batch_id, l.quantity, l.unit_price, l.line_total) for l in ls]


def test_margin_is_25_percent_give_or_take_10(seeded):
    oli, o = T["order_line_items"], T["orders"]
    margin, subtotal = rows(seeded, sa.select(sa.func.sum(oli.c.margin_dollar), sa.func.sum(oli.c.line_total))
                            .join(o, o.c.id == oli.c.order_id).where(o.c.orderType == "SALE"))[0]
    assert D("0.23") <= margin / subtotal <= D("0.27")
    if SCENARIOS[getattr(seeded, "scenario", "full")].anomaly_rate:
        return  # chaos: its outliers are measured in test_rhythm_data
    oli = T["order_line_items"]
    outside = scalar(seeded, sa.select(sa.func.count()).select_from(oli)
                     .where(sa.or_(oli.c.margin_percent < 10, oli.c.margin_percent > 41)))
    assert outside == 0


def test_whales_carry_about_70_percent_of_revenue(full_mariadb):
    o, c = T["orders"], T["clients"]
    by_kind = dict(rows(full_mariadb, sa.select(sa.func.substr(c.c.teri_code, 1, 3), sa.func.sum(o.c.total))
                        .join(c, c.c.id == o.c.client_id)
                        .where(o.c.orderType == "SALE", o.c.saleStatus != "CANCELLED")
                        .group_by(sa.func.substr(c.c.teri_code, 1, 3))))
    share = by_kind["WHL"] / (by_kind["WHL"] + by_kind["REG"])
    assert D("0.65") <= share <= D("0.75"), share


def test_quotes_sales_and_conversions_are_legal(seeded):
    o = T["orders"]
    orders = {r.id: r for r in rows(seeded, sa.select(o))}
    quote_statuses = {"DRAFT", "SENT", "VIEWED", "ACCEPTED", "REJECTED", "EXPIRED", "CONVERTED"}
    for r in orders.values():
        if r.orderType == "QUOTE":
            assert r.quoteStatus in quote_statuses and r.saleStatus is None
            assert r.fulfillmentStatus == "PENDING" and r.confirmed_at is None
        else:
            assert r.saleStatus in {"PENDING", "PARTIAL", "PAID", "OVERDUE", "CANCELLED"}
            assert r.quoteStatus is None and r.confirmed_at >= r.created_at
        if r.converted_from_order_id:
            quote = orders[r.converted_from_order_id]
            assert quote.orderType == "QUOTE" and quote.quoteStatus == "CONVERTED"
            assert quote.client_id == r.client_id and r.converted_at >= quote.created_at
    converted = [r for r in orders.values() if r.quoteStatus == "CONVERTED"]
    assert sorted(q.id for q in converted) == sorted(r.converted_from_order_id for r in orders.values()
                                                     if r.converted_from_order_id)


def test_fulfilment_history_is_a_legal_chain_ending_at_the_current_status(seeded):
    o, h = T["orders"], T["order_status_history"]
    history = defaultdict(list)
    for order_id, status, when in rows(seeded, sa.select(h.c.order_id, h.c.fulfillmentStatus, h.c.changed_at)
                                       .order_by(h.c.order_id, h.c.changed_at, h.c.id)):
        history[order_id].append((status, when))
    for order in rows(seeded, sa.select(o.c.id, o.c.fulfillmentStatus, o.c.created_at, o.c.packed_at,
                                        o.c.shipped_at)):
        chain = history[order.id]
        statuses = [s for s, _w in chain]
        assert statuses == ["PENDING", "PACKED", "SHIPPED"][:len(statuses)]
        assert statuses[-1] == order.fulfillmentStatus
        assert [w for _s, w in chain] == sorted(w for _s, w in chain)
        assert chain[0][1] == order.created_at


def test_batch_workflow_history_is_legal_and_ends_at_the_batch_status(seeded):
    from terpseed.vocabulary import WORKFLOW_TRANSITIONS

    b, h, ws = T["batches"], T["batch_status_history"], T["workflow_statuses"]
    slug = dict(rows(seeded, sa.select(ws.c.id, ws.c.slug)))
    history = defaultdict(list)
    for batch_id, src, dst, when in rows(seeded, sa.select(h.c.batchId, h.c.fromStatusId, h.c.toStatusId,
                                                           h.c.createdAt).order_by(h.c.batchId, h.c.createdAt, h.c.id)):
        history[batch_id].append((slug.get(src), slug[dst], when))
    on_board = {"AWAITING_INTAKE": {"intake-queue", "quality-check", "lab-testing", "packaging"},
                "ON_HOLD": {"on-hold"}, "QUARANTINED": {"on-hold"}}
    for batch_id, status_id, batch_status in rows(seeded, sa.select(b.c.id, b.c.statusId, b.c.batchStatus)):
        chain = history[batch_id]
        previous = None
        for src, dst, _when in chain:
            assert src == previous and dst in WORKFLOW_TRANSITIONS[previous], (batch_id, src, dst)
            previous = dst
        assert previous == slug[status_id]
        assert previous in on_board.get(batch_status, {"ready-for-sale"})


def test_returns_are_rare_and_against_real_lines(seeded):
    r, o, oli = T["returns"], T["orders"], T["order_line_items"]
    lines = {row.id: row for row in rows(seeded, sa.select(oli))}
    sales = scalar(seeded, sa.select(sa.func.count()).select_from(o).where(o.c.orderType == "SALE"))
    returned = rows(seeded, sa.select(r))
    rate = len(returned) / sales
    scenario = getattr(seeded, "scenario", "full")
    expected = 0.10 if scenario == "edgeCases" else 0.005
    assert expected * 0.3 <= rate <= expected * 2 + 0.02, rate
    for ret in returned:
        for item in stringified(ret.items):
            line = lines[item["orderLineItemId"]]
            assert line.order_id == ret.order_id and line.batch_id == item["batchId"]
            assert D(str(item["quantity"])) <= line.quantity


# TERP's own code double-encodes these (app-facts section 5; README, "JSON as TERP writes it")
STRINGIFIED = {"orders": "items", "returns": "items", "order_audit_log": "changes", "sampleRequests": "products"}
NATIVE = {"pricing_profiles": "rules", "pricing_rules": "conditions", "clients": "tags",
          "freeform_notes": "content", "userDashboardPreferences": "widgetConfig"}


def test_json_columns_are_stored_as_terps_readers_need(seeded):
    """The stored text itself, as the server holds it: a JSON string whose content is
    JSON for the columns TERP double-encodes, an array or object elsewhere."""
    with seeded.connect() as conn:
        for table, column in {**STRINGIFIED, **NATIVE}.items():
            texts = [t for (t,) in conn.exec_driver_sql(f'SELECT "{column}" FROM "{table}"'.replace(
                '"', "`" if seeded.dialect.name == "mysql" else '"')) if t is not None]
            assert texts, table
            for text in texts:
                value = json.loads(text)
                if table in STRINGIFIED:
                    assert isinstance(value, str) and isinstance(json.loads(value), (list, dict)), (table, text[:60])
                else:
                    assert isinstance(value, (list, dict)), (table, text[:60])


def test_audit_logs_point_at_real_orders_and_users(seeded):
    log, o, u = T["order_audit_log"], T["orders"], T["users"]
    orphans = scalar(seeded, sa.select(sa.func.count()).select_from(log)
                     .outerjoin(o, o.c.id == log.c.order_id).outerjoin(u, u.c.id == log.c.user_id)
                     .where(sa.or_(o.c.id.is_(None), sa.and_(log.c.user_id.is_not(None), u.c.id.is_(None)))))
    assert orphans == 0


# ------------------------------------------------------------------ references and time
def test_undeclared_references_are_sound(seeded):
    """Every non-NULL value of an undeclared reference names an existing row."""
    for ref in relations.undeclared():
        if count(seeded, ref.table) == 0:
            continue
        source, target = T[ref.table], T[ref.target_table].alias("target")
        orphans = scalar(seeded, sa.select(sa.func.count()).select_from(source)
                         .outerjoin(target, target.c[ref.target_column] == source.c[ref.column])
                         .where(source.c[ref.column].is_not(None), target.c[ref.target_column].is_(None)))
        assert orphans == 0, f"{ref}: {orphans} orphans"


def test_polymorphic_references_are_sound(seeded):
    """Every (type, id) pair names a known type and, for it, an existing row (or,
    for a type with no table, the type's one id)."""
    for (table, type_column, id_column), targets in relations.POLYMORPHIC.items():
        source = T[table]
        for kind, n in rows(seeded, sa.select(source.c[type_column], sa.func.count())
                            .group_by(source.c[type_column])):
            if isinstance(targets.get(kind), int):
                ids = {r[0] for r in rows(seeded, sa.select(source.c[id_column]).distinct()
                                          .where(source.c[type_column] == kind))}
                assert ids == {targets[kind]}, f"{table} ({kind}): ids {sorted(ids)}"
                continue
            if kind is None or targets.get(kind, "?") is None:  # no reference: no id either
                with_id = scalar(seeded, sa.select(sa.func.count()).select_from(source).where(
                    (source.c[type_column].is_(None) if kind is None else source.c[type_column] == kind),
                    source.c[id_column].is_not(None)))
                assert with_id == 0, f"{table}: {with_id} rows of type {kind!r} carry an id"
                continue
            assert kind in targets, f"{table}.{type_column} = {kind!r} ({n} rows) is not a known type"
            target = T[targets[kind]]
            orphans = scalar(seeded, sa.select(sa.func.count()).select_from(source)
                             .outerjoin(target, target.c.id == source.c[id_column])
                             .where(source.c[type_column] == kind, target.c.id.is_(None)))
            assert orphans == 0, f"{table} ({kind}): {orphans} rows point at no {targets[kind]} row"


# Columns that name a future moment by nature: due dates, validity, expiry, schedules.
FUTURE_BY_NATURE = {"due_date", "valid_until", "payment_due_date", "paymentDueDate", "expectedDeliveryDate",
                    "next_generation_date", "end_date", "expiration_date", "available_until",
                    "expires_at", "expirationDate", "needed_by", "dueDate", "payment_due_date"}


def test_nothing_happens_after_the_window(seeded):
    from terpseed.scenarios import SCENARIOS

    from tests.test_finance_data import FINANCE_TABLES

    end = SCENARIOS[getattr(seeded, "scenario", "full")].window_end
    for name in TRADE_TABLES + FINANCE_TABLES:
        for column in T[name].c:
            if column.name in FUTURE_BY_NATURE or not isinstance(column.type, (sa.Date, sa.DateTime)):
                continue
            latest = scalar(seeded, sa.select(sa.func.max(column)))
            if latest is not None:
                latest = latest if isinstance(latest, dt.date) else dt.date.fromisoformat(str(latest)[:10])
                assert (latest.date() if isinstance(latest, dt.datetime) else latest) <= end, \
                    f"{name}.{column.name} = {latest}"
