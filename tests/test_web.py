"""The web edition: the site's files and anchors, one page's HTML against its golden copy, a
crawl of every internal link, and the pages in a real browser (Chromium driven by Playwright):
axe-core finds no violation, nothing overflows a phone's width, notes open and close by click
and by keyboard, glossary definitions show on focus, search finds a source's page, and no page
asks for anything from the network.

The sites are built once per session (mini reader and this reader) and served from a local
HTTP server on 127.0.0.1 (Pagefind's search needs one; everything else is also checked from
file://).
"""

from __future__ import annotations

import functools
import http.server
import itertools
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from conftest import REPO, Built, run_build
from lxml import html as lxml_html

GOLDEN = Path(__file__).resolve().parent / "golden" / "mini"


@dataclass
class Site:
    folder: Path
    zip: Path
    url: str = ""  # served at this address (see the `served` fixtures)

    def page(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")

    def pages(self) -> list[Path]:
        return sorted(self.folder.glob("*.html"))


def _build_site(root: Path, out: Path, slug: str) -> Site:
    done = run_build("html", "--root", str(root), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return Site(out / f"{slug}-web", out / f"{slug}-web.zip")


@pytest.fixture(scope="session")
def mini_site(mini: Built, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return _build_site(mini.root, tmp_path_factory.mktemp("mini-web"), "pump-reader")


@pytest.fixture(scope="session")
def reader_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = _build_site(REPO, tmp_path_factory.mktemp("reader-web"), "cuban-missile-crisis-reader")
    handler = functools.partial(_QuietHandler, directory=str(site.folder.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # Served from a sub-folder, as on a course site.
    site.url = f"http://127.0.0.1:{server.server_address[1]}/{site.folder.name}/"
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def instructor_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    out = tmp_path_factory.mktemp("instructor-web")
    done = run_build("html", "--edition", "instructor", "--out", str(out))
    assert done.returncode == 0, done.stderr
    slug = "cuban-missile-crisis-reader-instructor"
    return Site(out / f"{slug}-web", out / f"{slug}-web.zip")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


# ---- files, anchors, golden ------------------------------------------------------------------

def test_one_page_per_source_part_intro_and_appendix(mini_site: Site) -> None:
    names = {path.name for path in mini_site.pages()}
    assert {"index.html", "introduction.html", "part-1.html", "snow-letter.html",
            "pump-essay.html", "timeline.html", "glossary.html", "bibliography.html",
            "credits.html", "search.html"} <= names
    with zipfile.ZipFile(mini_site.zip) as archive:
        zipped = set(archive.namelist())
    on_disk = {p.relative_to(mini_site.folder).as_posix()
               for p in mini_site.folder.rglob("*") if p.is_file()}
    assert zipped == on_disk  # index.html at the top of the zip, as an LMS package wants
    assert any(name.startswith("pagefind/") for name in zipped)


def test_same_anchors_and_print_pages_as_the_epub(mini: Built, mini_site: Site) -> None:
    epub = mini.epub_files()
    for stem in ("snow-letter", "pump-essay"):
        web = lxml_html.fromstring(mini_site.page(f"{stem}.html"))
        book = lxml_html.fromstring(epub[f"EPUB/src-{stem}.xhtml"].encode())
        ids = {e.get("id") for e in book.iter() if isinstance(e.tag, str) and e.get("id")}
        web_ids = {e.get("id") for e in web.iter() if isinstance(e.tag, str) and e.get("id")}
        assert ids <= web_ids, ids - web_ids  # every EPUB id, paragraph, note, page break
        assert f"p-{stem}-1" in web_ids and f"src-{stem}" in web_ids
        pages = [(s.get("id"), s.get("data-page")) for s in
                 web.xpath('//span[@class="pagebreak"]')]
        epub_pages = [(s.get("id"), s.get("aria-label")) for s in
                      book.xpath('//*[@role="doc-pagebreak"]')]
        assert pages == epub_pages and pages
        assert web.xpath('//span[@role="separator"]/@aria-label')[0].startswith("Print page")


def test_notes_follow_their_paragraph_with_links_both_ways(mini_site: Site) -> None:
    tree = lxml_html.fromstring(mini_site.page("pump-essay.html"))
    aside = tree.get_element_by_id("ann-essay-map")
    paragraph = aside.getprevious()
    assert paragraph.get("id") == "p-pump-essay-1"
    call = tree.get_element_by_id("ref-ann-essay-map")
    assert call.get("href") == "#ann-essay-map"
    assert aside.xpath('.//a[@class="note-back"]/@href') == ["#ref-ann-essay-map"]
    term = tree.xpath('//a[@class="glossary-term"]')[0]
    assert term.get("href") == "glossary.html#gloss-pump"
    tip = tree.get_element_by_id(term.get("aria-describedby"))
    assert tip.text == "The public water pump on Broad Street."


def test_web_page_matches_golden(mini_site: Site, request: pytest.FixtureRequest) -> None:
    actual = mini_site.page("pump-essay.html")
    path = GOLDEN / "web-pump-essay.html"
    if request.config.getoption("--update-golden"):
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}; run pytest --update-golden"
    assert actual.splitlines() == path.read_text(encoding="utf-8").splitlines()


def _targets(site: Site) -> dict[str, set[str]]:
    return {path.name: {e.get("id") for e in lxml_html.fromstring(path.read_bytes()).iter()
                        if isinstance(e.tag, str) and e.get("id")} for path in site.pages()}


@pytest.mark.parametrize("which", ["mini_site", "reader_site", "instructor_site"])
def test_every_internal_link_resolves(which: str, request: pytest.FixtureRequest) -> None:
    site: Site = request.getfixturevalue(which)
    ids = _targets(site)
    broken = []
    for path in site.pages():
        tree = lxml_html.fromstring(path.read_bytes())
        for element, _attribute, link, _pos in tree.iterlinks():
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                assert parts.scheme in ("http", "https") and element.tag == "a", (path, link)
                continue  # a citation's web address: the only links out, never loaded
            name = unquote(parts.path) or path.name
            missing = not (site.folder / name).is_file()
            if missing or (parts.fragment and parts.fragment not in ids.get(name, set())):
                broken.append(f"{path.name}: {link}")
    assert not broken, broken


# ---- the apparatus: abbreviations, further reading, index, instructor's guide ----------------

def _reading_order(site: Site) -> list[str]:
    """The pages' titles as the previous/next links lead from the contents page."""
    titles, name = [], "index.html"
    while True:
        tree = lxml_html.fromstring(site.page(name))
        titles.append(" ".join(tree.findtext(".//title").split(" · ")[0].split()))
        following = tree.xpath('//nav[@class="pager"]/a[@rel="next"]/@href')
        if not following:
            return titles
        name = following[0]


def _epub_contents(built: Built) -> list[str]:
    nav = lxml_html.fromstring(built.epub_files()["EPUB/nav.xhtml"].encode())
    return [" ".join(a.text_content().split())
            for a in nav.xpath('//nav[@id="toc"]//a')]


def test_apparatus_pages_in_the_epubs_order_in_contents_and_pager(reader: Built,
                                                                  reader_site: Site) -> None:
    """The web edition has the EPUB's pages in the EPUB's order (its questions pages are
    the part pages' end on the web), between the contents and the credits."""
    epub = [label for label in _epub_contents(reader) if label != "Questions for discussion"]
    assert {"Abbreviations", "Further reading", "Index"} <= set(epub)
    order = _reading_order(reader_site)
    assert order[0] == "The Cuban Missile Crisis" and order[-1] == "Credits and permissions"
    assert order[1:-1] == epub
    contents = lxml_html.fromstring(reader_site.page("index.html"))
    listed = [" ".join(a.text_content().split()) for a in contents.xpath('//nav[@id="toc"]//a')]
    assert listed == [*epub, "Credits and permissions"]
    assert "Instructor’s guide" not in listed


def test_abbreviations_and_further_reading_pages(reader: Built, reader_site: Site) -> None:
    epub = reader.epub_files()
    for name, item in (("abbreviations", "dt"), ("further-reading", "li")):
        web = lxml_html.fromstring(reader_site.page(f"{name}.html"))
        book = lxml_html.fromstring(epub[f"EPUB/{name}.xhtml"].encode())
        section = web.get_element_by_id(name)
        shown = [" ".join(e.text_content().split()) for e in section.iter(item)]
        assert shown == [" ".join(e.text_content().split()) for e in book.iter(item)]
        assert len(shown) >= 8, name


def test_index_links_to_paragraphs_with_their_print_pages(reader_site: Site) -> None:
    """Every index link leads to a paragraph holding a use of the heading, and names the
    print page that use is on: the page whose marker last comes before it on the web page."""
    index = lxml_html.fromstring(reader_site.page("book-index.html"))
    links = index.xpath('//section[@id="index"]//a[@class="index-link"]')
    trees: dict[str, Any] = {}
    checked = 0
    for link in links:
        slug = link.xpath("ancestor::li[1]/@id")[0].removeprefix("idx-")
        name, _, target = link.get("href").partition("#")
        tree = trees.setdefault(name, lxml_html.fromstring(reader_site.page(name)))
        found = tree.get_element_by_id(target)
        use = re.compile(rf"ixu-{re.escape(slug)}-{re.escape(name.removesuffix('.html'))}-\d+")
        uses = [e for e in found.iter("span") if use.fullmatch(e.get("id", ""))]
        if found.tag == "span":  # a use outside the numbered paragraphs (a heading)
            uses = [found]
        assert uses, (slug, link.get("href"))
        markers = uses[0].xpath('preceding::span[@class="pagebreak"][1]/@data-page')
        folio = link.findtext('span[@class="index-folio"]')
        assert folio == f"(p.\u00a0{markers[0]})", (slug, link.get("href"), folio, markers)
        checked += 1
    assert checked > 200


# ---- the instructor edition's site -----------------------------------------------------------

def test_the_instructor_site_has_the_guide_with_links_both_ways(instructor_site: Site,
                                                                reader_site: Site) -> None:
    order = _reading_order(instructor_site)
    assert order[-2:] == ["Instructor’s guide", "Credits and permissions"]
    assert order[:-2] == _reading_order(reader_site)[:-1]
    guide = lxml_html.fromstring(instructor_site.page("instructors-guide.html"))
    notes = guide.xpath('//section[contains(@class, "teaching-note")]')
    assert len(notes) >= 5
    marks = 0
    for path in instructor_site.pages():
        tree = lxml_html.fromstring(path.read_bytes())
        for mark in tree.xpath('//a[@class="teaching-mark"]'):
            marks += 1
            assert re.fullmatch(r"T\d+", mark.text or "")
            # The mark opens the note under its passage, which links to it in the guide.
            popup = tree.get_element_by_id(mark.get("href").removeprefix("#"))
            block = popup.getprevious()  # right after the block of the mark (and its popups)
            while block is not None and "teaching-popup" in (block.get("class") or ""):
                block = block.getprevious()
            assert popup.tag == "aside" and mark in block.iter(), (path.name, mark.get("id"))
            (guide_link,) = popup.xpath('.//a[starts-with(@href, "instructors-guide.html#")]')
            note = guide.get_element_by_id(guide_link.get("href").partition("#")[2])
            assert _words(popup.text_content()).find(
                _words(note.xpath('.//p[@class="teaching-label"]/following-sibling::*[1]')[0]
                       .text_content())[:60]) > 0
            back = note.xpath(".//h2/a/@href")
            assert back == [f"{path.name}#{mark.get('id')}"]
    assert marks == len(notes)
    heads = [" ".join(n.findtext("h2/span").split()) for n in notes]
    assert all(re.match(r"p\.\s\d+", head) for head in heads), heads


# ---- in the browser ---------------------------------------------------------------------------
browser_test = pytest.mark.browser

@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


@browser_test
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["index.html", "milestones-essay.html", "glossary.html",
                                  "abbreviations.html", "further-reading.html",
                                  "book-index.html"])
def test_axe_finds_no_violation(browser, reader_site: Site, name: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    _assert_axe_passes(browser, reader_site.url + name, scheme)


@browser_test
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["instructors-guide.html",  # and a teaching note opened:
                                  "milestones-essay.html#tpop-milestones-deterrence-motive"])
def test_axe_finds_no_violation_in_the_instructor_site(browser, instructor_site: Site,  # type: ignore[no-untyped-def]
                                                       name: str, scheme: str) -> None:
    page, _, fragment = name.partition("#")
    url = (instructor_site.folder / page).as_uri() + (f"#{fragment}" if fragment else "")
    _assert_axe_passes(browser, url, scheme)


def _assert_axe_passes(browser, url: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(url)
    results = Axe().run(page)
    context.close()
    assert results.violations_count == 0, results.generate_report()


@browser_test
@pytest.mark.parametrize("which", ["reader_site", "instructor_site"])
def test_no_horizontal_overflow_on_a_phone(phone, which: str,  # type: ignore[no-untyped-def]
                                           request: pytest.FixtureRequest) -> None:
    site: Site = request.getfixturevalue(which)
    for path in site.pages():
        phone.goto(path.as_uri())
        width = phone.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], (path.name, width)


@browser_test
def test_nothing_is_fetched_from_the_network(browser, reader_site: Site) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    page = context.new_page()
    for name in ("index.html", "milestones-essay.html", "timeline.html"):
        page.goto(reader_site.url + name)
        page.wait_for_load_state("networkidle")
    page.goto(reader_site.url + "search.html?q=Kremlin")
    page.wait_for_selector("#search-results li")
    context.close()
    outside = [url for url in asked if not url.startswith(reader_site.url)]
    assert not outside, outside


def _note_visible(page, note_id: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.locator(f"#{note_id}").is_visible())


@browser_test
def test_a_note_opens_and_closes_by_click_and_keyboard(phone, reader_site: Site) -> None:  # type: ignore[no-untyped-def]
    phone.goto(reader_site.url + "milestones-essay.html")
    note = "ann-milestones-bureaucracies"
    call = phone.locator(f"#ref-{note}")
    assert not _note_visible(phone, note)
    call.click()
    assert _note_visible(phone, note)
    box, paragraph = (phone.locator(f"#{note}").bounding_box(),
                      phone.locator("#p-milestones-essay-1").bounding_box())
    assert box["y"] >= paragraph["y"] + paragraph["height"] - 1  # in place, under its paragraph
    phone.locator(f"#{note} a.note-close").click()
    assert not _note_visible(phone, note)
    call.focus()
    phone.keyboard.press("Enter")
    assert _note_visible(phone, note)
    assert call.get_attribute("aria-expanded") == "true"
    phone.keyboard.press("Escape")
    assert not _note_visible(phone, note)
    assert phone.evaluate("document.activeElement.id") == f"ref-{note}"  # focus back


@browser_test
def test_a_note_opens_without_javascript(browser, reader_site: Site) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto((reader_site.folder / "milestones-essay.html").as_uri())
    note = "ann-milestones-bureaucracies"
    assert not _note_visible(page, note)
    page.locator(f"#ref-{note}").click()
    assert _note_visible(page, note)
    page.locator(f"#{note} a.note-close").click()
    assert not _note_visible(page, note)
    context.close()


@browser_test
def test_side_notes_beside_the_text_on_a_wide_screen(browser, reader_site: Site) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto((reader_site.folder / "milestones-essay.html").as_uri())
    note = page.locator("#ann-milestones-bureaucracies").bounding_box()
    text = page.locator("#p-milestones-essay-1").bounding_box()
    assert note["x"] >= text["x"] + text["width"]
    context.close()


@browser_test
def test_a_teaching_note_opens_under_its_passage_on_a_wide_screen(browser,  # type: ignore[no-untyped-def]
                                                                   instructor_site: Site) -> None:
    mark = "tmark-milestones-deterrence-motive"
    for script in (True, False):
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      java_script_enabled=script)
        page = context.new_page()
        page.goto((instructor_site.folder / "milestones-essay.html").as_uri())
        popup = page.locator("#" + page.get_attribute(f"#{mark}", "href").removeprefix("#"))
        assert not popup.is_visible()
        page.locator(f"#{mark}").click()
        assert popup.is_visible()
        box = popup.bounding_box()
        block = page.locator(f"#{mark}").locator("xpath=ancestor::p[1]").bounding_box()
        assert box["y"] >= block["y"] + block["height"] - 1 and box["x"] < block["x"] + 50
        assert "Model answer" in (popup.text_content() or "")
        if script:  # Escape closes it and gives the focus back to the mark
            page.keyboard.press("Escape")
            assert not popup.is_visible()
            assert page.evaluate("document.activeElement.id") == mark
        else:
            popup.locator("a.note-close").click()
            assert not popup.is_visible()
        context.close()


# The block a note call sits in (formats/web_notes.py puts the note after it).
CALL_BLOCK = "p, li, dd, dt, h1, h2, h3, h4, h5, h6, blockquote, figcaption, td, th"
SIDE_NOTES = """CALL_BLOCK => [...document.querySelectorAll('aside.footnote')].map(note => {
    const box = element => element.getBoundingClientRect();
    const call = document.getElementById('ref-' + note.id);
    const block = call.closest(CALL_BLOCK);
    return {id: note.id, top: box(note).top, bottom: box(note).bottom, left: box(note).left,
            blockTop: box(block).top, blockBottom: box(block).bottom,
            textRight: box(block).right, callTop: box(call).top};
})"""


def _side_notes(page) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    notes: list[dict[str, Any]] = page.evaluate(SIDE_NOTES, CALL_BLOCK)
    return notes


@browser_test
def test_side_notes_start_at_their_call_and_never_overlap(browser, reader_site: Site) -> None:  # type: ignore[no-untyped-def]
    """At 1280 px each side note starts beside its call's line, within its call's paragraph,
    unless the note before it pushes it down (then it starts just below that note); no two
    notes overlap. Without JavaScript they stay beside the text, after it, and apart."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    at_call = pushed = 0
    for path in reader_site.pages():
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        previous: dict[str, Any] | None = None
        for note in _side_notes(page):
            where = (path.name, note["id"])
            assert note["left"] >= note["textRight"], where  # in the margin
            assert previous is None or note["top"] >= previous["bottom"], where  # no overlap
            if note["top"] <= note["blockBottom"] and note["top"] - note["callTop"] < 20:
                assert note["top"] >= note["blockTop"], where
                at_call += 1
            else:  # pushed down by the note before: just below it
                assert previous is not None, where
                assert note["top"] - previous["bottom"] <= 20, where
                assert note["top"] > note["callTop"], where
                pushed += 1
            previous = note
    assert at_call >= 10 and pushed >= 10, (at_call, pushed)
    context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto((reader_site.folder / "milestones-essay.html").as_uri())
    notes = _side_notes(page)
    assert len(notes) > 10
    for before, after in itertools.pairwise(notes):
        assert after["top"] >= before["bottom"] and after["top"] >= after["blockBottom"]
    context.close()


@browser_test
def test_glossary_definition_on_focus(phone, reader_site: Site) -> None:  # type: ignore[no-untyped-def]
    phone.goto((reader_site.folder / "milestones-essay.html").as_uri())
    term = phone.locator("#use-milestones-essay-cold-war")
    tip = phone.locator("#tip-use-milestones-essay-cold-war")
    assert not tip.is_visible()
    term.focus()
    assert tip.is_visible() and "war" in (tip.text_content() or "").lower()
    phone.keyboard.press("Escape")
    assert not tip.is_visible()


@browser_test
def test_search_finds_a_source_page(browser, reader_site: Site) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(reader_site.url + "index.html")
    page.fill("#site-search-q", "Mongoose")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li a")
    hrefs = page.eval_on_selector_all("#search-results li a", "els => els.map(a => a.href)")
    assert reader_site.url + "milestones-essay.html" in hrefs, hrefs
    page.close()


@browser_test
def test_print_page_markers_show_the_folio(browser, reader_site: Site) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto((reader_site.folder / "milestones-essay.html").as_uri())
    shown = page.evaluate("""() => [...document.querySelectorAll('span.pagebreak')].map(
        s => getComputedStyle(s, '::after').content)""")
    assert shown and all(re.fullmatch(r'"p\.\s\d+"', text) for text in shown), shown
    page.close()


def test_the_same_content_gives_the_same_site(mini_site: Site, tmp_path: Path) -> None:
    from conftest import MINI, copy_reader

    other = copy_reader(MINI, tmp_path / "elsewhere" / "reader")
    again = _build_site(other, other / "dist", "pump-reader")
    assert again.zip.read_bytes() == mini_site.zip.read_bytes()
    assert str(tmp_path).encode() not in again.zip.read_bytes()


def test_a_rebuild_removes_pages_it_no_longer_writes(tmp_path: Path) -> None:
    from readerkit.writing import prune_folders

    out = tmp_path / "dist"
    (out / "book-web" / "pagefind").mkdir(parents=True)
    kept, old = out / "book-web" / "index.html", out / "book-web" / "removed-source.html"
    for path in (kept, old, out / "book-web" / "pagefind" / "old.pf_fragment",
                 out / "book.epub"):
        path.write_text("x")
    prune_folders(out, {kept: b"x", out / "book-web.zip": b"z"})
    assert kept.is_file() and (out / "book.epub").is_file()
    assert not old.exists() and not (out / "book-web" / "pagefind").exists()


def _words(markup_or_text: str) -> str:
    """Words as a reader sees them, whatever quote marks Pandoc made of the Markdown's."""
    plain = re.sub(r"\[@[^\]]*\]|[*_\"“”‘’']", "", markup_or_text)
    return " ".join(plain.split())


def test_headnotes_and_questions_are_on_the_web_pages(reader_site: Site) -> None:
    """Each source page opens with its headnote (after the header, before the text); each part
    page ends with the part's questions for students, and no instructor-only question."""
    from readerkit.diagnostics import Diagnostics
    from readerkit.load.project import load_project

    project = load_project(REPO, Diagnostics(REPO))
    for source in project.sources.values():
        tree = lxml_html.fromstring(reader_site.page(f"{source.id}.html"))
        (headnote,) = tree.find_class("headnote")
        first_words = " ".join(_words(source.headnote).split()[:6])
        assert first_words in _words(headnote.text_content()), source.id
        text = tree.find_class("source-text")[0]
        assert headnote.getnext() is text or text in headnote.itersiblings(), source.id
    for number, part in enumerate(project.book.parts, start=1):
        tree = lxml_html.fromstring(reader_site.page(f"part-{number}.html"))
        (questions,) = tree.find_class("part-questions")
        shown = _words(questions.text_content())
        for question in part.questions:
            start = " ".join(_words(question.text).split()[:5])
            assert (start in shown) == (question.audience != "instructor"), (number, start)
            if question.answer:
                assert " ".join(_words(question.answer).split()[:5]) not in shown
