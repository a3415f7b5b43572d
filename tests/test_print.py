"""The print edition as a book: folios, running heads, contents, outline, notes, cross-references,
page sizes, print-shop boxes, PDF/UA tagging, embedded fonts and the timeline chart.

Checked on real output: the PDFs the build writes (pypdf) and, where the PDF cannot tell (which
page a note call sits on), WeasyPrint's laid-out pages.
"""

from __future__ import annotations

import pickle
import re
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import Built, print_html, run_build

from readerkit.render import timeline_chart

POINTS_PER_INCH = 72
MM = 72 / 25.4
ROMAN = re.compile(r"^[ivxlc]+$")


# ---------------------------------------------------------------- helpers


def pages_of(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(pdf).pages]


def last_line(text: str) -> str:
    lines = [line for line in text.strip().split("\n") if line.strip()]
    return lines[-1].strip() if lines else ""


def printed_folio(text: str, index: int) -> str | None:
    """The folio printed on a page: the margin boxes come last in the extracted text, the folio
    first on a verso ("14 Narratives"), last on a recto ("Glossary 35")."""
    line = last_line(text)
    if not line:
        return None
    token = line.split()[0] if index % 2 == 1 else line.split()[-1]
    return token if re.fullmatch(r"\d+|[ivxlc]+", token) else None


def is_opener(text: str) -> bool:
    return bool(re.match(r"\s*Part \d+\n", text))


def body_start(texts: list[str]) -> int:
    return next(i for i, t in enumerate(texts) if t.lstrip().startswith("Introduction\n"))


def expected_labels(texts: list[str]) -> list[str]:
    from readerkit.formats.print import folios

    return folios.page_labels(len(texts), body_start(texts))


def walk_outline(items: list[Any], depth: int = 0) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for item in items:
        if isinstance(item, list):
            out += walk_outline(item, depth + 1)
        else:
            out.append((depth, item.title))
    return out


def in_process_layout(root: Path, page_size: str = "letter", edition: str = "student") -> Any:
    from readerkit.cache import Cache
    from readerkit.formats.print.html import print_html
    from readerkit.formats.print.paginate import Paginator
    from readerkit.pipeline import assemble_book, load_checked
    from readerkit.render import editions

    project, diags = load_checked(root)
    book = assemble_book(project, diags)
    if edition == editions.INSTRUCTOR:
        book = editions.instructor_book(book, project)
    paginator = Paginator(project, print_html(book), page_size=page_size, print_shop=False,
                          store=Cache(root / ".cache", enabled=False), style_digest="")
    return paginator.paginate(need_pages=True)


def note_positions(document: Any) -> tuple[dict[str, int], dict[str, int]]:
    """Page of every footnote call and of every footnote body (note id -> 0-based page)."""
    from weasyprint.formatting_structure import boxes

    def walk(box: Any) -> Any:
        yield box
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    calls: dict[str, int] = {}
    bodies: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for box in walk(page._page_box):
            footnote = getattr(box, "footnote", None)
            if footnote is not None and footnote.element is not None:
                calls.setdefault(footnote.element.get("id"), index)
            if isinstance(box, boxes.FootnoteAreaBox):
                for inner in walk(box):
                    element = getattr(inner, "element", None)
                    if (element is not None and element.get("id")
                            and "footnote" in (element.get("class") or "").split()):
                        bodies.setdefault(element.get("id"), index)
    return calls, bodies


@pytest.fixture(scope="module")
def reader_layout() -> Any:
    from conftest import REPO

    return in_process_layout(REPO)


# ---------------------------------------------------------------- folios and running heads


def test_folios_roman_in_front_matter_then_arabic_from_one(reader: Built) -> None:
    texts = reader.pdf_pages()
    labels = expected_labels(texts)
    start = body_start(texts)
    assert labels[:3] == ["i", "ii", "iii"] and labels[start] == "1"
    checked = 0
    for index, text in enumerate(texts):
        folio = printed_folio(text, index)
        if index > 0 and not is_opener(text) and folio is not None:
            assert folio == labels[index], f"page {index + 1}: {folio}, not {labels[index]}"
            checked += 1
    assert checked > len(texts) // 2
    assert all(ROMAN.match(label) for label in labels[:start])


def test_page_labels_match_the_printed_folios(reader: Built, reader_layout: Any) -> None:
    texts = reader.pdf_pages()
    assert reader_layout.pages == len(texts)
    assert reader_layout.page_labels == expected_labels(texts)
    assert reader_layout.anchor_pages["body-matter"] == body_start(texts)


