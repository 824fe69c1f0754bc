"""TERP's RBAC vocabulary: its ten system roles and its permission names.

Permission names follow the application's own ``resource:action`` (or
``resource:sub:action``) convention, grouped by the module the application
files them under; role grants follow its role definitions.  This is a
representative subset of the application's ~250 permissions.
"""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    "dashboard": "dashboard:access dashboard:read dashboard:view_kpis dashboard:customize dashboard:preferences:edit",
    "analytics": "analytics:access analytics:view_reports analytics:export",
    "clients": "clients:access clients:read clients:create clients:update clients:delete clients:archive "
               "clients:export clients:needs:read clients:needs:create clients:needs:update "
               "clients:transactions:view clients:notes:add clients:profile:view_full",
    "orders": "orders:access orders:read orders:create orders:update orders:delete orders:cancel "
              "orders:fulfill orders:export orders:view_pricing orders:edit_pricing quotes:access "
              "quotes:create quotes:update quotes:delete quotes:convert_to_order sales_sheets:access "
              "sales_sheets:create sales_sheets:update",
    "inventory": "inventory:access inventory:read inventory:create inventory:update inventory:delete "
                 "inventory:quantity:adjust inventory:quantity:view inventory:intake inventory:transfer "
                 "inventory:movements:view inventory:status:update inventory:export strains:read "
                 "strains:create strains:update locations:read locations:create locations:update "
                 "product_intake:access product_intake:process",
    "purchase_orders": "purchase_orders:access purchase_orders:read purchase_orders:create "
                       "purchase_orders:update purchase_orders:approve purchase_orders:receive "
                       "purchase_orders:cancel",
    "vendors": "vendors:access vendors:read vendors:create vendors:update vendors:archive "
               "vendor_supply:read vendor_supply:create vendor_supply:update",
    "accounting": "accounting:access accounting:read accounting:transactions:read "
                  "accounting:transactions:create accounting:gl:view accounting:gl:create_entry "
                  "accounting:reconcile accounting:export accounting:reports:view accounting:reports:export "
                  "accounting:close_period credits:access credits:read credits:create credits:apply "
                  "cogs:access cogs:view cogs:edit bad_debt:access bad_debt:view bad_debt:write_off",
    "pricing": "pricing:access pricing:rules:read pricing:rules:create pricing:rules:update "
               "pricing:profiles:read pricing:profiles:create pricing:profiles:update "
               "pricing:defaults:view pricing:defaults:edit",
    "returns": "returns:access returns:read returns:create returns:process refunds:access refunds:issue",
    "calendar": "calendar:access calendar:events:read calendar:events:create calendar:events:update "
                "calendar:events:delete calendar:meetings:schedule calendar:reminders:set",
    "todo": "todo:access todo:lists:read todo:lists:create todo:tasks:read todo:tasks:create "
            "todo:tasks:update todo:tasks:assign todo:tasks:complete",
    "vip_portal": "vip_portal:access vip_portal:config:view vip_portal:config:edit "
                  "vip_portal:clients:manage vip_portal:analytics:view",
    "samples": "samples:access samples:read samples:create samples:allocate samples:track",
    "matching": "matching:access matching:run matching:view_results",
    "comments": "comments:access comments:read comments:create comments:update notes:create notes:update",
    "inbox": "inbox:access inbox:read inbox:mark_read",
    "audit_logs": "audit_logs:access audit_logs:view audit_logs:export",
    "users": "users:access users:read users:manage roles:read permissions:assign",
    "settings": "settings:access settings:view settings:edit",
    "alerts": "alerts:read alerts:create alerts:update",
}

# The collaboration basics every working role gets.
_WORKDAY = ("dashboard:access", "dashboard:read", "dashboard:view_kpis", "calendar:access",
            "calendar:events:read", "todo:access", "todo:lists:read", "todo:tasks:read",
            "todo:tasks:update", "todo:tasks:complete", "comments:access", "comments:read",
            "comments:create", "inbox:access", "inbox:read", "inbox:mark_read")


