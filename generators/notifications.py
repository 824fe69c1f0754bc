"""Notifications and user and organisation settings (TERP 2026-02-15 and later).

* ``notifications``: what TERP's notification triggers and jobs write for the
  business the seeds hold, over the window's last ``NOTIFICATION_DAYS`` days
  only (app-generated noise: tables-after-2025-11-21.md §5), as
  server/services/notificationTriggers.ts, vipAlertService.ts and
  notificationService.ts write them: a new order (to the sales team: the
  admins and the Sales Manager role; and "Order Received" to the client), a
  shipped order (to the client), a new invoice (to the client and the
  accounting team: the admins and the Accountant role), an invoice gone
  overdue, a payment received (entityId the invoice's id, as TERP's
  recordPayment passes it), a price alert triggered (to the client).  One row
  per channel the recipient's preferences let through (in_app; email where
  the trigger asks for it and the recipient has not turned it off).  Titles,
  messages, links and metadata as the triggers spell them (``Client #id``:
  they are given no client name).  Staff read theirs within hours or days; a
  client reads only in the VIP portal, before its last login; a few read
  ones deleted (soft).  Payable reminders come with the vendor payables
  (D2), debt-aging ones with the VIP tiers (D9): not yet.
* ``notification_preferences``: one per recipient, created with TERP's
  defaults when its first notification is sent (``ensurePreferences``); a few
  clients and staff later turn e-mail off, and get no e-mail rows after that.
* ``user_preferences``: one per user (FEAT-010): its default warehouse (the
  first location of the Main Warehouse) and, for the warehouse crew, a
  default location (the receiving bin); sales reps hide COGS in orders.
* ``organization_settings``: exactly the six settings of
  drizzle/0047_feat_009_015_implementation.sql, with its values (JSON).
* ``dashboard_widget_configs``: no server code reads it; the users who
  customised their dashboard (dashboard_widget_layouts) get its widgets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from generators.access import staff
from generators.common import at, between, business_moment, end_of_day, in_office_hours, setup_day

NOTIFICATION_DAYS = 60


# --------------------------------------------------------------------------- organisation settings
# drizzle/0047: (setting_key, setting_value as JSON, setting_type, description)
ORGANIZATION_SETTINGS: list[tuple[str, object, str, str]] = [
    ("grade_field_enabled", True, "BOOLEAN", "Show/hide the grade field in product and batch forms"),
    ("grade_field_required", False, "BOOLEAN", "Make grade field required when enabled"),
    ("expected_delivery_enabled", True, "BOOLEAN", "Show/hide expected delivery date in purchase orders"),
    ("cogs_display_mode", "VISIBLE", "STRING", "COGS display mode: VISIBLE, HIDDEN, or ADMIN_ONLY"),
    ("default_unit_of_measure", "EA", "STRING", "Default unit of measure for new products"),
    ("packaged_unit_enabled", True, "BOOLEAN", "Enable PACKAGED as a unit type option"),
]


def organization_settings(ctx):
    created = at(setup_day(ctx), 7, 30)
    return [
        {"id": ctx.id(n), "setting_key": key, "setting_value": value, "setting_type": kind,
         "description": description, "is_active": True, "scope": "SYSTEM",
         "created_at": created, "updated_at": created}
        for n, (key, value, kind, description) in enumerate(ORGANIZATION_SETTINGS, start=1)
    ]


# --------------------------------------------------------------------------- user preferences
WAREHOUSE_JOBS = ("Warehouse Lead", "Warehouse Associate", "Inventory Manager", "Buyer")


def user_preferences(ctx):
    rng = ctx.rng
    locations = ctx.rows("locations")
    warehouse = next(loc for loc in locations if loc["site"] == "Main Warehouse")
    receiving = next(loc for loc in locations if loc["site"] == "Main Warehouse" and loc["zone"] == "Zone A"
                     and loc["rack"] == "Rack 1" and loc["shelf"] == "Shelf 1" and loc["bin"] == "Bin 1")
    rows = []
    for user, job, _rbac in staff(ctx):
        first = max(user["createdAt"].date(), ctx.window_start)
        created = business_moment(rng, first, min(ctx.window_end, first + dt.timedelta(days=20)))
        rows.append({
            "id": ctx.id(len(rows) + 1), "user_id": user["id"], "default_warehouse_id": warehouse["id"],
            "default_location_id": receiving["id"] if job in WAREHOUSE_JOBS else None,
            "show_cogs_in_orders": job != "Sales Rep", "show_margin_in_orders": True,
            "show_grade_field": True, "hide_expected_delivery": job in ("Sales Rep", "Sales Manager"),
            "created_at": created, "updated_at": created,
        })
    return rows


# --------------------------------------------------------------------------- dashboard widget configs
def dashboard_widget_configs(ctx):
    rows = []
    for layout in ctx.rows("dashboard_widget_layouts"):
        if layout["userId"] is None:
            continue
        rows.append({
            "id": ctx.id(len(rows) + 1), "user_id": layout["userId"], "widget_type": layout["widgetType"],
            "config": layout["config"], "position": layout["position"], "is_visible": layout["isVisible"],
            "created_at": layout["createdAt"], "updated_at": layout["updatedAt"],
        })
    return rows


# --------------------------------------------------------------------------- notifications
@dataclass(slots=True)
class Notice:
    """One notification a trigger sends to one recipient (before channels)."""

    at: dt.datetime
    recipient: tuple[str, int]        # ("user", users.id) or ("client", clients.id)
    type: str
    title: str
    message: str
    link: str
    category: str                     # order, system, appointment (preferences' switches)
    channels: tuple[str, ...]
    metadata: dict


@dataclass(slots=True)
class Preference:
    recipient: tuple[str, int]
    created: dt.datetime
    email_off: dt.datetime | None = None   # when e-mail was turned off


@dataclass(slots=True)
class Notices:
    rows: list[dict] = field(default_factory=list)        # notifications, without ids
    preferences: list[Preference] = field(default_factory=list)


def _js_number(value: Decimal) -> int | float:
    """A JavaScript number's value (``input.amount``): 1200 and 1200.5, never 1200.50."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _js_text(value: Decimal) -> str:
    """How a template literal prints a JavaScript number."""
    number = _js_number(value)
    return str(number)


