"""Markdown images -> figures, checked, and the book's list of the image files it uses.

An editor writes `![What the image shows](images/clip.png "The printed caption")` in a source,
an introduction or a note, alone in its paragraph: the text in brackets is the alt text (what a
screen reader says; required), the quoted title the caption (optional). `images/...` is looked
up in `sources/images/` for a source and in `book/images/` for everything else.

Pandoc never writes an <img>: the Lua filter (filters/safe.lua) leaves an inert
`<span data-image-src="..." data-image-title="...">alt text</span>`, which this module checks
and turns into `<figure class="figure"><img src="book/images/clip.png" alt="..."/>
<figcaption>...</figcaption></figure>`. The src is the file's path in the project, which is also
its path inside every output: each format copies the files in `BookDoc.images` (ImageDoc) to
that same path (the print layout reads them from the project).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from readerkit.diagnostics import Diagnostics
from readerkit.document import ImageDoc
from readerkit.htmltools import inner_html, parse_fragment, text_of
from readerkit.load.files import inside
from readerkit.model import Project
from readerkit.render import pandoc

FOLDER = "images"
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}
MARKER = "//span[@data-image-src]"


@dataclass(frozen=True)
class Origin:
    """Where a fragment's Markdown is: its file, the line it starts on, its images' folder."""

    path: Path
    line: int
    images: Path


def origins(project: Project) -> dict[str, Origin]:
    """Fragment key (render/fragments.py) -> where its Markdown is written."""
    book_images = project.root / "book" / FOLDER
    found = {f"source:{s.id}": Origin(s.path, s.body_line, project.root / "sources" / FOLDER)
             for s in project.sources.values()}
    found.update({f"ann:{a.id}": Origin(a.path, a.line_of.get("note", a.line), book_images)
                  for a in project.annotations})
    found.update({f"gloss:{g.slug}": Origin(g.path, g.line, book_images)
                  for g in project.glossary})
    for event in project.timeline:
        for key in (f"tl:{event.number}", f"tlnote:{event.number}"):
            found[key] = Origin(event.path, event.line, book_images)
    book = project.book
    if book.introduction_path is not None:
        found["introduction"] = Origin(book.introduction_path, 1, book_images)
    for number, part in enumerate(book.parts, start=1):
        if part.intro_path is not None:
            found[f"part:{number}"] = Origin(part.intro_path, 1, book_images)
    return found


def _line_of(origin: Origin, src: str) -> int:
    """The file line naming the image: the first line from the fragment's start that does."""
    try:
        lines = origin.path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return origin.line
    for number in range(max(origin.line, 1), len(lines) + 1):
        if f"({src}" in lines[number - 1] or src in lines[number - 1]:
            return number
    return origin.line


def _problem(src: str, alt: str, origin: Origin, root: Path) -> tuple[str, str, str] | None:
    """(code, message, hint) when the image cannot be used, else None."""
    folder = origin.images.relative_to(root).as_posix()
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        return ("M004", f"image '{src}' is not a file of the project",
                f"download it into {folder}/ and write ![...]({FOLDER}/NAME)")
    relative = unquote(parts.path)
    path = origin.images.parent / relative
    if not relative.startswith(f"{FOLDER}/") or not inside(origin.images, path):
        return ("M004", f"image '{src}' is outside {folder}/",
                f"put the file in {folder}/ and write ![...]({FOLDER}/NAME)")
    if path.suffix.lower() not in MEDIA_TYPES:
        return ("M004", f"image '{src}' is not a PNG, JPEG, GIF, SVG or WebP file",
                "save it as PNG (drawings, scans of text) or JPEG (photographs)")
    if not path.is_file():
        return ("M002", f"image file {folder}/{relative.removeprefix(FOLDER + '/')} not found",
                "check the file's name (capitals count) and that it is in that folder")
    if not alt.strip():
        return ("M003", f"image '{src}' has no alt text",
                "say what it shows in the brackets, for readers who cannot see it: "
                f"![A clipping of the report]({src})")
    return None


def _figure(src: str, alt: str, caption: etree._Element | None) -> etree._Element:
    figure = etree.Element("figure", {"class": "figure"})
    etree.SubElement(figure, "img", {"src": src, "alt": alt})
    if caption is not None:
        figure.append(caption)
    return figure


def _caption(title: str) -> etree._Element | None:
    if not title.strip():
        return None
    caption = etree.Element("figcaption")
    caption.text = title.strip()
    return caption


def place_images(project: Project, rendered: pandoc.Rendered,
                 diags: Diagnostics) -> list[ImageDoc]:
    """Every image marker in the rendered fragments made a figure (or reported); the images
    used, in book order, each once."""
    where = origins(project)
    used: dict[str, ImageDoc] = {}
    for key, markup in list(rendered.html.items()):
        if "data-image-src" not in markup:
            continue
        origin = where.get(key)
        tree = parse_fragment(markup)
        for marker in tree.xpath(MARKER):
            src, alt = marker.get("data-image-src", ""), " ".join(text_of(marker).split())
            parent = marker.getparent()
            problem = (("M005", "images are not allowed here", "put the image in a source, "
                        "an introduction or a note") if origin is None else
                       _problem(src, alt, origin, project.root))
            alone = (parent is not None and parent.tag == "p" and len(parent) == 1
                     and not (parent.text or "").strip() and not (marker.tail or "").strip())
            if problem is None and not alone:
                problem = ("M005", f"image '{src}' is inside a paragraph of text",
                           "put the image on a line of its own, with a blank line before and "
                           "after it")
            if problem is not None:
                if origin is not None:
                    diags.error(origin.path, _line_of(origin, src), *problem)
                _unwrap(marker)
                continue
            assert origin is not None and parent is not None
            path = origin.images.parent / unquote(urlsplit(src).path)
            href = path.relative_to(project.root).as_posix()
            used.setdefault(href, ImageDoc(href, path, MEDIA_TYPES[path.suffix.lower()]))
            figure = _figure(href, alt, _caption(marker.get("data-image-title", "")))
            figure.tail = parent.tail
            grand = parent.getparent()
            assert grand is not None
            grand.replace(parent, figure)
        rendered.html[key] = inner_html(tree)
    return list(used.values())


def _unwrap(marker: etree._Element) -> None:
    """The marker replaced by its alt text (a refused image leaves its words)."""
    parent = marker.getparent()
    assert parent is not None
    text = text_of(marker) + (marker.tail or "")
    previous = marker.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(marker)
