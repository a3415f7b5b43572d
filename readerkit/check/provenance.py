"""Check that an excerpt quotes its capture verbatim, allowing only marked cuts and insertions.

An editor may cut (``[…]``, ``[...]``, ``…``, ``...``) and insert bracketed words (``[sic]``,
``[the Soviet Union]``) but never reword. Every piece between those marks must appear in the
capture once both sides are put through ``normalise_for_comparison``, so typography (curly
quotes, dashes, ligatures, mojibake) never counts as a difference while a changed word does.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from readerkit.sentences import split_sentences
from readerkit.textnorm import normalise_for_comparison


@dataclass(frozen=True)
class Mismatch:
    line: int  # 1-based line in the excerpt body where the unmatched passage starts
    passage: str  # the excerpt's wording that was not found
    closest: str  # the capture's closest wording, "" if nothing close


MIN_WORDS = 3  # shorter pieces ("[sic] and", "he said") would match almost any capture
CLOSEST_MIN_RATIO = 0.5

_FRONT_MATTER_RE = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
# An image's alt text and caption are the editor's words, not the capture's: left out.
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SIC_RE = re.compile(r"\s*\[sic!?\]", re.IGNORECASE)
# Cuts and insertions both end a piece; "…" and "..." may also be the capture's own ellipsis,
# which is harmless: the text on either side is still checked.
_BREAK_RE = re.compile(r"\[[^\]]*\]|…|\.{3,}")
_MARKUP_START_RE = re.compile(r"^\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+)?")
# Headings and list items open a new block; "> " lines continue a quoted paragraph.
_NEW_BLOCK_RE = re.compile(r"^\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+)")
_EMPHASIS_OPEN_RE = re.compile(r"(?<![\w*_\\])[*_]+(?=\S)")
_EMPHASIS_CLOSE_RE = re.compile(r"(?<=\S)(?<!\\)[*_]+(?![\w*_])")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])")


def _strip_inline(text: str) -> str:
    text = _LINK_RE.sub(r"\1", _IMAGE_RE.sub("", text))
    text = _EMPHASIS_CLOSE_RE.sub("", _EMPHASIS_OPEN_RE.sub("", text))
    return text


def _paragraphs(body: str) -> list[list[tuple[int, str]]]:
    """Group body lines into paragraphs of (line number, markup-free text)."""
    offset = 0
    if m := _FRONT_MATTER_RE.match(body):
        offset = body[: m.end()].count("\n")
        body = body[m.end() :]
    paras: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for no, line in enumerate(body.split("\n"), start=1 + offset):
        if not line.strip():
            if current:
                paras.append(current)
            current = []
            continue
        starts_block = bool(_NEW_BLOCK_RE.match(line))
        heading = line.lstrip("> \t").startswith("#")
        if starts_block and current:  # a heading or list item never continues the paragraph
            paras.append(current)
            current = []
        current.append((no, _strip_inline(_MARKUP_START_RE.sub("", line, count=1)).strip()))
        if heading:
            paras.append(current)
            current = []
    if current:
        paras.append(current)
    return paras


@dataclass(frozen=True)
class _Piece:
    text: str
    lines: list[tuple[int, int]]  # (offset in text, excerpt line) where each line begins

    def line_at(self, offset: int) -> int:
        return max((no for start, no in self.lines if start <= offset), default=self.lines[0][1])


def _pieces(body: str) -> list[_Piece]:
    out: list[_Piece] = []
    for para in _paragraphs(body):
        text, starts = "", []
        for no, line in para:
            # "[sic]" replaces nothing: the words either side still form one checkable piece.
            line = _SIC_RE.sub("", line)
            starts.append((len(text) + (1 if text else 0), no))
            text = f"{text} {line}" if text else line
        pos = 0
        for m in [*_BREAK_RE.finditer(text), None]:
            end = m.start() if m else len(text)
            raw = text[pos:end]
            lead = pos + len(raw) - len(raw.lstrip())
            piece = _ESCAPE_RE.sub(r"\1", raw).strip()
            if len(piece.split()) >= MIN_WORDS:
                lines = [(max(0, st - lead), no) for st, no in starts if st < end]
                out.append(_Piece(piece, lines))
            pos = m.end() if m else pos
    return out


def excerpt_passages(body: str) -> list[tuple[int, str]]:
    """The (line, passage) pieces to check: paragraphs split at cuts and bracketed insertions."""
    return [(p.line_at(0), p.text) for p in _pieces(body)]


def _closest(passage: str, capture_words: list[str]) -> str:
    """The capture window most like ``passage``: word-overlap shortlist, then difflib."""
    words = passage.split()
    n = len(words)
    if not capture_words or n == 0:
        return ""
    want = Counter(words)
    have: dict[str, int] = dict.fromkeys(want, 0)
    overlap = 0  # sum of min(want[w], have[w]), kept up to date as the window slides
    scores: list[tuple[int, int]] = []
    for k, w in enumerate(capture_words):
        if w in have:
            overlap += have[w] < want[w]
            have[w] += 1
        if k >= n:
            old = capture_words[k - n]
            if old in have:
                have[old] -= 1
                overlap -= have[old] < want[old]
        if k >= n - 1 or k == len(capture_words) - 1:
            scores.append((overlap, -max(0, k - n + 1)))
    best, best_ratio = "", 0.0
    tried: set[int] = set()
    for _, neg_start in sorted(scores, reverse=True)[:4]:
        for start in range(max(0, -neg_start - 1), -neg_start + 2):
            if start in tried:
                continue
            tried.add(start)
            # Word-level matching: character-level difflib is ten times slower for no gain.
            window = capture_words[start : start + n]
            ratio = SequenceMatcher(None, words, window, autojunk=False).ratio()
            if ratio > best_ratio:
                best, best_ratio = " ".join(window), ratio
    return best if best_ratio >= CLOSEST_MIN_RATIO else ""


def verify_excerpt(body: str, capture: str) -> list[Mismatch]:
    """Every passage of ``body`` that does not stand verbatim in ``capture``."""
    haystack = normalise_for_comparison(capture)
    capture_words = haystack.split()
    mismatches: list[Mismatch] = []
    for piece in _pieces(body):
        if normalise_for_comparison(piece.text) in haystack:
            continue
        # Narrow a failing paragraph to the sentences that fail, each at its own line.
        failing = [
            (piece.line_at(off), s)
            for off, s in split_sentences(piece.text)
            if normalise_for_comparison(s) not in haystack
        ] or [(piece.line_at(0), piece.text)]
        for line, s in failing:
            closest = _closest(normalise_for_comparison(s), capture_words)
            mismatches.append(Mismatch(line, s, closest))
    return mismatches
