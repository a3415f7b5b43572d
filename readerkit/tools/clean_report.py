"""The cleaner's report: one `path:line: action (reason): text` row per line removed or changed."""

from __future__ import annotations

from dataclasses import dataclass

from readerkit.textnorm import INVISIBLES
from readerkit.tools import clean_rules as R

JOINED = "hard-wrapped line joined to line"  # a reason whose line's own text is unchanged


@dataclass(frozen=True)
class Change:
    line: int  # 1-based line in the raw capture
    action: str  # "removed" or "changed"
    reason: str
    before: str
    after: str | None  # None when removed



def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _visible(text: str) -> str:
    """Spell out invisible and odd space characters so whitespace-only changes can be seen."""
    odd = INVISIBLES + R.SPACE_LIKE.replace("\t", "") + "\r"
    return "".join(f"<U+{ord(c):04X}>" if c in odd else c for c in text)


def _diff_window(before: str, after: str, width: int = 36) -> str:
    """Show where a changed line differs rather than two identical 80-character prefixes."""
    before, after = _visible(before), _visible(after)
    start = next((k for k, (x, y) in enumerate(zip(before, after, strict=False)) if x != y), None)
    if start is None:
        start = min(len(before), len(after))
    lo = max(0, start - width // 2)

    def cut(s: str) -> str:
        piece = " ".join(s[lo : lo + width].split("\n"))
        return ("…" if lo else "") + piece + ("…" if lo + width < len(s) else "")

    return f"{cut(before)} -> {cut(after)}"


def format_report(changes: list[Change], *, capture_path: str) -> str:
    rows = []
    for c in changes:
        if c.after is None or c.reason.startswith(JOINED):  # the line's text itself is unchanged
            text = _shorten(_visible(c.before))
        else:
            text = _diff_window(c.before, c.after)
        rows.append(f"{capture_path}:{c.line}: {c.action} ({c.reason}): {text}")
    return "\n".join(rows) + ("\n" if rows else "")
