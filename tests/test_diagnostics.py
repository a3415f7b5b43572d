"""Every diagnostic code, table-driven: the broken files an editor writes, the exact lines they see.

Each row edits a copy of the tiny reader (tests/fixtures/mini) and names the diagnostics it must
produce, word for word. The codes are listed in docs/diagnostics.md; a test below keeps that page
and this table in step.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import MINI, REPO, copy_reader, run_build
from test_annotations_io import BAD_INPUTS

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
READING = "book/further-reading.yaml"
ABBREVIATIONS = "book/abbreviations.yaml"
INDEX = "book/index.yaml"
PART_SOURCES = "sources: [snow-letter, pump-essay]"


def questions(yaml_lines: str) -> Edit:
    """The mini reader's one part, given `questions:` (YAML lines indented under it)."""
    return replace(BOOK, PART_SOURCES, f"{PART_SOURCES}\n    questions:{yaml_lines}")
TINY_PNG = bytes.fromhex(  # a 1 x 1 white PNG
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c63f8ffff3f0005fe02fe0def46b80000000049454e44ae426082")
FRESH_UUID = "0b6f6a52-3c1d-4e8f-9a7b-2d5c4e6f8a10"
TITLE_TEMPLATE = "styles/templates/epub/title.xhtml.j2"
SOURCE_HEAD = (
    "---\ntitle: A Copy\nkind: primary\nauthor: John Snow\ndate: \"1855\"\ncite: snow1855\n"
    "rights: Public domain.\n---\n\n"
)

CASES = [
    # --- files -----------------------------------------------------------------------------
    Case("F001", [replace_bytes(SNOW, b"proceeding", b"proc\xe9eding")], [
        "sources/snow-letter.md:11: F001 file is not UTF-8: it looks like Windows-1252 "
        "(Western European, as Word and Notepad save it); byte 0xe9 at offset 182 would be 'é'\n"
        "    hint: open it in your editor and save it again as UTF-8 (\"Save As\", then "
        "Encoding: UTF-8; in TextEdit: Plain Text Encoding: Unicode (UTF-8))",
    ]),
    Case("F001", [replace_bytes(SNOW, b"proceeding", b"proc\x81eding")], [
        "sources/snow-letter.md:11: F001 file is not UTF-8: it looks like Latin-1 (ISO 8859-1); "
        "byte 0x81 at offset 182\n"
        "    hint: open it in your editor and save it again as UTF-8 (\"Save As\", then "
        "Encoding: UTF-8; in TextEdit: Plain Text Encoding: Unicode (UTF-8))",
    ]),
    Case("F001", [lambda root: (root / SNOW).write_bytes((root / SNOW).read_text().encode(
        "utf-16"))], [
        "sources/snow-letter.md:1: F001 file is not UTF-8: it looks like UTF-16 (two bytes per "
        "letter)\n"
        "    hint: open it in your editor and save it again as UTF-8 (\"Save As\", then "
        "Encoding: UTF-8; in TextEdit: Plain Text Encoding: Unicode (UTF-8))",
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
        "sources/snow-letter.md:3:14: Y001 front matter: the value of 'kind' contains a colon "
        "followed by a space\n"
        "    hint: put the whole value in quotes: kind: \"primary: source\"",
    ]),
    Case("Y001", [replace(GLOSSARY, "  definition: An", "\tdefinition: An")], [
        "book/glossary.yaml:2:1: Y001 a tab character is used for indenting; YAML indents with "
        "spaces only\n"
        "    hint: replace the tab with spaces: '  definition: An intestinal infection spread by "
        "contaminated water.'",
    ]),
    Case("Y001", [replace(GLOSSARY, "  definition: An", "   definition: An")], [
        "book/glossary.yaml:2:4: Y001 'definition' is indented more than the key above it\n"
        "    hint: line the keys of one entry up in the same column, with spaces: '  definition: "
        "An intestinal infection spread by contaminated water.'",
    ]),
    Case("Y001", [replace(BOOK, "    intro: intros/evidence.md", "   intro: intros/evidence.md")], [
        "book/book.yaml:12:4: Y001 'intro' is indented less than the key above it\n"
        "    hint: line the keys of one entry up in the same column, with spaces: '    intro: "
        "intros/evidence.md'",
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
    Case("Y001", [replace(SNOW_NOTES, "note: Snow counted", "note: ![A map](images/map.png) Snow "
                          "counted")], [
        "book/annotations/snow-letter.yaml:4:9: Y001 a value starting with '!' must be in "
        "quotes (YAML reads '!' as a tag)\n"
        "    hint: put the whole value in quotes, or write it on the lines after 'note: |'",
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
    Case("K001", [replace(BOOK, "edition:", "typeface:")], [
        "book/book.yaml:8: K001 unknown key 'typeface' in book.yaml\n"
        "    hint: allowed keys: title, subtitle, editors, lang, identifier, slug, date, "
        "edition, page_size, openings, introduction, parts, course",
    ]),
    Case("K001", [replace(BOOK, "  instructor: Dr.", "  instuctor: Dr.")], [
        "book/book.yaml:18: K001 unknown key 'instuctor' in course\n"
        "    hint: did you mean 'instructor'?",
    ]),
    Case("K001", [replace(BOOK, "  term: Spring 2027", "  teacher: Dr. Snow")], [
        "book/book.yaml:17: K001 unknown key 'teacher' in course\n"
        "    hint: allowed keys: name, term, instructor",
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
    Case("K003", [replace(BOOK, "  term: Spring 2027", "  term: [Spring, 2027]")], [
        "book/book.yaml:17: K003 'term' must be text, not a list\n"
        "    hint: put the whole value on one line, in quotes if it contains ':'",
    ]),
    Case("K003", [replace(BOOK, "course:  # printed on the title page and in every handout's "
                          "header\n  name: \"Public Health 101: Epidemics in History\"\n"
                          "  term: Spring 2027\n  instructor: Dr. Test Lecturer\n",
                          "course: Public Health 101\n")], [
        "book/book.yaml:15: K003 'course' must be a mapping of 'name', 'term' and "
        "'instructor'\n    hint: write each on its own line, indented under 'course:', e.g. "
        "'  name: History 210'",
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
    Case("K005", [replace(TIMELINE, '"1854-09-08"', '"8 September 1854"')], [
        "book/timeline.yaml:1: K005 'date' is '8 September 1854'; dates are written YYYY, "
        "YYYY-MM or YYYY-MM-DD, e.g. 1962-10-22\n"
        "    hint: write it as \"1854-09-08\"",
    ]),
    Case("K005", [replace(SNOW, 'date: "1855"', 'date: "Sept. 1855"')], [
        "sources/snow-letter.md:5: K005 'date' is 'Sept. 1855'; dates are written YYYY, YYYY-MM "
        "or YYYY-MM-DD, e.g. 1962-10-22, or n.d. when the work is undated\n"
        "    hint: write it as \"1855-09\"",
    ]),
    Case("K005", [replace(BOOK, 'date: "2026-01-15"', 'date: "January 15, 2026"')], [
        "book/book.yaml:7: K005 'date' is 'January 15, 2026'; dates are written YYYY, YYYY-MM or "
        "YYYY-MM-DD, e.g. 1962-10-22\n"
        "    hint: write it as \"2026-01-15\"",
    ]),
    Case("K005", [replace(TIMELINE, '"1854-09-08"', '"autumn 1854"')], [
        "book/timeline.yaml:1: K005 'date' is 'autumn 1854', which is not a date in the form "
        "YYYY, YYYY-MM or YYYY-MM-DD\n"
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
    Case("K007", [replace(SNOW, "rights: Public domain.", "url: example.org/snow-1855\n"
                          "rights: Public domain.")], [
        "sources/snow-letter.md:7: K007 'url' is 'example.org/snow-1855', which is not a web "
        "address\n    hint: write the page's full address, starting with https:// or http://",
    ]),
    Case("K006", [write(SNOW, SOURCE_HEAD.replace("A Copy", "Snow") + "\n  \n")], [
        "sources/snow-letter.md:9: K006 source has no text after its front matter",
    ]),
    Case("K008", [replace(BOOK, "4f1c2d7e-0000-4000-8000-000000000001", "4f1c2d7e-0000-4000")], [
        "book/book.yaml:5: K008 identifier 'urn:uuid:4f1c2d7e-0000-4000' is not a valid UUID "
        "(32 hexadecimal digits in groups of 8-4-4-4-12)\n"
        f"    hint: use a fresh one, e.g. urn:uuid:{FRESH_UUID}, and keep it for every later "
        "edition of this book",
    ]),
    # --- the book's structure ---------------------------------------------------------------
    Case("S001", [replace(BOOK, "pump-essay]", "pump-esay, pump-essay]")], [
        "book/book.yaml:13: S001 part 'Evidence' lists source 'pump-esay', but "
        "sources/pump-esay.md does not exist\n    hint: did you mean 'pump-essay'?",
    ]),
    # --- captures (check/quotations.py; Q001 and Q002 are tested with the quotation checks) ---
    Case("Q003", [replace(SNOW, "rights: Public domain.", "rights: Public domain.\n"
                          "captured_from: /home/me/Downloads/snow.txt")], [
        "sources/snow-letter.md:8: Q003 captured_from is an absolute path "
        "('/home/me/Downloads/snow.txt'): the project would break when it is moved or shared\n"
        "    hint: move the capture into sources/raw/ and write captured_from: raw/snow.txt",
    ]),
    Case("Q003", [replace(SNOW, "rights: Public domain.", "rights: Public domain.\n"
                          "captured_from: ../bibliography.bib")], [
        "sources/snow-letter.md:8: Q003 captured_from '../bibliography.bib' leads outside "
        "sources/\n"
        "    hint: move the capture into sources/raw/ and write captured_from: "
        "raw/bibliography.bib",
    ]),
    # --- images (render/images.py) -----------------------------------------------------------
    Case("M002", [append(SNOW, "\n![A map of the streets](images/Map.png)\n"),
                  write("sources/images/map.png", TINY_PNG)], [
        "sources/snow-letter.md:17: M002 image file sources/images/Map.png not found\n"
        "    hint: check the file's name (capitals count) and that it is in that folder",
    ], anchoring=True),
    Case("M003", [append(SNOW, "\n![](images/map.png)\n"),
                  write("sources/images/map.png", TINY_PNG)], [
        "sources/snow-letter.md:17: M003 image 'images/map.png' has no alt text\n"
        "    hint: say what it shows in the brackets, for readers who cannot see it: "
        "![A clipping of the report](images/map.png)",
    ], anchoring=True),
    Case("M004", [append(SNOW, "\n![A map](https://example.org/map.png)\n")], [
        "sources/snow-letter.md:17: M004 image 'https://example.org/map.png' is not a file of "
        "the project\n"
        "    hint: download it into sources/images/ and write ![...](images/NAME)",
    ], anchoring=True),
    Case("M004", [replace(SNOW_NOTES, "note: Snow counted the deaths house by house [@snow1855, "
                          "39].", "note: |\n    Snow counted the deaths [@snow1855, 39].\n\n"
                          "    ![A map](../../sources/images/map.png)"),
                  write("sources/images/map.png", TINY_PNG)], [
        "book/annotations/snow-letter.yaml:7: M004 image '../../sources/images/map.png' is "
        "outside book/images/\n"
        "    hint: put the file in book/images/ and write ![...](images/NAME)",
    ], anchoring=True),
    Case("M005", [append(SNOW, "\nAs the map shows ![A map](images/map.png) here.\n"),
                  write("sources/images/map.png", TINY_PNG)], [
        "sources/snow-letter.md:17: M005 image 'images/map.png' is inside a paragraph of text\n"
        "    hint: put the image on a line of its own, with a blank line before and after it",
    ], anchoring=True),
    # --- the reader's own templates (styles/templates/ overrides the defaults) ---------------
    Case("T001", [write(TITLE_TEMPLATE, '{% extends "epub/page.xhtml.j2" %}\n{% block content %}\n'
                        '{% if meta.subtitle %}<p>{{ meta.subtitle }}</p>\n{% endblock %}\n')], [
        "styles/templates/epub/title.xhtml.j2:4: T001 template syntax error: Encountered unknown "
        "tag 'endblock'. You probably made a nesting mistake. Jinja is expecting this tag, but "
        "currently looking for 'elif' or 'else' or 'endif'. The innermost block that needs to "
        "be closed is 'if'.\n"
        "    hint: compare with the default of the same name in "
        "readerkit/default_styles/templates/",
    ]),
    Case("T002", [write(TITLE_TEMPLATE, '{% extends "epub/pages.xhtml.j2" %}\n'
                        '{% block content %}<h1>{{ meta.title }}</h1>{% endblock %}\n')], [
        "styles/templates/epub/title.xhtml.j2:1: T002 template 'epub/pages.xhtml.j2' does not "
        "exist\n"
        "    hint: templates are looked for in styles/templates/, then among readerkit's "
        "defaults",
    ]),
    Case("S001", [replace(BOOK, "sources: [snow-letter, pump-essay]",
                          "sources:\n      - snow-letter\n      - pump-esay")], [
        "book/book.yaml:15: S001 part 'Evidence' lists source 'pump-esay', but "
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
        "book/book.yaml:13: S006 source 'snow-letter' is listed twice (also in 'Evidence')",
    ]),
    # --- annotations ------------------------------------------------------------------------
    Case("A001", [replace(SNOW_NOTES, "nearly all the deaths", "nearly all the dead")], [
        "book/annotations/snow-letter.yaml:2: A001 quote of annotation 'snow-spot' not found "
        "in snow-letter\n    hint: closest passage: \"nearly all the deaths\" (the source has "
        "\"deaths\" where the quote has \"dead\")",
    ], anchoring=True),
    Case("A001", [replace(SNOW_NOTES, "quote: nearly all the deaths",
                          "quote: “nearly all the deaths”")], [
        "book/annotations/snow-letter.yaml:2: A001 quote of annotation 'snow-spot' not found "
        "in snow-letter\n    hint: the quote marks “ ” around the quote are not in the source "
        "(YAML keeps them as part of the text): write quote: \"nearly all the deaths\"",
    ], anchoring=True),
    Case("A001", [replace(SNOW_NOTES, "nearly all the deaths", "Nearly all the Deaths")], [
        "book/annotations/snow-letter.yaml:2: A001 quote of annotation 'snow-spot' not found "
        "in snow-letter\n    hint: only capitals differ: the source has \"nearly\" not "
        "\"Nearly\", \"deaths\" not \"Deaths\" (copy it as it is: \"nearly all the deaths\")",
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
    # --- the apparatus: headnotes, questions, further reading, abbreviations, index ---------
    Case("K003", [replace(SNOW, "kind: primary", "kind: primary\nheadnote: [a]")], [
        "sources/snow-letter.md:4: K003 'headnote' must be text, not a list\n"
        "    hint: put the whole value on one line, in quotes if it contains ':'",
    ]),
    Case("K003", [questions(" Why a pump?")], [
        "book/book.yaml:14: K003 'questions' must be a list (lines starting with '- ')\n"
        "    hint: write each question as an item: '- Why did ...?'",
    ]),
    Case("K003", [questions("\n      - [a, b]")], [
        "book/book.yaml:15: K003 a question must be text or a mapping {question, answer, "
        "audience}",
    ]),
    Case("K001", [questions("\n      - question: Why?\n        answr: Because.")], [
        "book/book.yaml:16: K001 unknown key 'answr' in question\n"
        "    hint: did you mean 'answer'?",
    ]),
    Case("K004", [questions("\n      - question: Why?\n        audience: teachers")], [
        "book/book.yaml:16: K004 'audience' is 'teachers', which is not one of: all, instructor",
    ]),
    Case("K002", [questions("\n      - answer: Because.")], [
        "book/book.yaml:15: K002 question is missing required 'question'",
    ]),
    Case("K006", [questions('\n      - ""')], [
        "book/book.yaml:15: K006 a question is empty",
    ]),
    Case("B003", [write(READING, "- key: snow1885\n  note: Why.\n")], [
        "book/further-reading.yaml:1: B003 citation key 'snow1885' is not in bibliography.bib\n"
        "    hint: did you mean 'snow1855'?",
    ]),
    Case("K002", [write(READING, "- key: snow1855\n")], [
        "book/further-reading.yaml:1: K002 further-reading item is missing required 'note'",
    ]),
    Case("K002", [write(ABBREVIATIONS, "- abbreviation: GP\n")], [
        "book/abbreviations.yaml:1: K002 abbreviation is missing required 'meaning'",
    ]),
    Case("D004", [write(INDEX, "- term: Snow, John\n  aliases: [Snow]\n- term: Dr Snow\n"
                        "  aliases: [snow]\n- term: Water pump\n  aliases: [Pump]\n")], [
        "book/index.yaml:3: D004 index term or alias 'snow' is already a heading's form, at "
        "book/index.yaml:1\n"
        "    hint: merge the entries or drop the alias (glossary terms are in the index already)",
        "book/index.yaml:5: D004 index term or alias 'pump' is already a heading's form, at "
        "book/glossary.yaml:3\n"
        "    hint: merge the entries or drop the alias (glossary terms are in the index already)",
    ]),
    Case("N001", [write(INDEX, "- term: Snow, John\n  aliases: [Snow]\n  see: [Cholerra]\n")], [
        "book/index.yaml:1: N001 index entry 'Snow, John' says see 'Cholerra', which is not "
        "an index or glossary heading\n    hint: did you mean 'Cholera'?",
    ]),
    # --- warnings ---------------------------------------------------------------------------
    Case("W004", [write(INDEX, "- term: Snow, John\n  aliases: [Snow]\n- term: Miasma\n")], [
        "book/index.yaml:3: W004 (warning) index entry 'Miasma' is never used in any source\n"
        "    hint: add the form the sources use to its 'aliases'",
    ], anchoring=True),
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
def test_each_code_tells_the_editor_what_and_where(case: Case, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Hints that offer a fresh identifier show this one.
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(FRESH_UUID))
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
    tested |= {code for case in BAD_INPUTS for code in case.codes}  # annotation import
    in_code = set(re.findall(r'"([A-Z]\d{3})"', "".join(
        path.read_text(encoding="utf-8") for path in sorted((REPO / "readerkit").rglob("*.py"))
        if not path.name.startswith("clean_") and path.name != "provenance.py")))
    assert in_code <= documented, f"undocumented: {sorted(in_code - documented)}"
    # F004 has its own test below; Q001/Q002 are tested with the quotation checks; T003 needs
    # a build (tests/test_styles.py); E001 (a whole build of both editions) is in
    # test_editions.py, W005 (a --print-shop build) in test_permissions.py, S007 (build.py
    # handout) in test_handout.py.
    elsewhere = {"F004", "Q001", "Q002", "T003", "E001", "W005", "S007"}
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
        "check failed: 3 errors, 0 warnings",
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
    assert "check failed: 0 errors, 1 warning" in strict.stderr


def test_hostile_yaml_through_the_cli_is_a_message(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    write(GLOSSARY, "a: &a [x, x]\nb: [*a, *a]\n")(root)
    write(SNOW, b"---\ntitle: \xff\n---\n")(root)
    done = run_build("check", "--root", str(root))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "book/glossary.yaml:2:5: Y001 YAML aliases (*name) are not allowed in content files" \
        in done.stderr
    assert "sources/snow-letter.md:2: F001 file is not UTF-8: it looks like Windows-1252 " \
        "(Western European, as Word and Notepad save it); byte 0xff at offset 11 would be 'ÿ'" \
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


def test_no_consequential_warnings_after_a_file_failed_to_load(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    # The essay is the only file citing editor2026: unread, it would make W001 say "never cited".
    replace("sources/pump-essay.md", "kind: secondary", "kind: secondary: essay")(root)
    diags = _diagnostics(root, anchoring=False)
    assert [d.code for d in diags.sorted()] == ["Y001"]
