"""Folios: the printed page numbers of the print edition, one rule for every use.

Lower-roman from the title page (i, ii, …) up to the first page of <main id="body-matter">,
then arabic from 1. formats/print/paginate.py numbers pages with it, fills in page references
with it, and the PDF's page labels and the EPUB's page list follow it.
"""

from __future__ import annotations


def roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while number >= value:
            out += letters
            number -= value
    return out


def folio(index: int, in_body: bool) -> str:
    """The folio of the index-th page (0-based) of the front matter or of the body."""
    return str(index + 1) if in_body else roman(index + 1)


def page_labels(pages: int, body_start: int | None) -> list[str]:
    """Folio of each page, as formats/print/paginate.py numbers them: lower-roman from the title
    page (i, ii, …) up to the first page of <main id="body-matter">, then arabic from 1. Pages that
    print no folio (title, part openers, blanks) still get their label."""
    start = pages if body_start is None else body_start
    return [folio(i, False) if i < start else folio(i - start, True) for i in range(pages)]


def label_ranges(labels: list[str]) -> list[tuple[int, str]]:
    """(first page index, PDF numbering style) of each run of roman or arabic folios."""
    ranges: list[tuple[int, str]] = []
    for index, label in enumerate(labels):
        style = "/D" if label.isdigit() else "/r"
        if not ranges or ranges[-1][1] != style or (style == "/D" and label == "1"):
            ranges.append((index, style))
    return ranges


