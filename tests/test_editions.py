"""Teaching editions (render/editions.py): the student edition holds no trace of the instructor's
material; the instructor edition has the student edition's pages, plus its guide.

Real builds of both editions of this reader and of the mini reader, in one build each; the
outputs are searched byte by byte (every file of the EPUB zip; the PDF's text, outline and
structure tree) for every teaching note's words and ids.
"""

from __future__ import annotations

import gzip
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import MINI, REPO, copy_reader, run_build
from lxml import html as lxml_html

from readerkit.formats.print.samepages import first_difference
from readerkit.htmltools import parse_fragment, text_of
from readerkit.pagemap import PageMap, PageStart
from readerkit.pipeline import assemble_book, load_checked
from readerkit.render import editions

CUT = "\u2402"  # where a citation was taken out of a teaching note's words
MARK = re.compile(r" ?T\d+(?=\s|$)")  # a margin mark as pypdf extracts it ("1 T2", "8T5")


@dataclass
class Editions:
    root: Path
    out: Path
    slug: str

    def path(self, edition: str, ext: str) -> Path:
        stem = self.slug if edition == "student" else f"{self.slug}-{edition}"
        return self.out / f"{stem}.{ext}"

    def pages(self, edition: str) -> list[str]:
        return [p.extract_text() or "" for p in pypdf.PdfReader(self.path(edition, "pdf")).pages]

    def epub_text(self, edition: str) -> dict[str, str]:
        """Every file of the EPUB: an XHTML file's text (markup between words would hide
        them), any other file as it is."""
        return {name: text_of(lxml_html.fromstring(content.encode()))
                if name.endswith(".xhtml") else content
                for name, content in self.epub(edition).items()}

    def epub(self, edition: str) -> dict[str, str]:
        with zipfile.ZipFile(self.path(edition, "epub")) as archive:
            return {name: archive.read(name).decode("utf-8", "replace")
                    for name in archive.namelist()}

    def web(self, edition: str) -> dict[str, str]:
        """Every file of the web edition's folder, Pagefind's index among them (its files are
        gzipped: read unzipped, or their words would hide)."""
        stem = self.slug if edition == "student" else f"{self.slug}-{edition}"
        folder = self.out / f"{stem}-web"
        files = {}
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                if data[:2] == b"\x1f\x8b":
                    data = gzip.decompress(data)
                files[path.relative_to(folder).as_posix()] = data.decode("utf-8", "replace")
        assert "index.html" in files and any(name.startswith("pagefind/") for name in files)
        return files

    def web_text(self, edition: str) -> dict[str, str]:
        """The web edition's files, an HTML page as its text (see epub_text)."""
        return {name: text_of(lxml_html.fromstring(content.encode()))
                if name.endswith(".html") else content
                for name, content in self.web(edition).items()}


def _build_both(root: Path, out: Path, slug: str) -> Editions:
    for target in ("all", "html"):
        done = run_build(target, "--root", str(root), "--out", str(out),
                         "--edition", "student", "--edition", "instructor")
        assert done.returncode == 0, done.stderr
    return Editions(root, out, slug)


