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

import jinja2

from readerkit import writing
from readerkit.atomic import write_atomically
from readerkit.cache import Cache, activated, file_digest, key, tree_digest
from readerkit.check import quotations, rules, templates
from readerkit.diagnostics import BuildAborted, Diagnostics
from readerkit.document import BookDoc
from readerkit.htmltools import parse_fragment, text_of
from readerkit.load import bibcheck
from readerkit.load.project import load_project
from readerkit.model import Project
from readerkit.render import assemble, citeproc_memory, editions, fragments, images
from readerkit.render.pandoc import PandocFailed, Rendered
from readerkit.tools import permissions

if TYPE_CHECKING:  # the print edition imports WeasyPrint (slow): only when something is built
    from readerkit.formats.print.paginate import Memo
    from readerkit.pagemap import PageMap

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    """One output to build: a format by its name in formats/registry.py, in an edition
    (render/editions.py)."""

    format: str
    edition: str = editions.STUDENT

    @property
    def name(self) -> str:
        return self.format if self.edition == editions.STUDENT else f"{self.format}-{self.edition}"


ALL_TARGETS = (Target("pdf"), Target("epub"))
BOTH_EDITIONS = tuple(Target(name, edition) for edition in editions.EDITIONS
                      for name in ("pdf", "epub"))


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
    unit_labels: dict[str, str] = field(default_factory=dict)  # unit -> the editor's words
    page_map: PageMap | None = None  # the print pages the outputs were made with


def stopwatch() -> tuple[dict[str, float], Callable[[str], None]]:
    """The time each stage took, by name, and `lap(name)`, which ends the stage under way."""
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[name] = now - started
        started = now

    return timings, lap


def _input_digest(root: Path) -> str:
    """Every file a build reads from the project (the engine is in every cache key)."""
    root = root.resolve()
    tops = [root / "book", root / "sources", root / "bibliography.bib", root / "styles"]
    return tree_digest([top for top in tops if top.exists()], root)


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
    failed_to_load, loaded = bool(diags.errors), len(diags.items)
    rules.run(project, diags)
    quotations.check_excerpts(editions.core(project), diags)  # instructor divs are not quoted
    templates.check_templates(project, diags)
    if failed_to_load:
        # A file that did not load leaves the rules half the picture ("never cited" when the
        # citing file is the broken one): its errors are the news, not their consequences.
        diags.items[loaded:] = [d for d in diags.items[loaded:] if d.severity == "error"]
    _stop_on_errors(diags, strict)
    return project, diags


def render_checked(project: Project, diags: Diagnostics) -> Rendered:
    """Every Markdown fragment through Pandoc; a failure reported (P001, or B001 at the .bib's
    own line) and the build stopped. The annotation tools render through here too."""
    try:
        return fragments.render_fragments(project)
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


def assemble_book(whole: Project, diags: Diagnostics) -> BookDoc:
    """The shared core of every edition (render/editions.py), as the student edition prints it;
    the instructor annotations are anchored in it too, so that every build reports theirs."""
    project = editions.core(whole)
    rendered = render_checked(project, diags)
    used_images = images.place_images(project, rendered, diags)
    bibcheck.check_title_case(project.bibliography_path, project.bibliography,
                              {key: text_of(parse_fragment(entry))
                               for key, entry in rendered.bibliography.items()}, diags)
    book = assemble.assemble(project, rendered, diags)
    book.images = used_images
    editions.check_annotations(book, whole, diags)
    for item in book.glossary:
        if not item.uses:
            entry = item.entry
            diags.warning(entry.path, entry.line, "W002",
                          f"glossary term '{entry.term}' is never used in any source",
                          "add the form the sources use to its 'aliases'")
    indexed = {item.slug for item in book.index}
    for index_entry in project.index:
        if index_entry.slug not in indexed:
            diags.warning(index_entry.path, index_entry.line, "W004",
                          f"index entry '{index_entry.term}' is never used in any source",
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
    timings, lap = stopwatch()

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
    # The live preview's fast pass (pages_from) may keep a note's citations as citeproc last
    # gave them when only its prose changed (render/citeproc_memory.py); the full build after
    # it runs citeproc.
    fast_pass = pages_from is not None
    with activated(store if store.enabled else None), citeproc_memory.provisional(fast_pass):
        progress("loading and checking")
        project, diags = load_checked(root, strict=strict)
        if print_shop and any(target.format == "pdf" for target in targets):
            permissions.print_shop_warnings(project, diags)
            _stop_on_errors(diags, strict)
        lap("load+check")
        progress(f"converting with Pandoc ({len(project.sources)} sources)")
        book = assemble_book(project, diags)
        _stop_on_errors(diags, strict)
        lap("assemble")
    result = BuildResult(diags, timings=timings)
    if not targets:
        return result
    books = {editions.STUDENT: book}
    if any(target.edition == editions.INSTRUCTOR for target in targets):
        progress("rendering the instructor's guide")
        with activated(store if store.enabled else None), \
                citeproc_memory.provisional(fast_pass):
            books[editions.INSTRUCTOR] = editions.instructor_book(book, project)
        lap("instructor's guide")
    try:
        finished = writing.write_formats(books, targets, out, result, store, lap, progress, watch,
                                  page_size=page_size or project.book.page_size,
                                  print_shop=print_shop,
                                  variant=writing.print_variant(page_size, print_shop),
                                  pages_from=pages_from)
    except jinja2.TemplateError as error:  # the reader's own template: the editor's to fix
        where = templates.template_failure(error, project.styles_dir)
        if where is None:
            raise
        diags.error(where[0], where[1], "T003", f"template failed: {error}",
                    "compare with the default of the same name in "
                    "readerkit/default_styles/templates/")
        raise BuildAborted(diags) from None
    # Only now, with every output complete in memory, is anything written (but see watch).
    for path, data in finished.items():
        if path not in result.outputs:
            writing.write_unless_same(path, data)
            result.outputs.append(path)
    if pages_from is None:  # a fast pass leaves what it did not make (the search index)
        writing.prune_folders(out, finished)
    lap("write")
    result.cache_hits = sorted(set(store.hits))
    if store.enabled and pages_from is None:  # outputs made with old page numbers: no record
        store.put_object("state", state_key, {
            "inputs": inputs, "diagnostics": diags, "page_map": result.page_map,
            "outputs": {str(path): hashlib.sha256(data).hexdigest()
                        for path, data in finished.items()},
        })
    return result


def permissions_table(root: Path, *, out_dir: Path | None = None, strict: bool = False,
                      page_size: str | None = None) -> tuple[Path, str, Diagnostics]:
    """`build.py permissions`: the table (as text) and its CSV, written to
    OUT/<slug>-permissions.csv, from the student edition's layout (cached units reused)."""
    store = Cache.for_project(root, enabled=True)
    with activated(store):
        project, diags = load_checked(root, strict=strict)
        book = assemble_book(project, diags)
        _stop_on_errors(diags, strict)
        pages = writing.write_edition(book, [], root, BuildResult(diags), store, lambda name: None,
                               lambda message: None, None, {}, set(), {},
                               page_size=page_size or project.book.page_size,
                               print_shop=False)
    table = permissions.rows(book, pages)
    path = (out_dir or root / "dist").resolve() / f"{project.book.slug}-permissions.csv"
    write_atomically(path, permissions.as_csv(table).encode())
    return path, permissions.as_text(table), diags


