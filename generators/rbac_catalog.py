"""TERP's RBAC as its application defines it (commit 699deaff, 2025-11-21): its 255
permission names with the module it files each under, its ten system roles and
the permissions each role holds.  TERP's startup inserts exactly these when the
roles table is empty; seeded here, they are what TERP would have written.

Names are written compactly: ``orders:{access,read}`` stands for
``orders:access orders:read``.  ``expand`` spells them out.
"""

from __future__ import annotations

import re

# module -> its permission names, in TERP's order (the permissions' ids follow it).
PERMISSIONS: dict[str, str] = {
    "dashboard": "dashboard:{access,view_kpis,customize,preferences:edit}",
    "analytics": "analytics:{access,view_reports,export}",
    "metrics": "metrics:{view,create,edit}",
    "clients": "clients:{access,read,create,update,delete,archive,export,needs:read,needs:create,"
               "needs:update,needs:delete,transactions:view,notes:add,profile:view_full,bulk_operations}",
    "orders": "orders:{access,read,create,update,delete,cancel,fulfill,export} "
              "quotes:{access,create,update,delete,convert_to_order} "
              "sales_sheets:{access,create,update,delete,export} orders:{view_pricing,edit_pricing}",
    "inventory": "inventory:{access,read,create,update,delete,quantity:adjust,quantity:view,intake,transfer,"
                 "movements:view,status:update,export} strains:{read,create,update,delete} "
                 "locations:{read,create,update,delete} warehouse_transfers:{create,approve,receive} "
                 "product_intake:{access,process}",
    "purchase_orders": "purchase_orders:{access,read,create,update,delete,approve,receive,cancel}",
    "vendors": "vendors:{access,read,create,update,delete,archive} vendor_supply:{read,create,update,delete}",
    "accounting": "accounting:{access,transactions:read,transactions:create,transactions:update,"
                  "transactions:delete,gl:view,gl:create_entry,gl:edit_entry,reconcile,export} "
                  "credits:{access,read,create,update,delete,apply} cogs:{access,view,edit} "
                  "bad_debt:{access,view,write_off,recover} "
                  "accounting:{reports:view,reports:export,close_period,hooks:configure} "
                  "calendar_financials:{view,edit} accounting:audit_trail:view",
    "pricing": "pricing:{access,rules:read,rules:create,rules:update,rules:delete,profiles:read,"
               "profiles:create,profiles:update,profiles:delete,defaults:view,defaults:edit,test}",
    "returns": "returns:{access,read,create,update,process,cancel} refunds:{access,issue,approve,cancel}",
    "calendar": "calendar:{access,events:read,events:create,events:update,events:delete,meetings:schedule,"
                "meetings:cancel,reminders:set,views:customize,participants:add,recurrence:create,export,"
                "share,financials:view,financials:edit}",
    "todo": "todo:{access,lists:read,lists:create,lists:update,lists:delete,tasks:read,tasks:create,"
            "tasks:update,tasks:delete,tasks:assign,tasks:complete,activity:view}",
    "vip_portal": "vip_portal:{access,config:view,config:edit,clients:manage,catalog:manage,pricing:view,"
                  "pricing:edit,alerts:manage,customization,analytics:view}",
    "matching": "matching:{access,run,view_results,configure,records:view,records:create,records:update,"
                "records:delete}",
    "samples": "samples:{access,read,create,update,delete,allocate,track,inventory:view}",
    "comments": "comments:{access,read,create,update,update_all,delete,delete_all} notes:{create,update} "
                "scratchpad:use",
    "inbox": "inbox:{access,read,mark_read,delete,configure} notifications:manage",
    "audit_logs": "audit_logs:{access,view,export,search}",
    "users": "users:{access,read,create,update,delete,deactivate} roles:{read,create,update,delete} "
             "permissions:{assign,override}",
    "settings": "settings:{access,view,edit} configuration:{access,view,edit} "
                "preferences:{view,edit,edit_all} system:{backup,restore,maintenance_mode}",
    "admin": "admin:{access,migrations:run,migrations:rollback,import:data,export:data,quick_fix,"
             "schema:push,logs:view,cache:clear,jobs:manage}",
    "tags": "tags:{access,read,create,update,delete,assign,advanced:access,bulk_operations}",
}