@pytest.fixture(scope="module", params=["reader", "mini"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Editions:
    if request.param == "reader":
        return _build_both(REPO, tmp_path_factory.mktemp("editions-reader"),
                           "cuban-missile-crisis-reader")
    root = copy_reader(MINI, tmp_path_factory.mktemp("editions-mini") / "reader")
    return _build_both(root, root / "dist", "pump-reader")


# ---------------------------------------------------------------- what is instructor-only


def _teaching_texts(root: Path) -> dict[str, str]:
    """Every teaching note's own words, by its guide id (rendered as the guide has them; the
    works it cites are the bibliography's, which the student edition prints too)."""
    project, diags = load_checked(root)
    book = editions.instructor_book(assemble_book(project, diags), project)
    assert book.guide, "the reader has teaching notes"
    texts = {}
    for note in book.guide:
        tree = parse_fragment(note.html)
        for citation in tree.xpath('//span[contains(@class, "citation")]'):
            citation.tail = CUT + (citation.tail or "")
            citation.drop_tree()
        texts[note.id] = text_of(tree)
    return texts


def _folded(text: str) -> str:
    """Letters and digits only, lower-cased: blind to line breaks, hyphenation and markup."""
    return "".join(char for char in text.lower() if char.isalnum())


def _windows(text: str, size: int = 40) -> list[str]:
    """Stretches of `size` letters of the text, none across a cut citation."""
    windows = []
    for piece in text.split(CUT):
        folded = _folded(piece)
        windows += [folded[start:start + size] for start in range(0, len(folded) - size, size)]
    return windows


def _pdf_strings(pdf: Path) -> str:
    """The PDF's outline titles and every string in its structure tree."""
    reader = pypdf.PdfReader(pdf)
    found: list[str] = []

    def outline(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                outline(item)
            else:
                found.append(str(item.title))

    outline(reader.outline)
    seen: set[int] = set()

    def walk(obj: Any) -> None:
        if isinstance(obj, pypdf.generic.IndirectObject):
            if obj.idnum in seen:
                return
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, pypdf.generic.DictionaryObject):
            for name, value in obj.items():
                if name not in ("/P", "/Pg", "/Parent", "/ParentTree"):
                    walk(value)
        elif isinstance(obj, pypdf.generic.ArrayObject):
            for value in obj:
                walk(value)
        elif isinstance(obj, (pypdf.generic.TextStringObject, pypdf.generic.ByteStringObject)):
            found.append(str(obj))

    root = reader.trailer["/Root"]
    if "/StructTreeRoot" in root:
        walk(root.raw_get("/StructTreeRoot"))
    return "\n".join(found)


def test_the_student_outputs_hold_no_trace_of_the_instructor_material(built: Editions) -> None:
    texts = _teaching_texts(built.root)
    project, _ = load_checked(built.root)
    ids = [f"ann-{a.id}" for a in project.annotations if a.audience == "instructor"]
    ids += [note_id for note_id in texts] + ["tmark-", "teaching-mark", "instructors-guide",
                                             "tpop-", "teaching-popup"]
    epub = built.epub("student")
    pdf_text = "\n".join(built.pages("student"))
    haystacks = {name: _folded(content) for name, content in built.epub_text("student").items()}
    haystacks.update({f"web: {name}": _folded(content)
                      for name, content in built.web_text("student").items()})
    haystacks["PDF text"] = _folded(pdf_text)
    haystacks["PDF outline and tags"] = _folded(_pdf_strings(built.path("student", "pdf")))
    for note_id, words in texts.items():
        for window in _windows(words):
            leaks = [name for name, hay in haystacks.items() if window in hay]
            assert leaks == [], f"{note_id}: '{window}' in {leaks}"
    raw = {**epub, "PDF text": pdf_text,
           "PDF outline and tags": _pdf_strings(built.path("student", "pdf")),
           **{f"web: {name}": content for name, content in built.web("student").items()}}
    for name, content in raw.items():
        assert [i for i in ids if i in content] == [], name
        assert "instructor" not in content.lower(), name


def test_the_instructor_outputs_hold_every_teaching_note(built: Editions) -> None:
    texts = _teaching_texts(built.root)
    guide = _folded("\n".join(built.pages("instructor")))
    epub = _folded("\n".join(built.epub_text("instructor").values()))
    web = built.web_text("instructor")
    site = _folded(web["instructors-guide.html"])
    search = _folded("\n".join(text for name, text in web.items() if name.startswith("pagefind/")))
    for note_id, words in texts.items():
        windows = _windows(words)
        assert all(window in epub for window in windows), note_id
        assert all(window in site for window in windows), note_id
        assert any(window in search for window in windows), note_id  # found by a search
        assert sum(window in guide for window in windows) >= len(windows) - 1, note_id


# ---------------------------------------------------------------- the same pages


def _body_start(pages: list[str]) -> int:
    return next(i for i, text in enumerate(pages) if text.lstrip().startswith("Introduction\n"))


def test_the_instructor_pdf_has_the_student_pages_page_by_page(built: Editions) -> None:
    student, instructor = built.pages("student"), built.pages("instructor")
    assert len(instructor) > len(student)  # its guide, after the student edition's last page
    start = _body_start(student)
    assert _body_start(instructor) == start
    marked = 0
    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.split("\n") if line.strip()]

    for index in range(start, len(student)):
        plain = MARK.sub("", instructor[index])
        marked += plain != instructor[index]
        assert lines(plain) == lines(student[index]), f"PDF page {index + 1}"
    assert marked >= 2  # the marks are there, and are all that differs
    guide = "\n".join(instructor[len(student):])
    assert "Instructor’s guide" in guide
    assert re.search(r"T1 p\.\s?\d+", guide)


def test_the_front_matter_has_the_same_pages_too(built: Editions) -> None:
    student, instructor = built.pages("student"), built.pages("instructor")
    start = _body_start(student)
    assert "Instructor’s edition" in instructor[0] and "Instructor" not in student[0]
    for index in range(1, start):  # the contents gains one line: the guide's
        lines = [line for line in instructor[index].split("\n")
                 if not line.startswith("Instructor’s guide")]
        assert "\n".join(lines) == student[index], f"PDF page {index + 1}"


def _note_numbers(files: dict[str, str]) -> dict[str, list[str]]:
    found = {}
    for name, content in files.items():
        if name.endswith(".xhtml") and "src-" in name:
            found[name] = re.findall(r'role="doc-noteref"[^>]*>(\d+)</a>', content)
    return found


def test_note_numbers_have_no_gaps_and_are_the_same_in_both_editions(built: Editions) -> None:
    student = _note_numbers(built.epub("student"))
    assert student == _note_numbers(built.epub("instructor"))
    for name, numbers in student.items():
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)], name


