"""Annotations in and out: Hypothesis and W3C JSON-LD imports, the W3C export, the round trip.

Imports run on a copy of the tiny reader whose Snow letter has the web address the Hypothesis
fixture annotates (tests/fixtures/annotations/); the W3C fixture annotates the web edition's
page for the pump essay. Every message is compared word for word, and every file byte for byte.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI, REPO, copy_reader, run_build

from readerkit.diagnostics import BuildAborted, Diagnostics
from readerkit.htmltools import parse_fragment
from readerkit.load.project import load_project
from readerkit.pipeline import assemble_book, load_checked
from readerkit.render import annotate
from readerkit.render.anchoring import fold_text
from readerkit.render.fragments import render_fragments
from readerkit.tools import annotations_import
from readerkit.tools.annotation_addresses import normalise_url
from readerkit.tools.annotation_text import SourceText
from readerkit.tools.annotations_export import export_annotations
from readerkit.tools.annotations_import import import_annotations

FIXTURES = Path(__file__).parent / "fixtures" / "annotations"
HYPOTHESIS = FIXTURES / "hypothesis-search.json"
W3C = FIXTURES / "w3c-collection.jsonld"
SNOW_URL = "https://example.org/texts/snow-1855/"
SNOW_NOTES = "book/annotations/snow-letter.yaml"
ESSAY_NOTES = "book/annotations/pump-essay.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    reader = copy_reader(MINI, tmp_path / "reader")
    letter = reader / "sources" / "snow-letter.md"
    letter.write_text(letter.read_text(encoding="utf-8").replace(
        "rights: Public domain.", f"url: {SNOW_URL}\nrights: Public domain."), encoding="utf-8")
    return reader


def given(root: Path, fixture: Path, name: str = "") -> Path:
    """The fixture copied into the reader, so messages name it relative to the root."""
    target = root / (name or fixture.name)
    shutil.copyfile(fixture, target)
    return target


def shown(result: annotations_import.ImportResult) -> list[str]:
    return [d.format() for d in result.diagnostics.sorted() if d.code.startswith("X")]


def text(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


SNOW_IMPORTED = """
- id: hyp-xq3vnrtkee-8d1cn2mpzqa
  quote: Board of Guardians of St James’s parish
  tags: [week-3]
  note: >-
    The Board of Guardians ran the parish's poor relief; Snow went to them
    because they controlled the parish pumps.
  by: mrivera@hypothes.is
  created: '2026-10-02T14:03:11.482915+00:00'
  origin: https://hypothes.is/a/Xq3vNrTkEe-8d1cN2mPZqA

- id: hyp-b7rkwrtlee-2ljc6artl0g
  quote: pump
  suffix: .
  kind: question
  audience: instructor
  note: |
    Which pump? Ask students how Snow knew *this* pump and not another.

    Compare the essay's account of the handle.
  by: mrivera@hypothes.is
  created: '2026-10-02T14:10:02.000000+00:00'
  origin: https://hypothes.is/a/b7RkWrTlEe-2lJc6aRtL0g
"""

HYPOTHESIS_REPORT = [
    "hypothesis-search.json:53: X005 (warning) annotation hyp-c1pqyrtmee-9vue2b0xy4w on "
    "https://example.org/texts/snow-1855/: quote not in snow-letter, not imported: \"I found "
    "that nearly all the deaths had taken place within a short distance of the pump. There "
    "were only ten deaths\"\n"
    "    hint: closest passage: \"I found that nearly all the deaths had taken place within a "
    "short distance of the pump. I had an interview with the\"",
    "hypothesis-search.json:71: X006 (warning) hyp-d4hszrtnee-0aa7vd1kp2q is a reply to "
    "Xq3vNrTkEe-8d1cN2mPZqA, not a note; not imported",
    "hypothesis-search.json:83: X007 (warning) hyp-e9jtastoee-7bb8we2lq3r on "
    "https://example.org/texts/snow-1855/ is a page note (it marks no passage); not imported",
    "hypothesis-search.json:94: X007 (warning) hyp-f2kubttpee-6cc9xf3mr4s on "
    "https://example.org/texts/snow-1855/ has no text (a highlight); not imported",
]


def test_hypothesis_search_result_is_anchored_mapped_and_reported(root: Path) -> None:
    before = text(root, SNOW_NOTES)
    result = import_annotations(root, given(root, HYPOTHESIS))
    # Curly apostrophe and a line break in the quote, tracking parameters, www., index.html,
    # http and a fragment in the addresses: all found. The ambiguous "pump" keeps only the
    # suffix that settles it in this excerpt, not Hypothesis's 32 characters.
    assert text(root, SNOW_NOTES) == before + SNOW_IMPORTED
    assert shown(result) == HYPOTHESIS_REPORT
    assert [(c.path.name, c.added, c.updated) for c in result.changes] == [
        ("snow-letter.yaml", ["hyp-xq3vnrtkee-8d1cn2mpzqa", "hyp-b7rkwrtlee-2ljc6artl0g"], [])]


ESSAY_IMPORTED = """
- id: annotations-example-org-anno-7f3c
  quote: the pump handle was removed before the map was finished
  kind: discrepancy
  note: >-
    Snow's own account says the handle came off the day after he met the
    Guardians, **before** the map was published.
  by: A. Okafor
  created: '2026-09-28T16:20:00Z'
  origin: https://annotations.example.org/anno/7f3c

