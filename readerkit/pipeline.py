"""build(targets): load -> check -> render -> formats, each stage once for all targets.

Every content file is loaded (load/) and every rule run (check/) before anything is written; a
stage that found errors stops the build with all of them (BuildAborted), and the last good
outputs stay. The book is rendered once (render/ -> readerkit.document.BookDoc); the print
layout (formats/print/) runs once if any target needs its page map; then each target's format
(formats/registry.py) writes its file, and only then is anything written (atomic.py).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readerkit.atomic import write_atomically
from readerkit.cache import Cache, activated, file_digest, key, tree_digest
from readerkit.check import quotations, rules
from readerkit.diagnostics import BuildAborted, Diagnostics
from readerkit.document import BookDoc
from readerkit.htmltools import parse_fragment, text_of
from readerkit.load import bibcheck
from readerkit.load.project import load_project
from readerkit.model import Project
from readerkit.render import assemble, fragments
from readerkit.render.pandoc import PandocFailed

if TYPE_CHECKING:  # the print edition imports WeasyPrint (slow): only when something is built
    from readerkit.formats.base import Format, PageMap
    from readerkit.formats.print.paginate import Memo, Paginator, PrintLayout

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    """One output to build: a format by its name in formats/registry.py."""

    format: str

    @property
    def name(self) -> str:
        return self.format


ALL_TARGETS = (Target("pdf"), Target("epub"))


@dataclass
class WatchSession:
    """What watch mode keeps between builds: laid-out print pages in memory (so the PDF too is
    laid out again only where the book changed). A build given a session writes each output
    as soon as it is ready, the formats that need no print pages first."""

    memo: Memo = field(default_factory=dict)


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    outputs: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    up_to_date: bool = False  # nothing changed since the last build: nothing was done
    cache_hits: list[str] = field(default_factory=list)
    laid_out: list[str] = field(default_factory=list)  # layout units laid out afresh
    units: int = 0  # layout units in the book
    page_map: PageMap | None = None  # the print pages the outputs were made with


def _input_digest(root: Path) -> str:
    """Every file a build reads from the project (the engine is in every cache key)."""
    root = root.resolve()
    tops = [root / "book", root / "sources", root / "bibliography.bib", root / "styles"]
    return tree_digest([top for top in tops if top.exists()], root)


def _layout_digest(project: Project, others: list[Format]) -> str:
    """Files the print layout may read besides its HTML: the styles that no other format owns
    (Format.own_styles), and book images."""
    styles = project.styles_dir
    owned = tuple(prefix for fmt in others for prefix in fmt.own_styles)
    files = [p for p in sorted(styles.rglob("*")) if p.is_file() and not
             p.relative_to(styles).as_posix().startswith(owned)] if styles.is_dir() else []
    book_dir = project.root / "book"
    if book_dir.is_dir():
        files += [p for p in sorted(book_dir.rglob("*"))
                  if p.is_file() and p.suffix not in (".md", ".yaml", ".yml")]
    return tree_digest(files, project.root)


def _state_key(out: Path, targets: Sequence[Target], options: dict[str, Any]) -> str:
    return key("state", str(out), ",".join(sorted(t.name for t in targets)),
               repr(sorted(options.items())),
               os.environ.get("SOURCE_DATE_EPOCH", ""))


def _up_to_date(store: Cache, state_key: str, inputs: str) -> dict[str, Any] | None:
    record = store.get_object("state", state_key)
    if not isinstance(record, dict) or record.get("inputs") != inputs:
        return None
    for name, digest in record.get("outputs", {}).items():
        path = Path(name)
        if not path.is_file() or file_digest(path) != digest:
            return None
    return record


def _stop_on_errors(diags: Diagnostics, strict: bool) -> None:
    if diags.has_errors(strict=strict):
        raise BuildAborted(diags)


def load_checked(root: Path, *, strict: bool = False) -> tuple[Project, Diagnostics]:
    diags = Diagnostics(root.resolve())
    project = load_project(root, diags)
    rules.run(project, diags)
    quotations.check_excerpts(project, diags)
    _stop_on_errors(diags, strict)
    return project, diags


def assemble_book(project: Project, diags: Diagnostics) -> BookDoc:
    try:
        rendered = fragments.render_fragments(project)
    except PandocFailed as error:
        located = bibcheck.pandoc_bib_error(str(error))
        if located is None:
            diags.error(project.book.path, 0, "P001", f"Pandoc failed: {error}")
        else:  # the .bib's own mistake, at its own line
            line, column, reason = located
            diags.error(project.bibliography_path, line, "B001",
                        f"BibTeX syntax error: {reason}",
                        "check the braces and the commas between fields", column=column)
        raise BuildAborted(diags) from None
    bibcheck.check_title_case(project.bibliography_path, project.bibliography,
                              {key: text_of(parse_fragment(entry))
                               for key, entry in rendered.bibliography.items()}, diags)
    book = assemble.assemble(project, rendered, diags)
    for item in book.glossary:
        if not item.uses:
            entry = item.entry
            diags.warning(entry.path, entry.line, "W002",
                          f"glossary term '{entry.term}' is never used in any source",
                          "add the form the sources use to its 'aliases'")
    return book


def build(
    root: Path,
    targets: Sequence[Target] = ALL_TARGETS,
    *,
    out_dir: Path | None = None,
    strict: bool = False,
    page_size: str | None = None,
    print_shop: bool = False,
    progress: Progress = lambda message: None,
    use_cache: bool = True,
    watch: WatchSession | None = None,
    pages_from: PageMap | None = None,
) -> BuildResult:
    """Build the targets; with no targets, only load, check and render (`build.py check`).
    With use_cache, work whose inputs are unchanged is reused from ROOT/.cache/readerkit and a
    build with nothing changed does nothing (result.up_to_date). Nothing is written until every
    output is complete, except in watch mode (see WatchSession). `pages_from`: an earlier
    build's print page map, used as it is instead of laying out the print edition (the live
    preview's first, fast pass; only for targets that need no print pages)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[name] = now - started
        started = now

    store = Cache.for_project(root, enabled=use_cache and bool(targets))
    out = (out_dir or root / "dist").resolve()
    # Every option that changes an output belongs here: it is part of the no-op record's key.
    options: dict[str, Any] = {"strict": strict, "page_size": page_size,
                               "print_shop": print_shop}
    state_key = _state_key(out, targets, options)
    inputs = ""
    if store.enabled:
        inputs = _input_digest(root)
        record = _up_to_date(store, state_key, inputs)
        if record is not None:
            lap("up-to-date check")
            diags = record.get("diagnostics")
            return BuildResult(diags if isinstance(diags, Diagnostics) else
                               Diagnostics(root.resolve()), timings=timings, up_to_date=True,
                               page_map=record.get("page_map"))
    with activated(store if store.enabled else None):
        progress("loading and checking")
        project, diags = load_checked(root, strict=strict)
        lap("load+check")
        progress(f"converting with Pandoc ({len(project.sources)} sources)")
        book = assemble_book(project, diags)
        _stop_on_errors(diags, strict)
        lap("assemble")
    result = BuildResult(diags, timings=timings)
    if not targets:
        return result
    finished = _write_formats(book, targets, out, result, store, lap, progress, watch,
                              page_size=page_size or project.book.page_size,
                              print_shop=print_shop, pages_from=pages_from)
    # Only now, with every output complete in memory, is anything written (but see watch).
    for path, data in finished.items():
        if path not in result.outputs:
            write_unless_same(path, data)
            result.outputs.append(path)
    prune_folders(out, finished)
    lap("write")
    result.cache_hits = sorted(set(store.hits))
    if store.enabled and pages_from is None:  # outputs made with old page numbers: no record
        store.put_object("state", state_key, {
            "inputs": inputs, "diagnostics": diags, "page_map": result.page_map,
            "outputs": {str(path): hashlib.sha256(data).hexdigest()
                        for path, data in finished.items()},
        })
    return result