def test_no_folio_or_running_head_on_title_opener_and_blank_pages(reader: Built) -> None:
    texts = reader.pdf_pages()
    assert last_line(texts[0]).startswith("First edition")  # no folio after it
    openers = [i for i, t in enumerate(texts) if is_opener(t)]
    assert len(openers) == 3
    for index in openers:
        assert index % 2 == 0, "part openers are rectos"
        assert printed_folio(texts[index], index) is None
        assert "Documents" not in last_line(texts[index]) or index == openers[0]
    blanks = [i for i, t in enumerate(texts) if not t.strip()]
    assert blanks, "the reader has blank versos before rectos"
    assert all(i % 2 == 1 for i in blanks)


def test_the_page_map_is_plain_picklable_data(reader_layout: Any) -> None:
    """What the print layout hands the other formats holds no WeasyPrint object."""
    from readerkit.pagemap import PageMap

    page_map = reader_layout.page_map()
    assert type(page_map) is PageMap
    restored = pickle.loads(pickle.dumps(page_map))
    assert restored == page_map
    assert restored.page_labels == reader_layout.page_labels
    assert restored.anchor_pages == reader_layout.anchor_pages
    assert restored.paper == "US Letter"


def test_parts_sources_and_appendices_open_on_rectos(reader_layout: Any) -> None:
    anchors = reader_layout.anchor_pages
    starts = {a: i for a, i in anchors.items()
              if a.startswith(("src-", "part-")) or a in ("introduction", "timeline", "glossary",
                                                          "bibliography", "contents")}
    assert len(starts) == 8 + 3 + 5
    assert {a: i for a, i in starts.items() if i % 2 == 1} == {}


def test_running_heads(reader: Built) -> None:
    texts = reader.pdf_pages()
    title = "The Cuban Missile Crisis"
    # A verso inside Part 2 names the part; a recto names its source (short title).
    narr = next(i for i, t in enumerate(texts)
                if t.lstrip().startswith("Secondary source\nThe Cuban"))
    assert last_line(texts[narr + 1]).endswith("Narratives")
    folio = narr + 2 - body_start(texts) + 1
    assert last_line(texts[narr + 2]) == f"The Cuban Missile Crisis, October 1962 {folio}"
    # The opening page of a source carries only its folio.
    assert re.fullmatch(r"\d+", last_line(texts[narr]))
    # In the appendices the verso carries the book title, never the last source's.
    glossary = next(i for i, t in enumerate(texts) if t.lstrip().startswith("Glossary\n"))
    verso = glossary + 1 if (glossary + 1) % 2 == 1 else glossary + 2
    assert last_line(texts[verso]).endswith(title)
    assert last_line(texts[glossary + 2]).startswith("Glossary ")


# ---------------------------------------------------------------- contents and outline


def test_contents_page_numbers_are_the_real_pages(reader: Built, reader_layout: Any) -> None:
    texts = reader.pdf_pages()
    labels = expected_labels(texts)
    toc = re.sub(r"\s*\n\s*", " ", next(t for t in texts if t.lstrip().startswith("Contents\n")))

    def toc_number(title: str) -> str | None:
        match = re.search(re.escape(title) + r".*?(?:\. ?){4,}\s*(\d+)", toc)
        return match.group(1) if match else None

    openings = {}
    for index, text in enumerate(texts):
        match = re.match(r"\s*(?:Primary source|Secondary source|Attributed words, not a document)"
                         r"\n(.+)", text)
        if match:
            openings[match.group(1).split(" (")[0].strip()] = labels[index]
    assert len(openings) == 8
    for source_title, label in openings.items():
        assert toc_number(source_title) == label, source_title
    for name in ("Introduction", "Timeline", "Glossary", "Bibliography"):
        page = reader_layout.anchor_pages[name.lower()]
        assert toc_number(name) == labels[page], name


def test_outline_has_parts_sources_and_appendices(reader: Built) -> None:
    outline = walk_outline(pypdf.PdfReader(reader.pdf).outline)
    top = [title for depth, title in outline if depth == 0]
    assert top == ["Contents", "Abbreviations", "Introduction", "Part 1. Documents",
                   "Part 2. Narratives", "Part 3. Aftermath and Memory", "Timeline", "Glossary",
                   "Further reading", "Bibliography", "Index"]
    second = [title for depth, title in outline if depth == 1]
    sources = [title for title in second if title != "Questions for discussion"]
    assert len(sources) == 8
    assert len(second) - len(sources) == 3  # each part closes with its questions
    assert "Triumph of diplomacy: The Cuban missile crisis" in sources


