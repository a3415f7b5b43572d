"""Link the first use of each glossary term (or alias) in a source to its glossary entry."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html as lxml_html
from lxml.etree import _Element

from .model import GlossaryEntry
from .textslots import ancestors_within, replace_slot, slots

# Text inside these is never linked: existing links, headings, note calls, code, numbers.
NOT_LINKED_TAGS = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "sup"}
SKIP_CLASSES = ("noteref", "pnum")


def term_pattern(entry: GlossaryEntry) -> re.Pattern[str]:
    """Whole-word match of the term or any alias, longest first.

    Forms with a capital after the first letter (IRBM, ExComm, Bay of Pigs) match exactly;
    others match in any case, so 'Quarantine' at a sentence start still counts.
    """
    forms = sorted({entry.term, *entry.aliases}, key=len, reverse=True)
    alternatives = []
    for form in forms:
        escaped = re.escape(form).replace(r"\ ", r"\s+")
        exact = form[1:] != form[1:].lower()
        alternatives.append(escaped if exact else f"(?i:{escaped})")
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


@dataclass(frozen=True)
class Use:
    slug: str
    element_id: str  # id of the link in the source, for back-links and page references


def link_terms(tree: _Element, source_id: str, glossary: list[GlossaryEntry]) -> list[Use]:
    """Wrap the first use of each term in <a class="glossary-term">; returns the uses made."""
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