def _write_formats(book: BookDoc, targets: Sequence[Target], out: Path, result: BuildResult,
                   store: Cache, lap: Callable[[str], None], progress: Progress,
                   watch: WatchSession | None, *, page_size: str, print_shop: bool,
                   pages_from: PageMap | None = None) -> dict[Path, bytes]:
    """Every target's file, in memory: the formats that need no print pages first, then the
    print layout's own (the PDF), each cached whole keyed on the print HTML and layout."""
    from readerkit.formats import registry  # the formats import WeasyPrint: only now
    from readerkit.formats.print import html as print_html
    from readerkit.formats.print import paginate

    project = book.project
    formats = [registry.get(target.format) for target in targets]
    if pages_from is not None and not any(fmt.needs_print_pages for fmt in formats):
        finished: dict[Path, bytes] = {}
        for fmt in formats:
            written = fmt.write(book, pages_from if fmt.needs_page_map else None)
            finished.update({out / name: data for name, data in written.items()})
            lap(fmt.name)
        result.page_map = pages_from
        return finished
    ordered = sorted(formats, key=lambda fmt: fmt.needs_print_pages)
    others = [registry.get(name) for name in registry.names()]
    html_text = print_html.print_html(book)
    paginator = paginate.Paginator(
        project, html_text, page_size=page_size, print_shop=print_shop, store=store,
        style_digest=_layout_digest(project, [f for f in others if not f.needs_print_pages]),
        memo=watch.memo if watch is not None else None, progress=progress)
    # What needs the print pages is cached whole, keyed on every unit's HTML and the options.
    cache_keys = {fmt.name: key(fmt.name, paginator.style_key, html_text,
                                project.book.identifier)
                  for fmt in formats if fmt.needs_print_pages}
    cached = {name: _cached_files(store, name, cache_key)
              for name, cache_key in cache_keys.items()}
    need_pages = any(data is None for data in cached.values())
    progress(f"laying out the print edition ({len(paginator.units)} units)")
    # Watch mode wants the others first: their page numbers need no WeasyPrint pages in memory.
    layout = paginator.paginate(need_pages=need_pages and watch is None)
    lap("layout")
    finished = {}
    result.page_map = layout.page_map()
    for fmt in ordered:
        if fmt.needs_print_pages:
            files = cached[fmt.name]
            if files is None:
                layout = _with_pages(layout, paginator)
                progress(f"writing the {fmt.name.upper()}")
                files = fmt.write(book, layout)
                store.put_object(fmt.name, cache_keys[fmt.name], files)
        else:
            progress(f"packaging the {fmt.name.upper()}")
            files = fmt.write(book, layout.page_map() if fmt.needs_page_map else None)
        for name, data in files.items():
            path = out / name
            finished[path] = data
            if watch is not None and not fmt.needs_print_pages:
                write_unless_same(path, data)
                result.outputs.append(path)
                progress(f"wrote {path}")
        lap(fmt.name)
    layout.document = None
    result.laid_out, result.units = paginator.laid_out, len(paginator.units)
    return finished


def write_unless_same(path: Path, data: bytes) -> None:
    """Write the output unless the file already holds these bytes (most of a web edition's
    files after a one-note edit: their time stamps stay, and no fsync is spent on them)."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomically(path, data)


def prune_folders(out: Path, finished: dict[Path, bytes]) -> None:
    """A format that writes a folder (the web edition) owns it whole: files in it that this
    build did not write (a removed source's page, an old search index) are removed."""
    folders = {path.relative_to(out).parts[0] for path in finished
               if len(path.relative_to(out).parts) > 1}
    for folder in sorted(folders):
        for path in sorted((out / folder).rglob("*"), reverse=True):
            if path.is_file() and path not in finished:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def _cached_files(store: Cache, kind: str, cache_key: str) -> dict[str, bytes] | None:
    files = store.get_object(kind, cache_key)
    return files if isinstance(files, dict) else None


def _with_pages(layout: PrintLayout, paginator: Paginator) -> PrintLayout:
    """The layout with its WeasyPrint pages (laid out again if they were not kept)."""
    return layout if layout.document is not None else paginator.paginate(need_pages=True)