- id: annotations-example-org-anno-7f3d
  quote: Snow drew a map of the deaths
  note: |
    Snow’s map was drawn in the autumn of 1854.

    It was printed in 1855.
  by: https://annotations.example.org/users/okafor
  origin: https://annotations.example.org/anno/7f3d

- id: annotations-example-org-anno-7f3e
  quote: pump
  prefix: the
  kind: gloss
  note: The word stands for the whole story here.
  origin: https://annotations.example.org/anno/7f3e
"""


def test_w3c_collection_is_anchored_mapped_and_reported(root: Path) -> None:
    before = text(root, ESSAY_NOTES)
    result = import_annotations(root, given(root, W3C))
    # The quote inside a FragmentSelector's refinedBy, an HTML-only body, a doubled space,
    # "pump" four times in the essay (its prefix/suffix pick one): all imported.
    assert text(root, ESSAY_NOTES) == before.rstrip("\n") + "\n" + ESSAY_IMPORTED
    assert shown(result) == [
        "w3c-collection.jsonld:54: X009 (warning) annotation annotations-example-org-anno-7f3f "
        "on https://reader.example.org/pump-reader/pump-essay.html: quote runs across two "
        "paragraphs of pump-essay; not imported\n"
        "    hint: annotations mark a passage inside one paragraph",
        "w3c-collection.jsonld:64: X006 (warning) annotations-example-org-anno-7f40 is a reply "
        "to https://annotations.example.org/anno/7f3c, not a note; not imported",
        "w3c-collection.jsonld:71: X007 (warning) annotations-example-org-anno-7f41 on "
        "https://reader.example.org/pump-reader/pump-essay.html is a page note (it marks no "
        "passage); not imported",
    ]


def test_the_book_builds_with_what_was_imported(root: Path) -> None:
    import_annotations(root, given(root, HYPOTHESIS))
    import_annotations(root, given(root, W3C))
    project, diags = load_checked(root)
    book = assemble_book(project, diags)
    assert diags.errors == []
    notes = {note.id for doc in book.sources for note in doc.notes}
    assert "ann-annotations-example-org-anno-7f3e" in notes
    # the note tagged "instructor" is imported as such: the student edition leaves it out
    imported = {annotation.id: annotation for annotation in project.annotations}
    assert imported["hyp-b7rkwrtlee-2ljc6artl0g"].audience == "instructor"
    assert "ann-hyp-b7rkwrtlee-2ljc6artl0g" not in notes
    essay = next(doc for doc in book.sources if doc.source.id == "pump-essay")
    marked = parse_fragment(essay.html).xpath(
        '//span[contains(@data-note, "ann-annotations-example-org-anno-7f3e")]')
    assert ["".join(span.itertext()) for span in marked] == ["pump"]  # (index marks inside)
    assert "the pump handle" in "".join(marked[0].getparent().itertext())


def test_importing_twice_changes_nothing_and_a_changed_note_is_updated(root: Path) -> None:
    path = given(root, HYPOTHESIS)
    import_annotations(root, path)
    once = text(root, SNOW_NOTES)
    again = import_annotations(root, path)
    assert again.changes == [] and again.written == []
    assert again.unchanged == ["hyp-xq3vnrtkee-8d1cn2mpzqa", "hyp-b7rkwrtlee-2ljc6artl0g"]
    assert text(root, SNOW_NOTES) == once
    edited = path.read_text(encoding="utf-8").replace(
        "because they controlled the parish pumps.", "because the vestry owned the pumps.")
    path.write_text(edited, encoding="utf-8")
    third = import_annotations(root, path)
    assert [(c.added, c.updated) for c in third.changes] == [([], ["hyp-xq3vnrtkee-8d1cn2mpzqa"])]
    assert text(root, SNOW_NOTES) == once.replace(
        "    because they controlled the parish pumps.\n",
        "    because the vestry owned the pumps.\n")


EDITED_BY_HAND = """\
# Notes on Snow's letter. Keep the context notes first.

