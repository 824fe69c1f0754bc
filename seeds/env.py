"""Alembic environment of the seed chain (seed.ini)."""

from alembic import context

from terpseed.chain import run_seed_chain

run_seed_chain(context)
