"""How TERP names a strain it creates (commit 699deaff): its standardized name and
stub, its family, and its OpenTHC-compatible ULID."""

from __future__ import annotations

import datetime as dt
import random
import re

# The family words TERP's family detector knows, in the order it tries them.
KNOWN_FAMILIES = (
    "OG", "Kush", "Haze", "Dream", "Diesel", "Cookies", "Gelato", "Zkittlez", "Sherbet", "Runtz",
    "Cake", "Pie", "Breath", "Glue", "Widow", "Skunk", "Cheese", "Jack", "Sour", "Purple", "Blue",
    "Green", "White", "Black", "Pink", "Red", "Gold", "Berry", "Cherry", "Lemon", "Lime", "Orange",
    "Grape", "Mango", "Mint", "Candy", "Cream", "Fire", "Ice", "Thunder", "Lightning", "Dawg", "Bud",
    "Star", "Wreck", "Express", "Tangie", "Durban", "Afghani", "Hindu", "Northern", "Lights", "Train",
)
# Last words that name no family.
DESCRIPTORS = ("auto", "fem", "reg", "cbd", "thc", "cut", "clone")

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # base 32 without I, L, O and U
ULID_PATTERN = re.compile(f"^[{CROCKFORD}]{{26}}$")
EPOCH = dt.datetime(1970, 1, 1)


def standardized(name: str) -> str:
    """strains.standardizedName and the stub of a strain TERP creates: lowercase,
    special characters dropped, spaces and runs of hyphens turned into one ``-``."""
    text = re.sub(r"[^A-Za-z0-9_\s-]", "", name.strip().lower())
    text = re.sub(r"\s+", "-", text)
    return re.sub(r"-+", "-", text).strip("-")


def family(name: str) -> str | None:
    """The family TERP's detector gives a strain name: the first word that is a known
    family; else the first word that holds one and is at most two letters longer; else
    the last word of a longer name when it has 4 letters or more and is no descriptor."""
    words = re.sub(r"[^A-Za-z0-9\s]", " ", name).split()
    if len(name) < 2 or not words:
        return None
    for word in words:
        for known in KNOWN_FAMILIES:
            if word.lower() == known.lower():
                return known
    for word in words:
        for known in KNOWN_FAMILIES:
            if known.lower() in word.lower() and len(word) <= len(known) + 2:
                return known
    last = words[-1]
    if len(words) > 1 and len(last) >= 4 and last.lower() not in DESCRIPTORS:
        return last[0].upper() + last[1:].lower()
    return None


def ulid(rng: random.Random, moment: dt.datetime, millisecond: int = 0) -> str:
    """A ULID: 48 bits of milliseconds since 1970 (``moment``, UTC, plus ``millisecond``)
    in 10 characters, then 16 random ones from ``rng``."""
    ms = int((moment - EPOCH).total_seconds()) * 1000 + millisecond
    stamp = ""
    for _ in range(10):
        ms, digit = divmod(ms, 32)
        stamp = CROCKFORD[digit] + stamp
    return stamp + "".join(CROCKFORD[rng.randrange(32)] for _ in range(16))


def ulid_moment(value: str) -> dt.datetime:
    """The moment a ULID's time part names, to the millisecond."""
    ms = 0
    for char in value[:10]:
        ms = ms * 32 + CROCKFORD.index(char)
    return EPOCH + dt.timedelta(milliseconds=ms)
