"""The print edition's page map: what the print layout (formats/print/paginate.py) hands every
other format and tool that needs its page numbers (the EPUB's page list, the web edition's
page markers, the course pack's permissions table). Plain, picklable data, never WeasyPrint
objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
