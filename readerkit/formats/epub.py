"""The EPUB 3 edition: one XHTML file per source, pop-up footnotes, nav, packaged as a zip.

Pages are the shared XHTML pages of formats/xhtml.py; this module adds the EPUB's own parts:
the reading order, the nav document with the print edition's page list (formats/page_markers.py,
from the print page map), the package document (OPF) with accessibility metadata, and the zip,
written with fixed timestamps and order, so the same content always gives the same bytes.
"""

from __future__ import annotations

import os
import textwrap
import time
from dataclasses import dataclass, field
from html import escape
from typing import ClassVar

from lxml import etree
from lxml import html as lxml_html

from readerkit import stylefiles
from readerkit.document import BookDoc
from readerkit.formats import page_markers, templating, xhtml, zipfiles
from readerkit.formats.xhtml import Page
from readerkit.pagemap import PageMap
from readerkit.render import timeline_chart

INSTRUCTOR_CSS = "epub-instructor.css"  # under styles/: the instructor edition's own rules
CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


@dataclass
class TocEntry:
    label: str
    href: str
    children: list[TocEntry] = field(default_factory=list)


def _pages(book: BookDoc) -> list[Page]:
    pages = [
        Page("cover", "cover.xhtml", "epub/cover.xhtml.j2", "Cover"),
        Page("title", "title.xhtml", "epub/title.xhtml.j2", "Title page"),
        Page("credits", "credits.xhtml", "epub/credits.xhtml.j2", "Credits and permissions"),
        Page("nav", "nav.xhtml", "epub/nav.xhtml.j2", "Contents", properties="nav"),
    ]
    for item in xhtml.front_matter(book):
        pages.append(_apparatus_page(item))
    if book.introduction.html:
        pages.append(Page("introduction", "introduction.xhtml", "epub/introduction.xhtml.j2",
                          "Introduction"))
    for part in book.parts:
        pages.append(Page(part.anchor, f"{part.anchor}.xhtml", "epub/part.xhtml.j2",
                          f"Part {part.number}. {part.title}", {"part": part}))
        for doc in part.sources:
            pages.append(Page(doc.anchor, f"{doc.anchor}.xhtml", "epub/source.xhtml.j2",
                              doc.source.title, {"doc": doc}))
        if part.questions.html:
            pages.append(Page(part.questions_anchor, f"{part.questions_anchor}.xhtml",
                              "epub/questions.xhtml.j2",
                              f"Questions for discussion: Part {part.number}", {"part": part}))
    for item in xhtml.back_matter(book):
        pages.append(_apparatus_page(item))
    return pages


def _apparatus_page(item: xhtml.Apparatus) -> Page:
    return Page(item.name, f"{item.name}.xhtml", f"epub/{item.template}.xhtml.j2", item.title)


def _toc(book: BookDoc) -> list[TocEntry]:
    entries = [TocEntry(item.title, f"{item.name}.xhtml") for item in xhtml.front_matter(book)]
    if book.introduction.html:
        entries.append(TocEntry("Introduction", "introduction.xhtml"))
    for part in book.parts:
        children = [TocEntry(doc.source.title, f"{doc.anchor}.xhtml") for doc in part.sources]
        if part.questions.html:
            children.append(TocEntry("Questions for discussion",
                                     f"{part.questions_anchor}.xhtml"))
        entries.append(TocEntry(f"Part {part.number}. {part.title}", f"{part.anchor}.xhtml",
                                children))
    entries += [TocEntry(item.title, f"{item.name}.xhtml") for item in xhtml.back_matter(book)]
    return entries


def _landmarks(book: BookDoc, pages: list[Page]) -> list[dict[str, str]]:
    hrefs = {page.id: page.href for page in pages}
    first_body = "introduction" if "introduction" in hrefs else next(
        (p.id for p in pages if p.id.startswith("part-")), "title")
    marks = [{"type": "cover", "href": "cover.xhtml", "label": "Cover"},
             {"type": "toc", "href": "nav.xhtml#toc", "label": "Contents"},
             {"type": "bodymatter", "href": hrefs[first_body], "label": "Start of the reader"}]
    if "glossary" in hrefs:
        marks.append({"type": "glossary", "href": "glossary.xhtml", "label": "Glossary"})
    if "bibliography" in hrefs:
        marks.append({"type": "bibliography", "href": "bibliography.xhtml",
                      "label": "Bibliography"})
    if "index" in hrefs:
        marks.append({"type": "index", "href": "index.xhtml", "label": "Index"})
    return marks


