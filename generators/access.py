"""Staff and access control: users, roles, permissions and their links.

TERP's RBAC keys ``user_roles.user_id`` and ``user_permission_overrides.user_id``
on ``users.openId`` (text), not on ``users.id``; ``users.openId`` is the login
name, here the work e-mail.  ``users.loginMethod`` holds a password hash in
TERP, so seeded staff get none: nobody can sign in as a seeded user.
"""

from __future__ import annotations

import datetime as dt

from generators.common import at, business_moment, setup_day, slug
from generators.rbac_catalog import ROLES, SUPER_ADMIN, permission_list, role_grants

COMPANY_DOMAIN = "terpwholesale.example"

# (job, users.role, RBAC role, head count; None = one rep for about a dozen clients).
# At 699deaff many endpoints check permission names no role holds (the dashboard,
# accounting, pricing, to-dos, the inbox, notes, settings, the workflow queue):
# only Super Admin passes them, so the two admins hold it; the others hold the
# role of their job and see what its permissions open.
STAFF = [
    ("Owner", "admin", SUPER_ADMIN, 1),
    ("Operations Director", "admin", SUPER_ADMIN, 1),
    ("Operations Manager", "user", "Operations Manager", 1),
    ("Sales Manager", "user", "Sales Manager", 1),
    ("Sales Rep", "user", "Customer Service", None),
    ("Inventory Manager", "user", "Inventory Manager", 1),
    ("Buyer", "user", "Buyer/Procurement", 1),
    ("Warehouse Lead", "user", "Warehouse Staff", 1),
    ("Warehouse Associate", "user", "Warehouse Staff", 1),
    ("Controller", "user", "Accountant", 1),
    ("AR Specialist", "user", "Accountant", 1),
    ("Compliance Officer", "user", "Read-Only Auditor", 1),
]

# Per-user exceptions to the roles: (job, permission, granted 1 / revoked 0)
OVERRIDES = [
    ("Sales Rep", "pricing:rules:update", 1),
    ("Warehouse Associate", "inventory:quantity:adjust", 0),
    ("AR Specialist", "bad_debt:write_off", 0),
    ("Buyer", "strains:create", 1),
]


def _sales_reps(ctx) -> int:
    return max(2, round(ctx.scaled(ctx.scenario.clients) / 12))


def _jobs(ctx) -> list[tuple[str, str, str]]:
    jobs = []
    for job, app_role, rbac_role, count in STAFF:
        jobs += [(job, app_role, rbac_role)] * (count or _sales_reps(ctx))
    return jobs


def users(ctx):
    fake, rng = ctx.fake, ctx.rng
    rows, seen = [], set()
    for n, (_job, app_role, _rbac) in enumerate(_jobs(ctx), start=1):
        first, last = fake.first_name(), fake.last_name()
        email = f"{slug(first, '.')}.{slug(last, '.')}@{COMPANY_DOMAIN}"
        if email in seen:
            email = email.replace("@", f"{n}@")
        seen.add(email)
        created = at(setup_day(ctx) - dt.timedelta(days=rng.randint(0, 20)), 9 + n % 8, n % 60)
        rows.append({
            "id": ctx.id(n), "openId": email, "name": f"{first} {last}", "email": email,
            "loginMethod": None, "role": app_role, "createdAt": created, "updatedAt": created,
            "lastSignedIn": business_moment(rng, ctx.window_end - dt.timedelta(days=14), ctx.window_end),
        })
    return rows


def staff(ctx) -> list[tuple[dict, str, str]]:
    """Each seeded user with its job and RBAC role, in user order."""
    return [(user, job, rbac) for user, (job, _app, rbac) in zip(ctx.rows("users"), _jobs(ctx))]


def staff_with_job(ctx, job: str) -> list[dict]:
    return [user for user, user_job, _rbac in staff(ctx) if user_job == job]


def roles(ctx):
    created = at(setup_day(ctx), 8)
    return [
        {"id": ctx.id(n), "name": name, "description": description, "is_system_role": 1,
         "created_at": created, "updated_at": created}
        for n, (name, description, _names) in enumerate(ROLES, start=1)
    ]


def permissions(ctx):
    created = at(setup_day(ctx), 8)
    return [
        {"id": ctx.id(n), "name": name, "module": module,
         "description": name.split(":", 1)[1].replace(":", " ").replace("_", " ").capitalize()
         + " - " + name.split(":", 1)[0].replace("_", " "),
         "created_at": created}
        for n, (name, module) in enumerate(permission_list(), start=1)
    ]


def role_permissions(ctx):
    created = at(setup_day(ctx), 8, 5)
    perm_ids = {row["name"]: row["id"] for row in ctx.rows("permissions")}
    grants = role_grants()
    rows = []
    for role_row in ctx.rows("roles"):
        for name, _module in permission_list():
            if name in grants[role_row["name"]]:
                rows.append({"id": ctx.id(len(rows) + 1), "role_id": role_row["id"],
                             "permission_id": perm_ids[name], "created_at": created})
    return rows


def user_roles(ctx):
    role_ids = {row["name"]: row["id"] for row in ctx.rows("roles")}
    return [
        {"id": ctx.id(n), "user_id": user["openId"], "role_id": role_ids[rbac],
         "assigned_at": user["createdAt"] + dt.timedelta(hours=1), "assigned_by": None}
        for n, (user, _job, rbac) in enumerate(staff(ctx), start=1)
    ]


def user_permission_overrides(ctx):
    perms = {row["name"]: row["id"] for row in ctx.rows("permissions")}
    granter = staff_with_job(ctx, "Operations Director")[0]["openId"]
    rows = []
    for job, permission, granted in OVERRIDES:
        user = staff_with_job(ctx, job)[0]
        rows.append({
            "id": ctx.id(len(rows) + 1), "user_id": user["openId"],
            "permission_id": perms[permission], "granted": granted,
            "granted_at": business_moment(ctx.rng, ctx.window_start, ctx.window_start + dt.timedelta(days=20)),
            "granted_by": granter,
        })
    return rows
