"""Small lxml helpers shared by the stages that edit HTML trees."""

from __future__ import annotations

import html

from lxml import etree
from lxml import html as lxml_html
from lxml.etree import _Element


def inner_html(element: _Element) -> str:
    """The element's content as HTML, without the element's own tags."""
    # .text is decoded text ('<' not '&lt;'): escape it, or an editor's "<img ...>" written
    # as words would come back as markup.
    parts = [html.escape(element.text, quote=False)] if element.text else []
    parts += [etree.tostring(child, encoding="unicode", method="html") for child in element]
    return "".join(parts)


def parse_fragment(markup: str) -> _Element:
    """Parse an HTML fragment into a <div> holding it."""
    return lxml_html.fragment_fromstring(markup or "", create_parent="div")


def elements_by_id(tree: _Element) -> dict[str, _Element]:
    """Each id in the tree, with the first element that carries it (comments and processing
    instructions have no ids)."""
    found: dict[str, _Element] = {}
    for element in tree.iter():
        if isinstance(element.tag, str) and element.get("id"):
            found.setdefault(element.get("id"), element)
    return found


def text_of(element: _Element) -> str:
    return "".join(element.itertext())


def unwrap_paragraph(markup: str) -> str:
    """A fragment that is one paragraph, as inline HTML; anything else unchanged."""
    tree = parse_fragment(markup)
    if len(tree) == 1 and tree[0].tag == "p" and not (tree.text or "").strip():
        return inner_html(tree[0])
    return markup
