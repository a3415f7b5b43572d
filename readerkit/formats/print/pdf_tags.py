"""PDF/UA tagging beyond what WeasyPrint 70.0 writes: a patch of its tagging, pinned to 70.0.

WeasyPrint builds the structure tree from the boxes while it writes the PDF, and that is the
only moment when a structure element and the HTML element behind it are both known; the PDF
it leaves carries no ids or classes to recover them from afterwards. So this module wraps two
of WeasyPrint's functions, and only while `tagging(document)` is active (write_pdf below,
called by pdf.write_pdf):

- `Stream.marked`, which opens the marked content of every text box as it is drawn: running
  heads and folios (margin boxes) become `/Artifact /Pagination` (Header or Footer) and the dot
  leaders of the contents `/Artifact /Layout`, so a screen reader skips them. WeasyPrint tags
  margin content and leaves it out of the tree (Kozea/WeasyPrint #1836, part of #2482): checkers
  see folios tagged as content, and a reader of the content hears the leaders' dots.
- `tags._build_box_tree`, which turns a box into its structure element: footnotes become `Note`
  (with the note's id) and their calls `Reference` (pointing at the note), markers `Lbl`; the
  contents (`role="doc-toc"`) `TOC`/`TOCI`; paragraph numbers and the source's kind line `Lbl`;
  every list item `LI` > [`Lbl`, `LBody`] (WeasyPrint gives an item of paragraphs no `LBody`);
  a link annotation of a box nested in a link (the author in a contents entry, the page number
  after it) moves to the enclosing `Link`, where PDF/UA wants it (WeasyPrint gives it to a
  `Span`); every link annotation gets the Print flag and its link's `aria-label` or text as
  `/Contents`; a
  figure's `/BBox` is converted from CSS pixels to PDF points (WeasyPrint writes CSS pixels);
  an element split across pages (a source, a paragraph that runs on, the part and <main>
  that print/units.py copies into every layout unit) is one element again, not one per page; each
  footnote is read after its page's text in the source (else the division) that calls it
  (WeasyPrint's per-page footnote area would otherwise follow the whole body).

Nothing else changes: the page content (text, order, positions) and the links' targets are
WeasyPrint's, and the output stays byte-for-byte reproducible.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import pydyf
import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import stream as weasy_stream
from weasyprint.pdf import tags as weasy_tags

from readerkit.formats.print.units import QUIET_COPY

WEASYPRINT_VERSION = "70.0"  # the version whose tagging code the wrappers below expect
PRINT_FLAG = 4  # annotation flag bit 3 (ISO 32000-1, 12.5.3)
CSS_PX_TO_PT = 0.75
# HTML classes whose element is a label of what follows it (ISO 32000-1, 14.8.4.3 Lbl)
LABEL_CLASSES = frozenset({"pnum", "source-kind"})
TOC_ROLE = "doc-toc"

_PAGINATION = {"top": "/Header", "bottom": "/Footer"}
# A footnote is read after the text of its page within the division that calls it
_NOTE_CONTAINERS = frozenset({"/Div", "/Sect", "/Art", "/Part"})
# Not joined across pages: a table's repeated header rows would be claimed twice.
_UNJOINED = frozenset({"/Table", "/THead", "/TBody", "/TFoot", "/TR", "/TH", "/TD", "/Note"})


@dataclass
class _Tagging:
    """What one PDF write knows about its boxes (by id: they live in the document's pages for
    the whole write)."""

    document: Any
    artifacts: dict[int, pydyf.Dictionary] = field(default_factory=dict)  # id(box) -> props
    notes: set[int] = field(default_factory=set)  # id(box) of each footnote's body
    toc: set[int] = field(default_factory=set)  # id(box) of the boxes inside the contents
    # id(box) of anonymous blocks: a paragraph whose number is positioned gets one around its
    # text, with the paragraph's own element, and WeasyPrint tags it as a second P inside the P
    anonymous: set[int] = field(default_factory=set)
    calls: dict[str, pydyf.Dictionary] = field(default_factory=dict)  # note id -> Reference
    # (HTML element, structure type) -> its first element and that element's page
    first: dict[tuple[Any, str], tuple[pydyf.Dictionary, int]] = field(default_factory=dict)


_CURRENT: ContextVar[_Tagging | None] = ContextVar("readerkit_pdf_tagging", default=None)


def _children(box: Any) -> list[Any]:
    return list(getattr(box, "children", None) or ())


def _unwrap(box: Any) -> Any:
    return box._box if isinstance(box, AbsolutePlaceholder) else box


def _artifact_props(box: Any) -> pydyf.Dictionary | None:
    """The artifact a box's content is, or None for content."""
    if isinstance(box, boxes.MarginBox):
        props = pydyf.Dictionary({"Type": "/Pagination"})
        side = box.at_keyword.lstrip("@").split("-")[0]
        if side in _PAGINATION:
            props["Subtype"] = _PAGINATION[side]
        return props
    if getattr(box, "is_leader", False):
        return pydyf.Dictionary({"Type": "/Layout"})
    return None


