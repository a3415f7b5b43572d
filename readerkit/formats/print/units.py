"""Cut the print HTML into layout units: pieces of the book laid out one at a time.

A unit begins at every element the print template marks with `data-layout-unit` (the title
page, the contents, the introduction, each part opener, each source, each appendix) and runs
to the next mark. Each unit becomes a standalone HTML document: the same <head>, shallow copies
of the elements it sits inside (<main>, a part's <section>) and its own content. Laying out
units separately is what lets a rebuild lay out again only the source whose notes changed.

What the print template and styles promise for this to give the same book as one document:
- every unit starts on a right-hand page (the engine puts it there; the styles break before
  each marked element to the right anyway); with `openings: any`, on whichever side the page
  before it leaves (paginate.py starts the unit's document on a verso where one falls);
- nothing carries over from one unit to the next: each unit sets its own running-head strings
  and counters (footnote numbers restart in each unit);
- page numbers are printed only in page margin boxes, and references to the page of another
  element are written `data-page-ref="ID"`: the engine puts that page's folio into the
  element's `data-page` attribute, for the styles to print with `attr(data-page)`.
A copy of an enclosing element in any unit but its first loses its id and makes no bookmark
and sets no strings, so that the book has each of them once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html
from lxml.etree import _Element

UNIT_ATTR = "data-layout-unit"
PAGE_REF_ATTR = "data-page-ref"
PAGE_ATTR = "data-page"
BODY_ID = "body-matter"  # folios restart at 1 (arabic) with the first unit inside it
# Laid out at the end of every unit but the last: a forced break to the next right-hand page
# (adding a blank left-hand page when needed); the page it lands on is dropped.
END_MARK_ID = "layout-unit-end"
# Units the print template marks with these ids, as an editor would call them.
NAMED_UNITS = {"title-page": "the title page", "contents": "the contents",
               "introduction": "the introduction", "timeline": "the timeline",
               "glossary": "the glossary", "bibliography": "the bibliography",
               "credits": "the credits page"}
END_MARK = f'<div id="{END_MARK_ID}" style="break-before: right"></div>'
# Inline style for the second and later copies of an enclosing element.
QUIET_COPY = "bookmark-level: none; string-set: none"
PLACEHOLDER = "0"  # printed for a page reference whose folio is not known yet


@dataclass
class Unit:
    index: int
    name: str  # the id of the marked element ("src-…", "glossary"), for progress and errors
    document: _Element  # the unit as a standalone <html> tree, page references still empty
    # inside <main id="body-matter"> or after its start: folios are arabic, counted from 1
    in_body: bool
    last: bool  # the book's last unit: no blank page after it
    referrers: list[_Element]  # its elements with a data-page-ref, in document order

    @property
    def label(self) -> str:
        """The unit in the editor's words: "the glossary", a source's or a part's title."""
        if self.name in NAMED_UNITS:
            return NAMED_UNITS[self.name]
        marked = self.document.xpath(f"//*[@{UNIT_ATTR}]")
        element = marked[0] if marked else self.document
        title = element.get("data-title") or next(
            (" ".join("".join(h.itertext()).split()) for h in element.iter("h1", "h2", "h3")), "")
        if title and "part-opener" in (element.get("class") or "").split():
            return f"the opening page of part “{title}”"
        return f"“{title}”" if title else self.name

    @property
    def refs(self) -> tuple[str, ...]:
        """The ids whose folios the unit prints, each once."""
        return tuple(dict.fromkeys(ref for e in self.referrers
                                   for ref in e.get(PAGE_REF_ATTR, "").split()))

    def html(self, folios: dict[str, str], placeholder: str = PLACEHOLDER) -> str:
        """The unit's HTML with every page reference filled from `folios` (id -> folio);
        ids not in it yet get `placeholder`. A reference to several ids (an index entry's
        uses, space-separated) prints their folios as a list (`page_list`)."""
        for element in self.referrers:
            refs = element.get(PAGE_REF_ATTR, "").split()
            element.set(PAGE_ATTR, page_list([folios.get(ref, placeholder) for ref in refs]))
        text: str = etree.tostring(self.document, encoding="unicode", method="html")
        return "<!DOCTYPE html>\n" + text


def page_list(folios: list[str]) -> str:
    """Folios as an index prints them: each page once, in order, runs of consecutive arabic
    folios as ranges. ['3', '3', '4', '5', '9'] -> '3–5, 9'; roman folios stay as they are."""
    unique = list(dict.fromkeys(folios))
    numbers = sorted({int(f) for f in unique if f.isdigit()})
    others = [f for f in unique if not f.isdigit()]
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    ranges = [f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs]
    return ", ".join(others + ranges)


def _has_unit(element: _Element) -> bool:
    return any(isinstance(e.tag, str) and e.get(UNIT_ATTR) is not None
               for e in element.iter())


class _Builder:
    """Copies body content into unit documents, recreating the enclosing elements."""

    def __init__(self, root: _Element) -> None:
        self.root = root
        self.units: list[tuple[_Element, dict[_Element, _Element], str, bool]] = []
        self.copied: set[_Element] = set()  # enclosing elements copied once already

    def start(self, name: str, ancestors: list[_Element]) -> None:
        document = etree.Element(self.root.tag, dict(self.root.attrib))
        head = self.root.find("head")
        if head is not None:
            document.append(copy.deepcopy(head))
        in_body = any(a.get("id") == BODY_ID for a in ancestors)
        self.units.append((document, {}, name, in_body))

    def add(self, element: _Element, ancestors: list[_Element]) -> None:
        if not self.units:  # content before the first mark: a unit of its own
            self.start(element.get("id") or "start", ancestors)
        document, copies, _name, _body = self.units[-1]
        parent = document
        for ancestor in ancestors:
            if ancestor not in copies:
                shell = etree.SubElement(parent, ancestor.tag, dict(ancestor.attrib))
                if ancestor in self.copied:
                    shell.attrib.pop("id", None)
                    style = ancestor.get("style")
                    shell.set("style", f"{style}; {QUIET_COPY}" if style else QUIET_COPY)
                else:
                    shell.text = ancestor.text
                self.copied.add(ancestor)
                copies[ancestor] = shell
            parent = copies[ancestor]
        parent.append(copy.deepcopy(element))


def split(html_text: str) -> list[Unit]:
    """The print HTML as layout units, in reading order."""
    root = lxml_html.document_fromstring(html_text)
    body = root.find("body")
    if body is None:
        raise ValueError("the print HTML has no <body>")
    builder = _Builder(root)

    def walk(container: _Element, ancestors: list[_Element]) -> None:
        for child in container:
            if not isinstance(child.tag, str):
                continue  # comments
            if child.get(UNIT_ATTR) is not None:
                builder.start(child.get("id") or f"unit-{len(builder.units) + 1}", ancestors)
                builder.add(child, ancestors)
            elif _has_unit(child):
                walk(child, [*ancestors, child])
            else:
                builder.add(child, ancestors)

    walk(body, [body])
    units = []
    body_started = False  # folios stay arabic after the body, as folios.page_labels counts them
    for index, (document, _copies, name, in_body) in enumerate(builder.units):
        body_started = body_started or in_body
        last = index == len(builder.units) - 1
        if not last:
            body_copy = document.find("body")
            assert body_copy is not None
            body_copy.append(lxml_html.fragment_fromstring(END_MARK))
        referrers = [e for e in document.iter()
                     if isinstance(e.tag, str) and e.get(PAGE_REF_ATTR) is not None]
        units.append(Unit(index, name, document, body_started, last, referrers))
    return units
