"""The instructor edition has the student edition's pages: the proof, page by page.

The build compares the two page maps over every page of the student edition: the same folio,
the same running text beginning at the same place (anchor and offset), the same ids starting
on it (the instructor's own marks and guide aside). The instructor edition may only add pages
after the student edition's last: its guide.
"""

from __future__ import annotations

from readerkit import anchors
from readerkit.pagemap import PageMap, PageStart

INSTRUCTOR_ONLY = (anchors.teaching_mark.prefix, anchors.teaching_note.prefix)


def _ids_by_page(pages: PageMap, skip: tuple[str, ...]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for anchor, page in pages.anchor_pages.items():
        if not anchor.startswith(skip):
            found.setdefault(page, set()).add(anchor)
    return found


def _start(starts: list[PageStart], index: int) -> tuple[str | None, int, str]:
    if index >= len(starts):
        return (None, 0, "")
    start = starts[index]
    return (start.anchor, start.offset, start.words)


def first_difference(student: PageMap, instructor: PageMap) -> str | None:
    """None if every student page is the instructor's page of the same number, else a message
    naming the first page that differs and how."""
    student_ids = _ids_by_page(student, ())
    instructor_ids = _ids_by_page(instructor, INSTRUCTOR_ONLY)
    for index in range(student.pages):
        folio = student.page_labels[index]
        where = f"page {folio} (PDF page {index + 1})"
        if index >= instructor.pages:
            return (f"the instructor edition has {instructor.pages} pages, the student "
                    f"edition {student.pages}: {where} is missing")
        if instructor.page_labels[index] != folio:
            return (f"{where} of the student edition is numbered "
                    f"{instructor.page_labels[index]} in the instructor edition")
        mine, theirs = _start(student.page_starts, index), _start(instructor.page_starts, index)
        if mine[:2] != theirs[:2]:
            return (f"{where} begins differently in the instructor edition: at '{theirs[2]}' "
                    f"({theirs[0]}, after {theirs[1]} letters) instead of '{mine[2]}' "
                    f"({mine[0]}, after {mine[1]} letters)")
        ids, other = student_ids.get(index, set()), instructor_ids.get(index, set())
        if ids != other:
            moved = sorted(ids ^ other)[0]
            return f"{where} differs in the instructor edition: '{moved}' is not on the same page"
    return None