def _money(value: Decimal) -> str:
    """A decimal column as drizzle returns it: text with its two places."""
    return f"{Decimal(value):.2f}"


def _path(base: str, tab: str | None = None, **params) -> str:
    """notificationTriggers.buildWorkspacePath: tab first, then the set params."""
    query = ([f"tab={tab}"] if tab else []) + [f"{k}={v}" for k, v in params.items() if v is not None]
    return base + ("?" + "&".join(query) if query else "")


def _teams(ctx) -> tuple[list[int], list[int]]:
    """The users TERP's triggers notify: (sales team, accounting team), each the
    admins (users.role = admin: RBAC has no role named Administrator) and the
    holders of the RBAC role Sales Manager, resp. Accountant, in id order."""
    users = ctx.rows("users")
    admins = [u["id"] for u in users if u["role"] == "admin"]
    roles = {r["id"]: r["name"] for r in ctx.rows("roles")}
    by_open_id = {u["openId"]: u["id"] for u in users}

    def holders(role: str) -> list[int]:
        return [by_open_id[g["user_id"]] for g in ctx.rows("user_roles") if roles[g["role_id"]] == role]

    sales = sorted(set(admins) | set(holders("Sales Manager")))
    accounting = sorted(set(admins) | set(holders("Accountant")))
    return sales, accounting


