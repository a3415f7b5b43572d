"""The web edition: a static site, one HTML page per source, part, introduction and appendix.

`build.py html` writes `<slug>-web/` (open index.html from disk, or put the folder on any
static host or in an LMS) and the same files as `<slug>-web.zip`. Links are relative and nothing
comes from the network. The pages share the EPUB's pieces (formats/xhtml.py: note calls, note
asides, cross-file links; formats/page_markers.py: the print edition's page breaks), so every
id is the same as in print and in the EPUB; a source's page is `<source-id>.html`.

What the web adds (formats/web_notes.py): each note right after the block holding its call
(a side note on wide screens, a note that opens in place on phones), and glossary definitions
shown on hover and focus; in the instructor site, each teaching note also opens under its
passage (formats/web_teaching.py). Search is Pagefind's index, built into the site
(formats/web_search.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

from lxml import etree
from lxml import html as lxml_html

from readerkit import stylefiles
from readerkit.document import BookDoc
from readerkit.formats import (
    page_markers,
    templating,
    web_notes,
    web_search,
    web_teaching,
    xhtml,
    zipfiles,
)
from readerkit.formats.xhtml import Page
from readerkit.pagemap import PageMap
from readerkit.render import timeline_chart

TEMPLATES = "web/"
ASSETS = ("web.css", "web.js", "web-search.js")  # styles (a reader's own or the defaults)
INSTRUCTOR_CSS = "web-instructor.css"  # added to web.css in the instructor edition only
CHART = "images/timeline.svg"
# The web's own names for an apparatus page (file and template stem): index.html is the
# contents, so the book's index is book-index.html (its section keeps the id "index").
OWN_NAMES = {"index": "book-index"}


@dataclass(frozen=True)
class Link:
    label: str
    href: str


def source_file(source_id: str) -> str:
    """A source's page: `<source-id>.html` (annotation import/export relies on the name)."""
    return f"{source_id}.html"


def _apparatus_page(item: xhtml.Apparatus) -> Page:
    stem = OWN_NAMES.get(item.name, item.name)
    template = OWN_NAMES.get(item.template, item.template)
    return Page(stem, f"{stem}.html", f"web/{template}.html.j2", item.title)


def _pages(book: BookDoc) -> list[Page]:
    """Every page in reading order (prev/next follow it): the index first, then the EPUB's
    order (formats/xhtml.py), then the credits."""
    pages = [Page("index", "index.html", "web/index.html.j2", book.project.book.title)]
    pages += [_apparatus_page(item) for item in xhtml.front_matter(book)]
    if book.introduction.html:
        pages.append(Page("introduction", "introduction.html", "web/introduction.html.j2",
                          "Introduction"))
    for part in book.parts:
        pages.append(Page(part.anchor, f"{part.anchor}.html", "web/part.html.j2",
                          f"Part {part.number}. {part.title}", {"part": part}))
        for doc in part.sources:
            pages.append(Page(doc.anchor, source_file(doc.source.id), "web/source.html.j2",
                              doc.source.title, {"doc": doc}))
    pages += [_apparatus_page(item) for item in xhtml.back_matter(book)]
    pages.append(Page("credits", "credits.html", "web/credits.html.j2",
                      "Credits and permissions"))
    return pages


def _contents(book: BookDoc) -> list[tuple[Link, list[Link]]]:
    def apparatus(items: list[xhtml.Apparatus]) -> list[tuple[Link, list[Link]]]:
        return [(Link(page.title, page.href), []) for page in map(_apparatus_page, items)]

    entries = apparatus(xhtml.front_matter(book))
    if book.introduction.html:
        entries.append((Link("Introduction", "introduction.html"), []))
    for part in book.parts:
        entries.append((Link(f"Part {part.number}. {part.title}", f"{part.anchor}.html"),
                        [Link(doc.source.title, source_file(doc.source.id))
                         for doc in part.sources]))
    entries += apparatus(xhtml.back_matter(book))
    entries.append((Link("Credits and permissions", "credits.html"), []))
    return entries


def _chart(book: BookDoc) -> dict[str, str] | None:
    if not book.timeline:
        return None
    chart = timeline_chart.chart_for(book.project.timeline)
    if chart is None:
        return None
    return {"href": CHART, "alt": chart.alt, "caption": chart.caption, "svg": chart.svg}


