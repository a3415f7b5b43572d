"""Every diagnostic code, table-driven: the broken files an editor writes, the exact lines they see.

Each row edits a copy of the tiny reader (tests/fixtures/mini) and names the diagnostics it must
produce, word for word. The codes are listed in docs/diagnostics.md; a test below keeps that page
and this table in step.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import MINI, REPO, copy_reader, run_build

from readerkit import cli
from readerkit.diagnostics import BuildAborted, Diagnostics
from readerkit.pipeline import assemble_book, load_checked
from readerkit.render import fragments
from readerkit.render.pandoc import PandocFailed

Edit = Callable[[Path], None]


def replace(rel: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def replace_bytes(rel: str, old: bytes, new: bytes) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        path.write_bytes(path.read_bytes().replace(old, new, 1))

    return edit


def write(rel: str, content: str | bytes) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return edit


def append(rel: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        with (root / rel).open("a", encoding="utf-8") as stream:
            stream.write(text)

    return edit


def remove(rel: str) -> Edit:
    return lambda root: (root / rel).unlink()


@dataclass
class Case:
    code: str
    edits: list[Edit]
    expected: list[str]  # every diagnostic with this row's code(s), formatted, sorted
    anchoring: bool = False  # the code needs the Pandoc stage (assemble_book)
    codes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        self.codes = self.codes or (self.code,)


SNOW = "sources/snow-letter.md"
SNOW_NOTES = "book/annotations/snow-letter.yaml"
BOOK = "book/book.yaml"
GLOSSARY = "book/glossary.yaml"
TIMELINE = "book/timeline.yaml"
BIB = "bibliography.bib"
SOURCE_HEAD = (
    "---\ntitle: A Copy\nkind: primary\nauthor: John Snow\ndate: \"1855\"\ncite: snow1855\n"
    "rights: Public domain.\n---\n\n"
)

CASES = [
    # --- files -----------------------------------------------------------------------------
    Case("F001", [replace_bytes(SNOW, b"proceeding", b"proc\xe9eding")], [
        "sources/snow-letter.md:11: F001 file is not UTF-8 (byte 0xe9 at offset 182)\n"
        "    hint: save the file as UTF-8 in your editor",
    ]),
    Case("F002", [append(SNOW, "x" * 2_000_000)], [
        "sources/snow-letter.md: F002 file is 2,000,421 bytes; the limit is 2,000,000\n"
        "    hint: split the file or cut the excerpt; no content file needs to be this large",
    ]),
    Case("F003", [replace(BOOK, "intro: intros/evidence.md", "intro: ../../../../etc/passwd")], [
        "book/book.yaml:12: F003 '../../../../etc/passwd' leads outside the project\n"
        "    hint: put the file under book/ and name it relative to that folder",
    ]),
    # --- YAML and front matter --------------------------------------------------------------
    Case("Y001", [replace(BOOK, "slug: pump-reader", "slug: [pump-reader")], [
        "book/book.yaml:7:5: Y001 malformed YAML: expected ',' or ']', but got ':'",
    ]),
    Case("Y001", [replace(SNOW, "kind: primary", "kind: primary: source")], [
        "sources/snow-letter.md:3:14: Y001 front matter: malformed YAML: mapping values are not "
        "allowed here",
    ]),
    Case("Y001", [write(GLOSSARY, "- term: A\n  definition: B\n  term: C\n")], [
        "book/glossary.yaml:3:3: Y001 duplicate key 'term'",
    ]),
    Case("Y002", [write(GLOSSARY, "term: Cholera\ndefinition: An infection.\n")], [
        "book/glossary.yaml:1: Y002 glossary.yaml must be a list of entries (lines starting "
        "with '- ')",
    ]),
    Case("Y002", [write(BOOK, "# nothing here yet\n")], [
        "book/book.yaml:1: Y002 book.yaml is empty; it must be a mapping of keys to values "
        "(lines like 'title: ...')",
    ]),
    Case("Y002", [write(SNOW_NOTES, "just a sentence\n")], [
        "book/annotations/snow-letter.yaml:1: Y002 an annotations file must be a list of "
        "entries (lines starting with '- ')",
    ]),
    Case("Y003", [write(SNOW, "title: No fences\n\nText.\n")], [
        "sources/snow-letter.md:1: Y003 source has no front matter\n"
        "    hint: start the file with a '---' line, the YAML fields, and another '---' line",
    ]),
    # --- keys, values and types -------------------------------------------------------------
    Case("K001", [replace(SNOW_NOTES, "  quote: nearly", "  qoute: nearly")], [
        "book/annotations/snow-letter.yaml:2: K001 unknown key 'qoute' in annotation\n"
        "    hint: did you mean 'quote'?",
    ], codes=("K001",)),
    Case("K001", [append(TIMELINE, "  nots: Three days.\n")], [
        "book/timeline.yaml:8: K001 unknown key 'nots' in timeline event\n"
        "    hint: did you mean 'note'?",
    ]),
    Case("K001", [replace(BOOK, "edition:", "colour:")], [
        "book/book.yaml:8: K001 unknown key 'colour' in book.yaml\n"
        "    hint: allowed keys: title, subtitle, editors, lang, identifier, slug, date, "
        "edition, page_size, openings, introduction, parts",
    ]),
    Case("K002", [replace(SNOW, "author: John Snow\n", "")], [
        "sources/snow-letter.md:2: K002 source front matter is missing required 'author'",
    ]),
    Case("K003", [replace(BOOK, "title: A Pump on Broad Street", "title: [A, Pump]")], [
        "book/book.yaml:1: K003 'title' must be text, not a list\n"
        "    hint: put the whole value on one line, in quotes if it contains ':'",
    ]),
    Case("K003", [replace(BOOK, "editors: [Test Editor]", "editors: {name: Test Editor}")], [
        "book/book.yaml:3: K003 'editors' must be a list of text items",
    ]),
    Case("K004", [replace(SNOW, "kind: primary", "kind: primry")], [
        "sources/snow-letter.md:3: K004 'kind' is 'primry', which is not one of: primary, "
        "secondary, attributed\n    hint: did you mean 'primary'?",
    ]),
    Case("K004", [replace(SNOW_NOTES, "kind: context", "audience: instructors")], [
        "book/annotations/snow-letter.yaml:3: K004 'audience' is 'instructors', which is not "
        "one of: all, instructor\n    hint: did you mean 'instructor'?",
    ]),
    Case("K005", [replace(SNOW, 'date: "1855"', 'date: "1855-02-30"')], [
        "sources/snow-letter.md:5: K005 'date' is '1855-02-30', which is not a real date\n"
        "    hint: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 1962-10-22, or n.d. when the work "
        "is undated",
    ]),
    Case("K005", [replace(TIMELINE, '"1854-09-08"', "1854-13-08")], [
        "book/timeline.yaml:1: K005 'date' is '1854-13-08', which is not a real date\n"
        "    hint: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 1962-10-22",
    ]),
    Case("K006", [replace(SNOW_NOTES, "note: The date of the removal, 8 September 1854, is not "
                          "given here.", "note: '   '")], [
        "book/annotations/snow-letter.yaml:8: K006 'note' is empty in annotation",
    ]),
    Case("K006", [replace(SNOW_NOTES, "note: The date of the removal, 8 September 1854, is not "
                          "given here.", "note:")], [
        "book/annotations/snow-letter.yaml:8: K006 'note' is empty in annotation",
    ]),
    Case("K006", [write(SNOW, SOURCE_HEAD.replace("A Copy", "Snow") + "\n  \n")], [
        "sources/snow-letter.md:9: K006 source has no text after its front matter",
    ]),
    # --- the book's structure ---------------------------------------------------------------
    Case("S001", [replace(BOOK, "pump-essay]", "pump-esay, pump-essay]")], [
        "book/book.yaml:11: S001 part 'Evidence' lists source 'pump-esay', but "
        "sources/pump-esay.md does not exist\n    hint: did you mean 'pump-essay'?",
    ]),
    Case("S002", [write("sources/spare.md", SOURCE_HEAD + "Spare text.\n")], [
        "sources/spare.md:1: S002 (warning) source 'spare' is not in any part of book.yaml, "
        "so it is not printed",
    ]),
    Case("S003", [replace(BOOK, "introduction: introduction.md", "introduction: intro.md")], [
        "book/book.yaml:9: S003 file 'intro.md' not found under book/",
    ]),
    Case("S004", [remove(BOOK)], [
        "book/book.yaml: S004 book/book.yaml not found\n"
        "    hint: is --root the reader's folder?",
    ]),
    Case("S005", [write("sources/Snow_Copy.md", SOURCE_HEAD + "Text.\n")], [
        "sources/Snow_Copy.md: S005 file name 'Snow_Copy.md' is not a valid id\n"
        "    hint: use lowercase letters, digits and hyphens, e.g. kennedy-address.md",
    ]),
    Case("S006", [replace(BOOK, "pump-essay]", "pump-essay, snow-letter]")], [
        "book/book.yaml:11: S006 source 'snow-letter' is listed twice (also in 'Evidence')",
    ]),
    # --- annotations ------------------------------------------------------------------------
    Case("A001", [replace(SNOW_NOTES, "nearly all the deaths", "nearly all the dead")], [
        "book/annotations/snow-letter.yaml:2: A001 quote of annotation 'snow-spot' not found "
        "in snow-letter\n    hint: closest passage: \"nearly all the deaths\"",
    ], anchoring=True),
    # An instructor-only annotation is anchored in the shared core: every edition reports it.
    Case("A004", [replace("book/annotations/pump-essay.yaml", "suffix: is the symbol",
                          "suffix: is the sign")], [
        "book/annotations/pump-essay.yaml:6: A004 quote of annotation 'essay-pump' occurs in "
        "pump-essay, but never with the given prefix/suffix\n    hint: copy prefix and suffix "
        "from the words right before and after the quote",
    ], anchoring=True),
    Case("A002", [append(SNOW_NOTES, "- id: snow-pump\n  quote: the pump\n  note: Which?\n")], [
        "book/annotations/snow-letter.yaml:10: A002 quote of annotation 'snow-pump' occurs 2 "
        "times in snow-letter\n    hint: add a 'prefix' or 'suffix' (the words just before or "
        "after) to pick one",
    ], anchoring=True),
    Case("A003", [append(SNOW_NOTES, "- id: snow-across\n  quote: of the pump. I had\n"
                         "  note: Two paragraphs.\n")], [
        "book/annotations/snow-letter.yaml:10: A003 quote of annotation 'snow-across' runs "
        "across two paragraphs\n    hint: annotate a passage inside one paragraph",
    ], anchoring=True),
    Case("A004", [append(SNOW_NOTES, "- id: snow-which\n  quote: the pump\n  prefix: beside\n"
                         "  note: Which?\n")], [
        "book/annotations/snow-letter.yaml:10: A004 quote of annotation 'snow-which' occurs in "
        "snow-letter, but never with the given prefix/suffix\n    hint: copy prefix and suffix "
        "from the words right before and after the quote",
    ], anchoring=True),
    Case("A005", [write("book/annotations/snow-leter.yaml",
                        "- id: x-one\n  quote: the pump\n  note: Typo in the file name.\n")], [
        "book/annotations/snow-leter.yaml:1: A005 annotations file for source 'snow-leter', "
        "which does not exist\n    hint: did you mean 'snow-letter'?",
    ]),
    Case("I001", [replace(SNOW_NOTES, "id: snow-spot", "id: Snow Spot")], [
        "book/annotations/snow-letter.yaml:1: I001 annotation id 'Snow Spot' is not a valid id\n"
        "    hint: use lowercase letters, digits and hyphens",
    ]),
    # --- duplicates -------------------------------------------------------------------------
    Case("D001", [replace(SNOW_NOTES, "id: snow-handle", "id: essay-map")], [
        "book/annotations/snow-letter.yaml:5: D001 annotation id 'essay-map' is already used at "
        "book/annotations/pump-essay.yaml:1",
    ]),
    Case("D002", [append(GLOSSARY, "- term: Water pump\n  aliases: [Pump handle]\n"
                         "  definition: Again.\n")], [
        "book/glossary.yaml:7: D002 glossary term or alias 'pump handle' is already defined at "
        "line 3",
    ]),
    Case("D003", [write("sources/snow-copy.md", (REPO / "tests/fixtures/mini" / SNOW).read_text(
        encoding="utf-8"))], [
        "sources/snow-copy.md:2: D003 source 'snow-copy' has the same title and cite as "
        "'snow-letter'\n    hint: remove the copy, or give each excerpt its own title",
    ]),
    Case("G001", [replace(GLOSSARY, "see: [Cholera]", "see: [Cholerra]")], [
        "book/glossary.yaml:3: G001 'Pump' says see 'Cholerra', which is not a glossary term\n"
        "    hint: did you mean 'Cholera'?",
    ]),
    # --- bibliography and citations ---------------------------------------------------------
    Case("B001", [replace(BIB, "author = {Editor, Test},", "author = {Editor, Test,")], [
        "bibliography.bib:10: B001 BibTeX syntax error: a brace is not closed in entry "
        "'editor2026': the file ends inside it\n"
        "    hint: every { needs its }: look for a value not closed before its comma",
    ]),
    # One mistake, one message: a broken entry cited in a note and the timeline is one B001.
    Case("B001", [replace(BIB, "author = {Snow, John},", "author = {Snow, John,")], [
        "bibliography.bib:1: B001 BibTeX syntax error: a brace is not closed in entry "
        "'snow1855': the next entry, at line 10, starts inside it\n"
        "    hint: every { needs its }: look for a value not closed before its comma",
    ]),
    Case("B001", [replace(BIB, "title = {On the Mode of Communication of Cholera},",
                          "title = {On the Mode of Communication of Cholera}")], [
        "bibliography.bib:4: B001 BibTeX syntax error: no comma before field 'edition' "
        "(entry 'snow1855')\n    hint: end the field before it with a comma",
    ]),
    Case("B001", [replace(BIB, "title = {The Pump Handle},", "title = {The Pump Handle} year = "
                          "{2026},")], [
        "bibliography.bib:12: B001 BibTeX syntax error: no comma before field 'year' "
        "(entry 'editor2026')\n    hint: end the field before it with a comma",
    ]),
    # What bibtexparser lets through, Pandoc refuses: its message, at the .bib's line.
    Case("B001", [replace(BIB, "title = {The Pump Handle},", "title = {The Pump} Handle,")], [
        "bibliography.bib:12:22: B001 BibTeX syntax error: unexpected 'H'\n"
        "    hint: check the braces and the commas between fields",
    ], anchoring=True),
    Case("B002", [append(BIB, "\n@book{snow1855,\n  title = {Again},\n  year = {1855}\n}\n")], [
        "bibliography.bib:17: B002 duplicate bibliography key 'snow1855'",
    ]),
    Case("B003", [replace(SNOW_NOTES, "[@snow1855, 39]", "[@snow1885, 39]")], [
        "book/annotations/snow-letter.yaml:4: B003 citation key 'snow1885' is not in "
        "bibliography.bib\n    hint: did you mean 'snow1855'?",
    ]),
    Case("B003", [append(SNOW, "\nAs @snow185 wrote.\n")], [
        "sources/snow-letter.md:17: B003 citation key 'snow185' is not in bibliography.bib\n"
        "    hint: did you mean 'snow1855'?",
    ]),
    Case("B003", [replace(SNOW, "cite: snow1855\n", "cite: snow1855\nquoted_in: editr2026\n")], [
        "sources/snow-letter.md:7: B003 citation key 'editr2026' is not in bibliography.bib\n"
        "    hint: did you mean 'editor2026'?",
    ]),
    Case("B004", [replace(TIMELINE, "[snow1855, snow-letter]", "[snow1855, snow-leter]")], [
        "book/timeline.yaml:1: B004 timeline source 'snow-leter' is neither a bibliography key "
        "nor a source id\n    hint: did you mean 'snow-letter'?",
    ]),
    Case("B005", [replace(BIB, "  title = {The Pump Handle},\n", "")], [
        "bibliography.bib:10: B005 bibliography entry 'editor2026' has no title\n"
        "    hint: add title = {...}; citations print it",
    ]),
    Case("B006", [replace(BIB, "year = {1855}", "date = {1855-13-30}")], [
        "bibliography.bib:7: B006 'date' of 'snow1855' is '1855-13-30', which is not a real "
        "date\n    hint: write YYYY, YYYY-MM or YYYY-MM-DD (a range as YYYY-MM-DD/YYYY-MM-DD)",
    ]),
    Case("B006", [replace(BIB, "year = {2026}", "year = {202b}")], [
        "bibliography.bib:13: B006 'year' of 'editor2026' is '202b', which is not a year\n"
        "    hint: write the year in digits, or a full date as date = {YYYY-MM-DD}",
    ]),
    Case("B006", [replace(BIB, "year = {2026}", "year = {2026},\n  month = {13}")], [
        "bibliography.bib:14: B006 'month' of 'editor2026' is '13', which is not a month\n"
        "    hint: write 1 to 12 (or jan to dec), or a full date as date = {YYYY-MM-DD}",
    ]),
    Case("B007", [replace(BIB, "@book{snow1855", "@bok{snow1855")], [
        "bibliography.bib:1: B007 bibliography entry 'snow1855' has unknown type '@bok'\n"
        "    hint: did you mean 'book'?",
    ]),
    Case("B007", [replace(BIB, "@book{snow1855", "@conference{snow1855")], [
        "bibliography.bib:1: B007 bibliography entry 'snow1855' has unknown type "
        "'@conference'\n    hint: Pandoc reads it as @misc: write @inproceedings",
    ]),
    Case("B008", [append(BIB, "\n@online{page2020,\n  title = {A Page},\n"
                         "  url = {https://example.org/page}\n}\n")], [
        "bibliography.bib:17: B008 (warning) @online entry 'page2020' has no author, editor or "
        "organization; no date, year or urldate\n    hint: add what the work shows (for a web "
        "page, or urldate = {YYYY-MM-DD}: the day it was consulted); if there is none to give, "
        "say so: keywords = {undated} or {unsigned}",
    ]),
    Case("B008", [replace(BIB, "@misc{editor2026", "@incollection{editor2026")], [
        "bibliography.bib:10: B008 (warning) @incollection entry 'editor2026' has no "
        "booktitle\n    hint: add what the work shows; if there is none to give, say so: "
        "keywords = {undated} or {unsigned}",
    ]),
    Case("B009", [replace(BIB, "author = {Editor, Test},",
                          "author = {Office of the Historian, U.S. Department of State},")], [
        "bibliography.bib:11: B009 (warning) 'author' of 'editor2026' looks like an "
        "organisation but would be read as a person's name, inverted at its comma: Office of "
        "the Historian, U.S. Department of State\n    hint: brace the whole name, so it stays "
        "one: author = {{Office of the Historian, U.S. Department of State}}",
    ]),
    Case("B009", [replace(BIB, "author = {Editor, Test},",
                          "author = {General Board of Health},")], [
        "bibliography.bib:11: B009 (warning) 'author' of 'editor2026' looks like an "
        "organisation but would be read as a person's name, with 'Health' as the family name: "
        "General Board of Health\n    hint: brace the whole name, so it stays one: "
        "author = {{General Board of Health}}",
    ]),
    Case("B009", [replace(BIB, "author = {Editor, Test},",
                          "author = {Bureau of Pumps and Wells},")], [
        "bibliography.bib:11: B009 (warning) 'author' of 'editor2026' would print as 2 people "
        "(it is split at 'and'): Bureau of Pumps and Wells\n    hint: brace the whole name, so "
        "it stays one: author = {{Bureau of Pumps and Wells}}",
    ]),
    Case("B009", [replace(BIB, "publisher = {John Churchill},",
                          "publisher = {Churchill and Sons},")], [
        "bibliography.bib:5: B009 (warning) 'publisher' of 'snow1855' would print as 2 names "
        "(it is split at 'and'): Churchill and Sons\n    hint: brace the whole name, so it "
        "stays one: publisher = {{Churchill and Sons}}",
    ]),
    Case("B010", [replace(BIB, "title = {The Pump Handle},",
                          "title = {On \\emph{The Pump Handle} of John F. Snow},")], [
        "bibliography.bib:12: B010 (warning) 'title' of 'editor2026' would print 'The' as "
        "'the', 'F.' as 'f.' (citeproc's title case)\n    hint: brace what must keep its case: "
        "{The}, {F.}, or a whole name; an inner title whole, command included: {\\emph{...}}",
    ], anchoring=True),
    # --- Markdown Pandoc would choke on ---------------------------------------------------------
    Case("M001", [append(SNOW, "\nA [b [c [d [e [f]]]]] g.\n")], [
        "sources/snow-letter.md:17: M001 square brackets nested 5 deep; the limit is 4\n"
        "    hint: Pandoc slows down sharply on deep nesting: close some brackets, or escape "
        "literal ones as \\[ and \\]",
    ]),
    Case("M001", [append(SNOW, "\n" + "> " * 11 + "Deep.\n")], [
        "sources/snow-letter.md:17: M001 block quotes nested 11 deep; the limit is 10\n"
        "    hint: remove the extra '>' markers",
    ]),
    # --- warnings ---------------------------------------------------------------------------
    Case("W001", [append(BIB, "\n@book{unused1900,\n  title = {Never Cited},\n"
                         "  year = {1900}\n}\n")], [
        "bibliography.bib:17: W001 (warning) bibliography entry 'unused1900' is never cited\n"
        "    hint: cite it in a note or a timeline event, or remove it",
    ]),
    Case("W002", [append(GLOSSARY, "- term: Miasma\n  definition: Bad air.\n")], [
        "book/glossary.yaml:1: W002 (warning) glossary term 'Cholera' is never used in any "
        "source\n    hint: add the form the sources use to its 'aliases'",
        "book/glossary.yaml:7: W002 (warning) glossary term 'Miasma' is never used in any "
        "source\n    hint: add the form the sources use to its 'aliases'",
    ], anchoring=True),
    Case("W003", [replace(SNOW, "rights: Public domain.\n", "")], [
        "sources/snow-letter.md:1: W003 (warning) source 'snow-letter' has no rights statement\n"
        "    hint: add 'rights:' to its front matter; it is printed on the credits page",
    ]),
]


def _diagnostics(root: Path, anchoring: bool) -> Diagnostics:
    try:
        project, diags = load_checked(root)
        if anchoring:
            assemble_book(project, diags)
    except BuildAborted as aborted:
        return aborted.diagnostics
    return diags


def _id(case: Case) -> str:
    return f"{case.code}-{CASES.index(case)}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_each_code_tells_the_editor_what_and_where(case: Case, tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    for edit in case.edits:
        edit(root)
    diags = _diagnostics(root, case.anchoring)
    shown = [d.format() for d in diags.sorted() if d.code in case.codes]
    assert shown == case.expected
    # Nothing else went wrong: one mistake gives its own message, not a cascade of others.
    others = [d.format() for d in diags.errors if d.code not in case.codes]
    assert others == []


def test_p001_pandoc_failure_is_a_diagnostic(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(project: object) -> None:
        raise PandocFailed("Error at (line 3, column 1): unexpected end of input")

    monkeypatch.setattr(fragments, "render_fragments", fail)
    root = copy_reader(MINI, tmp_path / "reader")
    project, diags = load_checked(root)
    with pytest.raises(BuildAborted) as aborted:
        assemble_book(project, diags)
    assert [d.format() for d in aborted.value.diagnostics.errors] == [
        "book/book.yaml: P001 Pandoc failed: Error at (line 3, column 1): unexpected end of input"
    ]


def test_every_code_is_tested_and_documented() -> None:
    documented = set(re.findall(r"^\| `([A-Z]\d{3})`", (REPO / "docs" / "diagnostics.md")
                                .read_text(encoding="utf-8"), flags=re.M))
    tested = {code for case in CASES for code in case.codes} | {"P001"}
    in_code = set(re.findall(r'"([A-Z]\d{3})"', "".join(
        path.read_text(encoding="utf-8") for path in sorted((REPO / "readerkit").rglob("*.py"))
        if "tools" not in path.relative_to(REPO / "readerkit").parts
        and path.name != "provenance.py")))
    assert in_code <= documented, f"undocumented: {sorted(in_code - documented)}"
    # F004 has its own test below; Q001/Q002 are tested with the quotation checks, E001 (a
    # whole build of both editions) in test_editions.py, W004 (a --print-shop build) in
    # test_permissions.py.
    elsewhere = {"F004", "Q001", "Q002", "E001", "W004"}
    assert in_code - elsewhere <= tested, f"untested: {sorted(in_code - tested - elsewhere)}"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_f004_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    os.mkfifo(root / "sources" / "pipe.md")
    diags = _diagnostics(root, False)
    assert [d.format() for d in diags.errors] == [
        "sources/pipe.md: F004 cannot read file: it is not a regular file"
    ]


# --- through the command line: all problems at once, exit 1, no traceback ------------------

def test_check_reports_every_problem_at_once_and_exits_1(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    replace(SNOW, "kind: primary", "kind: primry")(root)
    replace(SNOW_NOTES, "[@snow1855, 39]", "[@snow1885, 39]")(root)
    replace(BOOK, "slug: pump-reader", "slug: [pump-reader")(root)
    done = run_build("check", "--root", str(root))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "book/annotations/snow-letter.yaml:4: B003 citation key 'snow1885' is not in "
        "bibliography.bib",
        "    hint: did you mean 'snow1855'?",
        "book/book.yaml:7:5: Y001 malformed YAML: expected ',' or ']', but got ':'",
        "sources/snow-letter.md:3: K004 'kind' is 'primry', which is not one of: primary, "
        "secondary, attributed",
        "    hint: did you mean 'primary'?",
        "build failed: 3 error(s), 0 warning(s); nothing was written",
    ]


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    replace(SNOW, "rights: Public domain.\n", "")(root)
    relaxed = run_build("check", "--root", str(root))
    assert relaxed.returncode == 0, relaxed.stderr
    assert "W003 (warning) source 'snow-letter' has no rights statement" in relaxed.stderr
    strict = run_build("check", "--root", str(root), "--strict")
    assert strict.returncode == 1
    assert "Traceback" not in strict.stderr
    assert "sources/snow-letter.md:1: W003 (warning) source 'snow-letter' has no rights " \
        "statement" in strict.stderr
    assert "build failed: 0 error(s), 1 warning(s); nothing was written" in strict.stderr


def test_hostile_yaml_through_the_cli_is_a_message(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    write(GLOSSARY, "a: &a [x, x]\nb: [*a, *a]\n")(root)
    write(SNOW, b"---\ntitle: \xff\n---\n")(root)
    done = run_build("check", "--root", str(root))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "book/glossary.yaml:2:5: Y001 YAML aliases (*name) are not allowed in content files" \
        in done.stderr
    assert "sources/snow-letter.md:2: F001 file is not UTF-8 (byte 0xff at offset 11)" \
        in done.stderr


def test_an_unexpected_error_is_one_line_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from readerkit import pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("snow-letter")

    monkeypatch.setattr(pipeline, "build", broken)
    monkeypatch.delenv("READERKIT_DEBUG", raising=False)
    root = copy_reader(MINI, tmp_path / "reader")
    assert cli.main(["check", "--root", str(root)], default_root=root) == 1
    err = capsys.readouterr().err
    assert err.startswith("internal error: KeyError: 'snow-letter'\n")
    assert "Traceback" not in err
