"""Safe YAML loading that remembers where every mapping and key came from.

Editors need `path:line` in messages, so mappings load as `LocatedDict`, which records the line
of the mapping and of each key. Aliases are refused outright: content never needs them, and they
are how YAML "billion laughs" bombs work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from readerkit import memo
from readerkit.load.yamlwords import explain

MAX_DEPTH = 20


class LocatedDict(dict[str, Any]):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list[Any]):
    line: int = 0
    item_lines: list[int]


class YamlProblem(Exception):
    def __init__(self, line: int, message: str, column: int = 0, hint: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.column = column  # 1-based; 0 when unknown
        self.message = message
        self.hint = hint


class _Loader(yaml.SafeLoader):
    pass


def _compose_node(self: Any, parent: Any, index: Any) -> Any:
    if self.check_event(yaml.AliasEvent):
        event = self.peek_event()
        raise YamlProblem(
            event.start_mark.line + 1, "YAML aliases (*name) are not allowed in content files",
            event.start_mark.column + 1,
        )
    depth = getattr(self, "_depth", 0) + 1
    if depth > MAX_DEPTH:
        raise YamlProblem(
            self.peek_event().start_mark.line + 1,
            f"nesting deeper than {MAX_DEPTH} levels",
        )
    self._depth = depth
    try:
        return yaml.composer.Composer.compose_node(self, parent, index)
    finally:
        self._depth = depth - 1


_Loader.compose_node = _compose_node  # type: ignore[method-assign]


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    result = LocatedDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise YamlProblem(key_node.start_mark.line + 1, f"duplicate key '{key}'",
                              key_node.start_mark.column + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(
        loader.construct_object(child, deep=True)
        for child in node.value
    )
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp_as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Dates stay text: the checks validate them and report impossible ones with a line,
    # instead of PyYAML raising ValueError on 1962-13-45.
    return str(loader.construct_scalar(node))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


def load_yaml(text: str, *, first_line: int = 1) -> Any:
    """Parse one YAML document; raise YamlProblem with a 1-based line on any problem.

    `first_line` is the file line on which `text` starts (front matter starts on line 2).
    A text parsed before in this process is not parsed again (readerkit/memo.py).
    """
    parsed = memo.remembered("yaml", (str(first_line), text), lambda: _parsed(text, first_line))
    if isinstance(parsed, _Failed):
        raise YamlProblem(parsed.line, parsed.message, parsed.column, parsed.hint)
    return parsed


@dataclass(frozen=True)
class _Failed:
    """A YamlProblem as the memo keeps it (the exception itself does not pickle)."""

    line: int
    message: str
    column: int
    hint: str


def _parsed(text: str, first_line: int) -> Any:
    # Padding with newlines keeps every recorded line equal to the line in the file.
    text = "\n" * (first_line - 1) + text
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader derives from SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else first_line
        column = mark.column + 1 if mark else 0
        said = explain(error.problem or str(error), text.split("\n"), line, column)
        return _Failed(line, said.message, said.column or column, said.hint)
    except YamlProblem as problem:  # an alias or too deep (_compose_node)
        return _Failed(problem.line, problem.message, problem.column, problem.hint)
    except (yaml.YAMLError, ValueError, RecursionError) as error:
        return _Failed(first_line, f"malformed YAML: {error}", 0, "")
