"""Edit the text of an HTML tree by character offsets, across inline markup.

lxml keeps text in `.text` and `.tail` slots; annotations and glossary links need to wrap
a stretch of characters that may cross <em> or <a> boundaries. These helpers list the slots
of a block in reading order and rewrite one slot into a run of text and new elements.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

from lxml.etree import _Element

Piece: TypeAlias = str | _Element


@dataclass(frozen=True)
class Slot:
    owner: _Element
    is_tail: bool  # False: owner.text; True: owner.tail

    @property
    def text(self) -> str:
        return (self.owner.tail if self.is_tail else self.owner.text) or ""

    @property
    def container(self) -> _Element:
        """The element the slot's characters are inside."""
        parent = self.owner.getparent() if self.is_tail else self.owner
        assert parent is not None
        return parent


def slots(block: _Element, skip: tuple[str, ...] = ()) -> Iterator[Slot]:
    """Text slots inside `block` in reading order, passing over subtrees with `skip` classes."""

    def walk(element: _Element) -> Iterator[Slot]:
        if element.text:
            yield Slot(element, False)
        for child in element:
            if not _skipped(child, skip):
                yield from walk(child)
            if child.tail:
                yield Slot(child, True)

    if not _skipped(block, skip):
        yield from walk(block)


def _skipped(element: _Element, skip: tuple[str, ...]) -> bool:
    if not isinstance(element.tag, str):
        return True  # comments and processing instructions
    classes = (element.get("class") or "").split()
    return any(name in classes for name in skip)


def replace_slot(slot: Slot, pieces: list[Piece]) -> None:
    """Replace the slot's text with `pieces` (strings and new elements), in order."""
    lead = ""
    runs: list[tuple[_Element, list[str]]] = []  # each new element with the text after it
    for piece in pieces:
        if isinstance(piece, str):
            if runs:
                runs[-1][1].append(piece)
            else:
                lead += piece
        else:
            runs.append((piece, []))
    if slot.is_tail:
        slot.owner.tail = lead or None
        parent = slot.owner.getparent()
        assert parent is not None
        position = parent.index(slot.owner) + 1
    else:
        slot.owner.text = lead or None
        parent, position = slot.owner, 0
    for offset, (element, tail) in enumerate(runs):
        element.tail = "".join(tail) or None
        parent.insert(position + offset, element)


def ancestors_within(element: _Element, block: _Element) -> Iterator[_Element]:
    current: _Element | None = element
    while current is not None and current is not block:
        yield current
        current = current.getparent()


def detach(element: _Element) -> None:
    """Remove `element` from its parent, keeping the text that followed it in place."""
    parent = element.getparent()
    assert parent is not None
    tail, element.tail = element.tail, None
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
