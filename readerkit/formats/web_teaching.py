"""The instructor site's teaching notes in place: each mark (T1, T2…) opens its note under the
passage, as a note opens on a phone, at every screen width.

The Instructor's guide (templates/web/guide.html.j2) holds every teaching note; here each
source page gets a copy of its own, hidden until opened (web.css shows it while it is the
:target, web.js toggles it without a jump), with a link to the note in the guide and a link
that closes it. The mark links to the copy; the guide's number links back to the mark. Only
the instructor edition has marks (render/editions.py), so the student site gets nothing.

This runs before formats/xhtml.link_across_files (the guide link becomes
`instructors-guide.html#tn-…`) and after the print page markers are in: the copies are not in
the print edition's running text.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html
from lxml.etree import _Element

from readerkit import anchors
from readerkit.document import TeachingNoteDoc
from readerkit.formats.web_notes import block_of
from readerkit.htmltools import parse_fragment

POPUP_CLASS = "teaching-popup"


def popup_id(note: TeachingNoteDoc) -> str:
    return anchors.teaching_popup(note.id.removeprefix(anchors.teaching_note.prefix))


def _popup(note: TeachingNoteDoc) -> _Element:
    aside = lxml_html.Element("aside", {"class": POPUP_CLASS, "id": popup_id(note),
                                        "role": "doc-footnote",
                                        "aria-label": f"Teaching note T{note.number}"})
    head = lxml_html.Element("p", {"class": "teaching-popup-head"})
    number = etree.SubElement(head, "strong")
    number.text = f"T{note.number}."
    label = etree.SubElement(head, "span", {"class": "teaching-label"})
    label.text = f"{note.label}."
    number.tail = " "
    aside.append(head)
    body = parse_fragment(note.html)
    if body.text and body.text.strip():  # text outside any block: keep it in a paragraph
        loose = lxml_html.Element("p")
        loose.text = body.text
        aside.append(loose)
    aside.extend(list(body))
    links = etree.SubElement(aside, "p", {"class": "teaching-popup-links"})
    guide = etree.SubElement(links, "a", {"href": f"#{note.id}"})
    guide.text = "In the Instructor’s guide"
    guide.tail = " · "
    close = etree.SubElement(links, "a", {"class": "note-close", "href": f"#{note.mark_id}",
                                              "aria-label": f"Close teaching note T{note.number}"})
    close.text = "Close"
    return aside


def add_popups(tree: _Element, guide: list[TeachingNoteDoc]) -> None:
    """After the block of each teaching mark in the page, its note (hidden until opened)."""
    by_mark = {note.mark_id: note for note in guide}
    for mark in tree.xpath('//a[@class="teaching-mark"]'):
        note = by_mark.get(mark.get("id", ""))
        if note is None:
            continue
        block = block_of(mark)
        anchor = block  # after the popups already placed there, in the marks' order
        while (following := anchor.getnext()) is not None and POPUP_CLASS in (
                following.get("class") or "").split():
            anchor = following
        aside = _popup(note)
        aside.tail, anchor.tail = anchor.tail, None
        anchor.addnext(aside)
        mark.set("href", f"#{aside.get('id')}")
        mark.set("data-in-place", "")  # web.js: opens in place at every width
        mark.set("aria-label", f"Teaching note T{note.number}")
