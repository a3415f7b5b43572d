"""Heading ids and header references across Pandoc batches (render/pandoc.py).

In one Pandoc document, every heading's id is unique in the document: the second "Notes" is
"notes-1". Converted in batches, each batch numbers only its own headings; unique_identifiers
renumbers them in book order exactly as one document would have, or says it cannot. Pandoc
also lets `[Heading text]` link to a heading anywhere in the document: heading_keys and labels
let render/pandoc.py see when a book might do that (it then converts the book as one document).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from copy import deepcopy

from lxml.etree import _Element

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ATX = re.compile(r"(?:^|(?<=[\s>]))#{1,6}")
SETEXT_UNDERLINE = re.compile(r"[ \t>]*(?:=+|-+)[ \t]*\r?")
CLOSING = re.compile(r"(?:\s*\{[^{}]*\}|\s*#+)\s*$")  # closing #s, an attribute block
BRACKET = re.compile(r"\\.|[\[\]]", re.DOTALL)
WRITTEN_ID = re.compile(r"\{[^{}]*(?:#|\bid\s*=)", re.IGNORECASE)  # {#id}, {id="..."}


def _is_space(char: str) -> bool:
    """Haskell's isSpace, which Pandoc splits words with (not quite Python's)."""
    return char in " \t\n\r\f\v\xa0" or (char > "\u0377" and unicodedata.category(char) == "Zs")


def _lower(text: str) -> str:
    return "".join(char.lower() for char in text)  # per character, as Haskell's toLower


def identifier(heading: _Element) -> str:
    """The id Pandoc derives from a heading's text (inlineListToIdentifier, Pandoc Markdown)."""
    copy = deepcopy(heading)
    for ref in copy.xpath('.//a[contains(@class, "footnote-ref")]'):
        ref.drop_tree()  # notes are not part of the text
    kept = "".join(
        " " if _is_space(char) else char
        for char in _lower(copy.text_content())
        if _is_space(char) or unicodedata.category(char)[0] in "LN" or char in "_-."
    )
    ident = "-".join(word for word in kept.split(" ") if word)
    while ident and unicodedata.category(ident[0])[0] != "L":
        ident = ident[1:]
    return ident or "section"


def _unique(base: str, used: set[str]) -> str:
    if base not in used:
        return base
    return next((f"{base}-{n}" for n in range(1, 60001) if f"{base}-{n}" not in used), base)


def unique_identifiers(
    batches: list[list[tuple[_Element, str]]], book: list[tuple[_Element, str]]
) -> bool:
    """Give headings the ids one document would have given them.

    `batches`: each batch's headings in its order, with their fragment's Markdown; `book`: the
    same headings in book order. First, each batch's ids must be what Pandoc's rule gives from
    our identifier(), or be written in the Markdown ({#id}, kept as written); then the rule is
    run again in book order. False (ids left half done) when a heading's id cannot be
    explained, or when a heading that may have its id written in the Markdown would change.
    """
    base: dict[int, str | None] = {}  # None: the id is the one written in the Markdown
    for headings in batches:
        used: set[str] = set()
        for heading, markdown in headings:
            ident = heading.get("id")
            if ident is None:
                return False
            auto = identifier(heading)
            if ident == _unique(auto, used):
                base[id(heading)] = auto
            elif WRITTEN_ID.search(markdown):
                base[id(heading)] = None
            else:
                return False
            used.add(ident)
    used = set()
    for heading, markdown in book:
        ident = str(heading.get("id"))
        derived = base[id(heading)]
        final = ident if derived is None else _unique(derived, used)
        if final != ident:
            if WRITTEN_ID.search(markdown):
                return False
            heading.set("id", final)
        used.add(final)
    return True


def _key(text: str) -> str:
    """A reference label or heading text as Pandoc compares them: case and spacing aside."""
    return " ".join(_lower(text).split())


def heading_keys(markdown: str) -> set[str]:
    """Every key a heading in `markdown` could have, and more: any text after a run of '#',
    any tail of a line above a setext underline, with or without closing '#'s or attributes."""
    keys: set[str] = set()
    lines = markdown.split("\n")
    for number, line in enumerate(lines):
        contents = [line[match.end() :] for match in ATX.finditer(line)]
        if number + 1 < len(lines) and line.strip() and SETEXT_UNDERLINE.fullmatch(
            lines[number + 1]
        ):
            words = line.split()
            contents += [" ".join(words[start:]) for start in range(len(words))]
        for content in contents:
            key = _key(content)
            while key and key not in keys:
                keys.add(key)
                key = _key(CLOSING.sub("", key))
    return keys


def labels(markdown: str) -> Iterator[str]:
    """The key of every bracketed text in `markdown` (nested ones too; escapes skipped)."""
    opened: list[int] = []
    for token in BRACKET.finditer(markdown):
        if token.group() == "[":
            opened.append(token.end())
        elif token.group() == "]" and opened:
            key = _key(markdown[opened.pop() : token.start()])
            if key:
                yield key
