"""Work on one file's content done once per process, for the processes that rebuild after
every save (`build.py serve`, `watch`): after a one-note edit, every other file is unchanged.

Each entry is keyed by what the work reads (the text, its path, the project root) and holds
its result pickled, so every use gets a fresh copy that no caller can change for the next; the
diagnostics the work reported are kept with it and reported again on every use. Only pure
work on text belongs here (parsing YAML and BibTeX, checking an excerpt against its capture):
nothing that reads the clock, the disk or the environment. The disk cache (cache.py) is for
what outlives a process.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from readerkit.diagnostics import Diagnostic, Diagnostics

T = TypeVar("T")
KEEP = 1024  # entries kept (the largest reader has a few hundred files), oldest dropped first

_ENTRIES: OrderedDict[str, tuple[bytes, tuple[Diagnostic, ...]]] = OrderedDict()


def _key(kind: str, parts: tuple[str, ...]) -> str:
    digest = hashlib.sha256(kind.encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def remembered(kind: str, parts: tuple[str, ...], work: Callable[[], T]) -> T:
    """work()'s result, computed once per distinct `parts` (which must name everything the
    work reads); a fresh copy on every call."""
    return _remembered(kind, parts, None, lambda _diags: work())


def remembered_reporting(kind: str, parts: tuple[str, ...], diags: Diagnostics,
                         work: Callable[[Diagnostics], T]) -> T:
    """As remembered(), for work that reports to a Diagnostics: what it reported is added to
    `diags` on every call."""
    return _remembered(kind, (str(diags.root), *parts), diags, work)


def _remembered(kind: str, parts: tuple[str, ...], diags: Diagnostics | None,
                work: Callable[[Diagnostics], T]) -> T:
    entry_key = _key(kind, parts)
    found = _ENTRIES.get(entry_key)
    if found is None:
        fresh = Diagnostics(diags.root if diags is not None else Path())
        result = work(fresh)
        try:
            found = (pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), tuple(fresh.items))
        except (pickle.PicklingError, TypeError, AttributeError):
            if diags is not None:
                diags.items.extend(fresh.items)
            return result  # not storable: computed each time, as without the memo
        _ENTRIES[entry_key] = found
        while len(_ENTRIES) > KEEP:
            _ENTRIES.popitem(last=False)
    else:
        _ENTRIES.move_to_end(entry_key)
    data, reported = found
    if diags is not None:
        diags.items.extend(reported)
    value: T = pickle.loads(data)
    return value


def forget() -> None:
    """Drop every entry (tests that count the work done)."""
    _ENTRIES.clear()
