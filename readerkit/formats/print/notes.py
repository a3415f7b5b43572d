"""Notes in print: each note's text at its call, where WeasyPrint floats it to the foot of the page.

The book's HTML marks every note call with a placeholder (see readerkit.document); the print
note is a span.footnote holding the note's paragraphs as spans (display: block in print.css).
"""

from __future__ import annotations

from lxml import html as lxml_html
from lxml.etree import _Element

from readerkit.document import NoteDoc
from readerkit.formats.base import replace_note_calls
from readerkit.htmltools import parse_fragment

BLOCK_TAGS = ("p", "div", "ul", "ol", "li", "blockquote")


def inline_blocks(markup: str) -> _Element:
    """Note bodies as inline content, in a <div>: paragraphs become spans (display:block in
    CSS)."""
    tree = parse_fragment(markup)
    for element in tree.iter(*BLOCK_TAGS):
        if element is tree:
            continue
        element.set("class", f"note-{element.tag} {element.get('class') or ''}".strip())
        element.tag = "span"
    return tree


def print_note(note: NoteDoc) -> _Element:
    note_span = inline_blocks(note.html)
    if note.kind != "source":
        label = lxml_html.Element("span", {"class": "note-label"})
        label.text = f"{note.label}."
        first = note_span[0] if len(note_span) else None
        # The label opens the note's first paragraph, when the note starts with one.
        opens_paragraph = (first is not None and not note_span.text and first.tag == "span"
                           and dict(first.attrib) == {"class": "note-p"})
        holder = first if opens_paragraph and first is not None else note_span
        label.tail = " " + (holder.text or "")
        holder.text = None
        holder.insert(0, label)
    note_span.tag = "span"
    note_span.set("class", f"footnote note-{note.kind}")
    note_span.set("id", note.id)
    return note_span


def for_print(markup: str, notes: list[NoteDoc]) -> str:
    """The markup with every note at its call."""
    return replace_note_calls(markup, notes, print_note)
