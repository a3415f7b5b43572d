"""The BibTeX file as the checks see it: keys, types, fields and lines (bibtexparser 2).

Pandoc's citeproc reads the same file for output; this module only finds problems early,
with lines, before Pandoc would fail or silently print '???'.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware
from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock

from readerkit import memo
from readerkit.diagnostics import Diagnostics
from readerkit.load import bibcheck
from readerkit.load.files import read_text
from readerkit.model import BibEntry

# bibtexparser logs every failed block to stderr; we report them ourselves, with lines.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

CITATION_KEY = re.compile(r"(?<![\w.@])@([A-Za-z0-9_][\w:.#$%&\-+?<>~/]*\w|[A-Za-z0-9_])")


def load(root: Path, path: Path, diags: Diagnostics) -> dict[str, BibEntry]:
    if not path.is_file():
        return {}
    text = read_text(root, path, diags)
    if text is None:
        return {}
    # Parsed once per process for each text (readerkit/memo.py): serve and watch reload it
    # on every save.
    return memo.remembered_reporting("bibtex", (str(path), text), diags,
                                     lambda reported: _entries(path, text, reported))


def _entries(path: Path, text: str, diags: Diagnostics) -> dict[str, BibEntry]:
    try:
        library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    except Exception as error:  # the parser's own bugs become a located message
        diags.error(path, 1, "B001", f"BibTeX syntax error: {error}",
                    "check the braces and the commas between fields")
        return {}
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            diags.error(path, line, "B002", f"duplicate bibliography key '{block.key}'")
        elif isinstance(block, ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", "") or str(block.error or "")
            reason = reason.strip().rstrip(".") or "the entry could not be read"
            unclosed = bibcheck.unclosed_entry(text, block.raw or "", line, reason)
            if unclosed:
                diags.error(path, line, "B001", f"BibTeX syntax error: {unclosed}",
                            "every { needs its }: look for a value not closed before its comma")
            else:
                diags.error(path, line, "B001", f"BibTeX syntax error: {reason}",
                            "check the braces and the commas between fields")
    # Decoded with pylatexenc (bibtexparser's middleware), never by string replacement.
    decoded = LatexDecodingMiddleware(allow_inplace_modification=False).transform(library)
    raw_entries = [
        bibcheck.RawEntry(
            key=entry.key,
            entry_type=entry.entry_type.lower(),
            raw={f.key.lower(): str(f.value) for f in entry.fields},
            decoded={f.key.lower(): str(f.value) for f in plain.fields},
            line=(entry.start_line or 0) + 1,
            field_lines={f.key.lower(): (f.start_line or entry.start_line or 0) + 1
                         for f in entry.fields},
        )
        for entry, plain in zip(library.entries, decoded.entries, strict=True)
    ]
    bibcheck.check(path, raw_entries, diags)
    entries = {
        entry.key: BibEntry(key=entry.key, entry_type=entry.entry_type, fields=entry.raw,
                            line=entry.line, decoded=entry.decoded,
                            field_lines=entry.field_lines)
        for entry in raw_entries
    }
    for entry in entries.values():
        if not entry.decoded.get("title", "").strip():
            diags.error(path, entry.line, "B005", f"bibliography entry '{entry.key}' has no title",
                        "add title = {...}; citations print it")
    return entries


def cited_keys(markdown: str) -> list[str]:
    """Citation keys used in Pandoc Markdown ([@key], @key, [-@key]), in order of use."""
    return [match.group(1).rstrip(".:") for match in CITATION_KEY.finditer(markdown)]