- id: snow-spot        # checked against the 1855 edition
  quote: "nearly all the deaths"
  kind: context
  note: Snow counted the deaths house by house [@snow1855, 39].

- id: snow-handle
  quote: 'the handle of the pump was removed'
  kind: discrepancy
  note: >
    The date of the removal, 8 September 1854,
    is not given here.

# Imported from the seminar's Hypothesis group (build.py import-annotations):

- id: hyp-xq3vnrtkee-8d1cn2mpzqa
  quote: Board of Guardians of St James’s parish
  note: An earlier version of this note.
  origin: https://hypothes.is/a/Xq3vNrTkEe-8d1cN2mPZqA
# end of the seminar's notes
"""


def test_the_write_keeps_comments_order_and_layout(root: Path) -> None:
    (root / SNOW_NOTES).write_text(EDITED_BY_HAND, encoding="utf-8")
    result = import_annotations(root, given(root, HYPOTHESIS))
    assert [(c.added, c.updated) for c in result.changes] == [
        (["hyp-b7rkwrtlee-2ljc6artl0g"], ["hyp-xq3vnrtkee-8d1cn2mpzqa"])]
    updated_entry = SNOW_IMPORTED.split("\n\n")[0].lstrip("\n")
    added_entry = SNOW_IMPORTED.split("\n\n", 1)[1]
    assert text(root, SNOW_NOTES) == EDITED_BY_HAND.replace(
        "- id: hyp-xq3vnrtkee-8d1cn2mpzqa\n  quote: Board of Guardians of St James’s parish\n"
        "  note: An earlier version of this note.\n"
        "  origin: https://hypothes.is/a/Xq3vNrTkEe-8d1cN2mPZqA\n",
        updated_entry + "\n",
    ) + "\n" + added_entry


def test_annotations_written_by_hand_are_never_touched(root: Path) -> None:
    clash = {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
             "id": "https://reader.example.org/pump-essay.html#ann-essay-map",
             "body": {"type": "TextualBody", "value": "A different note."},
             "target": {"source": "https://reader.example.org/pump-essay.html",
                        "selector": {"type": "TextQuoteSelector", "exact": "Broad Street pump"}}}
    (root / "clash.jsonld").write_text(json.dumps(clash, indent=1), encoding="utf-8")
    before = text(root, ESSAY_NOTES)
    result = import_annotations(root, root / "clash.jsonld")
    assert text(root, ESSAY_NOTES) == before and result.changes == []
    assert shown(result) == [
        "clash.jsonld:4: X010 (warning) essay-map: the id is already used at "
        "book/annotations/pump-essay.yaml:1 by an annotation written by hand; not imported\n"
        "    hint: the importer never changes annotations written by hand: rename or remove "
        "that one to import this"]


def test_dry_run_prints_the_changes_and_writes_nothing(root: Path) -> None:
    before = text(root, SNOW_NOTES)
    done = run_build("import-annotations", str(given(root, HYPOTHESIS)), "--dry-run",
                     "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert text(root, SNOW_NOTES) == before
    lines = done.stdout.splitlines()
    assert lines[0] == ("book/annotations/snow-letter.yaml: would add "
                        "hyp-xq3vnrtkee-8d1cn2mpzqa, hyp-b7rkwrtlee-2ljc6artl0g")
    assert lines[1:3] == ["--- a/book/annotations/snow-letter.yaml",
                          "+++ b/book/annotations/snow-letter.yaml"]
    assert "+- id: hyp-b7rkwrtlee-2ljc6artl0g" in lines and "+  suffix: ." in lines
    assert lines[-1] == ("would add 2, would update 0, 0 already up to date, 4 not imported "
                         "(reported above)")
    assert "dry run: nothing was written" in done.stderr
    assert "Traceback" not in done.stderr


# --- export ------------------------------------------------------------------------------

def _exported(root: Path, **options: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(export_annotations(root, **options)[0])
    return data


def _paragraph_texts(root: Path) -> dict[str, str]:
    """Each paragraph's text in the built book, without its number and note calls."""
    project, diags = load_checked(root)
    book = assemble_book(project, diags)
    texts = {}
    for doc in book.sources:
        for paragraph in parse_fragment(doc.html).xpath("//p[@id]"):
            for extra in paragraph.xpath('.//*[@class="pnum" or @class="noteref"]'):
                extra.text = None
                for child in extra:
                    extra.remove(child)  # its own text goes; the text after it stays
            texts[paragraph.get("id")] = "".join(paragraph.itertext())
    return texts


