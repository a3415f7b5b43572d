"""Find an annotation's quote in a source's text (the W3C TextQuoteSelector idea).

Matching ignores what editors cannot see or type reliably: curly versus straight quotes,
dash kinds, ligatures and runs of white space. Positions are reported in the original text.
"""

from __future__ import annotations

import difflib
import heapq
from dataclasses import dataclass

FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    }
)
EXPANSIONS = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\u2026": "..."}


@dataclass(frozen=True)
class Folded:
    """Text folded for matching, with the original index of every folded character."""

    text: str
    origin: list[int]  # origin[i] = index in the original text of folded character i
    length: int  # length of the original text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of folded characters [start, end)."""
        return self.origin[start], (self.origin[end - 1] + 1 if end > start else self.origin[start])


def fold(text: str) -> Folded:
    chars: list[str] = []
    origin: list[int] = []
    in_space = False
    for index, char in enumerate(text):
        if char.isspace():
            if not in_space and chars:
                chars.append(" ")
                origin.append(index)
            in_space = True
            continue
        in_space = False
        replacement = EXPANSIONS.get(char, char.translate(FOLD))
        for piece in replacement:
            chars.append(piece)
            origin.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    origin.append(len(text))
    return Folded("".join(chars), origin, len(text))


def fold_text(text: str) -> str:
    return fold(text).text


@dataclass(frozen=True)
class Match:
    start: int  # in the original text
    end: int


@dataclass(frozen=True)
class Anchoring:
    matches: list[Match]  # every place the quote (with prefix/suffix) fits
    quote_found: bool  # the bare quote occurs somewhere


def find_quote(text: str, quote: str, prefix: str = "", suffix: str = "") -> Anchoring:
    folded = fold(text)
    needle = fold_text(quote)
    before, after = fold_text(prefix), fold_text(suffix)
    if not needle:
        return Anchoring([], False)
    matches: list[Match] = []
    found = False
    start = folded.text.find(needle)
    while start != -1:
        found = True
        end = start + len(needle)
        head = folded.text[:start].rstrip()
        tail = folded.text[end:].lstrip()
        if (not before or head.endswith(before)) and (not after or tail.startswith(after)):
            matches.append(Match(*folded.span(start, end)))
        start = folded.text.find(needle, start + 1)
    return Anchoring(matches, found)


MAX_EXHAUSTIVE_WINDOWS = 5_000  # about 30 KB of text: every window is compared
SHORTLIST = 200


def _word_key(word: str) -> str:
    """Words that differ only in ending or punctuation share a key ('deaths,' / 'dead')."""
    return "".join(c for c in word.lower() if c.isalnum())[:3]


def _likely_starts(haystack: str, starts: list[int], needle: str) -> list[int]:
    """For long texts, the window starts sharing most words with the quote (linear time), so
    the costly comparison runs on a shortlist instead of on every word of the text."""
    wanted = {_word_key(word) for word in needle.split(" ")} - {""}
    hits = [_word_key(word) in wanted for word in haystack.split(" ")]
    width = max(1, len(needle.split(" ")))
    score = sum(hits[:width])
    scores = [score]
    for index in range(1, len(hits)):
        score += (hits[index + width - 1] if index + width - 1 < len(hits) else 0) - hits[index - 1]
        scores.append(score)
    best = heapq.nlargest(SHORTLIST, range(len(scores)), key=scores.__getitem__)
    return [starts[index] for index in sorted(best)]


def closest_passage(text: str, quote: str) -> str:
    """The stretch of `text` most like `quote`, for a did-you-mean hint ('' if nothing is close)."""
    haystack = fold_text(text)
    needle = fold_text(quote)
    if not needle or not haystack:
        return ""
    width = len(needle)
    best_ratio, best_start = 0.0, 0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    # Candidate windows start at word boundaries; quick_ratio prunes most before the exact ratio.
    starts = [0] + [i + 1 for i, c in enumerate(haystack) if c == " "]
    if len(starts) > MAX_EXHAUSTIVE_WINDOWS:
        starts = _likely_starts(haystack, starts, needle)
    for start in starts:
        window = haystack[start : start + width]
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best_ratio, best_start = ratio, start
    if best_ratio < 0.6:
        return ""
    window = haystack[best_start : best_start + width]
    # Extend to the end of the last word so the hint does not stop mid-word.
    rest = haystack[best_start + width :].split(" ", 1)[0]
    return (window + rest).strip()
