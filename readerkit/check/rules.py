"""Rules that look across files. Each rule reads the loaded project and reports diagnostics."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from readerkit.anchors import ID_PATTERN
from readerkit.diagnostics import Diagnostics
from readerkit.load.bibtex import cited_keys
from readerkit.load.files import read_text
from readerkit.load.schema import did_you_mean
from readerkit.model import Project

Rule = Callable[[Project, Diagnostics], None]
WEB_ADDRESS = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
BIB_KEY = re.compile(r"^\s*@\w+\s*[{(]\s*([^,\s{}()]+)\s*,", re.M)


def _unusable(project: Project, source_id: str) -> bool:
    """A source file exists but could not be loaded: its own error says why, so rules that
    need the source stay quiet instead of claiming it does not exist."""
    return source_id not in project.sources and (
        project.root / "sources" / f"{source_id}.md"
    ).is_file()


def parts_name_existing_sources(project: Project, diags: Diagnostics) -> None:
    book = project.book
    if not book.loaded:
        return  # its own error is reported; every source would look left out
    seen: dict[str, str] = {}
    for part in book.parts:
        for index, source_id in enumerate(part.sources):
            if _unusable(project, source_id):
                pass
            elif source_id not in project.sources:
                diags.error(
                    book.path, part.line_of_source(index), "S001",
                    f"part '{part.title}' lists source '{source_id}', but sources/{source_id}.md "
                    "does not exist",
                    did_you_mean(source_id, list(project.sources)),
                )
            elif source_id in seen:
                diags.error(book.path, part.line_of_source(index), "S006",
                            f"source '{source_id}' is listed twice (also in '{seen[source_id]}')")
            seen[source_id] = part.title
    for source in project.sources.values():
        if source.id not in seen:
            diags.warning(source.path, 1, "S002",
                          f"source '{source.id}' is not in any part of book.yaml, "
                          "so it is not printed")


def sources_are_distinct(project: Project, diags: Diagnostics) -> None:
    """Two files holding the same source: same title from the same work (the same `cite`).

    File names are the ids, so two sources cannot share an id; what can happen is a copy of a
    source saved under a second name, which would print the same excerpt twice.
    """
    first: dict[tuple[str, str], str] = {}
    order = [sid for part in project.book.parts for sid in part.sources]
    rank = {sid: order.index(sid) for sid in order}
    # Sources in the book's reading order first: the copy outside the parts is the one named.
    for source in sorted(project.sources.values(),
                         key=lambda s: (rank.get(s.id, len(order)), s.id)):
        if not source.title or not source.cite:
            continue
        key = (" ".join(source.title.lower().split()), source.cite)
        if key in first:
            diags.error(source.path, source.line_of.get("title", 1), "D003",
                        f"source '{source.id}' has the same title and cite as "
                        f"'{first[key]}'",
                        "remove the copy, or give each excerpt its own title")
        else:
            first[key] = source.id


def annotations_belong_to_sources(project: Project, diags: Diagnostics) -> None:
    reported: set[Path] = set()
    for annotation in project.annotations:
        if (annotation.source_id not in project.sources and annotation.path not in reported
                and not _unusable(project, annotation.source_id)):
            reported.add(annotation.path)
            diags.error(
                annotation.path, 1, "A005",
                f"annotations file for source '{annotation.source_id}', which does not exist",
                did_you_mean(annotation.source_id, list(project.sources))
                or "name the file after a source: book/annotations/<source-id>.yaml",
            )


def ids_are_valid_and_unique(project: Project, diags: Diagnostics) -> None:
    first: dict[str, tuple[Path, int]] = {}
    for annotation in project.annotations:
        line = annotation.line_of.get("id", annotation.line)
        if annotation.id and not ID_PATTERN.match(annotation.id):
            diags.error(annotation.path, line, "I001",
                        f"annotation id '{annotation.id}' is not a valid id",
                        "use lowercase letters, digits and hyphens")
        if annotation.id in first:
            path, other = first[annotation.id]
            diags.error(annotation.path, line, "D001",
                        f"annotation id '{annotation.id}' is already used at "
                        f"{diags.relative(path)}:{other}")
        else:
            first[annotation.id] = (annotation.path, line)
    names: dict[str, int] = {}
    for entry in project.glossary:
        # The same word in two cases within one entry is harmless; across entries it is not.
        for key in {name.lower() for name in (entry.term, *entry.aliases)}:
            if key in names:
                diags.error(entry.path, entry.line, "D002",
                            f"glossary term or alias '{key}' is already defined at line "
                            f"{names[key]}")
            else:
                names[key] = entry.line
    terms = [entry.term for entry in project.glossary]
    lowered = {t.lower() for t in terms}
    for entry in project.glossary:
        for target in entry.see:
            if target.lower() not in lowered:
                diags.error(entry.path, entry.line, "G001",
                            f"'{entry.term}' says see '{target}', which is not a glossary term",
                            did_you_mean(target, terms))


def _citations(project: Project) -> Iterator[tuple[str, Path, int]]:
    """Every citation key used anywhere, with where it is used."""
    for source in project.sources.values():
        if source.cite:
            yield source.cite, source.path, source.line_of.get("cite", 1)
        if source.quoted_in:
            yield source.quoted_in, source.path, source.line_of.get("quoted_in", 1)
        for offset, line in enumerate(source.body.split("\n")):
            for key in cited_keys(line):
                yield key, source.path, source.body_line + offset
        for key in cited_keys(source.headnote):
            yield key, source.path, source.line_of.get("headnote", 1)
    for annotation in project.annotations:
        for key in cited_keys(annotation.note):
            yield key, annotation.path, annotation.line_of.get("note", annotation.line)
    for entry in project.glossary:
        for key in cited_keys(entry.definition):
            yield key, entry.path, entry.line
    for event in project.timeline:
        for key in cited_keys(event.note):
            yield key, event.path, event.line
    book = project.book
    for path, text in [(book.introduction_path, book.introduction)] + [
        (part.intro_path, part.intro) for part in book.parts
    ]:
        if path is None:
            continue
        for number, line in enumerate(text.split("\n"), start=1):
            for key in cited_keys(line):
                yield key, path, number
    for part in book.parts:
        for question in part.questions:  # answers too: the instructor's guide will print them
            for key in cited_keys(f"{question.text}\n{question.answer}"):
                yield key, book.path, question.line
    for item in project.further_reading:
        yield item.key, item.path, item.line
        for key in cited_keys(item.note):
            yield key, item.path, item.line
    for abbreviation in project.abbreviations:
        for key in cited_keys(abbreviation.meaning):
            yield key, abbreviation.path, abbreviation.line


def _keys_in_broken_entries(project: Project) -> set[str] | None:
    """Keys of .bib entries that did not parse (B001 says why): citing them is not a new error.
    None when the whole file is unusable (F001..F004 says why): no citation can be checked."""
    path = project.bibliography_path
    if not path.is_file():
        return set()
    text = read_text(project.root, path, Diagnostics(project.root))
    if text is None:
        return None
    return {key for key in BIB_KEY.findall(text) if key not in project.bibliography}


def citations_exist(project: Project, diags: Diagnostics) -> None:
    keys = list(project.bibliography)
    broken = _keys_in_broken_entries(project)
    if broken is None:
        return
    for key, path, line in _citations(project):
        if key not in project.bibliography and key not in broken:
            diags.error(path, line, "B003", f"citation key '{key}' is not in bibliography.bib",
                        did_you_mean(key, keys))
    for event in project.timeline:
        for key in event.sources:
            if (key not in project.bibliography and key not in project.sources
                    and key not in broken and not _unusable(project, key)):
                diags.error(event.path, event.line, "B004",
                            f"timeline source '{key}' is neither a bibliography key nor a "
                            "source id",
                            did_you_mean(key, keys + list(project.sources)))


def everything_cited_is_used(project: Project, diags: Diagnostics) -> None:
    used = {key for key, _, _ in _citations(project)}
    used.update(key for event in project.timeline for key in event.sources)
    for key, entry in project.bibliography.items():
        if key not in used:
            diags.warning(project.bibliography_path, entry.line, "W001",
                          f"bibliography entry '{key}' is never cited",
                          "cite it in a note or a timeline event, or remove it")


def sources_have_rights(project: Project, diags: Diagnostics) -> None:
    for source in project.sources.values():
        if not source.rights:
            diags.warning(source.path, 1, "W003",
                          f"source '{source.id}' has no rights statement",
                          "add 'rights:' to its front matter; it is printed on the credits page")


def source_urls_are_web_addresses(project: Project, diags: Diagnostics) -> None:
    """`url:` is where the source lives on the web: annotation import and export match on it."""
    for source in project.sources.values():
        if source.url and not WEB_ADDRESS.match(source.url):
            diags.error(source.path, source.line_of.get("url", 1), "K007",
                        f"'url' is '{source.url}', which is not a web address",
                        "write the page's full address, starting with https:// or http://")


MAX_BRACKET_DEPTH = 4  # [a [b [c [d]]]]: real text needs 2 or 3
MAX_QUOTE_DEPTH = 10  # > > > ... block quotes inside block quotes


@functools.lru_cache(maxsize=4096)  # serve and watch check the same texts after every save
def _deepest_brackets(text: str) -> tuple[int, int]:
    """(depth, 0-based line) of the most deeply nested [ ] in a paragraph of `text`.

    Pandoc's Markdown reader backtracks on nested brackets, and its time grows about threefold
    with each level (twelve levels take minutes), so deep nesting is refused before Pandoc runs.
    """
    deepest, where, depth, line, escaped = 0, 0, 0, 0, False
    previous = ""
    for char in text:
        if char == "\n":
            line += 1
            if previous == "\n":
                depth = 0  # a blank line ends the paragraph
        elif escaped:
            pass
        elif char == "[":
            depth += 1
            if depth > deepest:
                deepest, where = depth, line
        elif char == "]":
            depth = max(0, depth - 1)
        escaped = char == "\\" and not escaped
        if not char.isspace() or char == "\n":
            previous = char
    return deepest, where


QUOTE_MARKERS = re.compile(r"^(?:[ ]{0,3}>[ ]?)+")


def _markdown_texts(project: Project) -> Iterator[tuple[Path, int, int, str]]:
    """Every Markdown text Pandoc will read: (path, line of its first line, line step, text);
    step is 0 for YAML values, whose lines are reported at their key."""
    for source in project.sources.values():
        yield source.path, source.body_line, 1, source.body
    for annotation in project.annotations:
        yield annotation.path, annotation.line_of.get("note", annotation.line), 0, annotation.note
    for entry in project.glossary:
        yield entry.path, entry.line, 0, entry.definition
    for event in project.timeline:
        yield event.path, event.line, 0, event.note
    book = project.book
    for path, text in [(book.introduction_path, book.introduction)] + [
        (part.intro_path, part.intro) for part in book.parts
    ]:
        if path is not None:
            yield path, 1, 1, text
    for source in project.sources.values():
        yield source.path, source.line_of.get("headnote", 1), 0, source.headnote
    for part in book.parts:
        for question in part.questions:
            yield book.path, question.line, 0, f"{question.text}\n\n{question.answer}"
    for item in project.further_reading:
        yield item.path, item.line, 0, item.note
    for abbreviation in project.abbreviations:
        yield abbreviation.path, abbreviation.line, 0, abbreviation.meaning


def markdown_is_not_pathological(project: Project, diags: Diagnostics) -> None:
    for path, first, step, text in _markdown_texts(project):
        depth, offset = _deepest_brackets(text)
        if depth > MAX_BRACKET_DEPTH:
            diags.error(path, first + step * offset, "M001",
                        f"square brackets nested {depth} deep; the limit is {MAX_BRACKET_DEPTH}",
                        "Pandoc slows down sharply on deep nesting: close some brackets, or "
                        "escape literal ones as \\[ and \\]")
        for offset, line in enumerate(text.split("\n")):
            markers = QUOTE_MARKERS.match(line)
            quotes = markers.group(0).count(">") if markers else 0
            if quotes > MAX_QUOTE_DEPTH:
                diags.error(path, first + step * offset, "M001",
                            f"block quotes nested {quotes} deep; the limit is {MAX_QUOTE_DEPTH}",
                            "remove the extra '>' markers")
                break


def index_is_consistent(project: Project, diags: Diagnostics) -> None:
    """book/index.yaml: each form names one heading; `see` names a heading of the index or
    the glossary (both make the printed index)."""
    forms: dict[str, str] = {
        form.lower(): f"{diags.relative(entry.path)}:{entry.line}"
        for entry in project.glossary for form in (entry.term, *entry.aliases)
    }
    for entry in project.index:
        for form in sorted({name.lower() for name in (entry.term, *entry.aliases)}):
            if form in forms:
                diags.error(entry.path, entry.line, "D004",
                            f"index term or alias '{form}' is already a heading's form, at "
                            f"{forms[form]}",
                            "merge the entries or drop the alias (glossary terms are in the "
                            "index already)")
            else:
                forms[form] = f"{diags.relative(entry.path)}:{entry.line}"
    headings = [entry.term for entry in project.index] + [e.term for e in project.glossary]
    lowered = {heading.lower() for heading in headings}
    for entry in project.index:
        for target in entry.see:
            if target.lower() not in lowered:
                diags.error(entry.path, entry.line, "N001",
                            f"index entry '{entry.term}' says see '{target}', which is not "
                            "an index or glossary heading", did_you_mean(target, headings))


RULES: tuple[Rule, ...] = (
    parts_name_existing_sources,
    sources_are_distinct,
    annotations_belong_to_sources,
    ids_are_valid_and_unique,
    citations_exist,
    everything_cited_is_used,
    sources_have_rights,
    source_urls_are_web_addresses,
    markdown_is_not_pathological,
    index_is_consistent,
)


def run(project: Project, diags: Diagnostics) -> None:
    for rule in RULES:
        rule(project, diags)