def test_internal_links_point_inside_the_document(mini: Built) -> None:
    reader = pypdf.PdfReader(mini.pdf)
    links = [annot.get_object() for page in reader.pages for annot in page.get("/Annots", [])
             if annot.get_object().get("/Subtype") == "/Link"]
    internal = [link for link in links if "/Dest" in link or
                link.get("/A", {}).get("/S") == "/GoTo"]
    assert len(internal) >= 6  # contents entries, glossary links, cross-references


# ---------------------------------------------------------------- notes and cross-references


@pytest.mark.parametrize("page_size", ["letter", "a4", "trade"])
def test_every_note_sits_on_the_page_of_its_call(mini_root: Path, page_size: str) -> None:
    layout = in_process_layout(mini_root, page_size)
    calls, bodies = note_positions(layout.document)
    assert calls and set(calls) == set(bodies)
    assert {k: (calls[k], bodies[k]) for k in calls if calls[k] != bodies[k]} == {}


@pytest.mark.parametrize("edition", ["student", "instructor"])
def test_every_note_of_the_reader_sits_on_the_page_of_its_call(reader_layout: Any,
                                                                edition: str) -> None:
    from conftest import REPO

    # The teaching notes are in neither edition's flow: the same 77 notes in both
    # (the notes, and the citations of the notes and headnotes).
    layout = reader_layout if edition == "student" else in_process_layout(REPO, edition=edition)
    calls, bodies = note_positions(layout.document)
    assert len(calls) == 77
    assert {k: (calls[k], bodies.get(k)) for k in calls if calls[k] != bodies.get(k)} == {}


def _refs_in_order(section_html: str, pattern: str) -> list[str]:
    return re.findall(pattern, section_html)


def _section_text(texts: list[str], start: int, end: int) -> str:
    return re.sub(r"\s+", " ", "\n".join(texts[start:end]))


def test_glossary_and_timeline_page_references_are_right(reader: Built,
                                                          reader_layout: Any) -> None:
    from conftest import REPO

    html = print_html(REPO)
    texts = reader.pdf_pages()
    labels, anchors = reader_layout.page_labels, reader_layout.anchor_pages
    glossary_html = html[html.index('id="glossary"'):html.index('id="bibliography"')]
    use_ids = re.findall(r'<a href="#(use-[^"]+)" class="use-ref"', glossary_html)
    expected = [labels[anchors[use_id]] for use_id in use_ids]
    glossary_text = _section_text(texts, anchors["glossary"], anchors["bibliography"])
    printed = re.findall(r"Used in: (.*?\d)\.(?: |$)", glossary_text)
    numbers = [n for chunk in printed for n in re.findall(r", p\. (\d+)", chunk)]
    assert numbers == expected
    timeline_html = html[html.index('id="timeline"'):html.index('id="glossary"')]
    targets = re.findall(r'data-page-ref="(src-[^"]+)"', timeline_html)
    expected = [labels[anchors[target]] for target in targets]
    timeline_text = _section_text(texts, anchors["timeline"], anchors["glossary"])
    numbers = re.findall(r", p\. (\d+)", timeline_text)
    assert numbers == expected
    assert len(expected) > 5


# ---------------------------------------------------------------- page geometry


