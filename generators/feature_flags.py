"""Feature flags (TERP 2026-02-15 and later): drizzle/schema-feature-flags.ts.

* ``feature_flags``: exactly the DEFAULT_FLAGS of TERP's
  server/services/seedFeatureFlags.ts at b2e16915 (60 flags, in its order),
  created as its ``seedFeatureFlags`` creates them when an admin presses
  "Seed defaults" on the Feature Flags page (featureFlags.seedDefaults, the
  admin's openId as actor) while the company set TERP up: key, name,
  description, module, the two switches; no dependency, no metadata.
* ``feature_flag_role_overrides`` and ``feature_flag_user_overrides``: a few
  switches an admin set later (``setRoleOverride``, ``setUserOverride``:
  created_by the admin's openId; a user override names users.openId).
* ``feature_flag_audit_logs``: what featureFlagsDb writes: one ``created``
  per flag (new_value the flag as seedFeatureFlags passed it, JSON.stringify's
  keys and order), and an ``override_added`` per override (new_value
  {type, roleId | userOpenId, enabled}).
"""

from __future__ import annotations

import datetime as dt

from generators.access import staff_with_job
from generators.common import at, business_moment, setup_day

# (key, name, description, module, systemEnabled, defaultEnabled): seedFeatureFlags.ts DEFAULT_FLAGS
DEFAULT_FLAGS: list[tuple[str, str, str, str | None, bool, bool]] = [
    ('module-accounting', 'Accounting Module', 'Enable the accounting module including GL, invoices, and financial reports', None, True, True),
    ('module-inventory', 'Inventory Module', 'Enable inventory management, tracking, and movements', None, True, True),
    ('module-sales', 'Sales Module', 'Enable sales features including orders, quotes, and sales sheets', None, True, True),
    ('module-vip-portal', 'VIP Portal Module', 'Enable the VIP portal for client self-service', None, True, True),
    ('credit-management', 'Credit Management', 'Enable credit management features for client accounts', 'module-accounting', True, True),
    ('bad-debt-write-off', 'Bad Debt Write-Off', 'Enable bad debt write-off functionality', 'module-accounting', True, True),
    ('automatic-gl-posting', 'Automatic GL Posting', 'Automatically post transactions to the general ledger', 'module-accounting', True, True),
    ('cogs-calculation', 'COGS Calculation', 'Enable cost of goods sold calculation', 'module-inventory', True, True),
    ('inventory-tracking', 'Inventory Tracking', 'Enable detailed inventory tracking and movements', 'module-inventory', True, True),
    ('live-catalog', 'Live Catalog', 'Enable the VIP Portal Live Catalog feature for browsing inventory', 'module-vip-portal', True, True),
    ('vip-admin-impersonation', 'VIP Admin Impersonation', 'Enable admin impersonation for VIP portal access with full audit logging (FEATURE-012)', 'module-vip-portal', True, True),
    ('live-shopping', 'Live Shopping', 'Enable live shopping sessions for real-time sales', 'module-sales', True, True),
    ('pick-pack', 'Pick & Pack', 'Enable pick and pack workflow for order fulfillment', 'module-inventory', True, True),
    ('photography', 'Photography Module', 'Enable product photography workflow', 'module-inventory', True, True),
    ('leaderboard', 'Leaderboard', 'Enable sales leaderboard and gamification features', 'module-sales', True, True),
    ('analytics-dashboard', 'Analytics Dashboard', 'Enable advanced analytics and reporting dashboard', None, True, True),
    ('owner-command-center-dashboard', 'Owner Command Center Dashboard', 'Replace the standard dashboard with the owner command center card layout', None, True, True),
    ('spreadsheet-view', 'Spreadsheet View', 'Enable unified spreadsheet interface for inventory, intake, and pick & pack workflows', 'module-inventory', True, True),
    ('spreadsheet-native-pilot', 'Spreadsheet-Native Pilot', 'Enable internal sheet-native pilot surfaces for all workbooks. Covers 11 modules (Orders, Inventory, Sales Sheets, Payments, Client Ledger, Intake, POs, Fulfillment, Invoices, Returns, Samples). Toggle reverts to classic with one click.', None, True, True),
    ('feature-secure-user-management', 'Secure User Management', 'Enables protected user management endpoints with permission checks', None, True, True),
    ('feature-admin-user-ux', 'Admin User UX Improvements', 'Enables improved admin user management UI with search, filter, and pagination', None, True, True),
    ('feature-my-account', 'My Account Page', 'Enables dedicated account page for users to manage their profile and password', None, True, True),
    ('feature-notification-prefs-polish', 'Notification Preferences Polish', 'Enables polished notification preferences UI with loading states and error handling', None, True, True),
    ('feature-admin-audit-ui', 'Admin Audit UI', 'Enables audit trail visibility in admin UI for user activity history', None, True, True),
    ('work-surface-enabled', 'Work Surface: Master Switch', 'Master switch to enable all Work Surface features', None, True, True),
    ('WORK_SURFACE_INTAKE', 'Work Surface: Intake', 'Enable Work Surface UI for Direct Intake and Purchase Orders pages', None, True, True),
    ('WORK_SURFACE_ORDERS', 'Work Surface: Orders', 'Enable Work Surface UI for Orders, Quotes, and Clients pages', None, True, True),
    ('WORK_SURFACE_INVENTORY', 'Work Surface: Inventory', 'Enable Work Surface UI for Inventory and Pick & Pack pages', None, True, True),
    ('WORK_SURFACE_ACCOUNTING', 'Work Surface: Accounting', 'Enable Work Surface UI for Invoices and Client Ledger pages', None, True, True),
    ('work-surface-direct-intake', 'Work Surface: Direct Intake', 'Enable Work Surface UI for the Direct Intake workflow', None, True, True),
    ('work-surface-purchase-orders', 'Work Surface: Purchase Orders', 'Enable Work Surface UI for the Purchase Orders workflow', None, True, True),
    ('work-surface-clients', 'Work Surface: Clients', 'Enable Work Surface UI for the Clients page', None, True, True),
    ('work-surface-orders', 'Work Surface: Orders', 'Enable Work Surface UI for the Orders page', None, True, True),
    ('work-surface-inventory', 'Work Surface: Inventory', 'Enable Work Surface UI for the Inventory page', None, True, True),
    ('work-surface-invoices', 'Work Surface: Invoices', 'Enable Work Surface UI for the Invoices page', None, True, True),
    ('work-surface-keyboard-contract', 'Work Surface: Keyboard Navigation', 'Enable keyboard navigation contract for Work Surface components', None, True, True),
    ('work-surface-save-state', 'Work Surface: Save State', 'Enable save state persistence for Work Surface forms', None, True, True),
    ('work-surface-inspector-panel', 'Work Surface: Inspector Panel', 'Enable inspector side panel for Work Surface detail views', None, True, True),
    ('work-surface-validation-timing', 'Work Surface: Validation Timing', 'Enable async validation timing for Work Surface forms', None, True, True),
    ('work-surface-concurrent-edit', 'Work Surface: Concurrent Edit Protection', 'Enable concurrent edit detection and conflict resolution', None, True, True),
    ('work-surface-golden-flow-intake', 'Work Surface: Golden Flow Intake', 'Enable optimized intake workflow with Work Surface', None, True, True),
    ('work-surface-golden-flow-order', 'Work Surface: Golden Flow Order', 'Enable optimized order creation workflow with Work Surface', None, True, True),
    ('work-surface-golden-flow-invoice', 'Work Surface: Golden Flow Invoice', 'Enable optimized invoice workflow with Work Surface', None, True, True),
    ('email-enabled', 'Email Notifications', 'Enable email notification channel for alerts and reminders', None, True, True),
    ('sms-enabled', 'SMS Notifications', 'Enable SMS notification channel for alerts and reminders', None, False, False),
    ('module-calendar', 'Calendar Module', 'Enable calendar and scheduling features', None, True, True),
    ('calendar-appointments', 'Appointment Booking', 'Enable appointment request and approval workflow', 'module-calendar', True, True),
    ('calendar-time-off', 'Time Off Management', 'Enable time-off request and approval workflow with availability integration', 'module-calendar', True, True),
    ('calendar-recurrence', 'Recurring Events', 'Enable recurring event patterns (daily, weekly, monthly, yearly)', 'module-calendar', True, True),
    ('calendar-multi-calendar', 'Multi-Calendar Support', 'Enable multiple calendars per user with different settings', 'module-calendar', True, True),
    ('ux.v2.states', 'UX v2: OperationalStateSurface', 'Enables unified loading/empty/error state primitive (TER-1284). Defaults on in dev/staging.', None, True, True),
    ('ux.v2.grid', 'UX v2: PowersheetGrid numeric defaults', 'Auto-applies right-align, tabular-nums, currency formatter on numeric ColDefs (TER-1285). Defaults on.', None, True, True),
    ('ux.v2.drawer', 'UX v2: ManusSheet enforced drawer', 'Enables ManusSheet wrapper with close-X, Esc hint, focus return (TER-1294). Defaults on.', None, True, True),
    ('ux.v2.page-header-invariant', 'UX v2: PageHeader one-primary invariant', 'Dev-mode console.error when more than one primary action in PageHeader (TER-1295). Defaults on.', None, True, True),
    ('ux.v2.freshness', 'UX v2: FreshnessBadge', 'Enables FreshnessBadge primitive reading dataUpdatedAt (TER-1296). Defaults on.', None, True, True),
    ('ux.v2.breadcrumb-registry', 'UX v2: AppBreadcrumb route registry', 'Enables route-registry-driven breadcrumb segments (TER-1297). Defaults on.', None, True, True),
    ('ux.v2.workspace-tabs', 'UX v2: tabGroups two-level rail', 'Enables two-level workspace tab rail when config.tabGroups is set (TER-1305). Defaults on.', None, True, True),
    ('ux.v2.nav-persist', 'UX v2: Sidebar navState persistence', 'Persists sidebar open-group state in localStorage (TER-1306). Defaults on.', None, True, True),
    ('ux.v2.filter-bar', 'UX v2: WorkspaceFilterBar slot', 'Enables filterStrip slot in LinearWorkspaceShell (TER-1310). Defaults on.', None, True, True),
    ('ux.v2.glossary', 'UX v2: Glossary canonical terms', 'Gates TER-1315 glossary rollout — canonical Customer→Client etc substitution. Defaults on.', None, True, True),
]

