"""Pandoc's HTML output for a batch, parsed: fragment divs, footnote items, bibliography
entries and the warnings Pandoc printed (render/pandoc.py cuts fragments out of it)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import html as lxml_html
from lxml.etree import _Element

from readerkit.htmltools import inner_html


@dataclass
class Output:
    """One batch's output: what render/pandoc.py reads from it."""

    divs: dict[str | None, _Element]  # the first div with each id, in document order
    footnotes: dict[str | None, _Element]
    refs: list[_Element]
    warnings: list[str]


def parse(output: str, stderr: str) -> Output:
    tree = lxml_html.fragment_fromstring(output, create_parent="div")
    divs: dict[str | None, _Element] = {}
    for div in tree.iter("div"):
        divs.setdefault(div.get("id"), div)
    return Output(
        divs,
        {item.get("id"): item for item in tree.xpath('//section[@id="footnotes"]//li')},
        tree.xpath('//div[@id="refs"]/div[starts-with(@id, "ref-")]'),
        [line for line in stderr.splitlines() if line.strip()],
    )


def footnote_body(item: _Element) -> str:
    for back in item.xpath('.//a[contains(@class, "footnote-back")]'):
        back.drop_tree()
    return inner_html(item).strip()


def note_refs(div: _Element, out: Output) -> list[tuple[_Element, _Element | None]]:
    """Each footnote call in the div, with the footnote item it points to (None: missing)."""
    return [(ref, out.footnotes.get(ref.get("href", "")[1:]))
            for ref in div.xpath('.//a[contains(@class, "footnote-ref")]')]


def note_items(div: _Element, out: Output) -> list[_Element | None]:
    return [item for _ref, item in note_refs(div, out)]


def first_note_item(out: Output, div_id: str) -> _Element | None:
    """The footnote item of the first note called in the div (a note fragment's own body)."""
    div = out.divs.get(div_id)
    items = note_items(div, out) if div is not None else []
    return items[0] if items else None
