"""Rows as columns of plain values: how the seed cache stores a table's rows.

Pickle spends about a microsecond on each Decimal and datetime (it stores a
call that rebuilds the object), and a table's rows are mostly those.  Stored
column by column, a column holding only Decimals (or only naive datetimes, or
only dates) becomes a list of their exact text, which pickle writes at the
cost of a string and ``Decimal``/``fromisoformat`` turn back into equal
values of the same type, digits and exponent included; a column with NULLs
or mixed types is kept as its values.  ``decode(encode(rows)) == rows``,
key order included, for rows whose keys are the first row's, in its order
(``encode`` returns None for any other shape).
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Iterable, Iterator
from decimal import Decimal

TEXT_CODECS = {  # type: (to text, from text); each exact for every value of the type
    Decimal: (str, Decimal),
    dt.datetime: (dt.datetime.isoformat, dt.datetime.fromisoformat),
    dt.date: (dt.date.isoformat, dt.date.fromisoformat),
}


def _encode_column(values: list) -> tuple[str, list]:
    kinds = set(map(type, values))
    if len(kinds) == 1:
        kind = kinds.pop()
        codec = TEXT_CODECS.get(kind)
        if codec and (kind is not dt.datetime or set(map(operator.attrgetter("tzinfo"), values)) == {None}):
            return kind.__name__, list(map(codec[0], values))
    return "", values


DECODERS = {kind.__name__: codec[1] for kind, codec in TEXT_CODECS.items()}


def encode(rows: list[dict]) -> Iterator[list[str] | tuple[str, list]] | None:
    """The columns' names, then (codec name, values) column after column,
    made one at a time (a table's rows are not copied whole); None for rows
    of uneven keys."""
    columns = list(rows[0]) if rows else []
    if rows and set(map(tuple, rows)) != {tuple(columns)}:  # each row's keys, in order
        return None
    return itertools.chain([columns], (_encode_column(list(map(operator.itemgetter(c), rows)))
                                       for c in columns))


def _decoded(kind: str, texts: list[str]) -> list:
    """The values of a column's texts.  Decimals and dates one object per
    distinct text, shared as a generator's rows share them (most repeat: a
    price, a day; a Decimal is 104 bytes); datetimes, mostly distinct and
    fast to parse, one each."""
    decode = DECODERS[kind]
    if kind == "datetime":
        return list(map(decode, texts))
    keys = dict.fromkeys(texts)
    distinct = dict(zip(keys, map(decode, keys)))
    return list(map(distinct.__getitem__, texts))


def decode(records: Iterable) -> list[dict]:
    """The rows back from ``encode``'s records, decoding a column as it comes."""
    records = iter(records)
    columns = next(records)
    values = [_decoded(kind, texts) if kind else texts for kind, texts in records]
    if len(values) != len(columns):
        raise ValueError(f"{len(columns)} columns named, {len(values)} stored")
    return [dict(zip(columns, row)) for row in zip(*values)]
