"""Sources + resolved annotations + glossary links -> the book as a document model.

Everything here is format-neutral HTML with placeholders for note calls
(<a class="noteref" data-note="ID">); print.py and epub.py turn the placeholders into
float footnotes or pop-up footnotes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from lxml import etree

from . import annotate, pandoc
from .citations import bib_anchor, csl_path, short_forms
from .diagnostics import Diagnostics
from .glossary_links import link_terms
from .htmltools import inner_html, parse_fragment, unwrap_paragraph
from .model import GlossaryEntry, Project, Source, TimelineEvent
from .urlbreak import break_urls

KIND_LABELS = {
    "gloss": "Gloss",
    "context": "Context",
    "discrepancy": "Discrepancy",
    "question": "Question",
    "crossref": "Cross-reference",
    "source": "Note",
}


@dataclass
class NoteDoc:
    id: str
    number: int
    kind: str
    audience: str
    html: str

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, "Note")


@dataclass
class SourceDoc:
    source: Source
    part_number: int
    html: str
    notes: list[NoteDoc]
    citation_html: str
    paragraphs: int
    glossary_uses: dict[str, str] = field(default_factory=dict)  # term slug -> element id

    @property
    def anchor(self) -> str:
        return f"src-{self.source.id}"


@dataclass
class Prose:
    """An intro or the introduction: HTML with note placeholders and its notes."""

    html: str
    notes: list[NoteDoc]


@dataclass
class PartDoc:
    number: int
    title: str
    intro: Prose
    sources: list[SourceDoc]

    @property
    def anchor(self) -> str:
        return f"part-{self.number}"


@dataclass
class GlossaryDoc:
    entry: GlossaryEntry
    definition_html: str
    see: list[tuple[str, str]]  # (term, slug)
    uses: list[tuple[SourceDoc, str]]  # (source, id of the linked use)

    @property
    def anchor(self) -> str:
        return f"gloss-{self.entry.slug}"


@dataclass
class TimelineDoc:
    event: TimelineEvent
    event_html: str
    note_html: str
    sources: list[tuple[str, str]]  # (label HTML, target id)

    @property
    def anchor(self) -> str:
        return f"tl-{self.event.number}"

    @property
    def display_date(self) -> str:
        return display_date(self.event.date)


@dataclass
class BookDoc:
    project: Project
    introduction: Prose
    parts: list[PartDoc]
    glossary: list[GlossaryDoc]
    timeline: list[TimelineDoc]
    bibliography: list[tuple[str, str]]  # (anchor id, entry HTML), in the style's order

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


def _fragments(project: Project) -> list[pandoc.Fragment]:
    """Every Markdown fragment of the book, in book order; `group` says where each comes from
    (pandoc.py batches fragments without citations by group, so an edit re-converts its own)."""
    def fragment(key: str, markdown: str, prefix: str, group: str,
                 as_note: bool = False) -> pandoc.Fragment:
        return pandoc.Fragment(key, markdown, prefix, as_note=as_note, group=group)

    frags = [fragment("introduction", project.book.introduction, "fn-introduction-", "intros")]
    for number, part in enumerate(project.book.parts, start=1):
        frags.append(fragment(f"part:{number}", part.intro, f"fn-part-{number}-", "intros"))
    for source in project.sources.values():
        frags.append(fragment(f"source:{source.id}", source.body, f"fn-{source.id}-",
                              f"source:{source.id}"))
    for ann in project.annotations:
        frags.append(fragment(f"ann:{ann.id}", ann.note, "", f"annotations:{ann.path.name}",
                              as_note=True))
    for entry in project.glossary:
        frags.append(fragment(f"gloss:{entry.slug}", entry.definition, "", "glossary",
                              as_note=True))
    for event in project.timeline:
        frags.append(fragment(f"tl:{event.number}", event.event, "", "timeline", as_note=True))
        if event.note:
            frags.append(fragment(f"tlnote:{event.number}", event.note, "", "timeline",
                                  as_note=True))
    return frags


def render_fragments(project: Project) -> pandoc.Rendered:
    bibliography = project.bibliography_path if project.bibliography_path.is_file() else None
    rendered = pandoc.render(
        _fragments(project),
        bibliography=bibliography,
        csl=csl_path(),
        cwd=project.root,
        lang=project.book.lang,
    )
    return with_references(project, rendered)


def with_references(project: Project, rendered: pandoc.Rendered) -> pandoc.Rendered:
    """Pandoc's output made ready for print: URL links marked for Chicago's line breaks, and
    the short forms (citeproc's) of the references the timeline lists."""
    for table in (rendered.html, rendered.notes, rendered.bibliography):
        for name, markup in table.items():
            table[name] = break_urls(markup)
    if project.bibliography_path.is_file():
        keys = [key for event in project.timeline for key in event.sources
                if key in project.bibliography and key not in project.sources]
        forms = short_forms(keys, bibliography=project.bibliography_path, cwd=project.root,
                            lang=project.book.lang)
        rendered.short_forms = {key: break_urls(form) for key, form in forms.items()}
    return rendered


def _collect_notes(
    tree: etree._Element, rendered: pandoc.Rendered, project: Project
) -> list[NoteDoc]:
    """Number the note calls in reading order and gather their notes."""
    by_id = {f"ann-{a.id}": a for a in project.annotations}
    notes = []
    for number, call in enumerate(tree.xpath('//a[@class="noteref"]'), start=1):
        note_id = call.get("data-note", "")
        call.set("data-number", str(number))
        annotation = by_id.get(note_id)
        if annotation is not None:
            html = rendered.html.get(f"ann:{annotation.id}", "")
            notes.append(NoteDoc(note_id, number, annotation.kind, annotation.audience, html))
        else:
            notes.append(NoteDoc(note_id, number, "source", "all", rendered.notes.get(note_id, "")))
    return notes


def _prose(markup: str, rendered: pandoc.Rendered, project: Project) -> Prose:
    tree = parse_fragment(markup)
    notes = _collect_notes(tree, rendered, project)
    return Prose(inner_html(tree), notes)


def _source_doc(
    source: Source,
    part_number: int,
    rendered: pandoc.Rendered,
    project: Project,
    diags: Diagnostics,
) -> SourceDoc:
    tree = parse_fragment(rendered.html[f"source:{source.id}"])
    annotate.attach(tree, source, project.annotations_for(source.id), diags)
    uses = link_terms(tree, source.id, project.glossary)
    paragraphs = annotate.number_paragraphs(tree, source.id)
    notes = _collect_notes(tree, rendered, project)
    return SourceDoc(
        source=source,
        part_number=part_number,
        html=inner_html(tree),
        notes=notes,
        citation_html=rendered.bibliography.get(source.cite, ""),
        paragraphs=paragraphs,
        glossary_uses={use.slug: use.element_id for use in uses},
    )


def assemble(project: Project, rendered: pandoc.Rendered, diags: Diagnostics) -> BookDoc:
    parts = []
    for number, part in enumerate(project.book.parts, start=1):
        docs = [
            _source_doc(project.sources[sid], number, rendered, project, diags)
            for sid in part.sources
            if sid in project.sources
        ]
        intro = _prose(rendered.html.get(f"part:{number}", ""), rendered, project)
        parts.append(PartDoc(number, part.title, intro, docs))
    all_docs = [doc for part in parts for doc in part.sources]
    slugs = {entry.term.lower(): entry.slug for entry in project.glossary}
    glossary = [
        GlossaryDoc(
            entry=entry,
            definition_html=rendered.html.get(f"gloss:{entry.slug}", ""),
            see=[(term, slugs[term.lower()]) for term in entry.see if term.lower() in slugs],
            uses=[
                (doc, doc.glossary_uses[entry.slug])
                for doc in all_docs
                if entry.slug in doc.glossary_uses
            ],
        )
        for entry in sorted(project.glossary, key=lambda e: e.term.lower())
    ]
    timeline = []
    for event in project.timeline:
        refs = []
        for key in event.sources:
            if key in project.sources:
                refs.append((escape(project.sources[key].title), f"src-{key}"))
            else:
                refs.append((rendered.short_forms.get(key) or escape(key), bib_anchor(key)))
        timeline.append(
            TimelineDoc(
                event=event,
                event_html=unwrap_paragraph(rendered.html.get(f"tl:{event.number}", "")),
                note_html=rendered.html.get(f"tlnote:{event.number}", ""),
                sources=refs,
            )
        )
    return BookDoc(
        project=project,
        introduction=_prose(rendered.html.get("introduction", ""), rendered, project),
        parts=parts,
        glossary=glossary,
        timeline=timeline,
        bibliography=[(bib_anchor(key), html) for key, html in rendered.bibliography.items()],
    )
