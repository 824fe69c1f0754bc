"""Staff and access control: users, roles, permissions and their links."""

from __future__ import annotations

import datetime as dt

from generators.common import at, business_moment, pick, setup_day, slug

COMPANY_DOMAIN = "terpwholesale.example"

# (job, TERP role, how many) -- sales reps scale with the client book.
STAFF = [
    ("Owner", "admin", "Owner", 1),
    ("Operations Director", "admin", "Administrator", 1),
    ("Sales Manager", "user", "Sales Manager", 1),
    ("Sales Rep", "user", "Sales Rep", None),
    ("Inventory Manager", "user", "Inventory Manager", 1),
    ("Warehouse Lead", "user", "Warehouse Staff", 1),
    ("Warehouse Associate", "user", "Warehouse Staff", 1),
    ("Controller", "user", "Accountant", 1),
    ("AR Specialist", "user", "Accountant", 1),
    ("Compliance Officer", "user", "Compliance Officer", 1),
]

MODULES = {
    "dashboard": ("view",),
    "clients": ("view", "create", "edit", "delete"),
    "vendors": ("view", "create", "edit", "delete"),
    "inventory": ("view", "create", "edit", "delete", "adjust"),
    "intake": ("view", "create", "approve"),
    "orders": ("view", "create", "edit", "delete", "fulfill"),
    "quotes": ("view", "create", "edit", "convert"),
    "samples": ("view", "create", "fulfill"),
    "pricing": ("view", "edit"),
    "purchase_orders": ("view", "create", "edit", "approve"),
    "invoices": ("view", "create", "edit", "void"),
    "payments": ("view", "record", "refund"),
    "accounting": ("view", "post", "close_period"),
    "credit": ("view", "override"),
    "calendar": ("view", "create", "edit"),
    "todos": ("view", "create", "edit"),
    "notes": ("view", "create"),
    "reports": ("view", "export"),
    "vip_portal": ("view", "configure"),
    "settings": ("view", "edit"),
    "users": ("view", "manage"),
}

ROLES = [
    ("Owner", "Full access, including users and settings", True,
     lambda m, a: True),
    ("Administrator", "Runs day-to-day operations with full access", True,
     lambda m, a: True),
    ("Sales Manager", "Manages the client book, pricing and the sales team", False,
     lambda m, a: m in {"dashboard", "clients", "orders", "quotes", "samples", "pricing",
                        "calendar", "todos", "notes", "reports", "credit", "vip_portal"}
     or (m in {"inventory", "invoices", "payments", "vendors"} and a == "view")),
    ("Sales Rep", "Sells to assigned clients: quotes, orders, samples", False,
     lambda m, a: (m in {"clients", "orders", "quotes", "samples"} and a != "delete")
     or (m in {"dashboard", "inventory", "pricing", "invoices", "calendar", "todos", "notes"}
         and a in {"view", "create", "edit"} and (a == "view" or m in {"calendar", "todos", "notes"}))),
    ("Inventory Manager", "Owns intake, batches, locations and purchase orders", False,
     lambda m, a: m in {"inventory", "intake", "purchase_orders", "vendors", "samples"}
     or (m in {"dashboard", "orders", "calendar", "todos", "notes", "reports"} and a in {"view", "create", "fulfill"})),
    ("Warehouse Staff", "Receives, moves, packs and ships inventory", False,
     lambda m, a: (m in {"inventory", "intake"} and a in {"view", "create", "adjust"})
     or (m == "orders" and a in {"view", "fulfill"})
     or (m in {"dashboard", "calendar", "todos"} and a == "view")),
    ("Accountant", "Invoices, payments, the ledger and credit", False,
     lambda m, a: m in {"invoices", "payments", "accounting", "credit", "reports"}
     or (m in {"dashboard", "clients", "vendors", "orders", "purchase_orders", "calendar", "todos", "notes"}
         and a == "view")),
    ("Compliance Officer", "Audits inventory, quarantine and records", False,
     lambda m, a: a == "view" or (m == "inventory" and a == "adjust")),
    ("Read Only", "Can look at everything, change nothing", False,
     lambda m, a: a == "view"),
]


def _setup(ctx) -> dt.date:
    return setup_day(ctx)


def _sales_reps(ctx) -> int:
    """One rep for about a dozen clients, at least two."""
    return max(2, round(ctx.scaled(ctx.scenario.clients) / 12))


