"""The web edition's reading aids, added to each page tree once the print page markers are in.

- Notes: the EPUB's note asides (formats/xhtml.py) move from the end of the page to just after
  the block that holds their call. web.css floats them into the margin on wide screens and, on
  phones, shows one only while it is the :target (it opens in place, under its paragraph; the
  close link targets the call again). web.js improves this: no jump, Escape closes, focus
  returns to the call.
- Glossary terms: the definition as a tooltip after the linked term (aria-describedby), shown
  on hover and on focus; the search index skips it (data-pagefind-ignore).
- Print page markers: separators labelled "Print page 14", shown as "p. 14" (one that opens a
  heading just before the heading).

These run after formats/page_markers.py has counted the running text: the text they add is
not in the print edition.
"""

from __future__ import annotations

from lxml import html as lxml_html
from lxml.etree import _Element

from readerkit import anchors
from readerkit.document import BookDoc
from readerkit.formats.page_markers import INLINE_TAGS, tag
from readerkit.htmltools import parse_fragment, text_of

# Blocks whose content is phrasing only: an aside cannot go inside them, so it goes after.
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
PHRASING_BLOCKS = frozenset({"p", *HEADINGS, "pre", "dt", "summary"})


def definitions(book: BookDoc) -> dict[str, str]:
    """Glossary entry id -> its definition as plain text."""
    return {item.anchor: " ".join(text_of(parse_fragment(item.definition_html)).split())
            for item in book.glossary}


def block_of(call: _Element) -> _Element:
    """The outermost element in the chain of phrasing-only ancestors of the call."""
    block = call
    parent = call.getparent()
    while parent is not None and (tag(parent) in INLINE_TAGS or tag(parent) in PHRASING_BLOCKS):
        block, parent = parent, parent.getparent()
    return block


def _place_notes(tree: _Element) -> None:
    for rule in tree.xpath('//hr[@class="notes-rule"]'):
        rule.getparent().remove(rule)
    for aside in tree.xpath('//aside[contains(concat(" ", @class, " "), " footnote ")]'):
        calls = tree.xpath("//a[@id=$id]", id=anchors.note_call(aside.get("id")))
        if not calls:
            continue
        aside.getparent().remove(aside)
        block = block_of(calls[0])
        # After the block, and after the notes already placed there (reading order).
        anchor = block
        while (following := anchor.getnext()) is not None and tag(following) == "aside":
            anchor = following
        aside.tail, anchor.tail = anchor.tail, None
        anchor.addnext(aside)
        aside.set("aria-label", f"Note {calls[0].text or ''}".strip())  # landmarks told apart
        close = lxml_html.Element("a", {"class": "note-close", "href": f"#{calls[0].get('id')}",
                                        "data-pagefind-ignore": ""})
        close.set("aria-label", f"Close note {calls[0].text or ''}".strip())
        close.text = "Close"
        aside.append(close)


def _glossary_tips(tree: _Element, glossary: dict[str, str]) -> None:
    for link in tree.xpath('//a[@class="glossary-term"]'):
        entry = link.get("href", "").rpartition("#")[2]
        definition = glossary.get(entry)
        if not definition or not link.get("id"):
            continue
        tip = lxml_html.Element("span", {"class": "gloss-tip", "role": "tooltip",
                                         "id": f"tip-{link.get('id')}",
                                         "data-pagefind-ignore": ""})
        tip.text = definition
        tip.tail, link.tail = link.tail, None
        link.addnext(tip)
        link.set("aria-describedby", tip.get("id"))


def _before_heading(span: _Element) -> None:
    """A marker that opens a heading goes just before it: its "p. 14" reads above the
    heading, not inside it (the same place in the text: nothing comes between them)."""
    heading = span.getparent()
    if heading is None or tag(heading) not in HEADINGS or (heading.text or "").strip() \
            or span.getprevious() is not None:
        return
    heading.text = (heading.text or "") + (span.tail or "")
    heading.remove(span)
    span.tail = None
    heading.addprevious(span)


def _page_markers(tree: _Element) -> None:
    for span in tree.xpath('//span[@role="doc-pagebreak"]'):
        _before_heading(span)
        label = span.get("aria-label", "")
        span.set("data-page", label)
        # A separator (what doc-pagebreak refines) named for screen readers: axe-core takes
        # doc-pagebreak outside an EPUB for a role that may not be named.
        span.set("role", "separator")
        span.set("aria-label", f"Print page {label}")
        span.set("data-pagefind-ignore", "")


def finish(tree: _Element, glossary: dict[str, str]) -> None:
    """Notes after their blocks, glossary tooltips and labelled page markers, in place."""
    _place_notes(tree)
    _glossary_tips(tree, glossary)
    _page_markers(tree)
