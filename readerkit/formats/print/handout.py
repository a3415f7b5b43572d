"""A handout's PDF: its HTML (formats/print/handout_html.py) laid out by WeasyPrint as one short
document, with the print edition's styles and then handout.css, and written as tagged PDF/UA-1
with the print edition's tags (formats/print/pdf_tags.py).

Only the handout is laid out here: the reader's page numbers it shows come from the reader's
page map, which the caller (readerkit/handouts.py) takes from the layout cache.
"""

from __future__ import annotations

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from readerkit import stylefiles
from readerkit.document import HandoutDoc
from readerkit.formats.print import linebreaks, pagecss, pdf_tags
from readerkit.formats.print.fetcher import ProjectOnlyFetcher
from readerkit.formats.print.handout_html import handout_html


def page_css(page_size: str) -> str:
    """The book's paper and type size, the same margins on every page (a handout is stapled,
    not bound): the inner margin on the left, for the paragraph numbers, the outer one on the
    right, for the reader's page numbers."""
    paper = pagecss.PAPERS.get(page_size, pagecss.PAPERS["letter"])
    top, inner, bottom, outer = paper.margins
    return (f"@page {{ size: {paper.css}; margin: {top} {outer} {bottom} {inner}; }}\n"
            f"html {{ font-size: {paper.body}; }}\n")


def write_handout(handout: HandoutDoc, page_size: str) -> bytes:
    """The handout as a tagged PDF (PDF/UA-1), the same bytes for the same content."""
    project = handout.book.project
    fetcher = ProjectOnlyFetcher(project.root)
    styles = [weasyprint.CSS(filename=str(stylefiles.resolve(project.styles_dir, name)),
                             url_fetcher=fetcher) for name in ("print.css", "handout.css")]
    styles.append(weasyprint.CSS(string=page_css(page_size)))
    if not pagecss.font_available(pagecss.BOOK_FONT):
        styles.append(weasyprint.CSS(string=pagecss.NO_SMALL_CAPS_CSS))
    with linebreaks.fixed():
        document = weasyprint.HTML(string=handout_html(handout),
                                   base_url=str(project.root) + "/",
                                   url_fetcher=fetcher).render(stylesheets=styles,
                                                               font_config=FontConfiguration())
    identifier = f"{project.book.identifier}#handout-{handout.source.source.id}"
    data: bytes = pdf_tags.write_pdf(document, pdf_identifier=identifier.encode(),
                                     pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    return data
