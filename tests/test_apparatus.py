"""The editorial apparatus in the built books: headnotes, questions for discussion, further
reading, abbreviations and the index (with page numbers in print, paragraph links in the EPUB).

Asserted on real output: the PDF's text (pypdf, pages by their printed labels) and the EPUB's
XHTML. The pure pieces (the page list, the index matcher) have table-driven tests here too.
"""

from __future__ import annotations

import re

import pypdf
import pytest
from conftest import REPO, Built
from lxml import etree
from lxml import html as lxml_html

from readerkit.diagnostics import Diagnostics
from readerkit.formats.print.units import page_list
from readerkit.load.project import load_project
from readerkit.model import Project
from readerkit.render.index_marks import Heading, mark_uses

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(REPO, Diagnostics(REPO))


def _fold(text: str) -> str:
    """PDF text as comparable words: hyphenation at line ends undone, spacing collapsed."""
    text = re.sub(r"[\u2010\u00ad-]\n", "", text)
    text = re.sub(r"([\u2013\u2014/])\n", r"\1", text)  # a line may break after a dash
    text = re.sub("[\u201c\u201d\"]", "", text.replace("\u2019", "'"))
    return re.sub(r"\s+", " ", text).strip()


def _start(markdown: str, words: int = 8) -> str:
    """The first words of a Markdown text as they print (no emphasis marks or citations)."""
    plain = re.sub(r"\[@[^\]]*\]|[*_]", "", markdown)
    return _fold(" ".join(plain.split()[:words]))


def _labelled_pages(built: Built) -> dict[str, str]:
    reader = pypdf.PdfReader(built.pdf)
    return {label: _fold(page.extract_text() or "")
            for label, page in zip(reader.page_labels, reader.pages, strict=True)}


def _epub_tree(built: Built, name: str) -> etree._Element:
    return etree.fromstring(built.epub_files()[f"EPUB/{name}"].encode())


# --- pure pieces ---------------------------------------------------------------------------

@pytest.mark.parametrize(("folios", "printed"), [
    (["7"], "7"),
    (["3", "3", "4", "5", "9"], "3–5, 9"),
    (["12", "10", "11"], "10–12"),
    (["2", "4", "6"], "2, 4, 6"),
    (["vii", "3", "4"], "vii, 3–4"),
    ([], ""),
])
def test_page_list_collapses_duplicates_and_runs(folios: list[str], printed: str) -> None:
    assert page_list(folios) == printed


HEADINGS = [Heading("kennedy-john", ("Kennedy, John F.", "Kennedy", "the President")),
            Heading("kennedy-robert", ("Kennedy, Robert F.", "Robert Kennedy")),
            Heading("excomm", ("ExComm",))]


@pytest.mark.parametrize(("markup", "marked"), [
    ('<p id="p-s-1">Robert Kennedy met Kennedy.</p>',
     [("kennedy-robert", "Robert Kennedy"), ("kennedy-john", "Kennedy")]),
    ('<p id="p-s-1"><span class="pnum">1</span>The President and the <em>ExComm</em>.</p>',
     [("kennedy-john", "The President"), ("excomm", "ExComm")]),
    ('<p id="p-s-1">Kennedys and excomm and Kennedy-era<a class="noteref">Kennedy</a></p>', []),
    ('<p id="p-s-1">Robert\nKennedy</p>', [("kennedy-robert", "Robert\nKennedy")]),
])
def test_every_use_is_marked_longest_form_first(markup: str,
                                                marked: list[tuple[str, str]]) -> None:
    tree = lxml_html.fragment_fromstring(f"<div>{markup}</div>")
    uses = mark_uses(tree, "s", HEADINGS)
    spans = tree.xpath('//span[@class="index-use"]')
    assert [(use.slug, span.text) for use, span in zip(uses, spans, strict=True)] == marked
    assert all(use.paragraph_id == "p-s-1" for use in uses)
    assert len({span.get("id") for span in spans}) == len(spans)


# --- headnotes -----------------------------------------------------------------------------

def test_every_source_has_a_headnote_between_header_and_text(reader: Built,
                                                             project: Project) -> None:
    pages = reader.pdf_pages()
    for source in project.sources.values():
        assert source.headnote, f"{source.id} has no headnote"
        start = _start(source.headnote)
        page = next((_fold(p) for p in pages if start in _fold(p)), "")
        assert page, f"headnote of {source.id} not in the PDF"
        first_words = _start(re.sub(r"^#+ .*$|\[[^\]]*\]", "", source.body, flags=re.M), 6)
        assert page.index("From:") < page.index(start), source.id
        before, after = page.split(start, 1)
        assert first_words not in before, source.id  # the text follows its headnote
        assert first_words in after or first_words not in page, source.id
        tree = _epub_tree(reader, f"src-{source.id}.xhtml")
        section = tree.find(f".//{XHTML}section[@class='headnote']")
        assert section is not None, source.id
        assert start in _fold("".join(section.itertext()))
        following = [e.get("class") for e in section.itersiblings()]
        assert following and following[0] == "source-text", source.id
        preceding = section.getprevious()
        assert preceding is not None and preceding.get("class") == "source-header"


