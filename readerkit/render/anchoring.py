"""Find an annotation's quote in a source's text (the W3C TextQuoteSelector idea).

Matching ignores what editors cannot see or type reliably: curly versus straight quotes,
dash kinds, ligatures (the folding table of readerkit.textnorm) and runs of white space.
Positions are reported in the original text.
"""

from __future__ import annotations

import difflib
import heapq
import re
from dataclasses import dataclass

from readerkit import textnorm
from readerkit.textnorm import INVISIBLES, ONE_TO_ONE

# The one folding table (readerkit.textnorm): one character for one, invisibles dropped...
FOLD = str.maketrans({**ONE_TO_ONE, **dict.fromkeys(INVISIBLES, "")})
# ... and ligatures and the ellipsis spelled out (positions then map several to one).
EXPANSIONS = textnorm.EXPANSIONS


@dataclass(frozen=True)
class Folded:
    """Text folded for matching, with the original index of every folded character."""

    text: str
    origin: list[int]  # origin[i] = index in the original text of folded character i
    length: int  # length of the original text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of folded characters [start, end)."""
        return self.origin[start], (self.origin[end - 1] + 1 if end > start else self.origin[start])


# What fold() cannot copy through in bulk: white space other than a lone " " (runs, tabs,
# newlines...), and the characters it drops or expands.
DROPPED = "".join(chr(code) for code, value in FOLD.items() if not value)
SPECIAL = re.compile(r"\s{2,}|[^\S ]|[" + re.escape(DROPPED + "".join(EXPANSIONS)) + "]")


def fold(text: str) -> Folded:
    """Fold `text` for matching.

    The result is that of folding character by character (each white space run becomes one
    space, never at the start or end), but runs of ordinary characters, lone spaces between
    words included, are translated in bulk: FOLD maps them one character to one.
    """
    pieces: list[str] = []
    origin: list[int] = []
    size = 0  # folded characters so far
    in_space = False
    position = 0
    for special in [*SPECIAL.finditer(text), None]:
        start, end = special.span() if special else (len(text), len(text))
        if start > position:
            # A lone space here sits between non-space characters, unless nothing is folded yet.
            if size == 0 and text[position] == " ":
                position += 1
            pieces.append(text[position:start].translate(FOLD))
            origin.extend(range(position, start))
            size += start - position
            in_space = False
        if special is None:
            break
        if text[start].isspace():
            if not in_space and size:
                pieces.append(" ")
                origin.append(start)
                size += 1
            in_space = True
        else:  # dropped (soft hyphen, zero-width characters) or expanded (ligatures, ellipsis)
            in_space = False
            expansion = EXPANSIONS.get(text[start], "")
            pieces.append(expansion)
            origin.extend([start] * len(expansion))
            size += len(expansion)
        position = end
    folded = "".join(pieces).rstrip(" ")
    del origin[len(folded) :]
    origin.append(len(text))
    return Folded(folded, origin, len(text))


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


def _ends_with(haystack: str, at: int, before: str) -> bool:
    """haystack[:at].rstrip().endswith(before), without copying the prefix."""
    while at > 0 and haystack[at - 1].isspace():
        at -= 1
    return haystack.endswith(before, 0, at)


def _starts_with(haystack: str, at: int, after: str) -> bool:
    """haystack[at:].lstrip().startswith(after), without copying the rest."""
    while at < len(haystack) and haystack[at].isspace():
        at += 1
    return haystack.startswith(after, at)


def find_quote(
    text: str | Folded, quote: str, prefix: str = "", suffix: str = ""
) -> Anchoring:
    """Every place `quote` (with `prefix` before and `suffix` after it) fits in `text`.

    `text` may be given already folded (fold(text)): callers anchoring many quotes in one
    source fold it once."""
    folded = text if isinstance(text, Folded) else fold(text)
    haystack = folded.text
    needle = fold_text(quote)
    before, after = fold_text(prefix), fold_text(suffix)
    if not needle:
        return Anchoring([], False)
    matches: list[Match] = []
    found = False
    start = haystack.find(needle)
    while start != -1:
        found = True
        end = start + len(needle)
        if (not before or _ends_with(haystack, start, before)) and (
            not after or _starts_with(haystack, end, after)
        ):
            matches.append(Match(*folded.span(start, end)))
        start = haystack.find(needle, start + 1)
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


def closest_passage(text: str | Folded, quote: str) -> str:
    """The stretch of `text` most like `quote`, for a did-you-mean hint ('' if nothing is close)."""
    haystack = text.text if isinstance(text, Folded) else fold_text(text)
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