def _classify(state: _Tagging, box: Any, props: pydyf.Dictionary | None,
              in_toc: bool = False) -> None:
    """Record, for every box of a page, what _marked and _retag need to know of its ancestors
    (WeasyPrint's HTML elements have no parent pointers)."""
    box = _unwrap(box)
    in_toc = in_toc or (box.element_tag == "nav" and box.element.get("role") == TOC_ROLE)
    if in_toc:
        state.toc.add(id(box))
    if isinstance(box, boxes.FootnoteAreaBox):
        state.notes.update(id(_unwrap(child)) for child in _children(box))
    props = props or _artifact_props(box)
    if props is not None:
        state.artifacts[id(box)] = props
    for child in _children(box):
        if (isinstance(_unwrap(child), boxes.BlockBox) and box.element is not None
                and _unwrap(child).element is box.element
                and _unwrap(child).element_tag == box.element_tag):
            state.anonymous.add(id(_unwrap(child)))
        _classify(state, child, props, in_toc)


@contextlib.contextmanager
def tagging(document: Any) -> Iterator[None]:
    """Within this block, `document.write_pdf(pdf_variant="pdf/ua-1")` tags as described above."""
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise RuntimeError(f"formats/print/pdf_tags.py patches WeasyPrint {WEASYPRINT_VERSION}'s "
                           f"tagging code, not {weasyprint.__version__}'s: check it again")
    state = _Tagging(document)
    for page in document.pages:
        _classify(state, page._page_box, None)
    token = _CURRENT.set(state)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def write_pdf(document: Any, **options: Any) -> bytes:
    """`document.write_pdf(**options)`, tagged as described above."""
    with tagging(document):
        return document.write_pdf(**options)  # type: ignore[no-any-return]


# ------------------------------------------------------------------ drawing: artifacts

_original_marked = weasy_stream.Stream.marked


@contextlib.contextmanager
def _marked(self: Any, box: Any, tag: str) -> Iterator[None]:
    state = _CURRENT.get()
    props = state.artifacts.get(id(box)) if state is not None and self._tags is not None else None
    if props is None:
        with _original_marked(self, box, tag):
            yield
        return
    # no MCID and no entry in the page's tags: _build_box_tree below skips these boxes
    pydyf.Stream.begin_marked_content(self, "Artifact", props)
    try:
        yield
    finally:
        pydyf.Stream.end_marked_content(self)


# ------------------------------------------------------------------ the structure tree

_original_build_box_tree = weasy_tags._build_box_tree


def _object(pdf: Any, reference: bytes) -> Any:
    return pdf.objects[int(reference.split()[0])]


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split()) if element is not None else set()


def _link_ancestor(pdf: Any, node: Any) -> Any:
    while node is not None and "S" in node:
        if node["S"] == "/Link":
            return node
        node = _object(pdf, node["P"]) if "P" in node else None
    return None


