"""`build.py import-annotations FILE`: annotations from Hypothesis or W3C JSON-LD into the book.

Each annotation goes to the source whose web address it targets (`url:` in the source's front
matter, else the `url` of its `cite` entry; or the web edition's `<source-id>.html`), and is
anchored in the source's text exactly as the build anchors it before anything is written.
Replies, page notes, empty annotations and quotes the excerpt does not hold are reported, not
imported. Entries the importer wrote carry `origin:`; a second import updates those (same
id) and never touches an annotation the editor wrote by hand.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readerkit.atomic import write_atomically
from readerkit.diagnostics import Diagnostics
from readerkit.load.bibtex import cited_keys
from readerkit.model import Project
from readerkit.pipeline import load_checked
from readerkit.render.anchoring import closest_passage
from readerkit.tools import annotations_yaml, webanno
from readerkit.tools.annotation_addresses import route, source_addresses
from readerkit.tools.annotation_text import SourceText, best_match, render

MAX_IMPORT_BYTES = 20_000_000  # a Hypothesis group's whole export is a few MB


@dataclass
class FileChange:
    path: Path
    old: str
    new: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    diagnostics: Diagnostics
    changes: list[FileChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # ids already as the file has them
    written: list[Path] = field(default_factory=list)


def _read_json(path: Path, diags: Diagnostics) -> tuple[str, Any] | None:
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            diags.error(path, 0, "X004", f"file is {size:,} bytes; the limit is "
                        f"{MAX_IMPORT_BYTES:,}",
                        "export fewer annotations at a time (e.g. one page or one group)")
            return None
        data = path.read_bytes()
    except OSError as error:
        diags.error(path, 0, "F004", f"cannot read file: {error.strerror}")
        return None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        diags.error(path, data[: error.start].count(b"\n") + 1, "X001",
                    f"not JSON: the file is not UTF-8 text (byte 0x{data[error.start]:02x})",
                    "give the file the annotation tool exported, unchanged")
        return None
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as error:
        diags.error(path, error.lineno, "X001", f"not JSON: {error.msg}",
                    "give the file the annotation tool exported, unchanged",
                    column=error.colno)
    except RecursionError:
        diags.error(path, 1, "X001", "not JSON: nested too deeply to read")
    return None


def _values(record: webanno.Incoming, quote: str, context: tuple[str, str]) -> dict[str, Any]:
    return {"id": record.id, "quote": quote, "prefix": context[0], "suffix": context[1],
            "kind": "" if record.kind == "context" else record.kind,
            "audience": "" if record.audience == "all" else record.audience,
            "tags": record.other_tags, "note": record.note.strip(), "by": record.by,
            "created": record.created, "origin": record.origin}


def _anchor(record: webanno.Incoming, candidates: list[str], texts: dict[str, SourceText],
            path: Path, diags: Diagnostics) -> tuple[str, dict[str, Any]] | None:
    """(source id, the entry's values) once the quote anchors in exactly one place."""
    what = f"annotation {record.id} on {record.targets[0] if record.targets else '?'}"
    found = {sid: texts[sid].matches(record.exact) for sid in candidates}
    holding = [sid for sid, matches in found.items() if matches]
    if not holding:
        near = next((n for n in (closest_passage(texts[s].folded, record.exact)
                                 for s in candidates) if n), "")
        diags.warning(path, record.line, "X005",
                      f"{what}: quote not in {' or '.join(candidates)}, not imported: "
                      f"\"{record.exact}\"",
                      f'closest passage: "{near}"' if near else
                      "the editor cut this passage, or the page changed since it was annotated")
        return None
    chosen = best_match([(texts[sid], m) for sid in holding for m in found[sid]],
                        record.prefix, record.suffix)
    if chosen is None and len(holding) > 1:
        diags.warning(path, record.line, "X008",
                      f"{what}: quote occurs in {', '.join(holding)}; not imported",
                      "import with --source ID to say which source it annotates")
        return None
    if chosen is None:
        diags.warning(path, record.line, "X008",
                      f"{what}: quote occurs {len(found[holding[0]])} times in {holding[0]} "
                      "and its prefix/suffix do not say which; not imported",
                      "add it by hand with a 'prefix' or 'suffix' that settles it")
        return None
    text, match = chosen
    if text.block_of(match) is None:
        diags.warning(path, record.line, "X009",
                      f"{what}: quote runs across two paragraphs of {text.source_id}; "
                      "not imported",
                      "annotations mark a passage inside one paragraph")
        return None
    context = text.settling_context(record.exact, match)
    if context is None:
        diags.warning(path, record.line, "X008",
                      f"{what}: quote occurs {len(found[text.source_id])} times in "
                      f"{text.source_id} in the same words; not imported", "add it by hand")
        return None
    return text.source_id, _values(record, " ".join(record.exact.split()), context)


def _wanted(records: list[webanno.Incoming], bibliography: Collection[str], path: Path,
            diags: Diagnostics) -> list[webanno.Incoming]:
    """Notes on passages the book can print; replies, page notes, empty annotations and
    notes citing works the bibliography lacks (the build would stop on them) are reported."""
    kept = []
    for record in records:
        target = record.targets[0] if record.targets else "?"
        unknown = [key for key in cited_keys(record.note) if key not in bibliography]
        if record.reply_to:
            diags.warning(path, record.line, "X006",
                          f"{record.id} is a reply to {record.reply_to}, not a note; not imported")
        elif not record.exact:
            diags.warning(path, record.line, "X007",
                          f"{record.id} on {target} is a page note (it marks no passage); "
                          "not imported")
        elif not record.note.strip():
            diags.warning(path, record.line, "X007",
                          f"{record.id} on {target} has no text (a highlight); not imported")
        elif unknown:
            diags.warning(path, record.line, "X011",
                          f"{record.id} on {target}: its note cites '{unknown[0]}', which is "
                          "not in bibliography.bib; not imported",
                          "add the entry to bibliography.bib, or write \\@ for an @ that is "
                          "not a citation, and import again")
        else:
            kept.append(record)
    return kept


def import_annotations(root: Path, path: Path, *, source: str | None = None,
                       dry_run: bool = False, strict: bool = False,
                       use_cache: bool = True) -> ImportResult:
    """Read `path`, anchor every annotation, and (unless dry_run, or on any error; with
    strict, on any annotation left out too) write."""
    project, _ = load_checked(root, strict=strict)  # its warnings are the build's to report
    diags = Diagnostics(root.resolve())
    result = ImportResult(diags)
    loaded = _read_json(path, diags)
    if loaded is None:
        return result
    text, data = loaded
    try:
        records = webanno.read(data)
    except webanno.NotAnnotations as problem:
        diags.error(path, problem.line, "X002", f"not an annotation format: {problem.message}",
                    "expected a Hypothesis API search result or list of its annotations, or "
                    "W3C Web Annotation JSON-LD (Annotation, AnnotationCollection, "
                    "AnnotationPage)")
        return result
    webanno.locate_lines(text, records)
    partial = webanno.missing_rows(data)
    if partial is not None:  # the API returns 20 rows unless asked for more (at most 200)
        diags.warning(path, 1, "X012",
                      f"the file holds {partial[0]} of the search's {partial[1]} annotations; "
                      "the others are not in it",
                      "fetch the rest (the API's 'limit' goes up to 200; page on with "
                      "'search_after' or 'offset') and import each file")
    if source is not None and source not in project.sources:
        hint = difflib.get_close_matches(source, list(project.sources), n=1)
        diags.error(path, 0, "X003", f"--source '{source}' is not a source of this reader",
                    f"did you mean '{hint[0]}'?" if hint else
                    f"sources: {', '.join(sorted(project.sources))}")
        return result
    addresses = source_addresses(project)
    routed = []
    for record in _wanted(records, project.bibliography, path, diags):
        candidates = route(record.targets, project, addresses, source)
        if not candidates:
            page = f" (on \"{record.title}\")" if record.title else ""
            diags.error(path, record.line, "X003",
                        f"{record.id}{page} targets {', '.join(record.targets) or 'no address'}"
                        ", which is the address of no source of this reader",
                        "add 'url: ADDRESS' to the front matter of the source it annotates, "
                        "or import with --source ID")
        routed.append((record, candidates))
    if diags.has_errors():
        return result
    rendered = render(project, diags, use_cache=use_cache)
    needed = {sid for _, candidates in routed for sid in candidates}
    texts = {sid: SourceText.from_html(sid, rendered.html[f"source:{sid}"]) for sid in needed}
    _plan(project, routed, texts, path, result)
    if not dry_run and not diags.has_errors(strict=strict):
        for change in result.changes:
            write_atomically(change.path, change.new.encode("utf-8"))
            result.written.append(change.path)
    return result


def _plan(project: Project, routed: list[tuple[webanno.Incoming, list[str]]],
          texts: dict[str, SourceText], path: Path, result: ImportResult) -> None:
    diags = result.diagnostics
    existing = {a.id: a for a in project.annotations}
    per_file: dict[str, list[dict[str, Any]]] = {}
    taken: dict[str, int] = {}
    for record, candidates in routed:
        anchored = _anchor(record, candidates, texts, path, diags)
        if anchored is None:
            continue
        source_id, values = anchored
        other = existing.get(record.id)
        where = f"book/annotations/{source_id}.yaml"
        if record.id in taken:
            diags.warning(path, record.line, "X010",
                          f"{record.id} is given twice in this file (also at line "
                          f"{taken[record.id]}); the first is imported")
            continue
        if other is not None and (not other.origin or other.source_id != source_id):
            diags.warning(path, record.line, "X010",
                          f"{record.id}: the id is already used at "
                          f"{diags.relative(other.path)}:{other.line}"
                          + (" by an annotation written by hand" if not other.origin else "")
                          + "; not imported",
                          "the importer never changes annotations written by hand: rename or "
                          "remove that one to import this" if not other.origin else
                          f"it now anchors in {where}: remove the old entry to move it")
            continue
        taken[record.id] = record.line
        per_file.setdefault(source_id, []).append(values)
    for source_id, upserts in per_file.items():
        file = project.root / "book" / "annotations" / f"{source_id}.yaml"
        old = file.read_text(encoding="utf-8") if file.is_file() else ""
        new, added, updated = annotations_yaml.merge(old, upserts)
        if added or updated:
            result.changes.append(FileChange(file, old, new, added, updated))
        result.unchanged += [v["id"] for v in upserts
                             if v["id"] not in added and v["id"] not in updated]


def report(result: ImportResult, *, dry_run: bool) -> list[str]:
    """What changed (or would), file by file; a unified diff of each file on a dry run."""
    lines = []
    verb = ("would add", "would update") if dry_run else ("added", "updated")
    for change in result.changes:
        name = result.diagnostics.relative(change.path)
        said = [f"{verb[0]} {', '.join(change.added)}" if change.added else "",
                f"{verb[1]} {', '.join(change.updated)}" if change.updated else ""]
        lines.append(f"{name}: " + "; ".join(s for s in said if s))
        if dry_run:
            lines += [line.rstrip("\n") for line in difflib.unified_diff(
                change.old.splitlines(True), change.new.splitlines(True),
                f"a/{name}", f"b/{name}")]
    if result.unchanged:
        lines.append(f"already up to date: {', '.join(result.unchanged)}")
    added = sum(len(change.added) for change in result.changes)
    updated = sum(len(change.updated) for change in result.changes)
    # Each warning names one annotation left out (X012 speaks of the file as a whole).
    skipped = len([d for d in result.diagnostics.warnings if d.code != "X012"])
    lines.append(f"{'would add' if dry_run else 'added'} {added}, "
                 f"{'would update' if dry_run else 'updated'} {updated}, "
                 f"{len(result.unchanged)} already up to date, {skipped} not imported"
                 + (" (reported above)" if skipped else ""))
    return lines
