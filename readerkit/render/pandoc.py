"""The one place Pandoc is called: Markdown fragments to HTML, in cached batches run side by side.

Each fragment is a fenced div with a private id in a batch document; the output is cut back
into fragments. Pandoc's own footnotes (from the text or from citations, which Chicago notes
style turns into footnotes) come back as notes with stable ids chosen by the caller.

Why several batches. One document for the whole book meant that editing one annotation's note
re-ran Pandoc over every source, and that the book's Markdown was converted on one core. But a
document is more than its fragments: a citation in a notes style depends on every earlier
citation and on the note number of each (citeproc's "ibid" position holds only between
adjacent notes). So:
- Every fragment that citeproc could touch or that could move a citation's note number (one
  holding "@", a footnote, a csl-/refs class or id, a metadata block) goes, in book order, into
  ONE citeproc batch, which also carries `nocite: '@*'` and the #refs bibliography, and runs
  even when nothing cites. Each note (annotation, glossary, timeline) converted elsewhere was a
  footnote of the one document: a one-note stand-in keeps its place, so every citation keeps
  its note number.
- The other fragments come out the same without citeproc, and go in one batch per origin (a
  source, an annotation file, the glossary...: `Fragment.group`), small ones merged by family:
  an edit re-runs only its own batch. Batches are cached one by one (`_run_cached`) and run
  concurrently.
- What else one document shares across fragments is restored or ruled out: heading ids are
  unique across the book, so they are renumbered in book order as Pandoc would have; a book
  using reference-link definitions, implicit header references or ids that clash with ours is
  converted as one document (`_shared_markdown`), as is one whose heading ids cannot be
  reproduced. Either way the result is that of a single document, to the byte.
"""

from __future__ import annotations

import contextvars
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc
from lxml import html as lxml_html
from lxml.etree import _Element

from readerkit import cache as build_cache
from readerkit.htmltools import inner_html
from readerkit.model import slugify
from readerkit.render import citeproc_memory
from readerkit.render.pandoc_headings import HEADINGS, heading_keys, labels, unique_identifiers
from readerkit.render.pandoc_output import Output, footnote_body, note_items, note_refs, parse

# implicit_figures off: render/images.py makes every figure itself (with its own checks).
READER = "markdown-raw_html-raw_attribute-raw_tex-implicit_figures"
FILTER = Path(__file__).with_name("filters") / "safe.lua"
FOOTNOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")
FENCE = ":" * 24
TIMEOUT_SECONDS = 300
# A Pandoc process costs about 20 ms before it reads a line; 64 KB of Markdown take ~0.15 s.
MIN_BATCH_CHARS = 64_000  # smaller batches take in the next group of their family
CITEPROC_KIND = "pandoc"  # the cache kind of the citeproc batch (and of a one-document run)
# What citeproc reads or rewrites, or what numbers notes: citations (and example lists), note
# references (footnotes, inline notes), csl-note/csl-quoted spans and #refs divs, entities in
# attributes (which could spell those), metadata blocks (nocite, suppress-bibliography...).
CITEPROC_MARKS = re.compile(r"@|\[\^|\^\[|csl|refs", re.IGNORECASE)
METADATA_BLOCK = re.compile(r"^[ \t>]*---[ \t]*\r?\n[ \t>]*\S", re.MULTILINE)
SHARED_MARKS = ("frag-", "reset-citation-positions")  # our div ids; citeproc's sections
# Where a reference-link definition ("[label]: url") can start: a "[" first on its line, after
# any block quote and list markers (inside a footnote or a list item too).
DEFINITION_START = re.compile(r"^(?:[ \t]*(?:>|[-*+]|\d+[.)]|#[.)]|\(@[\w-]*\)))*[ \t]*\[",
                              re.MULTILINE)


@dataclass(frozen=True)
class Fragment:
    key: str  # caller's name for it, unique in a batch
    markdown: str
    note_prefix: str  # ids of footnotes found inside become f"{note_prefix}{n}"
    as_note: bool = False  # render as a footnote body, so citations come out inline
    # Where it comes from, "family:name" (source:ID, annotations:FILE) or a name alone (the
    # book's own texts): fragments without citations are converted in batches by group.
    group: str = ""


@dataclass
class Rendered:
    html: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # note id -> HTML of its body
    bibliography: dict[str, str] = field(default_factory=dict)  # key -> entry HTML
    short_forms: dict[str, str] = field(default_factory=dict)  # key -> subsequent-note form
    warnings: list[str] = field(default_factory=list)


class PandocFailed(Exception):
    pass


def pandoc_path() -> str:
    return str(pypandoc.get_pandoc_path())


