"""Sentences of a paragraph, for the verbatim checks and the capture cleaner's duplicates."""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    [
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "st.",
        "jr.",
        "sr.",
        "gen.",
        "col.",
        "lt.",
        "sgt.",
        "capt.",
        "gov.",
        "sen.",
        "rep.",
        "vs.",
        "etc.",
        "no.",
        "p.",
        "pp.",
        "e.g.",
        "i.e.",
        "cf.",
        "ca.",
        "approx.",
        "dept.",
        "fig.",
        "vol.",
    ]
)
_INITIALS_RE = re.compile(r"(?:[A-Za-z]\.){1,5}")
# Words that start sentences often enough that "U.S.S.R. The" is treated as a boundary.
SENTENCE_STARTERS = frozenset(
    [
        "The",
        "It",
        "He",
        "She",
        "They",
        "This",
        "That",
        "These",
        "Those",
        "A",
        "An",
        "In",
        "On",
        "At",
        "But",
        "And",
        "However",
        "We",
        "I",
        "His",
        "Her",
        "Their",
        "There",
        "As",
        "After",
        "Before",
        "When",
        "While",
        "Despite",
    ]
)
_BOUNDARY_RE = re.compile(r"[.!?…]+[”\"’)\]]*\s+")


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Split a paragraph into (offset, sentence) pairs without breaking at "U.S." or "Dr."."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in _BOUNDARY_RE.finditer(text):
        nxt = text[m.end() : m.end() + 1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "“\"‘'("):
            continue
        token = (
            text[start : m.start() + 1].split()[-1] if text[start : m.start() + 1].split() else ""
        )
        if token.lower() in ABBREVIATIONS or _INITIALS_RE.fullmatch(token):
            next_word = text[m.end() :].split(maxsplit=1)[0] if text[m.end() :].split() else ""
            if next_word not in SENTENCE_STARTERS:
                continue
        out.append((start, text[start : m.end()].rstrip()))
        start = m.end()
    if text[start:].strip():
        out.append((start, text[start:].rstrip()))
    return out
