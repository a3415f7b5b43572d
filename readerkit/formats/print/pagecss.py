"""The print edition's page geometry: paper sizes, margins, type size, the book face.

Appended after the reader's styles/print.css by formats/print/paginate.py.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class Paper:
    css: str  # the @page size
    px: tuple[float, float]  # width and height as WeasyPrint lays them out (CSS px)
    name: str  # as the EPUB names the print edition whose pages it carries
    # Margins (top, inner, bottom, outer). Recto pages have the binding gutter (inner margin)
    # on the left, versos on the right: mirrored for duplex printing.
    margins: tuple[str, str, str, str]
    body: str  # body type size


# One per page size a book.yaml may name (readerkit.model.PAGE_SIZES).
PAPERS = {
    "letter": Paper("8.5in 11in", (816.0, 1056.0), "US Letter",
                    ("0.85in", "1.1in", "0.85in", "1.0in"), "11.5pt"),
    "a4": Paper("210mm 297mm", (793.7, 1122.5), "A4", ("22mm", "28mm", "22mm", "25mm"), "11.5pt"),
    "trade": Paper("6in 9in", (576.0, 864.0), "6 × 9 in", ("0.7in", "0.85in", "0.7in", "0.62in"),
                   "10.5pt"),
}
BOOK_FONT = "EB Garamond 12"  # from the Debian package fonts-ebgaramond (see `make fonts`)
# Without the book font, Pango would fake small capitals by shrinking capitals (which also
# garbles text extraction); use letter-spaced capitals instead.
NO_SMALL_CAPS_CSS = """
.book-editors, .part-number, .source-kind, .note-label, .toc .toc-part > a, .credits h2,
.course-for, .handout-course, .handout-edition {
  font-variant: normal; text-transform: uppercase; font-size: 0.82em; letter-spacing: 0.08em; }
@page :left { @top-center { font-variant: normal; text-transform: uppercase; font-size: 7.5pt; } }
"""
PRINT_SHOP_CSS = "@page { bleed: 3mm; marks: crop cross; }"


# `openings: any` (book.yaml): every part, source and appendix still starts a new page, on
# either side; no blank page is added (the engine starts a unit on a verso where one falls).
ANY_OPENINGS_CSS = """
.credits, .toc { break-after: page !important; }
.introduction, .source, .appendix > section { break-before: page !important; }
.part-opener { break-before: page !important; break-after: page !important; }
#layout-unit-end { break-before: page !important; }
"""


def page_css(page_size: str, *, print_shop: bool = False, openings: str = "recto") -> str:
    """The page geometry stylesheet for one page size (appended after styles/print.css)."""
    paper = PAPERS.get(page_size, PAPERS["letter"])
    top, inner, bottom, outer = paper.margins
    css = (f"@page {{ size: {paper.css}; }}\n"
           f"@page :right {{ margin: {top} {outer} {bottom} {inner}; }}\n"
           f"@page :left {{ margin: {top} {inner} {bottom} {outer}; }}\n"
           f"html {{ font-size: {paper.body}; }}\n")
    if print_shop:
        css += PRINT_SHOP_CSS + "\n"
    if openings == "any":
        css += ANY_OPENINGS_CSS
    return css


def paper_name(size: tuple[float, float]) -> str:
    """The name of the paper a page of this size (CSS px) is printed on."""
    return next((paper.name for paper in PAPERS.values()
                 if abs(size[0] - paper.px[0]) < 1 and abs(size[1] - paper.px[1]) < 1),
                f"{size[0] / 96:.2f} × {size[1] / 96:.2f} in")


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


