"""Read the two JSON annotation formats annotation tools share: Hypothesis's API and W3C JSON-LD.

Hypothesis: an API search result (`{"total": n, "rows": [...]}`), a list of its annotation
objects, or one of them. W3C Web Annotation Data Model: one `Annotation`, an
`AnnotationCollection` (pages embedded), an `AnnotationPage`, or a list of annotations. Both
come out as `Incoming` records, neutral about the format; nothing here knows about a book.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from readerkit.model import ANNOTATION_KINDS, slugify

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
HYPOTHESIS_PREFIX = "hyp-"
NOTE_ANCHOR = "#ann-"  # the web edition's note anchors: our own export's annotation ids
INSTRUCTOR_TAG = "instructor"


JSON_NAMES = {str: "a string", int: "a number", float: "a number", bool: "true or false",
              type(None): "null"}


class NotAnnotations(Exception):
    """The JSON is not one of the annotation formats read here; `line` is where it shows."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Incoming:
    """One annotation read from a tool's export."""

    format: str  # "Hypothesis" or "W3C"
    raw_id: str  # the id as the file gives it
    id: str  # the id it gets in book/annotations/*.yaml
    origin: str  # where it came from (kept as `origin:`, so a second import updates it)
    targets: list[str]  # web addresses annotated, in the order given
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    note: str = ""  # Markdown
    tags: list[str] = field(default_factory=list)
    by: str = ""
    created: str = ""
    reply_to: str = ""  # a reply (not a note) to this annotation
    title: str = ""  # the annotated page's title, when the tool says it
    line: int = 1  # where it is in the file

    @property
    def kind(self) -> str:
        return next((t.lower() for t in self.tags if t.lower() in ANNOTATION_KINDS), "context")

    @property
    def audience(self) -> str:
        return "instructor" if any(t.lower() == INSTRUCTOR_TAG for t in self.tags) else "all"

    @property
    def other_tags(self) -> list[str]:
        """Tags that are neither a kind nor the audience: kept as `tags:`."""
        return [t for t in self.tags if t.lower() not in (*ANNOTATION_KINDS, INSTRUCTOR_TAG)]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(item: Any) -> set[str]:
    """An object's JSON-LD types, without an `oa:` prefix."""
    if not isinstance(item, dict):
        return set()
    return {str(t).removeprefix("oa:") for t in _as_list(item.get("type") or item.get("@type"))}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _raw(value: Any) -> str:
    """Text as given, edge spaces kept; '' for anything that is not text."""
    return value if isinstance(value, str) else ""


def _quote_selector(selectors: Any) -> dict[str, Any] | None:
    """The first TextQuoteSelector, also inside `refinedBy` chains."""
    for selector in _as_list(selectors):
        if not isinstance(selector, dict):
            continue
        if "TextQuoteSelector" in _types(selector):
            return selector
        inner = _quote_selector(selector.get("refinedBy"))
        if inner is not None:
            return inner
    return None


def _set_quote(record: Incoming, selector: dict[str, Any] | None) -> None:
    if selector is not None and not record.exact:
        record.exact = _text(selector.get("exact"))
        # Context keeps its edge spaces: they say whether the quote starts a word.
        record.prefix = _raw(selector.get("prefix"))
        record.suffix = _raw(selector.get("suffix"))


