"""What every output format shares: the Format interface and the print page map.

A format (formats/epub.py, formats/print/pdf.py, registered in formats/registry.py) writes the
rendered book (readerkit.document.BookDoc) as files: their names in the output folder and their
bytes (one EPUB; a web edition or handouts would be several). A format that carries the
print edition's page numbers (the EPUB's page list) reads them from the PageMap, which the print
layout (formats/print/paginate.py) makes: plain, picklable data, never WeasyPrint objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from lxml.etree import _Element

from readerkit.document import BookDoc, NoteDoc
from readerkit.htmltools import inner_html, parse_fragment


@dataclass(frozen=True)
class PageStart:
    """Where a printed page's running text begins (found by formats/print/pagestarts.py)."""

    index: int  # 0-based page index in the PDF
    anchor: str | None  # id of the element the page's running text begins in; None: no text
    offset: int  # letters and digits of that element's text printed on earlier pages
    words: str  # the first words printed on the page (for reports and tests)
    size: tuple[float, float] = (0.0, 0.0)  # page width and height in CSS px (96 per inch)


@dataclass
class PageMap:
    """The print edition's pages as the other formats see them."""

    pages: int
    anchor_pages: dict[str, int]  # element id -> 0-based index of the page it starts on
    page_labels: list[str]  # printed folio of each page ("iii", "14")
    page_starts: list[PageStart] = field(default_factory=list)  # where each page's text begins
    paper: str = ""  # the paper size's name ("US Letter", "A4", "6 × 9 in")
    # What the print edition's file names add for options beyond book.yaml's ("-a4",
    # "-print-shop"), so that each variant has its own file.
    variant: str = ""


class Format(Protocol):
    """One output format. `needs_page_map`: it reads the print edition's page numbers;
    `needs_print_pages`: it needs the laid-out print pages themselves (only the PDF)."""

    name: ClassVar[str]  # the name targets use ("pdf", "epub")
    needs_page_map: ClassVar[bool]
    needs_print_pages: ClassVar[bool]
    # Files under styles/ that only this format reads (a change there lays out nothing again).
    own_styles: ClassVar[tuple[str, ...]]

    def write(self, book: BookDoc, pages: PageMap | None) -> dict[str, bytes]:
        """The output files: name (relative to the output folder) -> bytes."""
        ...


def replace_note_calls(markup: str, notes: list[NoteDoc],
                       render: Callable[[NoteDoc], _Element]) -> str:
    """The markup with every note-call placeholder (see readerkit.document) replaced by the
    element `render` makes from its note (one of `notes`)."""
    by_id = {note.id: note for note in notes}
    tree = parse_fragment(markup)
    for call in tree.xpath('//a[@class="noteref"][@data-note][@data-number]'):
        replacement = render(by_id[call.get("data-note")])
        replacement.tail = call.tail
        parent = call.getparent()
        assert parent is not None
        parent.replace(call, replacement)
    return inner_html(tree)