# (flag key, RBAC role, enabled)
ROLE_OVERRIDES = [
    ("leaderboard", "Warehouse Staff", False),
    ("analytics-dashboard", "Customer Service", False),
    ("owner-command-center-dashboard", "Warehouse Staff", False),
    ("credit-management", "Customer Service", False),
]
# (flag key, job, enabled): a user's own exception to its role's override or the default
USER_OVERRIDES = [
    ("leaderboard", "Warehouse Lead", True),
    ("spreadsheet-native-pilot", "Warehouse Associate", False),
    ("ux.v2.workspace-tabs", "Sales Manager", False),
]


def _seeded_by(ctx) -> dict:
    """The admin who pressed "Seed defaults": the Owner."""
    return staff_with_job(ctx, "Owner")[0]


def _overrider(ctx) -> dict:
    """The admin who manages the switches later: the Operations Director."""
    return staff_with_job(ctx, "Operations Director")[0]


def _seeding_moment(ctx) -> dt.datetime:
    return at(setup_day(ctx) + dt.timedelta(days=1), 10, 12)


def feature_flags(ctx):
    start = _seeding_moment(ctx)
    rows = []
    for n, (key, name, description, module, system, default) in enumerate(DEFAULT_FLAGS, start=1):
        created = start + dt.timedelta(seconds=n // 20)  # one insert after the other
        rows.append({
            "id": ctx.id(n), "key": key, "name": name, "description": description, "module": module,
            "system_enabled": system, "default_enabled": default, "depends_on": None, "metadata": None,
            "created_at": created, "updated_at": created, "deleted_at": None,
        })
    return rows


def _override_moments(ctx, count: int) -> list[dt.datetime]:
    rng = ctx.rng
    first = ctx.window_start + dt.timedelta(days=3)
    last = max(first, ctx.window_end - dt.timedelta(days=2))
    return sorted(business_moment(rng, first, last) for _ in range(count))


def feature_flag_role_overrides(ctx):
    flags = {row["key"]: row["id"] for row in ctx.rows("feature_flags")}
    roles = {row["name"]: row["id"] for row in ctx.rows("roles")}
    actor = _overrider(ctx)["openId"]
    return [
        {"id": ctx.id(n), "flag_id": flags[key], "role_id": roles[role], "enabled": enabled,
         "created_at": moment, "created_by": actor}
        for n, ((key, role, enabled), moment) in enumerate(
            zip(ROLE_OVERRIDES, _override_moments(ctx, len(ROLE_OVERRIDES))), start=1)
    ]


def feature_flag_user_overrides(ctx):
    flags = {row["key"]: row["id"] for row in ctx.rows("feature_flags")}
    actor = _overrider(ctx)["openId"]
    return [
        {"id": ctx.id(n), "flag_id": flags[key], "user_open_id": staff_with_job(ctx, job)[0]["openId"],
         "enabled": enabled, "created_at": moment, "created_by": actor}
        for n, ((key, job, enabled), moment) in enumerate(
            zip(USER_OVERRIDES, _override_moments(ctx, len(USER_OVERRIDES))), start=1)
    ]


def feature_flag_audit_logs(ctx):
    seeder = _seeded_by(ctx)["openId"]
    by_id = {row["id"]: row for row in ctx.rows("feature_flags")}
    entries = []
    for row, (key, name, description, module, system, default) in zip(ctx.rows("feature_flags"), DEFAULT_FLAGS):
        entries.append((row["created_at"], row["id"], key, "created", seeder, None,
                        {"key": key, "name": name, "description": description, "module": module,
                         "systemEnabled": system, "defaultEnabled": default}))
    for o in ctx.rows("feature_flag_role_overrides"):
        entries.append((o["created_at"], o["flag_id"], by_id[o["flag_id"]]["key"], "override_added", o["created_by"],
                        None, {"type": "role", "roleId": o["role_id"], "enabled": bool(o["enabled"])}))
    for o in ctx.rows("feature_flag_user_overrides"):
        entries.append((o["created_at"], o["flag_id"], by_id[o["flag_id"]]["key"], "override_added", o["created_by"],
                        None, {"type": "user", "userOpenId": o["user_open_id"], "enabled": bool(o["enabled"])}))
    entries.sort(key=lambda e: (e[0], e[3] != "created", e[1]))
    return [
        {"id": ctx.id(n), "flag_id": flag_id, "flag_key": key, "feature_flag_audit_action": action,
         "actor_open_id": actor, "previous_value": previous, "new_value": new, "created_at": moment}
        for n, (moment, flag_id, key, action, actor, previous, new) in enumerate(entries, start=1)
    ]
