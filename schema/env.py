"""Alembic environment of the schema chain (alembic.ini)."""

from alembic import context

from terpseed.chain import run_schema_chain

run_schema_chain(context)