def _move_annotations(pdf: Any, element: Any, parent: Any, annotations: list[Any],
                      start: int) -> None:
    """Link annotations of a box inside a link belong to the enclosing Link element (the
    element's own entries in the parent tree's list are those from `start` on)."""
    link = _link_ancestor(pdf, parent)
    if link is None:
        return  # the element is the link itself
    objrs = [kid for kid in element["K"]
             if isinstance(kid, bytes) and _object(pdf, kid).get("Type") == "/OBJR"]
    for kid in objrs:
        element["K"].remove(kid)
        link["K"].append(kid)
    for index in range(start, len(annotations)):
        owner, annotation = annotations[index]
        if owner == element.reference:
            annotations[index] = (link.reference, annotation)
    if element["S"] == "/Link":
        element["S"] = "/Span"  # its text stays where it is, inside the enclosing link


def _adopt_annotations(pdf: Any, box: Any, parent: Any, page_number: int,
                       annotations: list[Any]) -> None:
    """The link annotations over an artifact box go to the Link element around it."""
    link = _link_ancestor(pdf, parent)
    stack = [_unwrap(box)]
    while stack:
        node = stack.pop()
        stack.extend(_unwrap(child) for child in _children(node))
        annotation = getattr(node, "link_annotation", None)
        if annotation is None:
            continue
        if link is None:
            raise RuntimeError("a link inside a running head or folio cannot be tagged")
        _flag(annotation, node.element)
        objr = pydyf.Dictionary({"Type": "/OBJR", "Obj": annotation.reference,
                                 "Pg": pdf.page_references[page_number]})
        pdf.add_object(objr)
        link["K"].append(objr.reference)
        annotations.append((link.reference, annotation))


def _flag(annotation: Any, html: Any) -> None:
    """Printed like the page it is on, and named by its link's label or text (not its target's
    id): a teaching mark "T1" is announced as the guide's note it leads to."""
    annotation["F"] = PRINT_FLAG
    name = (html.get("aria-label") or _text(html)) if html is not None else ""
    if name:
        annotation["Contents"] = pydyf.String(name)


def _figure_bbox(state: _Tagging, element: Any, box: Any, page_number: int) -> None:
    """WeasyPrint 70 writes a figure's Layout BBox in CSS pixels from the top of the page; PDF
    wants points from the bottom (the page content is drawn flipped and scaled by 0.75)."""
    height = state.document.pages[page_number].height
    x1, y1 = box.content_box_x(), box.content_box_y()
    x2, y2 = x1 + box.width, y1 + box.height
    element["A"]["BBox"] = pydyf.Array((round(x1 * CSS_PX_TO_PT, 2),
                                        round((height - y2) * CSS_PX_TO_PT, 2),
                                        round(x2 * CSS_PX_TO_PT, 2),
                                        round((height - y1) * CSS_PX_TO_PT, 2)))


def _retag(state: _Tagging, box: Any, element: Any, parent: Any, pdf: Any, page_number: int,
           annotations: list[Any], start: int) -> None:
    html = box.element
    tag = box.element_tag or ""
    kind = element["S"]
    annotation = getattr(box, "link_annotation", None)
    if annotation is not None:
        _flag(annotation, html)
        _move_annotations(pdf, element, parent, annotations, start)
    if kind == "/Figure" and "A" in element:
        _figure_bbox(state, element, box, page_number)
    if html is None:
        return
    if id(box) in state.anonymous and kind == parent["S"] and kind not in ("/LI", "/LBody"):
        element["S"] = "/NonStruct"
        return
    classes = _classes(html)
    if tag.endswith("::footnote-call"):
        element["S"] = "/Reference"
        state.calls[html.get("id") or ""] = element
    elif tag.endswith("::footnote-marker"):
        element["S"] = "/Lbl"
    elif id(box) in state.notes:
        element["S"] = "/Note"
        note_id = html.get("id")
        if note_id:
            element["ID"] = pydyf.String(note_id)
            call = state.calls.get(note_id)
            if call is not None:
                # PDF 2.0's Ref: the call names the note it refers to (ignored by 1.7 readers)
                call["Ref"] = pydyf.Array([element.reference])
    elif classes & LABEL_CLASSES and "::" not in tag:
        element["S"] = "/Lbl"
    elif tag == "nav" and html.get("role") == TOC_ROLE:
        element["S"] = "/Div"
    elif id(box) in state.toc:
        if kind == "/L":
            element["S"] = "/TOC"
        elif kind == "/LI" and tag == "li":
            element["S"] = "/TOCI"
            _lift_nested_tocs(pdf, element)
        elif kind == "/LBody" and tag == "li":
            element["S"] = "/Reference"


