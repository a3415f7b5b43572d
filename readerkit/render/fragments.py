"""The Pandoc fragment plan: every Markdown piece of the book, converted in one go.

Each fragment has a key ("source:ID", "ann:ID", "gloss:SLUG", …) under which
render/assemble.py finds its HTML; render/pandoc.py converts them in batches.
"""

from __future__ import annotations

from readerkit import anchors
from readerkit.model import Part, Project
from readerkit.render import pandoc
from readerkit.render.citations import csl_path, short_forms
from readerkit.render.urlbreak import break_urls


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
        questions = questions_markdown(part)
        if questions:
            frags.append(prose(f"questions:{number}", questions, f"part-{number}-questions",
                               "intros"))
    for source in project.sources.values():
        if source.headnote:
            frags.append(prose(f"headnote:{source.id}", source.headnote,
                               f"{source.id}-headnote", f"source:{source.id}"))
        frags.append(prose(f"source:{source.id}", source.body, source.id, f"source:{source.id}"))
    for ann in project.annotations:
        frags.append(note(f"ann:{ann.id}", ann.note, f"annotations:{ann.path.name}"))
    for entry in project.glossary:
        frags.append(note(f"gloss:{entry.slug}", entry.definition, "glossary"))
    for event in project.timeline:
        frags.append(note(f"tl:{event.number}", event.event, "timeline"))
        if event.note:
            frags.append(note(f"tlnote:{event.number}", event.note, "timeline"))
    for number, item in enumerate(project.further_reading, start=1):
        frags.append(note(f"reading:{number}", item.note, "apparatus"))
    for number, abbreviation in enumerate(project.abbreviations, start=1):
        frags.append(note(f"abbr:{number}", abbreviation.meaning, "apparatus"))
    return frags


def questions_markdown(part: Part) -> str:
    """The part's questions for every reader, as one numbered Markdown list. Answers and
    instructor-only questions are left out: no student edition may hold them."""
    items = [q.text for q in part.questions if q.audience == "all"]
    return "\n\n".join(f"{n}. " + text.replace("\n", "\n   ")
                         for n, text in enumerate(items, start=1))


def render_fragments(project: Project) -> pandoc.Rendered:
    bibliography = project.bibliography_path if project.bibliography_path.is_file() else None
    rendered = pandoc.render(
        fragments(project),
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
