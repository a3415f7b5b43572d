"""`openings: any` in book.yaml: every part, source and appendix on a new page, on either side,
with no blank page added; folios, running heads, page references, the page list and the
mirrored margins stay right."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pypdf
import pytest
from conftest import MINI, copy_reader, run_build

MM_PER_PT = 25.4 / 72


@pytest.fixture(scope="module")
def any_openings(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    recto = copy_reader(MINI, tmp_path_factory.mktemp("recto") / "reader")
    anyside = copy_reader(MINI, tmp_path_factory.mktemp("any") / "reader")
    book = anyside / "book" / "book.yaml"
    book.write_text(book.read_text(encoding="utf-8") + "openings: any\n", encoding="utf-8")
    for root in (recto, anyside):
        done = run_build("all", "--root", str(root), "--edition", "student",
                         "--edition", "instructor")
        assert done.returncode == 0, done.stderr
    return recto, anyside


def _pages(root: Path, stem: str = "pump-reader") -> list[str]:
    return [p.extract_text() or "" for p in pypdf.PdfReader(root / "dist" / f"{stem}.pdf").pages]


def test_no_blank_page_and_fewer_pages(any_openings: tuple[Path, Path]) -> None:
    recto, anyside = any_openings
    recto_pages, any_pages = _pages(recto), _pages(anyside)
    assert any(not text.strip() for text in recto_pages)  # recto openings add blank versos
    assert all(text.strip() for text in any_pages)
    assert len(any_pages) < len(recto_pages)
    for stem in ("pump-reader", "pump-reader-instructor"):
        assert all(text.strip() for text in _pages(anyside, stem))


def _folio(text: str, index: int) -> str | None:
    lines = [line.strip() for line in text.strip().split("\n") if line.strip()]
    tokens = lines[-1].split() if lines else []
    token = (tokens[0] if index % 2 else tokens[-1]) if tokens else ""
    return token if re.fullmatch(r"\d+|[ivx]+", token) else None


def test_folios_on_the_outer_side_and_contents_right(any_openings: tuple[Path, Path]) -> None:
    _, anyside = any_openings
    reader = pypdf.PdfReader(anyside / "dist" / "pump-reader.pdf")
    labels, texts = list(reader.page_labels), [p.extract_text() or "" for p in reader.pages]
    printed = {i: _folio(t, i) for i, t in enumerate(texts) if i > 0}  # title page: no folio
    # Every folio printed is the page's label, read from the side a verso or recto puts it.
    assert [printed[i] == labels[i] for i in printed if printed[i]] == [True] * len(
        [i for i in printed if printed[i]])
    assert sum(1 for i in printed if printed[i]) >= 3
    starts = [i for i, t in enumerate(texts) if re.match(r"\s*(Primary|Secondary) source", t)]
    assert any(i % 2 == 1 for i in starts + [i for i, t in enumerate(texts)
                                             if t.lstrip().startswith(("Glossary", "Part"))])
    contents = next(t for t in texts if t.lstrip().startswith("Contents"))
    for title, number in re.findall(r"^(Glossary|Bibliography)[ .]*(\d+)$", contents, re.M):
        index = next(i for i, t in enumerate(texts) if t.lstrip().startswith(title + "\n"))
        assert labels[index] == number, title


def test_versos_have_mirrored_margins(any_openings: tuple[Path, Path]) -> None:
    _, anyside = any_openings
    reader = pypdf.PdfReader(anyside / "dist" / "pump-reader.pdf")
    lefts: dict[int, list[float]] = {0: [], 1: []}
    for index, page in enumerate(reader.pages):
        xs: list[float] = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size, xs=xs:
                          xs.append(tm[4] * cm[0] + cm[4]) if text.strip() else None)
        if xs:
            lefts[index % 2].append(min(xs))
    # The inner margin (binding) is wider: text starts further right on rectos.
    assert lefts[0] and lefts[1] and min(lefts[0]) > min(lefts[1])


def test_the_epub_page_list_follows_the_pdf(any_openings: tuple[Path, Path]) -> None:
    _, anyside = any_openings
    labels = list(pypdf.PdfReader(anyside / "dist" / "pump-reader.pdf").page_labels)
    with zipfile.ZipFile(anyside / "dist" / "pump-reader.epub") as archive:
        nav = archive.read("EPUB/nav.xhtml").decode()
    listed = re.findall(r'<a href="[^"]+#page-[^"]+">([^<]+)</a>', nav)
    assert listed == [label for label in labels if label.isdigit()] or listed == labels
