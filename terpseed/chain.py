"""The body of both ``env.py`` files: target, options, online and offline runs.

``run_schema_chain`` drives alembic.ini (the TERP DDL), ``run_seed_chain``
drives seed.ini (the seed revisions, with their own version table).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from alembic.runtime.migration import StampStep

from terpseed import approval, record
from terpseed.adoption import Adoption
from terpseed.adoption import read as read_terp_rows
from terpseed.recognise import recognise
from terpseed.schema_view import SchemaView, view
from terpseed import params as P
from terpseed import target as T
from terpseed.errors import SeedError
from terpseed.failures import reported_failures
from terpseed.cache import NoCache, PlanCache
from terpseed.guard import deleted_tables
from terpseed.progress import progress_for
from terpseed.preflight import require_no_clashes, require_recorded_runs, require_schema
from terpseed.render import SqlRenderer, id_ranges
from terpseed.runtime import RUN_KEY, SeedRun
from terpseed.schema import metadata
from terpseed.version_table import create_before_transactions
from terpseed.version_table import guard as guard_version_table
from terpseed.lock import seed_lock
from terpseed.world import Step, World, collector_paused, frozen_at_exit, update_key

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
    with reported_failures():
        _run_schema_chain(context)


def _run_schema_chain(context) -> None:
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


def _writing_steps(context) -> list:
    """The migrations this command is about to run (not stamps)."""
    migration_context = context.get_context()
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
    frozen_at_exit()
    with reported_failures(), collector_paused():
        _run_seed_chain(context)


def _seed_run(context, params: P.SeedParams, dialect: str, adoption: Adoption | None = None,
              target: SchemaView | None = None) -> SeedRun:
    """The run of these arguments (and TERP's rows it adopts, in the TERP schema
    version it writes), where the revisions find it."""
    adoption = adoption or Adoption()
    target = target or view(params.schema)
    cache = PlanCache.open(cache_key(params, target, adoption)) if params.cache else NoCache()
    run = SeedRun(
        params=params,
        renderer=SqlRenderer(dialect, metadata=target.metadata, bytecode_dir=cache.templates_bytecode),
        world=World(params, seed_steps(context.script), cache=cache, adoption=adoption, view=target),
        progress=progress_for(params.quiet, context.is_offline_mode()),
        version_table=_version_table(context, SEED_VERSION_TABLE),
    )
    context.config.attributes[RUN_KEY] = run
    return run


def cache_key(params: P.SeedParams, target: SchemaView, adoption: Adoption | None = None) -> str:
    """What a run's seed cache entry is kept under (terpseed/cache.py adds the code):
    its arguments, the TERP version it writes and TERP's rows it adopts."""
    return params.describe() + f" writes={target.date}" + (f" adopted={adoption.digest()}" if adoption else "")