def modified_timestamp() -> str:
    """dcterms:modified from SOURCE_DATE_EPOCH when set, so builds are reproducible."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def print_edition(book: BookDoc, pages: PageMap) -> str:
    """Names the print edition whose page numbers the EPUB carries (for pageBreakSource)."""
    meta = book.project.book
    edition = f", {meta.edition}" if meta.edition else ""
    return f"{meta.identifier} ({meta.title}{edition}, print edition, PDF, {pages.paper})"


def accessibility_metadata(book: BookDoc, *, figure: bool = False,
                           page_source: str = "") -> list[str]:
    """EPUB Accessibility 1.1 metadata (schema.org properties, conformance claim)."""
    visual = figure or bool(book.images)
    features = ["tableOfContents", "readingOrder", "structuralNavigation"]
    if page_source:
        features += ["pageBreakMarkers", "pageNavigation", "printPageNumbers"]
    if visual:
        features.append("alternativeText")
    lines = [f'<meta property="dcterms:conformsTo">{CONFORMS_TO}</meta>',
             '<meta property="schema:accessMode">textual</meta>']
    if visual:
        lines.append('<meta property="schema:accessMode">visual</meta>')
    lines.append('<meta property="schema:accessModeSufficient">textual</meta>')
    lines += [f'<meta property="schema:accessibilityFeature">{name}</meta>' for name in features]
    lines.append('<meta property="schema:accessibilityHazard">none</meta>')
    summary = ("Reflowable text with a navigable table of contents, headings in logical order, "
               "landmarks, and notes as footnotes linked to their calls and back. Paragraph "
               "numbers are shown as in print.")
    if page_source:
        summary += (" Page break markers and a page list give the page numbers of the print "
                    "edition, so both editions can be cited by page.")
    if figure:
        summary += (" The timeline chart has a text alternative, and every event it shows is "
                    "also listed in the text.")
    if book.images:
        summary += " Every image has a text alternative."
    lines.append(f'<meta property="schema:accessibilitySummary">{escape(summary)}</meta>')
    if page_source:
        lines.append(f'<meta property="pageBreakSource">{escape(page_source)}</meta>')
    return lines


def cover_svg(book: BookDoc) -> str:
    """A typographic cover from the book's metadata (no image assets needed)."""
    meta = book.project.book
    lines = []
    y = 300
    for line in textwrap.wrap(meta.title, 20):
        lines.append(f'<text x="400" y="{y}" class="title">{escape(line)}</text>')
        y += 80
    y += 20
    for line in textwrap.wrap(meta.subtitle or "", 34):
        lines.append(f'<text x="400" y="{y}" class="subtitle">{escape(line)}</text>')
        y += 48
    editors = "Edited by " + ", ".join(meta.editors)
    y = max(y + 120, 1000)
    for line in textwrap.wrap(editors, 40):
        lines.append(f'<text x="400" y="{y}" class="editors">{escape(line)}</text>')
        y += 40
    label = escape(f"{meta.title}. {meta.subtitle or ''}".strip())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 800 1200" '
        f'width="800" height="1200" role="img" aria-label="{label}">\n'
        f"<title>{label}</title>\n"
        "<style>text { font-family: serif; text-anchor: middle; fill: #1d1d1b; } "
        ".title { font-size: 68px; } .subtitle { font-size: 36px; font-style: italic; } "
        ".editors { font-size: 30px; }</style>\n"
        '<rect width="800" height="1200" fill="#f4efe4"/>\n'
        '<rect x="40" y="40" width="720" height="1120" fill="none" stroke="#7a2e1f" '
        'stroke-width="6"/>\n' + "\n".join(lines) + "\n</svg>\n"
    )


def timeline_image(book: BookDoc) -> dict[str, str] | None:
    """The print edition's timeline chart as an SVG file, with alt text, when available."""
    if not book.timeline:
        return None
    chart = timeline_chart.chart_for(book.project.timeline)
    if chart is None:
        return None
    svg = chart.svg
    if not svg.lstrip().startswith("<?xml"):
        svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg
    return {"href": "images/timeline.svg", "alt": chart.alt, "caption": chart.caption,
            "svg": svg}  # the caption as in print


def teaching_popups(pages: list[Page]) -> None:
    """The instructor edition's margin marks as note references to their guide entries, so a
    reading system that pops up notes (Apple Books, Kobo, Thorium) shows a teaching note in
    place. The entries are marked `endnote`, not `footnote`: a reading system may hide footnote
    asides from the flow, and the guide must still read as a page of its own."""
    for page in pages:
        assert page.tree is not None
        for mark in page.tree.xpath('//a[@class="teaching-mark"]'):
            mark.set("epub:type", "noteref")
            mark.set("role", "doc-noteref")
        for entry in page.tree.xpath('//section[contains(concat(" ", @class, " "), '
                                     '" teaching-note ")]'):
            entry.set("epub:type", "endnote")