def _read_only(name: str) -> bool:
    return name.endswith((":access", ":read", ":view", ":view_kpis", ":view_reports",
                          ":view_results", ":view_pricing", ":view_full", ":transactions:view",
                          ":movements:view", ":quantity:view", ":gl:view", ":reports:view",
                          ":analytics:view", ":config:view"))


def _under(*prefixes: str):
    return lambda name: name.startswith(prefixes)


ROLES: list[tuple[str, str, object]] = [
    ("Super Admin", "Every permission", lambda name: True),
    ("Owner/Executive", "Sees the whole business, changes nothing",
     lambda name: _read_only(name) or name in ("analytics:export", "accounting:reports:export",
                                               "audit_logs:export", "dashboard:customize")),
    ("Operations Manager", "Runs orders, inventory, purchasing and fulfilment",
     lambda name: name in _WORKDAY or _under("orders:", "inventory:", "strains:", "locations:",
                                             "product_intake:", "purchase_orders:", "vendors:",
                                             "vendor_supply:", "returns:", "refunds:", "samples:",
                                             "alerts:", "calendar:")(name)
     and not name.endswith(":delete") or _read_only(name) and _under("clients:", "accounting:", "pricing:")(name)),
    ("Sales Manager", "Owns the client book, quotes, pricing views and the VIP portal",
     lambda name: name in _WORKDAY or _under("clients:", "orders:", "quotes:", "sales_sheets:", "samples:",
                                             "vip_portal:", "matching:", "calendar:", "alerts:")(name)
     and not name.endswith((":delete", ":export")) or _read_only(name) and _under("inventory:", "pricing:")(name)),
    ("Accountant", "Invoices, payments, the ledger, credit and COGS",
     lambda name: name in _WORKDAY or _under("accounting:", "credits:", "cogs:", "bad_debt:")(name)
     or _read_only(name) and _under("clients:", "orders:", "vendors:", "pricing:", "analytics:")(name)),
    ("Inventory Manager", "Intake, batches, locations and samples",
     lambda name: name in _WORKDAY or _under("inventory:", "strains:", "locations:", "product_intake:",
                                             "samples:", "alerts:")(name) and name != "inventory:delete"
     or name in ("purchase_orders:access", "purchase_orders:read", "purchase_orders:create")
     or _read_only(name) and _under("clients:", "orders:", "vendors:", "pricing:")(name)),
    ("Buyer/Procurement", "Purchase orders, vendors and vendor supply",
     lambda name: name in _WORKDAY or _under("purchase_orders:", "vendors:", "vendor_supply:")(name)
     or name in ("inventory:access", "inventory:read", "inventory:quantity:view", "inventory:intake")),
    ("Customer Service", "Takes orders and quotes for clients, handles returns",
     lambda name: name in _WORKDAY or _under("clients:", "returns:")(name) and not name.endswith(":delete")
     or name in ("orders:access", "orders:read", "orders:create", "orders:update", "orders:cancel",
                 "orders:view_pricing", "quotes:access", "quotes:create", "quotes:update",
                 "refunds:access", "refunds:issue", "inventory:access", "inventory:read",
                 "inventory:quantity:view", "calendar:meetings:schedule", "calendar:reminders:set")),
    ("Warehouse Staff", "Receives, moves, packs and ships",
     lambda name: name in _WORKDAY or name in (
         "clients:access", "clients:read", "orders:access", "orders:read", "orders:update", "orders:fulfill",
         "inventory:access", "inventory:read", "inventory:quantity:adjust", "inventory:quantity:view",
         "inventory:transfer", "inventory:movements:view", "inventory:status:update",
         "product_intake:access", "product_intake:process", "purchase_orders:access",
         "purchase_orders:read", "purchase_orders:receive", "returns:access", "returns:read",
         "returns:process")),
    ("Read-Only Auditor", "Reads everything, audit logs included",
     lambda name: _read_only(name) or _under("audit_logs:")(name)),
]


def permission_list() -> list[tuple[str, str]]:
    """(name, module) of every permission, in catalog order."""
    return [(name, module) for module, names in PERMISSIONS.items() for name in names.split()]