def _join_keys(html: Any, kind: str) -> list[tuple[Any, str]]:
    """What identifies an element's parts across pages: the element itself within a layout
    unit; across units, where units.py copies an enclosing element (the part, <main>) into each
    unit without its id, the copy's attributes, which equal those of the first copy."""
    style = html.get("style") or ""
    signature = (html.tag, tuple(sorted((name, value) for name, value in html.attrib.items()
                                        if name not in ("id", "style"))))
    if QUIET_COPY in style:
        return [(signature, kind)]
    if html.get("id"):
        return [(id(html), kind), (signature, kind)]
    return [(id(html), kind)]


def _join(pdf: Any, first: Any, element: Any, page_number: int, nums: Any,
          annotations: list[Any], start: int) -> None:
    """The rest of an element split across pages joins its first part (WeasyPrint builds the
    tree page by page, so a paragraph, a list or a source that runs on is cut in two)."""
    page = pdf.page_references[page_number]
    if first["S"] == "/LI" and len(first["K"]) and len(element["K"]):
        # an item that runs on: its body goes on in the first part's body
        last, head = first["K"][-1], element["K"][0]
        if (isinstance(last, bytes) and isinstance(head, bytes)
                and _object(pdf, last).get("S") == _object(pdf, head).get("S") == "/LBody"):
            element["K"].remove(head)
            _join(pdf, _object(pdf, last), _object(pdf, head), page_number, nums, annotations,
                  start)
    for kid in element["K"]:
        if isinstance(kid, int):  # content of this page: an MCR names the page
            first["K"].append(pydyf.Dictionary({"Type": "/MCR", "Pg": page, "MCID": kid}))
            nums[kid] = first.reference
            continue
        kid_object = _object(pdf, kid)
        if kid_object.get("Type") != "/OBJR":
            kid_object["P"] = first.reference
        first["K"].append(kid)
    for index in range(start, len(annotations)):
        owner, annotation = annotations[index]
        if owner == element.reference:
            annotations[index] = (first.reference, annotation)
    element.clear()  # referenced by nothing now; written as an empty dictionary


def _place_note(pdf: Any, note: Any, call: Any) -> bool:
    """Put a footnote's Note at the end of what the division that calls it holds so far: after
    its page's text there, as WeasyPrint's footnote area was after the page's whole text; once
    split elements are joined, that area would follow the book's whole body."""
    container = None
    node = _object(pdf, call["P"])
    while "S" in node:
        if node["S"] == "/Art":
            container = node  # a source: its note follows the source's page, not its headnote
            break
        if container is None and node["S"] in _NOTE_CONTAINERS:
            container = node
        node = _object(pdf, node["P"])
    if container is None:
        return False  # in no division: the note stays in the footnote area
    node = container
    node["K"].append(note.reference)
    note["P"] = node.reference
    return True


def _kids(pdf: Any, element: Any) -> list[tuple[bytes, Any]]:
    return [(kid, _object(pdf, kid)) for kid in element["K"] if isinstance(kid, bytes)]