# What most roles share: the dashboard, their calendar, tasks, comments and inbox.
_DESK = ("dashboard:{access,view_kpis} calendar:{access,events:read,events:create,events:update} "
         "todo:{access,lists:read,lists:create,tasks:read,tasks:create,tasks:update,tasks:complete} "
         "comments:{access,read,create,update} notes:{create,update} inbox:{access,read,mark_read} "
         "audit_logs:{access,view}")
_PRICE_LISTS = "pricing:{access,rules:read,profiles:read}"

# (role, description, its permissions; None: every permission), in TERP's order.
ROLES: list[tuple[str, str, str | None]] = [
    ("Super Admin", "Every permission: users, roles, settings and every module", None),
    ("Owner/Executive", "Reads the whole business, its finances and analytics; changes nothing",
     "dashboard:{access,view_kpis,customize} analytics:{access,view_reports,export} "
     "clients:{access,read,transactions:view} orders:{access,read,view_pricing} "
     "inventory:{access,read,quantity:view,movements:view} purchase_orders:{access,read} "
     "vendors:{access,read} accounting:{access,transactions:read,gl:view,reports:view,reports:export} "
     "pricing:{access,rules:read,profiles:read,defaults:view} returns:{access,read} "
     "calendar:{access,events:read} todo:{access,lists:read,tasks:read} "
     "audit_logs:{access,view,export,search}"),
    ("Operations Manager", "Runs inventory, orders, purchasing, vendors and returns; reads clients, "
     "accounting and pricing",
     "dashboard:customize analytics:{access,view_reports} clients:{access,read} "
     "orders:{access,read,create,update,cancel,fulfill,view_pricing} "
     "inventory:{access,read,create,update,quantity:adjust,quantity:view,intake,transfer,movements:view,"
     "status:update,export} strains:{read,create,update} locations:{read,create,update} "
     "warehouse_transfers:{create,approve,receive} product_intake:{access,process} "
     "purchase_orders:{access,read,create,update,approve,receive} vendors:{access,read,create,update} "
     "vendor_supply:{read,create,update} accounting:{access,transactions:read} " + _PRICE_LISTS + " "
     "returns:{access,read,create,update,process} refunds:{access,issue} calendar:events:delete "
     "todo:{lists:update,tasks:assign} samples:{access,read,create,update,allocate} " + _DESK),
    ("Sales Manager", "Owns clients, orders, quotes, sales sheets and the VIP portal; reads inventory "
     "and pricing",
     "dashboard:customize analytics:{access,view_reports} "
     "clients:{access,read,create,update,archive,export,needs:read,needs:create,needs:update,"
     "transactions:view,notes:add,profile:view_full} orders:{access,read,create,update,cancel,export,"
     "view_pricing} quotes:{access,create,update,delete,convert_to_order} "
     "sales_sheets:{access,create,update,delete,export} inventory:{access,read,quantity:view} "
     + _PRICE_LISTS + " pricing:defaults:view "
     "calendar:{events:delete,meetings:schedule,meetings:cancel,reminders:set} "
     "todo:{lists:update,tasks:assign} vip_portal:{access,config:view,config:edit,clients:manage,"
     "catalog:manage,pricing:view,analytics:view} matching:{access,run,view_results,configure} " + _DESK),
    ("Accountant", "Owns accounting, credits, COGS and bad debt; reads clients, orders and vendors",
     "analytics:{access,view_reports,export} clients:{access,read,transactions:view} "
     "orders:{access,read,view_pricing} vendors:{access,read} "
     "accounting:{access,transactions:read,transactions:create,transactions:update,gl:view,gl:create_entry,"
     "gl:edit_entry,reconcile,export,reports:view,reports:export,close_period,hooks:configure,"
     "audit_trail:view} credits:{access,read,create,update,delete,apply} cogs:{access,view,edit} "
     "bad_debt:{access,view,write_off,recover} calendar_financials:{view,edit} " + _PRICE_LISTS + " "
     + _DESK),
    ("Inventory Manager", "Owns inventory, locations, transfers, intake and samples; raises purchase orders",
     "analytics:{access,view_reports} clients:{access,read} orders:{access,read} "
     "inventory:{access,read,create,update,quantity:adjust,quantity:view,intake,transfer,movements:view,"
     "status:update,export} strains:{read,create,update,delete} locations:{read,create,update,delete} "
     "warehouse_transfers:{create,approve,receive} product_intake:{access,process} "
     "purchase_orders:{access,read,create} vendors:{access,read} " + _PRICE_LISTS + " "
     "samples:{access,read,create,update,delete,allocate,track,inventory:view} " + _DESK),
    ("Buyer/Procurement", "Owns purchase orders, vendors and vendor supply; takes intake",
     "analytics:{access,view_reports} orders:{access,read} inventory:{access,read,quantity:view,intake} "
     "purchase_orders:{access,read,create,update,approve,receive,cancel} "
     "vendors:{access,read,create,update,archive} vendor_supply:{read,create,update,delete} "
     + _PRICE_LISTS + " " + _DESK),
    ("Customer Service", "Serves clients: orders, quotes, returns and refunds, meetings and tasks",
     "clients:{access,read,create,update,archive,needs:read,needs:create,needs:update,transactions:view,"
     "notes:add,profile:view_full} orders:{access,read,create,update,cancel,view_pricing} "
     "quotes:{access,create,update} inventory:{access,read,quantity:view} " + _PRICE_LISTS + " "
     "returns:{access,read,create,update,process,cancel} refunds:{access,issue} "
     "calendar:{meetings:schedule,meetings:cancel,reminders:set} comments:delete scratchpad:use "
     "inbox:{delete,configure} notifications:manage " + _DESK),
    ("Warehouse Staff", "Receives purchase orders, moves and adjusts stock, ships and takes returns back",
     "dashboard:{access,view_kpis} clients:{access,read} orders:{access,read,fulfill} "
     "inventory:{access,read,quantity:adjust,quantity:view,transfer,movements:view,status:update} "
     "warehouse_transfers:receive product_intake:{access,process} purchase_orders:{access,read,receive} "
     "returns:{access,read,process} calendar:{access,events:read} "
     "todo:{access,lists:read,tasks:read,tasks:update,tasks:complete} comments:{access,read,create} "
     "inbox:{access,read,mark_read}"),
    ("Read-Only Auditor", "Reads every module; owns the audit logs",
     "dashboard:{access,view_kpis} analytics:{access,view_reports,export} "
     "clients:{access,read,transactions:view} orders:{access,read,view_pricing} "
     "inventory:{access,read,quantity:view,movements:view} purchase_orders:{access,read} "
     "vendors:{access,read} accounting:{access,transactions:read,gl:view,reports:view,reports:export,"
     "audit_trail:view} pricing:{access,rules:read,profiles:read,defaults:view} returns:{access,read} "
     "calendar:{access,events:read} todo:{access,lists:read,tasks:read} "
     "vip_portal:{access,config:view,analytics:view} matching:{access,view_results} samples:{access,read} "
     "comments:{access,read} inbox:{access,read} audit_logs:{access,view,export,search} "
     "users:{access,read} roles:read settings:{access,view} configuration:{access,view}"),
]

# The role whose holders pass every permission check, defined or not (TERP
# compares the role name).
SUPER_ADMIN = "Super Admin"

_GROUP = re.compile(r"^([^:{}]+):\{([^{}]+)\}$")


def expand(text: str) -> list[str]:
    """The permission names ``text`` spells, in its order, each once."""
    names: list[str] = []
    for word in text.split():
        group = _GROUP.match(word)
        for name in ([f"{group[1]}:{rest}" for rest in group[2].split(",")] if group else [word]):
            if name not in names:
                names.append(name)
    return names


def permission_list() -> list[tuple[str, str]]:
    """(name, module) of every permission, in TERP's order."""
    return [(name, module) for module, names in PERMISSIONS.items() for name in expand(names)]


def role_grants() -> dict[str, set[str]]:
    """Each role's permission names."""
    every = {name for name, _module in permission_list()}
    return {role: every if names is None else set(expand(names)) for role, _description, names in ROLES}