def test_export_is_a_w3c_collection_the_web_edition_and_hypothesis_can_anchor(
        root: Path) -> None:
    data = _exported(root, edition="instructor")
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection"
    items = data["first"]["items"]
    assert data["total"] == len(items) == 4
    by_id = {item["id"]: item for item in items}
    spot = by_id["snow-letter.html#ann-snow-spot"]
    assert [b["value"] for b in spot["body"] if b["purpose"] == "tagging"] == ["context"]
    markdown, html = (b for b in spot["body"] if b["purpose"] == "commenting")
    assert markdown["format"] == "text/markdown"
    assert markdown["value"] == "Snow counted the deaths house by house [@snow1855, 39]."
    assert html["format"] == "text/html" and "Snow counted the deaths" in html["value"]
    assert "[@snow1855" not in html["value"]  # the citation is rendered
    original, web = spot["target"]
    assert original["source"] == SNOW_URL
    assert original["selector"] == {
        "type": "TextQuoteSelector", "exact": "nearly all the deaths",
        "prefix": "On proceeding to the spot, I found that "[-32:],
        "suffix": " had taken place within a short "}
    # The web edition's target is the annotated paragraph's own address.
    assert web["source"] == "snow-letter.html#p-snow-letter-1"
    quote, position = web["selector"]
    assert quote == original["selector"]
    paragraphs = _paragraph_texts(root)
    assert position["type"] == "TextPositionSelector"
    assert paragraphs["p-snow-letter-1"][position["start"]:position["end"]] == \
        "nearly all the deaths"
    # The pump essay has no address of its own: only the web edition's page is targeted.
    pump = by_id["pump-essay.html#ann-essay-pump"]
    assert [t["source"] for t in pump["target"]] == ["pump-essay.html#p-pump-essay-2"]
    assert [b["value"] for b in pump["body"] if b["purpose"] == "tagging"] == [
        "question", "instructor"]
    for item in items:
        web_target = item["target"][-1]
        page, _, paragraph = web_target["source"].partition("#")
        assert page.endswith(".html") and paragraph in paragraphs
        exact, where = web_target["selector"]
        assert paragraphs[paragraph][where["start"]:where["end"]] == exact["exact"]


def test_student_export_holds_no_instructor_notes_and_base_url_is_used(root: Path) -> None:
    data = _exported(root, base_url="https://reader.example.org/pump/")
    ids = [item["id"] for item in data["first"]["items"]]
    assert ids == ["https://reader.example.org/pump/snow-letter.html#ann-snow-spot",
                   "https://reader.example.org/pump/snow-letter.html#ann-snow-handle",
                   "https://reader.example.org/pump/pump-essay.html#ann-essay-map"]
    assert "instructor" not in json.dumps(data)


def _annotations(root: Path) -> list[tuple[Any, ...]]:
    project = load_project(root, Diagnostics(root))
    return sorted((a.id, a.source_id, fold_text(a.quote), a.kind, a.audience, a.note.strip(),
                   a.tags, a.by, a.created) for a in project.annotations)


def _placements(root: Path) -> dict[str, tuple[str, int, int]]:
    """Where each annotation is marked: (paragraph id, start, end) in the built book."""
    project, diags = load_checked(root)
    rendered = render_fragments(project)
    where = {}
    for source in project.sources.values():
        tree = parse_fragment(rendered.html[f"source:{source.id}"])
        source_text = SourceText.from_tree(source.id, tree)
        for p in annotate.place(tree, source, project.annotations_for(source.id), diags):
            index = source_text.index_of(p.block)
            where[p.annotation.id] = (source_text.paragraph_ids.get(index, ""), p.start, p.end)
    assert diags.errors == []
    return where


def _empty_copy(root: Path, target: Path) -> Path:
    shutil.copytree(root, target, ignore=shutil.ignore_patterns("dist"))
    for notes in (target / "book" / "annotations").glob("*.yaml"):
        notes.write_text("", encoding="utf-8")
    return target


def _this_reader(root: Path) -> Path:
    for name in ("book", "sources", "styles"):
        shutil.copytree(REPO / name, root / name)
    shutil.copyfile(REPO / "bibliography.bib", root / "bibliography.bib")
    return root


