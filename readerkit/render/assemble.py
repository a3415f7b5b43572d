"""Project + Pandoc's HTML -> the book (readerkit.document.BookDoc).

Annotations are placed in their sources (render/annotate.py), glossary terms linked
(render/glossary_links.py), paragraphs numbered and note calls numbered in reading order.
Everything stays format-neutral HTML with placeholders for note calls
(<a class="noteref" data-note="ID">), which each format under formats/ turns into its notes.
"""

from __future__ import annotations

from html import escape

from lxml import etree

from readerkit import anchors
from readerkit.diagnostics import Diagnostics
from readerkit.document import (
    NO_PROSE,
    AbbreviationDoc,
    BookDoc,
    GlossaryDoc,
    IndexDoc,
    IndexLocator,
    NoteDoc,
    PartDoc,
    Prose,
    ReadingDoc,
    SourceDoc,
    TimelineDoc,
)
from readerkit.htmltools import inner_html, parse_fragment, unwrap_paragraph
from readerkit.model import Project, Source, slugify
from readerkit.render import annotate, pandoc
from readerkit.render.glossary_links import link_terms
from readerkit.render.index_marks import Heading, mark_uses


def _collect_notes(
    tree: etree._Element, rendered: pandoc.Rendered, project: Project, first: int = 1
) -> list[NoteDoc]:
    """Number the note calls in reading order (from `first`) and gather their notes."""
    by_id = {anchors.annotation(a.id): a for a in project.annotations}
    notes = []
    for number, call in enumerate(tree.xpath('//a[@class="noteref"]'), start=first):
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
    if not markup:
        return NO_PROSE
    tree = parse_fragment(markup)
    notes = _collect_notes(tree, rendered, project)
    return Prose(inner_html(tree), notes)


def index_headings(project: Project) -> list[Heading]:
    """The index's headings: book/index.yaml's names and subjects, and the glossary's terms."""
    return [Heading(entry.slug, (entry.term, *entry.aliases)) for entry in project.index] + [
        Heading(entry.slug, (entry.term, *entry.aliases)) for entry in project.glossary]


def _source_doc(
    source: Source,
    part_number: int,
    rendered: pandoc.Rendered,
    project: Project,
    diags: Diagnostics,
) -> SourceDoc:
    headnote = _prose(rendered.html.get(f"headnote:{source.id}", ""), rendered, project)
    tree = parse_fragment(rendered.html[f"source:{source.id}"])
    annotate.attach(tree, source, project.annotations_for(source.id), diags)
    uses = link_terms(tree, source.id, project.glossary)
    paragraphs = annotate.number_paragraphs(tree, source.id)
    index_uses: dict[str, list[tuple[str, str]]] = {}
    for use in mark_uses(tree, source.id, index_headings(project)):
        index_uses.setdefault(use.slug, []).append((use.use_id, use.paragraph_id))
    notes = _collect_notes(tree, rendered, project, first=len(headnote.notes) + 1)
    return SourceDoc(
        source=source,
        part_number=part_number,
        html=inner_html(tree),
        notes=notes,
        citation_html=rendered.bibliography.get(source.cite, ""),
        paragraphs=paragraphs,
        anchor=anchors.source(source.id),
        glossary_uses={use.slug: use.element_id for use in uses},
        quoted_in_html=rendered.bibliography.get(source.quoted_in, "") if source.quoted_in else "",
        headnote=headnote,
        index_uses=index_uses,
    )


def _index(project: Project, docs: list[SourceDoc]) -> list[IndexDoc]:
    """The index in alphabetical order: every heading with a use, with its locators."""
    headings = [(entry.term, entry.slug, entry.see) for entry in project.index]
    headings += [(entry.term, entry.slug, []) for entry in project.glossary]
    slugs = {term.lower(): slug for term, slug, _ in headings}
    used = {slug for doc in docs for slug in doc.index_uses}
    result = []
    for term, slug, see in headings:
        if slug not in used:
            continue
        locators = []
        for doc in docs:
            for use_id, paragraph_id in doc.index_uses.get(slug, []):
                number = int(paragraph_id.rsplit("-", 1)[1]) if paragraph_id else 0
                locators.append(IndexLocator(doc, use_id, paragraph_id, number))
        result.append(IndexDoc(
            heading=term, slug=slug,
            see=[(target, anchors.index_entry(slugs[target.lower()])) for target in see
                 if target.lower() in slugs and slugs[target.lower()] in used],
            locators=locators, anchor=anchors.index_entry(slug)))
    return sorted(result, key=lambda item: slugify(item.heading))


def assemble(project: Project, rendered: pandoc.Rendered, diags: Diagnostics) -> BookDoc:
    parts = []
    for number, part in enumerate(project.book.parts, start=1):
        docs = [
            _source_doc(project.sources[sid], number, rendered, project, diags)
            for sid in part.sources
            if sid in project.sources
        ]
        intro = _prose(rendered.html.get(f"part:{number}", ""), rendered, project)
        questions = _prose(rendered.html.get(f"questions:{number}", ""), rendered, project)
        parts.append(PartDoc(number, part.title, intro, docs, anchors.part(number), questions))
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
            anchor=anchors.glossary_entry(entry.slug),
        )
        for entry in sorted(project.glossary, key=lambda e: e.term.lower())
    ]
    timeline = []
    for event in project.timeline:
        refs = []
        for key in event.sources:
            if key in project.sources:
                refs.append((escape(project.sources[key].title), anchors.source(key)))
            else:
                refs.append((rendered.short_forms.get(key) or escape(key),
                             anchors.bibliography_entry(key)))
        timeline.append(
            TimelineDoc(
                event=event,
                event_html=unwrap_paragraph(rendered.html.get(f"tl:{event.number}", "")),
                note_html=rendered.html.get(f"tlnote:{event.number}", ""),
                sources=refs,
                anchor=anchors.timeline_event(event.number),
            )
        )
    return BookDoc(
        project=project,
        introduction=_prose(rendered.html.get("introduction", ""), rendered, project),
        parts=parts,
        glossary=glossary,
        timeline=timeline,
        bibliography=[(anchors.bibliography_entry(key), html)
                      for key, html in rendered.bibliography.items()],
        further_reading=[
            ReadingDoc(item.key, rendered.bibliography.get(item.key, ""),
                       rendered.html.get(f"reading:{number}", ""))
            for number, item in enumerate(project.further_reading, start=1)
        ],
        abbreviations=[
            AbbreviationDoc(item.abbreviation,
                            unwrap_paragraph(rendered.html.get(f"abbr:{number}", "")))
            for number, item in enumerate(project.abbreviations, start=1)
        ],
        index=_index(project, all_docs),
    )
