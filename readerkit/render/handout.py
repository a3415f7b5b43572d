"""A handout: one source of the book, with what belongs with it, selected from the BookDoc.

`build.py handout SOURCE_ID` prints one source as the book prints it (its header, headnote,
text and notes, with the book's note and paragraph numbers) and, after it, the glossary
entries its text links to, the timeline events that cite it, and every work the handout cites:
the work the excerpt comes from (and the one it is quoted in), the works its headnote and notes
cite, and those cited by the glossary entries and timeline events it prints, in the book's
bibliography order. The reader's page numbers come from the reader's print page map
(readerkit/pagemap.py): the pages the source occupies there, where each begins, and the folio
of every element a glossary or timeline entry points to. In the instructor edition the
source's teaching notes come last, each with the reader's page of its passage.
"""

from __future__ import annotations

import difflib

from lxml.etree import _Element

from readerkit import anchors
from readerkit.diagnostics import BuildAborted, Diagnostics
from readerkit.document import BookDoc, HandoutDoc, ReaderPage, SourceDoc
from readerkit.htmltools import elements_by_id, parse_fragment
from readerkit.model import Project
from readerkit.pagemap import PageMap


def check_source_id(project: Project, source_id: str, diags: Diagnostics) -> None:
    """S007 (and the build stopped) unless `source_id` is a source in one of the book's parts."""
    book = project.book
    listed = [sid for part in book.parts for sid in part.sources if sid in project.sources]
    if source_id in listed:
        return
    line = book.line_of.get("parts", 0)
    if source_id in project.sources:
        diags.error(book.path, line, "S007",
                    f"no handout of '{source_id}': the source is in no part of the book",
                    "list it in a part's 'sources' first: a handout gives the reader's pages")
    else:
        close = difflib.get_close_matches(source_id, listed, n=3, cutoff=0.6)
        hint = (f"did you mean {_either(close)}?" if close
                else f"the book's sources are: {', '.join(listed)}")
        diags.error(book.path, line, "S007",
                    f"no handout of '{source_id}': there is no source of that id in the book",
                    hint)
    raise BuildAborted(diags)


def _either(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _ids(markup: str) -> set[str]:
    return set(elements_by_id(parse_fragment(markup)))


def source_ids(doc: SourceDoc) -> set[str]:
    """Every id the source prints: its own, its headnote's, its text's and its notes'."""
    ids = {doc.anchor, doc.headnote_anchor, *(note.id for note in doc.all_notes)}
    return ids | _ids(doc.headnote.html) | _ids(doc.html)


def reader_page_indices(doc: SourceDoc, pages: PageMap) -> list[int]:
    """The indices of the reader's pages that hold the source's text: those whose running
    text begins in it, and those on which one of its elements starts (a page holding only a
    cut mark, "[…]", or only notes). A blank verso after it, or the part's questions for
    discussion on the next page, are not its pages."""
    ids = source_ids(doc)
    found = {start.index for start in pages.page_starts if start.anchor in ids}
    found |= {pages.anchor_pages[i] for i in ids if i in pages.anchor_pages}
    return sorted(found)


def _cited(markup: str) -> list[str]:
    """The bibliography keys Pandoc's citations in the HTML name, in order."""
    keys: list[str] = []
    for element in parse_fragment(markup).xpath("//*[@data-cites]"):
        keys += element.get("data-cites", "").split()
    return keys


def _mark_folio(doc: SourceDoc, mark_id: str, folios: dict[str, str]) -> str:
    """The reader's folio of the passage a teaching mark is in (its nearest element with a
    page in the reader: the marks themselves are only in the instructor edition)."""
    found = parse_fragment(doc.html).xpath(f'//*[@id="{mark_id}"]')
    element: _Element | None = found[0] if found else None
    while element is not None:
        if element.get("id") in folios:
            return folios[element.get("id", "")]
        element = element.getparent()
    return folios.get(doc.anchor, "")


def select(book: BookDoc, source_id: str, pages: PageMap) -> HandoutDoc:
    """The handout of the source `source_id` (checked by check_source_id) of `book` (either
    edition), with the reader's pages from `pages` (the student edition's: the instructor
    edition has the same)."""
    part = next(part for part in book.parts
                if any(doc.source.id == source_id for doc in part.sources))
    doc = next(doc for doc in part.sources if doc.source.id == source_id)
    folios = {anchor: pages.page_labels[index] for anchor, index in pages.anchor_pages.items()}
    starts = {start.index: start for start in pages.page_starts}
    reader_pages = [ReaderPage(pages.page_labels[index], starts[index])
                    for index in reader_page_indices(doc, pages) if index in starts]
    glossary = [item for item in book.glossary if item.entry.slug in doc.glossary_uses]
    timeline = [item for item in book.timeline if source_id in item.event.sources]
    teaching = [(note, _mark_folio(doc, note.mark_id, folios)) for note in book.guide
                if note.where_anchor == doc.anchor]
    keys = [doc.source.cite, doc.source.quoted_in, *_cited(doc.headnote.html), *_cited(doc.html)]
    keys += [key for note in doc.all_notes for key in _cited(note.html)]
    keys += [key for item in glossary for key in _cited(item.definition_html)]
    for event in timeline:
        keys += [key for key in event.event.sources if key not in book.project.sources]
        keys += _cited(event.event_html) + _cited(event.note_html)
    keys += [key for note, _folio in teaching for key in _cited(note.html)]
    wanted = {anchors.bibliography_entry(key) for key in keys if key}
    bibliography = [(anchor, entry) for anchor, entry in book.bibliography if anchor in wanted]
    return HandoutDoc(book=book, part=part, source=doc, glossary=glossary, timeline=timeline,
                      bibliography=bibliography, reader_pages=reader_pages, folios=folios,
                      teaching=teaching)