def _list_item(pdf: Any, item: Any) -> None:
    """LI > [Lbl, LBody]: WeasyPrint 70 gives an item whose content is blocks (<li><p>) no
    LBody, and an item whose number is inline (list-style-position: inside) its Lbl inside
    the LBody; the number is the item's label, read first, and the rest is its body."""
    kids = _kids(pdf, item)
    bodies = [kid for kid, node in kids if node.get("S") == "/LBody"]
    for body_reference in bodies:
        body = _object(pdf, body_reference)
        first = body["K"][0] if len(body["K"]) else None
        if isinstance(first, bytes) and _object(pdf, first).get("S") == "/Lbl":
            body["K"].remove(first)
            _object(pdf, first)["P"] = item.reference
            item["K"].insert(list(item["K"]).index(body_reference), first)
    rest = [kid for kid, node in kids if node.get("S") not in ("/Lbl", "/LBody")
            and node.get("Type") != "/OBJR"]
    if bodies:
        # a box positioned out of the flow (a teaching mark) is the item's box's child, not
        # its body's: it joins the body, at its start if it comes before it
        order = list(item["K"])
        leading = 0
        for kid in rest:
            item["K"].remove(kid)
            if order.index(kid) < order.index(bodies[0]):
                body = _object(pdf, bodies[0])
                body["K"].insert(leading, kid)
                leading += 1
            else:
                body = _object(pdf, bodies[-1])
                body["K"].append(kid)
            _object(pdf, kid)["P"] = body.reference
        return
    if not rest:
        return
    body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(rest),
                             "Pg": item["Pg"], "P": item.reference})
    pdf.add_object(body)
    position = list(item["K"]).index(rest[0])
    for kid in rest:
        item["K"].remove(kid)
        _object(pdf, kid)["P"] = body.reference
    item["K"].insert(position, body.reference)


def _lift_nested_tocs(pdf: Any, item: Any) -> None:
    """TOCI > Reference > [Link, TOC] becomes TOCI > [Reference > Link, TOC]: a nested
    contents list is the item's own child, not part of its reference."""
    for kid_reference in list(item["K"]):
        reference = _object(pdf, kid_reference)
        if reference.get("S") != "/Reference":
            continue
        nested = [k for k in reference["K"]
                  if isinstance(k, bytes) and _object(pdf, k).get("S") == "/TOC"]
        for kid in nested:
            reference["K"].remove(kid)
            _object(pdf, kid)["P"] = item.reference
            item["K"].append(kid)


def _build_box_tree(box: Any, parent: Any, pdf: Any, page_number: int, nums: Any,
                    annotations: list[Any], tags: Any) -> Iterator[Any]:
    state = _CURRENT.get()
    if state is None:
        yield from _original_build_box_tree(box, parent, pdf, page_number, nums, annotations,
                                            tags)
        return
    if id(_unwrap(box)) in state.artifacts:
        # drawn as an artifact by _marked: no marked content, no element; but a link over
        # it (the contents' leaders) is still a link, of the enclosing Link element
        _adopt_annotations(pdf, box, parent, page_number, annotations)
        return
    inner = _unwrap(box)
    if isinstance(inner, boxes.PageBox) or inner.element_tag in ("html", "body"):
        # WeasyPrint passes these through, yielding their children's (already retagged) elements
        yield from _original_build_box_tree(box, parent, pdf, page_number, nums, annotations,
                                            tags)
        return
    start = len(annotations)
    for element in _original_build_box_tree(box, parent, pdf, page_number, nums, annotations,
                                            tags):
        _retag(state, inner, element, parent, pdf, page_number, annotations, start)
        if element["S"] == "/Note":
            call = state.calls.get(inner.element.get("id") or "")
            if call is not None and _place_note(pdf, element, call):
                continue
        if element["S"] == "/LI":
            _list_item(pdf, element)
        if isinstance(inner, boxes.FootnoteAreaBox) and not element["K"]:
            element.clear()  # every note it held is read after its call
            continue
        if inner.element is not None and element["S"] not in _UNJOINED:
            keys = _join_keys(inner.element, element["S"])
            first = state.first.get(keys[0])
            if first is not None and first[1] < page_number:
                _join(pdf, first[0], element, page_number, nums, annotations, start)
                continue
            for key in keys:
                state.first.setdefault(key, (element, page_number))
        yield element


weasy_stream.Stream.marked = _marked
weasy_tags._build_box_tree = _build_box_tree
