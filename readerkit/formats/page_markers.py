"""Page-break markers: the print edition's pages carried into XHTML page trees.

formats/print/pagestarts.py finds, for every printed page, the element its running text begins
in (its anchor) and how many letters and digits of that element were printed on earlier pages
(its offset); the page map (readerkit/pagemap.py) hands these over. `insert_markers` puts an
empty `<span epub:type="pagebreak" role="doc-pagebreak">` at the same offset in the same element
of the XHTML trees. A page that begins inside a word (hyphenated across the page turn) gets its
marker after that word; a page with no running text of its own (blank verso, notes only) gets
its marker just before the next page's.

Counting only letters and digits makes the count blind to what layout changes (collapsed white
space, hyphens at line ends, generated content). Notes, paragraph numbers and generated content
are counted on neither side (SKIP_CLASSES).
"""

from __future__ import annotations

from html import escape
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from readerkit import anchors
from readerkit.htmltools import elements_by_id
from readerkit.pagemap import PageStart

# Classes whose text is not part of the running text in both editions.
SKIP_CLASSES = frozenset({"footnote", "pnum", "noteref", "pagebreak", "teaching-marks"})
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


def classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split())


def tag(element: Any) -> str:
    """The element's tag without a namespace ('' for comments)."""
    name = element.tag if isinstance(element.tag, str) else ""
    return name.rsplit("}", 1)[-1]


def _skip_epub(element: etree._Element) -> bool:
    return bool(classes(element) & SKIP_CLASSES) or tag(element) in ("hr", "aside")


def _segments(anchor: etree._Element) -> tuple[list[tuple[etree._Element, str, str, int, int]],
                                              set[int]]:
    """The anchor's running text as (element, 'text'|'tail', string, start, depth) pieces, and
    the positions where a block element starts or ends (word boundaries with no space)."""
    pieces: list[tuple[etree._Element, str, str, int, int]] = []
    edges: set[int] = set()
    position = 0

    def walk(element: etree._Element, depth: int) -> None:
        nonlocal position
        block = tag(element) not in INLINE_TAGS
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
    if tag(anchor) == "nav":  # a nav's content model allows no span: mark just before it
        _insert_before(anchor, span)
        return
    if offset == 0 and tag(anchor) not in NO_PHRASING:
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
        if start <= pos <= start + len(string) and tag(container) not in NO_PHRASING:
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
        for ident, element in elements_by_id(tree).items():
            home.setdefault(ident, (name, element))
    placed: dict[int, tuple[str, etree._Element]] = {}
    pending: list[int] = []
    for start in starts:
        label = labels[start.index] if start.index < len(labels) else str(start.index + 1)
        span = marker(label, anchors.page_break(label))
        target = home.get(EPUB_ID.get(start.anchor or "", start.anchor or ""))
        if target is None:
            pending.append(start.index)
            continue
        name, anchor = target
        _insert_at(anchor, start.offset, span)
        placed[start.index] = (name, span)
        for earlier in pending:  # blank or notes-only pages just before this one
            early = marker(labels[earlier], anchors.page_break(labels[earlier]))
            span.addprevious(early)
            placed[earlier] = (name, early)
        pending = []
    if pending and placed:  # blank pages at the very end: after the last marker
        name, last = placed[max(placed)]
        for later in reversed(pending):
            late = marker(labels[later], anchors.page_break(labels[later]))
            late.tail, last.tail = last.tail, None
            last.addnext(late)
            placed[later] = (name, late)
    return [(labels[index], f"{name}#{span.get('id')}")
            for index, (name, span) in sorted(placed.items())]
