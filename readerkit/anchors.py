"""Every id format of the book, in one place.

The print HTML, the EPUB and the layout share these ids: a cross-reference, a page reference,
a page-break marker or an annotation's link works in every format because each id is spelled
here once. Ids chosen by editors (source and annotation file names) follow ID_PATTERN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # a source's or an annotation's own id


@dataclass(frozen=True)
class IdFormat:
    """One kind of id: `format(*parts)` fills the template's fields in order."""

    template: str

    def __call__(self, *parts: object) -> str:
        return self.template.format(*parts)

    @property
    def prefix(self) -> str:
        return self.template.split("{", 1)[0]


source = IdFormat("src-{}")  # a source's section (print) and file (EPUB: src-ID.xhtml)
part = IdFormat("part-{}")  # a part opener, by number
glossary_entry = IdFormat("gloss-{}")  # by the term's slug
timeline_event = IdFormat("tl-{}")  # by the event's number
annotation = IdFormat("ann-{}")  # an annotation's note (its call's data-note, the note's id)
note_call = IdFormat("ref-{}")  # the call of a note (by the note's id), linked back to
paragraph = IdFormat("p-{}-{}")  # a source's n-th numbered paragraph, cited by annotations
glossary_use = IdFormat("use-{}-{}")  # the first use of a term (slug) in a source
part_questions = IdFormat("questions-{}")  # a part's questions for discussion, by number
headnote = IdFormat("headnote-{}")  # a source's headnote, by the source's id
index_entry = IdFormat("idx-{}")  # an index heading, by its slug
index_use = IdFormat("ixu-{}-{}-{}")  # the n-th marked use of a heading (slug) in a source
page_break = IdFormat("page-{}")  # the EPUB's marker of the print page with this folio
teaching_note = IdFormat("tn-{}")  # a teaching note in the instructor's guide (by its key)
teaching_mark = IdFormat("tmark-{}")  # its mark in the margin of the passage it belongs to
teaching_popup = IdFormat("tpop-{}")  # the instructor site's copy of it under the passage
footnote_prefix = IdFormat("fn-{}-")  # Pandoc's own footnote ids in one fragment


def bibliography_entry(key: str) -> str:
    """A BibTeX key as an id: characters other than letters, digits, '-' and '_' become '-'."""
    return "bib-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in key)