@pytest.mark.parametrize("reader", ["mini", "this reader"])
def test_export_then_import_into_an_empty_copy_gives_the_same_annotations(
        root: Path, tmp_path: Path, reader: str) -> None:
    if reader == "this reader":
        root = _this_reader(tmp_path / "cmc")
    exported = root / "all.jsonld"
    exported.write_text(export_annotations(root, edition="instructor")[0], encoding="utf-8")
    empty = _empty_copy(root, tmp_path / "empty")
    result = import_annotations(empty, empty / "all.jsonld")
    assert shown(result) == []
    assert _annotations(empty) == _annotations(root)
    assert _placements(empty) == _placements(root)
    assert import_annotations(empty, empty / "all.jsonld").changes == []


def test_this_readers_urls_are_addresses_its_bibliography_records() -> None:
    """No address is made up: a source's `url:` is the page its excerpt's words are on, as
    the bibliography records it: its `cite` entry's, or (quoted in another work) that one's."""
    project = load_project(REPO, Diagnostics(REPO))
    with_url = {s.id: s.url for s in project.sources.values() if s.url}
    assert set(with_url) == {"milestones-essay", "kennedy-address-1962-10-22",
                             "khrushchev-letter-1962-10-26", "today-in-history"}
    for source_id, url in with_url.items():
        source = project.sources[source_id]
        recorded = {project.bibliography[key].fields.get("url")
                    for key in (source.cite, source.quoted_in) if key}
        assert url in recorded, source_id


def test_this_readers_notes_found_again_on_their_original_pages(tmp_path: Path) -> None:
    """A note exported to its source's original page (where Hypothesis shows it) and imported
    back from that page alone lands in its own source; where the Milestones essay holds the
    very words of a document it quotes, the importer reports it (X008) and does not guess."""
    root = _this_reader(tmp_path / "cmc")
    items = json.loads(export_annotations(root, edition="instructor")[0])["first"]["items"]
    on_original = [{**item, "target": item["target"][:1]} for item in items
                   if len(item["target"]) == 2]
    bibliography = load_project(root, Diagnostics(root)).bibliography
    assert {item["target"][0]["source"] for item in on_original} == {
        bibliography[key].fields["url"] for key in ("milestones-cmc", "giftpals-today")}
    empty = _empty_copy(root, tmp_path / "empty")
    (empty / "original.json").write_text(json.dumps(on_original), encoding="utf-8")
    result = import_annotations(empty, empty / "original.json")
    left_out = {}
    for warning in result.diagnostics.warnings:
        assert warning.code == "X008", warning.format()
        left_out[warning.message.split()[1]] = warning.message.split("quote occurs in ")[1]
    assert left_out and set(left_out.values()) <= {
        "kennedy-address-1962-10-22, milestones-essay; not imported",
        "khrushchev-letter-1962-10-26, milestones-essay; not imported"}
    exported = {item["id"].rsplit("#ann-", 1)[1] for item in on_original}
    assert _annotations(empty) == [a for a in _annotations(root)
                                   if a[0] in exported and a[0] not in left_out]


def test_an_imported_note_exported_and_imported_again_keeps_its_origin(
        root: Path, tmp_path: Path) -> None:
    import_annotations(root, given(root, HYPOTHESIS))
    (root / "all.jsonld").write_text(export_annotations(root, edition="instructor")[0],
                                     encoding="utf-8")
    empty = _empty_copy(root, tmp_path / "empty")
    import_annotations(empty, empty / "all.jsonld")
    origins = {a.id: a.origin for a in load_project(empty, Diagnostics(empty)).annotations}
    assert origins["hyp-b7rkwrtlee-2ljc6artl0g"] == "https://hypothes.is/a/b7RkWrTlEe-2lJc6aRtL0g"
    assert origins["snow-spot"] == "snow-letter.html#ann-snow-spot"


# --- bad input: every message, exactly; nothing written ------------------------------------

@dataclass
class BadInput:
    code: str
    content: str | bytes | Callable[[Path], None]
    expected: list[str]
    source: str | None = None
    prepare: Callable[[Path], None] | None = None  # an edit of the reader first
    codes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        self.codes = self.codes or (self.code,)


def _hypothesis_row(uri: str, exact: str = "nearly all the deaths") -> dict[str, Any]:
    return {"id": "Zz9", "uri": uri, "text": "A note.", "tags": [],
            "target": [{"source": uri, "selector": [
                {"type": "TextQuoteSelector", "exact": exact, "prefix": "", "suffix": ""}]}]}


def _set_url(root: Path, source: str, url: str) -> None:
    path = root / "sources" / f"{source}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("\nrights:", f"\nurl: {url}\nrights:"),
                    encoding="utf-8")


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(text)


def _too_large(path: Path) -> None:
    with path.open("wb") as stream:  # sparse: the size is refused before anything is read
        stream.truncate(annotations_import.MAX_IMPORT_BYTES + 1)