def _run_seed_chain(context) -> None:
    x_args, target, dialect = _setup(context, P.SEED_OPTIONS)
    requested = P.parse_seed_params(x_args)
    version_table = _version_table(context, SEED_VERSION_TABLE)
    guard_version_table(version_table)
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
        pending = _writing_steps(context)
        params, adoption, writes = requested, Adoption(), view(requested.schema)
        if target is not None:  # rendered against a database: its seed, schema and TERP's rows
            params, adoption, writes = _against(target, context, requested, x_args, pending)
        run = _seed_run(context, params, dialect, adoption, writes)
        _verify_approval(run, pending)
        impl = context.get_context().impl
        impl.static_output(f"-- TERP seed SQL: {params.describe()} dialect={dialect}")
        if adoption:
            impl.static_output(f"-- adopts TERP's own rows of {target.shown}: {adoption.describe()}")
        for statement in PREAMBLE[dialect]:
            impl.static_output(statement + ";")
        if any(s.is_upgrade for s in pending):
            # DDL before the first BEGIN: MySQL commits implicitly on it
            for statement in create_before_transactions(context.get_context(), dialect):
                impl.static_output(statement + ";")
        context.run_migrations()
        return
    engine = T.create_engine(target)
    with T.connect(engine, target) as connection, \
            seed_lock(connection, requested.lock_timeout, target.shown):
        context.configure(connection=connection, **common)
        if context.get_context().opts.get("dont_mutate"):  # alembic current: show, change nothing
            context.run_migrations()
            _show_record(context, connection)
            return
        for statement in PREAMBLE[dialect]:
            connection.exec_driver_sql(statement, execution_options={"no_parameters": True})
        connection.commit()
        pending = _writing_steps(context)
        applied = _applied(connection, context.script)
        params, adoption, writes = _seed_of(connection, context, requested, x_args, pending, applied,
                                            target.shown)
        held = record.read(connection)
        run = _seed_run(context, params, dialect, adoption, writes)
        _verify_approval(run, pending)
        if pending:
            require_schema(connection, run.world.steps, target.shown)
            if applied - set(held.arguments):
                _record_earlier_seed(connection, context.script, run, applied - set(held.arguments),
                                     target.shown)
            deleting = [t for t in deleted_tables(pending) if run.world.written(t)]
            if deleting:
                require_recorded_runs(connection, run.world, pending, target.shown)
            hashing = _start_hashing(connection, run, deleting, applied)
            try:
                _preflight_drift(connection, pending, params, target.shown, run)
            except BaseException:
                if hashing:
                    hashing.join()
                raise
            _guard_downgrade(connection, run, deleting, params, target.shown, applied, hashing)
            inserting = [step.table for s in pending if s.is_upgrade
                         for step in getattr(s.revision.module, "STEPS", ()) if isinstance(step, Step)]
            require_no_clashes(connection, run.world, inserting, target.shown)
        if params.dry_run or (params.env == "production" and pending):
            print(plan(run, pending, target.shown), flush=True)
        if params.dry_run:
            connection.rollback()
            return
        _require_confirmation(params, pending, target)
        if any(s.is_upgrade for s in pending):
            record.create(connection)  # DDL, before any revision's transaction
        connection.commit()
        context.run_migrations()
        if params.check:
            _run_checks(connection, target.shown)
    engine.dispose()


def _seed_of(connection, context, requested: P.SeedParams, x_args: dict, pending: list, applied: set[str],
             shown_url: str) -> tuple[P.SeedParams, Adoption, SchemaView]:
    """What a run on this database uses: the arguments (terpseed/record.py),
    TERP's own rows it adopts (terpseed/adoption.py: those the database's seed
    recorded, and for the tables the pending upgrades write, those there now)
    and the TERP schema version it writes (terpseed/recognise.py: the one the
    database holds, or -x schema)."""
    import sys

    writes = view(requested.schema) if requested.schema else None
    if writes is None:
        found = recognise(connection)
        writes = view(found.version.date)
        if pending and not requested.quiet:
            sys.stderr.write(f"schema: {shown_url} holds {found.describe()}\n")
    held = record.read(connection)
    params = record.reconcile(requested, x_args, held, applied, shown_url)
    upgrading = any(s.is_upgrade for s in pending)
    if params.schema is None:
        params = dataclasses.replace(params, schema=writes.date)
    elif upgrading and params.schema != writes.date:
        raise SeedError(
            f"{shown_url} holds a seed written for TERP's schema of {params.schema}, but its schema is"
            f" now {writes.date}; nothing was written. Take the seed out first (alembic -c seed.ini"
            f" downgrade base: it reads what the seed wrote in the schema it has now), then seed again")
    writing = {step.table for s in pending if s.is_upgrade
               for step in getattr(s.revision.module, "STEPS", ()) if isinstance(step, Step)}
    fresh = read_terp_rows(connection, writing, writes) if writing else Adoption()
    return params, fresh.merged(held.adoption), writes


