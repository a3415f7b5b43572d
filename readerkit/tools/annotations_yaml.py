"""Write imported annotations into book/annotations/<source>.yaml, keeping the editor's file.

ruamel.yaml's round-trip mode keeps comments, key order, quoting and block styles, so only the
entries the importer adds or changes differ; a file with nothing to change is not rewritten.
The file has already been loaded (and checked) by the project's safe loader before this runs.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

# The order keys are written in; `origin` last, so that no comment the editor put after an
# entry hangs on a key an update could remove.
KEY_ORDER = ("id", "quote", "prefix", "suffix", "kind", "audience", "tags", "note", "by",
             "created", "origin")
NOTE_WIDTH = 76  # a note's lines, as the editors' files wrap them


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap an editor's lines
    yaml.indent(mapping=2, sequence=2, offset=0)  # '- id:' at the margin, as the files have it
    return yaml


def entry(values: dict[str, Any]) -> CommentedMap:
    """A new annotation entry: empty values left out, a multi-line note as a literal block."""
    mapping = CommentedMap()
    for key in KEY_ORDER:
        mapping[key] = _styled(key, values.get(key))
        if mapping[key] in ("", None, []):
            del mapping[key]
    return mapping


def folded(text: str) -> Any:
    """A one-line note as a folded block (`>-`) wrapped like the editor's notes; a note of
    several lines stays literal (`|`), so Markdown's line breaks are kept exactly."""
    if "\n" in text:
        return LiteralScalarString(text + "\n")
    if len(text) <= NOTE_WIDTH:
        return text
    block = FoldedScalarString(text)
    # Fold only at single spaces: a fold stands for exactly one space.
    spaces = [i for i, c in enumerate(text) if c == " " and text[i - 1] != " "
              and i + 1 < len(text) and text[i + 1] != " "]
    folds, line_start, last = [], 0, None
    for space in spaces:
        if space - line_start > NOTE_WIDTH and last is not None and last > line_start:
            folds.append(last)
            line_start = last + 1
        last = space
    if len(text) - line_start > NOTE_WIDTH and last is not None and last > line_start:
        folds.append(last)
    block.fold_pos = folds
    return block


def _styled(key: str, value: Any) -> Any:
    if key == "note" and isinstance(value, str):
        return folded(value.strip())
    if isinstance(value, list):
        flow = CommentedSeq(value)
        flow.fa.set_flow_style()
        return flow
    return value


def _same(old: Any, new: Any) -> bool:
    if isinstance(new, list):
        return isinstance(old, list) and [str(x) for x in old] == [str(x) for x in new]
    return str(old).strip() == str(new).strip()


def update(mapping: CommentedMap, values: dict[str, Any]) -> bool:
    """Bring an entry the importer wrote up to date, in place; True when anything changed."""
    changed = False
    for key in KEY_ORDER:
        new = values.get(key)
        if new in ("", None, []):
            if key in mapping:
                del mapping[key]
                changed = True
        elif key not in mapping or not _same(mapping[key], new):
            if key in mapping:
                mapping[key] = _styled(key, new)
            else:  # a key it did not have: in its place in KEY_ORDER
                position = sum(1 for k in KEY_ORDER[: KEY_ORDER.index(key)] if k in mapping)
                mapping.insert(position, key, _styled(key, new))
            changed = True
    return changed


def load(text: str) -> CommentedSeq:
    data = _yaml().load(text) if text.strip() else None
    if data is None:  # an empty or comments-only file: a list to add to
        data = CommentedSeq()
    return data


def dump(data: CommentedSeq, original: str) -> str:
    if not original.strip() or _yaml().load(original) is None:
        # Comments-only file: keep them above the entries.
        stream = io.StringIO()
        _yaml().dump(data, stream)
        head = original.rstrip("\n")
        return (head + "\n\n" if head else "") + stream.getvalue()
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def append(data: CommentedSeq, mapping: CommentedMap) -> None:
    data.append(mapping)
    if len(data) > 1:  # a blank line between entries, as the editor's files have
        data.yaml_set_comment_before_after_key(len(data) - 1, before="\n")


def merge(text: str, upserts: list[dict[str, Any]]) -> tuple[str, list[str], list[str]]:
    """The file's new text with each entry added or updated (matched by id), and the ids
    (added, updated). Entries are given in source order; new ones go at the end."""
    data = load(text)
    by_id = {item.get("id"): item for item in data if isinstance(item, CommentedMap)}
    added: list[str] = []
    updated: list[str] = []
    for values in upserts:
        existing = by_id.get(values["id"])
        if existing is None:
            append(data, entry(values))
            added.append(values["id"])
        elif update(existing, values):
            updated.append(values["id"])
    if not added and not updated:
        return text, added, updated
    return dump(data, text), added, updated