def _render_pages(book: BookDoc, pages: list[Page], chart: dict[str, str] | None,
                  print_pages: PageMap | None) -> None:
    env = templating.environment(book.project.styles_dir)
    shared = {"book": book, "meta": book.project.book, "contents": _contents(book),
              "notes_for_web": xhtml.for_xhtml, "note_asides": xhtml.note_asides,
              "timeline_image": chart, "page_of": xhtml.guide_place(print_pages),
              "folio_of": functools.partial(xhtml.print_folio, print_pages)}
    for index, page in enumerate(pages):
        previous = pages[index - 1] if index > 0 else None
        following = pages[index + 1] if index + 1 < len(pages) else None
        markup = env.get_template(page.template).render(
            page_title=page.title, body_class=page.id, page=page,
            previous=Link(previous.title, previous.href) if previous else None,
            next=Link(following.title, following.href) if following else None,
            **{**shared, **page.context})
        page.tree = lxml_html.document_fromstring(markup)


def site(book: BookDoc, pages: PageMap | None, *, search: bool = True) -> dict[str, bytes]:
    """Every file of the site: name (relative to the site folder) -> bytes; without
    `search`, no search index."""
    styles = book.project.styles_dir
    chart = _chart(book)
    page_list = _pages(book)
    _render_pages(book, page_list, chart, pages)
    trees = {page.href: page.tree for page in page_list if page.tree is not None}
    if pages is not None:  # the print pages first: what follows adds text they do not count
        page_markers.insert_markers(trees, pages.page_starts, pages.page_labels)
        _drop_markers(trees["index.html"])  # the print contents' pages: not this contents
    for tree in trees.values():  # the instructor site's teaching notes, in place too
        web_teaching.add_popups(tree, book.guide)
    xhtml.link_across_files(page_list)
    definitions = web_notes.definitions(book)
    for tree in trees.values():
        web_notes.finish(tree, definitions)
    files = {href: serialise(tree) for href, tree in trees.items()}
    files["search.html"] = _search_page(book)
    for asset in ASSETS:
        files[asset] = stylefiles.resolve(styles, asset).read_bytes()
    extra = stylefiles.resolve(styles, INSTRUCTOR_CSS)
    if book.guide and extra.is_file():  # the instructor edition's rules: none for students
        files["web.css"] += b"\n" + extra.read_bytes()
    for image in book.images:  # at their paths in the project, as the figures' src say
        files[image.href] = image.path.read_bytes()
    if chart is not None:
        files[CHART] = chart["svg"].encode()
    if search:
        files.update(web_search.index(files))
    return files


def _drop_markers(tree: etree._Element) -> None:
    for span in tree.xpath('//span[@role="doc-pagebreak"]'):
        parent = span.getparent()
        previous = span.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + (span.tail or "")
        else:
            parent.text = (parent.text or "") + (span.tail or "")
        parent.remove(span)


def _search_page(book: BookDoc) -> bytes:
    """The search page (outside the reading order: no previous/next)."""
    page = Page("search", "search.html", "web/search.html.j2", "Search")
    _render_pages(book, [page], None, None)
    assert page.tree is not None
    return serialise(page.tree)


def serialise(tree: etree._Element) -> bytes:
    """An HTML5 page (the EPUB's epub:type attributes dropped: they mean nothing on the web)."""
    for element in tree.iter():
        if isinstance(element.tag, str) and "epub:type" in element.attrib:
            del element.attrib["epub:type"]
    body = etree.tostring(tree, method="html", encoding="unicode")
    return f"<!DOCTYPE html>\n{body}\n".encode()


def zipped(files: dict[str, bytes]) -> bytes:
    """The site as a zip (index.html at its top), with fixed dates and order."""
    return zipfiles.reproducible_zip(files)


class Web:
    """The web edition (formats/registry.py: "html")."""

    name: ClassVar[str] = "html"
    needs_page_map: ClassVar[bool] = True  # the print page markers
    needs_print_pages: ClassVar[bool] = False
    own_styles: ClassVar[tuple[str, ...]] = (*ASSETS, INSTRUCTOR_CSS, "templates/web/")

    def write(self, book: BookDoc, pages: PageMap | None) -> dict[str, bytes]:
        files = site(book, pages)
        folder = f"{book.file_stem}-web"  # <slug>-instructor-web for instructors
        out = {f"{folder}/{name}": data for name, data in files.items()}
        out[f"{folder}.zip"] = zipped(files)
        return out

    def draft(self, book: BookDoc, pages: PageMap | None) -> dict[str, bytes]:
        """The live preview's first look (formats/base.Drafts): the site's pages without the
        search index and the zip, which the full build that follows writes."""
        folder = f"{book.file_stem}-web"
        return {f"{folder}/{name}": data
                for name, data in site(book, pages, search=False).items()}


FORMAT = Web
