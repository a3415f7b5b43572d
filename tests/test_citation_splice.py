"""render/citation_splice.py: the live preview's fast pass keeps a note's citations as citeproc
last gave them when only its prose changed. Whenever it does, the result is what citeproc gives
(checked against a real citeproc run on this reader's notes); otherwise citeproc runs."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import MINI, REPO

from readerkit import cache
from readerkit.pipeline import load_checked
from readerkit.render import citeproc_memory, editions, pandoc
from readerkit.render import fragments as fragment_plan
from readerkit.render.citation_splice import prose_edit
from readerkit.render.citations import csl_path
from readerkit.render.pandoc import Fragment, Rendered


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("He said so [@a, 3]. Later.", "She said so [@a, 3]. Later.", True),
    ("He said so [@a, 3]. Later.", "He said it [@a, 3]. Later.", False),  # right before it
    ("He said so [@a, 3]. Later on.", "He said so [@a, 3]. Later, much later.", True),
    ("He said so [@a, 3].", "Edited. He said so [@a, 3].", True),
    ("[@a, 3]. He said so.", "Edited. [@a, 3]. He said so.", False),  # no longer opens it
    ("He said so [@a, 3].", "He said so [@a, 3]. More.", False),  # right beside it
    ("He said so [@a, 3].", "He said so [@a, 4].", False),  # another locator
    ("He said so [@a].", "He said so [@b].", False),
    ("He said so.", "He said so [@a].", False),  # a new citation
    ("One paragraph.", "One\n\nor two.", False),
    ("A note.", "A note.^[With its own note.]", False),
    ("Plain words here.", "Plain `code` here.", False),
    ("As @a says, yes.", "As @a says, no.", True),
    ("As @a says.", "As @a Says.", False),  # the word after an author-in-text citation
])
def test_what_counts_as_an_edit_of_prose_alone(old: str, new: str, expected: bool) -> None:
    assert prose_edit(old, new) is expected


def _render(fragments: list[Fragment], bibliography: Path, cwd: Path, *, csl: Path | None = None,
            fast: bool = False) -> Rendered:
    with citeproc_memory.provisional(fast):
        return pandoc.render(fragments, bibliography=bibliography,
                             csl=csl or csl_path(), cwd=cwd, lang="en-US")


@pytest.fixture
def citeproc_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    runs: list[str] = []
    real = pandoc._run

    def counting(markdown: str, bibliography: Path | None, *args: Path) -> tuple[str, str]:
        if bibliography is not None:
            runs.append(markdown)
        return real(markdown, bibliography, *args)

    monkeypatch.setattr(pandoc, "_run", counting)
    yield runs


EDITS: dict[str, Callable[[str], str]] = {
    "words first": lambda text: "Edited words. " + text,
    "words in the middle": lambda text: (text[: len(text) // 2] + " inserted "
                                         + text[len(text) // 2:]),
    "a word changed": lambda text: text.replace(" the ", " a ", 1),
    "a locator changed": lambda text: text.replace("]", ", 99]", 1),
}


@pytest.mark.parametrize("edit", EDITS)
def test_a_spliced_note_is_what_citeproc_gives(edit: str,
                                               citeproc_runs: list[str]) -> None:
    project, _ = load_checked(REPO)
    fragments = fragment_plan.fragments(editions.core(project))
    bibliography = project.bibliography_path
    _render(fragments, bibliography, REPO)  # the run the splice starts from
    change = EDITS[edit]
    prose = edit != "a locator changed"
    citing = [i for i, fragment in enumerate(fragments) if fragment.as_note
              and "[@" in fragment.markdown
              and prose_edit(fragment.markdown, change(fragment.markdown)) is prose]
    edited = list(fragments)
    for index in citing[3:3 + citeproc_memory.MAX_SPLICED]:  # a save of one file edits several
        edited[index] = replace(fragments[index], markdown=change(fragments[index].markdown))
    runs = len(citeproc_runs)
    fast = _render(edited, bibliography, REPO, fast=True)
    assert (len(citeproc_runs) == runs) is prose  # spliced, or citeproc ran
    assert pickle.dumps(fast) == pickle.dumps(_render(edited, bibliography, REPO))


# A style whose second citation of a work in the very next note is "Ibid.", whose later ones
# are short: what a splice must keep (Chicago's notes depend on earlier citations the same way).
IBID_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info><title>Ibid test</title><id>ibid-test</id>
    <updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout suffix="."><choose>
    <if position="ibid-with-locator"><text value="Ibid., "/><text variable="locator"/></if>
    <else-if position="ibid"><text value="Ibid"/></else-if>
    <else-if position="subsequent"><text variable="title" form="short"/></else-if>
    <else><text variable="title"/><text prefix=", " variable="locator"/></else>
  </choose></layout></citation>
  <bibliography><layout><text variable="title"/></layout></bibliography>
</style>
"""


def test_ibid_and_short_forms_stay_as_citeproc_gives_them(tmp_path: Path,
                                                         citeproc_runs: list[str]) -> None:
    csl = tmp_path / "ibid.csl"
    csl.write_text(IBID_CSL, encoding="utf-8")
    notes = ["Snow's count [@snow1855, 39] settled it.",
             "The same count again [@snow1855, 40] here.",
             "And once more, in other words [@snow1855, 40] here."]
    fragments = [Fragment(f"ann:{number}", text, "", as_note=True, group="annotations:x")
                 for number, text in enumerate(notes)]
    bib = MINI / "bibliography.bib"
    before = _render(fragments, bib, MINI, csl=csl)
    assert "(Ibid., 40)" in before.html["ann:1"] and "(Ibid)" in before.html["ann:2"]
    reworded = [*fragments[:2],
                replace(fragments[2], markdown="Once more, in other words [@snow1855, 40] here.")]
    runs = len(citeproc_runs)
    fast = _render(reworded, bib, MINI, csl=csl, fast=True)
    assert len(citeproc_runs) == runs  # spliced
    assert pickle.dumps(fast) == pickle.dumps(_render(reworded, bib, MINI, csl=csl))
    relocated = [fragments[0], replace(fragments[1], markdown="The same [@snow1855, 41] here."),
                 reworded[2]]
    runs = len(citeproc_runs)
    fast = _render(relocated, bib, MINI, csl=csl, fast=True)
    assert len(citeproc_runs) == runs + 1  # a locator changed: citeproc ran
    assert "(Ibid., 41)" in fast.html["ann:1"] and "(Ibid., 40)" in fast.html["ann:2"]


def test_a_new_process_splices_from_the_run_the_cache_kept(tmp_path: Path,
                                                          citeproc_runs: list[str]) -> None:
    """`build.py serve` started on a reader built before: its first edit is spliced too."""
    fragments = [Fragment("ann:0", "Snow's count [@snow1855, 39] settled it.", "",
                          as_note=True, group="annotations:x")]
    bib = MINI / "bibliography.bib"
    store = cache.Cache(tmp_path / "cache")
    with cache.activated(store):
        _render(fragments, bib, MINI)  # an earlier build.py run
    citeproc_memory.forget()  # a new process remembers nothing itself
    edited = [replace(fragments[0], markdown="Snow's own count [@snow1855, 39] settled it.")]
    runs = len(citeproc_runs)
    with cache.activated(store):
        fast = _render(edited, bib, MINI, fast=True)
    assert len(citeproc_runs) == runs
    assert pickle.dumps(fast) == pickle.dumps(_render(edited, bib, MINI))
