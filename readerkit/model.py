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
PRINTABLE = ("public-domain", "licensed", "cleared")  # what a copy shop may print (W004)
PAGE_SIZES = ("letter", "a4", "trade")  # the print edition's papers (formats/print/pagecss.py)
OPENINGS = ("recto", "any")  # book.yaml `openings`: units on right-hand pages, or either side


def slugify(text: str) -> str:
    """ASCII slug for ids and file names.

    'Quarantine versus blockade' -> 'quarantine-versus-blockade'.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


@dataclass
class Part:
    title: str
    sources: list[str]
    intro_path: Path | None
    intro: str
    line: int


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

    def annotations_for(self, source_id: str) -> list[Annotation]:
        return [a for a in self.annotations if a.source_id == source_id]
