"""References as a historian reads them: rendered by citeproc (Chicago notes-bibliography),
LaTeX decoded, protected case kept, URLs never hyphenated, in the PDF and the EPUB.

The pure helpers are tested table by table; then the tiny reader with a bibliography full of
what BibTeX makes hard (tests/fixtures/citations over tests/fixtures/mini) is built once, and
its PDF text and EPUB XHTML are read as an editor would; then the project's own reader.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import MINI, Built, copy_reader, run_build
from lxml import etree

from readerkit.load.bibcheck import (
    case_changes,
    inner_title_starts,
    pandoc_bib_error,
    real_date,
    top_level_split,
)
from readerkit.render.citations import cut_short_form, style_text
from readerkit.render.urlbreak import break_urls, url_pieces
from readerkit.stylefiles import DEFAULT_STYLES

CITATIONS = Path(__file__).resolve().parent / "fixtures" / "citations"
XHTML = {"x": "http://www.w3.org/1999/xhtml"}
LONG_URL = ("https://www.example.org/history/broad-street/"
            "the-pump-handle-and-the-cholera-map-of-1854.html")


# --- pure helpers, table by table ------------------------------------------------------------

@pytest.mark.parametrize(("url", "pieces"), [
    # after a slash (a double slash kept whole), before a dot, hyphen, underline...
    ("https://a.org/b-c", ["https://", "a", ".org/", "b", "-c"]),
    ("https://history.state.gov/x_y", ["https://", "history", ".state", ".gov/", "x", "_y"]),
    ("http://a.org/p?q=1&r=2#s", ["http://", "a", ".org/", "p", "?q", "=", "1", "&", "r", "=",
                                 "2", "#s"]),
    ("https://a.org/", ["https://", "a", ".org/"]),
    ("doi:10.1000/182", ["doi:", "10", ".1000/", "182"]),
])
def test_url_pieces_are_where_chicago_lets_a_url_break(url: str, pieces: list[str]) -> None:
    assert url_pieces(url) == pieces
    assert "".join(pieces) == url


@pytest.mark.parametrize(("html", "expected"), [
    ('<a href="https://a.org/b">https://a.org/b</a>',
     '<a href="https://a.org/b" class="url"><span class="url-piece">https://</span><wbr></wbr>'
     '<span class="url-piece">a</span><wbr></wbr><span class="url-piece">.org/</span><wbr></wbr>'
     '<span class="url-piece">b</span></a>'),
    # Pandoc's autolink (<https://...>) keeps its class
    ('<a href="https://a.org" class="uri">https://a.org</a>',
     '<a href="https://a.org" class="uri url"><span class="url-piece">https://</span><wbr></wbr>'
     '<span class="url-piece">a</span><wbr></wbr><span class="url-piece">.org</span></a>'),
    # a link whose text is words, not its address, is left alone
    ('<a href="https://a.org/b">the page</a>', '<a href="https://a.org/b">the page</a>'),
    ("no links at all", "no links at all"),
])
def test_break_urls(html: str, expected: str) -> None:
    assert break_urls(html) == expected
    assert break_urls(expected) == expected  # idempotent


@pytest.mark.parametrize(("text", "real"), [
    ("1962", True), ("1962-10", True), ("1962-10-22", True), ("1962-10-16/1962-10-28", True),
    ("1962/", True), ("1962-02-29", False), ("1918-13-30", False), ("1962-10-32", False),
    ("22 October 1962", False), ("", False), ("1962-10-22/1962-13-01", False),
])
def test_real_date(text: str, real: bool) -> None:
    assert real_date(text) is real


@pytest.mark.parametrize(("value", "parts"), [
    ("Burr, William and Nuti, Leopoldo", ["Burr, William", "Nuti, Leopoldo"]),
    ("{Library and Museum}", ["{Library and Museum}"]),
    ("{A and B} and C", ["{A and B}", "C"]),
    ("Sandberg", ["Sandberg"]),
])
def test_top_level_split(value: str, parts: list[str]) -> None:
    assert top_level_split(value) == parts


@pytest.mark.parametrize(("written", "printed", "changes"), [
    ("John F. Kennedy", "Coleman, “John f. Kennedy.”", [("F.", "f.")]),
    ("Introduction to The Recordings", "Introduction to the Recordings", [("The", "the")]),
    # Chicago lowercases prepositions and conjunctions inside a title: not a problem
    ("Letter From Chairman Khrushchev", "“Letter from Chairman Khrushchev.”", []),
    ("a memoir of the crisis", "A Memoir of the Crisis", []),
    ("de Gaulle's iPhone", "De Gaulle's IPhone", [("de", "De"), ("iPhone", "IPhone")]),
    ("Khrushchev's Communication", "Khrushchev’s Communication", []),
    ("Not in the entry", "Something else", []),
])
def test_case_changes(written: str, printed: str, changes: list[tuple[str, str]]) -> None:
    assert case_changes(written, printed) == changes


@pytest.mark.parametrize(("raw", "printed", "changes"), [
    # a small word that begins a title inside the title keeps its capital
    (r"Reading \emph{On the Mode of Communication}", "Reading on the Mode of Communication",
     [("On", "on")]),
    ("Notes on ``The Ghost'' Pump", "Notes on ‘the Ghost’ Pump", [("The", "the")]),
    (r"Reading {\emph{On the Mode}}", "Reading On the Mode", []),  # protected: kept
])
def test_case_changes_at_inner_titles(raw: str, printed: str,
                                      changes: list[tuple[str, str]]) -> None:
    written = raw.replace("\\emph", "").replace("{", "").replace("}", "").replace(
        "``", "“").replace("''", "”")
    assert case_changes(written, printed, inner_title_starts(raw)) == changes


@pytest.mark.parametrize(("cluster", "short"), [
    ("Dobbs, <em>One Minute</em>; <em>Zqxreaderkitseparator</em>.",
     "Dobbs, <em>One Minute</em>"),
    ("Smith, “Notes, Inc.”; <em>Zqxreaderkitseparator</em>.", "Smith, “Notes, Inc.”"),
    ("no separator here", ""),
])
def test_cut_short_form(cluster: str, short: str) -> None:
    assert cut_short_form(cluster) == short


@pytest.mark.parametrize(("message", "located"), [
    ("Error reading bibliography file /r/bibliography.bib:\n(line 4, column 3):\n"
     "unexpected 'p'", (4, 3, "unexpected 'p'")),
    ('Error at "bibliography.bib" (line 12, column 22):\nunexpected \'H\'\n  title = ...',
     (12, 22, "unexpected 'H'")),
    ("Error at (line 3, column 1): unexpected end of input", None),  # the Markdown's own
])
def test_pandoc_bib_error(message: str, located: tuple[int, int, str] | None) -> None:
    assert pandoc_bib_error(message) == located


def test_the_style_is_chicago_notes_bibliography_with_notes_printed() -> None:
    style = etree.fromstring(style_text())
    ns = {"c": "http://purl.org/net/xbiblio/csl"}
    assert style.xpath("string(//c:info/c:title)", namespaces=ns).startswith(
        "Chicago Manual of Style 18th edition (notes and bibliography)")
    macro = style.xpath('//c:macro[@name="bibliography-notes"]', namespaces=ns)[0]
    assert len(macro.xpath('.//c:text[@variable="note"]', namespaces=ns)) == 2


# --- the tiny reader with a hard bibliography, built once --------------------------------------

@pytest.fixture(scope="module")
def citing(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = copy_reader(MINI, tmp_path_factory.mktemp("citations") / "reader")
    shutil.copytree(CITATIONS, root, dirs_exist_ok=True)
    done = run_build("all", "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert "B0" not in done.stderr  # the fixture's BibTeX is clean: no B-code warnings
    return Built(root, root / "dist" / "pump-reader.pdf", root / "dist" / "pump-reader.epub")


def _texts(xhtml: str, xpath: str) -> list[str]:
    tree = etree.fromstring(xhtml.encode())
    return [" ".join("".join(node.itertext()).split()) for node in tree.xpath(xpath,
                                                                             namespaces=XHTML)]


def _prose(pdf_text: str) -> str:
    """PDF text as one line: hyphenated line ends joined, other line ends made spaces."""
    return " ".join(pdf_text.replace("\u2010\n", "").split())


# en-GB reader: the style's British punctuation (single quotes, "edn").
BIBLIOGRAPHY = [
    "Board of Health and Sanitation, Test City. ‘Report on the Pump at Broad Street’. Test "
    "Journal of Public Health 3, no. 2 (1856): 101–19.",
    "Durand, Émile, ed. Collected Papers on Water. Vol. 2, Pumps and Wells. Test Press, 1999. "
    "Reprinted for the test reader.",
    "Editor, Test. The Pump Handle. 2026. Written for this test reader.",
    "Müller, Anna, and Émile Durand. Maps and Cholera: The ‘Ghost’ Pump of Broad Street, "
    "1854–1855. Test Press, 2001.",
    "Snow, John. ‘Letter to the Editor on the Pump Handle’. In Collected Papers on Water, vol. "
    "2, Pumps and Wells, edited by Émile Durand. Test Press, 1999. Document 12.",
    "Snow, John. On the Mode of Communication of Cholera. 2nd edn. John Churchill, 1855.",
    f"Test City Water Company. ‘The Broad Street Pump Today’. Accessed 1 May 2024. {LONG_URL}. "
    "Captured for the test reader; see its sources folder.",
]
TIMELINE = [  # date order: 31 August, then 8 September
    "Sources: Snow, On the Mode of Communication of Cholera; Board of Health and Sanitation, "
    "Test City, ‘Report on the Pump at Broad Street’; Test City Water Company, ‘The Broad Street "
    "Pump Today’; Durand, Collected Papers on Water, vol. 2",
    "Sources: Snow, On the Mode of Communication of Cholera; On the Mode of Communication of "
    "Cholera (excerpt); Müller and Durand, Maps and Cholera; Snow, ‘Letter to the Editor on the "
    "Pump Handle’",
]


def test_epub_bibliography_is_citeprocs_chicago(citing: Built) -> None:
    page = citing.epub_files()["EPUB/bibliography.xhtml"]
    assert _texts(page, '//x:p[@class="bib-entry"]') == BIBLIOGRAPHY
    # \emph{Cholera} is an emphasis inside the italic title: the styles set it roman, as
    # Chicago sets a title within an italic title
    assert "<em>Maps and <em>Cholera</em>: The" in page
    for css in ("print.css", "epub.css"):
        assert "em em { font-style: normal; }" in (DEFAULT_STYLES / css).read_text()


def test_timeline_short_forms_are_chicagos_subsequent_notes(citing: Built) -> None:
    page = citing.epub_files()["EPUB/timeline.xhtml"]
    assert _texts(page, '//x:span[@class="timeline-sources"]') == TIMELINE
    links = etree.fromstring(page.encode()).xpath(
        '//x:span[@class="timeline-sources"]/x:a/@href', namespaces=XHTML)
    assert "bibliography.xhtml#bib-muller2001" in links
    assert "<em>Maps and" in page  # the short title keeps the book's italics


def test_notes_and_glossary_cite_through_citeproc(citing: Built) -> None:
    files = citing.epub_files()
    notes = _texts(files["EPUB/src-snow-letter.xhtml"], "//x:aside")
    assert any("Anna Müller and Émile Durand, Maps and Cholera: The ‘Ghost’ Pump of Broad "
               "Street, 1854–1855 (Test Press, 2001), 12–14" in note for note in notes)
    assert any("John Snow, ‘Letter to the Editor on the Pump Handle’, in Collected Papers on "
               "Water, vol. 2, Pumps and Wells, ed. Émile Durand (Test Press, 1999)" in note
               for note in notes)
    glossary = _texts(files["EPUB/glossary.xhtml"], "//x:dd")
    assert glossary[0] == (
        "An intestinal infection spread by contaminated water (Board of Health and "
        "Sanitation, Test City, ‘Report on the Pump at Broad Street’, Test Journal of Public "
        "Health 3, no. 2 (1856): 104–5).")


def test_no_bibtex_markup_reaches_the_reader(citing: Built) -> None:
    texts = [" ".join(etree.fromstring(content.encode()).itertext())
             for name, content in citing.epub_files().items() if name.endswith(".xhtml")]
    for text in [*texts, citing.pdf_text()]:
        assert not re.search(r"\\[A-Za-z]|[{}]|``|''", text)


def test_pdf_prints_every_reference_with_its_parts(citing: Built) -> None:
    # Compared without white space (the PDF's lines end anywhere, URLs included) and without
    # the printed page references of the timeline's excerpt links.
    text = "".join(re.sub(r", p\.\s?\d+", "", _prose(citing.pdf_text())).split())
    cited = [  # in a footnote, and in the glossary
        "Anna Müller and Émile Durand, Maps and Cholera: The ‘Ghost’ Pump of Broad Street, "
        "1854–1855 (Test Press, 2001), 12–14",
        "(Board of Health and Sanitation, Test City, ‘Report on the Pump at Broad Street’, Test "
        "Journal of Public Health 3, no. 2 (1856): 104–5)",
    ]
    for entry in [*BIBLIOGRAPHY, *TIMELINE, *cited]:
        assert "".join(entry.split()) in text, entry


def test_a_long_url_breaks_without_a_hyphen(citing: Built) -> None:
    raw = citing.pdf_text()
    start = raw.index("https://www.example.org")
    printed = raw[start:start + len(LONG_URL) + 10]
    assert "\u2010" not in printed and "\u00ad" not in printed  # no hyphen was added
    assert "\n" in printed  # it did need a line break...
    lines = printed.split("\n")
    # ...and the break is one Chicago allows: after a slash, or before a dot or a hyphen
    assert lines[0].endswith("/") or lines[1][:1] in ".-_"
    assert "".join(printed.split())[:len(LONG_URL)] == LONG_URL
    link = etree.fromstring(citing.epub_files()["EPUB/bibliography.xhtml"].encode()).xpath(
        '//x:a[@class="url"]', namespaces=XHTML)[0]
    assert link.get("href") == LONG_URL and "".join(link.itertext()) == LONG_URL


# --- the project's own reader ------------------------------------------------------------------

def test_the_readers_references(reader: Built) -> None:
    files = reader.epub_files()
    bibliography = " ".join(_texts(files["EPUB/bibliography.xhtml"], '//x:p[@class="bib-entry"]'))
    timeline = " ".join(_texts(files["EPUB/timeline.xhtml"], '//x:span[@class="timeline-sources"]'))
    for wrong in ("\\emph", "Library; Museum", "Security; Nonproliferation", "John f. Kennedy",
                  "to the Presidential"):
        assert wrong not in bibliography + timeline, wrong
    assert ("Sampson, Charles S., ed. Foreign Relations of the United States, 1961–1963. Vol. 6, "
            "Kennedy-Khrushchev Exchanges.") in bibliography
    # short forms are Chicago's subsequent-note forms: a volume of a multi-volume work, a book
    assert "Sampson, Foreign Relations of the United States, 1961–1963, vol. 6" in timeline
    assert "Dobbs, One Minute to Midnight" in timeline
    # a bibliography note says where a capture came from
    assert "(sources/raw/milestones-cuban-missile-crisis.txt)" in bibliography
    pdf = reader.pdf_text()
    urls = re.findall(r"https?://\S+(?:\n\S+)*", pdf)
    assert urls and not any("\u2010" in url for url in urls)
