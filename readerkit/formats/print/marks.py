"""The instructor edition's margin marks in print: each in the outer margin of its page.

A mark (render/editions.py) is positioned out of the flow beside its block; which margin is
the outer one depends on the page the block lands on (recto: right, verso: left), so the print
HTML is made with a guess of the verso marks (from the student edition's page map, the
instructor's pages being the same), and made again if the layout proves a guess wrong.
"""

from __future__ import annotations

from dataclasses import replace

from readerkit.document import BookDoc
from readerkit.htmltools import inner_html, parse_fragment
from readerkit.pagemap import PageMap
from readerkit.render.editions import MARK_CLASS

VERSO_CLASS = "verso"


def _mark_ids(book: BookDoc) -> dict[str, str | None]:
    """Every mark's id -> the id of its block (a numbered paragraph), if it has one."""
    found: dict[str, str | None] = {}
    texts = [book.introduction.html] + [p.intro.html for p in book.parts]
    texts += [doc.html for doc in book.sources]
    for text in texts:
        if "teaching-mark" not in text:
            continue
        for link in parse_fragment(text).xpath('//a[@class="teaching-mark"]'):
            block = link.getparent().getparent()
            found[link.get("id")] = block.get("id") if block is not None else None
    return found


def verso_guess(book: BookDoc, student_pages: PageMap | None) -> frozenset[str]:
    """The marks whose block starts on a verso in the student edition (a guess: a block
    without an id is guessed on a recto)."""
    if not book.guide or student_pages is None:
        return frozenset()
    return frozenset(mark for mark, block in _mark_ids(book).items()
                     if block is not None and student_pages.anchor_pages.get(block, 0) % 2)


def verso_marks(book: BookDoc, pages: PageMap) -> frozenset[str]:
    """The marks that the layout put on a verso (0-based odd page index)."""
    return frozenset(mark for mark in _mark_ids(book)
                     if pages.anchor_pages.get(mark, 0) % 2)


def _sided(markup: str, verso: frozenset[str]) -> str:
    tree = parse_fragment(markup)
    for holder in tree.xpath(f'//span[@class="{MARK_CLASS}"]'):
        if any(link.get("id") in verso for link in holder):
            holder.set("class", f"{MARK_CLASS} {VERSO_CLASS}")
    return inner_html(tree)


def with_sides(book: BookDoc, verso: frozenset[str]) -> BookDoc:
    """The book with the marks on versos classed `verso` (print.css puts them on the left)."""
    if not verso:
        return book
    parts = [replace(part, intro=replace(part.intro, html=_sided(part.intro.html, verso)),
                     sources=[replace(doc, html=_sided(doc.html, verso))
                              for doc in part.sources]) for part in book.parts]
    intro = replace(book.introduction, html=_sided(book.introduction.html, verso))
    return replace(book, introduction=intro, parts=parts)
