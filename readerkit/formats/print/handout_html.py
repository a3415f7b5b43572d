"""A handout's HTML (styles/templates/handout.html.j2): one source as the print edition sets it,
with the reader's page numbers marked where each reader page begins.

The source is rendered exactly as in the print HTML (formats/print/html.py: the same header,
headnote, note calls and ids), so the reader's page starts (readerkit/pagemap.py: an element's
id and how many letters of it earlier pages printed) find their places in it as the EPUB's
page-break markers do (formats/page_markers.py). Each marker becomes a "[p. N]" in the margin
beside the line where reader page N begins. Links to what the handout does not hold (another
source's use of a glossary term, an entry the handout leaves out) keep their text, not the link.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html
from lxml.etree import _Element

from readerkit.document import HandoutDoc
from readerkit.formats import page_markers, templating
from readerkit.formats.print import notes
from readerkit.htmltools import elements_by_id

MARK_CLASS = "reader-page"
MARK_LABEL_CLASS = "reader-page-label"
IN_LINE_CLASS = "in-line"  # the page begins inside a line of text: a rule marks the place


def _text_before(marker: _Element) -> bool:
    """Whether running text precedes the marker in its block (paragraph numbers, notes and
    teaching marks are not running text): the page begins inside a line, not at its start."""
    node = marker
    while True:
        earlier = node.getprevious()
        while earlier is not None:
            if (earlier.tail or "").strip() or (
                    not page_markers.classes(earlier) & page_markers.SKIP_CLASSES
                    and "".join(earlier.itertext()).strip()):
                return True
            earlier = earlier.getprevious()
        parent = node.getparent()
        if parent is None or (parent.text or "").strip():
            return parent is not None
        if page_markers.tag(parent) not in page_markers.INLINE_TAGS:
            return False
        node = parent


def _mark(marker: _Element, label: str) -> None:
    """An EPUB page-break marker turned into the handout's: "[p. N]" in the margin and, where
    the page begins inside a line, a thin rule at that place."""
    for name in list(marker.attrib):
        if name != "id":
            del marker.attrib[name]
    marker.set("class", f"{MARK_CLASS} {IN_LINE_CLASS}" if _text_before(marker) else MARK_CLASS)
    number = marker.getnext()
    if (number is not None and "pnum" in page_markers.classes(number)
            and not (marker.tail or "").strip()):  # a paragraph's number stays its first child
        marker.tail, number.tail = number.tail, marker.tail
        number.addnext(marker)
    marker.text = None
    shown = lxml_html.Element("span", {"class": MARK_LABEL_CLASS})
    shown.text = f"[p.\u00a0{label}]"
    marker.insert(0, shown)


def mark_reader_pages(handout: HandoutDoc, article: _Element) -> None:
    """A "[p. N]" mark where each of the reader's pages of the source begins."""
    starts = [page.start for page in handout.reader_pages]
    labels = {page.start.index: page.label for page in handout.reader_pages}
    folios = [labels.get(index, "") for index in range(max(labels, default=-1) + 1)]
    placed = page_markers.insert_markers({"handout": article}, starts, folios)
    by_id = elements_by_id(article)
    for label, href in placed:
        _mark(by_id[href.split("#", 1)[1]], label)


def _unlink_missing(tree: _Element) -> None:
    """A link to an id the handout does not hold keeps its text (as a span, classes kept)."""
    ids = elements_by_id(tree)
    for link in tree.xpath('//a[starts-with(@href, "#")]'):
        if link.get("href", "")[1:] not in ids:
            del link.attrib["href"]
            link.tag = "span"


def handout_html(handout: HandoutDoc) -> str:
    """The handout as one HTML document, for WeasyPrint."""
    project = handout.book.project
    env = templating.environment(project.styles_dir)
    text = env.get_template("handout.html.j2").render(
        handout=handout, book=handout.book, meta=project.book, doc=handout.source,
        part=handout.part, notes_for_print=notes.for_print,
        folio=lambda anchor: handout.folios.get(anchor, ""))
    tree = lxml_html.document_fromstring(text)
    article = tree.get_element_by_id(handout.source.anchor)
    mark_reader_pages(handout, article)
    _unlink_missing(tree)
    markup: str = etree.tostring(tree, encoding="unicode", method="html")
    return "<!DOCTYPE html>\n" + markup
