"""Junk lines of a web capture: rules, author boxes, link lists, captions (tools/clean_source.py).

Each `mark_*` pass marks the lines it recognises (Line.junk = the reason shown in the cleaner's
report) among the live line indices it is given; the patterns are rows in tools/clean_rules.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from readerkit.tools import clean_rules as R


@dataclass
class Line:
    """One line of the capture: its raw text, its repaired text and what repaired it."""

    no: int
    raw: str
    text: str
    fixes: list[str]
    junk: str | None = None


def word_count(text: str) -> int:
    return len(text.split())


_SENTENCE_END_RE = re.compile(r"[.!?…][\"”’)\]]*$")


def is_narrative(text: str) -> bool:
    """Prose rather than a title or a link: a finished sentence, or too long to be a title."""
    n = word_count(text)
    return n >= 30 or (n >= 6 and bool(_SENTENCE_END_RE.search(text)))


def is_title_like(text: str, max_words: int = 15) -> bool:
    return (
        0 < word_count(text) <= max_words
        and len(text) <= 120
        and text[-1:] not in ".,;:"
        and any(c.isalpha() for c in text)
        and not R.BYLINE_RE.match(text)
    )


def mark_rules(lines: list[Line], live: list[int]) -> None:
    for i in live:
        t = lines[i].text
        if t.lower() in R.NAV_EXACT or R.NAV_RE.search(t):
            lines[i].junk = "site navigation"
        elif R.SHARE_RE.match(t):
            lines[i].junk = "share bar"
        elif R.RELATED_HEADING_RE.match(t):
            lines[i].junk = "related-posts list"
        elif word_count(t) <= 60:
            lines[i].junk = next((k for k, p in R.STRONG_RULES if p.search(t)), None)
    for pos, i in enumerate(live):
        t = lines[i].text
        if lines[i].junk or word_count(t) > R.WEAK_MAX_WORDS:
            continue
        near = {lines[j].junk for j in live[max(0, pos - R.WEAK_WINDOW) : pos + R.WEAK_WINDOW + 1]}
        lines[i].junk = next((k for k, p in R.WEAK_RULES if k in near and p.search(t)), None)


def mark_author_boxes(lines: list[Line], live: list[int]) -> None:
    fields = [i for i in live
              if R.AUTHOR_KV_RE.match(lines[i].text) and word_count(lines[i].text) < 80]
    groups: list[list[int]] = []
    for i in fields:
        if groups and i - groups[-1][-1] <= R.AUTHOR_GAP + 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    for g in groups:
        if len(g) < R.AUTHOR_MIN_FIELDS:
            continue
        for i in range(max(0, g[0] - R.AUTHOR_GAP - 1), g[-1] + 1):
            if i in g or R.AUTHOR_HEADING_RE.match(lines[i].text):
                lines[i].junk = "author box"


def _list_candidate(text: str) -> bool:
    n = word_count(text)
    return (
        n <= R.LINK_FARM_MAX_WORDS
        and len(text) <= R.LINK_FARM_MAX_CHARS
        and not (text.endswith(".") and n >= 8)
    )


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 4 and w not in R.STOPWORDS]


def mark_lists(lines: list[Line], live: list[int]) -> None:
    """Related-post lists after their heading, and link-farm runs of unrelated short titles."""
    vocab = {w for i in live if word_count(lines[i].text) >= 12
             for w in _content_words(lines[i].text)}

    def unrelated(text: str) -> bool:
        ws = _content_words(text)
        return not ws or sum(w in vocab for w in ws) / len(ws) < 0.5

    def heads_narrative(pos: int, seq: list[int]) -> bool:
        return pos + 1 < len(seq) and is_narrative(lines[seq[pos + 1]].text)

    kept = [i for i, ln in enumerate(lines) if ln.text and not ln.junk]
    run: list[int] = []
    for pos, i in enumerate([*kept, -1]):
        if i >= 0 and _list_candidate(lines[i].text) and not heads_narrative(pos, kept):
            run.append(i)
            continue
        if len(run) >= R.LINK_FARM_MIN_RUN:
            share = sum(unrelated(lines[j].text) for j in run) / len(run)
            if share >= R.LINK_FARM_UNRELATED_SHARE:
                for j in run:
                    lines[j].junk = "link-farm spam list"
        run = []

    # Leftovers under a "Related posts" heading that were too few or too on-topic for a farm.
    nonblank = [i for i, ln in enumerate(lines) if ln.text]
    for pos, i in enumerate(nonblank):
        if lines[i].junk != "related-posts list":
            continue
        for p in range(pos + 1, len(nonblank)):
            j = nonblank[p]
            if lines[j].junk:
                continue
            if not _list_candidate(lines[j].text) or heads_narrative(p, nonblank):
                break
            lines[j].junk = "related-posts list"


def mark_captions(lines: list[Line], live: list[int]) -> None:
    for i in live:
        t = lines[i].text
        if not lines[i].junk and word_count(t) <= R.CAPTION_MAX_WORDS and R.CAPTION_RE.search(t):
            lines[i].junk = "caption without its image"