def _page_list(files: dict[str, str]) -> list[str]:
    nav = files["EPUB/nav.xhtml"]
    page_list = nav[nav.index('id="page-list"'):]
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', page_list)  # type: ignore[return-value]


def test_the_epub_page_list_is_the_student_one_plus_the_guide(built: Editions) -> None:
    student, instructor = _page_list(built.epub("student")), _page_list(built.epub("instructor"))
    assert instructor[:len(student)] == student
    assert all("instructors-guide" in href for href, _label in instructor[len(student):])


def test_marks_and_guide_link_both_ways_in_the_instructor_epub(built: Editions) -> None:
    files = built.epub("instructor")
    guide = files["EPUB/instructors-guide.xhtml"]
    guide_tree = lxml_html.fromstring(guide.encode())
    marks = []
    for name, content in files.items():
        if not name.endswith(".xhtml"):
            continue
        for link in lxml_html.fromstring(content.encode()).xpath(
                '//a[@class="teaching-mark"]'):
            href, mark_id = link.get("href"), link.get("id")
            marks.append(mark_id)
            assert href.startswith("instructors-guide.xhtml#tn-"), name
            assert link.get("epub:type") == "noteref", name  # pops up where notes do
            entry = guide_tree.get_element_by_id(href.split("#")[1])
            assert entry.tag == "section" and entry.get("epub:type") == "endnote"
            assert f'href="{name.removeprefix("EPUB/")}#{mark_id}"' in guide
    assert len(marks) == len(_teaching_texts(built.root))


def test_the_instructor_epub_is_valid(built: Editions) -> None:
    from epubcheck_verdict import problems

    assert problems(built.path("instructor", "epub")) == []


# ---------------------------------------------------------------- the comparison itself


def _map(starts: list[tuple[str | None, int]], labels: list[str],
         anchors: dict[str, int]) -> PageMap:
    return PageMap(len(labels), anchors, labels,
                   [PageStart(i, a, o, f"words {i}") for i, (a, o) in enumerate(starts)])


STUDENT = _map([("title", 0), ("introduction", 0), ("p-a-1", 40)], ["i", "1", "2"],
               {"title": 0, "introduction": 1, "p-a-1": 1, "p-a-2": 2})

COMPARISONS = [
    ("the same pages", STUDENT, None),
    ("a guide after the last page, marks anywhere",
     _map([("title", 0), ("introduction", 0), ("p-a-1", 40), ("instructors-guide", 0)],
          ["i", "1", "2", "3"], {**STUDENT.anchor_pages, "tmark-x": 1, "tn-x": 3,
                                 "instructors-guide": 3}), None),
    ("a page begins elsewhere",
     _map([("title", 0), ("introduction", 0), ("p-a-1", 38)], ["i", "1", "2"],
          STUDENT.anchor_pages),
     "page 2 (PDF page 3) begins differently in the instructor edition: at 'words 2' (p-a-1, "
     "after 38 letters) instead of 'words 2' (p-a-1, after 40 letters)"),
    ("an id moved",
     _map([("title", 0), ("introduction", 0), ("p-a-1", 40)], ["i", "1", "2"],
          {**STUDENT.anchor_pages, "p-a-2": 1}),
     "page 1 (PDF page 2) differs in the instructor edition: 'p-a-2' is not on the same page"),
    ("a page missing",
     _map([("title", 0), ("introduction", 0)], ["i", "1"],
          {"title": 0, "introduction": 1, "p-a-1": 1}),
     "the instructor edition has 2 pages, the student edition 3: page 2 (PDF page 3) is "
     "missing"),
    ("folios renumbered",
     _map([("title", 0), ("introduction", 0), ("p-a-1", 40)], ["i", "ii", "1"],
          STUDENT.anchor_pages),
     "page 1 (PDF page 2) of the student edition is numbered ii in the instructor edition"),
]


@pytest.mark.parametrize(("case", "instructor", "expected"), COMPARISONS,
                         ids=[case[0] for case in COMPARISONS])
def test_first_difference(case: str, instructor: PageMap, expected: str | None) -> None:
    assert first_difference(STUDENT, instructor) == expected


