"""Turn one raw web capture into a draft excerpt, reporting every line removed or changed.

Three layers: pure ``str -> str`` text fixes (mojibake, ligatures, invisibles, whitespace);
line classifiers for site junk (patterns in ``clean_rules``); paragraph passes (hard-wrap
joining, duplicate removal, headings). Bias throughout: a narrative sentence is never removed
unless it repeats an earlier one; when a rule is unsure it keeps the line.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from readerkit.sentences import split_sentences
from readerkit.textnorm import (
    INVISIBLES,
    expand_ligatures,
    fix_mojibake,
    normalise_for_comparison,
    remove_invisibles,
)
from readerkit.tools import clean_rules as R


@dataclass(frozen=True)
class Change:
    line: int  # 1-based line in the raw capture
    action: str  # "removed" or "changed"
    reason: str
    before: str
    after: str | None  # None when removed


@dataclass(frozen=True)
class CleanResult:
    markdown: str
    changes: list[Change]


# --- pure text transforms ----------------------------------------------------------------------


_SPACE_TABLE = {ord(c): " " for c in R.SPACE_LIKE}


def normalise_whitespace(text: str) -> str:
    """Plain spaces, no trailing or doubled spaces, at most one blank line between paragraphs."""
    lines = [re.sub(r" {2,}", " ", ln).strip() for ln in text.translate(_SPACE_TABLE).split("\n")]
    joined = "\n".join(ln.rstrip("\r").strip() for ln in lines)
    return re.sub(r"\n{3,}", "\n\n", joined).strip("\n")


def dedupe_key(text: str) -> str:
    """Looser form for spotting repeats: case, punctuation, "U.S."/"United States", spellings."""
    text = R.COUNTRY_RE.sub(" us ", normalise_for_comparison(text).lower())
    words = re.sub(r"[^\w\s]", " ", text).split()
    return " ".join(R.IZE_RE.sub(r"is\1", R.SPELLING_VARIANTS.get(w, w)) for w in words)


TEXT_FIXES: list[tuple[str, Callable[[str], str]]] = [
    ("mojibake", fix_mojibake),
    ("ligature", expand_ligatures),
    ("zero-width character or soft hyphen", remove_invisibles),
    ("whitespace", normalise_whitespace),
]

# --- line model -----------------------------------------------------------------------------


@dataclass
class _Line:
    no: int
    raw: str
    text: str
    fixes: list[str]
    junk: str | None = None


@dataclass
class _Para:
    idx: list[int]  # indices into the line list
    starts: list[int]  # offset in ``text`` where each line begins
    text: str
    heading: bool = False
    changes: list[Change] = field(default_factory=list)

    def line_at(self, offset: int, lines: list[_Line]) -> int:
        return lines[self.idx[bisect.bisect_right(self.starts, offset) - 1]].no


def _words(text: str) -> int:
    return len(text.split())


_SENTENCE_END_RE = re.compile(r"[.!?…][\"”’)\]]*$")


def is_narrative(text: str) -> bool:
    """Prose rather than a title or a link: a finished sentence, or too long to be a title."""
    n = _words(text)
    return n >= 30 or (n >= 6 and bool(_SENTENCE_END_RE.search(text)))


def is_title_like(text: str, max_words: int = 15) -> bool:
    return (
        0 < _words(text) <= max_words
        and len(text) <= 120
        and text[-1:] not in ".,;:"
        and any(c.isalpha() for c in text)
        and not R.BYLINE_RE.match(text)
    )


def _fix_lines(raw: str) -> list[_Line]:
    lines = []
    for no, rawline in enumerate(raw.split("\n"), start=1):
        rawline = rawline.rstrip("\r")
        text, fixes = rawline, []
        for reason, fix in TEXT_FIXES:
            fixed = fix(text)
            if fixed != text:
                # A line that is only whitespace is a paragraph break, not a change worth a row.
                if fixed or reason != "whitespace":
                    fixes.append(reason)
                text = fixed
        lines.append(_Line(no, rawline, text, fixes))
    return lines


# --- junk classification --------------------------------------------------------------------


def _mark_rules(lines: list[_Line], live: list[int]) -> None:
    for i in live:
        t = lines[i].text
        if t.lower() in R.NAV_EXACT or R.NAV_RE.search(t):
            lines[i].junk = "site navigation"
        elif R.SHARE_RE.match(t):
            lines[i].junk = "share bar"
        elif R.RELATED_HEADING_RE.match(t):
            lines[i].junk = "related-posts list"
        elif _words(t) <= 60:
            lines[i].junk = next((k for k, p in R.STRONG_RULES if p.search(t)), None)
    for pos, i in enumerate(live):
        t = lines[i].text
        if lines[i].junk or _words(t) > R.WEAK_MAX_WORDS:
            continue
        near = {lines[j].junk for j in live[max(0, pos - R.WEAK_WINDOW) : pos + R.WEAK_WINDOW + 1]}
        lines[i].junk = next((k for k, p in R.WEAK_RULES if k in near and p.search(t)), None)


def _mark_author_boxes(lines: list[_Line], live: list[int]) -> None:
    fields = [i for i in live if R.AUTHOR_KV_RE.match(lines[i].text) and _words(lines[i].text) < 80]
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
    n = _words(text)
    return (
        n <= R.LINK_FARM_MAX_WORDS
        and len(text) <= R.LINK_FARM_MAX_CHARS
        and not (text.endswith(".") and n >= 8)
    )


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 4 and w not in R.STOPWORDS]


def _mark_lists(lines: list[_Line], live: list[int]) -> None:
    """Related-post lists after their heading, and link-farm runs of unrelated short titles."""
    vocab = {w for i in live if _words(lines[i].text) >= 12 for w in _content_words(lines[i].text)}

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


def _mark_captions(lines: list[_Line], live: list[int]) -> None:
    for i in live:
        t = lines[i].text
        if not lines[i].junk and _words(t) <= R.CAPTION_MAX_WORDS and R.CAPTION_RE.search(t):
            lines[i].junk = "caption without its image"


def _classify(lines: list[_Line]) -> str:
    """Mark every junk line with its reason; return the page title taken from the lines."""
    live = [i for i, ln in enumerate(lines) if ln.text]
    _mark_rules(lines, live)
    live = [i for i in live if not lines[i].junk]
    _mark_author_boxes(lines, live)
    live = [i for i in live if not lines[i].junk]
    _mark_captions(lines, live)
    title = _take_title(lines)  # before the lists, so a repeated title is reported as such
    _mark_lists(lines, [i for i in live if not lines[i].junk])
    return title


# --- paragraphs ---------------------------------------------------------------------------------


def _title_case(text: str) -> bool:
    long_words = [w for w in text.split() if len(w) >= 4]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.6


_JOINED = "hard-wrapped line joined to line"


def _paragraphs(lines: list[_Line]) -> list[_Para]:
    """Group kept lines into paragraphs, joining lines that were hard-wrapped mid-sentence."""
    paras: list[_Para] = []
    block: list[int] = []
    for i in [*range(len(lines)), -1]:
        if i >= 0 and lines[i].text and not lines[i].junk:
            block.append(i)
            continue
        widest = max((len(lines[j].text) for j in block), default=0)
        for j in block:
            prev = paras[-1] if paras and paras[-1].idx[-1] == j - 1 else None
            a, b = (lines[j - 1].text, lines[j].text)
            wrapped = (
                prev is not None
                and a[-1] not in '.!?:;"”’)]…'
                and (
                    b[0].islower()
                    or (len(a) >= 40 and len(a) >= 0.75 * widest and not _title_case(a))
                )
            )
            if prev is not None and wrapped:
                glue = "" if a.endswith("-") else " "
                prev.starts.append(len(prev.text) + len(glue))
                prev.idx.append(j)
                prev.text += glue + b
                reason = f"{_JOINED} {lines[prev.idx[0]].no}"
                prev.changes.append(Change(lines[j].no, "changed", reason, lines[j].raw, prev.text))
            else:
                paras.append(_Para([j], [0], lines[j].text))
        block = []
    return paras


def _dup_reason(text: str, first: tuple[int, str]) -> str:
    same = normalise_for_comparison(text) == normalise_for_comparison(first[1])
    return f"{'duplicate' if same else 'near-duplicate'} of line {first[0]}"


def _dedupe(paras: list[_Para], lines: list[_Line]) -> list[Change]:
    """Keep the first occurrence of each paragraph and each sentence (6+ words)."""
    changes: list[Change] = []
    seen_para: dict[str, tuple[int, str]] = {}
    seen_sent: dict[str, tuple[int, str]] = {}
    for para in paras:
        key = dedupe_key(para.text)
        first = seen_para.get(key) or seen_sent.get(key)
        if _words(para.text) >= 3 and first:
            reason = _dup_reason(para.text, first)
            changes += [
                Change(lines[i].no, "removed", reason, lines[i].raw, None) for i in para.idx
            ]
            para.idx = []
            continue
        seen_para[key] = (lines[para.idx[0]].no, para.text)
        kept, dropped = [], []
        for offset, sentence in split_sentences(para.text):
            skey = dedupe_key(sentence)
            if _words(sentence) >= 6 and skey in seen_sent:
                dropped.append(_dup_reason(sentence, seen_sent[skey]))
                continue
            seen_sent.setdefault(skey, (para.line_at(offset, lines), sentence))
            kept.append(sentence)
        if dropped:
            before, para.text = para.text, " ".join(kept)
            reason = "repeated sentence, " + "; ".join(dropped)
            changes.append(Change(lines[para.idx[0]].no, "changed", reason, before, para.text))
    return changes


def _mark_headings(paras: list[_Para]) -> None:
    for n, para in enumerate(paras):
        if len(para.idx) != 1 or not is_title_like(para.text, max_words=12):
            continue
        later = (p for p in paras[n + 1 :] if not (len(p.idx) == 1 and is_title_like(p.text, 12)))
        nxt = next(later, None)
        para.heading = nxt is not None and is_narrative(nxt.text)


# --- entry points -------------------------------------------------------------------------------


def _front_matter(title: str, capture_path: str) -> str:
    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML scalar

    fields = [("title", q(title)), ("kind", "secondary"), ("author", '""'), ("date", '""')]
    fields += [("cite", '""'), ("captured_from", q(capture_path)), ("rights", '""')]
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields) + "---\n"


def _take_title(lines: list[_Line]) -> str:
    """The first title-like line before any narrative; later repeats of it are chrome."""
    title = ""
    for ln in lines:
        if not ln.text or ln.junk:
            continue
        if not title and is_narrative(ln.text):
            break
        if not title and is_title_like(ln.text):
            title, ln.junk = ln.text, "page title, moved to front matter"
        elif title and dedupe_key(ln.text) == dedupe_key(title):
            ln.junk = "repeated page title"
    return title


def clean_capture(raw: str, *, capture_path: str) -> CleanResult:
    lines = _fix_lines(raw)
    title = _classify(lines)
    paras = _paragraphs(lines)
    changes = [Change(ln.no, "removed", ln.junk, ln.raw, None) for ln in lines if ln.junk]
    changes += [
        Change(ln.no, "changed", ", ".join(ln.fixes), ln.raw, ln.text)
        for ln in lines
        if ln.fixes and ln.text and not ln.junk
    ]
    changes += [c for p in paras for c in p.changes]
    changes += _dedupe(paras, lines)
    paras = [p for p in paras if p.idx and p.text]
    _mark_headings(paras)
    body = "\n\n".join(f"## {p.text}" if p.heading else p.text for p in paras)
    markdown = _front_matter(title, capture_path) + "\n" + body + "\n"
    order = {"removed": 0, "changed": 1}
    changes.sort(key=lambda c: (c.line, order[c.action]))
    return CleanResult(markdown, changes)


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
        if c.after is None or c.reason.startswith(_JOINED):  # the line's text itself is unchanged
            text = _shorten(_visible(c.before))
        else:
            text = _diff_window(c.before, c.after)
        rows.append(f"{capture_path}:{c.line}: {c.action} ({c.reason}): {text}")
    return "\n".join(rows) + ("\n" if rows else "")
