"""Notes kept on the page of their call, where WeasyPrint 70 would defer one.

When a paragraph at the foot of a page has fewer lines there than `orphans` allows to leave,
WeasyPrint first tries deferring the page's last footnote to the next page to make room for
one more line (layout/block.py, the "report footnotes" step), and keeps it deferred: the note
then sits a page after its call. `deferred_breaks` finds such pages in a laid-out unit and
names the paragraph split at their foot; paginate.py lays the unit out again with that
paragraph's `orphans` raised (`rule`), so that WeasyPrint moves the paragraph's lines instead
of the note. The same HTML gives the same rule in every edition, so their pages stay equal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from weasyprint.formatting_structure import boxes

from readerkit.pagemap import PageStart


def _walk(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)


def deferred_pages(pages: list[Any]) -> list[int]:
    """Indexes of the pages holding a note call whose note body is on a later page."""
    calls: dict[str, int] = {}
    bodies: dict[str, int] = {}
    for index, page in enumerate(pages):
        for box in _walk(page._page_box):
            footnote = getattr(box, "footnote", None)
            if footnote is not None and footnote.element is not None:
                calls.setdefault(footnote.element.get("id"), index)
            if isinstance(box, boxes.FootnoteAreaBox):
                for inner in _walk(box):
                    element = getattr(inner, "element", None)
                    if element is not None and element.get("id"):
                        bodies.setdefault(element.get("id"), index)
    return sorted({page for note, page in calls.items() if bodies.get(note, page) > page})


def deferred_breaks(pages: list[Any], starts: list[PageStart]) -> list[str]:
    """Ids of the paragraphs split at the foot of a page whose note was deferred."""
    found = []
    for page in deferred_pages(pages):
        following = starts[page + 1] if page + 1 < len(starts) else None
        if following is not None and following.anchor and following.offset > 0:
            found.append(following.anchor)
    return found


def rule(orphans: dict[str, int]) -> str:
    """The CSS raising each paragraph's orphans."""
    return "".join(f"#{anchor} {{ orphans: {count} }}\n" for anchor, count in orphans.items())
