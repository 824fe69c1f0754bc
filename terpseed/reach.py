"""What a generator may call: the functions and classes of the generators it
reaches, read from its code.

The world (terpseed/world.py) keeps a simulation dataset (``ctx.dataset(trade)``)
for the steps still to come; above its row budget it lets go of those no
later step can reach, so that the last domains of a -x scale=10 run do not
carry the trading simulation and the books they no longer read.  What a step
reaches is read from the code itself, never declared: every global name (and
module attribute) its generator's code uses, followed through the functions,
classes and tables of functions (``PROVIDERS``) of the ``generators`` package,
closed transitively.  It errs on the side of keeping: a name that only looks
like a call keeps what it names.  A dataset asked for after all (code that
reaches a builder by other means) is built again, the same, since a
dataset's stream is seeded from its name alone.
"""

from __future__ import annotations

import functools
import types
from typing import Iterable

PACKAGE = "generators"


def reached(roots: Iterable[object]) -> frozenset[object]:
    """The functions and classes of the generators package that ``roots`` may
    call, directly or through one another, ``roots`` included."""
    seen: dict[int, object] = {}
    todo = [r for r in roots if _ours(r)]
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen[id(obj)] = obj
        todo.extend(r for r in _refers_to(obj) if id(r) not in seen)
    return frozenset(seen.values())


def _ours(obj: object) -> bool:
    return (getattr(obj, "__module__", None) or "").partition(".")[0] == PACKAGE


@functools.cache
def _refers_to(obj: object) -> tuple[object, ...]:
    """The generators' functions and classes ``obj`` names in its code."""
    if isinstance(obj, type):
        members = [m.fget if isinstance(m, property) else m for m in vars(obj).values()]
        return tuple(m for m in map(_function, members) if m is not None and _ours(m))
    function = _function(obj)
    if function is None:
        return ()
    names = set(_names(function.__code__))
    found: list[object] = []
    for value in (function.__globals__.get(n) for n in names):
        if isinstance(value, types.ModuleType):
            found += [getattr(value, n) for n in names if hasattr(value, n)]
        elif value is not None:
            found.append(value)
    out: list[object] = []
    for value in found:
        if isinstance(value, dict):
            out += value.values()
        elif isinstance(value, (list, tuple, set, frozenset)):
            out += value
        else:
            out.append(value)
    return tuple(v for v in (_function(v) or v for v in out) if callable(v) and _ours(v))


def _function(obj: object):
    """The plain function behind ``obj`` (a partial, a static or class method), else None."""
    while isinstance(obj, (functools.partial, staticmethod, classmethod)):
        obj = obj.func if isinstance(obj, functools.partial) else obj.__func__
    if isinstance(obj, types.MethodType):
        obj = obj.__func__
    return obj if isinstance(obj, types.FunctionType) else None


def _names(code: types.CodeType) -> Iterable[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _names(const)