def pandoc_version() -> str:
    return str(pypandoc.get_pandoc_version())


def _chunk(index: int, fragment: Fragment) -> str:
    # Footnote labels are global in a Pandoc document: make each fragment's its own.
    text = FOOTNOTE_LABEL.sub(f"[^x{index}-\\1]", fragment.markdown)
    if fragment.as_note:
        body = "\n".join("    " + line if line else "" for line in text.strip().split("\n"))
        return (f"{FENCE} {{#frag-{index}}}\n[^note{index}]\n{FENCE}\n\n"
                f"[^note{index}]: {body.lstrip()}\n")
    return f"{FENCE} {{#frag-{index}}}\n{text.strip()}\n\n{FENCE}\n"


def _stand_ins(indexes: list[int]) -> str:
    """One footnote per note converted in another batch: citations keep their note numbers."""
    calls = " ".join(f"[^s{index}]" for index in indexes)
    return calls + "\n\n" + "\n".join(f"[^s{index}]: ." for index in indexes) + "\n"


def _batch_markdown(chunks: list[str], lang: str, *, cite: bool) -> str:
    nocite = "nocite: '@*'\n" if cite else ""
    parts = [f"---\n{nocite}lang: {lang}\nlink-citations: false\n---\n", *chunks]
    if cite:
        parts.append(f"{FENCE} {{#refs}}\n{FENCE}\n")
    return "\n".join(parts)


@dataclass
class _Batch:
    kind: str  # cache kind: entries of one kind are pruned together, so one kind per batch
    cite: bool
    group: str = ""  # Fragment.group of its first fragment
    members: list[int] = field(default_factory=list)  # indexes of the fragments converted here
    chunks: list[str] = field(default_factory=list)
    sources: list[int | None] = field(default_factory=list)  # each chunk's fragment or None


def _needs_citeproc(fragment: Fragment) -> bool:
    text = fragment.markdown
    return bool(CITEPROC_MARKS.search(text) or METADATA_BLOCK.search(text)
                or ("&" in text and ("{" in text or "<" in text)))


def _plan(fragments: list[Fragment]) -> list[_Batch]:
    """The citeproc batch first, then one batch per group of the other fragments (a fragment
    outside the citeproc batch holds no note call, "[^" or "^[", except the one call of a
    fragment rendered as a note: that one gets a stand-in)."""
    cite = _Batch(CITEPROC_KIND, True)
    groups: dict[str, _Batch] = {}
    elsewhere: list[int] = []  # notes converted in other batches since the last citeproc chunk
    for index, fragment in enumerate(fragments):
        if _needs_citeproc(fragment):
            if elsewhere:
                cite.chunks.append(_stand_ins(elsewhere))
                cite.sources.append(None)
                elsewhere = []
            batch = cite
        else:
            kind = f"{CITEPROC_KIND}-{slugify(fragment.group)[:60]}"
            batch = groups.setdefault(fragment.group, _Batch(kind, False, fragment.group))
            if fragment.as_note:
                elsewhere.append(index)
        batch.members.append(index)
        batch.chunks.append(_chunk(index, fragment))
        batch.sources.append(index)
    # Notes after the last citation number nothing: no stand-ins for them.
    return [cite, *_merged(list(groups.values()))]


def _merged(batches: list[_Batch]) -> list[_Batch]:
    """Small groups merged with the next group of their family (the part of the group before
    ':'; the book's own texts, with no ':', are one family) until a batch holds
    MIN_BATCH_CHARS: starting a Pandoc process costs tens of milliseconds."""
    merged: list[_Batch] = []
    growing: dict[str, _Batch] = {}  # per family, the batch groups are added to
    for batch in batches:
        family = batch.group.partition(":")[0] if ":" in batch.group else ""
        current = growing.get(family)
        if current is not None and sum(map(len, current.chunks)) < MIN_BATCH_CHARS:
            current.members += batch.members
            current.chunks += batch.chunks
            current.sources += batch.sources
        else:
            growing[family] = batch
            merged.append(batch)
    return merged


def _shared_markdown(fragments: list[Fragment]) -> bool:
    """Whether fragments may refer to each other in ways batches would break: reference-link
    definitions (global to a document), implicit header references, our own ids, citeproc's
    sections. Conservative: any doubt means one document."""
    texts = [fragment.markdown for fragment in fragments]
    if any(mark in text for text in texts for mark in SHARED_MARKS):
        return True
    if any(_defines_references(FOOTNOTE_LABEL.sub("", text)) for text in texts):
        return True
    keys = set().union(*(heading_keys(text) for text in texts))
    return any(label in keys for text in texts for label in labels(text))


