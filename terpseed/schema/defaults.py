"""Server defaults and types that MySQL and SQLite spell differently.

The TERP DDL writes ``DEFAULT (now())`` and ``DEFAULT (now()) ON UPDATE
CURRENT_TIMESTAMP``.  SQLite knows neither ``now()`` nor ``ON UPDATE``, so the
schema model uses these two elements, which each dialect compiles its own way.
``LONGTEXT`` is MySQL's LONGTEXT (a text column that is not JSON) and plain
TEXT elsewhere.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement


class CurrentTimestamp(ColumnElement):
    """``DEFAULT CURRENT_TIMESTAMP`` on every dialect."""

    inherit_cache = True


class CurrentTimestampOnUpdate(ColumnElement):
    """``CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP`` on MySQL/MariaDB.

    Other dialects have no ``ON UPDATE`` clause and get a plain
    ``CURRENT_TIMESTAMP``.
    """

    inherit_cache = True


@compiles(CurrentTimestamp)
@compiles(CurrentTimestampOnUpdate)
def _current_timestamp(element, compiler, **kw):
    return "CURRENT_TIMESTAMP"


@compiles(CurrentTimestampOnUpdate, "mysql")
@compiles(CurrentTimestampOnUpdate, "mariadb")
def _current_timestamp_on_update_mysql(element, compiler, **kw):
    return "CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"


NOW = CurrentTimestamp()
NOW_ON_UPDATE = CurrentTimestampOnUpdate()

LONGTEXT = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