def users(ctx):
    fake = ctx.fake
    rng = ctx.rng
    reps = _sales_reps(ctx)
    rows = []
    seen_emails = set()
    for job, role, _terp_role, count in STAFF:
        for _ in range(count or reps):
            first, last = fake.first_name(), fake.last_name()
            email = f"{slug(first, '.')}.{slug(last, '.')}@{COMPANY_DOMAIN}"
            while email in seen_emails:
                email = f"{slug(first, '.')}.{slug(last, '.')}{rng.randint(2, 99)}@{COMPANY_DOMAIN}"
            seen_emails.add(email)
            n = len(rows) + 1
            created = at(_setup(ctx) - dt.timedelta(days=rng.randint(0, 20)), 9 + n % 8, n % 60)
            rows.append({
                "id": ctx.id(n),
                "openId": "".join(pick(rng, "0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(22)),
                "name": f"{first} {last}",
                "email": email,
                "loginMethod": "google" if n % 3 else "email",
                "role": role,
                "createdAt": created,
                "updatedAt": created,
                "lastSignedIn": business_moment(rng, ctx.window_end - dt.timedelta(days=14), ctx.window_end),
            })
    return rows


def staff(ctx) -> list[tuple[dict, str, str]]:
    """Each seeded user with its job and RBAC role name, in user order."""
    jobs = []
    reps = _sales_reps(ctx)
    for job, _role, terp_role, count in STAFF:
        jobs += [(job, terp_role)] * (count or reps)
    return [(user, job, role) for user, (job, role) in zip(ctx.rows("users"), jobs)]


def staff_with_job(ctx, job: str) -> list[dict]:
    return [user for user, user_job, _role in staff(ctx) if user_job == job]


def staff_roles(ctx) -> list[tuple[dict, str]]:
    return [(user, role) for user, _job, role in staff(ctx)]


def roles(ctx):
    created = at(_setup(ctx), 8)
    return [
        {"id": ctx.id(n), "name": name, "description": description,
         "is_system_role": 1 if system else 0, "created_at": created, "updated_at": created}
        for n, (name, description, system, _rule) in enumerate(ROLES, start=1)
    ]


def permission_names() -> list[tuple[str, str]]:
    return [(f"{module}:{action}", module) for module, actions in MODULES.items() for action in actions]


def permissions(ctx):
    created = at(_setup(ctx), 8)
    return [
        {"id": ctx.id(n), "name": name, "module": module,
         "description": f"{name.split(':')[1].replace('_', ' ').capitalize()} {module.replace('_', ' ')}",
         "created_at": created}
        for n, (name, module) in enumerate(permission_names(), start=1)
    ]


def role_permissions(ctx):
    created = at(_setup(ctx), 8, 5)
    perm_ids = {row["name"]: row["id"] for row in ctx.rows("permissions")}
    rows = []
    for role_row, (_name, _desc, _system, rule) in zip(ctx.rows("roles"), ROLES):
        for name, module in permission_names():
            if rule(module, name.split(":")[1]):
                rows.append({"id": ctx.id(len(rows) + 1), "role_id": role_row["id"],
                             "permission_id": perm_ids[name], "created_at": created})
    return rows


def user_roles(ctx):
    role_ids = {row["name"]: row["id"] for row in ctx.rows("roles")}
    owner = ctx.rows("users")[0]
    rows = []
    for user, role_name in staff_roles(ctx):
        rows.append({
            "id": ctx.id(len(rows) + 1),
            "user_id": str(user["id"]),
            "role_id": role_ids[role_name],
            "assigned_at": user["createdAt"] + dt.timedelta(hours=1),
            "assigned_by": None if user is owner else str(owner["id"]),
        })
    return rows


def user_permission_overrides(ctx):
    """A few exceptions to the roles: reps allowed to edit pricing, one revoked."""
    perms = {row["name"]: row["id"] for row in ctx.rows("permissions")}
    owner = ctx.rows("users")[0]
    rows = []
    for user, role_name in staff_roles(ctx):
        grant = None
        if role_name == "Sales Rep" and not rows:
            grant = ("pricing:edit", 1)
        elif role_name == "Warehouse Staff" and len(rows) == 1:
            grant = ("inventory:adjust", 0)
        elif role_name == "Accountant" and len(rows) == 2:
            grant = ("reports:export", 1)
        if grant:
            rows.append({
                "id": ctx.id(len(rows) + 1),
                "user_id": str(user["id"]),
                "permission_id": perms[grant[0]],
                "granted": grant[1],
                "granted_at": business_moment(ctx.rng, ctx.window_start, ctx.window_start + dt.timedelta(days=20)),
                "granted_by": str(owner["id"]),
            })
    return rows
