"""book.yaml's `course:` block: the same lines on the print and EPUB title pages, the web edition's
index page and every handout's first page; a reader without one prints none. (Its mistakes,
K001 and K003, are rows of tests/test_diagnostics.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINI, Built, Handout, copy_reader, run_build
from lxml import html as lxml_html

from readerkit.model import Course
from readerkit.pipeline import load_checked

NAME, DETAILS = "Public Health 101: Epidemics in History", "Spring 2027 · Dr. Test Lecturer"


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def test_the_mini_readers_course_is_loaded() -> None:
    project, _ = load_checked(MINI)
    assert project.book.course == Course(NAME.split(" · ")[0], "Spring 2027", "Dr. Test Lecturer")


@pytest.mark.parametrize(("block", "expected"), [
    ("course:\n  name: History 101\n", Course("History 101")),
    ("course:\n  term: Fall 2026\n  instructor: A. Teacher\n",
     Course("", "Fall 2026", "A. Teacher")),
    ("course:\n", None),  # nothing in it: nothing to print
])
def test_each_line_is_optional(block: str, expected: Course | None, tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    book = root / "book" / "book.yaml"
    text = book.read_text(encoding="utf-8")
    book.write_text(text[:text.index("course:")] + block, encoding="utf-8")
    assert load_checked(root)[0].book.course == expected


def test_the_print_title_page_shows_the_course(mini: Built, reader: Built) -> None:
    title_page = _lines(mini.pdf_pages()[0])
    at = title_page.index("Prepared for")
    assert title_page[at + 1:at + 3] == [NAME, DETAILS]
    assert "Prepared for" not in reader.pdf_pages()[0]  # this reader names no course


def test_the_epub_title_page_shows_the_course(mini: Built, reader: Built) -> None:
    (title,) = [text for name, text in mini.epub_files().items() if name.endswith("title.xhtml")]
    lines = [" ".join(p.text_content().split())
             for p in lxml_html.fromstring(title.encode()).find_class("book-course")[0].iter("p")]
    assert lines == ["Prepared for", NAME, DETAILS]
    assert not [name for name, text in reader.epub_files().items()
                if name.endswith(".xhtml") and "book-course" in text]


def test_the_web_index_page_shows_the_course(mini: Built, tmp_path: Path) -> None:
    done = run_build("html", "--root", str(mini.root), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    index = lxml_html.fromstring((tmp_path / "pump-reader-web" / "index.html").read_bytes())
    (block,) = index.find_class("book-course")
    assert [" ".join(p.text_content().split()) for p in block.iter("p")] == [
        "Prepared for", NAME, DETAILS]


def test_every_handout_opens_with_the_course(mini_handout: Handout,
                                             reader_handout: Handout) -> None:
    first = _lines(mini_handout.pages()[0])
    assert first[0] == f"{NAME} · {DETAILS}"
    assert first[1].startswith("Handout from A Pump on Broad Street, Part 1: Evidence.")
    assert _lines(reader_handout.pages()[0])[0].startswith("Handout from The Cuban Missile")
