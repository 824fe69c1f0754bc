"""The registry of TERP schema versions: one line per DDL snapshot, oldest first.

Each :class:`SchemaVersion` names its date, the generated model module
(``terpseed/schema/terp_YYYY_MM_DD.py``, from ``tools/schema_codegen.py``), the
schema-chain revision that builds it (alembic.ini, ``schema/versions/``), the
shared DDL file it is generated from, and the hand-written declarations of the
step that reaches it (``terpseed/schema/changes_YYYY_MM_DD.py``; none for the
first version).  Code asks for "the model of version X" here instead of using
a global::

    from terpseed.schema.versions import version
    version("2026-05-14").metadata        # imported on first use
    version("2026-05-14").revision        # "0004_terp_2026_05_14"
    seeds_version().revision              # what `make seed` builds

``terpseed.schema.metadata`` stays the model the seeds are written against
(:func:`seeds_version`, today 2025-11-21).  Adding a version:
``tools/new_schema_version.py`` (see the README, "Adding TERP's next schema").
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass

import sqlalchemy as sa

from terpseed.schema.changes import VersionChanges


@dataclass(frozen=True)
class SchemaVersion:
    date: str            # "2026-05-14": the DDL snapshot's date
    commit: str          # TERP's commit the DDL was exported from
    revision: str        # the schema chain's revision id (alembic.ini)

    @property
    def slug(self) -> str:
        return self.date.replace("-", "_")

    @property
    def module(self) -> str:
        return f"terpseed.schema.terp_{self.slug}"

    @property
    def ddl(self) -> str:
        return f"schema-{self.date}.sql"

    @property
    def changes_module(self) -> str:
        return f"terpseed.schema.changes_{self.slug}"

    @property
    def metadata(self) -> sa.MetaData:
        """Every table of the version (the model module builds them on first use)."""
        return importlib.import_module(self.module).metadata

    @property
    def tables(self) -> frozenset[str]:
        """The version's table names, without building its model."""
        return frozenset(importlib.import_module(self.module).TABLES)

    def table(self, name: str) -> sa.Table:
        """One table of the version: from its model when that is built, else
        built alone (a run that writes a newer version needs, of an older one,
        only the tables that version introduced: their generators' columns)."""
        module = importlib.import_module(self.module)
        if "metadata" in vars(module):
            return module.metadata.tables[name]
        return _alone(self.module, name)

    @property
    def changes(self) -> VersionChanges | None:
        """The declarations of the step that reaches this version (None for the first)."""
        if self is VERSIONS[0]:
            return None
        return importlib.import_module(self.changes_module).CHANGES


VERSIONS: tuple[SchemaVersion, ...] = (
    SchemaVersion("2025-11-21", "699deaff", "0001_terp_schema"),
    SchemaVersion("2025-12-20", "3d4c5f09", "0002_terp_2025_12_20"),
    SchemaVersion("2026-02-15", "2b0c4c92", "0003_terp_2026_02_15"),
    SchemaVersion("2026-05-14", "b2e16915", "0004_terp_2026_05_14"),
    # tools/new_schema_version.py adds the next version above this line
)


@functools.lru_cache(maxsize=None)
def _alone(module: str, name: str) -> sa.Table:
    return importlib.import_module(module).TABLES[name](sa.MetaData())


def version(date: str) -> SchemaVersion:
    for known in VERSIONS:
        if known.date == date:
            return known
    raise KeyError(f"no TERP schema version {date!r}; known: {', '.join(v.date for v in VERSIONS)}")


def by_revision(revision: str) -> SchemaVersion:
    for known in VERSIONS:
        if known.revision == revision:
            return known
    raise KeyError(f"no TERP schema version with revision {revision!r}")


def previous(of: SchemaVersion) -> SchemaVersion | None:
    index = VERSIONS.index(of)
    return VERSIONS[index - 1] if index else None


def latest() -> SchemaVersion:
    return VERSIONS[-1]


def seeds_version() -> SchemaVersion:
    """The version the seed revisions are written against (``terpseed.schema.SCHEMA_DATE``)."""
    from terpseed.schema import SCHEMA_DATE

    return version(SCHEMA_DATE)


__all__ = ["SchemaVersion", "VERSIONS", "by_revision", "latest", "previous", "seeds_version", "version"]
