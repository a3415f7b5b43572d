"""Where each printed page's running text begins, found in WeasyPrint's laid-out boxes.

The print HTML and the EPUB share ids (readerkit.anchors) and the same running text. For every
printed page, `page_starts` walks WeasyPrint's boxes and finds the first piece of running text
on the page: the nearest element with an id that holds it (its *anchor*), and how many letters
and digits of that element's text were printed on earlier pages (its *offset*), as
formats/page_markers.py counts them when it puts the page's marker into the EPUB.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from weasyprint.formatting_structure import boxes

from readerkit.formats.page_markers import INLINE_TAGS, SKIP_CLASSES, classes, tag
from readerkit.pagemap import PageStart


def _counts(text: str) -> int:
    return sum(1 for char in text if char.isalnum())


class _Tree:
    """Parent links and skip/anchor lookups for WeasyPrint's ElementTree elements."""

    def __init__(self, root: Any) -> None:
        self.parent = {child: parent for parent in root.iter() for child in parent}
        self._skipped: dict[Any, bool] = {}
        self._anchor: dict[Any, Any] = {}

    def skipped(self, element: Any) -> bool:
        if element not in self._skipped:
            parent = self.parent.get(element)
            self._skipped[element] = bool(classes(element) & SKIP_CLASSES) or (
                parent is not None and self.skipped(parent))
        return self._skipped[element]

    def anchors(self, element: Any) -> list[Any]:
        """The element's anchors, nearest first: itself and its ancestors with an id (inline
        elements excepted). Text counts toward all of them, since each one's offset counts
        all its text, including that of anchors inside it."""
        if element not in self._anchor:
            parent = self.parent.get(element)
            mine = [element] if element.get("id") and tag(element) not in INLINE_TAGS else []
            self._anchor[element] = mine + (self.anchors(parent) if parent is not None else [])
        return self._anchor[element]  # type: ignore[no-any-return]


def _text_boxes(box: Any) -> Iterator[Any]:
    """Text boxes of the page's body in reading order (not the footnote area, not margins)."""
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.TextBox):
            yield child
        elif isinstance(child, boxes.ParentBox):
            yield from _text_boxes(child)


def page_starts(pages: list[Any]) -> list[PageStart]:
    """Where each of these WeasyPrint pages (of one document) begins in the running text."""
    html_box = pages[0]._page_box.children[0]
    tree = _Tree(html_box.element)
    printed: dict[Any, int] = {}  # anchor element -> letters and digits printed so far
    starts = []
    for index, page in enumerate(pages):
        first: PageStart | None = None
        words: list[str] = []
        for box in _text_boxes(page._page_box.children[0]):
            if "::" in box.element_tag or box.element is None or tree.skipped(box.element):
                continue
            anchors = tree.anchors(box.element)
            if not anchors:
                continue
            count = _counts(box.text)
            if first is None and count:
                first = PageStart(index, anchors[0].get("id"), printed.get(anchors[0], 0), "")
            if first is not None and len(words) < 8:
                words += box.text.split()
            for anchor in anchors:
                printed[anchor] = printed.get(anchor, 0) + count
        size = (round(page.width, 1), round(page.height, 1))
        if first is None:
            starts.append(PageStart(index, None, 0, "", size))
        else:
            starts.append(PageStart(index, first.anchor, first.offset, " ".join(words[:8]), size))
    return starts