BAD_INPUTS = [
    BadInput("X001", '{"total": 2, "rows": [\n  {"id": "a1"}\n  {"id": "a2"}\n]}\n', [
        "in.json:3:3: X001 not JSON: Expecting ',' delimiter\n"
        "    hint: give the file the annotation tool exported, unchanged"]),
    BadInput("X001", b'[{"id": "a1", "text": "caf\xe9"}]', [
        "in.json:1: X001 not JSON: the file is not UTF-8 text (byte 0xe9)\n"
        "    hint: give the file the annotation tool exported, unchanged"]),
    BadInput("X001", "[" * 100_000 + "]" * 100_000, [
        "in.json:1: X001 not JSON: nested too deeply to read"]),
    BadInput("X002", '{"title": "Reading list", "items": ["snow-1855"]}', [
        "in.json:1: X002 not an annotation format: the JSON object has neither 'rows' (a "
        "Hypothesis search result) nor a W3C \"type\" (Annotation, AnnotationCollection, "
        "AnnotationPage)\n"
        "    hint: expected a Hypothesis API search result or list of its annotations, or W3C "
        "Web Annotation JSON-LD (Annotation, AnnotationCollection, AnnotationPage)"]),
    BadInput("X002", '[{"id": "a1", "quote": "pump"}]', [
        "in.json:1: X002 not an annotation format: item 1 is neither a Hypothesis annotation "
        "(with 'uri' and 'target') nor a W3C Annotation (with \"type\": \"Annotation\")\n"
        "    hint: expected a Hypothesis API search result or list of its annotations, or W3C "
        "Web Annotation JSON-LD (Annotation, AnnotationCollection, AnnotationPage)"]),
    BadInput("X002", "42", [
        "in.json:1: X002 not an annotation format: the file holds a number, not annotations\n"
        "    hint: expected a Hypothesis API search result or list of its annotations, or W3C "
        "Web Annotation JSON-LD (Annotation, AnnotationCollection, AnnotationPage)"]),
    BadInput("X003", json.dumps([_hypothesis_row("https://example.com/another-page")]), [
        "in.json:1: X003 hyp-zz9 targets https://example.com/another-page, which is the "
        "address of no source of this reader\n"
        "    hint: add 'url: ADDRESS' to the front matter of the source it annotates, or import "
        "with --source ID"]),
    BadInput("X003", json.dumps([{**_hypothesis_row("https://example.com/p?id=7"),
                                  "document": {"title": ["A Page Elsewhere"]}}]), [
        "in.json:1: X003 hyp-zz9 (on \"A Page Elsewhere\") targets https://example.com/p?id=7, "
        "which is the address of no source of this reader\n"
        "    hint: add 'url: ADDRESS' to the front matter of the source it annotates, or import "
        "with --source ID"]),
    BadInput("X003", json.dumps([_hypothesis_row(SNOW_URL)]), [
        "in.json: X003 --source 'snow-leter' is not a source of this reader\n"
        "    hint: did you mean 'snow-letter'?"], source="snow-leter"),
    BadInput("X004", _too_large, [
        "in.json: X004 file is 20,000,001 bytes; the limit is 20,000,000\n"
        "    hint: export fewer annotations at a time (e.g. one page or one group)"]),
    BadInput("F004", lambda path: None, [
        "in.json: F004 cannot read file: No such file or directory"]),
    # What is reported but does not stop the import (warnings): one of each.
    BadInput("X005", json.dumps([_hypothesis_row(SNOW_URL, "the deaths of the parish")]), [
        "in.json:1: X005 (warning) annotation hyp-zz9 on https://example.org/texts/snow-1855/: "
        "quote not in snow-letter, not imported: \"the deaths of the parish\"\n"
        "    hint: closest passage: \"the deaths had taken place\""]),
    BadInput("X006", json.dumps([{**_hypothesis_row(SNOW_URL), "references": ["Yy8"]}]), [
        "in.json:1: X006 (warning) hyp-zz9 is a reply to Yy8, not a note; not imported"]),
    BadInput("X007", json.dumps([{**_hypothesis_row(SNOW_URL), "target": [{"source": SNOW_URL}]}]),
             ["in.json:1: X007 (warning) hyp-zz9 on https://example.org/texts/snow-1855/ is a "
              "page note (it marks no passage); not imported"]),
    BadInput("X008", json.dumps([_hypothesis_row(SNOW_URL, "the")]), [
        "in.json:1: X008 (warning) annotation hyp-zz9 on https://example.org/texts/snow-1855/: "
        "quote occurs 7 times in snow-letter and its prefix/suffix do not say which; not "
        "imported\n    hint: add it by hand with a 'prefix' or 'suffix' that settles it"]),
    BadInput("X008", json.dumps([_hypothesis_row(SNOW_URL, "the pump")]), [
        "in.json:1: X008 (warning) annotation hyp-zz9 on https://example.org/texts/snow-1855/: "
        "quote occurs in pump-essay, snow-letter; not imported\n"
        "    hint: import with --source ID to say which source it annotates"],
        prepare=lambda root: _set_url(root, "pump-essay", SNOW_URL + "#essay")),
    BadInput("X009", json.dumps([_hypothesis_row(SNOW_URL, "of the pump. I had an interview")]),
             ["in.json:1: X009 (warning) annotation hyp-zz9 on "
              "https://example.org/texts/snow-1855/: quote runs across two paragraphs of "
              "snow-letter; not imported\n"
              "    hint: annotations mark a passage inside one paragraph"]),
    BadInput("X011", json.dumps([{**_hypothesis_row(SNOW_URL), "text": "As @jsmith said."}]), [
        "in.json:1: X011 (warning) hyp-zz9 on https://example.org/texts/snow-1855/: its note "
        "cites 'jsmith', which is not in bibliography.bib; not imported\n"
        "    hint: add the entry to bibliography.bib, or write \\@ for an @ that is not a "
        "citation, and import again"]),
    BadInput("X010", json.dumps([_hypothesis_row(SNOW_URL)]), [
        "in.json:1: X010 (warning) hyp-zz9: the id is already used at "
        "book/annotations/pump-essay.yaml:15; not imported\n"
        "    hint: it now anchors in book/annotations/snow-letter.yaml: remove the old entry to "
        "move it"],
        prepare=lambda root: _append(root / ESSAY_NOTES,
                                     "- id: hyp-zz9\n  quote: famous\n  note: Imported before.\n"
                                     "  origin: https://hypothes.is/a/Zz9\n")),
    BadInput("X012", json.dumps({"total": 45, "rows": [_hypothesis_row(SNOW_URL)]}), [
        "in.json:1: X012 (warning) the file holds 1 of the search's 45 annotations; the others "
        "are not in it\n"
        "    hint: fetch the rest (the API's 'limit' goes up to 200; page on with 'search_after' "
        "or 'offset') and import each file"]),
    BadInput("X010", json.dumps([_hypothesis_row(SNOW_URL), _hypothesis_row(SNOW_URL)]), [
        "in.json:1: X010 (warning) hyp-zz9 is given twice in this file (also at line 1); the "
        "first is imported"]),
]


