"""Golden tests: the intermediate HTML/XHTML of the tiny reader, compared line by line.

PDF bytes are not compared (fonts and layout engines vary); what the engine decides is all in
the HTML WeasyPrint lays out and in the EPUB's XHTML. After an intended change, refresh with
`pytest tests/test_golden.py --update-golden` and review the diff in git.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Built, print_html

GOLDEN = Path(__file__).resolve().parent / "golden" / "mini"


def _compare(name: str, actual: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}; run pytest --update-golden"
    assert actual.splitlines() == path.read_text(encoding="utf-8").splitlines(), name


def test_print_html_matches_golden(mini: Built, request: pytest.FixtureRequest) -> None:
    _compare("print.html", print_html(mini.root), request.config.getoption("--update-golden"))


@pytest.mark.parametrize(
    "page", ["src-snow-letter.xhtml", "src-pump-essay.xhtml", "glossary.xhtml", "nav.xhtml"]
)
def test_epub_xhtml_matches_golden(mini: Built, page: str, request: pytest.FixtureRequest) -> None:
    actual = mini.epub_files()[f"EPUB/{page}"]
    _compare(f"epub-{page}", actual, request.config.getoption("--update-golden"))


def test_instructor_print_html_matches_golden(mini: Built,
                                              request: pytest.FixtureRequest) -> None:
    """The instructor edition's print HTML: marks beside their blocks, the guide at the back."""
    from readerkit.formats.print.html import print_html as print_edition_html
    from readerkit.pipeline import assemble_book, load_checked
    from readerkit.render import editions

    project, diags = load_checked(mini.root)
    book = editions.instructor_book(assemble_book(project, diags), project)
    _compare("print-instructor.html", print_edition_html(book),
             request.config.getoption("--update-golden"))
