"""The EPUB edition: EPUBCheck, print page numbers checked against the PDF, notes, navigation.

The page-break tests read the built PDF independently of readerkit (pypdf): the folio printed
in each page's running head, and the first words of the page's running text; the EPUB must
have a marker for every page, labelled with that folio, followed by those same words.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import Built
from epubcheck_verdict import problems
from lxml import etree

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
OPF = {"opf": "http://www.idpf.org/2007/opf"}
SKIP = {"footnote", "pnum", "noteref", "pagebreak"}
FOLIO = re.compile(r"^(\d+|[ivxlc]+)$")
WORDS = 5


def words(text: str) -> list[str]:
    """Lower-case letter/digit runs; a hyphen added at a line end joins its word back."""
    text = unicodedata.normalize("NFKC", text).replace("\u2010\n", "").replace("\u00ad", "")
    return re.findall(r"\w+", text.lower())


def pdf_pages(pdf: Path) -> list[tuple[str, str]]:
    """(folio printed in the running head, running text) for every page of the PDF.

    WeasyPrint paints the page margin boxes after the page body: the running head is the
    last line drawn, when it lies above every other line of the page. The body's lines are
    read top to bottom (drawing order is not reading order for inline blocks); paragraph
    numbers and note calls (small digits) are left out.
    """
    pages = []
    for page in pypdf.PdfReader(pdf).pages:
        lines: list[list[Any]] = []  # [baseline y, x, text] in drawing order

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  lines: list[list[Any]] = lines) -> None:
            y, x = tm[5] * cm[3] + cm[5], tm[4] * cm[0] + cm[4]
            if re.fullmatch(r"\s*\d+\s*", text) and size * abs(tm[3] * cm[3] or 1) < 8:
                return  # a paragraph number or a note call: not running text
            if not lines or abs(lines[-1][0] - y) > 1:
                lines.append([y, x, ""])
            lines[-1][2] += text

        page.extract_text(visitor_text=visit)
        lines = [line for line in lines if line[2].strip()]
        folio = ""
        if len(lines) > 1 and lines[-1][0] > max(line[0] for line in lines[:-1]):
            tokens = lines.pop()[2].split()
            folio = tokens[-1] if tokens and FOLIO.match(tokens[-1]) else ""
            folio = folio or (tokens[0] if tokens and FOLIO.match(tokens[0]) else "")
        lines.sort(key=lambda line: -line[0])
        pages.append((folio, "\n".join(line[2].strip("\n") for line in lines)))
    return pages


def epub_stream(epub: Path) -> list[tuple[str, str]]:
    """The book's reading order as ("marker", label) and ("text", text) events, notes excluded."""
    events: list[tuple[str, str]] = []
    with zipfile.ZipFile(epub) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
        hrefs = {item.get("id"): item.get("href")
                 for item in opf.iterfind(".//opf:manifest/opf:item", OPF)}
        for ref in opf.iterfind(".//opf:spine/opf:itemref", OPF):
            tree = etree.fromstring(archive.read(f"EPUB/{hrefs[ref.get('idref')]}"))
            walk(tree.find(f"{XHTML}body"), events)
    return events


def walk(element: etree._Element, events: list[tuple[str, str]]) -> None:
    classes = set((element.get("class") or "").split())
    if element.get(EPUB_TYPE) == "pagebreak":
        events.append(("marker", element.get("aria-label") or ""))
    elif not classes & SKIP and element.tag != f"{XHTML}aside":
        if element.text:
            events.append(("text", element.text))
        for child in element:
            if isinstance(child.tag, str):
                walk(child, events)
    if element.tail:
        events.append(("text", element.tail))


def words_after_markers(epub: Path) -> dict[str, list[str]]:
    """Words after each marker; the words of the token just before it under "LABEL<"."""
    events = epub_stream(epub)
    found: dict[str, list[str]] = {}
    before = ""
    for index, (kind, label) in enumerate(events):
        if kind == "text":
            before = (before + label)[-80:]
            continue
        tokens = before.split()
        found[label + "<"] = words(tokens[-1]) if tokens else []  # "Medium-range": both parts
        text = ""
        for later_kind, value in events[index + 1:]:
            if later_kind == "text":
                text += value
                if len(words(text)) > WORDS + 2:
                    break
        found[label] = words(text)
    return found


