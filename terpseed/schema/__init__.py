"""The schema model: the TERP tables as SQLAlchemy Core metadata.

``metadata`` is the first TERP version (2025-11-21), the one the seed
revisions' tables were first written for: a table's generator writes that
version's names and values, and every later version is a projection of them
(terpseed/schema_view.py).  The versions, each with its generated model, are
listed in terpseed/schema/versions.py; a new TERP schema adds a version there,
never moves this name.
"""

from terpseed.schema.terp_2025_11_21 import metadata

SCHEMA_DATE = "2025-11-21"

__all__ = ["metadata", "SCHEMA_DATE"]
