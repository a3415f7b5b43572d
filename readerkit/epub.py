"""The EPUB 3 edition: one XHTML file per source, pop-up footnotes, nav, packaged as a zip.

Pages are rendered with the reader's Jinja templates (styles/templates/epub/), parsed, given
cross-file links, and serialised as XHTML. The zip is written with fixed timestamps and order,
so the same content always gives the same bytes.
"""

from __future__ import annotations

import io
import os
import textwrap
import time
import zipfile
from dataclasses import dataclass, field
from html import escape

from lxml import etree
from lxml import html as lxml_html

from . import notes, pagebreaks
from .assemble import BookDoc, NoteDoc
from .pdf import PrintLayout
from .templating import environment

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


@dataclass
class Page:
    id: str  # manifest id
    href: str  # file name inside EPUB/
    template: str
    title: str
    context: dict[str, object] = field(default_factory=dict)
    properties: str = ""
    tree: etree._Element | None = None


@dataclass
class TocEntry:
    label: str
    href: str
    children: list[TocEntry] = field(default_factory=list)


def note_asides(note_list: list[NoteDoc]) -> str:
    if not note_list:
        return ""
    items = []
    for note in note_list:
        label = "" if note.kind == "source" else f'<span class="note-label">{note.label}.</span> '
        audience = " note-instructor" if note.audience == "instructor" else ""
        body = note.html or "<p></p>"
        back = (f'<a class="note-back" href="#ref-{note.id}" role="doc-backlink" '
                f'aria-label="Back to note call {note.number}">{note.number}.</a> ')
        body = body.replace("<p>", "<p>" + back + label, 1) if body.startswith("<p>") else (
            f"<p>{back}{label}</p>{body}")
        items.append(f'<aside epub:type="footnote" role="doc-footnote" id="{note.id}" '
                     f'class="footnote note-{note.kind}{audience}">{body}</aside>')
    return '<hr class="notes-rule"/>' + "".join(items)


def _pages(book: BookDoc) -> list[Page]:
    pages = [
        Page("cover", "cover.xhtml", "epub/cover.xhtml.j2", "Cover"),
        Page("title", "title.xhtml", "epub/title.xhtml.j2", "Title page"),
        Page("credits", "credits.xhtml", "epub/credits.xhtml.j2", "Credits and permissions"),
        Page("nav", "nav.xhtml", "epub/nav.xhtml.j2", "Contents", properties="nav"),
    ]
    if book.introduction.html:
        pages.append(Page("introduction", "introduction.xhtml", "epub/introduction.xhtml.j2",
                          "Introduction"))
    for part in book.parts:
        pages.append(Page(part.anchor, f"{part.anchor}.xhtml", "epub/part.xhtml.j2",
                          f"Part {part.number}. {part.title}", {"part": part}))
        for doc in part.sources:
            pages.append(Page(doc.anchor, f"{doc.anchor}.xhtml", "epub/source.xhtml.j2",
                              doc.source.title, {"doc": doc}))
    if book.timeline:
        pages.append(Page("timeline", "timeline.xhtml", "epub/timeline.xhtml.j2", "Timeline"))
    if book.glossary:
        pages.append(Page("glossary", "glossary.xhtml", "epub/glossary.xhtml.j2", "Glossary"))
    if book.bibliography:
        pages.append(Page("bibliography", "bibliography.xhtml", "epub/bibliography.xhtml.j2",
                          "Bibliography"))
    return pages


def _toc(book: BookDoc) -> list[TocEntry]:
    entries = []
    if book.introduction.html:
        entries.append(TocEntry("Introduction", "introduction.xhtml"))
    for part in book.parts:
        entries.append(TocEntry(
            f"Part {part.number}. {part.title}", f"{part.anchor}.xhtml",
            [TocEntry(doc.source.title, f"{doc.anchor}.xhtml") for doc in part.sources],
        ))
    for name, label, present in (("timeline", "Timeline", book.timeline),
                                 ("glossary", "Glossary", book.glossary),
                                 ("bibliography", "Bibliography", book.bibliography)):
        if present:
            entries.append(TocEntry(label, f"{name}.xhtml"))
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
    return marks


def _link_across_files(pages: list[Page]) -> None:
    """Rewrite '#id' links to 'file.xhtml#id' where the id lives in another file."""
    home: dict[str, str] = {}
    for page in pages:
        assert page.tree is not None
        for element in page.tree.iter():
            if isinstance(element.tag, str) and element.get("id"):
                home.setdefault(element.get("id"), page.href)
    for page in pages:
        assert page.tree is not None
        for link in page.tree.iter("a"):
            href = link.get("href", "")
            if href.startswith("#") and home.get(href[1:], page.href) != page.href:
                link.set("href", f"{home[href[1:]]}{href}")


