"""The last citeproc run of each set of fragments, and what the live preview's fast pass
makes from it: the citeproc batch's output with a few notes whose prose alone changed spliced
in (each note: render/citation_splice.py), instead of a citeproc run over every citation.

Runs are kept in this process and in the build cache (a preview started on a reader built
before splices its first edit too), keyed by the batch's fragment keys, the bibliography and
the style (render/pandoc.py makes the key). Only real runs are kept: a spliced output is never
remembered or cached, and the full build that follows the fast pass runs citeproc.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readerkit import cache as build_cache
from readerkit.render import citation_splice
from readerkit.render.pandoc_output import Output, first_note_item, parse

if TYPE_CHECKING:
    from readerkit.render.pandoc import Fragment

KEEP_RUNS = 4  # the student core and the instructor's guide, in one or two readers
LAST_RUN_KIND = "pandoc-last-citeproc"  # the cache kind of the last run of each
MAX_SPLICED = 8  # notes edited at once beyond which citeproc simply runs


@dataclass
class CiteRun:
    """One citeproc batch as Pandoc converted it: its chunks, its fragments (by key: index
    then, and the fragment) and Pandoc's output (HTML, messages)."""

    chunks: list[str]
    fragments: dict[str, tuple[int, Fragment]]
    output: tuple[str, str]


@dataclass(frozen=True)
class ProseEdit:
    index: int  # the fragment's index in the last run (its div is frag-INDEX there)
    old: Fragment
    new: Fragment


_LAST_RUNS: dict[str, CiteRun] = {}
_PROVISIONAL: contextvars.ContextVar[bool] = contextvars.ContextVar("readerkit_provisional",
                                                                    default=False)


@contextmanager
def provisional(allowed: bool = True) -> Iterator[None]:
    """Within it, a note edited only in its prose keeps the citations citeproc last gave it,
    instead of a new citeproc run (the live preview's fast pass; never cached)."""
    token = _PROVISIONAL.set(allowed)
    try:
        yield
    finally:
        _PROVISIONAL.reset(token)


def provisional_allowed() -> bool:
    return _PROVISIONAL.get()


def remember(run_key: str, chunks: list[str], fragments: dict[str, tuple[int, Fragment]],
             output: tuple[str, str], *, ran: bool) -> None:
    """Keep the run in this process and, if Pandoc ran it (else the cache holds an earlier
    one already), in the active build cache for the next process."""
    _LAST_RUNS.pop(run_key, None)
    run = CiteRun(chunks, fragments, output)
    _LAST_RUNS[run_key] = run
    while len(_LAST_RUNS) > KEEP_RUNS:
        del _LAST_RUNS[next(iter(_LAST_RUNS))]
    store = build_cache.active()
    if store is not None and ran:
        store.put_object(LAST_RUN_KIND, run_key, run)


def last_run(run_key: str) -> CiteRun | None:
    run = _LAST_RUNS.get(run_key)
    store = build_cache.active()
    if run is None and store is not None:
        found = store.get_object(LAST_RUN_KIND, run_key)
        run = found if isinstance(found, CiteRun) else None
    return run


def forget() -> None:
    """Drop the runs this process keeps (tests of a new process)."""
    _LAST_RUNS.clear()


def prose_edits(last: CiteRun, chunks: list[str],
                fragments: list[Fragment | None]) -> list[ProseEdit]:
    """The notes of the batch (`chunks`, each chunk's fragment or None for stand-ins) that
    differ from the last run in their prose alone; [] if anything else changed, or nothing."""
    if len(last.chunks) != len(chunks):
        return []
    changed = [number for number, (old, new) in enumerate(zip(last.chunks, chunks, strict=True))
               if old != new]
    if len(changed) > MAX_SPLICED:
        return []
    edits = []
    for number in changed:
        new = fragments[number]
        if new is None or new.key not in last.fragments:
            return []
        index, old = last.fragments[new.key]
        if not (old.as_note and new.as_note
                and citation_splice.prose_edit(old.markdown, new.markdown)):
            return []
        edits.append(ProseEdit(index, old, new))
    return edits


def old_and_new(edits: list[ProseEdit]) -> list[Fragment]:
    """What to convert without citeproc, in this order (frag-0, frag-1, …): each edited
    note's old Markdown, then its new."""
    return [fragment for edit in edits for fragment in (edit.old, edit.new)]


def spliced(last: CiteRun, edits: list[ProseEdit], plain: Output) -> Output | None:
    """The last run's output with each edited note made from `plain` (old_and_new's
    fragments converted without citeproc); None if any note cannot be spliced."""
    out = parse(*last.output)
    for number, edit in enumerate(edits):
        cited = first_note_item(out, f"frag-{edit.index}")
        old_plain = first_note_item(plain, f"frag-{2 * number}")
        new_plain = first_note_item(plain, f"frag-{2 * number + 1}")
        if cited is None or old_plain is None or new_plain is None:
            return None
        made = citation_splice.splice(cited, old_plain, new_plain)
        parent = cited.getparent()
        if made is None or parent is None:
            return None
        parent.replace(cited, made)
        out.footnotes[made.get("id")] = made
    return out
