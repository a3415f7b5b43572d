"""A source's text as the build anchors annotations in it, for annotation import and export.

The build anchors each quote in the source's HTML from Pandoc, in its blocks joined into one
text (render/annotate.joined_text); this module reads that same text, so that a quote imported
from an annotation tool is accepted only where the build will find it, and an exported quote
carries the context annotation tools expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.etree import _Element

from readerkit import anchors
from readerkit.cache import Cache, activated
from readerkit.diagnostics import Diagnostics
from readerkit.htmltools import parse_fragment
from readerkit.model import Project
from readerkit.pipeline import render_checked
from readerkit.render import annotate, editions
from readerkit.render.anchoring import Folded, Match, find_quote, fold_text
from readerkit.render.pandoc import Rendered

CONTEXT_CHARS = 32  # prefix/suffix length, as Hypothesis stores them
MAX_CONTEXT_WORDS = 12  # a prefix or suffix longer than this settles nothing more


def render(project: Project, diags: Diagnostics, *, use_cache: bool = True) -> Rendered:
    """The book's Markdown through Pandoc, as a build converts it (and from the same cache):
    the shared core of the editions (render/editions.py), whose paragraphs every edition
    numbers alike; Pandoc's failures are reported as the build reports them."""
    store = Cache.for_project(project.root, enabled=use_cache)
    with activated(store if store.enabled else None):
        return render_checked(editions.core(project), diags)


@dataclass
class SourceText:
    source_id: str
    joined: annotate.JoinedText
    paragraph_ids: dict[int, str]  # block index -> p-SOURCE-N, for blocks that are paragraphs

    @classmethod
    def from_html(cls, source_id: str, markup: str) -> SourceText:
        return cls.from_tree(source_id, parse_fragment(markup))

    @classmethod
    def from_tree(cls, source_id: str, tree: _Element) -> SourceText:
        joined = annotate.joined_text(tree)
        numbers = {id(p): n for n, p in enumerate(annotate.paragraphs(tree), start=1)}
        paragraph_ids = {index: anchors.paragraph(source_id, numbers[id(block)])
                         for index, (block, _, _) in enumerate(joined.blocks)
                         if id(block) in numbers}
        return cls(source_id, joined, paragraph_ids)

    @property
    def whole(self) -> str:
        return self.joined.whole

    @property
    def folded(self) -> Folded:
        return self.joined.folded

    @property
    def starts(self) -> list[int]:
        return self.joined.starts

    def block_of(self, match: Match) -> int | None:
        """The block holding the whole match, or None when it runs across blocks."""
        return self.joined.block_holding(match)

    def index_of(self, block: _Element) -> int:
        return self.joined.index_of(block)

    def exact(self, match: Match) -> str:
        return " ".join(self.whole[match.start : match.end].split())

    def context(self, match: Match) -> tuple[str, str]:
        """(prefix, suffix): CONTEXT_CHARS characters each side, white space runs as one."""
        before = re.sub(r"\s+", " ", self.whole[max(0, match.start - 4 * CONTEXT_CHARS)
                                                : match.start])
        after = re.sub(r"\s+", " ", self.whole[match.end : match.end + 4 * CONTEXT_CHARS])
        return before[-CONTEXT_CHARS:], after[:CONTEXT_CHARS]

    def matches(self, quote: str) -> list[Match]:
        return find_quote(self.folded, quote).matches

    def agreement(self, match: Match, prefix: str, suffix: str) -> int:
        """How many folded characters of prefix and suffix agree with the text around `match`
        (the idea of Hypothesis's fuzzy anchoring, kept exact)."""
        before = fold_text(self.whole[max(0, match.start - 4 * len(prefix) - 8) : match.start])
        after = fold_text(self.whole[match.end : match.end + 4 * len(suffix) + 8])
        wanted_before, wanted_after = fold_text(prefix), fold_text(suffix)
        score = 0
        while (score < min(len(before), len(wanted_before))
               and before[-1 - score] == wanted_before[-1 - score]):
            score += 1
        common = 0
        while (common < min(len(after), len(wanted_after))
               and after[common] == wanted_after[common]):
            common += 1
        return score + common

    def settling_context(self, quote: str, match: Match) -> tuple[str, str] | None:
        """The fewest words of prefix and/or suffix (of this text; the shorter when several
        settle it with as many words) with which `quote`
        anchors at `match` only: ('', '') for a quote that occurs once; None if none does."""
        if self.matches(quote) == [match]:
            return "", ""
        # Whole words of the text around the match (a quote starting inside a word gets that
        # word's start: find_quote compares the folded text right before the quote).
        words_before = self.whole[: match.start].split()
        words_after = self.whole[match.end :].split()

        def words(count: int, before: bool) -> str:
            return " ".join(words_before[-count:] if before else words_after[:count])

        def settles(prefix: str, suffix: str) -> bool:
            return find_quote(self.folded, quote, prefix, suffix).matches == [match]

        options = []
        for count in range(1, MAX_CONTEXT_WORDS + 1):
            for prefix, suffix in ((words(count, True), ""), ("", words(count, False)),
                                   (words(count, True), words(count, False))):
                if (prefix or suffix) and settles(prefix, suffix):
                    options.append((len(prefix) + len(suffix), prefix, suffix))
            if options:
                _, prefix, suffix = min(options)
                return prefix, suffix
        return None


def best_match(found: list[tuple[SourceText, Match]], prefix: str,
               suffix: str) -> tuple[SourceText, Match] | None:
    """Of the places a quote occurs (in one source or in several sharing a page), the one the
    tool's prefix and suffix agree with best; None when they do not settle it."""
    if len(found) == 1:
        return found[0]
    scored = sorted(found, key=lambda place: -place[0].agreement(place[1], prefix, suffix))
    best, second = (text.agreement(match, prefix, suffix) for text, match in scored[:2])
    return scored[0] if best > second else None
