"""What every format made of linked XHTML files shares (the EPUB and the web edition).

A Page is one file: rendered from the reader's Jinja templates (formats/epub.py renders them
from styles/templates/epub/), parsed into an lxml tree, given cross-file links
(`link_across_files`) and serialised as XHTML (`serialise`). Notes: a linked number at the call
(`for_xhtml`) and the note itself in an <aside> after the text (`note_asides`). The apparatus
pages around the readings come in one order for both (`front_matter`, `back_matter`), and
both give print page numbers from the page map the same way (`print_folio`, `guide_place`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html
from lxml.etree import _Element

from readerkit import anchors
from readerkit.document import BookDoc, NoteDoc, TeachingNoteDoc
from readerkit.formats.base import replace_note_calls
from readerkit.htmltools import elements_by_id, parse_fragment
from readerkit.pagemap import PageMap

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"


@dataclass
class Page:
    id: str  # manifest id
    href: str  # file name
    template: str
    title: str
    context: dict[str, object] = field(default_factory=dict)
    properties: str = ""
    tree: etree._Element | None = None


@dataclass(frozen=True)
class Apparatus:
    """A page of the apparatus: its name (the id of its section, and the EPUB file's stem),
    its title, and its template's stem (under epub/ or web/)."""

    name: str
    title: str
    template: str


def front_matter(book: BookDoc) -> list[Apparatus]:
    """The apparatus before the introduction, where the book has it."""
    return [Apparatus("abbreviations", "Abbreviations", "abbreviations")] \
        if book.abbreviations else []


def back_matter(book: BookDoc) -> list[Apparatus]:
    """The apparatus after the readings, in the print edition's order, where the book has it
    (the Instructor's guide only in the instructor edition: BookDoc.guide)."""
    pages = [("timeline", "Timeline", "timeline", book.timeline),
             ("glossary", "Glossary", "glossary", book.glossary),
             ("further-reading", "Further reading", "further-reading", book.further_reading),
             ("bibliography", "Bibliography", "bibliography", book.bibliography),
             ("index", "Index", "index", book.index),
             ("instructors-guide", "Instructor’s guide", "guide", book.guide)]
    return [Apparatus(name, title, template) for name, title, template, present in pages
            if present]


def print_folio(pages: PageMap | None, anchor: str) -> str:
    """The print page ("14", "iii") the element with this id starts on; "" if unknown."""
    index = pages.anchor_pages.get(anchor) if pages is not None else None
    return pages.page_labels[index] if pages is not None and index is not None else ""


def guide_place(pages: PageMap | None) -> Callable[[TeachingNoteDoc], str]:
    """Where a teaching note's mark is in print ("p. 14"), for the guide's headings."""
    def page_of(note: TeachingNoteDoc) -> str:
        folio = print_folio(pages, note.mark_id)
        return f"p.\u00a0{folio}" if folio else "Print page unknown"
    return page_of


def _epub_element(markup: str) -> _Element:
    """An element from literal markup: parsed, so that epub:type stays a plain attribute name
    like the templates' own (serialise() declares the epub prefix on <html>)."""
    element: _Element = lxml_html.fragment_fromstring(markup)
    return element


def note_call(note: NoteDoc) -> _Element:
    call = _epub_element(f'<a epub:type="noteref" role="doc-noteref" '
                         f'class="noteref note-{note.kind}"></a>')
    call.set("id", anchors.note_call(note.id))
    call.set("href", f"#{note.id}")
    call.text = str(note.number)
    return call


def for_xhtml(markup: str, notes: list[NoteDoc]) -> str:
    """The markup with every note call as a linked note number."""
    return replace_note_calls(markup, notes, note_call)


def _aside(note: NoteDoc) -> _Element:
    aside = _epub_element('<aside epub:type="footnote" role="doc-footnote"></aside>')
    aside.set("id", note.id)
    aside.set("class", f"footnote note-{note.kind}")
    body = parse_fragment(note.html)
    aside.text = body.text
    aside.extend(list(body))
    first = aside[0] if len(aside) else None
    if first is None or aside.text or first.tag != "p" or first.attrib:
        first = lxml_html.Element("p")  # the note does not open with a plain paragraph
        aside.insert(0, first)
        first.tail, aside.text = aside.text, None
    back = lxml_html.Element("a", {"class": "note-back", "href": f"#{anchors.note_call(note.id)}",
                                   "role": "doc-backlink",
                                   "aria-label": f"Back to note call {note.number}"})
    back.text = f"{note.number}."
    opening = [back]
    if note.kind != "source":
        label = lxml_html.Element("span", {"class": "note-label"})
        label.text = f"{note.label}."
        opening.append(label)
    for element in opening:
        element.tail = " "
    opening[-1].tail = " " + (first.text or "")
    first.text = None
    for index, element in enumerate(opening):
        first.insert(index, element)
    return aside


def note_asides(note_list: list[NoteDoc]) -> str:
    """The notes of one page as footnote asides, after a rule."""
    if not note_list:
        return ""
    items = [etree.tostring(_aside(note), encoding="unicode", method="html")
             for note in note_list]
    return '<hr class="notes-rule"/>' + "".join(items)


def link_across_files(pages: list[Page]) -> None:
    """Rewrite '#id' links to 'file.xhtml#id' where the id lives in another file (an id that
    every page has, such as a web page's <main>, stays on its own page)."""
    home: dict[str, str] = {}
    for page in pages:
        assert page.tree is not None
        for ident in elements_by_id(page.tree):
            home.setdefault(ident, page.href)
    for page in pages:
        assert page.tree is not None
        own = elements_by_id(page.tree)
        for link in page.tree.iter("a"):
            href = link.get("href", "")
            if href.startswith("#") and href[1:] not in own and href[1:] in home:
                link.set("href", f"{home[href[1:]]}{href}")


def serialise(tree: etree._Element) -> bytes:
    """The page as an XHTML file, declaring the XHTML and epub namespaces on <html>."""
    attributes = dict(tree.attrib)
    tree.attrib.clear()
    tree.set("xmlns", XHTML_NS)
    tree.set("xmlns:epub", EPUB_NS)
    for name, value in attributes.items():
        tree.set(name, value)
    body = etree.tostring(tree, method="xml", encoding="unicode")
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n{body}\n'
    etree.fromstring(text.encode())  # fail loudly here rather than in a reading system
    return text.encode()
