"""Handouts (build.py handout SOURCE_ID), read back from the built PDFs and compared with the
reader's own PDF: the same paragraph and note numbers, "[p. N]" where each of the reader's
pages begins (the words after it are those that open page N of the reader), "Reader, pp. A–B"
in every foot, exactly the glossary entries, timeline events and works that belong with the
source, no instructor text in the student handout, the teaching notes in the instructor's,
the diagnostic an editor sees for an unknown id, and the layout taken from the cache.

Texts are compared through the PDFs' structure trees (each element's marked content, in tree
order), folded to letters, digits and punctuation: blind to line breaks and hyphenation, which
differ between the reader's pages and the handout's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pypdf
import pytest
from conftest import (
    MINI,
    MINI_HANDOUT,
    READER_HANDOUT,
    REPO,
    Built,
    Handout,
    copy_reader,
    print_html,
    run_build,
)
from lxml import html as lxml_html
from outloud.model import Document as OutloudDocument
from test_editions import MARK, _folded, _pdf_strings, _teaching_texts, _windows
from test_pdf_tags import Element, of_type, structure

from readerkit.document import display_date
from readerkit.load.bibtex import cited_keys
from readerkit.model import Project
from readerkit.pipeline import assemble_book, load_checked
from readerkit.render import editions

PAGE_MARK = re.compile(r"\[p\.\u00a0(\w+)\]")
HYPHEN = "\u2010"  # WeasyPrint's hyphen at a line's end


def fold(text: str) -> str:
    """No white space, no line-end hyphens, no "[p. N]" marks."""
    return re.sub(r"\s+", "", PAGE_MARK.sub("", text).replace(HYPHEN, ""))


@dataclass
class Division:
    """What a tagged PDF says of one source (its Art element): the pages its content is on,
    its numbered paragraphs (number, folded text), its notes (id -> number, folded text), its
    text page by page and as a whole, in tree order."""

    pages: list[int]
    paragraphs: list[tuple[str, str]]
    notes: dict[str, tuple[str, str]]
    by_page: dict[int, str] = field(default_factory=dict)
    text: str = ""


@dataclass
class Tagged:
    divisions: dict[str, Division]  # by the source's title
    sections: dict[str, list[str]]  # handout section heading -> its entries' texts
    page_labels: list[str]


def _texts(path: Path, pages: int) -> dict[tuple[int, int], str]:
    document = OutloudDocument(str(path))
    found = {(page, run.mcid): run.text for page in range(pages)
             for run in document.content(page).runs if run.mcid is not None}
    document.close()
    return found


def read_tagged(path: Path) -> Tagged:
    with pikepdf.open(path) as pdf:
        root = structure(pdf)
        texts = _texts(path, len(pdf.pages))

        def text(element: Element) -> str:
            return "".join(texts.get(mark, "") for node in element.walk() for mark in node.marks)

        divisions = {}
        for art in of_type(root, "Art"):
            heading = next(e for e in art.walk() if e.type in ("H1", "H2"))
            paragraphs = [(text(p.children[0]).strip(),
                           fold("".join(text(child) for child in p.children[1:])))
                          for p in of_type(art, "P")
                          if p.children and p.children[0].type == "Lbl"]
            notes = {str(note.obj.ID): (text(of_type(note, "Lbl")[0]).strip(), fold(text(note)))
                     for note in of_type(art, "Note")}
            division = Division(sorted({page for node in art.walk() for page, _ in node.marks
                                        if page is not None}), paragraphs, notes)
            for node in art.walk():
                for page, mcid in node.marks:
                    if page is not None:
                        division.by_page[page] = division.by_page.get(page, "") + texts.get(
                            (page, mcid), "")
            division.text = text(art)
            divisions[" ".join(text(heading).split())] = division
        sections = {}
        for sect in of_type(root, "Sect"):
            heading = [c for c in sect.children if c.type == "H2"]
            if heading:  # its entries: a list's items, or a division's paragraphs
                sections[text(heading[0]).strip()] = [
                    text(item) for child in sect.children if child.type in ("L", "Div")
                    for item in child.children if item.type in ("LI", "P")]
        labels = list(pypdf.PdfReader(path).page_labels)
    return Tagged(divisions, sections, labels)


@dataclass
class Pair:
    """A handout and the reader's PDF it comes from, read back."""

    handout: Handout
    project: Project
    title: str
    reader: Division
    reader_labels: list[str]
    tagged: Tagged

    @property
    def mine(self) -> Division:
        return self.tagged.divisions[self.title]

    @property
    def labels(self) -> list[str]:
        """The folios of the reader's pages the source occupies (in the reader's PDF)."""
        return [self.reader_labels[index] for index in self.reader.pages]


@pytest.fixture(scope="module", params=["reader", "mini"])
def pair(request: pytest.FixtureRequest, reader: Built, mini: Built) -> Pair:
    built: Built = {"reader": reader, "mini": mini}[request.param]
    handout: Handout = request.getfixturevalue(f"{request.param}_handout")
    project, _ = load_checked(built.root)
    title = " ".join(project.sources[handout.source_id].title.split())
    book = read_tagged(built.pdf)
    return Pair(handout, project, title, book.divisions[title], book.page_labels,
                read_tagged(handout.pdf))


