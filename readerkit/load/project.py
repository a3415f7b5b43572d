"""Find and load a reader project: book.yaml, sources, annotations (the book's lists are in
load/book_lists.py), the .bib.

Loading checks each file on its own (syntax, keys, types); rules that need several files
together live in check/rules.py.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from readerkit.anchors import ID_PATTERN
from readerkit.diagnostics import Diagnostics
from readerkit.load import bibtex, book_lists
from readerkit.load.files import lexically_inside, read_text
from readerkit.load.schema import Field, read_fields
from readerkit.load.yamlfile import LocatedDict, LocatedList, YamlProblem, load_yaml
from readerkit.model import (
    ANNOTATION_KINDS,
    AUDIENCES,
    OPENINGS,
    PAGE_SIZES,
    PERMISSIONS,
    SOURCE_KINDS,
    Annotation,
    Book,
    Course,
    Part,
    Project,
    Question,
    Source,
    default_page_size,
    slugify,
)

BOOK_FIELDS = (
    Field("title", required=True),
    Field("subtitle"),
    Field("editors", list, required=True),
    Field("lang", required=True),
    Field("identifier", required=True),
    Field("slug"),
    Field("date", is_date=True),
    Field("edition"),
    Field("page_size", choices=PAGE_SIZES),
    Field("openings", choices=OPENINGS),
    Field("introduction"),
    Field("parts", object),  # validated item by item below
    Field("course", object),  # COURSE_FIELDS, below
)
COURSE_FIELDS = (  # book.yaml `course:`, printed on the title page and in handouts
    Field("name"),
    Field("term"),
    Field("instructor"),
)
PART_FIELDS = (
    Field("title", required=True),
    Field("intro"),
    Field("sources", list, required=True),
    Field("questions", object),  # a list of Markdown items or QUESTION_FIELDS mappings
)
QUESTION_FIELDS = (
    Field("question", required=True),
    Field("answer"),  # instructor content: never printed in the student book
    Field("audience", choices=AUDIENCES),
)
SOURCE_FIELDS = (
    Field("title", required=True),
    Field("kind", required=True, choices=SOURCE_KINDS),
    Field("author", required=True),
    Field("date", required=True, is_date=True, undated_ok=True),
    Field("cite", required=True),
    Field("captured_from"),
    Field("quoted_in"),
    Field("rights"),
    Field("url"),
    Field("headnote"),
    Field("permission", choices=PERMISSIONS),
    Field("rights_holder"),
)
ANNOTATION_FIELDS = (
    Field("id", required=True),
    Field("quote", required=True),
    Field("prefix"),
    Field("suffix"),
    Field("kind", choices=ANNOTATION_KINDS),
    Field("note", required=True),
    Field("audience", choices=AUDIENCES),
    Field("tags", list),
    Field("by"),
    Field("created"),
    Field("origin"),
)


def _read_markdown(root: Path, base: Path, name: str, where: Path, line: int,
                   diags: Diagnostics) -> tuple[Path | None, str]:
    if not name:
        return None, ""
    path = base / name
    if not lexically_inside(root, path):
        diags.error(where, line, "F003", f"'{name}' leads outside the project",
                    f"put the file under {base.name}/ and name it relative to that folder")
        return None, ""
    if not path.is_file():
        diags.error(where, line, "S003", f"file '{name}' not found under {base.name}/")
        return None, ""
    return path, read_text(root, path, diags) or ""


def _questions(raw: Any, line: int, path: Path, diags: Diagnostics) -> list[Question]:
    """A part's `questions`: each item Markdown text, or {question, answer?, audience?}."""
    if raw is None:
        return []
    if not isinstance(raw, LocatedList):
        diags.error(path, line, "K003", "'questions' must be a list (lines starting with '- ')",
                    "write each question as an item: '- Why did ...?'")
        return []
    questions = []
    for item, item_line in zip(raw, raw.item_lines, strict=True):
        if isinstance(item, str | int | float) and not isinstance(item, bool):
            text = str(item).strip()
            if not text:
                diags.error(path, item_line, "K006", "a question is empty")
                continue
            questions.append(Question(text, "", "all", item_line))
        elif isinstance(item, LocatedDict):
            values = read_fields(item, QUESTION_FIELDS, path, diags, what="question")
            if values["question"]:
                questions.append(Question(values["question"], values["answer"],
                                          values["audience"] or "all", item.line))
        else:
            diags.error(path, item_line, "K003",
                        "a question must be text or a mapping {question, answer, audience}")
    return questions


