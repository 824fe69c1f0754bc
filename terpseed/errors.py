"""The one exception type that reaches a user as a single clear line."""

from alembic.util import CommandError


class SeedError(CommandError):
    """A problem the user can fix: the message names it and says how.

    It subclasses Alembic's CommandError, so the ``alembic`` command line
    prints it as one ``FAILED: ...`` line and exits with status 1, instead of
    a traceback.
    """
