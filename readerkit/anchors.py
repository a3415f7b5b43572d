"""Every id format of the book, in one place.

The print HTML, the EPUB and the layout share these ids: a cross-reference, a page reference,
a page-break marker or an annotation's link works in every format because each id is spelled
here once. Ids chosen by editors (source and annotation file names) follow ID_PATTERN.
"""

from __future__ import annotations

import re

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # a source's or an annotation's own id
ANNOTATION_PREFIX = "ann-"
SOURCE_PREFIX = "src-"
PART_PREFIX = "part-"


def source(source_id: str) -> str:
    """A source's section (print) and file (EPUB: src-ID.xhtml)."""
    return f"{SOURCE_PREFIX}{source_id}"


def part(number: int) -> str:
    return f"{PART_PREFIX}{number}"


def glossary_entry(slug: str) -> str:
    return f"gloss-{slug}"


def timeline_event(number: int) -> str:
    return f"tl-{number}"


def annotation(annotation_id: str) -> str:
    """An annotation's note (its call's data-note, the note's own id)."""
    return f"{ANNOTATION_PREFIX}{annotation_id}"


def note_call(note_id: str) -> str:
    """The call of a note, which the note links back to."""
    return f"ref-{note_id}"


def paragraph(source_id: str, number: int) -> str:
    """The n-th numbered paragraph of a source (p-SOURCE-N), cited by annotations."""
    return f"p-{source_id}-{number}"


def glossary_use(source_id: str, slug: str) -> str:
    """The first use of a glossary term in a source, linked from the glossary."""
    return f"use-{source_id}-{slug}"


def page_break(label: str) -> str:
    """The EPUB's marker of the print edition's page with this folio."""
    return f"page-{label}"


def bibliography_entry(key: str) -> str:
    """A BibTeX key as an id: characters other than letters, digits, '-' and '_' become '-'."""
    return "bib-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in key)


def footnote_prefix(origin: str) -> str:
    """Prefix of Pandoc's own footnote ids in one fragment (fn-introduction-, fn-SOURCE-…)."""
    return f"fn-{origin}-"
