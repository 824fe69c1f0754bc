"""The integrity-check library: SQL queries that audit any TERP database.

Each check is a SELECT returning the rows that break a rule (no rows: pass).
See checks/library.py for where checks come from, checks/runner.py for how
they run (read-only), and ``python -m checks --help``.
"""
