"""Mark every use of an index heading (a name, a subject, a glossary term) in a source's text.

Each use becomes <span class="index-use" id="ixu-…">: the print index asks for the page of
each (data-page-ref), the EPUB's index links to the paragraph holding it. Forms are matched as
glossary terms are (render/glossary_links.forms_pattern), all headings in one pass with the
longest form first, so "Robert Kennedy" is a use of its own heading and not of "Kennedy".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html as lxml_html
from lxml.etree import _Element

from readerkit import anchors
from readerkit.render.glossary_links import forms_pattern
from readerkit.render.textslots import Slot, ancestors_within, replace_slot, slots

# Never marked: note calls, paragraph numbers, code.
SKIP_CLASSES = ("noteref", "pnum")
NOT_MARKED_TAGS = {"code", "pre", "sup"}


@dataclass(frozen=True)
class Heading:
    slug: str
    forms: tuple[str, ...]  # the heading's own words and its aliases


@dataclass(frozen=True)
class IndexUse:
    slug: str
    use_id: str
    paragraph_id: str  # the numbered paragraph the use is in ("" outside one)


def _fold(form: str) -> str:
    return re.sub(r"\s+", " ", form).lower()


def mark_uses(tree: _Element, source_id: str, headings: list[Heading]) -> list[IndexUse]:
    """Wrap every use of every heading in the tree; returns the uses in reading order."""
    owner = {_fold(form): heading.slug for heading in headings for form in heading.forms}
    if not owner:
        return []
    pattern = forms_pattern(tuple(form for heading in headings for form in heading.forms))
    counts: dict[str, int] = {}
    uses = []
    for slot in list(slots(tree, skip=SKIP_CLASSES)):
        if any(e.tag in NOT_MARKED_TAGS for e in ancestors_within(slot.container, tree)):
            continue
        text = slot.text
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        pieces: list[str | _Element] = []
        at = 0
        for match in matches:
            slug = owner[_fold(match.group(0))]
            counts[slug] = counts.get(slug, 0) + 1
            use_id = anchors.index_use(slug, source_id, counts[slug])
            span = lxml_html.Element("span", {"class": "index-use", "id": use_id})
            span.text = match.group(0)
            pieces += [text[at:match.start()], span]
            at = match.end()
            uses.append(IndexUse(slug, use_id, _paragraph_of(slot)))
        pieces.append(text[at:])
        replace_slot(slot, pieces)
    return uses


def _paragraph_of(slot: Slot) -> str:
    element: _Element | None = slot.container
    while element is not None:
        if element.tag == "p" and element.get("id"):
            return element.get("id") or ""
        element = element.getparent()
    return ""
