"""A citing note's new prose with its citations as citeproc last rendered them, for the live
preview's fast pass (`pipeline.build(pages_from=...)`): editing a note's words should not cost
a citeproc run over every citation of the book.

Why the splice gives what citeproc would. A citation's text in a notes style depends on the
citations before it (first, subsequent or "ibid." form) and on note numbers; an edit that
leaves every citation of the book as it was (same works, locators, prefixes and suffixes, in
the same notes) leaves all of that unchanged. Pandoc then changes only what is right beside a
citation inside a note: parentheses around it unless it opens the note's only paragraph, the
period of a citation ending in one before a "." (or before a capital, written in the text),
quotation marks. So a splice is made only when that neighbourhood is unchanged: the edit
touches no citation syntax, note mark or line break and is not within reach of a citation
(`prose_edit`), the markup on each side of every citation is the same as before and citeproc
changed nothing outside its citations last time (`splice`). Otherwise the answer is None and
the caller runs citeproc as usual. The full build that follows the fast pass runs citeproc
anyway, and a spliced render is never cached.
"""

from __future__ import annotations

import copy

from lxml import etree
from lxml.etree import _Element

NEAR = 6  # characters of markup each side of a citation that must be as before
EDIT_REACH = 3  # characters of Markdown each side of an edit that must hold no citation syntax
NOT_PROSE = frozenset("@[]^\n\\`")  # citations, note marks, escapes, code, paragraph breaks
CITATION_NEAR = frozenset("@[]^")
HOLE = "\ue000"  # a private-use character stands for a citation's text in the skeleton
CITATIONS = ".//span[contains(concat(' ', normalize-space(@class), ' '), ' citation ')]"
BACK_LINKS = './/a[contains(@class, "footnote-back")]'


def prose_edit(old: str, new: str) -> bool:
    """Whether `new` is `old` with one stretch of prose changed, away from every citation,
    note mark and line break."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    removed, added = old[start:len(old) - end], new[start:len(new) - end]
    if NOT_PROSE.intersection(removed + added):
        return False
    reach = (old[max(0, start - EDIT_REACH):start]
             + old[len(old) - end:len(old) - end + EDIT_REACH])
    return not CITATION_NEAR.intersection(reach)


def _citations(element: _Element) -> list[_Element]:
    """The citation spans (the outermost ones) in document order."""
    found = element.xpath(CITATIONS)
    return [span for span in found
            if not any(other in found for other in span.iterancestors("span"))]


def _without_back_links(item: _Element) -> _Element:
    item = copy.deepcopy(item)
    for back in item.xpath(BACK_LINKS):
        back.drop_tree()
    return item


def _skeleton(item: _Element) -> str:
    """The note's markup with each citation's text replaced by HOLE."""
    item = copy.deepcopy(item)
    for span in _citations(item):
        for child in list(span):
            span.remove(child)
        span.text = HOLE
    return "".join(etree.tostring(child, encoding="unicode", method="html") for child in item)


def _surroundings(skeleton: str) -> list[tuple[str, str]]:
    """The NEAR characters of markup before and after each citation (a citation opening the
    note shows the note's first tag and nothing more)."""
    found, at = [], skeleton.find(HOLE)
    while at >= 0:
        opening = skeleton.rfind("<span", 0, at)
        closing = skeleton.find("</span>", at) + len("</span>")
        found.append((skeleton[max(0, opening - NEAR):opening], skeleton[closing:closing + NEAR]))
        at = skeleton.find(HOLE, at + 1)
    return found


def _shape(item: _Element) -> list[str]:
    return [str(child.tag) for child in item]


def splice(cited: _Element, old_plain: _Element, new_plain: _Element) -> _Element | None:
    """The note `new_plain` (Pandoc's output without citeproc) with each citation as in
    `cited` (citeproc's output for `old_plain`'s Markdown), or None if citeproc could render
    the new note otherwise. Each is the note's footnote item (<li>); the result keeps `cited`'s
    id."""
    cited, old_plain, new_plain = (_without_back_links(item)
                                   for item in (cited, old_plain, new_plain))
    done, before, after = _citations(cited), _citations(old_plain), _citations(new_plain)
    if not len(done) == len(before) == len(after):
        return None
    for rendered, old, new in zip(done, before, after, strict=True):
        if not (rendered.get("data-cites") == old.get("data-cites") == new.get("data-cites")):
            return None
        if etree.tostring(old, with_tail=False) != etree.tostring(new, with_tail=False):
            return None  # another locator, prefix or suffix
    for item in (old_plain, new_plain):
        if item.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//a[contains(@class, "
                      "'footnote-ref')]"):
            return None  # heading ids and nested notes are the whole document's business
    old_skeleton = _skeleton(old_plain)
    if (_skeleton(cited) != old_skeleton or _shape(old_plain) != _shape(new_plain)
            or _surroundings(old_skeleton) != _surroundings(_skeleton(new_plain))):
        return None
    result = copy.deepcopy(new_plain)
    result.attrib.clear()
    result.attrib.update(cited.attrib)
    for span, rendered in zip(_citations(result), done, strict=True):
        for child in list(span):
            span.remove(child)
        span.text = rendered.text
        span.extend(copy.deepcopy(child) for child in rendered)
    return result
