"""Pandoc in batches: exactly what one document for the whole book gives, and an edit re-runs
only its own batch."""

from __future__ import annotations

import pickle
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

import pytest
from conftest import MINI, copy_reader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readerkit import cache
from readerkit.pipeline import load_checked
from readerkit.render import fragments as fragment_plan
from readerkit.render import pandoc
from readerkit.render.pandoc import Fragment, Rendered

BIB = MINI / "bibliography.bib"
CITING_NOTE = "Snow counted the deaths house by house [@snow1855, 39]."


# A note style that shows what Chicago's short notes hide: the note number of a work's first
# citation, and "Ibid" for the same work in the very next note.
NOTE_NUMBERS_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info><title>Note numbers</title><id>note-numbers</id>
    <updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout suffix="."><choose>
    <if position="ibid"><text value="Ibid"/></if>
    <else-if position="subsequent"><text variable="title" form="short"/>
      <text value=", first in note "/><text variable="first-reference-note-number"/></else-if>
    <else><text variable="title"/></else>
  </choose></layout></citation>
  <bibliography><layout><text variable="title"/></layout></bibliography>
</style>
"""


def _render(fragments: list[Fragment], *, one_document: bool = False,
            csl: Path | None = None) -> Rendered:
    run = pandoc.render_one_document if one_document else pandoc.render
    return run(fragments, bibliography=BIB, csl=csl or fragment_plan.csl_path(), cwd=MINI,
               lang="en-GB")


def _same(fragments: list[Fragment], csl: Path | None = None, *,
          split: bool | None = True) -> Rendered:
    """render(fragments), checked against one document, key order included. `split`: True,
    render() must not fall back to one document; False, it must; None: either."""
    whole = _render(fragments, one_document=True, csl=csl)
    with patch.object(pandoc, "render_one_document", wraps=pandoc.render_one_document) as one:
        batched = _render(fragments, csl=csl)
    if split is not None:
        assert one.called is not split
    assert batched.html == whole.html and list(batched.html) == list(whole.html)
    assert batched.notes == whole.notes and list(batched.notes) == list(whole.notes)
    assert batched.bibliography == whole.bibliography
    assert list(batched.bibliography) == list(whole.bibliography)
    return batched


@pytest.fixture(autouse=True)
def one_batch_per_group(monkeypatch: pytest.MonkeyPatch) -> None:
    """No merging of small groups: every group is a batch of its own (the hardest case)."""
    monkeypatch.setattr(pandoc, "MIN_BATCH_CHARS", 0)


@pytest.fixture
def pandoc_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The Markdown of every Pandoc process started."""
    runs: list[str] = []
    real = pandoc._run

    def counting(markdown: str, *args: object) -> tuple[str, str]:
        runs.append(markdown)
        return real(markdown, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pandoc, "_run", counting)
    yield runs


def note(key: str, text: str, group: str) -> Fragment:
    return Fragment(key, text, "", as_note=True, group=group)


BOOK = [
    Fragment("intro", "## Notes\n\nThe editor's view.[^1]\n\n[^1]: A footnote of the intro.",
             "fn-intro-", group="intros"),
    Fragment("source:a", "## Notes\n\nFirst text.\n\n## Notes\n\n## Other notes\n\nMore.",
             "fn-a-", group="source:a"),
    Fragment("source:b", "# Notes\n\nSecond text, citing [@snow1855, 12].", "fn-b-",
             group="source:b"),
    Fragment("source:c", "## Notes {.unnumbered}\n\n### Notes 1\n\n## Notes\n\nThird text.",
             "fn-c-", group="source:c"),
    Fragment("source:d", "### Other notes\n\nText with [a link](#notes) and *emphasis*.",
             "fn-d-", group="source:d"),
    note("ann:1", CITING_NOTE, "annotations:a.yaml"),
    note("ann:2", "A note between two citations of the same work.", "annotations:a.yaml"),
    note("ann:3", CITING_NOTE, "annotations:b.yaml"),
    note("ann:4", CITING_NOTE, "annotations:b.yaml"),  # right after the same: "Ibid."
    note("ann:5", "A [quiet]{.csl-note} aside and [words]{.csl-quoted}.", "annotations:b.yaml"),
    note("ann:6", "An unresolved [^nowhere] footnote label.", "annotations:b.yaml"),
    note("ann:7", "A note with a heading.\n\n## Notes\n\nIn the note.", "annotations:b.yaml"),
    Fragment("source:e", "# Σ ΟΔΟΣ\n\n# σ οδοσ\n\n# 1962: *Ten* days -- of `code` & “quotes”\n\n"
             "## Ten days -- of code\n\n## ＡＢＣ ⅷ ½ x_y.z 'it's'", "fn-e-", group="source:e"),
    Fragment("source:f", "# ΣΟΔΟΣ\n\n# σ οδοσ\n\n## ten-days-of-code\n\n## Ten days of code",
             "fn-f-", group="source:f"),
    note("gloss:pump", "The public water pump on Broad Street.", "glossary"),
    note("tl:1", "The outbreak begins.", "timeline"),
]