def _events(ctx, first: dt.datetime, last: dt.datetime) -> list[Notice]:
    sales, accounting = _teams(ctx)
    rng = ctx.rng
    notices: list[Notice] = []

    def inside(moment: dt.datetime | None) -> bool:
        return moment is not None and first <= moment <= last

    for o in ctx.rows("orders"):
        meta = {"entityType": "order", "entityId": o["id"], "orderNumber": o["order_number"]}
        if inside(o["created_at"]):
            moment = o["created_at"] + dt.timedelta(seconds=1)
            for user in sales:
                notices.append(Notice(moment, ("user", user), "info", "New Order Created",
                                      f"Order {o['order_number']} created for Client #{o['client_id']}"
                                      f" - ${_money(o['total'])}",
                                      _path("/sales", "orders", id=o["id"]), "order", ("in_app",),
                                      {**meta, "clientId": o["client_id"]}))
            notices.append(Notice(moment, ("client", o["client_id"]), "info", "Order Received",
                                  f"Your order {o['order_number']} has been received and is being processed.",
                                  _path("/sales", "orders"), "order", ("in_app",), dict(meta)))
        if inside(o["shipped_at"]):
            notices.append(Notice(o["shipped_at"] + dt.timedelta(seconds=1), ("client", o["client_id"]), "info",
                                  "Order Shipped", f"Your order {o['order_number']} has been shipped.",
                                  _path("/sales", "orders"), "order", ("in_app", "email"), dict(meta)))
    for inv in ctx.rows("invoices"):
        meta = {"entityType": "invoice", "entityId": inv["id"], "invoiceNumber": inv["invoiceNumber"]}
        if inside(inv["createdAt"]):
            moment = inv["createdAt"] + dt.timedelta(seconds=1)
            notices.append(Notice(moment, ("client", inv["customerId"]), "info", "New Invoice",
                                  f"Invoice {inv['invoiceNumber']} for ${_money(inv['totalAmount'])} has been created.",
                                  _path("/accounting", "invoices"), "order", ("in_app", "email"), dict(meta)))
            for user in accounting:
                notices.append(Notice(moment, ("user", user), "info", "Invoice Created",
                                      f"Invoice {inv['invoiceNumber']} created for Client #{inv['customerId']}",
                                      _path("/accounting", "invoices", id=inv["id"]), "order", ("in_app",),
                                      dict(meta)))
        overdue = in_office_hours(rng, at(inv["dueDate"] + dt.timedelta(days=1), 0))
        if inv["status"] == "OVERDUE" and inside(overdue):
            due = _money(inv["amountDue"])
            for user in accounting:
                notices.append(Notice(overdue, ("user", user), "warning", "Invoice Overdue",
                                      f"Invoice {inv['invoiceNumber']} for Client #{inv['customerId']} is overdue."
                                      f" Amount due: ${due}", _path("/accounting", "invoices", id=inv["id"]),
                                      "order", ("in_app",), {**meta, "priority": "high"}))
            notices.append(Notice(overdue, ("client", inv["customerId"]), "warning", "Invoice Overdue",
                                  f"Your invoice {inv['invoiceNumber']} is now overdue. Amount due: ${due}",
                                  _path("/accounting", "invoices"), "order", ("in_app", "email"),
                                  {**meta, "priority": "high"}))
    numbers = {inv["id"]: inv["invoiceNumber"] for inv in ctx.rows("invoices")}
    for p in ctx.rows("payments"):
        if p["paymentType"] != "RECEIVED" or p["invoiceId"] is None or not inside(p["createdAt"]):
            continue
        moment, amount = p["createdAt"] + dt.timedelta(seconds=1), _js_number(p["amount"])
        for user in accounting:
            notices.append(Notice(moment, ("user", user), "success", "Payment Received",
                                  f"Payment of ${_js_text(p['amount'])} received from Client #{p['customerId']}"
                                  f" for Invoice {numbers[p['invoiceId']]}",
                                  _path("/accounting", "payments", id=p["invoiceId"]), "order", ("in_app",),
                                  {"entityType": "payment", "entityId": p["invoiceId"],
                                   "clientId": p["customerId"], "amount": amount}))
        notices.append(Notice(moment, ("client", p["customerId"]), "success", "Payment Received",
                              f"Your payment of ${_js_text(p['amount'])} has been received. Thank you!",
                              _path("/accounting", "payments"), "order", ("in_app",),
                              {"entityType": "payment", "entityId": p["invoiceId"], "amount": amount}))
    batches = {b["id"]: b for b in ctx.rows("batches")}
    names = {p["id"]: p["nameCanonical"] for p in ctx.rows("products")}
    for alert in ctx.rows("client_price_alerts"):
        if not inside(alert["triggered_at"]):
            continue
        # vipAlertService.checkVipPriceAlertsForBatch: the batch's unitCogs is the current price
        batch = batches[alert["batch_id"]]
        target, current = Decimal(alert["target_price"]), Decimal(str(batch["unitCogs"] or 0))
        name = names.get(batch["productId"]) or batch["sku"]
        notices.append(Notice(alert["triggered_at"], ("client", alert["client_id"]), "success",
                              "Price Alert Triggered",
                              f"{name} is now ${current:.2f}/unit (target: ${target:.2f})",
                              f"/inventory/{batch['id']}", "system", ("in_app",),
                              {"alertId": alert["id"], "batchId": batch["id"], "targetPrice": _js_number(target),
                               "currentPrice": _js_number(current), "alertType": "vip_price_alert"}))
    notices.sort(key=lambda n: (n.at, n.recipient, n.title))
    return notices


