"""Excerpts are quotations: every passage must stand verbatim in the capture it names.

An editor may cut (marking the cut with an ellipsis) and insert bracketed words, never reword.
The comparison forgives only the cleaner's own normalisations (ligatures, quotes, dashes,
white space); see check/provenance.py.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import PurePosixPath, PureWindowsPath

from lxml import html as lxml_html

from readerkit import memo
from readerkit.check.provenance import Mismatch, verify_excerpt
from readerkit.diagnostics import Diagnostics
from readerkit.load.files import inside, read_text
from readerkit.model import Project

MAX_SHOWN = 160
HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                        re.IGNORECASE | re.DOTALL)


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1].rstrip() + "…"


def _mismatches(body: str, capture: str) -> list[Mismatch]:
    if HTML_START.match(capture[:4096]):  # a saved web page: compared with its words
        tree = lxml_html.document_fromstring(capture)
        for hidden in tree.xpath("//script | //style | //noscript | //template"):
            hidden.drop_tree()
        capture = "\n".join(tree.itertext())
    return verify_excerpt(body, capture)


def check_excerpts(project: Project, diags: Diagnostics) -> None:
    sources_dir = project.root / "sources"
    for source in project.sources.values():
        if not source.captured_from:
            continue
        line = source.line_of.get("captured_from", 1)
        named = PurePosixPath(source.captured_from.replace("\\", "/"))
        if named.is_absolute() or PureWindowsPath(source.captured_from).drive:
            diags.error(source.path, line, "Q003",
                        f"captured_from is an absolute path ('{source.captured_from}'): the "
                        "project would break when it is moved or shared",
                        f"move the capture into sources/raw/ and write captured_from: "
                        f"raw/{named.name}")
            continue
        capture_path = sources_dir / source.captured_from
        if ".." in named.parts or not inside(sources_dir, capture_path):
            diags.error(source.path, line, "Q003",
                        f"captured_from '{source.captured_from}' leads outside sources/",
                        f"move the capture into sources/raw/ and write captured_from: "
                        f"raw/{named.name}")
            continue
        if not capture_path.is_file():
            diags.error(
                source.path,
                line,
                "Q002",
                f"captured_from names '{source.captured_from}', which is not a file under sources/",
                "give the path relative to sources/, e.g. raw/page.txt",
            )
            continue
        capture = read_text(project.root, capture_path, diags)
        if capture is None:
            continue
        # Checked once per process for each pair of texts (readerkit/memo.py).
        mismatches = memo.remembered("verbatim", (source.body, capture),
                                     partial(_mismatches, source.body, capture))
        for mismatch in mismatches:
            hint = (
                f'the capture reads: "{_shorten(mismatch.closest)}"'
                if mismatch.closest
                else "no similar wording found in the capture"
            )
            diags.error(
                source.path,
                source.body_line + mismatch.line - 1,
                "Q001",
                f"passage is not verbatim in {source.captured_from}: "
                f'"{_shorten(mismatch.passage)}"',
                hint,
            )
