"""Attach annotations to a source's rendered text, and number its paragraphs and notes.

Input: the source's HTML from Pandoc and its annotations. Output: HTML in which each quote
is wrapped in <span class="annotated"> followed by a note call placeholder
(<a class="noteref" data-note="ann-ID">), and each paragraph carries id p-SOURCE-N with
its number. Anchoring problems become located diagnostics (A001..A003).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

from lxml import html as lxml_html
from lxml.etree import _Element

from readerkit import anchors
from readerkit.diagnostics import Diagnostics
from readerkit.model import Annotation, Source
from readerkit.render.anchoring import Folded, Match, find_quote, fold
from readerkit.render.quote_hints import mismatch_hint
from readerkit.render.textslots import Slot, ancestors_within, detach, replace_slot, slots

BLOCKS = "//p | //li[not(p)] | //h2 | //h3 | //h4 | //h5 | //h6 | //td | //th | //dd | //dt"
NOTE_CALL = "noteref"
BLOCK_SEPARATOR = "\n\n"  # between blocks: a quote across two is found, then refused (A003)


@dataclass(frozen=True)
class Placement:
    annotation: Annotation
    block: _Element
    start: int  # offsets in the block's text
    end: int


def block_texts(tree: _Element) -> list[tuple[_Element, list[Slot], str]]:
    result = []
    for block in tree.xpath(BLOCKS):
        if block.xpath("ancestor::p | ancestor::li[not(p)]"):
            continue  # nested inside another block already listed
        block_slots = list(slots(block, skip=(NOTE_CALL,)))
        result.append((block, block_slots, "".join(s.text for s in block_slots)))
    return result


@dataclass(frozen=True)
class JoinedText:
    """A source's blocks as the one text quotes are anchored in (BLOCK_SEPARATOR between
    blocks): the build's anchoring and the annotation tools (tools/annotation_text.py) both
    read it, so an imported or exported quote anchors where the build places it."""

    blocks: list[tuple[_Element, list[Slot], str]]
    starts: list[int]  # offset of each block's text in `whole`
    whole: str
    folded: Folded

    def block_holding(self, match: Match) -> int | None:
        """The index of the block holding the whole match; None when it runs across blocks."""
        index = bisect_right(self.starts, match.start) - 1  # the block the match starts in
        if index < 0 or match.end > self.starts[index] + len(self.blocks[index][2]):
            return None
        return index

    def index_of(self, block: _Element) -> int:
        return next(i for i, (b, _, _) in enumerate(self.blocks) if b is block)


def joined_text(tree: _Element) -> JoinedText:
    blocks = block_texts(tree)
    starts, offset = [], 0
    for _, _, text in blocks:
        starts.append(offset)
        offset += len(text) + len(BLOCK_SEPARATOR)
    whole = BLOCK_SEPARATOR.join(text for _, _, text in blocks)
    return JoinedText(blocks, starts, whole, fold(whole))  # folded once per source


def paragraphs(tree: _Element) -> list[_Element]:
    """The paragraphs number_paragraphs numbers, in their order (p-SOURCE-1, -2, ...)."""
    return list(tree.xpath("//p"))


def place(
    tree: _Element, source: Source, annotations: list[Annotation], diags: Diagnostics
) -> list[Placement]:
    if not annotations:
        return []
    joined = joined_text(tree)
    folded = joined.folded
    placements = []
    for annotation in annotations:
        line = annotation.line_of.get("quote", annotation.line)
        anchoring = find_quote(folded, annotation.quote, annotation.prefix, annotation.suffix)
        if not anchoring.matches:
            if anchoring.quote_found:
                diags.error(
                    annotation.path, line, "A004",
                    f"quote of annotation '{annotation.id}' occurs in {source.id}, but never "
                    "with the given prefix/suffix",
                    "copy prefix and suffix from the words right before and after the quote",
                )
            else:
                diags.error(
                    annotation.path, line, "A001",
                    f"quote of annotation '{annotation.id}' not found in {source.id}",
                    mismatch_hint(folded, annotation.quote),
                )
            continue
        if len(anchoring.matches) > 1:
            diags.error(
                annotation.path, line, "A002",
                f"quote of annotation '{annotation.id}' occurs {len(anchoring.matches)} times "
                f"in {source.id}",
                "add a 'prefix' or 'suffix' (the words just before or after) to pick one",
            )
            continue
        match = anchoring.matches[0]
        index = joined.block_holding(match)
        if index is None:
            diags.error(
                annotation.path, line, "A003",
                f"quote of annotation '{annotation.id}' runs across two paragraphs",
                "annotate a passage inside one paragraph",
            )
            continue
        start = joined.starts[index]
        placements.append(Placement(annotation, joined.blocks[index][0], match.start - start,
                                    match.end - start))
    return placements


def _call(annotation: Annotation) -> _Element:
    return lxml_html.Element(
        "a", {"class": NOTE_CALL, "data-note": anchors.annotation(annotation.id),
              "data-kind": annotation.kind}
    )


def _mark_block(block: _Element, placements: list[Placement]) -> None:
    block_slots = list(slots(block, skip=(NOTE_CALL,)))
    offset = 0
    calls: list[_Element] = []
    for slot in block_slots:
        text = slot.text
        start, end = offset, offset + len(text)
        offset = end
        cuts = {start, end}
        for p in placements:
            cuts.update(x for x in (p.start, p.end) if start < x < end)
        edges = sorted(cuts)
        pieces: list[str | _Element] = []
        for a, b in pairwise(edges):
            chunk = text[a - start : b - start]
            covering = [p for p in placements if p.start <= a and b <= p.end]
            if covering:
                span = lxml_html.Element(
                    "span",
                    {"class": "annotated",
                     "data-note": " ".join(anchors.annotation(p.annotation.id) for p in covering)},
                )
                span.text = chunk
                pieces.append(span)
            else:
                pieces.append(chunk)
            for p in placements:
                if p.end == b:
                    call = _call(p.annotation)
                    calls.append(call)
                    pieces.append(call)
        if len(pieces) > 1 or not isinstance(pieces[0], str):
            replace_slot(slot, pieces)
    # A call inside a link would nest links: move it just after the outermost link.
    for call in calls:
        links = [e for e in ancestors_within(call.getparent(), block) if e.tag == "a"]
        if links:
            outer = links[-1]
            detach(call)
            call.tail, outer.tail = outer.tail, None
            outer.addnext(call)


def attach(tree: _Element, source: Source, annotations: list[Annotation],
           diags: Diagnostics) -> None:
    """Mark every annotation's quote in `tree` (the source's HTML, edited in place)."""
    placements = place(tree, source, annotations, diags)
    by_block: dict[int, list[Placement]] = {}
    blocks: dict[int, _Element] = {}
    for placement in placements:
        by_block.setdefault(id(placement.block), []).append(placement)
        blocks[id(placement.block)] = placement.block
    for key, block_placements in by_block.items():
        _mark_block(blocks[key], block_placements)


def number_paragraphs(tree: _Element, source_id: str) -> int:
    """Give every paragraph id p-SOURCE-N and a visible number; returns the count."""
    count = 0
    for count, paragraph in enumerate(paragraphs(tree), start=1):
        paragraph.set("id", anchors.paragraph(source_id, count))
        paragraph.set("class", ((paragraph.get("class") or "") + " numbered").strip())
        number = lxml_html.Element("span", {"class": "pnum"})
        number.text = str(count)
        number.tail = paragraph.text
        paragraph.text = None
        paragraph.insert(0, number)
    return count
