"""Which TERP schema version a live database holds.

Its tables and their columns are compared with each version's model
(terpseed/schema/versions.py): the version they match exactly, else the
nearest one (the fewest of its tables and columns missing, then the fewest
the database has beyond it), whose differences the drift preflight then
weighs (terpseed/drift.py: harmless ones are warnings).  One catalog query on
MySQL/MariaDB; on SQLite a look at each table.  The seed's own tables and the
version tables are not TERP's and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from terpseed.schema.versions import VERSIONS, SchemaVersion

NOT_TERP_PREFIXES = ("seed_", "alembic_version")


@dataclass(frozen=True)
class Recognised:
    version: SchemaVersion
    missing: tuple[str, ...]   # the version's tables and columns the database lacks
    extra: tuple[str, ...]     # the database's tables and columns the version lacks

    @property
    def exact(self) -> bool:
        return not self.missing and not self.extra

    def describe(self) -> str:
        if self.exact:
            return f"TERP's schema of {self.version.date}"
        parts = []
        if self.missing:
            parts.append(f"{len(self.missing)} of its tables and columns missing"
                         f" ({', '.join(self.missing[:5])}{', ...' if len(self.missing) > 5 else ''})")
        if self.extra:
            parts.append(f"{len(self.extra)} more ({', '.join(self.extra[:5])}"
                         f"{', ...' if len(self.extra) > 5 else ''})")
        return f"nearest to TERP's schema of {self.version.date}: {'; '.join(parts)}"


def live_columns(connection: sa.Connection) -> dict[str, set[str]]:
    """{table: its column names} of the database's own tables."""
    if connection.dialect.name == "mysql":
        rows = connection.exec_driver_sql(
            "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()")
        found: dict[str, set[str]] = {}
        for table, column in rows:
            found.setdefault(table, set()).add(column)
    else:
        inspector = sa.inspect(connection)
        found = {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}
    connection.commit()
    return {t: c for t, c in found.items() if not t.startswith(NOT_TERP_PREFIXES)}


def recognise(connection: sa.Connection) -> Recognised:
    """The newest version the database matches exactly, else the nearest.
    Versions are tried newest first and the first exact match ends the
    search: each model is a large module, imported only when compared."""
    live = live_columns(connection)
    candidates = []
    for known in reversed(VERSIONS):
        found = _compare(known, live)
        if found.exact:
            return found
        candidates.append(found)
    return min(candidates, key=lambda c: (len(c.missing), len(c.extra), -VERSIONS.index(c.version)))


def _compare(known: SchemaVersion, live: dict[str, set[str]]) -> Recognised:
    model = {name: {c.name for c in table.c} for name, table in known.metadata.tables.items()}
    missing = [t for t in model if t not in live]
    missing += [f"{t}.{c}" for t in model if t in live for c in sorted(model[t] - live[t])]
    extra = [t for t in live if t not in model]
    extra += [f"{t}.{c}" for t in live if t in model for c in sorted(live[t] - model[t])]
    return Recognised(known, tuple(sorted(missing)), tuple(sorted(extra)))
