"""Cutting the print HTML into layout units (readerkit/formats/print/units.py)."""

from __future__ import annotations

import re

import pytest
from conftest import Built
from test_golden import print_html

from readerkit.formats.print import units

BOOK = """<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>
<section id="title" data-layout-unit><h1>T</h1></section>
<section id="credits"><p>Credits</p></section>
<nav id="contents" data-layout-unit><a href="#s1" data-page-ref="s1">One</a>
  <a href="#g" data-page-ref="g">Glossary</a></nav>
<main id="body-matter">
  <section class="part" id="part-1" style="color: black">
    <div class="opener" data-layout-unit>Part one</div>
    <article id="s1" data-layout-unit><p id="p1">Text</p></article>
    <article id="s2" data-layout-unit><p>More <span data-page-ref="s1"></span></p></article>
  </section>
  <section id="g" data-layout-unit>Glossary</section>
</main>
</body></html>"""


@pytest.fixture(scope="module")
def split() -> list[units.Unit]:
    return units.split(BOOK)


@pytest.mark.parametrize(("index", "name", "in_body", "refs", "holds", "lacks"), [
    (0, "title", False, (), ['id="title"', 'id="credits"'], ['id="contents"']),
    (1, "contents", False, ("s1", "g"), ['href="#s1" data-page-ref="s1" data-page="7"'], []),
    (2, "unit-3", True, (), ['id="body-matter"', 'id="part-1"', "Part one"], ['id="s1"']),
    (3, "s1", True, (), ['<section class="part" style="color: black; bookmark-level: none; '
                         'string-set: none">', 'id="p1"'], ['id="part-1"', 'id="body-matter"']),
    (4, "s2", True, ("s1",), ['data-page="7"'], ['id="s1"']),
    (5, "g", True, (), ["Glossary"], [units.END_MARK_ID, 'id="part-1"']),
])
def test_units(split: list[units.Unit], index: int, name: str, in_body: bool,
               refs: tuple[str, ...], holds: list[str], lacks: list[str]) -> None:
    unit = split[index]
    html = unit.html({"s1": "7"})
    assert (unit.name, unit.in_body, unit.refs) == (name, in_body, refs)
    for text in holds:
        assert text in html
    for text in lacks:
        assert text not in html
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\"><head><title>T</title>")
    assert (units.END_MARK_ID in html) == (not unit.last)


def test_unknown_page_references_get_the_placeholder(split: list[units.Unit]) -> None:
    assert 'data-page-ref="g" data-page="?"' in split[1].html({}, placeholder="?")


def test_every_id_of_the_mini_reader_lands_in_exactly_one_unit(mini: Built) -> None:
    html = print_html(mini.root)
    ids = re.findall(r'\sid="([^"]+)"', html)
    found = [i for unit in units.split(html) for i in re.findall(r'\sid="([^"]+)"', unit.html({}))
             if i != units.END_MARK_ID]
    assert sorted(found) == sorted(ids)
    names = [unit.name for unit in units.split(html)]
    assert names == ["title-page", "contents", "introduction", "unit-4", "src-snow-letter",
                     "src-pump-essay", "timeline", "glossary", "bibliography", "index"]


def test_units_after_the_body_keep_arabic_folios() -> None:
    book = BOOK.replace("</main>\n", "</main>\n<section id=\"colophon\" data-layout-unit>"
                        "Colophon</section>\n")
    assert [(u.name, u.in_body) for u in units.split(book)][-2:] == [("g", True),
                                                                      ("colophon", True)]