def page_list(epub: Path) -> list[str]:
    with zipfile.ZipFile(epub) as archive:
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
    lists = [n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "page-list"]
    assert len(lists) == 1
    return [a.text or "" for a in lists[0].iter(f"{XHTML}a")]


def check_page_breaks(built: Built) -> int:
    """Every PDF page has a marker with its folio, followed by the page's first words."""
    pages = pdf_pages(built.pdf)
    labels = page_list(built.epub)
    assert len(labels) == len(pages), (len(labels), len(pages))
    for index, (folio, _text) in enumerate(pages):
        if folio:
            assert labels[index] == folio, f"page {index + 1}: EPUB says {labels[index]}"
    after = words_after_markers(built.epub)
    assert sorted(k for k in after if not k.endswith("<")) == sorted(labels)
    checked = 0
    for index, (_folio, text) in enumerate(pages):
        expected = words(text)
        if not expected:  # blank page, or notes only: its marker precedes the next page's
            continue
        before = after[labels[index] + "<"]
        # The page begins inside a word (hyphenated at the turn) or after the hyphen of a
        # compound ("Medium-|range"): the marker follows the whole word.
        if before and ((before[-1] != expected[0] and before[-1].endswith(expected[0]))
                       or (len(before) > 1 and before[-1] == expected[0])):
            expected = expected[1:]
        got = after[labels[index]]
        count = WORDS
        if ". . ." in text:  # contents: print adds page numbers
            count = 2
        elif "Each dot is one event" in text:  # the chart's own labels are text in the PDF
            count = 1
        assert got[:count] == expected[:count], (
            f"page {labels[index]}: EPUB marker is followed by {' '.join(got[:WORDS])!r}, "
            f"the PDF page begins {' '.join(expected[:WORDS])!r}")
        checked += 1
    return checked


def test_epubcheck_reports_nothing_on_the_reader(reader: Built) -> None:
    assert problems(reader.epub) == []


def test_page_breaks_match_the_pdf_page_by_page(reader: Built) -> None:
    checked = check_page_breaks(reader)
    assert checked >= len(pdf_pages(reader.pdf)) * 2 // 3


def test_page_breaks_match_the_pdf_in_the_tiny_reader(mini: Built) -> None:
    assert check_page_breaks(mini) >= 3


def test_some_page_starts_mid_paragraph(reader: Built) -> None:
    # The exact placement matters only if pages do break inside paragraphs: make sure the
    # reader exercises it (a marker inside a <p>, after some of its text).
    files = reader.epub_files()
    inside = [m for name, text in files.items() if name.endswith(".xhtml")
              for m in re.finditer(r'<p [^>]*id="p-[^"]+"[^>]*>(?:(?!</p>).)*?\w[^<]*'
                                   r'<span epub:type="pagebreak"', text, re.S)]
    assert inside


def test_page_break_markers_are_labelled(reader: Built) -> None:
    files = reader.epub_files()
    markers = [m for name, text in files.items() if name.endswith(".xhtml")
               for m in re.findall(r"<span epub:type=\"pagebreak\"[^>]*>", text)]
    assert markers
    for tag in markers:
        assert 'role="doc-pagebreak"' in tag and re.search(r'aria-label="\w+"', tag), tag


def test_package_metadata(reader: Built) -> None:
    opf = reader.epub_files()["EPUB/content.opf"]
    for expected in (
        '<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.2 Level AA</meta>',
        '<meta property="schema:accessMode">textual</meta>',
        '<meta property="schema:accessModeSufficient">textual</meta>',
        '<meta property="schema:accessibilityHazard">none</meta>',
        '<meta property="schema:accessibilitySummary">',
    ):
        assert expected in opf, expected
    for feature in ("tableOfContents", "readingOrder", "structuralNavigation",
                    "pageBreakMarkers", "pageNavigation", "alternativeText"):
        assert f'<meta property="schema:accessibilityFeature">{feature}</meta>' in opf, feature
    source = re.search(r'<meta property="pageBreakSource">([^<]+)</meta>', opf)
    assert source and "print edition" in source.group(1) and "US Letter" in source.group(1)
    assert 'properties="cover-image"' in opf
    spine = re.findall(r'<itemref idref="([^"]+)"', opf)
    assert spine[0] == "cover"


