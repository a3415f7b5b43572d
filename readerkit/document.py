"""The format-neutral book: what the render stage hands every format.

render/assemble.py builds a BookDoc from the loaded project (readerkit.model) and Pandoc's
HTML. Its HTML is format-neutral: every note call is a placeholder
<a class="noteref" data-note="ID" data-number="N">, which each format turns into its own notes
(formats/print/notes.py: footnotes floated to the foot of the page; formats/xhtml.py: a linked
number and an <aside>). Every id is one of readerkit.anchors, chosen by render/assemble.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from readerkit import anchors
from readerkit.model import GlossaryEntry, Project, Source, TimelineEvent
from readerkit.pagemap import PageStart

KIND_LABELS = {
    "gloss": "Gloss",
    "context": "Context",
    "discrepancy": "Discrepancy",
    "question": "Question",
    "crossref": "Cross-reference",
    "source": "Note",
    "teaching": "Teaching note",
}


@dataclass
class NoteDoc:
    """A note: an annotation's or a source's own footnote, numbered in reading order."""

    id: str
    number: int
    kind: str
    audience: str
    html: str

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, "Note")


@dataclass
class Prose:
    """An intro, the introduction, a headnote, a part's questions: HTML with note placeholders
    and its notes."""

    html: str
    notes: list[NoteDoc]


NO_PROSE = Prose("", [])


@dataclass
class SourceDoc:
    """A source as the book prints it: its HTML with paragraph ids, note calls and glossary
    links, its notes and its citation."""

    source: Source
    part_number: int
    html: str
    notes: list[NoteDoc]
    citation_html: str
    paragraphs: int
    anchor: str  # its id (readerkit.anchors.source)
    glossary_uses: dict[str, str] = field(default_factory=dict)  # term slug -> element id
    quoted_in_html: str = ""  # the work the excerpt is quoted in, when that is not `cite`
    # The editors' headnote, printed between the header and the text; its notes come first.
    headnote: Prose = field(default_factory=lambda: NO_PROSE)
    # index heading slug -> ids of its marked uses in the text, and the paragraph of each
    index_uses: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def headnote_anchor(self) -> str:
        return anchors.headnote(self.source.id)

    @property
    def all_notes(self) -> list[NoteDoc]:
        """The headnote's notes, then the text's: the order of their numbers."""
        return [*self.headnote.notes, *self.notes]


@dataclass
class PartDoc:
    """A part: its opener's title and introduction, and its sources."""

    number: int
    title: str
    intro: Prose
    sources: list[SourceDoc]
    anchor: str  # its id (readerkit.anchors.part)
    # Questions for discussion, for every reader (a numbered list); answers and
    # instructor-only questions never reach the document (model.Question keeps them).
    questions: Prose = field(default_factory=lambda: NO_PROSE)

    @property
    def questions_anchor(self) -> str:
        return anchors.part_questions(self.number)


@dataclass
class GlossaryDoc:
    """A glossary entry with its definition, cross-references and the uses it links to."""

    entry: GlossaryEntry
    definition_html: str
    see: list[tuple[str, str]]  # (term, slug)
    uses: list[tuple[SourceDoc, str]]  # (source, id of the linked use)
    anchor: str  # its id (readerkit.anchors.glossary_entry)


@dataclass
class TimelineDoc:
    """A timeline event with its note and the sources it points to."""

    event: TimelineEvent
    event_html: str
    note_html: str
    sources: list[tuple[str, str]]  # (label, target id)
    anchor: str  # its id (readerkit.anchors.timeline_event)

    @property
    def display_date(self) -> str:
        return display_date(self.event.date)


@dataclass(frozen=True)
class ImageDoc:
    """An image file a figure shows. `href` is its path in the project (book/images/x.png),
    which is also the figure's `src` and the file's path inside every output."""

    href: str
    path: Path
    media_type: str


@dataclass
class ReadingDoc:
    """A work of the further-reading list: its reference (citeproc's) and why to read it."""

    key: str
    reference_html: str
    note_html: str


@dataclass
class AbbreviationDoc:
    abbreviation: str
    meaning_html: str  # inline HTML


@dataclass
class IndexLocator:
    """One place a heading occurs: the marked use (its page in print) and its paragraph."""

    source: SourceDoc
    use_id: str
    paragraph_id: str  # "" for a use outside the numbered paragraphs (a heading)
    paragraph_number: int

    @property
    def target(self) -> str:
        """What the EPUB links to: the paragraph, else the use itself."""
        return self.paragraph_id or self.use_id


