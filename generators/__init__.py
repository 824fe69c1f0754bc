"""Small, pure row generators: one function per table, ``fn(ctx) -> rows``.

A generator receives a ``terpseed.world.GenContext`` (its seeded random
streams, the scenario, the rows of other tables) and returns dicts whose keys
are exactly the columns its template lists.  It never reads a database and
never looks at the clock.
"""
