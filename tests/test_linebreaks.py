"""formats/print/linebreaks.py: a run of text that fits its line only without its trailing
space is laid out whole, not cut after its first word (WeasyPrint 70.0's mistake)."""

from __future__ import annotations

import subprocess

import pytest
import weasyprint
from conftest import Built

from readerkit.formats.print import linebreaks

RUN = "Construction of several sites began in the late summer, but intelligence"
FONT = "font: 12pt DejaVu Serif; margin: 0"


def _lines(html: str) -> list[str]:
    document = weasyprint.HTML(string=html).render()
    lines = []
    for box in document.pages[0]._page_box.descendants():
        if type(box).__name__ == "LineBox":
            words = "".join(getattr(child, "text", "") for child in box.descendants()
                            if hasattr(child, "text"))
            lines.append(" ".join(words.split()))
    return lines


def _run_width() -> float:
    """The run's own width, without a trailing space, as WeasyPrint measures it."""
    document = weasyprint.HTML(string=f'<p style="{FONT}"><span style="float: left">{RUN}'
                                      "</span></p>").render()
    floats = [box for box in document.pages[0]._page_box.descendants()
              if type(box).__name__ == "BlockBox" and box.style["float"] == "left"]
    width: float = floats[0].width
    return width


# (the paragraph's width beyond the run's own, the lines it must break into)
CASES = [
    ("room for the run but not its trailing space", 1.0,
     [RUN, "discovered evidence."]),
    ("room for the run and the next word", 120.0,
     [f"{RUN} discovered", "evidence."]),
    ("no room for the run's last word", -60.0,
     [RUN.removesuffix(" intelligence"), "intelligence discovered evidence."]),
]


@pytest.mark.parametrize(("extra", "expected"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_a_run_breaks_where_it_should(extra: float, expected: list[str]) -> None:
    width = _run_width() + extra
    page = (f"<style>@page {{ size: 30cm 10cm; margin: 0 }} p {{ {FONT}; width: {width}px }}"
            f"</style><p>{RUN} <span>discovered</span> evidence.</p>")
    with linebreaks.fixed():
        assert _lines(page) == expected


def test_the_fix_is_needed_and_undone_after_the_block() -> None:
    page = (f"<style>@page {{ size: 30cm 10cm; margin: 0 }} p {{ {FONT}; "
            f"width: {_run_width() + 1}px }}</style><p>{RUN} <span>discovered</span> evidence.</p>")
    assert _lines(page)[0] == "Construction"  # WeasyPrint's own answer: one word
    with linebreaks.fixed():
        assert _lines(page)[0] == RUN
    assert _lines(page)[0] == "Construction"


def test_no_one_word_line_inside_a_paragraph_of_the_reader(reader: Built) -> None:
    """A one-word line that the same sentence goes on after, below a full line: the mistake
    as a reader of the PDF sees it ("sum-" / "mer," / "but U.S. intelligence…")."""
    text = subprocess.run(["pdftotext", str(reader.pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    found = []
    for number, page in enumerate(text.split("\f"), start=1):
        lines = page.split("\n")
        for before, line, after in zip(lines, lines[1:], lines[2:], strict=False):
            if (len(line.split()) == 1 and len(before) > 80 and after[:1].islower()):
                found.append(f"p. {number}: {before[-20:]!r} / {line!r} / {after[:20]!r}")
    assert found == []

