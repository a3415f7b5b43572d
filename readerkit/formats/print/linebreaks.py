"""A fix for one line-breaking mistake of WeasyPrint 70.0, pinned to that version.

WeasyPrint asks Pango for the first line of a run of text and, when Pango says the whole run
fits, still compares the run's width, trailing space included, with the line's width. A run
that fits only without its trailing space (the text before an inline element that starts the
next line: a glossary link, an index mark) is then treated as a run that cannot be split at
all, and the line is cut after its first word: in this reader "sum-" / "mer," / "but U.S.
intelligence…", a one-word line in a justified paragraph. (WeasyPrint's own line code already
lets a trailing space hang past the margin; only this check forgets it.)

`fixed()` wraps `split_first_line` while a document is laid out: where WeasyPrint's answer is a
short first line and the run without its trailing spaces fits the line whole, the run is laid
out whole. Every other answer is WeasyPrint's own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from math import inf
from typing import Any

import weasyprint
from weasyprint.layout import inline as weasy_inline

WEASYPRINT_VERSION = "70.0"  # the version whose split_first_line this corrects
SHORT_LINE = 0.8  # a first line narrower than this share of the measure is re-checked
_COLLAPSING = frozenset({"normal", "nowrap", "pre-line"})  # white-space values that collapse

_original = weasy_inline.split_first_line


def _split_first_line(text: str, style: Any, context: Any, max_width: float | None,
                      justification_spacing: float, is_line_start: bool = True,
                      minimum: bool = False) -> Any:
    result = _original(text, style, context, max_width, justification_spacing,
                       is_line_start, minimum)
    resume_index, width = result[2], result[3]
    if (resume_index is None or max_width is None or max_width == inf
            or not text.endswith(" ") or style["white_space"] not in _COLLAPSING
            or width >= SHORT_LINE * max_width):
        return result
    trimmed = _original(text.rstrip(" "), style, context, max_width, justification_spacing,
                        is_line_start, minimum)
    if trimmed[2] is not None or trimmed[3] > max_width:
        return result  # the run does not fit even without its trailing space: a true break
    return _original(text, style, context, inf, justification_spacing, is_line_start, minimum)


@contextlib.contextmanager
def fixed() -> Iterator[None]:
    """Within this block, WeasyPrint's inline layout uses the corrected split_first_line."""
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise RuntimeError(f"formats/print/linebreaks.py corrects WeasyPrint "
                           f"{WEASYPRINT_VERSION}'s line breaking, not "
                           f"{weasyprint.__version__}'s: check it again")
    weasy_inline.split_first_line = _split_first_line
    try:
        yield
    finally:
        weasy_inline.split_first_line = _original
