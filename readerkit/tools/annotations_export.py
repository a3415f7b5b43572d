"""`build.py export-annotations`: the book's annotations as a W3C AnnotationCollection.

Each annotation has its note as Markdown and as HTML, its kind, audience and tags as tagging
bodies, and up to two targets: the source's original page (`url:`, else its `cite` entry's
`url`), so Hypothesis and other tools can show the note there, and the annotated paragraph in
the web edition, `<base-url>/<source-id>.html#p-<source-id>-<n>` (the page itself for a
passage outside the numbered paragraphs). Both carry a TextQuoteSelector (prefix and suffix of
32 characters, as Hypothesis stores them); the web edition's also a TextPositionSelector
counted in the paragraph's text without its number and note calls. The student edition holds
no instructor notes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from readerkit import anchors
from readerkit.diagnostics import BuildAborted, Diagnostics
from readerkit.htmltools import parse_fragment
from readerkit.model import Annotation, Project
from readerkit.pipeline import load_checked
from readerkit.render import annotate
from readerkit.render.anchoring import Match
from readerkit.render.pandoc import Rendered
from readerkit.tools.annotation_addresses import original_url
from readerkit.tools.annotation_text import SourceText, render
from readerkit.tools.webanno import INSTRUCTOR_TAG, W3C_CONTEXT

EDITIONS = ("student", "instructor")


def web_page(base_url: str | None, source_id: str) -> str:
    """The web edition's page for a source: relative `<id>.html` unless a base is given."""
    if not base_url:
        return f"{source_id}.html"
    return base_url.rstrip("/") + f"/{source_id}.html"


def _bodies(annotation: Annotation, html: str) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "commenting", "format": "text/markdown",
         "value": annotation.note},
        {"type": "TextualBody", "purpose": "commenting", "format": "text/html",
         "value": html.strip()},
    ]
    tags = [annotation.kind, *([INSTRUCTOR_TAG] if annotation.audience == "instructor" else []),
            *annotation.tags]
    bodies += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in tags]
    return bodies


def _item(annotation: Annotation, text: SourceText, placement: annotate.Placement,
          original: str, page: str, html: str) -> dict[str, Any]:
    index = text.index_of(placement.block)
    start = text.starts[index] + placement.start
    match = Match(start, text.starts[index] + placement.end)
    prefix, suffix = text.context(match)
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": text.exact(match),
                             "prefix": prefix, "suffix": suffix}
    web_selectors: list[dict[str, Any]] = [quote]
    web_target = page
    if index in text.paragraph_ids:  # the paragraph's own address in the web edition
        web_target = f"{page}#{text.paragraph_ids[index]}"
        web_selectors.append({"type": "TextPositionSelector", "start": placement.start,
                              "end": placement.end})
    targets: list[dict[str, Any]] = (
        [{"type": "SpecificResource", "source": original, "selector": quote}] if original else [])
    targets.append({"type": "SpecificResource", "source": web_target, "selector": web_selectors})
    item: dict[str, Any] = {"id": f"{page}#{anchors.annotation(annotation.id)}",
                            "type": "Annotation", "motivation": "commenting"}
    if annotation.origin:  # imported: where it came from
        item["via"] = annotation.origin
    if annotation.by:
        item["creator"] = {"type": "Person", "name": annotation.by}
    if annotation.created:
        item["created"] = annotation.created
    item["body"] = _bodies(annotation, html)
    item["target"] = targets
    return item


def collection(project: Project, rendered: Rendered, diags: Diagnostics, *,
               edition: str = "student", base_url: str | None = None) -> dict[str, Any]:
    """The AnnotationCollection, sources in reading order, each source's notes in text order."""
    items = []
    reading_order = [sid for part in project.book.parts for sid in part.sources]
    for source in (project.sources[sid] for sid in reading_order if sid in project.sources):
        wanted = [a for a in project.annotations_for(source.id)
                  if edition == "instructor" or a.audience != "instructor"]
        markup = rendered.html.get(f"source:{source.id}", "")
        tree = parse_fragment(markup)
        placements = annotate.place(tree, source, wanted, diags)
        # Placements hold blocks of `tree`; SourceText must be built from that same tree.
        text = SourceText.from_tree(source.id, tree)
        placements.sort(key=lambda p: (text.index_of(p.block), p.start, p.end))
        page = web_page(base_url, source.id)
        original = original_url(project, source.id)
        items += [_item(p.annotation, text, p, original, page,
                      rendered.html.get(f"ann:{p.annotation.id}", "")) for p in placements]
    label = f"{project.book.title}: annotations ({edition} edition)"
    return {"@context": W3C_CONTEXT, "id": f"{project.book.identifier}#annotations-{edition}",
            "type": "AnnotationCollection", "label": label, "total": len(items),
            "first": {"type": "AnnotationPage", "startIndex": 0, "items": items}}


def export_annotations(root: Path, *, edition: str = "student", base_url: str | None = None,
                       strict: bool = False, use_cache: bool = True) -> tuple[str, Diagnostics]:
    """The collection as JSON text; BuildAborted when the book has errors (or, with strict,
    warnings)."""
    project, diags = load_checked(root, strict=strict)
    rendered = render(project, diags, use_cache=use_cache)
    data = collection(project, rendered, diags, edition=edition, base_url=base_url)
    if diags.has_errors(strict=strict):
        raise BuildAborted(diags)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n", diags
