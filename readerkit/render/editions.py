"""Editions: the student edition (the default) and the instructor edition, chosen before rendering.

Instructor-only material is every annotation with `audience: instructor` and every fenced div
`::: instructor` in the introduction, a part intro or a source's text. `core(project)` is the
project without any of it: the shared core, rendered once (Pandoc, anchoring, glossary links,
note numbers) and printed as the student edition, so that nothing instructor-only ever reaches
a student format (Sphinx's `only` filters late and leaks into its search index; this does not).

The instructor edition is the same core plus, where they take no room in the shared flow, the
teaching notes: `instructor_book` renders them apart (their own citeproc run: the guide is a
document of its own, and the core's citations stay those of the student edition), puts a mark
(a positioned element, out of the flow) on the block each belongs to, and hands the formats
the notes as `BookDoc.guide`, printed as an "Instructor's guide" after the appendices. Every
format gets this for free: it only renders `BookDoc.guide` and styles `.teaching-marks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lxml import html as lxml_html
from lxml.etree import _Element

from readerkit import anchors
from readerkit.diagnostics import Diagnostics
from readerkit.document import BookDoc, Prose, SourceDoc, TeachingNoteDoc
from readerkit.htmltools import inner_html, parse_fragment
from readerkit.model import Annotation, Project
from readerkit.render import annotate, pandoc
from readerkit.render.citations import csl_path
from readerkit.render.urlbreak import break_urls

STUDENT, INSTRUCTOR = "student", "instructor"
EDITIONS = (STUDENT, INSTRUCTOR)
INSTRUCTOR_CLASS = "instructor"
MARK_CLASS = "teaching-marks"  # the container of a block's marks (formats style and skip it)
# An opening fence: three or more colons, then the class alone or in braces.
OPENING = re.compile(r"^(?P<fence>:{3,})\s*(?:\{\s*\.(?P<braced>[\w-]+)[^}]*\}|(?P<word>[\w-]+))"
                     r"\s*:*\s*$")
CLOSING = re.compile(r"^:{3,}\s*$")


@dataclass(frozen=True)
class Div:
    """A `::: instructor` div of a Markdown text."""

    line: int  # 0-based index of its opening fence in the text
    markdown: str  # what it holds
    before: str  # the text before its opening fence (to find the block it follows)


def split_divs(markdown: str) -> tuple[str, list[Div]]:
    """The text with every top-level `::: instructor` div blanked (its lines left empty, so
    that every later line keeps its number), and the divs. Divs nested in other divs count
    too; fences inside an instructor div belong to it."""
    lines = markdown.split("\n")
    kept = list(lines)
    divs: list[Div] = []
    depth = 0  # open divs
    start: int | None = None  # the open instructor div's fence line, and its depth
    start_depth = 0
    for index, line in enumerate(lines):
        opening = OPENING.match(line)
        if opening:
            depth += 1
            name = opening.group("braced") or opening.group("word")
            if start is None and name == INSTRUCTOR_CLASS:
                start, start_depth = index, depth
        elif CLOSING.match(line) and depth:
            if start is not None and depth == start_depth:
                divs.append(Div(start, "\n".join(lines[start + 1:index]),
                                "\n".join(lines[:start])))
                kept[start:index + 1] = [""] * (index + 1 - start)
                start = None
            depth -= 1
    if start is not None:  # never closed: Pandoc would run it to the end; so do we
        divs.append(Div(start, "\n".join(lines[start + 1:]), "\n".join(lines[:start])))
        kept[start:] = [""] * (len(lines) - start)
    return "\n".join(kept), divs


def without_divs(markdown: str) -> str:
    """The text as the student edition has it (see split_divs)."""
    return split_divs(markdown)[0]


def core(project: Project) -> Project:
    """The shared core: the project without its instructor-only material."""
    book = project.book
    student_book = replace(
        book, introduction=without_divs(book.introduction),
        parts=[replace(part, intro=without_divs(part.intro)) for part in book.parts])
    return replace(
        project, book=student_book,
        annotations=[a for a in project.annotations if a.audience != INSTRUCTOR],
        sources={sid: replace(source, body=without_divs(source.body))
                 for sid, source in project.sources.items()})


@dataclass
class _Piece:
    """One teaching note before rendering: where it belongs and what it says."""

    key: str  # unique: the annotation's id, or ORIGIN-div-N
    origin: str  # "introduction", "part:N" or "source:ID"
    kind: str
    markdown: str
    annotation: Annotation | None = None
    before: str | None = None  # a div's preceding text


def _pieces(project: Project) -> list[_Piece]:
    pieces = [_Piece(a.id, f"source:{a.source_id}", a.kind, a.note, annotation=a)
              for a in project.annotations if a.audience == INSTRUCTOR]
    texts = [("introduction", project.book.introduction)]
    texts += [(f"part:{n}", part.intro) for n, part in enumerate(project.book.parts, start=1)]
    texts += [(f"source:{sid}", source.body) for sid, source in project.sources.items()]
    for origin, text in texts:
        for number, div in enumerate(split_divs(text)[1], start=1):
            pieces.append(_Piece(f"{origin.replace(':', '-')}-div-{number}", origin, "teaching",
                                 div.markdown, before=div.before))
    return pieces


def check_annotations(book: BookDoc, project: Project, diags: Diagnostics) -> None:
    """Anchor every instructor annotation in the shared core (A001-A004 as for the others), so
    that a student build reports them too."""
    _placed_annotations(book, project, diags)


def _origins(book: BookDoc) -> dict[str, tuple[str, str]]:
    """origin -> (its HTML in the core, the anchor of where it is)."""
    found = {"introduction": (book.introduction.html, "introduction")}
    for part in book.parts:
        found[f"part:{part.number}"] = (part.intro.html, part.anchor)
        for doc in part.sources:
            found[f"source:{doc.source.id}"] = (doc.html, doc.anchor)
    return found


def _block_for(block: _Element) -> _Element:
    """The numbered paragraph holding (or nearest before) a placed block, else the block."""
    for path in ("ancestor-or-self::p[@id]", "preceding::p[@id][1]"):
        found = block.xpath(path)
        if found:
            return found[0]
    return block


def _placed_annotations(book: BookDoc, project: Project, diags: Diagnostics
                        ) -> dict[str, tuple[_Element, _Element, int]]:
    """annotation id -> (its source's parsed core tree, the block its mark goes on, offset);
    the annotations of one source share one tree."""
    placed: dict[str, tuple[_Element, _Element, int]] = {}
    for doc in book.sources:
        instructor = [a for a in project.annotations_for(doc.source.id)
                      if a.audience == INSTRUCTOR]
        if not instructor:
            continue
        tree = parse_fragment(doc.html)
        for placement in annotate.place(tree, doc.source, instructor, diags):
            placed[placement.annotation.id] = (tree, _block_for(placement.block),
                                               placement.start)
    return placed


CONTAINERS = ("ul", "ol", "dl", "blockquote", "div", "section", "li", "figure")
BLOCKS = (*CONTAINERS, "p", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre")


def _innermost_last(block: _Element) -> _Element:
    """A div's mark goes beside the end of the block before it: in a list, its last item."""
    while block.tag in CONTAINERS:
        children = [child for child in block if isinstance(child.tag, str)]
        if not children or children[-1].tag not in BLOCKS:
            break
        block = children[-1]
    return block


def _render(project: Project, pieces: list[_Piece]) -> pandoc.Rendered:
    frags = []
    for piece in pieces:
        frags.append(pandoc.Fragment(f"tn:{piece.key}", piece.markdown, "", as_note=True,
                                     group="teaching"))
        if piece.before is not None:
            frags.append(pandoc.Fragment(f"before:{piece.key}", piece.before,
                                         anchors.footnote_prefix(f"before-{piece.key}"),
                                         group="teaching-before"))
    bibliography = project.bibliography_path if project.bibliography_path.is_file() else None
    return pandoc.render(frags, bibliography=bibliography, csl=csl_path(), cwd=project.root,
                         lang=project.book.lang)


def _where(book: BookDoc, origin: str) -> str:
    if origin == "introduction":
        return "Introduction"
    family, _, name = origin.partition(":")
    if family == "part":
        part = book.parts[int(name) - 1]
        return f"Part {part.number} introduction: {part.title}"
    return next(doc.source.title for doc in book.sources if doc.source.id == name)


def _mark_element(marks: list[TeachingNoteDoc]) -> _Element:
    holder = lxml_html.Element("span", {"class": MARK_CLASS})
    for index, note in enumerate(marks):
        link = lxml_html.Element("a", {
            "class": "teaching-mark", "id": note.mark_id, "href": f"#{note.id}",
            "aria-label": f"Instructor's guide, teaching note {note.number}"})
        link.text = f"T{note.number}"
        link.tail = " " if index < len(marks) - 1 else None
        holder.append(link)
    return holder


def _insert_marks(block: _Element, marks: list[TeachingNoteDoc]) -> None:
    """The marks as the block's first child, after its paragraph number: the running text is
    split where it already was, so nothing in the line moves."""
    holder = _mark_element(marks)
    first = block[0] if len(block) else None
    if first is not None and "pnum" in (first.get("class") or "").split() and not block.text:
        holder.tail, first.tail = first.tail, None
        first.addnext(holder)
    else:
        holder.tail, block.text = block.text, None
        block.insert(0, holder)


def instructor_book(book: BookDoc, project: Project) -> BookDoc:
    """The instructor edition: the shared core `book` (rendered from core(project)) with every
    teaching note of `project` (the whole project) marked and gathered in `guide`."""
    pieces = _pieces(project)
    if not pieces:
        return replace(book, edition=INSTRUCTOR)
    rendered = _render(project, pieces)
    origins = _origins(book)
    trees: dict[str, _Element] = {}
    # Anchoring problems were reported by check_annotations: not again.
    placed_annotations = _placed_annotations(book, project, Diagnostics(project.root))
    for piece in pieces:
        if piece.key in placed_annotations and piece.annotation is not None:
            trees[piece.origin] = placed_annotations[piece.key][0]
    located: list[tuple[tuple[int, int, int], _Piece, _Element]] = []
    order = {origin: number for number, origin in enumerate(origins)}
    for piece in pieces:
        if piece.origin not in origins:
            continue  # a source in no part is not printed (S002)
        if piece.annotation is not None:
            if piece.key not in placed_annotations:
                continue  # reported (A001...) by check_annotations
            tree, block, offset = placed_annotations[piece.key]
        else:
            tree = trees.setdefault(piece.origin, parse_fragment(origins[piece.origin][0]))
            before = parse_fragment(rendered.html.get(f"before:{piece.key}", ""))
            blocks = [child for child in tree if isinstance(child.tag, str)]
            if not blocks:
                continue  # an empty text: nowhere to mark
            count = len([c for c in before if isinstance(c.tag, str)])
            block, offset = _innermost_last(blocks[max(0, min(count, len(blocks)) - 1)]), 1 << 30
        position = next(i for i, element in enumerate(tree.iter()) if element is block)
        located.append(((order[piece.origin], position, offset), piece, block))
    located.sort(key=lambda item: item[0])
    guide: list[TeachingNoteDoc] = []
    by_block: dict[int, tuple[_Element, list[TeachingNoteDoc]]] = {}
    for number, (_key, piece, block) in enumerate(located, start=1):
        paragraph_id = block.get("id") if (block.get("id") or "").startswith("p-") else None
        note = TeachingNoteDoc(
            number=number, id=anchors.teaching_note(piece.key),
            mark_id=anchors.teaching_mark(piece.key), kind=piece.kind,
            html=break_urls(rendered.html.get(f"tn:{piece.key}", "")),
            where=_where(book, piece.origin), where_anchor=origins[piece.origin][1],
            paragraph=int(paragraph_id.rsplit("-", 1)[1]) if paragraph_id else None)
        guide.append(note)
        by_block.setdefault(id(block), (block, []))[1].append(note)
    for block, marks in by_block.values():
        _insert_marks(block, marks)
    html = {origin: inner_html(tree) for origin, tree in trees.items()}
    return _with_html(book, html, guide)


def _with_html(book: BookDoc, html: dict[str, str], guide: list[TeachingNoteDoc]) -> BookDoc:
    def prose(origin: str, text: Prose) -> Prose:
        return replace(text, html=html[origin]) if origin in html else text

    def source(doc: SourceDoc) -> SourceDoc:
        origin = f"source:{doc.source.id}"
        return replace(doc, html=html[origin]) if origin in html else doc

    parts = [replace(part, intro=prose(f"part:{part.number}", part.intro),
                     sources=[source(doc) for doc in part.sources]) for part in book.parts]
    return replace(book, introduction=prose("introduction", book.introduction),
                   parts=parts, edition=INSTRUCTOR, guide=guide)
