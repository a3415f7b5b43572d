"""Link the first use of each glossary term (or alias) in a source to its glossary entry."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from lxml import html as lxml_html
from lxml.etree import _Element

from readerkit import anchors
from readerkit.model import GlossaryEntry
from readerkit.render.textslots import Slot, ancestors_within, replace_slot, slots

# Text inside these is never linked: existing links, headings, note calls, code, numbers.
NOT_LINKED_TAGS = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "sup"}
SKIP_CLASSES = ("noteref", "pnum")


def term_pattern(entry: GlossaryEntry) -> re.Pattern[str]:
    """Whole-word match of the term or any alias, longest first.

    Forms with a capital after the first letter (IRBM, ExComm, Bay of Pigs) match exactly but
    for their first letter ('the President' opens a sentence too); others match in any case, so
    'Quarantine' at a sentence start still counts.
    """
    return forms_pattern((entry.term, *entry.aliases))


@lru_cache(maxsize=1024)  # every source is searched for every term
def forms_pattern(forms_given: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word match of any of the forms, longest first (see term_pattern)."""
    forms = sorted(set(forms_given), key=len, reverse=True)
    alternatives = []
    for form in forms:
        escaped = re.escape(form).replace(r"\ ", r"\s+")
        exact = form[1:] != form[1:].lower()
        if exact and form[:1].isalpha():  # 'the President' also opens a sentence
            escaped = f"[{form[0].lower()}{form[0].upper()}]{re.escape(form[1:])}".replace(
                r"\ ", r"\s+")
        alternatives.append(escaped if exact else f"(?i:{escaped})")
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


def _earliest(text: str, entry: GlossaryEntry) -> int | None:
    """Where in `text` a use of the entry could start at the earliest (None: nowhere), found
    with plain string search when text and forms are ASCII: then a match, in any case, starts
    with the first word of a form, lowercased. Otherwise 0: the pattern decides alone."""
    forms = {entry.term, *entry.aliases}
    if not (text.isascii() and all(form.isascii() for form in forms)):
        return 0
    lowered = text.lower()  # ASCII: same length, same offsets
    found = [lowered.find(form.split(" ")[0].lower()) for form in forms]
    return min((at for at in found if at >= 0), default=None)


@dataclass(frozen=True)
class Use:
    slug: str
    element_id: str  # id of the link in the source, for back-links and page references


# Joins the slots' texts for one search per term: no term can match it, or across it (HTML
# text never holds NUL), and it is neither a word character, a hyphen nor white space, so
# the pattern's edges behave as they do at a slot's ends.
SEPARATOR = "\0"


def link_terms(tree: _Element, source_id: str, glossary: list[GlossaryEntry]) -> list[Use]:
    """Wrap the first use of each term in <a class="glossary-term">; returns the uses made."""
    # The text slots a term may be linked in, in reading order, found once: linking a use
    # splits one slot into the text before the link and the link's tail, both still eligible.
    eligible = [
        slot for slot in slots(tree, skip=SKIP_CLASSES)
        if not any(e.tag in NOT_LINKED_TAGS for e in ancestors_within(slot.container, tree))
    ]
    uses = []
    for entry in glossary:
        if not eligible:
            break
        texts = [slot.text for slot in eligible]
        joined = SEPARATOR.join(texts)
        start = _earliest(joined, entry)
        match = term_pattern(entry).search(joined, start) if start is not None else None
        if not match:
            continue
        starts = list(accumulate((len(text) + len(SEPARATOR) for text in texts), initial=0))
        index = bisect_right(starts, match.start()) - 1
        slot, text = eligible[index], texts[index]
        start, end = match.start() - starts[index], match.end() - starts[index]
        element_id = anchors.glossary_use(source_id, entry.slug)
        link = lxml_html.Element(
            "a", {"class": "glossary-term", "href": f"#gloss-{entry.slug}", "id": element_id}
        )
        link.text = match.group(0)
        replace_slot(slot, [text[:start], link, text[end:]])
        eligible[index : index + 1] = [s for s in (slot, Slot(link, True)) if s.text]
        uses.append(Use(entry.slug, element_id))
    return uses
