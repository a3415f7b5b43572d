"""The print edition: the book as one HTML document, its styles, folios, and the PDF writer.

paginate.py lays the HTML out (unit by unit); its PrintLayout tells on which page every
element id starts, which the EPUB uses to carry the print edition's page numbers.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydyf
import weasyprint

from . import notes, pagebreaks, pdf_tags, timeline_chart
from .assemble import BookDoc
from .contentfiles import inside
from .templating import environment

PAGE_SIZES = {"letter": "8.5in 11in", "a4": "210mm 297mm", "trade": "6in 9in"}
# Per size: margins (top, inner, bottom, outer) and body type size. Recto pages have the
# binding gutter (inner margin) on the left, versos on the right: mirrored for duplex printing.
PAGE_GEOMETRY = {
    "letter": (("0.85in", "1.1in", "0.85in", "1.0in"), "11.5pt"),
    "a4": (("22mm", "28mm", "22mm", "25mm"), "11.5pt"),
    "trade": (("0.7in", "0.85in", "0.7in", "0.62in"), "10.5pt"),
}
BOOK_FONT = "EB Garamond 12"  # from the Debian package fonts-ebgaramond (see `make fonts`)
# Without the book font, Pango would fake small capitals by shrinking capitals (which also
# garbles text extraction); use letter-spaced capitals instead.
NO_SMALL_CAPS_CSS = """
.book-editors, .part-number, .source-kind, .note-label, .toc .toc-part > a, .credits h2 {
  font-variant: normal; text-transform: uppercase; font-size: 0.82em; letter-spacing: 0.08em; }
@page :left { @top-center { font-variant: normal; text-transform: uppercase; font-size: 7.5pt; } }
"""
PRINT_SHOP_CSS = "@page { bleed: 3mm; marks: crop cross; }"


def page_css(page_size: str, *, print_shop: bool = False) -> str:
    """The page geometry stylesheet for one page size (appended after styles/print.css)."""
    size = page_size if page_size in PAGE_SIZES else "letter"
    (top, inner, bottom, outer), body = PAGE_GEOMETRY[size]
    css = (f"@page {{ size: {PAGE_SIZES[size]}; }}\n"
           f"@page :right {{ margin: {top} {outer} {bottom} {inner}; }}\n"
           f"@page :left {{ margin: {top} {inner} {bottom} {outer}; }}\n"
           f"html {{ font-size: {body}; }}\n")
    if print_shop:
        css += PRINT_SHOP_CSS + "\n"
    return css


@functools.cache
def font_available(family: str) -> bool:
    """Whether fontconfig knows the family (False when fc-list is missing)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    try:
        done = subprocess.run([fc_list, family, "family"], capture_output=True, text=True,
                              timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(done.stdout.strip())


def roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while number >= value:
            out += letters
            number -= value
    return out


def folio(index: int, in_body: bool) -> str:
    """The folio of the index-th page (0-based) of the front matter or of the body."""
    return str(index + 1) if in_body else roman(index + 1)


def page_labels(pages: int, body_start: int | None) -> list[str]:
    """Folio of each page, as paginate.py numbers them: lower-roman from the title page
    (i, ii, …) up to the first page of <main id="body-matter">, then arabic from 1. Pages that
    print no folio (title, part openers, blanks) still get their label."""
    start = pages if body_start is None else body_start
    return [folio(i, False) if i < start else folio(i - start, True) for i in range(pages)]


class ProjectOnlyFetcher(weasyprint.URLFetcher):  # type: ignore[misc]
    """Lets WeasyPrint read files inside the project and nothing else: no network, no /etc."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file"})
        self.root = root

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("file:"):
            raise ValueError(f"refused to fetch {url}: only files inside the project are read")
        response = weasyprint.urls.URLFetcherResponse(url)
        path = Path(response.path)
        if not inside(self.root, path):
            raise ValueError(f"refused to read {path}: it is outside the project")
        return super().fetch(url, headers)


@dataclass
class PrintLayout:
    pdf: bytes
    pages: int
    anchor_pages: dict[str, int]  # element id -> 0-based index of the page it starts on
    page_labels: list[str]  # printed folio of each page ("iii", "14"), "" where none
    # where each page's running text begins, for the EPUB's page-break markers
    page_starts: list[pagebreaks.PageStart] = field(default_factory=list)
    document: Any = None  # the laid-out WeasyPrint document while the PDF is still unwritten


def print_html(book: BookDoc, *, timeline_svg: str | None = None) -> str:
    """The print edition as one HTML document. The timeline chart is drawn from the timeline
    data unless `timeline_svg` is given ("" for none)."""
    caption = ""
    if timeline_svg is None:
        chart = timeline_chart.chart_for(book.project.timeline)
        timeline_svg = chart.svg if chart else ""
        if chart:
            caption = ("Each dot is one event of the timeline below, on its day; "
                       f"the line shows the {chart.series} level in force from the day it "
                       "changed.")
    env = environment(book.project.styles_dir)
    template = env.get_template("print.html.j2")
    return template.render(
        book=book,
        meta=book.project.book,
        notes_for_print=notes.for_print,
        timeline_svg=timeline_svg,
        timeline_caption=caption,
    )


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


def label_ranges(labels: list[str]) -> list[tuple[int, str]]:
    """(first page index, PDF numbering style) of each run of roman or arabic folios."""
    ranges: list[tuple[int, str]] = []
    for index, label in enumerate(labels):
        style = "/D" if label.isdigit() else "/r"
        if not ranges or ranges[-1][1] != style or (style == "/D" and label == "1"):
            ranges.append((index, style))
    return ranges


def write_pdf(book: BookDoc, result: PrintLayout) -> bytes:
    """Write the PDF of a layout with its document (then drop the document): tagged
    PDF/UA-1 (title and language from the HTML), every font embedded, a fixed identifier
    so that the same input gives the same file, and page labels, so that a PDF viewer's page
    box shows the printed folios (iii, 1, 2, …)."""

    def add_page_labels(_document: Any, writer: pydyf.PDF) -> None:
        numbers = pydyf.Array()
        for index, style in label_ranges(result.page_labels):
            numbers.extend([index, pydyf.Dictionary({"S": style})])
        writer.catalog["PageLabels"] = pydyf.Dictionary({"Nums": numbers})

    if result.document is not None:
        result.pdf = pdf_tags.write_pdf(  # with the PDF/UA tags WeasyPrint 70 lacks
            result.document,
            pdf_identifier=book.project.book.identifier.encode(),
            pdf_variant="pdf/ua-1",
            uncompressed_pdf=False,
            finisher=add_page_labels,
        )
        result.document = None
    return result.pdf
