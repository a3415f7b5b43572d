"""Turn note-call placeholders into each format's notes.

The document model marks every note call as
<a class="noteref" data-note="ID" [data-kind="KIND"] data-number="N"></a> (written by our own
code, so its shape is fixed). Print puts the note's text at the call, where WeasyPrint floats it
to the foot of the page; the EPUB puts a linked number at the call and the note in an <aside>.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from readerkit.document import NoteDoc
from readerkit.htmltools import inner_html, parse_fragment

CALL = re.compile(
    r'<a class="noteref" data-note="([^"]+)"(?: data-kind="[^"]*")? data-number="\d+"></a>'
)
BLOCK_TAGS = ("p", "div", "ul", "ol", "li", "blockquote")


def replace_calls(markup: str, render: Callable[[str], str]) -> str:
    return CALL.sub(lambda match: render(match.group(1)), markup)


def inline_blocks(markup: str) -> str:
    """Note bodies as inline content: paragraphs become spans (display:block in CSS)."""
    tree = parse_fragment(markup)
    for element in tree.iter(*BLOCK_TAGS):
        if element is tree:
            continue
        element.set("class", f"note-{element.tag} {element.get('class') or ''}".strip())
        element.tag = "span"
    return inner_html(tree)


def print_note(note: NoteDoc) -> str:
    label = "" if note.kind == "source" else f'<span class="note-label">{note.label}.</span> '
    audience = " note-instructor" if note.audience == "instructor" else ""
    body = inline_blocks(note.html)
    if label:
        first = '<span class="note-p">'
        body = first + label + body[len(first) :] if body.startswith(first) else label + body
    return f'<span class="footnote note-{note.kind}{audience}" id="{note.id}">{body}</span>'


def for_print(markup: str, notes: list[NoteDoc]) -> str:
    by_id = {note.id: note for note in notes}
    return replace_calls(markup, lambda note_id: print_note(by_id[note_id]))


def epub_call(note: NoteDoc) -> str:
    return (
        f'<a epub:type="noteref" role="doc-noteref" class="noteref note-{note.kind}" '
        f'id="ref-{note.id}" href="#{note.id}">{note.number}</a>'
    )


def for_epub(markup: str, notes: list[NoteDoc]) -> str:
    by_id = {note.id: note for note in notes}
    return replace_calls(markup, lambda note_id: epub_call(by_id[note_id]))


def to_xhtml(markup: str) -> str:
    """An HTML fragment re-serialised as well-formed XHTML (void elements closed)."""
    tree = parse_fragment(markup)
    parts = [escape_text(tree.text)] if tree.text else []
    parts += [etree.tostring(child, encoding="unicode", method="xml") for child in tree]
    return "".join(parts)


def escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