@pytest.mark.parametrize(("size", "width", "height"), [
    ("letter", 8.5 * POINTS_PER_INCH, 11 * POINTS_PER_INCH),
    ("a4", 210 * MM, 297 * MM),
    ("trade", 6 * POINTS_PER_INCH, 9 * POINTS_PER_INCH),
])
def test_page_sizes(mini_pdfs: dict[str, Path], size: str, width: float, height: float) -> None:
    for page in pypdf.PdfReader(mini_pdfs[size]).pages:
        assert float(page.mediabox.width) == pytest.approx(width, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(height, abs=0.5)


def test_book_yaml_page_size_is_used(tmp_path: Path, mini_root: Path) -> None:
    from conftest import copy_reader

    root = copy_reader(mini_root, tmp_path / "reader")
    book = root / "book" / "book.yaml"
    text = book.read_text(encoding="utf-8")
    book.write_text(re.sub(r"^page_size: .*$", "page_size: trade", text, flags=re.M),
                    encoding="utf-8")
    done = run_build("pdf", "--root", str(root))
    assert done.returncode == 0, done.stderr
    page = pypdf.PdfReader(root / "dist" / "pump-reader.pdf").pages[0]
    assert float(page.mediabox.width) == pytest.approx(6 * POINTS_PER_INCH, abs=0.5)


def test_print_shop_adds_bleed_and_crop_marks(mini_pdfs: dict[str, Path]) -> None:
    plain = pypdf.PdfReader(mini_pdfs["letter"]).pages[0]
    shop = pypdf.PdfReader(mini_pdfs["shop"]).pages[0]
    bleed = 3 * MM
    assert float(shop.trimbox.width) == pytest.approx(8.5 * POINTS_PER_INCH, abs=0.5)
    assert float(shop.bleedbox.width) >= float(shop.trimbox.width) + 2 * bleed - 0.5
    assert float(shop.mediabox.width) >= float(shop.trimbox.width) + 2 * bleed - 0.5
    assert float(plain.mediabox.width) == pytest.approx(8.5 * POINTS_PER_INCH, abs=0.5)


def test_every_page_size_book_yaml_accepts_has_its_paper() -> None:
    from readerkit.formats.print import pagecss
    from readerkit.model import PAGE_SIZES

    assert tuple(pagecss.PAPERS) == PAGE_SIZES


def test_mirrored_margins_put_the_gutter_inside(mini_root: Path) -> None:
    from readerkit.formats.print import pagecss

    css = pagecss.page_css("letter")
    right = re.search(r"@page :right \{ margin: (\S+) (\S+) (\S+) (\S+);", css)
    left = re.search(r"@page :left \{ margin: (\S+) (\S+) (\S+) (\S+);", css)
    assert right and left
    assert right.group(4) == left.group(2)  # inner: left on a recto, right on a verso
    assert right.group(2) == left.group(4)
    assert float(right.group(4).rstrip("in")) > float(right.group(2).rstrip("in"))


# ---------------------------------------------------------------- accessibility and fonts


def test_pdf_is_tagged_pdf_ua_with_title_and_language(mini: Built) -> None:
    reader = pypdf.PdfReader(mini.pdf)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert reader.metadata is not None and reader.metadata.title == "A Pump on Broad Street"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    assert "pdfuaid" in xmp
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def _fonts(reader: pypdf.PdfReader) -> list[Any]:
    fonts = []
    for page in reader.pages:
        resources = page.get("/Resources", {})
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            fonts += [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
    return fonts


def test_every_font_is_embedded(mini: Built) -> None:
    fonts = _fonts(pypdf.PdfReader(mini.pdf))
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font


def test_book_face_with_true_small_caps_when_installed(reader: Built) -> None:
    from readerkit.formats.print import pagecss

    if not pagecss.font_available(pagecss.BOOK_FONT):
        pytest.skip("EB Garamond is not installed (make fonts)")
    names = {str(f.get("/BaseFont")) for f in _fonts(pypdf.PdfReader(reader.pdf))}
    assert any("EB-Garamond" in name for name in names), names
    text = reader.pdf_text()
    assert "Context." in text and "contExt" not in text and "Primary source" in text


# ---------------------------------------------------------------- the timeline chart


def _struct_elements(reader: pypdf.PdfReader, kind: str) -> list[Any]:
    found: list[Any] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == kind:
                found.append(node)
            if "/K" in node:
                walk(node["/K"])
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_headings_are_tagged(mini: Built) -> None:
    reader = pypdf.PdfReader(mini.pdf)
    assert _struct_elements(reader, "/H1") and _struct_elements(reader, "/H2")


def _event(day: str, text: str, series: dict[str, int] | None = None) -> Any:
    class Event:
        date = day
        event = text

    Event.series = series  # type: ignore[attr-defined]
    return Event()


def test_timeline_svg_is_standalone_accessible_and_pure() -> None:
    events = [timeline_chart.ChartEvent(date(1962, 10, d), f"event {d}") for d in (16, 22, 24, 28)]
    levels = [timeline_chart.LevelChange(date(1962, 10, 22), 3),
              timeline_chart.LevelChange(date(1962, 10, 24), 2)]
    svg = timeline_chart.timeline_svg(events, levels, title="Thirteen days")
    assert svg == timeline_chart.timeline_svg(events, levels, title="Thirteen days")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ')
    assert "<title id=\"chart-title\">Thirteen days</title>" in svg
    assert "DEFCON 3 from 22 October 1962" in svg and "DEFCON 2 from 24 October 1962" in svg
    assert svg.count("<circle") == len(events) + len(levels)
    from lxml import etree

    etree.fromstring(svg.encode())  # well-formed XML, usable as an EPUB image file


def test_chart_comes_from_content_series_and_only_then() -> None:
    plain = [_event("1962-10-22", "A"), _event("1962-10-24", "B")]
    assert timeline_chart.chart_for(plain) is None
    marked = [_event("1962-09-04", "far before"), _event("1962-10-16", "shown"),
              _event("1962-10-22", "up", {"ALERT": 3}), _event("1962-10-24", "up", {"ALERT": 2}),
              _event("1962-10-28", "end"), _event("1962-11-20", "far after")]
    chart = timeline_chart.chart_for(marked)
    assert chart is not None
    assert (chart.first, chart.last) == (date(1962, 10, 16), date(1962, 10, 28))
    assert chart.series == "ALERT" and "ALERT 2" in chart.svg


def test_chart_draws_each_named_line_with_a_legend() -> None:
    marked = [_event("1962-10-16", "shown"),
              _event("1962-10-22", "up", {"ALERT: Bombers": 3, "ALERT: the others": 3}),
              _event("1962-10-24", "bombers up", {"ALERT: Bombers": 2}),
              _event("1962-10-28", "end")]
    chart = timeline_chart.chart_for(marked)
    assert chart is not None
    assert chart.series == "ALERT" and chart.lines == ("Bombers", "the others")
    from lxml import etree

    svg = etree.fromstring(chart.svg.encode())
    ns = {"s": "http://www.w3.org/2000/svg"}
    steps = svg.findall("s:path", ns)
    assert [p.get("stroke-dasharray") for p in steps] == [None, "6 3"]  # solid, then dashed
    heights = [{float(point.split(",")[1]) for point in re.findall(r"[\d.]+,[\d.]+", p.get("d"))}
               for p in steps]
    assert len(heights[0]) == 2 and len(heights[1]) == 1  # only the bombers' line steps up
    texts = [t.text for t in svg.findall("s:text", ns)]
    assert "Bombers" in texts and "the others" in texts  # the legend
    assert texts.count("ALERT 3, 22 Oct") == 1  # one label where both lines change together
    desc = svg.find("s:desc", ns).text
    assert "Bombers: ALERT 2 from 24 October 1962" in desc
    assert "the others: ALERT 3 from 22 October 1962" in desc
    assert "the others: ALERT 2" not in desc
    assert "Bombers (solid line) and the others (dashed line)" in chart.caption
    assert "one step line each for Bombers and the others" in chart.alt


def test_the_reader_prints_its_defcon_chart_with_alt_text(reader: Built, mini_root: Path) -> None:
    from conftest import REPO

    html = print_html(REPO)
    timeline = html[html.index('id="timeline"'):html.index('id="glossary"')]
    assert '<figure class="timeline-figure"' in timeline and "<svg" in timeline
    # SAC and the other forces are separate lines: only SAC went to DEFCON 2
    assert "Strategic Air Command: DEFCON 3 from 22 October 1962" in timeline
    assert "other U.S. forces: DEFCON 3 from 22 October 1962" in timeline
    assert "Strategic Air Command: DEFCON 2 from 24 October 1962" in timeline
    assert "other U.S. forces: DEFCON 2" not in timeline
    text = reader.pdf_text()
    assert "Strategic Air Command (solid line) and other U.S. forces (dashed line)" in " ".join(
        text.split())
    epub = reader.epub_files()
    assert "other U.S. forces" in epub["EPUB/images/timeline.svg"]
    figures = _struct_elements(pypdf.PdfReader(reader.pdf), "/Figure")
    assert [str(f.get("/Alt")) for f in figures] == [
        "14–30 October 1962: events and DEFCON level"]
    mini_html = print_html(mini_root)
    assert "<svg" not in mini_html  # no series in its timeline: no chart


def test_remembered_page_references_follow_added_pages() -> None:
    import pydyf

    from readerkit.formats.print import pdf

    document = pydyf.PDF()
    for _ in range(3):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
        remembered = document.page_references
        assert remembered == pdf._ALL_PAGE_REFERENCES.fget(document)
        assert len(remembered) == len(document.pages["Kids"]) // 3


def test_pdf_viewers_show_the_printed_folios(reader: Built, reader_layout: Any) -> None:
    labels = pypdf.PdfReader(reader.pdf).page_labels
    assert labels == reader_layout.page_labels
    assert labels[:2] == ["i", "ii"] and labels[reader_layout.anchor_pages["body-matter"]] == "1"


@pytest.mark.parametrize(("lang", "paper"), [
    ("en-US", "letter"), ("en-CA", "letter"), ("fr-CA", "letter"), ("en-GB", "a4"),
    ("de-DE", "a4"), ("es-419", "a4"), ("zh-Hant-TW", "a4"), ("en", "letter"),
])
def test_default_page_size_follows_the_language_region(lang: str, paper: str) -> None:
    from readerkit.model import default_page_size

    assert default_page_size(lang) == paper