def package(book: BookDoc, print_pages: PageMap | None) -> bytes:
    """The EPUB file; with the print page map, it carries the print edition's page numbers."""
    project = book.project
    env = templating.environment(project.styles_dir)
    pages = _pages(book)
    figure = timeline_image(book)
    shared = {
        "book": book,
        "meta": project.book,
        "notes_for_epub": xhtml.for_xhtml,
        "note_asides": xhtml.note_asides,
        "toc": _toc(book),
        "landmarks": _landmarks(book, pages),
        "page_list": [],
        "timeline_image": figure,
        "page_of": xhtml.guide_place(print_pages),
    }

    def render(page: Page, **extra: object) -> etree._Element:
        markup = env.get_template(page.template).render(
            page_title=page.title, body_class=page.id, **{**shared, **page.context, **extra}
        )
        return lxml_html.document_fromstring(markup)

    for page in pages:
        page.tree = render(page)
    # The print edition's page breaks, then the page list in the nav document.
    trees = {page.href: page.tree for page in pages if page.id != "cover" and page.tree is not None}
    page_list = page_markers.insert_markers(trees, print_pages.page_starts,
                                            print_pages.page_labels) if print_pages else []
    if page_list:
        nav = next(page for page in pages if page.id == "nav")
        fresh = render(nav, page_list=[{"label": label, "href": href}
                                       for label, href in page_list])
        assert nav.tree is not None
        nav.tree.find("body").append(fresh.xpath('//nav[@id="page-list"]')[0])
    xhtml.link_across_files(pages)
    teaching_popups(pages)
    files: dict[str, bytes] = {page.href: xhtml.serialise(page.tree) for page in pages}
    files["css/epub.css"] = stylefiles.resolve(project.styles_dir, "epub.css").read_bytes()
    extra = stylefiles.resolve(project.styles_dir, INSTRUCTOR_CSS)
    if book.guide and extra.is_file():  # the instructor edition's rules: none for students
        files["css/epub.css"] += b"\n" + extra.read_bytes()
    files["images/cover.svg"] = cover_svg(book).encode()
    manifest = [
        {"id": page.id, "href": page.href,
         "media_type": "application/xhtml+xml", "properties": page.properties}
        for page in pages
    ]
    manifest.append({"id": "css", "href": "css/epub.css", "media_type": "text/css",
                     "properties": ""})
    manifest.append({"id": "cover-image", "href": "images/cover.svg",
                     "media_type": "image/svg+xml", "properties": "cover-image"})
    for number, image in enumerate(book.images, start=1):  # at their paths in the project
        files[image.href] = image.path.read_bytes()
        manifest.append({"id": f"image-{number}", "href": image.href,
                         "media_type": image.media_type, "properties": ""})
    if figure:
        files[figure["href"]] = figure["svg"].encode()
        manifest.append({"id": "timeline-chart", "href": figure["href"],
                         "media_type": "image/svg+xml", "properties": ""})
    opf = env.get_template("epub/content.opf.j2").render(
        meta=project.book,
        modified=modified_timestamp(),
        accessibility=accessibility_metadata(
            book, figure=figure is not None,
            page_source=print_edition(book, print_pages)
            if print_pages and page_list else ""),
        manifest=manifest,
        spine=[{"id": page.id, "linear": True} for page in pages],
    )
    etree.fromstring(opf.encode())
    files["content.opf"] = opf.encode()
    return _zip(files)


def _zip(files: dict[str, bytes]) -> bytes:
    entries = {"META-INF/container.xml": CONTAINER.encode()}
    entries.update({f"EPUB/{name}": data for name, data in files.items()})
    # The mimetype entry must come first and be stored uncompressed (OCF).
    return zipfiles.reproducible_zip(entries, stored_first=("mimetype", b"application/epub+zip"))


class Epub:
    """The EPUB 3 edition (formats/registry.py: "epub")."""

    name: ClassVar[str] = "epub"
    needs_page_map: ClassVar[bool] = True  # its page list gives the print edition's pages
    own_styles: ClassVar[tuple[str, ...]] = ("epub.css", INSTRUCTOR_CSS, "templates/epub/")
    needs_print_pages: ClassVar[bool] = False

    def write(self, book: BookDoc, pages: PageMap | None) -> dict[str, bytes]:
        return {f"{book.file_stem}.epub": package(book, pages)}


FORMAT = Epub