@dataclass
class IndexDoc:
    """A heading of the index (a name, a subject or a glossary term) and where it occurs."""

    heading: str
    slug: str
    see: list[tuple[str, str]]  # (heading, anchor of its entry)
    locators: list[IndexLocator]
    anchor: str  # its id (readerkit.anchors.index_entry)

    @property
    def page_refs(self) -> str:
        """The ids of its uses, space-separated: a print page reference to all of them."""
        return " ".join(locator.use_id for locator in self.locators)

    @property
    def paragraphs(self) -> list[IndexLocator]:
        """One locator per paragraph, in reading order (the EPUB links to paragraphs)."""
        seen: dict[str, IndexLocator] = {}
        for locator in self.locators:
            seen.setdefault(locator.target, locator)
        return list(seen.values())


@dataclass
class TeachingNoteDoc:
    """A teaching note of the instructor edition (render/editions.py): printed in the
    Instructor's guide, headed by where it belongs, with a mark in the margin there."""

    number: int  # T1, T2... in book order
    id: str  # its id in the guide (readerkit.anchors.teaching_note)
    mark_id: str  # its mark's id (readerkit.anchors.teaching_mark), in the passage's block
    kind: str  # an annotation's kind, or "teaching" for an `::: instructor` div
    html: str
    where: str  # "Introduction", a part intro, a source's title
    where_anchor: str  # the id of that introduction, part or source
    paragraph: int | None  # the source paragraph's number, if it is one

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, "Teaching note")


@dataclass
class BookDoc:
    """The whole book, in reading order, for every format."""

    project: Project
    introduction: Prose
    parts: list[PartDoc]
    glossary: list[GlossaryDoc]
    timeline: list[TimelineDoc]
    bibliography: list[tuple[str, str]]  # (anchor id, entry HTML), in the style's order
    further_reading: list[ReadingDoc] = field(default_factory=list)
    abbreviations: list[AbbreviationDoc] = field(default_factory=list)
    index: list[IndexDoc] = field(default_factory=list)  # alphabetical
    # The image files the book's figures show (render/images.py): each format copies them.
    images: list[ImageDoc] = field(default_factory=list)
    edition: str = "student"  # render/editions.py: "student" or "instructor"
    guide: list[TeachingNoteDoc] = field(default_factory=list)  # the instructor edition's

    @property
    def file_stem(self) -> str:
        """Output files' name: the slug, with the edition's name for any but the student's."""
        slug = self.project.book.slug
        return slug if self.edition == "student" else f"{slug}-{self.edition}"

    @property
    def sources(self) -> list[SourceDoc]:
        return [doc for part in self.parts for doc in part.sources]


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def display_date(text: str) -> str:
    """'1962-10-22' -> '22 October 1962'; '1962-10' -> 'October 1962'; '1962' -> '1962'."""
    pieces = text.split("-")
    if not text[:4].isdigit():
        return text  # 'n.d.'
    if len(pieces) == 3:
        return f"{int(pieces[2])} {MONTHS[int(pieces[1]) - 1]} {pieces[0]}"
    if len(pieces) == 2:
        return f"{MONTHS[int(pieces[1]) - 1]} {pieces[0]}"
    return text


@dataclass(frozen=True)
class ReaderPage:
    """A page of the reader (the print edition) that holds a handout's source: its folio and
    where its running text begins (readerkit/pagemap.py), for the handout's "[p. N]" marks."""

    label: str
    start: PageStart


@dataclass
class HandoutDoc:
    """One source of the book as a handout (render/handout.py): the source as the book prints
    it, with the book's note and paragraph numbers, the reader's pages it occupies, and the
    glossary entries, timeline events, works cited and (instructor edition) teaching notes
    that belong with it."""

    book: BookDoc  # the edition it comes from (its metadata, course and edition)
    part: PartDoc
    source: SourceDoc
    glossary: list[GlossaryDoc]  # the entries its text links to
    timeline: list[TimelineDoc]  # the events that cite it
    bibliography: list[tuple[str, str]]  # (anchor id, entry HTML): every work it cites
    reader_pages: list[ReaderPage]  # the reader's pages holding its text, in order
    folios: dict[str, str]  # element id -> the folio of its page in the reader
    teaching: list[tuple[TeachingNoteDoc, str]] = field(default_factory=list)  # (note, folio)

    @property
    def page_range(self) -> str:
        """The reader's pages, as the handout's foot prints them: "13–16", "5"."""
        labels = [page.label for page in self.reader_pages]
        if not labels:
            return ""
        return labels[0] if len(labels) == 1 else f"{labels[0]}–{labels[-1]}"

    @property
    def file_name(self) -> str:
        """`<slug>-handout-<id>.pdf`; the instructor edition's
        `<slug>-instructor-handout-<id>.pdf`."""
        return f"{self.book.file_stem}-handout-{self.source.source.id}.pdf"