def _against(target: T.Target, context, requested: P.SeedParams, x_args: dict,
             pending: list) -> tuple[P.SeedParams, Adoption, SchemaView]:
    """``--sql`` with a database named (-x url, SEED_DATABASE_URL): the script
    is rendered for that database, with the arguments of its seed and TERP's
    rows it holds, read (and only read) before anything is rendered."""
    engine = T.create_engine(target)
    try:
        with T.connect(engine, target) as connection:
            applied = _applied(connection, context.script) if _has_version_table(connection) else set()
            return _seed_of(connection, context, requested, x_args, pending, applied, target.shown)
    finally:
        engine.dispose()


def _has_version_table(connection) -> bool:
    import sqlalchemy as sa

    return SEED_VERSION_TABLE in sa.inspect(connection).get_table_names()


def _show_record(context, connection) -> None:
    """``alembic current``: after the version, the arguments the seed was applied with."""
    held = record.read(connection)
    applied = _applied(connection, context.script)
    if not applied:
        return
    recorded = sorted({held.arguments[r] for r in applied if r in held.arguments}, key=record.Arguments.describe)
    for arguments in recorded:
        revisions = sorted(r for r in applied if held.arguments.get(r) == arguments)
        context.config.print_stdout(f"seeded with {arguments.describe()} ({len(revisions)} revisions)")
    if applied - set(held.arguments):
        context.config.print_stdout(
            f"{len(applied - set(held.arguments))} revisions were applied by an earlier version of the"
            " seeds, which did not record their arguments")


def _record_earlier_seed(connection, script, run: SeedRun, revisions: set[str], shown_url: str) -> None:
    """A database seeded before the seeds recorded themselves: record its
    applied revisions now, with the run's arguments (the -x given, or the
    defaults), so that its downgrade can check what it deletes."""
    import sys

    record.create(connection)
    steps = {}
    for sc in script.walk_revisions():
        if sc.revision in revisions:
            steps[sc.revision] = [s for s in getattr(sc.module, "STEPS", ()) if isinstance(s, Step)]
    arguments = record.Arguments.of(run.params)
    for revision, revision_steps in steps.items():
        runs = [(step.table, id_ranges(row["id"] for row in run.world.inserted(step.table)))
                for step in revision_steps]
        run.world.release()
        for _table, sql in record.closing_statements(run.renderer, revision, arguments, runs):
            connection.exec_driver_sql(sql, execution_options={"no_parameters": True})
    connection.commit()
    sys.stderr.write(
        f"note: {shown_url} was seeded by an earlier version of the seeds that did not record its"
        f" arguments; recorded them now as {arguments.describe()} for {len(steps)} revisions\n")


def plan(run: SeedRun, pending: list, shown_url: str) -> str:
    """What the run is about to do: revisions, tables and row counts."""
    lines = [f"plan for {shown_url} ({run.params.describe()}):"]
    if not pending:
        lines.append("  nothing to do: the seeds are already there")
    for s in pending:
        direction = "upgrade" if s.is_upgrade else "downgrade"
        verb = "insert" if s.is_upgrade else "delete"
        doc = (s.revision.doc or "").strip().splitlines()[0]
        lines.append(f"  {direction} {s.revision.revision}: {doc}")
        for step in getattr(s.revision.module, "STEPS", ()):
            if isinstance(step, Step):
                lines.append(f"    {verb} {len(run.world.inserted(step.table)):,} rows of {step.table}")
            else:
                key = update_key(s.revision.revision, step)
                what = "fill" if s.is_upgrade else "restore"
                lines.append(f"    {what} {step.key} on {len(run.world.update_rows(key)):,} rows")
            run.world.release()
    return "\n".join(lines)


def _require_confirmation(params: P.SeedParams, pending: list, target: T.Target) -> None:
    if params.env != "production" or not pending:
        return
    name = Path(target.url.database or "").name
    if params.confirm != name:
        raise SeedError(
            f"{target.shown} is a production target: the plan is printed above; to carry it out"
            f" add -x confirm={name} (or -x dry_run=true to only look)"
        )