EMAIL_OFF = {"user": 0.1, "client": 0.25}    # recipients who later turn e-mail off
STAFF_READ = [(dt.timedelta(days=3), 0.95), (dt.timedelta(days=1), 0.6), (dt.timedelta(0), 0.25)]
DELETED_SHARE = 0.03


def notices(ctx) -> Notices:
    """The window's last NOTIFICATION_DAYS of notifications and the preferences of their recipients."""
    rng = ctx.rng
    last = end_of_day(ctx.window_end)
    first = at(ctx.window_end - dt.timedelta(days=NOTIFICATION_DAYS - 1), 0)
    portal = {a["client_id"]: a["last_login_at"] for a in ctx.rows("vip_portal_auth")}
    prefs: dict[tuple[str, int], Preference] = {}
    result = Notices()
    for notice in _events(ctx, first, last):
        pref = prefs.get(notice.recipient)
        if pref is None:
            pref = prefs[notice.recipient] = Preference(notice.recipient, notice.at)
            if rng.random() < EMAIL_OFF[notice.recipient[0]]:
                off = between(rng, notice.at + dt.timedelta(hours=2), notice.at + dt.timedelta(days=12))
                pref.email_off = off if off <= last else None
        for channel in notice.channels:
            if channel == "email" and pref.email_off is not None and notice.at >= pref.email_off:
                continue
            read_at = _read_at(rng, notice, portal, last)
            result.rows.append({
                "recipient_type": notice.recipient[0],
                "user_id": notice.recipient[1] if notice.recipient[0] == "user" else None,
                "client_id": notice.recipient[1] if notice.recipient[0] == "client" else None,
                "type": notice.type, "title": notice.title, "message": notice.message, "link": notice.link,
                "channel": channel, "read": read_at is not None, "metadata": notice.metadata,
                "is_deleted": read_at is not None and notice.recipient[0] == "user" and rng.random() < DELETED_SHARE,
                "created_at": notice.at, "updated_at": read_at or notice.at,
            })
    result.preferences = sorted(prefs.values(), key=lambda p: (p.created, p.recipient))
    return result


def _read_at(rng, notice: Notice, portal: dict, last: dt.datetime) -> dt.datetime | None:
    """When the recipient read it: staff within hours or days, by its age at the
    window's end; a client in the VIP portal, at a login after it (its last)."""
    if notice.recipient[0] == "client":
        login = portal.get(notice.recipient[1])
        return login if login is not None and notice.at < login <= last and rng.random() < 0.8 else None
    age = last - notice.at
    for older_than, share in STAFF_READ:
        if age >= older_than:
            if rng.random() >= share:
                return None
            moment = between(rng, notice.at + dt.timedelta(minutes=5), min(last, notice.at + dt.timedelta(days=2)))
            return max(moment, notice.at + dt.timedelta(minutes=1))
    return None


def notifications(ctx):
    return [{"id": ctx.id(n), **row} for n, row in enumerate(ctx.dataset(notices).rows, start=1)]


def notification_preferences(ctx):
    rows = []
    for pref in ctx.dataset(notices).preferences:
        kind, who = pref.recipient
        rows.append({
            "id": ctx.id(len(rows) + 1), "recipient_type": kind,
            "user_id": who if kind == "user" else None, "client_id": who if kind == "client" else None,
            "in_app_enabled": True, "email_enabled": pref.email_off is None, "sms_enabled": False,
            "appointment_reminders": True, "order_updates": True, "system_alerts": True, "is_deleted": False,
            "created_at": pref.created, "updated_at": pref.email_off or pref.created,
        })
    return rows