# --- questions -----------------------------------------------------------------------------

def test_student_questions_print_and_instructor_content_does_not(reader: Built,
                                                                 project: Project) -> None:
    pdf = _fold(reader.pdf_text())
    epub = _fold(" ".join(reader.epub_files().values()))
    student = [q for part in project.book.parts for q in part.questions if q.audience == "all"]
    assert len(student) > 5
    for question in student:
        words = _start(question.text, 10)
        assert words in pdf and words in epub, words
    hidden = [q.text for part in project.book.parts for q in part.questions
              if q.audience == "instructor"]
    hidden += [q.answer for part in project.book.parts for q in part.questions if q.answer]
    assert hidden, "the reader keeps answers for the instructor's guide"
    for text in hidden:
        words = _start(text, 7)
        assert words not in pdf and words not in epub, words


def test_questions_close_each_part_in_print_and_have_their_own_epub_page(
        reader: Built, project: Project) -> None:
    labels = list(_labelled_pages(reader).items())
    for number, part in enumerate(project.book.parts, start=1):
        opening = next(i for i, (_, text) in enumerate(labels)
                       if text.startswith("Questions for discussion")
                       and f"Part {number}. {part.title}" in text)
        if number < len(project.book.parts):  # the next part opens after them
            later = [text for _, text in labels[opening + 1:]]
            assert any(t.startswith(f"Part {number + 1} ") for t in later)
        tree = _epub_tree(reader, f"questions-{number}.xhtml")
        items = tree.findall(f".//{XHTML}ol/{XHTML}li")
        assert len(items) == len([q for q in part.questions if q.audience == "all"])
    nav = reader.epub_files()["EPUB/nav.xhtml"]
    for number in range(1, len(project.book.parts) + 1):
        assert f'<a href="questions-{number}.xhtml">Questions for discussion</a>' in nav


# --- further reading and abbreviations -----------------------------------------------------

def test_further_reading_comes_before_the_bibliography_with_each_note(
        reader: Built, project: Project) -> None:
    labels = list(_labelled_pages(reader).items())
    reading = next(i for i, (_, t) in enumerate(labels) if t.startswith("Further reading"))
    bibliography = next(i for i, (_, t) in enumerate(labels) if t.startswith("Bibliography"))
    assert reading < bibliography
    text = " ".join(t for _, t in labels[reading:bibliography])
    assert len(project.further_reading) >= 8
    for item in project.further_reading:
        assert item.key in project.bibliography
        assert _start(item.note) in text, item.key
    tree = _epub_tree(reader, "further-reading.xhtml")
    assert len(tree.findall(f".//{XHTML}li")) == len(project.further_reading)
    assert "Plokhy, Serhii. Nuclear Folly" in text


def test_abbreviations_are_listed_in_the_front_matter(reader: Built,
                                                      project: Project) -> None:
    pages = _labelled_pages(reader)
    label, text = next((label, text) for label, text in pages.items()
                       if text.startswith("Abbreviations"))
    assert not label.isdigit(), "the list belongs to the roman-numbered front matter"
    for item in project.abbreviations:
        assert f"{item.abbreviation} " in text, item.abbreviation
    assert "ExComm Executive Committee of the National Security Council" in text
    tree = _epub_tree(reader, "abbreviations.xhtml")
    terms = ["".join(dt.itertext()) for dt in tree.iter(f"{XHTML}dt")]
    assert terms == [item.abbreviation for item in project.abbreviations]
    assert "Abbreviations" in pages[next(k for k, v in pages.items()
                                         if v.startswith("Contents"))]


# --- the index -----------------------------------------------------------------------------

INDEX_LINE = re.compile(r"^(?P<heading>.+?), (?P<pages>\d+(?:[–-]\d+)?(?:, \d+(?:[–-]\d+)?)*)"
                        r"(?:\. See also .*)?$")


