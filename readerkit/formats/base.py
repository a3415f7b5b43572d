"""What every output format shares: the Format interface and the print page map.

A format (formats/epub.py, formats/print/pdf.py, registered in formats/registry.py) writes the
rendered book (readerkit.document.BookDoc) as files: their names in the output folder and their
bytes (one EPUB; a web edition: a folder and a zip). A format that carries the print
edition's page numbers (the EPUB's page list, the web edition's markers) reads them from the
PageMap (readerkit/pagemap.py) that the print layout (formats/print/paginate.py) makes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol, runtime_checkable

from lxml.etree import _Element

from readerkit.document import BookDoc, NoteDoc
from readerkit.htmltools import inner_html, parse_fragment
from readerkit.pagemap import PageMap


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


@runtime_checkable
class Drafts(Protocol):
    """A format that can show an edit sooner (the live preview's fast pass): `draft` gives
    the files a reader opens, leaving out what only the full build makes (a search index, a
    zip); the full build follows a moment later."""

    def draft(self, book: BookDoc, pages: PageMap | None) -> dict[str, bytes]:
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