def test_one_file_per_source_and_part(reader: Built) -> None:
    files = reader.epub_files()
    book = Path(reader.root / "book" / "book.yaml").read_text(encoding="utf-8")
    sources = re.findall(r"^\s+- ([a-z0-9-]+)\s*$", book, re.M)
    assert sources
    for source in sources:
        page = files.get(f"EPUB/src-{source}.xhtml")
        if page is None:
            continue  # a list item that is not a source id
        assert page.count('epub:type="chapter"') == 1
    assert sum(1 for name in files if re.match(r"EPUB/src-.*\.xhtml$", name)) >= 8
    assert "EPUB/part-1.xhtml" in files and "EPUB/cover.xhtml" in files


def test_notes_pop_up_and_return(reader: Built) -> None:
    files = reader.epub_files()
    calls = notes = 0
    for name, text in files.items():
        if not name.endswith(".xhtml"):
            continue
        for note_id in re.findall(r'<a epub:type="noteref"[^>]*href="#([^"]+)"', text):
            calls += 1
            assert f'<aside epub:type="footnote" role="doc-footnote" id="{note_id}"' in text
            assert f'href="#ref-{note_id}" role="doc-backlink"' in text
        notes += text.count('epub:type="footnote"')
    assert calls >= 60 and calls == notes


def test_landmarks_and_glossary_links(reader: Built) -> None:
    files = reader.epub_files()
    nav = files["EPUB/nav.xhtml"]
    landmarks = nav.split('epub:type="landmarks"')[1].split("</nav>")[0]
    for kind in ("cover", "toc", "bodymatter", "glossary", "bibliography"):
        assert f'epub:type="{kind}"' in landmarks, kind
    sources = "".join(t for n, t in files.items() if n.startswith("EPUB/src-"))
    assert re.search(r'class="glossary-term"[^>]*href="glossary.xhtml#gloss-', sources) or \
        re.search(r'href="glossary.xhtml#gloss-[^"]+"[^>]*class="glossary-term"', sources)
    glossary = files["EPUB/glossary.xhtml"]
    for target in re.findall(r'href="(src-[^"#]+\.xhtml)#([^"]+)"', glossary):
        assert f'id="{target[1]}"' in files[f"EPUB/{target[0]}"], target


def test_paragraph_numbers_and_figure(reader: Built) -> None:
    files = reader.epub_files()
    essay = files["EPUB/src-milestones-essay.xhtml"]
    assert re.search(r'<p id="p-milestones-essay-1" class="[^"]*numbered[^"]*">'
                     r'(<span epub:type="pagebreak"[^>]*></span>)?<span class="pnum">1</span>',
                     essay)
    css = files["EPUB/css/epub.css"]
    assert ".pnum" in css and "display: none" not in css.split(".pnum", 1)[1].split("}")[0]
    timeline = files["EPUB/timeline.xhtml"]
    image = re.search(r'<img src="(images/[^"]+\.svg)" alt="([^"]{40,})"', timeline)
    assert image, "timeline figure with alt text"
    assert f"EPUB/{image.group(1)}" in files
    cover = files["EPUB/cover.xhtml"]
    assert re.search(r'<img src="images/cover.svg" alt="Cover: [^"]+"', cover)
    svg = files["EPUB/images/cover.svg"]
    etree.fromstring(svg.encode())
    assert "Cuban Missile Crisis" in svg


@pytest.mark.parametrize("name", ["EPUB/cover.xhtml", "EPUB/nav.xhtml"])
def test_pages_are_well_formed(reader: Built, name: str) -> None:
    etree.fromstring(reader.epub_files()[name].encode())


@pytest.mark.parametrize(("text", "offset", "starts_at"), [
    ("at DEFCON 2\u2014meaning war", 9, "meaning war"),  # a page may begin after a dash
    ("one\u2013two", 3, "two"),
    ("Medium-range missiles", 7, "missiles"),  # a compound broken at its hyphen: after it
    ("he said \u201cQuote\u201d", 6, "\u201cQuote\u201d"),  # opening quote goes with the page
    ("a hyph-enated word", 5, "word"),  # inside a split word: the marker follows the word
    ("plain words", 5, "words"),
])
def test_page_marker_position_in_running_text(text: str, offset: int, starts_at: str) -> None:
    from readerkit.formats.page_markers import _position

    assert text[_position(text, offset):] == starts_at

