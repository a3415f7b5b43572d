"""The print edition's PDF: WeasyPrint's laid-out pages written as tagged PDF/UA-1.

formats/print/paginate.py lays the book out; this module only writes the pages it kept.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pydyf

from readerkit.document import BookDoc
from readerkit.formats.print import pdf_tags
from readerkit.formats.print.folios import label_ranges
from readerkit.formats.print.paginate import PrintLayout
from readerkit.pagemap import PageMap

_ALL_PAGE_REFERENCES = pydyf.PDF.page_references


def _page_references(self: pydyf.PDF) -> tuple[bytes, ...]:
    """pydyf.PDF.page_references, remembered until a page is added.

    pydyf 0.13 rebuilds the tuple of every page's reference each time it is read, and
    WeasyPrint's PDF/UA tagging reads it once per structure element: quadratic in the page
    count (about 4 s of an 18 s write for 450 pages). Pages are only ever appended, so the
    length of /Kids tells whether the remembered tuple is still whole."""
    kids = self.pages["Kids"]
    known = self.__dict__.get("_readerkit_page_references")
    if known is None or known[0] != len(kids):
        known = (len(kids), _ALL_PAGE_REFERENCES.fget(self))
        self.__dict__["_readerkit_page_references"] = known
    return known[1]  # type: ignore[no-any-return]


pydyf.PDF.page_references = property(_page_references)


def write_pdf(book: BookDoc, layout: PrintLayout) -> bytes:
    """The PDF of a layout that kept its pages (which are then dropped): tagged PDF/UA-1
    (title and language from the HTML), every font embedded, a fixed identifier so that the
    same input gives the same file, and page labels, so that a PDF viewer's page box shows the
    printed folios (iii, 1, 2, …)."""

    def add_page_labels(_document: Any, writer: pydyf.PDF) -> None:
        numbers = pydyf.Array()
        for index, style in label_ranges(layout.page_labels):
            numbers.extend([index, pydyf.Dictionary({"S": style})])
        writer.catalog["PageLabels"] = pydyf.Dictionary({"Nums": numbers})

    if layout.document is None:
        raise ValueError("the print layout did not keep its pages: nothing to write")
    data: bytes = pdf_tags.write_pdf(  # with the PDF/UA tags WeasyPrint 70 lacks
        layout.document,
        pdf_identifier=book.project.book.identifier.encode(),
        pdf_variant="pdf/ua-1",
        uncompressed_pdf=False,
        finisher=add_page_labels,
    )
    layout.document = None
    return data


class Pdf:
    """The print edition as a PDF (formats/registry.py: "pdf")."""

    name: ClassVar[str] = "pdf"
    needs_page_map: ClassVar[bool] = True
    own_styles: ClassVar[tuple[str, ...]] = ()  # the print styles shape the layout itself
    needs_print_pages: ClassVar[bool] = True

    def write(self, book: BookDoc, pages: PageMap | None) -> dict[str, bytes]:
        if not isinstance(pages, PrintLayout):
            raise TypeError("the PDF is written from the print layout's own pages")
        return {f"{book.file_stem}{pages.variant}.pdf": write_pdf(book, pages)}


FORMAT = Pdf