# ---------------------------------------------------------------- the reader's numbers


def test_paragraph_and_note_numbers_are_the_readers(pair: Pair) -> None:
    numbers = [number for number, _ in pair.reader.paragraphs]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) >= 2
    # every paragraph under its number, with its note calls' numbers, word for word
    assert pair.mine.paragraphs == pair.reader.paragraphs
    assert len(pair.reader.notes) >= 2
    assert pair.mine.notes == pair.reader.notes  # each note: its id, number and words


def test_reader_page_marks_where_each_reader_page_begins(pair: Pair) -> None:
    text = pair.mine.text
    assert PAGE_MARK.findall(text) == pair.labels
    for label, index in zip(pair.labels, pair.reader.pages, strict=True):
        after = fold(text[text.index(f"[p.\u00a0{label}]"):])[:12]
        opening = fold(pair.reader.by_page[index])[:40]  # page N's first words in the reader
        assert after and after in opening, (label, after, opening)


def test_every_foot_names_the_reader_pages_and_the_handout_page(pair: Pair) -> None:
    labels = pair.labels
    pages = (f"Reader, pp. {labels[0]}–{labels[-1]}" if len(labels) > 1
             else f"Reader, p. {labels[0]}")
    texts = pair.handout.pages()
    for number, page in enumerate(texts, start=1):
        assert pages in page, number
        assert f"Handout page {number} of {len(texts)}" in page
    assert pair.tagged.page_labels == [str(n) for n in range(1, len(texts) + 1)]  # its own


# ---------------------------------------------------------------- what belongs with it


def _expected_works(project: Project, source_id: str, glossary: set[str]) -> set[str]:
    """Every bibliography key the handout cites, from the editor's Markdown: the source's
    `cite` and `quoted_in`, its text, headnote and (student) notes, the definitions of the
    glossary entries it links to and the timeline events that cite it."""
    source = project.sources[source_id]
    keys = {source.cite, source.quoted_in} | set(cited_keys(source.body + source.headnote))
    keys |= {key for a in project.annotations_for(source_id)
             if a.audience != editions.INSTRUCTOR for key in cited_keys(a.note)}
    keys |= {key for entry in project.glossary if entry.slug in glossary
             for key in cited_keys(entry.definition)}
    for event in project.timeline:
        if source_id in event.sources:
            keys |= {key for key in event.sources if key not in project.sources}
            keys |= set(cited_keys(event.event + event.note))
    return keys - {""}


def test_the_glossary_timeline_and_works_cited_hold_exactly_what_belongs(pair: Pair) -> None:
    project, source_id = pair.project, pair.handout.source_id
    tree = lxml_html.fromstring(print_html(pair.handout.root))
    article = tree.get_element_by_id(f"src-{source_id}")
    linked = {a.get("href", "").removeprefix("#gloss-")
              for a in article.xpath('.//a[contains(@class, "glossary-term")]')}
    terms = [entry.term for entry in sorted(project.glossary, key=lambda e: e.term.lower())
             if entry.slug in linked]
    sections = pair.tagged.sections
    glossary = sections.get("Glossary", [])
    assert [item.split(" (")[0] for item in glossary[::2]] == terms and terms

    events = [event for event in project.timeline if source_id in event.sources]
    timeline = sections["Timeline"]
    assert len(timeline) == len(events) >= 1
    for item, event in zip(timeline, events, strict=True):
        assert item.startswith(display_date(event.date)), item
        assert fold(pair.title) in fold(item) and f"reader p.\u00a0{pair.labels[0]}" in item

    keys = _expected_works(project, source_id, linked)
    wanted = [fold(p.text_content()) for p in tree.find_class("bib-entry")
              if p.get("id", "").removeprefix("bib-") in keys]
    assert len(wanted) == len(keys)
    assert [fold(entry) for entry in sections["Works cited"]] == wanted


# ---------------------------------------------------------------- the editions


def _source_windows(root: Path, source_id: str | None) -> dict[str, list[str]]:
    """Stretches of the words of the teaching notes (of one source, or all), by guide id."""
    project, diags = load_checked(root)
    guide = editions.instructor_book(assemble_book(project, diags), project).guide
    texts = _teaching_texts(root)
    return {note.id: _windows(texts[note.id]) for note in guide
            if source_id is None or note.where_anchor == f"src-{source_id}"}


@pytest.mark.parametrize("which", ["reader", "mini"])
def test_the_student_handout_holds_no_instructor_text(which: str, request: pytest.FixtureRequest
                                                      ) -> None:
    handout: Handout = request.getfixturevalue(f"{which}_handout")
    text = "\n".join(handout.pages())
    haystack = _folded(text) + _folded(_pdf_strings(handout.pdf))
    for note_id, windows in _source_windows(handout.root, None).items():
        assert [window for window in windows if window in haystack] == [], note_id
    assert "instructor" not in text.lower() and not MARK.search(text)
    assert "Teaching notes" not in text