def _course(raw: Any, line: int, path: Path, diags: Diagnostics) -> Course | None:
    """book.yaml's `course:` block, or None when there is none (or nothing in it)."""
    if raw is None:
        return None
    if not isinstance(raw, LocatedDict):
        diags.error(path, line, "K003",
                    "'course' must be a mapping of 'name', 'term' and 'instructor'",
                    "write each on its own line, indented under 'course:', e.g. "
                    "'  name: History 210'")
        return None
    values = read_fields(raw, COURSE_FIELDS, path, diags, what="course")
    course = Course(values["name"], values["term"], values["instructor"])
    return course if course.lines else None


def _check_identifier(identifier: str | None, path: Path, line: int,
                      diags: Diagnostics) -> None:
    """A `urn:uuid:` identifier must hold a real UUID (EPUBCheck would refuse it later)."""
    if not identifier or not identifier.lower().startswith("urn:uuid:"):
        return
    try:
        uuid.UUID(identifier[len("urn:uuid:"):])
    except ValueError:
        diags.error(path, line, "K008",
                    f"identifier '{identifier}' is not a valid UUID (32 hexadecimal digits in "
                    "groups of 8-4-4-4-12)",
                    f"use a fresh one, e.g. urn:uuid:{uuid.uuid4()}, and keep it for every "
                    "later edition of this book")


def load_book(root: Path, diags: Diagnostics) -> Book | None:
    path = root / "book" / "book.yaml"
    if not path.is_file():
        diags.error(path, 0, "S004", "book/book.yaml not found", "is --root the reader's folder?")
        return None
    data = book_lists.load_yaml_file(root, path, diags)
    if data is book_lists.FAILED or not book_lists.expect(data, LocatedDict, path, diags,
                                                          "book.yaml"):
        return None
    values = read_fields(data, BOOK_FIELDS, path, diags, what="book.yaml")
    _check_identifier(values["identifier"], path, data.line_of("identifier"), diags)
    parts: list[Part] = []
    raw_parts = data.get("parts")
    if not isinstance(raw_parts, list) or not raw_parts:
        diags.error(path, data.line_of("parts"), "K002", "book.yaml needs a non-empty 'parts' list")
        raw_parts = []
    for item in raw_parts:
        if not book_lists.expect(item, LocatedDict, path, diags, "each part"):
            continue
        part = read_fields(item, PART_FIELDS, path, diags, what="part")
        intro_path, intro = _read_markdown(
            root, root / "book", part["intro"], path, item.line_of("intro"), diags
        )
        questions = _questions(item.get("questions"), item.line_of("questions"), path, diags)
        listed = item.get("sources")
        lines = listed.item_lines if isinstance(listed, LocatedList) else []
        parts.append(Part(part["title"], part["sources"], intro_path, intro, item.line,
                          questions=questions, source_lines=lines))
    intro_path, introduction = _read_markdown(
        root, root / "book", values["introduction"], path, data.line_of("introduction"), diags
    )
    return Book(
        path=path,
        title=values["title"],
        subtitle=values["subtitle"],
        editors=values["editors"],
        lang=values["lang"] or "en",
        identifier=values["identifier"],
        slug=slugify(values["slug"] or values["title"]),
        date=values["date"],
        edition=values["edition"],
        page_size=values["page_size"] or default_page_size(values["lang"] or "en"),
        openings=values["openings"] or "recto",
        course=_course(data.get("course"), data.line_of("course"), path, diags),
        introduction_path=intro_path,
        introduction=introduction,
        parts=parts,
        line_of=dict(data.key_lines),
    )


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, body's first line) for a '---' delimited file, else None."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1 :]), number + 2
    return None