def test_batches_give_exactly_what_one_document_gives(pandoc_runs: list[str]) -> None:
    rendered = _same(BOOK)
    assert len(pandoc_runs) - 1 > 2  # the one document, then batches
    assert 'id="notes-3"' in rendered.html["source:b"]  # headings numbered across the book
    assert 'id="ten-days-of-code-2"' in rendered.html["source:f"]
    # citeproc turned the csl-note span into a note, as it did in one document
    assert "csl-note" not in rendered.html["ann:5"]


def test_citations_keep_their_note_numbers(tmp_path: Path) -> None:
    csl = tmp_path / "note-numbers.csl"
    csl.write_text(NOTE_NUMBERS_CSL, encoding="utf-8")
    rendered = _same(BOOK, csl)
    # ann:2, converted elsewhere, still sits between ann:1 and ann:3: no "Ibid" for ann:3
    assert "first in note 3" in rendered.html["ann:3"] and "Ibid" in rendered.html["ann:4"]


def test_citations_stay_together_and_notes_elsewhere_keep_their_place(
    pandoc_runs: list[str],
) -> None:
    _render(BOOK)
    cite = next(markdown for markdown in pandoc_runs if "nocite: '@*'" in markdown)
    assert sum("nocite" in markdown for markdown in pandoc_runs) == 1
    assert "{#refs}" in cite and "[@snow1855, 12]" in cite
    assert "between two citations" not in cite and "[^s6]" in cite  # ann:2 stands in
    assert "The outbreak begins" not in cite and "[^s11]" not in cite  # nothing cites after
    plain = [markdown for markdown in pandoc_runs if "nocite" not in markdown]
    assert any("between two citations" in markdown for markdown in plain)


def test_a_citation_before_a_colon_in_running_text_is_no_reference_definition() -> None:
    # "[@key]: a lesson" mid-line defines nothing: the book is still converted in batches.
    _same([Fragment("source:a", "Plain text.", "fn-a-", group="source:a"),
           Fragment("ann:1", "He warned of retreat [@snow1855, 39]: a lesson, not a rule.",
                    "", as_note=True, group="notes:x"),
           Fragment("ann:2", "A note\nover [two]: lines [@snow1855].", "", as_note=True,
                    group="notes:x")])


def test_a_book_without_citations_still_gets_its_bibliography() -> None:
    rendered = _same([Fragment("source:a", "Plain text.", "fn-a-", group="source:a")])
    assert set(rendered.bibliography) == {"snow1855", "editor2026"}


@pytest.mark.parametrize(
    "fragments",
    [
        pytest.param([Fragment("s:a", "See [the pump][pump].", "", group="s:a"),
                      Fragment("s:b", "[pump]: https://example.org/pump", "", group="s:b")],
                     id="reference definition in another fragment"),
        pytest.param([Fragment("s:a", "See [the pump][pump].", "", group="s:a"),
                      Fragment("n:b", "A note.\n\n- [pump]: https://example.org/pump", "",
                               as_note=True, group="n:b")],
                     id="reference definition in a list item of a note"),
        pytest.param([Fragment("s:a", "## The map\n\nText.", "", group="s:a"),
                      Fragment("s:b", "As [The map] shows.", "", group="s:b")],
                     id="implicit header reference"),
        pytest.param([Fragment("s:a", "::: {#frag-1}\nMine.\n:::", "", group="s:a"),
                      Fragment("s:b", "Text.", "", group="s:b")],
                     id="our own div ids"),
        pytest.param([Fragment("s:a", "## Notes\n\nText.", "", group="s:a"),
                      Fragment("s:b", "## Notes {#notes}\n\nText.", "", group="s:b")],
                     id="an id written in the Markdown that one document keeps"),
        pytest.param([Fragment("s:a", "## Notes\n\nText.", "", group="s:a"),
                      Fragment("s:b", "Text.[^1]\n\n[^1]: Start.\n\n    ## Notes\n", "",
                               group="s:b"),
                      Fragment("s:c", "## Notes", "", group="s:c")],
                     id="heading inside a footnote"),
    ],
)
def test_what_batches_cannot_split_is_converted_as_one_document(
    fragments: list[Fragment], pandoc_runs: list[str]
) -> None:
    _same([Fragment(f.key, f.markdown, f"fn-{f.key}-", f.as_note, f.group) for f in fragments],
          split=False)


