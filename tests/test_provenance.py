"""Tests for readerkit.check.provenance: passages, verbatim checks, closest wording, speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readerkit.check.provenance import Mismatch, excerpt_passages, verify_excerpt
from readerkit.tools.clean_source import clean_capture

RAW = Path(__file__).resolve().parent.parent / "sources" / "raw"

CAPTURE = (
    "Kennedy summoned his closest advisers to consider options. Some advisers\u2014including "
    "all the Joint Chiefs of Sta\ufb00\u2014argued for an air strike.\n\n"
    "The President\u2019s remarks were stern: \u201cIt shall be the policy of this nation to "
    "regard any nuclear missile launched from Cuba as an attack.\u201d\n\n"
    "Khrushchev sent another message indicating that any proposed deal must include the "
    "removal of U.S. Jupiter missiles from Turkey.\n"
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("plain words here and more", [(1, "plain words here and more")]),
        (
            "## A heading line\ntext of the paragraph",
            [(1, "A heading line"), (2, "text of the paragraph")],
        ),
        ("> quoted text goes here\n> and continues", [(1, "quoted text goes here and continues")]),
        (
            "- one list item here\n- another list item",
            [(1, "one list item here"), (2, "another list item")],
        ),
        ("1. first numbered item", [(1, "first numbered item")]),
        ("some *emphasis* and __strong__ words", [(1, "some emphasis and strong words")]),
        ("keep co*cktail and Gia_Divine as is", [(1, "keep co*cktail and Gia_Divine as is")]),
        ("first part here […] second part here", [(1, "first part here"), (1, "second part here")]),
        (
            "first part here [...] second part here",
            [(1, "first part here"), (1, "second part here")],
        ),
        ("first part here … second part here", [(1, "first part here"), (1, "second part here")]),
        ("first part here ... second part here", [(1, "first part here"), (1, "second part here")]),
        ("it [the Soviet Union] would remove missiles", [(1, "would remove missiles")]),
        ("the Russians [sic] would withdraw them", [(1, "the Russians would withdraw them")]),
        ("a [link text](http://x) in the middle", [(1, "a link text in the middle")]),
        (
            "line one of a\nparagraph [...] cut then\nmore words",
            [(1, "line one of a paragraph"), (2, "cut then more words")],
        ),
        ("two words […] ok", []),
        (
            "---\ntitle: x\n---\n\nbody text after front matter",
            [(5, "body text after front matter")],
        ),
    ],
)
def test_excerpt_passages(body: str, expected: list[tuple[int, str]]) -> None:
    assert excerpt_passages(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        # exact
        "Kennedy summoned his closest advisers to consider options.",
        # straight for curly quotes, hyphen for em dash, ff for the ligature
        "Some advisers-including all the Joint Chiefs of Staff-argued for an air strike.",
        "The President's remarks were stern: \"It shall be the policy of this nation",
        # a hard-wrapped paragraph spanning the capture's paragraph break
        "options. Some advisers\u2014including all\nthe Joint Chiefs of Sta\ufb00",
        # cuts
        "Kennedy summoned his closest advisers [\u2026] for an air strike.",
        "It shall be the policy of this nation [...] as an attack.",
        "removal of U.S. Jupiter missiles \u2026 Turkey.",
        # insertions
        "any proposed deal [sic] must include the removal",
        "Khrushchev sent another message indicating that [the Soviet Union] proposed deal must "
        "include the removal",
        # markup
        "## Kennedy summoned his closest advisers\n\n> *Some advisers*\u2014including all the",
    ],
)
def test_verbatim_passages_verify(body: str) -> None:
    assert verify_excerpt(body, CAPTURE) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Kennedy summoned his nearest advisers to consider options.",
            [
                Mismatch(
                    1,
                    "Kennedy summoned his nearest advisers to consider options.",
                    "Kennedy summoned his closest advisers to consider options.",
                )
            ],
        ),
        (
            # the reworded sentence is on line 3 of a hard-wrapped paragraph
            "Intro line that is fine.\n\nKennedy summoned his closest advisers to consider\n"
            "options. Some advisers\u2014including all the Joint Chiefs\nof Staff\u2014urged an "
            "air strike.",
            [
                Mismatch(
                    4,
                    "Some advisers\u2014including all the Joint Chiefs of Staff\u2014urged an air "
                    "strike.",
                    "Some advisers-including all the Joint Chiefs of Staff-argued for an air",
                ),
                Mismatch(1, "Intro line that is fine.", ""),
            ],
        ),
        (
            "Completely unrelated words about something else entirely.",
            [Mismatch(1, "Completely unrelated words about something else entirely.", "")],
        ),
    ],
)
def test_reworded_passages_mismatch(body: str, expected: list[Mismatch]) -> None:
    assert sorted(verify_excerpt(body, CAPTURE), key=lambda m: -m.line) == expected


def test_cut_passage_that_skips_words_without_a_mark_mismatches() -> None:
    body = "Kennedy summoned his advisers to consider options."
    [m] = verify_excerpt(body, CAPTURE)
    assert m.line == 1 and m.closest.startswith("Kennedy summoned his closest advisers")


WORDS = st.sampled_from(
    [
        "the",
        "Soviet",
        "“quarantine”",
        "Kennedy’s",
        "U.S.",
        "missiles—and",
        "ﬁrst",
        "staﬀ",
        "1962,",
        "Cuba.",
        "a",
        "of",
        "to",
        "on—off",
        "it’s",
        "“back",
        "channel”",
        "Khrushchev",
        "IL–28",
        "café",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(WORDS, min_size=3, max_size=60),
    data=st.data(),
)
def test_any_word_boundary_slice_verifies(words: list[str], data: st.DataObject) -> None:
    capture = " ".join(words)
    start = data.draw(st.integers(0, len(words) - 3))
    end = data.draw(st.integers(start + 3, len(words)))
    assert verify_excerpt(" ".join(words[start:end]), capture) == []


@pytest.mark.parametrize("name", sorted(p.name for p in RAW.glob("*.txt")))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_real_capture_slices_verify(name: str, data: st.DataObject) -> None:
    words = (RAW / name).read_text(encoding="utf-8").split()
    start = data.draw(st.integers(0, len(words) - 3))
    end = data.draw(st.integers(start + 3, min(len(words), start + 120)))
    capture = (RAW / name).read_text(encoding="utf-8")
    assert verify_excerpt(" ".join(words[start:end]), capture) == []


@pytest.mark.parametrize("name", sorted(p.name for p in RAW.glob("*.txt")))
def test_cleaner_output_verifies_against_its_capture(name: str) -> None:
    capture = (RAW / name).read_text(encoding="utf-8")
    draft = clean_capture(capture, capture_path=name).markdown
    assert excerpt_passages(draft)
    assert verify_excerpt(draft, capture) == []


def test_speed_on_a_10kb_capture_and_5kb_of_reworded_excerpt() -> None:
    capture = (RAW / "milestones-cuban-missile-crisis.txt").read_text(encoding="utf-8")
    assert len(capture.encode()) > 10_000
    body = " ".join(capture.split()[:850]).replace(" the ", " a ")[:5000]
    started = time.perf_counter()
    mismatches = verify_excerpt(body, capture)
    elapsed = time.perf_counter() - started
    assert len(mismatches) > 10
    assert elapsed < 0.1, elapsed
