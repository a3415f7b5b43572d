"""Layout units laid out side by side in worker processes, when only their page map is wanted.

A WeasyPrint document cannot be pickled (Kozea/WeasyPrint #1060), but what the EPUB needs of a
unit (its page count, the page of every id, where each page's text begins: a
`paginate.UnitLayout`) can. So a build that writes no PDF lays out its units two at a time,
each in a process forked from the build: the child inherits the parsed stylesheets, the font
configuration and the fetcher, lays out one unit's HTML and hands back only that plain data.
A PDF build lays out in the building process, which must keep WeasyPrint's pages.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

WORKERS = 2  # the build machine's cores; one unit per process at a time
MIN_UNITS = 3  # fewer fresh units than this are laid out in the build itself (no fork needed)

# The layout function the forked workers call: set in the parent just before the pool forks,
# so that each child inherits it with everything it closes over (nothing is pickled but the
# job's arguments and the result).
_LAY_OUT: Callable[..., Any] | None = None


def _run(*arguments: Any) -> Any:
    assert _LAY_OUT is not None, "workers are forked after the layout function is set"
    return _LAY_OUT(*arguments)


def usable() -> bool:
    """Whether layout can run in forked workers here (fork exists, and more than one core)."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def lay_out_all(lay_out: Callable[..., Any], jobs: Sequence[tuple[Any, ...]]) -> list[Any]:
    """`lay_out(*job)` for every job, in forked worker processes, results in the jobs' order.
    The pool is shut down (its processes ended) before this returns."""
    global _LAY_OUT
    _LAY_OUT = lay_out
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(WORKERS, len(jobs)),
                                 mp_context=context) as pool:
            return list(pool.map(_run, *zip(*jobs, strict=True)))
    finally:
        _LAY_OUT = None