SNIPPETS = ["## Notes", "# Notes", "## The map", "Plain words.", "*Emphasis* and `code`.",
            "A cited claim [@snow1855, 40].", "@snow1855 says so.",
            "A footnote.[^1]\n\n[^1]: Body.", "[bracketed] words",
            "Quotes: \u201cyes\u201d -- and...", "- a list\n- of items", "> quoted",
            "(@) an example", "A [span]{.smallcaps}.", "## Notes {#notes}"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=3),
                          st.booleans(), st.sampled_from(["source:a", "source:b", "notes:x",
                                                          "notes:y", "glossary"])),
                min_size=1, max_size=8))
def test_any_mix_of_fragments_converts_as_one_document(
    pieces: list[tuple[list[str], bool, str]],
) -> None:
    _same([Fragment(f"k{number}", "\n\n".join(texts), f"fn-{number}-", as_note, group)
           for number, (texts, as_note, group) in enumerate(pieces)], split=None)


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "book" / "annotations" / "snow-letter.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("min_batch", [0, pandoc.MIN_BATCH_CHARS])
def test_editing_a_note_without_citation_reruns_only_its_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, min_batch: int
) -> None:
    monkeypatch.setattr(pandoc, "MIN_BATCH_CHARS", min_batch)  # 0: one batch per file
    root = copy_reader(MINI, tmp_path / "reader")

    def rendered_with_cache() -> tuple[Rendered, cache.Cache]:
        store = cache.Cache.for_project(root)
        with cache.activated(store):
            project, _ = load_checked(root)
            return fragment_plan.render_fragments(project), store

    cold, store = rendered_with_cache()
    assert store.hits == [] and "pandoc" in store.misses and len(store.misses) > 1
    _, store = rendered_with_cache()
    assert store.misses == [] and len(store.hits) == len(set(store.hits))
    batches = sorted(store.hits)
    _edit(root, "is not given here.", "is given nowhere in the letter.")
    edited, store = rendered_with_cache()
    assert len(store.misses) == 1 and "pandoc" not in store.misses  # citations: untouched
    assert sorted(store.hits + store.misses) == batches
    if min_batch == 0:
        assert store.misses == ["pandoc-annotations-snow-letter-yaml"]
    assert "given nowhere" in edited.html["ann:snow-handle"]
    assert edited.html["ann:snow-spot"] == cold.html["ann:snow-spot"]
    with cache.activated(None):
        project, _ = load_checked(root)
        whole = fragment_plan.with_references(project, pandoc.render_one_document(
            fragment_plan.fragments(project), bibliography=project.bibliography_path,
            csl=fragment_plan.csl_path(), cwd=project.root, lang=project.book.lang))
    assert pickle.dumps(edited) == pickle.dumps(whole)


def test_batches_run_side_by_side_one_per_cpu_at_most(monkeypatch: pytest.MonkeyPatch) -> None:
    running, most = 0, 0
    lock = threading.Lock()

    def slow(markdown: str, *args: object) -> tuple[str, str]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return markdown.upper(), ""

    monkeypatch.setattr(pandoc, "_run", slow)
    monkeypatch.setattr(pandoc.os, "cpu_count", lambda: 3)
    batches = [(f"batch {number}" * (number + 1), None, f"kind-{number}") for number in range(7)]
    results = pandoc._run_all(batches, fragment_plan.csl_path(), MINI)
    assert results == [(markdown.upper(), "") for markdown, _, _ in batches]  # order kept
    assert most == 3
