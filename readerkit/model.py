"""The plain data the stages hand each other: what was loaded from the editor's files."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ANNOTATION_KINDS = ("gloss", "context", "discrepancy", "question", "crossref")
AUDIENCES = ("all", "instructor")
SOURCE_KINDS = ("primary", "secondary", "attributed")
# "attributed": words credited to someone that no document has been found for; not evidence
SOURCE_KIND_LABELS = {
    "primary": "Primary source",
    "secondary": "Secondary source",
    "attributed": "Attributed words, not a document",
}
PERMISSIONS = ("public-domain", "licensed", "fair-use", "requested", "cleared")
PRINTABLE = ("public-domain", "licensed", "cleared")  # what a copy shop may print (W005)
PAGE_SIZES = ("letter", "a4", "trade")  # the print edition's papers (formats/print/pagecss.py)
LETTER_REGIONS = ("US", "CA")  # where US Letter is the office paper; A4 everywhere else


def default_page_size(lang: str) -> str:
    """The paper a book's language region prints on: 'en-US' -> letter, 'en-GB' -> a4.

    A tag without a region ('en') keeps US Letter, the engine's long-standing default."""
    subtags = lang.replace("_", "-").split("-")[1:]
    region = next((tag.upper() for tag in subtags
                   if len(tag) == 2 or (len(tag) == 3 and tag.isdigit())), None)
    if region is None:
        return "letter"
    return "letter" if region in LETTER_REGIONS else "a4"
OPENINGS = ("recto", "any")  # book.yaml `openings`: units on right-hand pages, or either side


def slugify(text: str) -> str:
    """ASCII slug for ids and file names.

    'Quarantine versus blockade' -> 'quarantine-versus-blockade'.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


@dataclass
class Question:
    """A question for discussion at the end of a part. `answer` and instructor-only questions
    are instructor content: kept here for the editions step, never printed in a student book."""

    text: str
    answer: str
    audience: str  # "all" or "instructor" (see AUDIENCES)
    line: int


@dataclass
class Part:
    title: str
    sources: list[str]
    intro_path: Path | None
    intro: str
    line: int
    questions: list[Question] = field(default_factory=list)
    source_lines: list[int] = field(default_factory=list)  # the line of each id in `sources`

    def line_of_source(self, index: int) -> int:
        return self.source_lines[index] if index < len(self.source_lines) else self.line


@dataclass(frozen=True)
class Course:
    """book.yaml's optional `course:` block: the course a printing of the reader is for,
    printed on the title page and in every handout's header. Each field may be empty."""

    name: str = ""
    term: str = ""
    instructor: str = ""

    @property
    def lines(self) -> list[str]:
        """What is printed, in order: the name, the term, the instructor (those given)."""
        return [text for text in (self.name, self.term, self.instructor) if text]


@dataclass
class Book:
    path: Path
    title: str
    subtitle: str
    editors: list[str]
    lang: str
    identifier: str
    slug: str
    date: str
    edition: str
    page_size: str
    introduction_path: Path | None
    introduction: str
    parts: list[Part]
    line_of: dict[str, int] = field(default_factory=dict)
    loaded: bool = True  # False: book.yaml was unusable (reported); a stand-in so checks still run
    openings: str = "recto"  # one of OPENINGS: where parts, sources and appendices start
    course: Course | None = None  # book.yaml `course:`, when given


@dataclass
class Source:
    id: str
    path: Path
    title: str
    kind: str
    author: str
    date: str
    cite: str
    captured_from: str
    rights: str
    body: str
    body_line: int  # file line on which the Markdown body starts
    line_of: dict[str, int] = field(default_factory=dict)
    quoted_in: str = ""  # bibliography key of the work the excerpt is quoted from, if not `cite`
    url: str = ""  # the original web address (annotation import/export); optional
    headnote: str = ""  # Markdown: the editors' note printed between the header and the text
    permission: str = ""  # one of PERMISSIONS: the status of the right to reproduce it
    rights_holder: str = ""  # who holds the rights, where known

    @property
    def kind_label(self) -> str:
        return SOURCE_KIND_LABELS.get(self.kind, "Source")


@dataclass
class Annotation:
    id: str
    source_id: str
    quote: str
    prefix: str
    suffix: str
    kind: str
    note: str
    audience: str
    path: Path
    line: int
    line_of: dict[str, int] = field(default_factory=dict)
    # Kept from an annotation tool (build.py import-annotations); not printed.
    tags: list[str] = field(default_factory=list)
    by: str = ""
    created: str = ""
    origin: str = ""  # the imported annotation's own id: marks entries the importer may update


@dataclass
class GlossaryEntry:
    term: str
    aliases: list[str]
    definition: str
    see: list[str]
    path: Path
    line: int

    @property
    def slug(self) -> str:
        return slugify(self.term)


@dataclass
class TimelineEvent:
    number: int  # 1-based, in chronological order after sorting
    date: str
    event: str
    sources: list[str]
    note: str
    path: Path
    line: int
    series: Any = None  # optional {name: level}, e.g. {"DEFCON": 3}: drawn by timeline_chart


@dataclass
class ReadingItem:
    """A work of the annotated further-reading list: a bibliography key and why to read it."""

    key: str
    note: str
    path: Path
    line: int


@dataclass
class Abbreviation:
    abbreviation: str
    meaning: str  # Markdown (a title in italics)
    path: Path
    line: int


@dataclass
class IndexEntry:
    """A name or subject of the back-of-book index, found in the sources by its forms."""

    term: str
    aliases: list[str]
    see: list[str]  # other index headings ("see also")
    path: Path
    line: int

    @property
    def slug(self) -> str:
        return slugify(self.term)


@dataclass
class BibEntry:
    key: str
    entry_type: str
    fields: dict[str, str]  # as written (braces and LaTeX kept)
    line: int
    decoded: dict[str, str] = field(default_factory=dict)  # LaTeX decoded: text as it prints
    field_lines: dict[str, int] = field(default_factory=dict)  # field name -> its line


@dataclass
class Project:
    root: Path
    book: Book
    sources: dict[str, Source]
    annotations: list[Annotation]
    glossary: list[GlossaryEntry]
    timeline: list[TimelineEvent]
    bibliography: dict[str, BibEntry]
    bibliography_path: Path
    styles_dir: Path
    further_reading: list[ReadingItem] = field(default_factory=list)
    abbreviations: list[Abbreviation] = field(default_factory=list)
    index: list[IndexEntry] = field(default_factory=list)  # book/index.yaml (not the glossary)

    def annotations_for(self, source_id: str) -> list[Annotation]:
        return [a for a in self.annotations if a.source_id == source_id]
