"""The course pack's permissions table: for each source, its rights and what it costs in print.

A row gives the rights holder and the permission status (`permission:` in the source's front
matter), the print pages the source occupies in the student edition (from its page map) and
their count, the words quoted and the share of the captured original they are (the capture
under sources/raw/ named by `captured_from`). `build.py permissions` prints the table and
writes it as CSV; `print_shop_warnings` gives W005 for a `--print-shop` build.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from readerkit.diagnostics import Diagnostics
from readerkit.document import BookDoc, SourceDoc
from readerkit.htmltools import parse_fragment, text_of
from readerkit.model import PRINTABLE, Project
from readerkit.pagemap import PageMap
from readerkit.render.handout import reader_page_indices

WORD = re.compile(r"[^\W_]+(?:['’.-]+[^\W_]+)*")


@dataclass(frozen=True)
class Row:
    source_id: str
    title: str
    rights_holder: str
    permission: str
    pages: list[str]  # the folios of the printed pages that hold its text
    words: int
    capture_words: int | None  # None: no capture to compare with

    @property
    def share(self) -> str:
        if not self.capture_words:
            return ""
        return f"{100 * self.words / self.capture_words:.0f}%"

    @property
    def page_range(self) -> str:
        if not self.pages:
            return ""
        return self.pages[0] if len(self.pages) == 1 else f"{self.pages[0]}–{self.pages[-1]}"


def words_in(text: str) -> int:
    """Words of running text: "U.S.-Soviet" and "Khrushchev’s" are one each; "[…]" is none."""
    return len(WORD.findall(text))


def _quoted_text(doc: SourceDoc) -> str:
    """The excerpt's words: its text without paragraph numbers, note calls and cut marks."""
    tree = parse_fragment(doc.html)
    for element in tree.xpath('//*[contains(@class, "pnum") or @class="noteref"]'):
        element.drop_tree()
    return text_of(tree)


def rows(book: BookDoc, pages: PageMap) -> list[Row]:
    project = book.project
    found = []
    for doc in book.sources:
        # The pages with its text (render/handout.py: a handout's "Reader, pp." the same)
        printed = [pages.page_labels[i] for i in reader_page_indices(doc, pages)]
        source = doc.source
        capture = project.root / "sources" / source.captured_from if source.captured_from \
            else None
        capture_words = words_in(capture.read_text(encoding="utf-8", errors="replace")) \
            if capture is not None and capture.is_file() else None
        found.append(Row(source.id, source.title, source.rights_holder, source.permission,
                         printed, words_in(_quoted_text(doc)), capture_words))
    return found


HEADER = ("source", "title", "rights holder", "permission", "print pages", "page count",
          "words quoted", "capture words", "share of capture")


def _cells(row: Row) -> tuple[str, ...]:
    return (row.source_id, row.title, row.rights_holder, row.permission or "(none)",
            row.page_range, str(len(row.pages)), str(row.words),
            "" if row.capture_words is None else str(row.capture_words), row.share)


def as_csv(table: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(_cells(row) for row in table)
    return out.getvalue()


def as_text(table: list[Row]) -> str:
    """The table for a terminal: one aligned line per source, then the totals."""
    cells = [HEADER] + [_cells(row) for row in table]
    shown = [tuple(c if i != 1 else (c if len(c) <= 40 else c[:39] + "…") for i, c in
                   enumerate(line)) for line in cells]
    widths = [max(len(line[i]) for line in shown) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
             for line in shown]
    total = sum(len(row.pages) for row in table)
    lines.append(f"{len(table)} sources, {total} print pages, "
                 f"{sum(row.words for row in table)} words quoted")
    return "\n".join(lines) + "\n"


def print_shop_warnings(project: Project, diags: Diagnostics) -> None:
    """W005: a source a copy shop may not print as things stand."""
    for part in project.book.parts:
        for source_id in part.sources:
            source = project.sources.get(source_id)
            if source is None or source.permission in PRINTABLE:
                continue
            status = f"'{source.permission}'" if source.permission else "not given"
            diags.warning(source.path, source.line_of.get("permission", 1), "W005",
                          f"source '{source.id}' is printed for a print shop, but its "
                          f"permission is {status}",
                          "clear the rights with the rights holder and write "
                          "'permission: cleared' (or 'licensed'), or leave the source out")
