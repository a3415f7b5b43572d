"""PyYAML's parser messages said in an editor's words, with the fix for the line at fault.

`explain(problem, lines, line, column)` is pure: the parser's `problem` text, the file's lines,
and the 1-based line and column it points at. It recognises the three mistakes editors make
(a tab, a colon inside a value, a key out of line) and leaves anything else as PyYAML said it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^(?P<indent>[ \t]*(?:- +)*)(?P<key>[^\s:#'\"\[\]{}][^:#]*?):(?: |$)")


@dataclass(frozen=True)
class Explained:
    message: str
    hint: str = ""
    column: int = 0  # where the mistake is, when that is not where the parser stopped


def _key_column(text: str) -> tuple[int, str, str] | None:
    """(column where the key starts, the key, the rest after 'key: ') of a 'key: value' line."""
    found = _KEY.match(text)
    if found is None:
        return None
    indent = found.group("indent").expandtabs(2)
    return len(indent), found.group("key").strip(), text[found.end():].strip()


def _keys_above(lines: list[str], line: int) -> int | None:
    """The column of the nearest key above `line` (1-based) that is not itself nested deeper."""
    for text in reversed(lines[: line - 1]):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        found = _key_column(text)
        if found is not None:
            return found[0]
    return None


def _quoted(value: str) -> str:
    if '"' not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _shown(text: str) -> str:
    return text.strip().replace("\t", "→")


def explain(problem: str, lines: list[str], line: int, column: int) -> Explained:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if "'\\t'" in problem:
        column_above = _keys_above(lines, line)
        fixed = " " * (column_above or 0) + text.strip()
        return Explained("a tab character is used for indenting; YAML indents with spaces only",
                         f"replace the tab with spaces: {fixed.rstrip()!r}")
    if problem.startswith("could not determine a constructor for the tag '!"):
        key = (_key_column(text) or (0, "the key", ""))[1]
        return Explained("a value starting with '!' must be in quotes (YAML reads '!' as a tag)",
                         f"put the whole value in quotes, or write it on the lines after "
                         f"'{key}: |'")
    own = _key_column(text)
    column_above = _keys_above(lines, line)
    out_of_line = (own is not None and column_above is not None and own[0] != column_above)
    if problem == "mapping values are not allowed here":
        colon_at = text.find(": ") + 1 if ": " in text else text.find(":") + 1
        if own is not None and column > colon_at:
            # The key's own colon came first: this one is inside the value.
            key, value = own[1], own[2]
            return Explained(f"the value of '{key}' contains a colon followed by a space",
                             f"put the whole value in quotes: {key}: {_quoted(value)}")
        if own is not None and column_above is not None:
            return _out_of_line(own, column_above)
    if problem.startswith("expected <block end>") and out_of_line and own is not None:
        assert column_above is not None
        return _out_of_line(own, column_above)
    if problem == "expected <block end>, but found '<scalar>'":
        return Explained("text after the closing quote of a quoted value",
                         "put the whole value inside the quotes, or leave the quotes out")
    return Explained(f"malformed YAML: {problem}")


def _out_of_line(own: tuple[int, str, str], column_above: int) -> Explained:
    key = own[1]
    more_or_less = "more" if own[0] > column_above else "less"
    return Explained(
        f"'{key}' is indented {more_or_less} than the key above it",
        f"line the keys of one entry up in the same column, with spaces: "
        f"{' ' * column_above + key + ': ' + own[2]!r}", own[0] + 1)
