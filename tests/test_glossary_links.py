"""Glossary links: one search per term over the whole source gives exactly what searching
text slot by text slot gives (the first use, in reading order, outside links and headings)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from lxml.etree import _Element

from readerkit.htmltools import inner_html
from readerkit.model import GlossaryEntry
from readerkit.render.glossary_links import (
    NOT_LINKED_TAGS,
    SKIP_CLASSES,
    Use,
    link_terms,
    term_pattern,
)
from readerkit.render.textslots import ancestors_within, replace_slot, slots


def _link_slot_by_slot(
    tree: _Element, source_id: str, glossary: list[GlossaryEntry]
) -> list[Use]:
    """link_terms as first written: every slot searched again for every term."""
    uses = []
    for entry in glossary:
        pattern = term_pattern(entry)
        for slot in slots(tree, skip=SKIP_CLASSES):
            if any(e.tag in NOT_LINKED_TAGS for e in ancestors_within(slot.container, tree)):
                continue
            match = pattern.search(slot.text)
            if not match:
                continue
            element_id = f"use-{source_id}-{entry.slug}"
            link = lxml_html.Element(
                "a", {"class": "glossary-term", "href": f"#gloss-{entry.slug}", "id": element_id}
            )
            link.text = match.group(0)
            text = slot.text
            replace_slot(slot, [text[: match.start()], link, text[match.end() :]])
            uses.append(Use(entry.slug, element_id))
            break
    return uses


WORDS = ["blockade", "Blockade", "quarantine", "naval", "naval blockade", "ExComm", "excomm",
         "pre-blockade", "the", "a", "Jupiter", "missiles", "-", ",", ".", "SEA", "sea-",
         "naval\u00a0blockade", "\u017fea", "\u0130zmir", "izmir", "Jupiter\u2019s"]
TAGS = ["em", "strong", "a", "code", "h2", "sup", "span class='pnum'", "span"]


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    def run(depth: int) -> str:
        pieces = []
        for _ in range(draw(st.integers(1, 5))):
            if depth < 3 and draw(st.integers(0, 3)) == 0:
                tag = draw(st.sampled_from(TAGS))
                name = tag.split()[0]
                pieces.append(f"<{tag}>{run(depth + 1)}</{name}>")
            else:
                pieces.append(draw(st.sampled_from(WORDS)))
            pieces.append(draw(st.sampled_from([" ", "  ", "\n", ""])))
        return "".join(pieces)

    return "".join(f"<p>{run(0)}</p>" for _ in range(draw(st.integers(1, 3))))


def _entry(term: str, aliases: list[str]) -> GlossaryEntry:
    return GlossaryEntry(term, aliases, "definition", [], Path("glossary.yaml"), 1)


GLOSSARY = [
    _entry("blockade", ["naval blockade"]),
    _entry("ExComm", []),
    _entry("quarantine", ["Blockade"]),
    _entry("missiles", ["Jupiter missiles", "missiles"]),
    _entry("naval", []),
    _entry("sea", ["Izmir"]),
]


@settings(max_examples=300)
@given(paragraphs(), st.permutations(GLOSSARY))
@example("<p><em>naval</em> blockade and naval blockade</p>", GLOSSARY)  # no use across slots
@example("<p><a>blockade</a> <code>ExComm</code> ExComm-led, pre-blockade blockade.</p>", GLOSSARY)
def test_linking_equals_searching_slot_by_slot(markup: str, glossary: list[GlossaryEntry]) -> None:
    tree = lxml_html.fragment_fromstring(markup, create_parent="div")
    reference = lxml_html.fragment_fromstring(markup, create_parent="div")
    assert link_terms(tree, "s", glossary) == _link_slot_by_slot(reference, "s", glossary)
    assert inner_html(tree) == inner_html(reference)