@pytest.mark.parametrize("case", BAD_INPUTS, ids=lambda case: case.code)
def test_each_bad_input_gets_its_message_and_nothing_is_written(
        case: BadInput, root: Path) -> None:
    path = root / "in.json"
    if case.prepare is not None:
        case.prepare(root)
    if callable(case.content):
        case.content(path)
    elif isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        path.write_text(case.content, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (root / "book" / "annotations").glob("*")}
    result = import_annotations(root, path, source=case.source)
    assert [d.format() for d in result.diagnostics.sorted() if d.code in case.codes] == \
        case.expected
    errors = [d for d in result.diagnostics.errors if d.code not in case.codes]
    assert errors == []
    if result.diagnostics.has_errors():
        assert result.written == [] and result.changes == []
    else:  # a warning: only the other annotations (here none, or the first of two) go in
        assert [c.added for c in result.changes] in ([], [["hyp-zz9"]])
    if not result.changes:
        assert {p.name: p.read_bytes() for p in (root / "book" / "annotations").glob("*")} \
            == before


def test_strict_import_leaves_nothing_out_or_writes_nothing(root: Path) -> None:
    before = text(root, SNOW_NOTES)
    done = run_build("import-annotations", str(given(root, HYPOTHESIS)), "--strict",
                     "--root", str(root))
    assert done.returncode == 1 and text(root, SNOW_NOTES) == before
    assert done.stderr.splitlines()[-1] == (
        "import failed: 0 errors, 4 warnings; nothing was written")


def test_a_bad_file_through_the_cli_is_exit_1_and_a_message(root: Path) -> None:
    (root / "in.json").write_text("<html>not an export</html>", encoding="utf-8")
    done = run_build("import-annotations", str(root / "in.json"), "--root", str(root))
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == "in.json:1:1: X001 not JSON: Expecting value"
    assert "nothing was written" in done.stderr and "Traceback" not in done.stderr


