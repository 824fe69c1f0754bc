"""The schema model: the TERP tables as SQLAlchemy Core metadata.

``metadata`` is the schema the seed revisions are written against (today the
2025-11-21 DDL).  A later DDL gets a module of its own and a schema revision,
and this name moves to it.
"""

from terpseed.schema.terp_2025_11_21 import metadata

SCHEMA_DATE = "2025-11-21"

__all__ = ["metadata", "SCHEMA_DATE"]