def load_source(root: Path, path: Path, diags: Diagnostics) -> Source | None:
    text = read_text(root, path, diags)
    if text is None:
        return None
    split = split_front_matter(text)
    if split is None:
        diags.error(
            path,
            1,
            "Y003",
            "source has no front matter",
            "start the file with a '---' line, the YAML fields, and another '---' line",
        )
        return None
    front, body, body_line = split
    try:
        data = load_yaml(front, first_line=2)
    except YamlProblem as problem:
        diags.error(path, problem.line, "Y001", f"front matter: {problem.message}",
                    problem.hint, column=problem.column)
        return None
    if not book_lists.expect(data, LocatedDict, path, diags, "front matter"):
        return None
    values = read_fields(data, SOURCE_FIELDS, path, diags, what="source front matter")
    if not body.strip():
        diags.error(path, body_line, "K006", "source has no text after its front matter")
    return Source(
        id=path.stem,
        path=path,
        body=body,
        body_line=body_line,
        line_of=dict(data.key_lines),
        **values,
    )


def load_annotations(root: Path, path: Path, diags: Diagnostics) -> list[Annotation]:
    result = []
    for item in book_lists.list_file(root, path, diags, "an annotations file"):
        if not book_lists.expect(item, LocatedDict, path, diags, "each annotation"):
            continue
        values = read_fields(item, ANNOTATION_FIELDS, path, diags, what="annotation")
        result.append(
            Annotation(
                id=values["id"],
                source_id=path.stem,
                quote=values["quote"],
                prefix=values["prefix"],
                suffix=values["suffix"],
                kind=values["kind"] or "context",
                note=values["note"],
                audience=values["audience"] or "all",
                path=path,
                line=item.line,
                line_of=dict(item.key_lines),
                tags=values["tags"],
                by=values["by"],
                created=values["created"],
                origin=values["origin"],
            )
        )
    return result


def _content_files(root: Path, folder: Path, pattern: str, diags: Diagnostics) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(pattern)):
        if not ID_PATTERN.match(path.stem):
            diags.error(
                path,
                0,
                "S005",
                f"file name '{path.name}' is not a valid id",
                "use lowercase letters, digits and hyphens, e.g. kennedy-address.md",
            )
            continue
        found.append(path)
    return found


def load_project(root: Path, diags: Diagnostics) -> Project:
    """Load every content file; all problems go to `diags` (book.yaml's among them)."""
    root = root.resolve()
    book = load_book(root, diags)
    sources: dict[str, Source] = {}
    for path in _content_files(root, root / "sources", "*.md", diags):
        source = load_source(root, path, diags)
        if source is not None:
            sources[source.id] = source
    annotations: list[Annotation] = []
    for path in _content_files(root, root / "book" / "annotations", "*.yaml", diags):
        annotations.extend(load_annotations(root, path, diags))
    glossary = book_lists.load_glossary(root, diags)
    timeline = book_lists.load_timeline(root, diags)
    bib_path = root / "bibliography.bib"
    entries = bibtex.load(root, bib_path, diags)
    if book is None:
        # book.yaml is unusable and says why; a stand-in lets every other file be checked too,
        # so the editor sees all problems in one run (the build stops on the errors anyway).
        book = Book(path=root / "book" / "book.yaml", title="", subtitle="", editors=[],
                    lang="en", identifier="", slug="x", date="", edition="",
                    page_size="letter", introduction_path=None, introduction="", parts=[],
                    loaded=False)
    return Project(
        root=root,
        book=book,
        sources=sources,
        annotations=annotations,
        glossary=glossary,
        timeline=timeline,
        bibliography=entries,
        bibliography_path=bib_path,
        styles_dir=root / "styles",
        further_reading=book_lists.load_further_reading(root, diags),
        abbreviations=book_lists.load_abbreviations(root, diags),
        index=book_lists.load_index(root, diags),
    )