def test_a_book_with_errors_is_not_imported_into(root: Path) -> None:
    (root / SNOW_NOTES).write_text("- id: snow-spot\n  qoute: deaths\n  note: x\n",
                                   encoding="utf-8")
    with pytest.raises(BuildAborted) as aborted:
        import_annotations(root, given(root, HYPOTHESIS))
    assert [d.code for d in aborted.value.diagnostics.errors] == ["K001"]


ADDRESSES = [
    ("https://www.Example.org/texts/snow-1855/index.html?utm_source=x#p2", SNOW_URL),
    ("http://example.org/texts/snow-1855", SNOW_URL),
    ("https://example.org/texts/snow-1855/?page=2&utm_medium=email", SNOW_URL + "?page=2"),
]


@pytest.mark.parametrize(("address", "same_as"), ADDRESSES)
def test_addresses_compare_without_what_does_not_name_the_page(address: str,
                                                               same_as: str) -> None:
    assert normalise_url(address) == normalise_url(same_as)
    assert normalise_url(address) != normalise_url("https://example.org/texts/snow-1854/")


def test_web_edition_text_context_is_32_characters() -> None:
    text = SourceText.from_html("s", "<p>" + "word " * 20 + "QUOTE" + " tail" * 20 + "</p>")
    (match,) = text.matches("QUOTE")
    assert text.context(match) == (("word " * 20)[-32:], (" tail" * 20)[:32])


def test_a_source_without_url_is_found_at_its_cite_entry_url(root: Path) -> None:
    bib = root / "bibliography.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "  note = {Written for this test reader}",
        "  note = {Written for this test reader},\n  url = {https://example.org/essays/pump}"),
        encoding="utf-8")
    row = {**_hypothesis_row("https://example.org/essays/pump/", "famous"), "id": "Pq1"}
    (root / "in.json").write_text(json.dumps([row]), encoding="utf-8")
    result = import_annotations(root, root / "in.json")
    assert [(c.path.name, c.added) for c in result.changes] == [("pump-essay.yaml", ["hyp-pq1"])]


HTML_NOTES = [
    ("<p>Snow’s map was <em>drawn</em> later.</p>", "Snow’s map was drawn later."),
    ("<p>One.</p>\n<p>Two &amp; three.</p>", "One.\n\nTwo & three."),
    ("Plain <b>text</b> around", "Plain text around"),
    ("<script>alert(1)</script><p>Kept.</p><style>p {}</style>", "Kept."),
]


@pytest.mark.parametrize(("markup", "note"), HTML_NOTES)
def test_an_html_only_body_becomes_plain_paragraphs(markup: str, note: str) -> None:
    from readerkit.tools.webanno import html_to_text

    assert html_to_text(markup) == note


def test_export_through_the_cli_writes_the_file_or_nothing(root: Path) -> None:
    out = root / "dist" / "notes.jsonld"
    done = run_build("export-annotations", "-o", str(out), "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["total"] == 3
    notes = root / SNOW_NOTES
    notes.write_text(text(root, SNOW_NOTES).replace("nearly all the deaths", "nearly all deaths"),
                     encoding="utf-8")
    out.unlink()
    failed = run_build("export-annotations", "-o", str(out), "--root", str(root))
    assert failed.returncode == 1 and not out.exists()
    assert failed.stderr.splitlines()[0] == (
        "book/annotations/snow-letter.yaml:2: A001 quote of annotation 'snow-spot' not found "
        "in snow-letter")


def test_excerpts_sharing_a_page_the_tools_context_picks_the_excerpt(root: Path) -> None:
    _set_url(root, "pump-essay", SNOW_URL)
    row = _hypothesis_row(SNOW_URL, "pump")
    row["target"][0]["selector"][0].update(prefix="the deaths around the Broad Street ",
                                           suffix=" in September 1854. The pump")
    (root / "in.json").write_text(json.dumps([row]), encoding="utf-8")
    result = import_annotations(root, root / "in.json")
    assert shown(result) == []
    assert text(root, ESSAY_NOTES).endswith(
        "\n- id: hyp-zz9\n  quote: pump\n  suffix: in\n  note: A note.\n"
        "  origin: https://hypothes.is/a/Zz9\n")


def test_a_file_of_comments_only_keeps_them_above_the_first_entry(root: Path) -> None:
    (root / SNOW_NOTES).write_text("# Notes on Snow's letter go here.\n# One per passage.\n",
                                   encoding="utf-8")
    import_annotations(root, given(root, HYPOTHESIS))
    assert text(root, SNOW_NOTES) == (
        "# Notes on Snow's letter go here.\n# One per passage.\n\n" + SNOW_IMPORTED.lstrip("\n"))
