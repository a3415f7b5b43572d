"""The EPUB 3 edition: one XHTML file per source, pop-up footnotes, nav, packaged as a zip.

Pages are rendered with the reader's Jinja templates (styles/templates/epub/), parsed, given
cross-file links, and serialised as XHTML. The zip is written with fixed timestamps and order,
so the same content always gives the same bytes.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from . import notes
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
    marks = [{"type": "toc", "href": "nav.xhtml#toc", "label": "Contents"},
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


def accessibility_metadata(book: BookDoc) -> list[str]:
    return [
        '<meta property="schema:accessMode">textual</meta>',
        '<meta property="schema:accessModeSufficient">textual</meta>',
        '<meta property="schema:accessibilityFeature">tableOfContents</meta>',
        '<meta property="schema:accessibilityFeature">readingOrder</meta>',
        '<meta property="schema:accessibilityFeature">structuralNavigation</meta>',
        '<meta property="schema:accessibilityHazard">none</meta>',
        '<meta property="schema:accessibilitySummary">Text with a navigable table of contents, '
        'headings in logical order, and footnotes linked to their calls.</meta>',
    ]


def package(book: BookDoc, layout: PrintLayout) -> bytes:
    project = book.project
    env = environment(project.styles_dir)
    pages = _pages(book)
    shared = {
        "book": book,
        "meta": project.book,
        "notes_for_epub": notes.for_epub,
        "note_asides": note_asides,
        "toc": _toc(book),
        "landmarks": _landmarks(book, pages),
        "page_list": [],
        "timeline_image": None,
    }
    for page in pages:
        markup = env.get_template(page.template).render(
            page_title=page.title, body_class=page.id, **shared, **page.context
        )
        page.tree = lxml_html.document_fromstring(markup)
    _link_across_files(pages)
    files: dict[str, bytes] = {page.href: _serialise(page.tree) for page in pages}  # type: ignore[arg-type]
    files["css/epub.css"] = (project.styles_dir / "epub.css").read_bytes()
    manifest = [
        {"id": page.id, "href": page.href, "media_type": "application/xhtml+xml",
         "properties": page.properties}
        for page in pages
    ]
    manifest.append({"id": "css", "href": "css/epub.css", "media_type": "text/css",
                     "properties": ""})
    opf = env.get_template("epub/content.opf.j2").render(
        meta=project.book,
        modified=modified_timestamp(),
        accessibility=accessibility_metadata(book),
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



