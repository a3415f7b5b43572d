"""Print page breaks, found exactly in the laid-out PDF and carried into the EPUB.

The print HTML and the EPUB share ids (paragraphs p-SRC-N, sources, parts, glossary entries…)
and the same running text. For every printed page, `page_starts` walks WeasyPrint's laid-out
boxes and finds the first piece of running text on the page: the nearest element with an id
that holds it (its *anchor*), and how many letters and digits of that element's text were
printed on earlier pages (its *offset*). Counting only letters and digits makes the count
blind to what layout changes: collapsed white space, hyphens added at line ends, generated
content. Notes (they float to the foot of the page in print and sit in asides in the EPUB),
paragraph numbers and generated content (note calls, page references) are not counted on
either side.

`insert_markers` then puts an empty `<span epub:type="pagebreak" role="doc-pagebreak">` at the
same offset in the same element of the EPUB page trees. A page that begins inside a word
(hyphenated across the page turn) gets its marker after that word; a page with no running text
of its own (blank verso, notes only) gets its marker just before the next page's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from weasyprint.formatting_structure import boxes

# Classes whose text is not part of the running text in both editions.
SKIP_CLASSES = frozenset({"footnote", "pnum", "noteref", "pagebreak"})
# Elements too small to anchor a page start: their text is counted in an enclosing element.
INLINE_TAGS = frozenset({"a", "span", "em", "strong", "i", "b", "sup", "sub", "small", "abbr",
                         "cite", "q", "code", "mark", "s", "u", "var", "time", "bdi", "bdo"})
# Containers a <span> may not be a child of: a marker there goes inside the nearest item.
NO_PHRASING = frozenset({"ol", "ul", "dl", "table", "thead", "tbody", "tfoot", "tr", "nav",
                         "html", "head"})
# Print ids whose element is called differently in the EPUB.
EPUB_ID = {"contents": "toc"}
# A line, and so a page, may end just after a dash ("DEFCON 2—meaning"): the dash stays on the
# page before, and the word after it begins the new page (it is neither opening punctuation nor
# part of a word split across the turn).
BREAK_AFTER = frozenset("\u2014\u2013")


@dataclass(frozen=True)
class PageStart:
    index: int  # 0-based page index in the PDF
    anchor: str | None  # id of the element the page's running text begins in; None: no text
    offset: int  # letters and digits of that element's text printed on earlier pages
    words: str  # the first words printed on the page (for reports and tests)
    size: tuple[float, float] = (0.0, 0.0)  # page width and height in CSS px (96 per inch)


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split())


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
            self._skipped[element] = bool(_classes(element) & SKIP_CLASSES) or (
                parent is not None and self.skipped(parent))
        return self._skipped[element]

    def anchors(self, element: Any) -> list[Any]:
        """The element's anchors, nearest first: itself and its ancestors with an id (inline
        elements excepted). Text counts toward all of them, since each one's offset counts
        all its text, including that of anchors inside it."""
        if element not in self._anchor:
            parent = self.parent.get(element)
            mine = [element] if element.get("id") and _tag(element) not in INLINE_TAGS else []
            self._anchor[element] = mine + (self.anchors(parent) if parent is not None else [])
        return self._anchor[element]  # type: ignore[no-any-return]


def _tag(element: Any) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


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


# --- EPUB side ---------------------------------------------------------------------------


def _skip_epub(element: etree._Element) -> bool:
    return bool(_classes(element) & SKIP_CLASSES) or _tag(element) in ("hr", "aside")


def _segments(anchor: etree._Element) -> tuple[list[tuple[etree._Element, str, str, int, int]],
                                              set[int]]:
    """The anchor's running text as (element, 'text'|'tail', string, start, depth) pieces, and
    the positions where a block element starts or ends (word boundaries with no space)."""
    pieces: list[tuple[etree._Element, str, str, int, int]] = []
    edges: set[int] = set()
    position = 0

    def walk(element: etree._Element, depth: int) -> None:
        nonlocal position
        block = _tag(element) not in INLINE_TAGS
        if block:
            edges.add(position)
        pieces.append((element, "text", element.text or "", position, depth + 1))
        position += len(element.text or "")
        for child in element:
            if isinstance(child.tag, str) and not _skip_epub(child):
                walk(child, depth + 1)
            pieces.append((child, "tail", child.tail or "", position, depth + 1))
            position += len(child.tail or "")
        if block:
            edges.add(position)

    walk(anchor, 0)
    return pieces, edges


def _position(text: str, offset: int, edges: set[int] = frozenset()) -> int:  # type: ignore[assignment]
    """Index in `text` where the running text after `offset` letters and digits begins."""
    seen = 0
    pos = len(text)
    for index, char in enumerate(text):
        if char.isalnum():
            if seen == offset:
                pos = index
                break
            seen += 1

    def word_char(index: int) -> bool:  # is text[index] part of a word (not a boundary)?
        return not text[index].isspace() and index + 1 not in edges and index not in edges

    # Opening punctuation ("“Quote") belongs to the new page.
    while pos > 0 and pos not in edges and not text[pos - 1].isalnum() \
            and not text[pos - 1].isspace() and text[pos - 1] not in BREAK_AFTER:
        pos -= 1
    # Inside a word split across the page turn: the marker goes after that word.
    if 0 < pos < len(text) and pos not in edges and text[pos - 1].isalnum():
        while pos < len(text) and word_char(pos):
            pos += 1
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return pos


def marker(label: str, folio_id: str) -> etree._Element:
    """An empty page-break span (parsed, so that epub:type stays a plain attribute name like
    the templates' own; the serialiser declares the epub prefix on <html>)."""
    span = lxml_html.fragment_fromstring(
        f'<span epub:type="pagebreak" role="doc-pagebreak" id="{escape(folio_id)}" '
        f'class="pagebreak" aria-label="{escape(label)}"></span>')
    span.text = ""  # serialised as <span …></span>, safe in HTML parsers too
    return span


def _insert_at(anchor: etree._Element, offset: int, span: etree._Element) -> None:
    if _tag(anchor) == "nav":  # a nav's content model allows no span: mark just before it
        _insert_before(anchor, span)
        return
    if offset == 0 and _tag(anchor) not in NO_PHRASING:
        span.tail = anchor.text
        anchor.text = None
        anchor.insert(0, span)
        return
    pieces, edges = _segments(anchor)
    text = "".join(piece[2] for piece in pieces)
    pos = _position(text, offset, edges)
    candidates = []
    for element, kind, string, start, depth in pieces:
        container = element if kind == "text" else element.getparent()
        if start <= pos <= start + len(string) and _tag(container) not in NO_PHRASING:
            candidates.append((depth, start, element, kind, string))
    if not candidates:
        raise ValueError(f"no place for a page break in #{anchor.get('id')} at {offset}")
    _depth, start, element, kind, string = min(candidates, key=lambda c: (c[0], c[1]))
    cut = pos - start
    span.tail = string[cut:]
    if kind == "text":
        element.text = string[:cut]
        element.insert(0, span)
    else:
        element.tail = string[:cut]
        element.addnext(span)


def _insert_before(element: etree._Element, span: etree._Element) -> None:
    span.tail = None
    element.addprevious(span)


def insert_markers(trees: dict[str, etree._Element], starts: list[PageStart],
                   labels: list[str]) -> list[tuple[str, str]]:
    """Put one marker per page into the EPUB page trees (file name -> tree).

    Returns the page list: (label, "file.xhtml#id") in page order. Pages whose anchor is not
    in the EPUB are left out; pages without running text get a marker just before the next
    page's (or, for the last pages, at the end of the last marker's file).
    """
    home: dict[str, tuple[str, etree._Element]] = {}
    for name, tree in trees.items():
        for element in tree.iter():
            if isinstance(element.tag, str) and element.get("id"):
                home.setdefault(element.get("id"), (name, element))
    placed: dict[int, tuple[str, etree._Element]] = {}
    pending: list[int] = []
    for start in starts:
        label = labels[start.index] if start.index < len(labels) else str(start.index + 1)
        span = marker(label, f"page-{label}")
        target = home.get(EPUB_ID.get(start.anchor or "", start.anchor or ""))
        if target is None:
            pending.append(start.index)
            continue
        name, anchor = target
        _insert_at(anchor, start.offset, span)
        placed[start.index] = (name, span)
        for earlier in pending:  # blank or notes-only pages just before this one
            early = marker(labels[earlier], f"page-{labels[earlier]}")
            span.addprevious(early)
            placed[earlier] = (name, early)
        pending = []
    if pending and placed:  # blank pages at the very end: after the last marker
        name, last = placed[max(placed)]
        for later in reversed(pending):
            late = marker(labels[later], f"page-{labels[later]}")
            late.tail, last.tail = last.tail, None
            last.addnext(late)
            placed[later] = (name, late)
    return [(labels[index], f"{name}#{span.get('id')}")
            for index, (name, span) in sorted(placed.items())]