def _index_entries(reader: Built, project: Project) -> dict[str, list[str]]:
    """Heading -> the folios the print index gives it (ranges expanded)."""
    headings = tuple(f"{entry.term}, " for entry in [*project.index, *project.glossary])
    pdf = pypdf.PdfReader(reader.pdf)
    raw = "\n".join(page.extract_text() or "" for page in pdf.pages
                    if (page.extract_text() or "").startswith("Index"))
    # Entries wrap inside their column: a line that does not open with a heading continues
    # the one before (after a hyphen, without a space).
    lines: list[str] = []
    for line in raw.split("\n")[2:]:
        if lines and not line.startswith(headings):
            joined = lines[-1].rstrip("‐-") if lines[-1].endswith(("‐", "-")) else lines[-1]
            lines[-1] = joined + line
        else:
            lines.append(line.strip())
    entries = {}
    for line in lines:
        match = INDEX_LINE.match(line)
        if not match:
            continue
        folios = []
        for piece in match["pages"].split(", "):
            first, _, last = piece.replace("-", "–").partition("–")
            folios += [str(n) for n in range(int(first), int(last or first) + 1)]
        entries[match["heading"]] = folios
    return entries


def test_index_pages_are_the_pages_where_each_name_occurs(reader: Built,
                                                          project: Project) -> None:
    entries = _index_entries(reader, project)
    pages = _labelled_pages(reader)
    pdf = pypdf.PdfReader(reader.pdf)
    raw_pages = {label: page.extract_text() or ""
                 for label, page in zip(pdf.page_labels, pdf.pages, strict=True)}
    headings = {entry.term: (entry.term, *entry.aliases)
                for entry in [*project.index, *project.glossary]}
    assert len(entries) >= 30
    assert {"Kennedy, John F.", "Khrushchev, Nikita S.", "Scali, John", "Quarantine"} <= set(
        entries)
    for heading, folios in entries.items():
        forms = [re.sub(r"\s+", " ", form).lower() for form in headings[heading]]
        for folio in folios:
            text = pages[folio].lower().replace("–", "-")
            following = pages.get(str(int(folio) + 1), "").lower().replace("–", "-")
            assert any(_starts_on(form.replace("–", "-"), text, following, raw_pages[folio])
                       for form in forms), (heading, folio)


def _starts_on(form: str, text: str, following: str, raw: str = "") -> bool:
    """The form is on the page, or starts at its foot and ends on the next (IL–|28, or a word
    hyphenated across the turn: "super‐|powers")."""
    if form in text:
        return True
    # The body's last line may end in a word hyphenated across the turn, which the next page
    # finishes (the page's notes and running foot come after it in the page's text).
    # The same for a compound broken at its own hyphen ("intermediate-|range"), which stays.
    for turn in ("\u2010\n", "-\n"):
        for before in raw.lower().split(turn)[:-1]:
            head = before.split()[-1] if before.split() else ""
            tail = form[len(head):]
            if turn == "-\n":
                tail = tail.removeprefix("-")
            if head and form.startswith(head) and following.startswith(tail):
                return True
    separator = "-" if "-" in form else " "
    head, _, rest = form.partition(separator)
    return bool(rest) and f"{head}{separator}" in text and rest in following


def test_index_page_numbers_follow_the_layout(reader: Built, project: Project) -> None:
    """Scali is named on two pages of the readings: those two pages, nothing else."""
    pages = _labelled_pages(reader)
    body = [label for label, text in pages.items() if label.isdigit()
            and "Scali" in text and not text.startswith(("Index", "Timeline", "Glossary",
                                                         "Bibliography", "Further reading"))]
    entries = _index_entries(reader, project)
    assert set(entries["Scali, John"]) <= set(body)
    assert entries["Scali, John"] == sorted(set(entries["Scali, John"]), key=int)


def test_epub_index_links_resolve_to_paragraphs_holding_the_term(reader: Built) -> None:
    files = reader.epub_files()
    index = _epub_tree(reader, "index.xhtml")
    links = index.findall(f".//{XHTML}a[@class='index-link']")
    paragraphs = 0
    for link in links:
        entry = link.getparent()
        assert entry is not None
        slug = entry.get("id", "")[len("idx-"):]
        href, _, target = link.get("href", "").partition("#")
        assert href.startswith("src-") and href.endswith(".xhtml"), link.get("href")
        tree = etree.fromstring(files[f"EPUB/{href}"].encode())
        found = tree.find(f".//*[@id='{target}']")
        assert found is not None, link.get("href")
        if found.tag == f"{XHTML}span":  # a use outside the numbered paragraphs (a heading)
            assert found.get("id", "").startswith(f"ixu-{slug}-"), target
            continue
        assert found.tag == f"{XHTML}p", target
        paragraphs += 1
        uses = found.findall(f".//{XHTML}span[@class='index-use']")
        assert any(use.get("id", "").startswith(f"ixu-{slug}-") for use in uses), (slug, target)
    assert paragraphs > 100
    landmarks = files["EPUB/nav.xhtml"]
    assert 'epub:type="index" href="index.xhtml"' in landmarks