def _serialise(tree: etree._Element) -> bytes:
    body = etree.tostring(tree, method="xml", encoding="unicode")
    body = body.replace("<html ", f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}" ', 1)
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n{body}\n'
    etree.fromstring(text.encode())  # fail loudly here rather than in a reading system
    return text.encode()


def modified_timestamp() -> str:
    """dcterms:modified from SOURCE_DATE_EPOCH when set, so builds are reproducible."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
PAGE_SIZE_NAMES = {(816.0, 1056.0): "US Letter", (793.7, 1122.5): "A4", (576.0, 864.0): "6 × 9 in"}


def print_edition(book: BookDoc, layout: PrintLayout) -> str:
    """Names the print edition whose page numbers the EPUB carries (for pageBreakSource)."""
    size = layout.page_starts[0].size if layout.page_starts else (0.0, 0.0)
    name = next((label for (w, h), label in PAGE_SIZE_NAMES.items()
                 if abs(size[0] - w) < 1 and abs(size[1] - h) < 1),
                f"{size[0] / 96:.2f} × {size[1] / 96:.2f} in")
    meta = book.project.book
    edition = f", {meta.edition}" if meta.edition else ""
    return f"{meta.identifier} ({meta.title}{edition}, print edition, PDF, {name})"


def accessibility_metadata(book: BookDoc, *, figure: bool = False,
                           page_source: str = "") -> list[str]:
    """EPUB Accessibility 1.1 metadata (schema.org properties, conformance claim)."""
    features = ["tableOfContents", "readingOrder", "structuralNavigation"]
    if page_source:
        features += ["pageBreakMarkers", "pageNavigation", "printPageNumbers"]
    if figure:
        features.append("alternativeText")
    lines = [f'<meta property="dcterms:conformsTo">{CONFORMS_TO}</meta>',
             '<meta property="schema:accessMode">textual</meta>']
    if figure:
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
    lines.append(f'<meta property="schema:accessibilitySummary">{escape(summary)}</meta>')
    if page_source:
        lines.append(f'<meta property="pageBreakSource">{escape(page_source)}</meta>')
    return lines


def folios(layout: PrintLayout) -> list[str]:
    """The printed folio of every page, as the print layout numbers them (one rule, in pdf.py)."""
    return list(layout.page_labels)


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
    try:
        from . import timeline_chart
    except ImportError:
        return None
    chart = timeline_chart.chart_for(book.project.timeline)
    if chart is None:
        return None
    svg = chart.svg
    if not svg.lstrip().startswith("<?xml"):
        svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg
    return {"href": "images/timeline.svg", "alt": chart.alt, "caption": chart.caption,
            "svg": svg}  # the caption as in print


def package(book: BookDoc, layout: PrintLayout) -> bytes:
    project = book.project
    env = environment(project.styles_dir)
    pages = _pages(book)
    figure = timeline_image(book)
    shared = {
        "book": book,
        "meta": project.book,
        "notes_for_epub": notes.for_epub,
        "note_asides": note_asides,
        "toc": _toc(book),
        "landmarks": _landmarks(book, pages),
        "page_list": [],
        "timeline_image": figure,
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
    page_list = pagebreaks.insert_markers(trees, layout.page_starts, folios(layout))
    if page_list:
        nav = next(page for page in pages if page.id == "nav")
        fresh = render(nav, page_list=[{"label": label, "href": href}
                                       for label, href in page_list])
        assert nav.tree is not None
        nav.tree.find("body").append(fresh.xpath('//nav[@id="page-list"]')[0])
    _link_across_files(pages)
    files: dict[str, bytes] = {page.href: _serialise(page.tree) for page in pages}
    files["css/epub.css"] = (project.styles_dir / "epub.css").read_bytes()
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
    if figure:
        files[figure["href"]] = figure["svg"].encode()
        manifest.append({"id": "timeline-chart", "href": figure["href"],
                         "media_type": "image/svg+xml", "properties": ""})
    opf = env.get_template("epub/content.opf.j2").render(
        meta=project.book,
        modified=modified_timestamp(),
        accessibility=accessibility_metadata(
            book, figure=figure is not None,
            page_source=print_edition(book, layout) if page_list else ""),
        manifest=manifest,
        spine=[{"id": page.id, "linear": True} for page in pages],
    )
    etree.fromstring(opf.encode())
    files["content.opf"] = opf.encode()
    return _zip(files)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype entry must come first and be stored uncompressed (OCF).
        archive.writestr(zipfile.ZipInfo("mimetype", FIXED_ZIP_TIME), b"application/epub+zip",
                         compress_type=zipfile.ZIP_STORED)
        entries = {"META-INF/container.xml": CONTAINER.encode()}
        entries.update({f"EPUB/{name}": data for name, data in files.items()})
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name], compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()



