"""Turn one raw web capture into a draft excerpt, reporting every line removed or changed.

Three layers: pure ``str -> str`` text fixes (readerkit.textnorm, and whitespace here); line
classifiers for site junk (tools/clean_junk.py, patterns in tools/clean_rules.py); paragraph
passes (hard-wrap joining, duplicate removal, headings), here. The report is
tools/clean_report.py. Bias throughout: a narrative sentence is never removed
unless it repeats an earlier one; when a rule is unsure it keeps the line.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from readerkit.load.schema import iso_form, valid_date
from readerkit.sentences import split_sentences
from readerkit.textnorm import (
    expand_ligatures,
    fix_mojibake,
    normalise_for_comparison,
    remove_invisibles,
)
from readerkit.tools import clean_rules as R
from readerkit.tools.clean_html import extract, is_html
from readerkit.tools.clean_junk import (
    Line,
    is_narrative,
    is_title_like,
    mark_author_boxes,
    mark_captions,
    mark_lists,
    mark_rules,
    word_count,
)
from readerkit.tools.clean_report import JOINED, Change


@dataclass(frozen=True)
class CleanResult:
    markdown: str
    changes: list[Change]


@dataclass
class PageFacts:
    """What the page says about itself, for the draft's front matter."""

    title: str = ""
    author: str = ""
    date: str = ""


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
class _Para:
    idx: list[int]  # indices into the line list
    starts: list[int]  # offset in ``text`` where each line begins
    text: str
    heading: bool = False
    changes: list[Change] = field(default_factory=list)

    def line_at(self, offset: int, lines: list[Line]) -> int:
        return lines[self.idx[bisect.bisect_right(self.starts, offset) - 1]].no


def _fix_lines(raw: str) -> list[Line]:
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
        lines.append(Line(no, rawline, text, fixes))
    return lines


def _classify(lines: list[Line], facts: PageFacts) -> None:
    """Mark every junk line with its reason; fill in what the page's header lines say."""
    live = [i for i, ln in enumerate(lines) if ln.text]
    mark_rules(lines, live)
    live = [i for i in live if not lines[i].junk]
    mark_author_boxes(lines, live)
    live = [i for i in live if not lines[i].junk]
    mark_captions(lines, live)
    _take_byline_and_date(lines, facts)
    title = _take_title(lines)  # before the lists, so a repeated title is reported as such
    facts.title = facts.title or title
    mark_lists(lines, [i for i in live if not lines[i].junk])


def _take_byline_and_date(lines: list[Line], facts: PageFacts) -> None:
    """Before the text begins: a byline ("By NAME, ...") and a date line are the page's
    author and date, not paragraphs of the excerpt."""
    for ln in lines:
        if not ln.text or ln.junk:
            continue
        if is_narrative(ln.text):
            break
        byline = R.BYLINE_NAME_RE.match(ln.text)
        if byline and word_count(ln.text) <= R.BYLINE_MAX_WORDS and not facts.author:
            facts.author = byline.group("name").strip()
            ln.junk = "byline, author moved to front matter"
            continue
        iso = ln.text if valid_date(ln.text) else iso_form(ln.text.strip(" .,"))
        if iso and not facts.date:
            facts.date = iso
            ln.junk = "date line, moved to front matter"


# --- paragraphs ---------------------------------------------------------------------------------


def _title_case(text: str) -> bool:
    long_words = [w for w in text.split() if len(w) >= 4]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.6




def _paragraphs(lines: list[Line]) -> list[_Para]:
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
                reason = f"{JOINED} {lines[prev.idx[0]].no}"
                prev.changes.append(Change(lines[j].no, "changed", reason, lines[j].raw, prev.text))
            else:
                paras.append(_Para([j], [0], lines[j].text))
        block = []
    return paras


def _dup_reason(text: str, first: tuple[int, str]) -> str:
    same = normalise_for_comparison(text) == normalise_for_comparison(first[1])
    return f"{'duplicate' if same else 'near-duplicate'} of line {first[0]}"


def _dedupe(paras: list[_Para], lines: list[Line]) -> list[Change]:
    """Keep the first occurrence of each paragraph and each sentence (6+ words)."""
    changes: list[Change] = []
    seen_para: dict[str, tuple[int, str]] = {}
    seen_sent: dict[str, tuple[int, str]] = {}
    for para in paras:
        key = dedupe_key(para.text)
        first = seen_para.get(key) or seen_sent.get(key)
        if word_count(para.text) >= 3 and first:
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
            if word_count(sentence) >= 6 and skey in seen_sent:
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


def _front_matter(facts: PageFacts, capture_path: str) -> str:
    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML scalar

    fields = [("title", q(facts.title)), ("kind", "secondary"), ("author", q(facts.author)),
              ("date", q(facts.date))]
    fields += [("cite", '""'), ("captured_from", q(capture_path)), ("rights", '""')]
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields) + "---\n"


def _take_title(lines: list[Line]) -> str:
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


def captured_from(raw: Path) -> tuple[str, bool]:
    """The capture's path as `captured_from` gives it, relative to the reader's sources/ folder,
    and whether the file is really there (else the editor is told where to move it)."""
    resolved = raw.resolve()
    for folder in resolved.parents:
        if folder.name == "sources":
            return resolved.relative_to(folder).as_posix(), True
    return f"raw/{raw.name}", False


def clean_capture(raw: str, *, capture_path: str) -> CleanResult:
    """The draft excerpt (front matter + Markdown) and every change, for a text capture or a
    saved web page (HTML: its main text found first, tools/clean_html.py)."""
    if not is_html(raw):
        return _clean_text(raw, capture_path, PageFacts())
    page = extract(raw)
    result = _clean_text(page.text, capture_path, PageFacts(page.title, page.author, page.date))
    # Lines of the extracted text back to lines of the HTML file.
    moved = [replace(c, line=page.line_of[c.line - 1] if c.line <= len(page.line_of) else 0)
             for c in result.changes]
    changes = sorted(moved + page.left_out,
                     key=lambda c: (c.line, {"removed": 0, "changed": 1}[c.action]))
    return CleanResult(result.markdown, changes)


def _clean_text(raw: str, capture_path: str, facts: PageFacts) -> CleanResult:
    lines = _fix_lines(raw)
    _classify(lines, facts)
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
    markdown = _front_matter(facts, capture_path) + "\n" + body + "\n"
    order = {"removed": 0, "changed": 1}
    changes.sort(key=lambda c: (c.line, order[c.action]))
    return CleanResult(markdown, changes)