@pytest.mark.parametrize("which", ["instructor_handout", "mini_instructor_handout"])
def test_the_instructor_handout_adds_the_sources_teaching_notes(
        which: str, request: pytest.FixtureRequest) -> None:
    handout: Handout = request.getfixturevalue(which)
    project, diags = load_checked(handout.root)
    guide = [note for note in editions.instructor_book(assemble_book(project, diags),
                                                       project).guide
             if note.where_anchor == f"src-{handout.source_id}"]
    assert guide
    pages = handout.pages()
    text = "\n".join(pages)
    notes = text[text.index("Teaching notes"):]
    for note_id, windows in _source_windows(handout.root, handout.source_id).items():
        assert sum(window in _folded(notes) for window in windows) >= len(windows) - 1, note_id
    heads = re.findall(r"T(\d+) · reader p\.\s(\w+)", notes)
    assert [int(number) for number, _ in heads] == [note.number for note in guide]
    marks = MARK.findall(text[:text.index("Teaching notes")])
    assert sorted(m.strip() for m in marks) == sorted(f"T{note.number}" for note in guide)


def test_the_instructor_handout_has_the_student_handouts_source_pages(
        reader_handout: Handout, instructor_handout: Handout) -> None:
    """Its teaching notes take no room in the source's pages: page for page the same text,
    but for the margin marks, the edition's name on page 1 and the page count in the foot."""
    student, instructor = reader_handout.pages(), instructor_handout.pages()
    project, _ = load_checked(REPO)
    kind = project.sources[READER_HANDOUT].kind_label  # the source header's first line
    source_pages = next(i for i, page in enumerate(student) if "Glossary\n" in page)
    assert "Teaching notes" in "\n".join(instructor) and source_pages >= 4

    def lines(text: str) -> list[str]:
        return [line.strip() for line in MARK.sub("", text).split("\n")
                if line.strip() and not line.startswith(("Handout page", "Handout from"))]

    for index in range(source_pages):
        mine, theirs = lines(instructor[index]), lines(student[index])
        if index == 0:  # from the source's header on (the edition's name is above it)
            mine, theirs = mine[mine.index(kind):], theirs[theirs.index(kind):]
        assert mine == theirs, index


# ---------------------------------------------------------------- the editor's view


def test_an_unknown_source_id_is_one_clear_diagnostic(mini: Built, tmp_path: Path) -> None:
    done = run_build("handout", "pump-esay", "--root", str(mini.root), "--out", str(tmp_path))
    assert done.returncode == 1
    assert done.stderr == (
        "book/book.yaml:10: S007 no handout of 'pump-esay': there is no source of that id "
        "in the book\n    hint: did you mean 'pump-essay'?\n"
        "handout failed: 1 error, 0 warnings; nothing was written\n")
    assert list(tmp_path.iterdir()) == []
    far = run_build("handout", "cholera", "--root", str(mini.root), "--out", str(tmp_path))
    assert far.returncode == 1 and far.stderr.splitlines()[1] == (
        "    hint: the book's sources are: snow-letter, pump-essay")


def test_a_source_in_no_part_has_no_handout(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    (root / "sources" / "spare.md").write_text(
        "---\ntitle: Spare\nkind: primary\nauthor: John Snow\ndate: \"1855\"\ncite: snow1855\n"
        "rights: Public domain.\n---\n\nA spare page.\n", encoding="utf-8")
    done = run_build("handout", "spare", "--root", str(root))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert ("book/book.yaml:10: S007 no handout of 'spare': the source is in no part of the "
            "book\n    hint: list it in a part's 'sources' first: a handout gives the reader's "
            "pages\n") in done.stderr


def test_a_handout_lays_out_the_book_only_when_its_layout_is_not_cached(tmp_path: Path) -> None:
    from readerkit.handouts import build_handout

    root = copy_reader(MINI, tmp_path / "reader")
    cold = build_handout(root, MINI_HANDOUT)
    assert cold.path == root / "dist" / f"pump-reader-handout-{MINI_HANDOUT}.pdf"
    assert len(cold.laid_out) >= 5  # every unit of the book, once
    warm = build_handout(root, "pump-essay", edition=editions.INSTRUCTOR)
    assert warm.laid_out == []  # the reader's pages from the cache: only the handout laid out
    assert warm.path.name == "pump-reader-instructor-handout-pump-essay.pdf"
    assert cold.path.read_bytes() == build_handout(root, MINI_HANDOUT).path.read_bytes()


def test_the_readers_own_handout_came_from_the_cache(reader_handout: Handout) -> None:
    from readerkit.handouts import build_handout

    again = build_handout(REPO, READER_HANDOUT, out_dir=reader_handout.pdf.parent)
    assert again.laid_out == []
    assert again.path.read_bytes() == reader_handout.pdf.read_bytes()  # reproducible
