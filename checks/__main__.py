import sys

print(
    "checks: the integrity-check library is not built yet; nothing was checked.",
    file=sys.stderr,
)
sys.exit(2)