BLOCK_TAGS = {"p", "div", "li", "blockquote", "pre", "ul", "ol", "table", "tr", "section",
              "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "figure", "figcaption"}


def html_to_text(markup: str) -> str:
    """A note given only as HTML, as plain paragraphs: notes are Markdown, and raw HTML in
    them is read as text, so the markup goes and its words stay (scripts and styles go too)."""
    tree = lxml_html.fragment_fromstring(markup or "", create_parent="div")
    for dropped in tree.xpath("//script | //style"):
        dropped.drop_tree()
    paragraphs: list[str] = []
    current: list[str] = [tree.text or ""]
    for child in tree:
        if isinstance(child.tag, str) and child.tag in BLOCK_TAGS:
            paragraphs += ["".join(current), child.text_content()]
            current = []
        else:
            current.append(child.text_content() if isinstance(child.tag, str) else "")
        current.append(child.tail or "")
    paragraphs.append("".join(current))
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


# --- Hypothesis --------------------------------------------------------------------------

def _is_hypothesis(item: Any) -> bool:
    return isinstance(item, dict) and "uri" in item and isinstance(item.get("target"), list)


def _hypothesis(item: dict[str, Any]) -> Incoming:
    raw_id = _text(item.get("id"))
    if not raw_id:
        raise NotAnnotations("a Hypothesis annotation has no 'id'")
    links = item["links"] if isinstance(item.get("links"), dict) else {}
    record = Incoming(
        format="Hypothesis", raw_id=raw_id, id=HYPOTHESIS_PREFIX + slugify(raw_id),
        origin=_text(links.get("html")) or f"https://hypothes.is/a/{raw_id}",
        targets=[], note=_raw(item.get("text")),
        tags=[t.strip() for t in _as_list(item.get("tags")) if isinstance(t, str) and t.strip()],
        by=_text(item.get("user")).removeprefix("acct:"), created=_text(item.get("created")),
    )
    document = item["document"] if isinstance(item.get("document"), dict) else {}
    record.title = next((_text(t) for t in _as_list(document.get("title")) if _text(t)), "")
    references = [r for r in _as_list(item.get("references")) if isinstance(r, str)]
    record.reply_to = references[-1] if references else ""
    for target in item["target"]:
        if isinstance(target, dict):
            if _text(target.get("source")):
                record.targets.append(_text(target.get("source")))
            _set_quote(record, _quote_selector(target.get("selector")))
    if _text(item.get("uri")) and _text(item.get("uri")) not in record.targets:
        record.targets.append(_text(item.get("uri")))
    return record


# --- W3C Web Annotation --------------------------------------------------------------------

def _w3c_id(raw_id: str, item: dict[str, Any]) -> str:
    if NOTE_ANCHOR in raw_id:  # a note of a web edition: keep its own id
        return slugify(raw_id.rsplit(NOTE_ANCHOR, 1)[1])
    if raw_id:
        return slugify(raw_id.split("://", 1)[-1])
    # No id (allowed in some tools' exports): one derived from what it says stays stable.
    digest = hashlib.sha256(json.dumps([item.get("target"), item.get("body")],
                                       sort_keys=True).encode()).hexdigest()
    return "w3c-" + digest[:12]


def _creator(value: Any) -> str:
    for creator in _as_list(value):
        if isinstance(creator, str):
            return creator.strip()
        if isinstance(creator, dict):
            for key in ("name", "nickname", "id"):
                if _text(creator.get(key)):
                    return _text(creator.get(key))
    return ""


def _w3c_note(bodies: list[Any], record: Incoming) -> str:
    """Tagging bodies become tags; the best commenting body (Markdown, plain, HTML) the note."""
    notes: dict[str, str] = {}
    for body in bodies:
        if not isinstance(body, dict) or not isinstance(body.get("value"), str):
            continue
        purposes = {str(p).removeprefix("oa:") for p in _as_list(body.get("purpose"))}
        if "tagging" in purposes:
            if body["value"].strip():
                record.tags.append(body["value"].strip())
            continue
        kind = str(body.get("format") or "text/plain").lower()
        notes.setdefault(kind, body["value"])
    if "text/markdown" in notes:
        return notes["text/markdown"]
    if "text/plain" in notes:
        return notes["text/plain"]
    return html_to_text(notes["text/html"]) if "text/html" in notes else ""


def _w3c(item: dict[str, Any]) -> Incoming:
    raw_id = _text(item.get("id") or item.get("@id"))
    # `via`: the annotation this one was copied from (our export names the imported original).
    record = Incoming(format="W3C", raw_id=raw_id, id=_w3c_id(raw_id, item),
                      origin=_text(item.get("via")) or raw_id, targets=[],
                      by=_creator(item.get("creator")),
                      created=_text(item.get("created")))
    bodies = _as_list(item.get("body"))
    if isinstance(item.get("bodyValue"), str):
        bodies.append({"type": "TextualBody", "value": item["bodyValue"]})
    record.note = _w3c_note(bodies, record)
    motivations = {str(m).removeprefix("oa:") for m in _as_list(item.get("motivation"))}
    for target in _as_list(item.get("target")):
        address = target if isinstance(target, str) else (
            _text(target.get("source") or target.get("id")) if isinstance(target, dict) else "")
        if address:
            record.targets.append(address.strip())
        if isinstance(target, dict):
            _set_quote(record, _quote_selector(target.get("selector")))
    if "replying" in motivations:
        record.reply_to = record.targets[0] if record.targets else "?"
    return record


def _page_items(page: Any, where: str) -> list[Any]:
    if not isinstance(page, dict):
        raise NotAnnotations(f"{where} is not embedded in the file (it is only a link)",)
    return _as_list(page.get("items"))


def _w3c_items(data: dict[str, Any]) -> list[Any]:
    types = _types(data)
    if "AnnotationPage" in types:
        return _page_items(data, "the page")
    # A collection: its pages follow `first`, then each page's `next`.
    items: list[Any] = []
    page = data.get("first")
    seen = 0
    while page is not None and seen < 10_000:
        items += _page_items(page, "a page of the collection")
        page, seen = page.get("next"), seen + 1
    return items


def read(data: Any) -> list[Incoming]:
    """The annotations in parsed JSON, or NotAnnotations saying what the file is instead."""
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        items = data["rows"]
    elif isinstance(data, dict) and _types(data) & {"AnnotationCollection", "AnnotationPage"}:
        items = _w3c_items(data)
    elif isinstance(data, dict) and ("Annotation" in _types(data) or _is_hypothesis(data)):
        items = [data]
    elif isinstance(data, dict):
        raise NotAnnotations("the JSON object has neither 'rows' (a Hypothesis search result) "
                             "nor a W3C \"type\" (Annotation, AnnotationCollection, "
                             "AnnotationPage)")
    elif isinstance(data, list):
        items = data
    else:
        raise NotAnnotations(f"the file holds {JSON_NAMES.get(type(data), 'a value')}, "
                             "not annotations")
    records = []
    for number, item in enumerate(items, start=1):
        if "Annotation" in _types(item):
            records.append(_w3c(item))
        elif _is_hypothesis(item):
            records.append(_hypothesis(item))
        else:
            raise NotAnnotations(
                f"item {number} is neither a Hypothesis annotation (with 'uri' and 'target') "
                "nor a W3C Annotation (with \"type\": \"Annotation\")")
    return records


def missing_rows(data: Any) -> tuple[int, int] | None:
    """(rows held, total) for a Hypothesis search result holding only a page of its matches."""
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        total = data.get("total")
        if isinstance(total, int) and not isinstance(total, bool) and total > len(data["rows"]):
            return len(data["rows"]), total
    return None


def locate_lines(text: str, records: list[Incoming]) -> None:
    """Set each record's line: where its id (else its quote) first shows in the file."""
    cursor = 0
    for record in records:
        for value in (record.raw_id, record.exact):
            if not value:
                continue
            spellings = {json.dumps(value), json.dumps(value, ensure_ascii=False)}
            hits = [text.find(s, cursor) for s in spellings]
            hits = [h for h in hits if h >= 0]
            if hits:
                cursor = min(hits)
                record.line = text.count("\n", 0, cursor) + 1
                break
