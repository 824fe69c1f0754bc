"""The body of both ``env.py`` files: target, options, online and offline runs.

``run_schema_chain`` drives alembic.ini (the TERP DDL), ``run_seed_chain``
drives seed.ini (the seed revisions, with their own version table).
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic.runtime.migration import StampStep

from terpseed import params as P
from terpseed import target as T
from terpseed.errors import SeedError
from terpseed import approval
from terpseed.preflight import require_no_clashes, require_schema
from terpseed.render import SqlRenderer
from terpseed.runtime import RUN_KEY, SeedRun
from terpseed.schema import metadata
from terpseed.version_table import guard as guard_version_table
from terpseed.world import World

SEED_VERSION_TABLE = "seed_version"

PREAMBLE = {
    # Pin the session so that the SQL means the same on every server:
    # UTF-8, UTC timestamps, strict modes, and backslash escapes in strings
    # (the MySQL renderer doubles backslashes; NO_BACKSLASH_ESCAPES is off).
    "mysql": [
        "SET NAMES utf8mb4",
        "SET time_zone = '+00:00'",
        "SET sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
        "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
    ],
    "sqlite": ["PRAGMA foreign_keys = ON"],
}


def _setup(context, known: dict[str, str]):
    x_args = context.get_x_argument(as_dictionary=True)
    P.check_options(x_args, known)
    root = Path(context.config.config_file_name).resolve().parent
    offline = context.is_offline_mode()
    explicit = bool(x_args.get("url") or os.environ.get(T.ENV_VAR))
    dialect = P.parse_dialect(x_args)
    if offline and not explicit:
        target = None
    else:
        target = T.resolve(x_args.get("url"), root)
        dialect = target.backend
    return x_args, target, dialect


def _version_table(context, default: str) -> str:
    return context.config.get_main_option("version_table") or default


def run_schema_chain(context) -> None:
    _x, target, dialect = _setup(context, P.SCHEMA_OPTIONS)
    version_table = _version_table(context, "alembic_version")
    if context.is_offline_mode():
        opts = {"url": target.url} if target else {"dialect_name": dialect}
        context.configure(
            **opts, literal_binds=True, dialect_opts={"paramstyle": "named"},
            version_table=version_table, target_metadata=metadata,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = T.create_engine(target)
    with T.connect(engine, target) as connection:
        context.configure(
            connection=connection, target_metadata=metadata, version_table=version_table,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def seed_steps(script) -> list:
    """(revision, Step) of every seed revision, base first."""
    pairs = []
    for sc in reversed(list(script.walk_revisions())):
        for step in getattr(sc.module, "STEPS", ()):
            pairs.append((sc.revision, step))
    return pairs


def _writing_steps(migration_context) -> list:
    """The migrations this command is about to run (not stamps)."""
    heads = migration_context.get_current_heads()
    steps = list(migration_context._migrations_fn(heads, migration_context))
    return [s for s in steps if not isinstance(s, StampStep)]


def _verify_approval(run: SeedRun, pending: list) -> None:
    if run.params.approved:
        approval.verify(run, [
            (s.revision.revision, list(getattr(s.revision.module, "STEPS", ())),
             "upgrade" if s.is_upgrade else "downgrade")
            for s in pending
        ])


def run_seed_chain(context) -> None:
    x_args, target, dialect = _setup(context, P.SEED_OPTIONS)
    params = P.parse_seed_params(x_args)
    version_table = _version_table(context, SEED_VERSION_TABLE)
    guard_version_table(version_table)
    run = SeedRun(
        params=params,
        renderer=SqlRenderer(dialect),
        world=World(params, seed_steps(context.script)),
    )
    context.config.attributes[RUN_KEY] = run
    common = dict(
        version_table=version_table,
        transaction_per_migration=True,
        transactional_ddl=True,
    )
    if context.is_offline_mode():
        opts = {"url": target.url} if target else {"dialect_name": dialect}
        context.configure(
            **opts, literal_binds=True, dialect_opts={"paramstyle": "named"}, **common
        )
        _verify_approval(run, _writing_steps(context.get_context()))
        impl = context.get_context().impl
        impl.static_output(f"-- TERP seed SQL: {params.describe()} dialect={dialect}")
        for statement in PREAMBLE[dialect]:
            impl.static_output(statement + ";")
        context.run_migrations()
        return
    engine = T.create_engine(target)
    with T.connect(engine, target) as connection:
        context.configure(connection=connection, **common)
        pending = _writing_steps(context.get_context())
        _verify_approval(run, pending)
        if pending:
            require_schema(connection, run.world.steps, target.shown)
            inserting = [step.table for s in pending if s.is_upgrade
                         for step in getattr(s.revision.module, "STEPS", ())]
            require_no_clashes(connection, run.world, inserting, target.shown)
        for statement in PREAMBLE[dialect]:
            connection.exec_driver_sql(statement, execution_options={"no_parameters": True})
        connection.commit()
        context.run_migrations()
        if params.check:
            _run_checks(connection, target.shown)
    engine.dispose()


def _run_checks(connection, shown_url: str) -> None:
    """-x check=true: the integrity-check library over what is now there."""
    from checks.library import all_checks
    from checks.runner import run

    connection.commit()
    failing = [r for r in run(connection, all_checks()) if not r.passed and r.check.severity == "error"]
    if failing:
        found = ", ".join(f"{r.check.name} ({r.count} rows)" for r in failing)
        raise SeedError(
            f"the integrity checks failed on {shown_url} after the upgrade: {found};"
            " run `python -m checks` for the offending rows"
        )


__all__ = ["run_schema_chain", "run_seed_chain", "SeedError"]