def test_e001_a_teaching_mark_that_takes_room_fails_the_build(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    with (root / "styles" / "print.css").open("a", encoding="utf-8") as css:
        css.write("\n.teaching-marks { position: static; display: block; height: 4in; }\n")
    done = run_build("pdf", "--root", str(root), "--edition", "instructor")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert re.fullmatch(r"book/book\.yaml: E001 page \d+ \(PDF page \d+\) .+", lines[0]), lines
    assert lines[1].strip().startswith("hint: instructor material must take no room")
    assert not (root / "dist").exists()  # nothing was written


# ---------------------------------------------------------------- fenced divs, pure


DIVS = [
    ("no div", "One.\n\nTwo.", "One.\n\nTwo.", []),
    ("one div, lines kept",
     "One.\n\n::: instructor\nAnswer.\n:::\n\nTwo.", "One.\n\n\n\n\n\nTwo.", ["Answer."]),
    ("braced class, longer fences",
     "::::: {.instructor}\nA.\n\nB.\n:::::\nC.", "\n\n\n\n\nC.", ["A.\n\nB."]),
    ("another div is kept",
     "::: note\nKept.\n:::\n::: instructor\nGone.\n:::",
     "::: note\nKept.\n:::\n\n\n", ["Gone."]),
    ("a div inside the instructor div belongs to it",
     "::: instructor\n::: note\nIn.\n:::\nStill.\n:::\nOut.", "\n\n\n\n\n\nOut.",
     ["::: note\nIn.\n:::\nStill."]),
    ("an instructor div inside another div",
     "::: note\nA.\n::: instructor\nB.\n:::\n:::", "::: note\nA.\n\n\n\n:::", ["B."]),
    ("never closed: runs to the end", "A.\n::: instructor\nB.", "A.\n\n", ["B."]),
]


@pytest.mark.parametrize(("case", "markdown", "student", "inside"), DIVS,
                         ids=[case[0] for case in DIVS])
def test_split_divs(case: str, markdown: str, student: str, inside: list[str]) -> None:
    kept, divs = editions.split_divs(markdown)
    assert kept == student
    assert [div.markdown for div in divs] == inside
    assert kept.count("\n") == markdown.count("\n")  # every later line keeps its number


def test_the_no_op_check_knows_the_edition(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")

    def build(*editions_asked: str) -> str:
        args = [arg for edition in editions_asked for arg in ("--edition", edition)]
        done = run_build("epub", "--root", str(root), *args)
        assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr

    assert "wrote" in build("student")
    first = build("instructor")  # not "up to date": the student build made no instructor file
    assert "pump-reader-instructor.epub" in first and "up to date" not in first
    assert "up to date" in build("instructor")
    assert "up to date" in build("student")
    both = build("student", "instructor")  # another set of targets: built, the same bytes
    assert "up to date" not in both
    assert sorted(p.name for p in (root / "dist").iterdir()) == [
        "pump-reader-instructor.epub", "pump-reader.epub"]


def test_watch_rebuilds_both_editions_and_lays_out_shared_units_once(tmp_path: Path) -> None:
    import io

    from readerkit.pipeline import WatchSession
    from readerkit.watch import rebuild

    root = copy_reader(MINI, tmp_path / "reader")
    session, stream = WatchSession(), io.StringIO()
    both = ("student", "instructor")
    assert rebuild(root, out_dir=None, strict=False, page_size=None, stream=stream,
                   session=session, editions=both)
    names = sorted(p.name for p in (root / "dist").iterdir())
    assert names == ["pump-reader-instructor.epub", "pump-reader-instructor.pdf",
                     "pump-reader.epub", "pump-reader.pdf"]
    # An edit to the instructor's note changes only the instructor edition's unit and guide.
    notes = root / "book" / "annotations" / "pump-essay.yaml"
    notes.write_text(notes.read_text().replace("Ask students", "Ask the class"))
    stream.truncate(0)
    assert rebuild(root, out_dir=None, strict=False, page_size=None, stream=stream,
                   session=session, editions=both)
    laid = re.search(r"laid out again: (.*) \(", stream.getvalue())
    assert laid is not None, stream.getvalue()
    assert laid.group(1) == "“Instructor’s guide”", stream.getvalue()
    assert "Ask the class" in _folded_pdf(root / "dist" / "pump-reader-instructor.pdf", True)
    assert "askthe" not in _folded_pdf(root / "dist" / "pump-reader.pdf", False)


def _folded_pdf(pdf: Path, plain: bool) -> str:
    text = " ".join(page.extract_text() or "" for page in pypdf.PdfReader(pdf).pages)
    return " ".join(text.split()) if plain else _folded(text)
