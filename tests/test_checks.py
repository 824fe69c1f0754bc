"""The integrity-check library: passes on seeded data, catches each broken
invariant (and only that one) in every output format, never writes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from checks.cli import main
from checks.library import CheckRenderer, all_checks, library_checks
from checks.runner import run
from terpseed.schema.versions import VERSIONS, latest
from terpseed.schema_view import view
from tests.support import ROOT, alembic_ok, build_schema, captured, db_engine, execute, run_alembic


def _checks(url: str, *args: str, command: bool = False) -> subprocess.CompletedProcess:
    """The checks' command line on ``url``: its main() in this process (what
    the command runs, without a second of start-up), or with ``command`` the
    console command itself, ``python -m checks``."""
    argv = ["--url", url, *args]
    if command:
        env = {k: v for k, v in os.environ.items() if k != "SEED_DATABASE_URL"}
        return subprocess.run([sys.executable, "-m", "checks", *argv],
                              capture_output=True, text=True, cwd=ROOT, env=env)
    return subprocess.CompletedProcess(argv, *captured(lambda _out: main(argv)))


def _failing(url: str) -> dict[str, str]:
    result = _checks(url, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return {c["name"]: c["severity"] for c in report["checks"] if not c["passed"]}


def test_every_check_passes_on_seeded_data(seeded):
    with seeded.connect() as conn:
        results = run(conn)
    failing = {r.check.name: r.count for r in results if not r.passed and r.check.name != "empty_tables"}
    assert failing == {}
    assert len(results) > 250


def test_library_headers_are_complete_and_lint_clean_names():
    for check in library_checks():
        assert check.description.endswith(".") and check.tables and check.tags


@pytest.fixture(scope="module")
def light_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("checks") / "light.sqlite"
    url = f"sqlite:///{path}"
    build_schema(url, "chain")
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    return path


# a comment nobody was mentioned in (no inbox item points at it)
_UNMENTIONED = ("(SELECT MIN(id) FROM comments WHERE id NOT IN "
                "(SELECT source_id FROM inbox_items WHERE source_type = 'mention'))")
BREAKAGES = {
    "orphan": ("UPDATE batches SET productId = 999 WHERE id = (SELECT MIN(id) FROM batches)",
               {"ref__batches__productId"}),
    "wrong order total": ("UPDATE orders SET total = total + 1 WHERE id = (SELECT MIN(id) FROM orders)",
                          {"order_totals"}),
    "unbalanced posting": ("UPDATE ledgerEntries SET debit = debit + 10 "
                           "WHERE id = (SELECT MIN(id) FROM ledgerEntries WHERE debit > 0)",
                           {"ledger_unbalanced", "trial_balance"}),
    "illegal transition": ("UPDATE batch_status_history SET toStatusId = "
                           "(SELECT id FROM workflow_statuses WHERE slug = 'packaging') "
                           "WHERE id = (SELECT MIN(id) FROM batch_status_history)",
                           {"batch_workflow_transitions"}),
    "date out of order": ("UPDATE payments SET paymentDate = '2020-01-01' "
                          "WHERE id = (SELECT MIN(id) FROM payments WHERE paymentType = 'RECEIVED')",
                          {"dates_in_order"}),
    "money that does not parse": ("UPDATE paymentHistory SET amount = '12,50' "
                                  "WHERE id = (SELECT MIN(id) FROM paymentHistory)",
                                  {"numeric__paymentHistory__amount"}),
    "on-hand drift": ("UPDATE batches SET onHandQty = '999.0000' WHERE id = (SELECT MAX(id) FROM batches)",
                      {"batch_on_hand"}),
    "unknown polymorphic type": ("UPDATE inventoryMovements SET referenceType = 'PIXIE' "
                                 "WHERE id = (SELECT MIN(id) FROM inventoryMovements)",
                                 {"poly__inventoryMovements__referenceId"}),
    "unknown vocabulary": ("UPDATE products SET uomSellable = 'BUSHEL' WHERE id = (SELECT MIN(id) FROM products)",
                           {"vocab__products__uomSellable"}),
    "order without lines": ("DELETE FROM order_line_items WHERE order_id = (SELECT MIN(id) FROM orders)",
                            {"orders_without_lines"}),
    "comment on what TERP never shows": (f"UPDATE comments SET commentable_type = 'order' WHERE id = {_UNMENTIONED}",
                                         {"poly__comments__commentable_id"}),
    "dashboard comment not on 1": ("UPDATE comments SET commentable_type = 'dashboard', commentable_id = 5 "
                                   f"WHERE id = {_UNMENTIONED}", {"poly__comments__commentable_id"}),
    "inbox mention pointing elsewhere": (
        "UPDATE inbox_items SET reference_id = (SELECT MIN(c.id) FROM clients AS c WHERE c.id <> "
        "inbox_items.reference_id) WHERE id = (SELECT MIN(id) FROM inbox_items "
        "WHERE source_type = 'mention' AND reference_type = 'client')", {"inbox_sources"}),
    "strain parent not a base strain": (
        "UPDATE strains SET parentStrainId = (SELECT MIN(id) FROM strains WHERE parentStrainId IS NOT NULL) "
        "WHERE id = (SELECT MAX(id) FROM strains WHERE parentStrainId IS NOT NULL)", {"strain_families"}),
    "lower-case ULID": ("UPDATE strains SET openthcId = LOWER(openthcId) WHERE id = (SELECT MIN(id) FROM strains)",
                        {"strain_openthc_ids"}),
    "pricing rule on a key items lack": ("UPDATE pricing_rules SET conditions = '{\"strain\": \"Blue Dream\"}' "
                                         "WHERE id = (SELECT MIN(id) FROM pricing_rules)",
                                         {"pricing_rule_conditions"}),
    "pricing profile with no rules": ("UPDATE pricing_profiles SET rules = '[]' "
                                      "WHERE id = (SELECT MIN(id) FROM pricing_profiles)", {"pricing_profile_rules"}),
    "grade that is no grade": ("UPDATE batches SET grade = 'AAA' "
                               "WHERE id = (SELECT MIN(id) FROM batches WHERE grade IS NOT NULL)",
                               {"catalog_names"}),
    "credit applied before its invoice": ("UPDATE creditApplications SET appliedDate = '2020-01-02 10:00:00' "
                                          "WHERE id = (SELECT MIN(id) FROM creditApplications)",
                                          {"credit_applications"}),
    "credit applied to another invoice": ("UPDATE creditApplications SET invoiceId = (SELECT MAX(i.id) FROM "
                                          "invoices AS i WHERE i.id <> creditApplications.invoiceId AND "
                                          "i.customerId = (SELECT clientId FROM credits AS c "
                                          "WHERE c.id = creditApplications.creditId)) "
                                          "WHERE id = (SELECT MIN(id) FROM creditApplications)",
                                          {"credit_applications"}),
    "paid invoice with money due": ("UPDATE invoices SET status = 'PAID' "
                                    "WHERE id = (SELECT MIN(id) FROM invoices WHERE amountDue > 0)",
                                    {"document_status"}),
    "open invoice the AR screens leave out": ("UPDATE invoices SET status = 'VIEWED' "
                                              "WHERE id = (SELECT MIN(id) FROM invoices WHERE status = 'SENT')",
                                              {"open_documents_uncounted"}),
    "payment recorded before its invoice": ("UPDATE payments SET createdAt = '2020-01-02 10:00:00' WHERE id = "
                                            "(SELECT MIN(id) FROM payments WHERE paymentType = 'RECEIVED')",
                                            {"dates_in_order"}),
    # the same lines, stored as a JSON array instead of TERP's JSON string of it
    "order items not double-encoded": ("UPDATE orders SET items = JSON_EXTRACT(items, '$') "
                                       "WHERE id = (SELECT MIN(id) FROM orders)",
                                       {"json__orders__items"}),
    # still double-encoded, one line short of the order's line items
    "order items out of step": ("UPDATE orders SET items = "
                                "JSON_QUOTE('' || JSON_REMOVE(JSON_EXTRACT(items, '$'), '$[0]')) WHERE id = (SELECT order_id FROM order_line_items GROUP BY order_id "
                                "HAVING COUNT(*) > 1 ORDER BY order_id LIMIT 1)",
                                {"order_items_json"}),
    "pricing rule conditions as text": ("UPDATE pricing_rules SET conditions = JSON_QUOTE(conditions) "
                                        "WHERE id = (SELECT MIN(id) FROM pricing_rules)",
                                        {"json__pricing_rules__conditions", "pricing_rule_conditions"}),
}


def _failing_here(url: str) -> dict[str, tuple[str, int, int]]:
    """{check: (severity, offending rows, rows sampled)} of the checks that
    fail on ``url``, run in this process (the command line: below)."""
    engine = db_engine(url)
    with engine.connect() as conn:
        results = run(conn)
    engine.dispose()
    return {r.check.name: (r.check.severity, r.count, len(r.sample)) for r in results if not r.passed}


def _broken(light_db, tmp_path, breakage: str) -> str:
    path = tmp_path / "broken.sqlite"
    shutil.copy(light_db, path)
    url = f"sqlite:///{path}"
    execute(url, BREAKAGES[breakage][0])
    return url


def test_the_light_database_passes_before_it_is_broken(light_db):
    assert set(_failing_here(f"sqlite:///{light_db}")) - {"empty_tables"} == set()


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_broken_invariant_fails_exactly_its_check(light_db, tmp_path, breakage):
    failing = _failing_here(_broken(light_db, tmp_path, breakage))
    assert set(failing) - {"empty_tables"} == BREAKAGES[breakage][1]
    for name in BREAKAGES[breakage][1]:
        _severity, rows, sampled = failing[name]
        assert rows >= 1 and 1 <= sampled <= 5


@pytest.mark.parametrize("breakage, status", [("wrong order total", 1), ("unknown vocabulary", 0)])
def test_every_format_reports_the_same_and_the_status_follows_severity(light_db, tmp_path, breakage, status):
    """The command line: JSON, JUnit and the table name the same failing
    checks; exit status 1 only when an error-severity check fails."""
    url = _broken(light_db, tmp_path, breakage)
    expected = BREAKAGES[breakage][1]
    as_json = _checks(url, "--format", "json")
    assert as_json.returncode == status
    report = json.loads(as_json.stdout)
    assert report["database"] == url
    assert {c["name"] for c in report["checks"] if not c["passed"]} - {"empty_tables"} == expected
    for check in report["checks"]:
        if check["name"] in expected:
            assert check["rows"] >= 1 and 1 <= len(check["sample"]) <= 5
    junit = _checks(url, "--format", "junit")
    assert junit.returncode == status
    suite = ET.fromstring(junit.stdout)
    failed_cases = {case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None}
    assert failed_cases - {"empty_tables"} == expected
    assert int(suite.get("tests")) == len(report["checks"])
    table = _checks(url, "--format", "table")
    assert table.returncode == status
    for name in expected:
        assert name in table.stdout
    assert ("FAIL" in table.stdout) == (status == 1)


def test_select_by_name_tag_and_severity(light_db):
    url = f"sqlite:///{light_db}"
    listed = _checks(url, "--list", "--select", "tag:ledger").stdout.split("\n")
    assert {line.split("\t")[0] for line in listed if line} == {"ledger_unbalanced", "trial_balance",
                                                               "ledger_period"}
    only = json.loads(_checks(url, "--format", "json", "--select", "order_*",
                              "--exclude", "severity:warning").stdout)
    assert {c["name"] for c in only["checks"]} == {"order_totals", "order_line_arithmetic", "order_items_json",
                                                   "order_fulfilment_history"}


def test_checks_that_cannot_run_exit_2_and_say_why(tmp_path):
    missing = _checks(f"sqlite:///{tmp_path / 'nothing.sqlite'}", command=True)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    url = f"sqlite:///{tmp_path / 'partial.sqlite'}"
    build_schema(url, "chain")
    execute(url, "DROP TABLE returns")
    partial = _checks(url)
    assert partial.returncode == 2 and "lacks the table(s) returns" in partial.stderr
    unreachable = _checks("mysql+pymysql://auditor:secret-pw@127.0.0.1:9/terp")
    assert unreachable.returncode == 2 and "cannot connect" in unreachable.stderr
    assert "secret-pw" not in unreachable.stderr + unreachable.stdout


def test_checks_run_through_a_select_only_user(mariadb_server):
    """Read-only: a MariaDB user that may only SELECT runs the whole library."""
    url = mariadb_server.create("ro")
    build_schema(url, "ddl")
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    database = sa.engine.make_url(url).database
    user = f"auditor_{os.getpid()}"
    raw = {"no_parameters": True}  # the statements hold a literal %
    with mariadb_server.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP USER IF EXISTS '{user}'@'%'", execution_options=raw)
        conn.exec_driver_sql(f"CREATE USER '{user}'@'%' IDENTIFIED BY 'ro-pass'", execution_options=raw)
        conn.exec_driver_sql(f"GRANT SELECT ON `{database}`.* TO '{user}'@'%'", execution_options=raw)
    try:
        ro_url = sa.engine.make_url(url).set(username=user, password="ro-pass").render_as_string(False)
        result = _checks(ro_url, "--format", "json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["summary"]["failed_errors"] == 0
        engine = db_engine(ro_url, poolclass=sa.pool.QueuePool)
        with engine.connect() as conn:  # and that user really cannot write
            with pytest.raises(sa.exc.DBAPIError):
                conn.exec_driver_sql("DELETE FROM users")
        engine.dispose()
    finally:
        with mariadb_server.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP USER IF EXISTS '{user}'@'%'", execution_options=raw)


def test_seed_with_check_true_fails_when_an_error_check_fails(tmp_path):
    url = f"sqlite:///{tmp_path / 'checked.sqlite'}"
    build_schema(url, "chain")
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "-x", "check=true", "upgrade", "0004_parties")
    # a user's order with no lines, written before the next revisions
    execute(url, "INSERT INTO orders (order_number, orderType, client_id, items, subtotal, total, paymentTerms,"
            " created_by) SELECT 'MINE-1', 'SALE', MIN(id), '[]', 0, 0, 'COD', MIN(id) FROM clients")
    code, out, err = run_alembic("-x", f"url={url}", "-x", "scenario=light", "-x", "check=true",
                                 "upgrade", "head")
    assert code != 0
    assert "the integrity checks failed" in out + err and "orders_without_lines (1 rows)" in out + err


@pytest.mark.parametrize("date", [v.date for v in VERSIONS])
def test_each_version_has_its_own_library(date):
    """The library of a TERP version names only what that version has, and
    spells values as it does (fulfilment PENDING became READY_FOR_PACKING)."""
    schema = view(date)
    checks = all_checks(schema)
    for check in checks:
        assert all(t in schema.metadata.tables for t in check.tables), check.name
    names = {c.name for c in checks}
    assert ("po_item_cogs_range" in names) == (date >= "2026-05-14")
    assert ("numeric__paymentHistory__amount" in names) == (date < "2026-02-15")
    history = CheckRenderer("mysql", schema).render(next(c for c in checks if c.name == "order_fulfilment_history"))
    assert ("'READY_FOR_PACKING'" in history) == (date >= "2026-05-14") != ("'PENDING'" in history)


NEWEST_BREAKAGES = {
    "fulfilment back to ready": (
        "UPDATE order_status_history SET fulfillmentStatus = 'READY_FOR_PACKING' WHERE id = (SELECT MAX(h.id) "
        "FROM order_status_history AS h JOIN orders AS o ON o.id = h.order_id WHERE o.fulfillmentStatus = 'SHIPPED')",
        {"order_fulfilment_history"}),
    "a range cost without bounds": (
        "UPDATE purchaseOrderItems SET unitCostMax = NULL WHERE id = "
        "(SELECT MIN(id) FROM purchaseOrderItems WHERE cogsMode = 'RANGE')", {"po_item_cogs_range"}),
}


@pytest.mark.parametrize("breakage", sorted(NEWEST_BREAKAGES))
def test_the_newest_library_catches_what_only_the_newest_schema_can_break(newest_light_db, tmp_path, breakage):
    path = tmp_path / "broken.sqlite"
    shutil.copy(newest_light_db, path)
    url = f"sqlite:///{path}"
    assert set(_failing_here(url)) - {"empty_tables"} == set()
    execute(url, NEWEST_BREAKAGES[breakage][0])
    assert {n for n, (severity, *_r) in _failing_here(url).items() if severity == "error"} \
        == NEWEST_BREAKAGES[breakage][1]


@pytest.fixture(scope="module")
def newest_light_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("checks") / "newest.sqlite"
    url = f"sqlite:///{path}"
    build_schema(url, "chain", latest().date)
    alembic_ok("-x", f"url={url}", "-x", "scenario=light", "upgrade", "head")
    return path
