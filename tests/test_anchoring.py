"""Quote anchoring: table-driven cases and properties (a quote cut from a text anchors there)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readerkit.render.anchoring import (
    EXPANSIONS,
    FOLD,
    Folded,
    closest_passage,
    find_quote,
    fold,
    fold_text,
)
from readerkit.textnorm import INVISIBLES, ONE_TO_ONE, normalise_for_comparison

TEXT = "He said \u201cwe are ready for this.\u201d Then\u2014quietly\u2014he left. We are ready."


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("\u201cquoted\u201d", '"quoted"'),
        ("it\u2019s", "it's"),
        ("a\u2014b\u2013c", "a-b-c"),
        ("e\ufb00ect \ufb01rst", "effect first"),
        ("wait\u2026", "wait..."),
        ("  many \n\t spaces  ", "many spaces"),
        ("soft\u00adhyphen", "softhyphen"),
        ("\ufb05ory, \ufb06one", "story, stone"),  # long s + t, s + t: as NFKC has them
        ("\u201bword\u201f", "'word\""),  # reversed quotation marks
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold_text(raw) == folded


@pytest.mark.parametrize("char", sorted({*ONE_TO_ONE, *INVISIBLES, *EXPANSIONS}))
def test_anchoring_folds_as_the_verbatim_check_does(char: str) -> None:
    """One folding table: anchoring and the verbatim checks treat every folded character alike."""
    text = f"a{char}b"
    assert fold_text(text) == normalise_for_comparison(text)


@pytest.mark.parametrize(
    ("quote", "prefix", "suffix", "expected"),
    [
        ('we are ready for this."', "", "", [(9, 32)]),
        ("Then-quietly", "", "", [(33, 45)]),
        ("ready", "", "", [(16, 21), (62, 67)]),
        ("ready", "We are", "", [(62, 67)]),
        ("ready", "", "for this", [(16, 21)]),
        ("not there", "", "", []),
    ],
)
def test_find_quote(quote: str, prefix: str, suffix: str, expected: list[tuple[int, int]]) -> None:
    found = find_quote(TEXT, quote, prefix, suffix)
    assert [(m.start, m.end) for m in found.matches] == expected


def test_closest_passage_suggests_the_real_wording() -> None:
    assert closest_passage(TEXT, "we were ready for that") == '"we are ready for this."'
    assert closest_passage(TEXT, "zebra crossing at noon") == ""


words = st.text(alphabet="abcdefghij \u2019\u201c\u201d-", min_size=1, max_size=12)


@given(st.lists(words, min_size=3, max_size=30), st.data())
def test_a_quote_cut_from_the_text_anchors_where_it_was_cut(
    parts: list[str], data: st.DataObject
) -> None:
    text = " ".join(parts)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    if not fold_text(quote):
        return
    found = find_quote(text, quote, text[max(0, start - 40) : start], text[end : end + 40])
    assert any(fold_text(text[m.start : m.end]) == fold_text(quote) for m in found.matches)
    spans = [(m.start, m.end) for m in found.matches]
    # The cut place itself is among the matches (its folded edges may trim white space).
    assert any(s <= start + len(quote) and e >= start for s, e in spans)


@given(st.text(alphabet="klmnop ", min_size=0, max_size=60))
def test_an_edit_elsewhere_does_not_move_the_quote(insertion: str) -> None:
    text = "Alpha beta gamma. The unique passage here. Delta epsilon."
    before = find_quote(text, "unique passage").matches[0]
    edited = text + " " + insertion
    after = find_quote(edited, "unique passage").matches[0]
    assert (before.start, before.end) == (after.start, after.end)
    edited_front = insertion + " " + text
    moved = find_quote(edited_front, "unique passage").matches[0]
    assert edited_front[moved.start : moved.end] == "unique passage"


# --- stronger properties: the exact place, and stability under edits elsewhere -------------

plain_words = st.lists(st.text(alphabet="abcdefghij\u2019\u201c\u201d-", min_size=1, max_size=8),
                       min_size=1, max_size=25)


@given(plain_words, st.data())
def test_a_quote_with_its_context_anchors_exactly_where_it_was_cut(
    words: list[str], data: st.DataObject
) -> None:
    text = " ".join(words)
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, len(words) - 1))
    start = len(" ".join(words[:first])) + (1 if first else 0)
    end = start + len(" ".join(words[first:last + 1]))
    quote = text[start:end]
    found = find_quote(text, quote, text[:start], text[end:])  # the whole context settles it
    assert [(m.start, m.end) for m in found.matches] == [(start, end)]


@given(plain_words, plain_words, st.text(alphabet="abcdefghij \u2019-", max_size=40), st.data())
def test_an_edit_outside_the_quote_moves_it_only_by_the_edit(
    before: list[str], after: list[str], insertion: str, data: st.DataObject
) -> None:
    quote = "the marked passage"  # 't', 'm', 'k', 'p', 's' are not in the other text's alphabet
    text = " ".join(before) + " " + quote + " " + " ".join(after)
    start = text.index(quote)
    end = start + len(quote)
    at = data.draw(st.sampled_from([i for i in range(len(text) + 1) if not start < i < end]))
    edited = text[:at] + insertion + text[at:]
    shift = len(insertion) if at <= start else 0
    found = find_quote(edited, quote)
    assert [(m.start, m.end) for m in found.matches] == [(start + shift, end + shift)]


@given(plain_words, st.data())
def test_an_annotated_passage_in_html_holds_exactly_the_quote(
    words: list[str], data: st.DataObject
) -> None:
    """End to end in a paragraph with inline markup: the marked span(s) read as the quote."""
    from pathlib import Path

    from lxml import html as lxml_html

    from readerkit.diagnostics import Diagnostics
    from readerkit.model import Annotation, Source
    from readerkit.render.annotate import attach

    emphasised = data.draw(st.integers(0, len(words) - 1))
    pieces = [f"<em>{w}</em>" if i == emphasised else w for i, w in enumerate(words)]
    tree = lxml_html.fragment_fromstring(f"<p>{' '.join(pieces)}</p>", create_parent="div")
    text = " ".join(words)
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, len(words) - 1))
    start = len(" ".join(words[:first])) + (1 if first else 0)
    end = start + len(" ".join(words[first:last + 1]))
    path = Path("notes.yaml")
    annotation = Annotation("n1", "s", text[start:end], text[:start], text[end:], "context",
                            "A note.", "all", path, 1)
    source = Source("s", Path("s.md"), "T", "primary", "A", "1900", "k", "", "", text, 1)
    diags = Diagnostics(Path.cwd())
    attach(tree, source, [annotation], diags)
    assert diags.items == []
    marked = "".join(span.text_content() for span in tree.xpath('//span[@class="annotated"]'))
    assert marked == text[start:end]
    assert len(tree.xpath('//a[@class="noteref"][@data-note="ann-n1"]')) == 1


# --- folding once per source: the fast paths give exactly what the plain definitions give ---


def _fold_by_character(text: str) -> Folded:
    """fold() as first written, one character at a time: the definition fold() must keep."""
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
        for piece in EXPANSIONS.get(char, char.translate(FOLD)):
            chars.append(piece)
            origin.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    origin.append(len(text))
    return Folded("".join(chars), origin, len(text))


tricky = st.text(alphabet="ab \t\n\u00a0\u2003\u2019\u201c\u2014\u00ad\u200b\ufeff\ufb01\u2026\x85",
                 max_size=40)


@given(tricky)
def test_fold_equals_folding_character_by_character(text: str) -> None:
    assert fold(text) == _fold_by_character(text)


@given(st.lists(words, min_size=1, max_size=30), st.data())
def test_a_pre_folded_text_anchors_exactly_like_the_plain_text(
    parts: list[str], data: st.DataObject
) -> None:
    text = data.draw(st.sampled_from([" ", "  ", "\n", " \u00ad "])).join(parts)
    start = data.draw(st.integers(0, max(0, len(text) - 1)))
    end = data.draw(st.integers(start, len(text)))
    quote = data.draw(st.sampled_from([text[start:end], "a", "b c", "zz"]))
    before = data.draw(st.sampled_from(["", text[max(0, start - 9) : start], "a", "x"]))
    after = data.draw(st.sampled_from(["", text[end : end + 9], "b", "x"]))
    assert find_quote(fold(text), quote, before, after) == find_quote(text, quote, before, after)
    assert closest_passage(fold(text), quote) == closest_passage(text, quote)