def _defines_references(text: str) -> bool:
    """Whether the Markdown may hold a reference-link definition: a "[" opening its line whose
    bracket closes right before a ":" (a citation such as "... [@key]: a lesson" in running
    text defines nothing)."""
    for match in DEFINITION_START.finditer(text):
        depth, at = 0, match.end() - 1
        while at < len(text):
            char = text[at]
            if char == "\\":
                at += 1
            elif char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
                if depth == 0:
                    break
            at += 1
        if text.startswith("]:", at):
            return True
    return False


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


def _entry_key(markdown: str, bibliography: Path | None, csl: Path, cwd: Path) -> str:
    """The cache key of one batch: the whole batch (a citeproc batch is one unit: a citation
    depends on every earlier one), the bibliography, the CSL style and the filter, by content."""
    return build_cache.key(
        "pandoc", pandoc_version(), markdown, str(cwd), str(bibliography),
        bibliography.read_bytes() if bibliography is not None else b"",
        csl.read_bytes(), FILTER.read_bytes(),
    )


def _run_cached(markdown: str, bibliography: Path | None, csl: Path, cwd: Path,
                kind: str = CITEPROC_KIND) -> tuple[str, str]:
    """_run, through the build cache when one is active (keyed by _entry_key)."""
    store = build_cache.active()
    if store is None:
        return _run(markdown, bibliography, csl, cwd)
    entry = _entry_key(markdown, bibliography, csl, cwd)
    found = store.get_object(kind, entry)
    if isinstance(found, tuple) and len(found) == 2:
        return found
    result = _run(markdown, bibliography, csl, cwd)
    store.put_object(kind, entry, result)
    return result


def convert(markdown: str, *, bibliography: Path | None, csl: Path, cwd: Path,
            kind: str) -> str:
    """One whole Markdown document to HTML (sandboxed, cached under `kind`), for callers that
    build a document of their own (citations.short_forms)."""
    return _run_cached(markdown, bibliography, csl, cwd, kind)[0]


def _run_all(batches: list[tuple[str, Path | None, str]], csl: Path,
             cwd: Path) -> list[tuple[str, str]]:
    """(markdown, bibliography, kind) each through _run_cached, at most one per CPU at a time,
    longest first; results in the order given."""
    if not batches:
        return []
    order = sorted(range(len(batches)), key=lambda number: -len(batches[number][0]))
    with ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, len(batches))) as pool:
        # Each task runs in a copy of this context, so it sees this build's cache.
        futures = {number: pool.submit(contextvars.copy_context().run, _run_cached,
                                       batches[number][0], batches[number][1], csl, cwd,
                                       batches[number][2]) for number in order}
        return [futures[number].result() for number in range(len(batches))]


def _headings(index: int, fragment: Fragment, out: Output) -> list[_Element] | None:
    """The fragment's headings in the order Pandoc read them (None: order unknown)."""
    div = out.divs.get(f"frag-{index}")
    if div is None:
        return []  # reported by _extract
    items = [item for item in note_items(div, out) if item is not None]
    if fragment.as_note:
        return [heading for item in items[:1] for heading in item.iter(*HEADINGS)]
    if any(True for item in items for _ in item.iter(*HEADINGS)):
        return None  # read where its note is defined, wherever that is: left to one document
    return list(div.iter(*HEADINGS))


def _extract(index: int, fragment: Fragment, out: Output, rendered: Rendered) -> None:
    div = out.divs.get(f"frag-{index}")
    if div is None:
        raise PandocFailed(f"fragment {fragment.key} went missing in Pandoc's output")
    if fragment.as_note:
        items = note_items(div, out)
        body = items[0] if items else None
        rendered.html[fragment.key] = footnote_body(body) if body is not None else ""
        return
    for number, (ref, item) in enumerate(note_refs(div, out), 1):
        note_id = f"{fragment.note_prefix}{number}"
        rendered.notes[note_id] = footnote_body(item) if item is not None else ""
        placeholder = lxml_html.Element("a", {"class": "noteref", "data-note": note_id})
        placeholder.tail = ref.tail
        ref.getparent().replace(ref, placeholder)
    # A citation span that only held a footnote ref is now an empty wrapper: unwrap it.
    for span in div.xpath('.//span[contains(@class, "citation")]'):
        span.drop_tag()
    rendered.html[fragment.key] = inner_html(div).strip()


def _collect(fragments: list[Fragment], outputs: list[Output], where: list[int]) -> Rendered:
    """Rendered from the outputs; where[i] = the output holding fragment i; outputs[0] is the
    citeproc run's (bibliography)."""
    rendered = Rendered(warnings=[line for out in outputs for line in out.warnings])
    for index, fragment in enumerate(fragments):  # in book order, as one document gave them
        _extract(index, fragment, outputs[where[index]], rendered)
    for entry in outputs[0].refs:
        rendered.bibliography[entry.get("id")[4:]] = inner_html(entry).strip()
    return rendered