def _preflight_drift(connection, pending: list, params: P.SeedParams, shown_url: str, run: SeedRun) -> None:
    """Weigh how the live schema differs from the TERP version the run writes
    against what the pending revisions write (terpseed/drift.py): the report
    goes to stderr, per table; what breaks the run stops it (unless -x
    preflight=warn)."""
    import sys

    from terpseed.drift import Writes, compare, judge, schema_snapshot

    writes = Writes(run.world, pending)
    tables = writes.tables()
    model = run.world.view.metadata
    cache = run.world.cache
    if cache.enabled:  # the same schema gives the same comparison: look it up by its digest
        every = set(model.tables)
        comparison = cache.remember(f"drift/{run.world.view.date}/{schema_snapshot(connection, every)}",
                                    lambda: compare(connection, every, model)).of(tables)
    else:
        comparison = compare(connection, tables, model)
    connection.commit()
    if not comparison.differences:
        return
    verdict = judge(connection, comparison, writes, shown_url)
    connection.commit()
    let_through = params.preflight == "warn"
    if verdict.problems:
        sys.stderr.write(verdict.block(let_through))
        sys.stderr.flush()
    if verdict.errors and not let_through:
        raise SeedError(verdict.summary())


def _applied(connection, script) -> set[str]:
    heads = context_heads(connection, script)
    return {sc.revision for sc in script.iterate_revisions(heads, "base")} if heads else set()


def _start_hashing(connection, run: SeedRun, deleting: list[str], applied: set[str]):
    """MySQL: start the downgrade guard's server-side fingerprints, which run
    while the drift preflight reflects the schema (guard.Hashing)."""
    from terpseed.guard import Hashing

    if not deleting or connection.dialect.name != "mysql":
        return None
    hashing = Hashing(connection, run.world, deleting, applied, run.params.schema)
    connection.commit()
    return hashing


def _guard_downgrade(connection, run: SeedRun, deleting: list[str], params: P.SeedParams, shown_url: str,
                     applied: set[str], hashing=None) -> None:
    """Look before deleting (``deleting``: the tables whose seeded rows the
    pending downgrades delete): seeded rows users edited, and user rows that
    depend on seeded rows; either stops the downgrade before it deletes."""
    from terpseed.guard import edited_rows, user_dependents

    if not deleting:
        return
    edited = edited_rows(connection, run.world, deleting, applied, hashing, params.schema)
    if edited and params.edited == "stop":
        listed = "; ".join(f"{t} ({len(ids)} rows: {', '.join(map(str, ids[:5]))}{', ...' if len(ids) > 5 else ''})"
                           for t, ids in sorted(edited.items()))
        raise SeedError(
            f"users edited seeded rows since the seed on {shown_url}; nothing was deleted: {listed}."
            " Pass -x edited=keep to leave them in place, or -x edited=delete to delete them too"
        )
    if params.edited == "keep":
        run.keep = edited
    problems = user_dependents(connection, run.world, deleting, run.keep)
    connection.commit()
    if problems:
        raise SeedError(
            f"the downgrade would delete seeded rows that rows it did not create depend on,"
            f" on {shown_url}; nothing was deleted. " + "; ".join(problems)
            + ". Move or delete those rows first, or leave the seeds in place"
        )


def context_heads(connection, script) -> tuple[str, ...]:
    from alembic.runtime.migration import MigrationContext

    mc = MigrationContext.configure(connection, opts={"version_table": SEED_VERSION_TABLE})
    return mc.get_current_heads()


def _run_checks(connection, shown_url: str) -> None:
    """-x check=true: the integrity-check library over what is now there."""
    from checks.runner import run

    connection.commit()
    failing = [r for r in run(connection) if not r.passed and r.check.severity == "error"]
    if failing:
        found = ", ".join(f"{r.check.name} ({r.count} rows)" for r in failing)
        raise SeedError(
            f"the integrity checks failed on {shown_url} after the upgrade: {found};"
            " run `python -m checks` for the offending rows"
        )


__all__ = ["run_schema_chain", "run_seed_chain", "SeedError"]
