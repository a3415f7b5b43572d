"""Tests for readerkit.tools.clean_source: pure transforms, synthetic fixtures, real captures."""

from __future__ import annotations

from pathlib import Path

import pytest

from readerkit.sentences import split_sentences
from readerkit.textnorm import (
    expand_ligatures,
    fix_mojibake,
    normalise_for_comparison,
    normalise_typography,
    remove_invisibles,
)
from readerkit.tools.clean_report import Change, format_report
from readerkit.tools.clean_source import (
    captured_from,
    clean_capture,
    dedupe_key,
    normalise_whitespace,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "captures"
RAW = ROOT / "sources" / "raw"


# --- pure transforms -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kennedyâ€™s letter", "Kennedy’s letter"),
        ("â€œquarantineâ€\x9d", "“quarantine”"),
        ("â€œquarantineâ€ was", "“quarantine” was"),  # 0x9D lost on capture
        ("U-2 â€“ shot down", "U-2 – shot down"),
        ("Advisersâ€”including", "Advisers—including"),
        ("from Cubaâ€¦ as", "from Cuba… as"),
        ("cafÃ©", "café"),
        ("DÃ¼sseldorf", "Düsseldorf"),
        ("Ã¢â‚¬â„¢", "’"),  # encoded twice
        ("ï¬rst", "ﬁrst"),  # 0x81 lost on capture
        ("CAFÉ—the", "CAFÉ—the"),  # legitimate accents and dashes stay
        ("Kennedy’s “quarantine”", "Kennedy’s “quarantine”"),
        ("plain ASCII", "plain ASCII"),
    ],
)
def test_fix_mojibake(raw: str, expected: str) -> None:
    assert fix_mojibake(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Staﬀ", "Staff"),
        ("ﬁrst", "first"),
        ("conﬂict", "conflict"),
        ("oﬃce", "office"),
        ("baﬄe", "baffle"),
        ("no ligature", "no ligature"),
    ],
)
def test_expand_ligatures(raw: str, expected: str) -> None:
    assert expand_ligatures(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Octo\u00adber", "October"),
        ("zero\u200bwidth", "zerowidth"),
        ("\ufeffBOM", "BOM"),
        ("joiner\u200d", "joiner"),
        ("plain", "plain"),
    ],
)
def test_remove_invisibles(raw: str, expected: str) -> None:
    assert remove_invisibles(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("naval\u00a0quarantine", "naval quarantine"),
        ("trailing \u00a0 ", "trailing"),
        ("  indented", "indented"),
        ("two  spaces\tand tab", "two spaces and tab"),
        ("a\n\n\n\nb", "a\n\nb"),
        ("\n\nleading and trailing\n\n\n", "leading and trailing"),
        ("crlf\r\nline", "crlf\nline"),
        ("", ""),
    ],
)
def test_normalise_whitespace(raw: str, expected: str) -> None:
    assert normalise_whitespace(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("‘single’ “double”", "'single' \"double\""),
        ("‚low‛ „low‟", "'low' \"low\""),
        ("5′ 6″", "5' 6\""),
        ("a–b—c−d", "a-b-c-d"),
        ("wait…", "wait..."),
    ],
)
def test_normalise_typography(raw: str, expected: str) -> None:
    assert normalise_typography(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kennedy’s  “quarantine”\u00a0— ﬁrst", 'Kennedy\'s "quarantine" - first'),
        ("Kennedyâ€™s\nletter", "Kennedy's letter"),
        ("  Octo\u00adber…  ", "October..."),
        ("Staﬀ", "Staff"),
    ],
)
def test_normalise_for_comparison(raw: str, expected: str) -> None:
    assert normalise_for_comparison(raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Kennedy told his advisors", "Kennedy told his advisers", True),
        ("only a U.S. attack", "only a United States attack", True),
        ("a USA attack", "a U.S.A. attack", True),
        ("U.S. attack", "U.S. ttack", False),
        ("The U.S.S.R. agreed", "The U.S. agreed", False),
        ("they agreed", "they refused", False),
        ("It’s “recognized”", "its recognised", False),
        ("It’s “recognized”", "It's recognised", True),
    ],
)
def test_dedupe_key(a: str, b: str, same: bool) -> None:
    assert (dedupe_key(a) == dedupe_key(b)) is same


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("The U.S. Jupiter missiles left. Then.", ["The U.S. Jupiter missiles left.", "Then."]),
        ("to the U.S.S.R. The letter was", ["to the U.S.S.R.", "The letter was"]),
        ("“We are ready.” He said so.", ["“We are ready.”", "He said so."]),
        ("Dr. Smith wrote. It ended", ["Dr. Smith wrote.", "It ended"]),
        ("no boundary here", ["no boundary here"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [s for _, s in split_sentences(text)] == expected


def test_format_report_lines() -> None:
    changes = [
        Change(3, "removed", "share bar", "Share on Facebook | Tweet", None),
        Change(9, "changed", "ligature", "the ﬁrst letter", "the first letter"),
        Change(12, "removed", "link-farm spam list", "x" * 200, None),
    ]
    report = format_report(changes, capture_path="raw/a.txt")
    assert report.splitlines() == [
        "raw/a.txt:3: removed (share bar): Share on Facebook | Tweet",
        "raw/a.txt:9: changed (ligature): the ﬁrst letter -> the first letter",
        "raw/a.txt:12: removed (link-farm spam list): " + "x" * 79 + "…",
    ]
    assert format_report([], capture_path="x") == ""


# --- synthetic fixtures ----------------------------------------------------------------------

FIXTURE_NAMES = sorted(p.stem for p in FIXTURES.glob("*.txt"))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_capture(name: str) -> None:
    raw = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    result = clean_capture(raw, capture_path=f"{name}.txt")
    assert result.markdown == (FIXTURES / f"{name}.expected.md").read_text(encoding="utf-8")
    report = format_report(result.changes, capture_path=f"{name}.txt")
    assert report == (FIXTURES / f"{name}.expected.report").read_text(encoding="utf-8")


def test_fixtures_cover_every_junk_kind() -> None:
    reasons = set()
    for name in FIXTURE_NAMES:
        raw = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
        reasons |= {c.reason for c in clean_capture(raw, capture_path=name).changes}
    for kind in [
        "cookie banner",
        "share bar",
        "comment form",
        "newsletter form",
        "footer",
        "site navigation",
        "link-farm spam list",
        "author box",
        "caption without its image",
        "mojibake",
        "ligature",
        "near-duplicate of line 9",
        "repeated page title",
        "zero-width character or soft hyphen",
    ]:
        assert any(kind in r for r in reasons), kind


def test_bias_keeps_narrative_that_mentions_junk_words() -> None:
    raw = (
        "Khrushchev did not accept the first offer, and the cookies at the embassy went uneaten.\n"
        "\n"
        "Kennedy looked at the photos of the missile sites for a long time before he spoke.\n"
        "\n"
        "Back\n"
    )
    result = clean_capture(raw, capture_path="x")
    assert [c.line for c in result.changes] == [5]
    assert "cookies at the embassy" in result.markdown
    assert "photos of the missile sites" in result.markdown


def test_front_matter_is_quoted_yaml_and_deterministic() -> None:
    raw = 'Title: with "quotes"\n\nA narrative sentence that is long enough to count as prose.\n'
    one = clean_capture(raw, capture_path="raw/x y.txt")
    assert one.markdown.startswith(
        '---\ntitle: "Title: with \\"quotes\\""\nkind: secondary\nauthor: ""\ndate: ""\n'
        'cite: ""\ncaptured_from: "raw/x y.txt"\nrights: ""\n---\n\n'
    )
    assert one == clean_capture(raw, capture_path="raw/x y.txt")


def test_sentence_repeated_inside_paragraph_is_cut_and_reported() -> None:
    raw = (
        "The United States ended its quarantine on 20 November 1962.\n"
        "\n"
        "Later that year the U.S. ended its quarantine on 20 November 1962. Talks went on.\n"
    )
    result = clean_capture(raw, capture_path="x")
    body = result.markdown.split("---\n", 2)[2]
    assert body == "\nThe United States ended its quarantine on 20 November 1962.\n\n" + (
        "Later that year the U.S. ended its quarantine on 20 November 1962. Talks went on.\n"
    )
    raw2 = raw.replace("Later that year the", "The")
    result2 = clean_capture(raw2, capture_path="x")
    assert result2.markdown.endswith("1962.\n\nTalks went on.\n")
    [change] = result2.changes
    assert (change.line, change.action) == (3, "changed")
    assert change.reason == "repeated sentence, near-duplicate of line 1"


# --- the five real captures --------------------------------------------------------------------


def _clean(name: str) -> tuple[str, list[Change], str]:
    raw = (RAW / name).read_text(encoding="utf-8")
    result = clean_capture(raw, capture_path=f"raw/{name}")
    return result.markdown, result.changes, raw


def _body_paragraphs(markdown: str) -> list[str]:
    return markdown.split("---\n", 2)[2].strip("\n").split("\n\n")


def _removed(changes: list[Change]) -> dict[int, str]:
    return {c.line: c.reason for c in changes if c.action == "removed"}


def test_real_milestones() -> None:
    markdown, changes, raw = _clean("milestones-cuban-missile-crisis.txt")
    raw_lines = raw.split("\n")
    essay = [raw_lines[n - 1] for n in range(6, 27, 2)]
    assert len(essay) == 11 and all(len(p) > 200 for p in essay)
    assert _body_paragraphs(markdown) == essay  # every essay paragraph, nothing else
    assert markdown.startswith(
        '---\ntitle: "Milestones in the History of U.S. Foreign Relations (2024)"\n'
    )
    removed = _removed(changes)
    assert removed[1] == "page title, moved to front matter"
    assert removed[3] == removed[4] == "site notice"
    assert removed[28] == "repeated page title"
    assert removed[29] == removed[82] == "related-posts list"
    assert all(removed[n] == "link-farm spam list" for n in range(30, 82))
    assert all(removed[n] == "author box" for n in range(83, 110, 2))
    assert len(removed) == 72 and not [c for c in changes if c.action == "changed"]


def test_real_study_guide() -> None:
    markdown, changes, _ = _clean("study-guide-sentences.txt")
    paras = _body_paragraphs(markdown)
    assert markdown.startswith('---\ntitle: ""\n')
    repeated = "On October 26, Kennedy told his advis"
    assert [p for p in paras if p.startswith(repeated)] == [
        "On October 26, Kennedy told his advisors it appeared that only a United States attack "
        "on Cuba would remove the missiles, but he insisted on giving the diplomatic channel a "
        "little more time."
    ]
    assert len(paras) == 37  # 40 lines less the caption and two repeats
    assert not any(ch in markdown for ch in "ﬀﬁﬂﬃﬄ")
    assert "Joint Chiefs of Staff announced" in markdown and "the flurry of direct" in markdown
    assert _removed(changes) == {
        1: "caption without its image",
        32: "near-duplicate of line 15",
        33: "near-duplicate of line 15",
    }
    ligature_lines = [c.line for c in changes if c.reason == "ligature"]
    assert ligature_lines == [6, 8, 10, 12, 13, 17, 23, 30, 31, 34, 37]


def test_real_diplo() -> None:
    markdown, changes, _ = _clean("diplo-triumph-of-diplomacy.txt")
    paras = _body_paragraphs(markdown)
    assert markdown.startswith('---\ntitle: "Triumph of diplomacy: The Cuban missile crisis"\n')
    assert paras[0] == "Published on 17 April 2025"
    assert paras[1] == "## The world on the edge: Setting the stage for crisis"
    assert paras[-1].startswith("Today, the Cuban Missile Crisis reminds us")
    for junk in ["Leave a Reply", "reCAPTCHA", "Subscribe", "subscription", "Related resources"]:
        assert junk not in markdown
    assert "\u00a0" not in markdown
    removed = _removed(changes)
    assert sorted(removed) == [1, 67, 69, 70, 72, 74, 75, 77, 79, 81, 83, 85, 87, 89]
    assert {removed[n] for n in (72, 79, 81, 83)} == {"comment form"}
    assert {removed[n] for n in (85, 87, 89)} == {"newsletter form"}
    changed = [(c.line, c.reason) for c in changes if c.action == "changed"]
    assert changed == [(11, "whitespace"), (29, "whitespace"), (61, "whitespace")]
    assert sum(p.startswith("## ") for p in paras) == 6


def test_real_free_website() -> None:
    markdown, changes, _ = _clean("crisis-averted-free-website.txt")
    assert "Make your own free website on" not in markdown
    assert _removed(changes) == {1: "hosting chrome", 3: "page title, moved to front matter"}
    paras = _body_paragraphs(markdown)
    assert paras[0] == "## The President's brother"
    assert paras[4] == "## After the crisis"
    assert len(paras) == 9 and paras[-1].endswith("as great as it was in November 1962.")


def test_real_today_in_history() -> None:
    markdown, changes, _ = _clean("today-in-history-jfk-khrushchev.txt")
    assert markdown.startswith(
        "---\ntitle: \"Understanding the Cuban Missile Crisis: JFK and Khrushchev's "
        'Communication"\n'
    )
    assert _removed(changes) == {
        1: "site navigation",
        2: "site navigation",
        3: "site navigation",
        4: "site navigation",
        5: "site navigation",
        7: "page title, moved to front matter",
        9: "caption without its image",
    }
    paras = _body_paragraphs(markdown)
    assert paras[:2] == [
        "## The Cuban Missile Crisis Breakdown",
        "## JFK's Critical Communication with Khrushchev",
    ]
    assert sum(p.startswith("## ") for p in paras) == 10 and len(paras) == 16


# --- saved web pages (HTML): trafilatura first, then the project's own rules ----------------

HTML_FIXTURES = sorted((FIXTURES / "html").glob("*.html"))


@pytest.mark.parametrize("page", HTML_FIXTURES, ids=lambda p: p.stem)
def test_html_capture(page: Path) -> None:
    result = clean_capture(page.read_text(encoding="utf-8"), capture_path=f"raw/{page.name}")
    assert result.markdown == page.with_suffix(".expected.md").read_text(encoding="utf-8")
    report = format_report(result.changes, capture_path=page.name)
    assert report == page.with_suffix(".expected.report").read_text(encoding="utf-8")


def test_html_capture_keeps_the_article_and_reports_the_page_chrome() -> None:
    page = FIXTURES / "html" / "news-article.html"
    result = clean_capture(page.read_text(encoding="utf-8"), capture_path="raw/news-article.html")
    front, body = result.markdown.split("---\n")[1:3]
    # The title is the page's heading (not its share bar), the byline and date go up front.
    assert 'title: "Nurses Battle the Epidemic in the City Hospitals"' in front
    assert 'author: "Mary Ellen Carter"' in front and 'date: "1918-10-14"' in front
    assert [p for p in body.strip().split("\n\n")] == [
        "The epidemic of influenza that has swept the city for three weeks showed no sign of "
        "abating yesterday, when the hospitals reported more than four hundred new admissions.",
        "Nurses from the training schools were called in to relieve the regular staff, many of "
        "whom are themselves ill, and the Red Cross opened two emergency wards in the armory.",
        "“We have beds enough for the present,” the superintendent said, “but not hands enough "
        "to tend them.”",
    ]
    reasons = {c.before: c.reason for c in result.changes}
    assert reasons["We use cookies to improve your experience on our site."] == \
        "cookie banner, by trafilatura"
    assert reasons["Share on Facebook Share on Twitter Share by Email"] == \
        "share bar, by trafilatura"
    assert reasons["Related articles"] == "related-posts list, by trafilatura"
    assert reasons["Advertisement"] == "advertisement label, by trafilatura"
    assert reasons["Great article, thanks for sharing!"] == \
        "outside the page's main text, by trafilatura"
    assert reasons["By Mary Ellen Carter, Staff Correspondent"] == \
        "byline, author moved to front matter, by trafilatura"
    # Every removed block is reported at its own line of the HTML file.
    assert {c.line for c in result.changes if c.before == "Advertisement"} == {31}


@pytest.mark.parametrize(("line", "reason"), [
    ("Share on Facebook Share on Twitter Share by Email", "share bar"),
    ("Advertisement", "advertisement label"),
    ("ADVERTISEMENT", "advertisement label"),
    ("Story continues below advertisement", "advertisement label"),
    ("Sponsored content", "advertisement label"),
    ("2 thoughts on “A Letter Home”", "comment form"),
])
def test_page_labels_are_recognised(line: str, reason: str) -> None:
    raw = f"{line}\n\nA narrative sentence that is long enough to count as the page's prose.\n"
    assert [c.reason for c in clean_capture(raw, capture_path="x").changes] == [reason]


def test_captured_from_is_relative_to_sources(tmp_path: Path) -> None:
    inside = tmp_path / "reader" / "sources" / "raw" / "page.html"
    inside.parent.mkdir(parents=True)
    inside.write_text("<html></html>")
    assert captured_from(inside) == ("raw/page.html", True)
    assert captured_from(tmp_path / "Downloads" / "page.html") == ("raw/page.html", False)


def test_a_saved_page_cleaned_into_a_new_reader_passes_its_verbatim_check(tmp_path: Path) -> None:
    from conftest import run_build

    root = tmp_path / "reader"
    assert run_build("init", str(root)).returncode == 0
    raw = root / "sources" / "raw" / "news-article.html"
    raw.parent.mkdir()
    raw.write_bytes((FIXTURES / "html" / "news-article.html").read_bytes())
    draft = root / "sources" / "nurses.md"
    done = run_build("clean-source", str(raw), "-o", str(draft))
    assert done.returncode == 0, done.stderr
    text = draft.read_text(encoding="utf-8")
    assert 'captured_from: "raw/news-article.html"' in text
    draft.write_text(text.replace('cite: ""', "cite: starter").replace('rights: ""',
                                                                        'rights: "Test"'))
    book = root / "book" / "book.yaml"
    book.write_text(book.read_text().replace("      - first-source",
                                             "      - first-source\n      - nurses"))
    assert run_build("check", "--root", str(root)).returncode == 0
    draft.write_text(draft.read_text().replace("no sign of abating", "no sign of ending"))
    reworded = run_build("check", "--root", str(root))
    assert reworded.returncode == 1
    assert "sources/nurses.md:11: Q001 passage is not verbatim in raw/news-article.html" \
        in reworded.stderr
