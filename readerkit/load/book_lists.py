"""YAML files and the book's lists: glossary, timeline, further reading, abbreviations and
index (book/<name>.yaml, each a list of mappings), read with their lines and checked field by
field. Used by load/project.py, which also reads book.yaml and the annotation files with the
same helpers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from readerkit.diagnostics import Diagnostics
from readerkit.load.files import read_text
from readerkit.load.schema import Field, read_fields
from readerkit.load.yamlfile import LocatedDict, LocatedList, YamlProblem, load_yaml
from readerkit.model import Abbreviation, GlossaryEntry, IndexEntry, ReadingItem, TimelineEvent

GLOSSARY_FIELDS = (
    Field("term", required=True),
    Field("aliases", list),
    Field("definition", required=True),
    Field("see", list),
)
READING_FIELDS = (Field("key", required=True), Field("note", required=True))
ABBREVIATION_FIELDS = (Field("abbreviation", required=True), Field("meaning", required=True))
INDEX_FIELDS = (Field("term", required=True), Field("aliases", list), Field("see", list))
TIMELINE_FIELDS = (
    Field("date", required=True, is_date=True),
    Field("event", required=True),
    Field("sources", list, required=True),
    Field("note"),
    Field("series", object),  # {name: number}, the level in force from this date (timeline_chart)
)


FAILED = object()  # the file could not be read or parsed (already reported)


def load_yaml_file(root: Path, path: Path, diags: Diagnostics) -> Any:
    """The parsed YAML (None for an empty file), or FAILED after reporting why."""
    text = read_text(root, path, diags)
    if text is None:
        return FAILED
    try:
        return load_yaml(text)
    except YamlProblem as problem:
        diags.error(path, problem.line, "Y001", problem.message, problem.hint,
                    column=problem.column)
        return FAILED


def expect(data: Any, kind: type, path: Path, diags: Diagnostics, what: str) -> bool:
    if isinstance(data, kind):
        return True
    if issubclass(kind, list):
        wanted = "a list of entries (lines starting with '- ')"
    else:
        wanted = "a mapping of keys to values (lines like 'title: ...')"
    line = getattr(data, "line", 1)
    if data is None:
        diags.error(path, line, "Y002", f"{what} is empty; it must be {wanted}")
    else:
        diags.error(path, line, "Y002", f"{what} must be {wanted}")
    return False


def list_file(root: Path, path: Path, diags: Diagnostics, what: str) -> list[Any]:
    """Items of a YAML file holding a list; an empty (or comments-only) file is an empty list."""
    data = load_yaml_file(root, path, diags)
    if data is FAILED or data is None or not expect(data, LocatedList, path, diags, what):
        return []
    return list(data)


def _book_records(root: Path, name: str, fields: tuple[Field, ...], what: str,
                  diags: Diagnostics) -> tuple[Path, list[tuple[LocatedDict, dict[str, Any]]]]:
    """The entries of book/<name>, a YAML list of mappings, each with its checked fields."""
    path = root / "book" / name
    if not path.is_file():
        return path, []
    records = []
    for item in list_file(root, path, diags, name):
        if expect(item, LocatedDict, path, diags, f"each {what}"):
            records.append((item, read_fields(item, fields, path, diags, what=what)))
    return path, records


def load_glossary(root: Path, diags: Diagnostics) -> list[GlossaryEntry]:
    path, records = _book_records(root, "glossary.yaml", GLOSSARY_FIELDS, "glossary entry",
                                  diags)
    return [GlossaryEntry(path=path, line=item.line, **values) for item, values in records]


def load_timeline(root: Path, diags: Diagnostics) -> list[TimelineEvent]:
    path, records = _book_records(root, "timeline.yaml", TIMELINE_FIELDS, "timeline event",
                                  diags)
    events = [TimelineEvent(number=0, path=path, line=item.line, **values)
              for item, values in records]
    # Stable sort: same-day events keep the editor's order.
    events.sort(key=lambda e: e.date)
    for number, event in enumerate(events, start=1):
        event.number = number
    return events


def load_further_reading(root: Path, diags: Diagnostics) -> list[ReadingItem]:
    path, records = _book_records(root, "further-reading.yaml", READING_FIELDS,
                                  "further-reading item", diags)
    return [ReadingItem(path=path, line=item.line, **values) for item, values in records]


def load_abbreviations(root: Path, diags: Diagnostics) -> list[Abbreviation]:
    path, records = _book_records(root, "abbreviations.yaml", ABBREVIATION_FIELDS,
                                  "abbreviation", diags)
    return [Abbreviation(path=path, line=item.line, **values) for item, values in records]


def load_index(root: Path, diags: Diagnostics) -> list[IndexEntry]:
    path, records = _book_records(root, "index.yaml", INDEX_FIELDS, "index entry", diags)
    return [IndexEntry(path=path, line=item.line, **values) for item, values in records]