def _run_key(batch: _Batch, fragments: list[Fragment], bibliography: Path | None, csl: Path,
             cwd: Path) -> str:
    """Runs of the same fragments (by key, stand-ins included), bibliography and style."""
    keys = [fragments[index].key if index is not None else "" for index in batch.sources]
    return _entry_key("\0".join(keys), bibliography, csl, cwd)


def _spliced_citeproc(batch: _Batch, fragments: list[Fragment],
                      job: tuple[str, Path | None, str], csl: Path, cwd: Path,
                      lang: str) -> Output | None:
    """The citeproc batch's output made from the last run's, when only the prose of a few
    notes changed (render/citeproc_memory.py); None: run citeproc."""
    markdown, bibliography, kind = job
    store = build_cache.active()
    if store is not None and store.get(kind, _entry_key(markdown, bibliography, csl, cwd)):
        return None  # the cache has the real thing
    last = citeproc_memory.last_run(_run_key(batch, fragments, bibliography, csl, cwd))
    if last is None:
        return None
    edits = citeproc_memory.prose_edits(last, batch.chunks, [
        fragments[index] if index is not None else None for index in batch.sources])
    if not edits:
        return None
    pieces = citeproc_memory.old_and_new(edits)
    plain = parse(*_run(_batch_markdown([_chunk(index, fragment) for index, fragment
                                         in enumerate(pieces)], lang, cite=False),
                        None, csl, cwd))
    return citeproc_memory.spliced(last, edits, plain)


def _render_batches(fragments: list[Fragment], *, bibliography: Path | None, csl: Path,
                    cwd: Path, lang: str) -> Rendered | None:
    """The fragments through batches; None if the result could differ from one document's."""
    batches = _plan(fragments)
    jobs = [(_batch_markdown(batch.chunks, lang, cite=batch.cite),
             bibliography if batch.cite else None, batch.kind) for batch in batches]
    citing = bibliography is not None  # else no batch runs citeproc: nothing to remember
    spliced = None
    if citing and citeproc_memory.provisional_allowed():
        spliced = _spliced_citeproc(batches[0], fragments, jobs[0], csl, cwd, lang)
    if spliced is not None:
        outputs = [spliced, *(parse(*result) for result in _run_all(jobs[1:], csl, cwd))]
    else:
        store = build_cache.active()
        missed = len(store.misses) if store is not None else 0
        results = _run_all(jobs, csl, cwd)
        if citing:
            ran = store is None or CITEPROC_KIND in store.misses[missed:]
            citeproc_memory.remember(
                _run_key(batches[0], fragments, bibliography, csl, cwd), batches[0].chunks,
                {fragments[index].key: (index, fragments[index])
                 for index in batches[0].members}, results[0], ran=ran)
        outputs = [parse(*result) for result in results]
    where = [0] * len(fragments)
    for number, batch in enumerate(batches):
        for index in batch.members:
            where[index] = number
    found = [_headings(i, f, outputs[where[i]]) for i, f in enumerate(fragments)]
    headings = [h for h in found if h is not None]  # aligned with fragments unless one is None
    if len(headings) < len(found) or not unique_identifiers(
        [[(h, fragments[i].markdown) for i in batch.members for h in headings[i]]
         for batch in batches],
        [(h, fragment.markdown) for i, fragment in enumerate(fragments) for h in headings[i]],
    ):
        return None
    return _collect(fragments, outputs, where)


def render(
    fragments: list[Fragment], *, bibliography: Path | None, csl: Path, cwd: Path, lang: str
) -> Rendered:
    if not _shared_markdown(fragments):
        rendered = _render_batches(fragments, bibliography=bibliography, csl=csl, cwd=cwd,
                                   lang=lang)
        if rendered is not None:
            return rendered
    return render_one_document(fragments, bibliography=bibliography, csl=csl, cwd=cwd,
                               lang=lang)


def render_one_document(
    fragments: list[Fragment], *, bibliography: Path | None, csl: Path, cwd: Path, lang: str
) -> Rendered:
    """Every fragment in one Pandoc document: what render() must give, and its fallback."""
    chunks = [_chunk(index, fragment) for index, fragment in enumerate(fragments)]
    out = parse(*_run_cached(_batch_markdown(chunks, lang, cite=True), bibliography, csl, cwd))
    return _collect(fragments, [out], [0] * len(fragments))
