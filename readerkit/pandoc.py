"""The one place Pandoc is called: Markdown fragments to HTML, with citeproc, in one batch.

All fragments of a book go through a single Pandoc run (Pandoc's start-up and citeproc's
style loading dominate the cost of small conversions). Each fragment is a fenced div with a
private id; the output is cut back into fragments. Pandoc's own footnotes (from the source
text or from citations, which Chicago notes style turns into footnotes) come back as notes
with stable ids chosen by the caller.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc
from lxml import html as lxml_html
from lxml.etree import _Element

from . import cache as build_cache
from .htmltools import inner_html

READER = "markdown-raw_html-raw_attribute-raw_tex"
FILTER = Path(__file__).with_name("filters") / "safe.lua"
FOOTNOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")
FENCE = ":" * 24
TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Fragment:
    key: str  # caller's name for it, unique in a batch
    markdown: str
    note_prefix: str  # ids of footnotes found inside become f"{note_prefix}{n}"
    as_note: bool = False  # render as a footnote body, so citations come out inline


@dataclass
class Rendered:
    html: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # note id -> HTML of its body
    bibliography: dict[str, str] = field(default_factory=dict)  # key -> entry HTML
    warnings: list[str] = field(default_factory=list)


class PandocFailed(Exception):
    pass


def pandoc_path() -> str:
    return str(pypandoc.get_pandoc_path())


def pandoc_version() -> str:
    return str(pypandoc.get_pandoc_version())


def _batch_markdown(fragments: list[Fragment], lang: str) -> str:
    parts = [f"---\nnocite: '@*'\nlang: {lang}\nlink-citations: false\n---\n"]
    for index, fragment in enumerate(fragments):
        # Footnote labels are global in a Pandoc document: make each fragment's its own.
        text = FOOTNOTE_LABEL.sub(f"[^x{index}-\\1]", fragment.markdown)
        if fragment.as_note:
            body = "\n".join("    " + line if line else "" for line in text.strip().split("\n"))
            parts.append(f"{FENCE} {{#frag-{index}}}\n[^note{index}]\n{FENCE}\n\n"
                         f"[^note{index}]: {body.lstrip()}\n")
        else:
            parts.append(f"{FENCE} {{#frag-{index}}}\n{text.strip()}\n\n{FENCE}\n")
    parts.append(f"{FENCE} {{#refs}}\n{FENCE}\n")
    return "\n".join(parts)


def _run(markdown: str, bibliography: Path | None, csl: Path, cwd: Path) -> tuple[str, str]:
    args = [pandoc_path(), "--sandbox", "--from", READER, "--to", "html5",
            "--wrap=none", "--lua-filter", str(FILTER)]
    if bibliography is not None:
        args += ["--citeproc", "--csl", str(csl), "--bibliography", str(bibliography)]
    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "HOME": str(cwd)}
    try:
        done = subprocess.run(
            args, input=markdown.encode(), capture_output=True, cwd=cwd, env=env,
            timeout=TIMEOUT_SECONDS, check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise PandocFailed(f"Pandoc took longer than {TIMEOUT_SECONDS} s") from error
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        raise PandocFailed(stderr.strip() or f"Pandoc exited with {done.returncode}")
    return done.stdout.decode("utf-8"), stderr


def _run_cached(markdown: str, bibliography: Path | None, csl: Path, cwd: Path) -> tuple[str, str]:
    """_run, through the build cache when one is active: keyed on the whole batch (citations
    in Chicago notes style depend on everything before them, so fragments are not independent),
    the bibliography, the CSL style and the filter, by content."""
    store = build_cache.active()
    if store is None:
        return _run(markdown, bibliography, csl, cwd)
    entry = build_cache.key(
        "pandoc", pandoc_version(), markdown, str(cwd), str(bibliography),
        bibliography.read_bytes() if bibliography is not None else b"",
        csl.read_bytes(), FILTER.read_bytes(),
    )
    found = store.get_object("pandoc", entry)
    if isinstance(found, tuple) and len(found) == 2:
        return found
    result = _run(markdown, bibliography, csl, cwd)
    store.put_object("pandoc", entry, result)
    return result


def _footnote_body(item: _Element) -> str:
    for back in item.xpath('.//a[contains(@class, "footnote-back")]'):
        back.drop_tree()
    return inner_html(item).strip()


def render(
    fragments: list[Fragment], *, bibliography: Path | None, csl: Path, cwd: Path, lang: str
) -> Rendered:
    markdown = _batch_markdown(fragments, lang)
    output, stderr = _run_cached(markdown, bibliography, csl, cwd)
    tree = lxml_html.fragment_fromstring(output, create_parent="div")
    footnotes = {item.get("id"): item for item in tree.xpath('//section[@id="footnotes"]//li')}
    rendered = Rendered(warnings=[line for line in stderr.splitlines() if line.strip()])
    for index, fragment in enumerate(fragments):
        found = tree.xpath(f'//div[@id="frag-{index}"]')
        if not found:
            raise PandocFailed(f"fragment {fragment.key} went missing in Pandoc's output")
        div = found[0]
        if fragment.as_note:
            ref = div.xpath('.//a[contains(@class, "footnote-ref")]')
            body = footnotes.get(ref[0].get("href", "")[1:]) if ref else None
            rendered.html[fragment.key] = _footnote_body(body) if body is not None else ""
            continue
        for number, ref in enumerate(div.xpath('.//a[contains(@class, "footnote-ref")]'), 1):
            note_id = f"{fragment.note_prefix}{number}"
            item = footnotes.get(ref.get("href", "")[1:])
            rendered.notes[note_id] = _footnote_body(item) if item is not None else ""
            placeholder = lxml_html.Element("a", {"class": "noteref", "data-note": note_id})
            placeholder.tail = ref.tail
            ref.getparent().replace(ref, placeholder)
        # A citation span that only held a footnote ref is now an empty wrapper: unwrap it.
        for span in div.xpath('.//span[contains(@class, "citation")]'):
            span.drop_tag()
        rendered.html[fragment.key] = inner_html(div).strip()
    for entry in tree.xpath('//div[@id="refs"]/div[starts-with(@id, "ref-")]'):
        rendered.bibliography[entry.get("id")[4:]] = inner_html(entry).strip()
    return rendered
