"""The print edition: the book as one HTML document, laid out by WeasyPrint.

Besides the PDF bytes, layout tells on which page every element id starts; the EPUB uses
that to carry the print edition's page numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import weasyprint

from . import notes, pagebreaks
from .assemble import BookDoc
from .contentfiles import inside
from .templating import environment

PAGE_SIZES = {"letter": "8.5in 11in", "a4": "210mm 297mm", "trade": "6in 9in"}


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
    document: Any = None  # the rendered WeasyPrint document while the PDF is still unwritten


def print_html(book: BookDoc, *, timeline_svg: str = "") -> str:
    env = environment(book.project.styles_dir)
    template = env.get_template("print.html.j2")
    return template.render(
        book=book,
        meta=book.project.book,
        notes_for_print=notes.for_print,
        timeline_svg=timeline_svg,
    )


def layout(book: BookDoc, html_text: str, *, page_size: str, write: bool = True) -> PrintLayout:
    """Render the print HTML; with write=False the PDF is left unwritten (pdf == b"", call
    write_pdf(book, result) for it): an EPUB-only build needs only the page numbers."""
    root = book.project.root
    fetcher = ProjectOnlyFetcher(root)
    css = [weasyprint.CSS(filename=str(book.project.styles_dir / "print.css"), url_fetcher=fetcher)]
    size = PAGE_SIZES.get(page_size, PAGE_SIZES["letter"])
    css.append(weasyprint.CSS(string=f"@page {{ size: {size}; }}"))
    document = weasyprint.HTML(
        string=html_text, base_url=str(root) + "/", url_fetcher=fetcher
    ).render(stylesheets=css)
    anchor_pages: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            anchor_pages.setdefault(anchor, index)
    result = PrintLayout(pdf=b"", pages=len(document.pages), anchor_pages=anchor_pages,
                         page_labels=[], document=document,
                         page_starts=pagebreaks.page_starts(document))
    if write:
        write_pdf(book, result)
    return result


def write_pdf(book: BookDoc, result: PrintLayout) -> bytes:
    """Write the PDF of a layout made with write=False (then drop the document)."""
    if result.document is not None:
        result.pdf = result.document.write_pdf(
            pdf_identifier=book.project.book.identifier.encode(), uncompressed_pdf=False
        )
        result.document = None
    return result.pdf
