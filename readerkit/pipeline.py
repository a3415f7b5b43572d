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

from readerkit import stylefiles
from readerkit.atomic import write_atomically
from readerkit.cache import Cache, activated, file_digest, key, tree_digest
from readerkit.check import quotations, rules, templates
from readerkit.diagnostics import BuildAborted, Diagnostics
from readerkit.document import BookDoc
from readerkit.htmltools import parse_fragment, text_of
from readerkit.load import bibcheck
from readerkit.load.project import load_project
from readerkit.model import Project
from readerkit.render import assemble, editions, fragments, images
from readerkit.render.pandoc import PandocFailed, Rendered
from readerkit.tools import permissions

if TYPE_CHECKING:  # the print edition imports WeasyPrint (slow): only when something is built
    from readerkit.formats.base import Format
    from readerkit.formats.print.paginate import Memo, Paginator, PrintLayout
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


def _input_digest(root: Path) -> str:
    """Every file a build reads from the project (the engine is in every cache key)."""
    root = root.resolve()
    tops = [root / "book", root / "sources", root / "bibliography.bib", root / "styles"]
    return tree_digest([top for top in tops if top.exists()], root)


def _layout_digest(book: BookDoc, others: list[Format]) -> str:
    """Files the print layout may read besides its HTML: the styles that no other format owns
    (Format.own_styles), and the images the book's figures show."""
    project = book.project
    owned = tuple(prefix for fmt in others for prefix in fmt.own_styles)
    styles = {name: path for name, path in stylefiles.effective_files(project.styles_dir).items()
              if not name.startswith(owned)}
    images = [image.path for image in book.images]
    return key("layout-files", stylefiles.digest(styles), tree_digest(images, project.root))


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
        with activated(store if store.enabled else None):
            books[editions.INSTRUCTOR] = editions.instructor_book(book, project)
        lap("instructor's guide")
    try:
        finished = _write_formats(books, targets, out, result, store, lap, progress, watch,
                                  page_size=page_size or project.book.page_size,
                                  print_shop=print_shop,
                                  variant=print_variant(page_size, print_shop),
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


def print_variant(page_size: str | None, print_shop: bool) -> str:
    """What the PDF's name adds for the command line's options: `<slug>-a4-print-shop.pdf`."""
    return "".join(f"-{word}" for word in [page_size, "print-shop" if print_shop else None]
                   if word)


def _write_formats(books: dict[str, BookDoc], targets: Sequence[Target], out: Path,
                   result: BuildResult, store: Cache, lap: Callable[[str], None],
                   progress: Progress, watch: WatchSession | None, *, page_size: str,
                   print_shop: bool, variant: str,
                   pages_from: PageMap | None = None) -> dict[Path, bytes]:
    """Every target's file, in memory, edition by edition (the student's first: the
    instructor's pages are compared with its pages). One memory of laid-out units serves
    both editions, so a unit the editions share is laid out once."""
    from readerkit.formats.print import paginate

    memo: paginate.Memo = watch.memo if watch is not None else {}
    used: set[str] = set()
    finished: dict[Path, bytes] = {}
    student_pages: PageMap | None = None
    for edition, book in books.items():
        wanted = [target for target in targets if target.edition == edition]
        if edition == editions.INSTRUCTOR and student_pages is None:
            student_pages = _write_edition(books[editions.STUDENT], [], out, result, store,
                                           lap, progress, watch, memo, used, finished,
                                           page_size=page_size, print_shop=print_shop,
                                           variant=variant)
        pages = _write_edition(book, wanted, out, result, store, lap, progress, watch, memo,
                               used, finished, page_size=page_size, print_shop=print_shop,
                               variant=variant, student_pages=student_pages,
                               pages_from=pages_from)
        if edition == editions.STUDENT:
            student_pages = pages
    paginate.forget_unused(memo, used)
    return finished


def _write_edition(book: BookDoc, targets: Sequence[Target], out: Path, result: BuildResult,
                   store: Cache, lap: Callable[[str], None], progress: Progress,
                   watch: WatchSession | None, memo: Memo, used: set[str],
                   finished: dict[Path, bytes], *, page_size: str, print_shop: bool,
                   variant: str = "", student_pages: PageMap | None = None,
                   pages_from: PageMap | None = None) -> PageMap:
    """One edition's files into `finished`: the formats that need no print pages first, then
    the print layout's own (the PDF), each cached whole keyed on the print HTML and layout.
    Returns the edition's page map; the instructor's is checked against `student_pages`.
    With `pages_from` (serve's fast pass) and no format needing print pages, nothing is laid
    out: the formats are written with that earlier page map."""
    from readerkit.formats import registry  # the formats import WeasyPrint: only now
    from readerkit.formats.print import html as print_html
    from readerkit.formats.print import marks, paginate, samepages

    project = book.project
    formats = [registry.get(target.format) for target in targets]
    if pages_from is not None and not any(fmt.needs_print_pages for fmt in formats):
        for fmt in formats:
            written = fmt.write(book, pages_from if fmt.needs_page_map else None)
            finished.update({out / name: data for name, data in written.items()})
            lap(fmt.name)
        result.page_map = pages_from
        return pages_from
    ordered = sorted(formats, key=lambda fmt: fmt.needs_print_pages)
    others = [registry.get(name) for name in registry.names()]
    style_digest = _layout_digest(book, [f for f in others if not f.needs_print_pages])
    # Cached whole, keyed on every unit's HTML and the options: what needs the print pages.
    printing = [fmt for fmt in formats if fmt.needs_print_pages]
    verso = marks.verso_guess(book, student_pages)
    for _attempt in range(3):  # a mark's side (outer margin) is known once it is laid out
        html_text = print_html.print_html(book, verso_marks=verso)
        paginator = paginate.Paginator(
            project, html_text, page_size=page_size, print_shop=print_shop, store=store,
            style_digest=style_digest, memo=memo, progress=progress,
            openings=project.book.openings, variant=variant)
        cache_keys = {fmt.name: key(fmt.name, paginator.style_key, html_text,
                                    project.book.identifier, variant) for fmt in printing}
        cached = {name: _cached_files(store, name, cache_key)
                  for name, cache_key in cache_keys.items()}
        need_pages = any(data is None for data in cached.values())
        edition = "" if book.edition == editions.STUDENT else f" ({book.edition} edition)"
        progress(f"laying out the print edition{edition} ({len(paginator.units)} units)")
        # Watch mode wants the others first: their page numbers need no WeasyPrint pages.
        layout = paginator.paginate(need_pages=need_pages and watch is None)
        used.update(paginator.used)
        found = marks.verso_marks(book, layout)
        if found == verso:
            break
        verso = found
    lap(f"layout{edition}")
    if student_pages is not None:
        difference = samepages.first_difference(student_pages, layout.page_map())
        if difference is not None:
            result.diagnostics.error(project.book.path, 0, "E001", difference,
                                     "instructor material must take no room in the shared "
                                     "flow: check .teaching-marks and the guide in "
                                     "styles/print.css")
            raise BuildAborted(result.diagnostics)
    if book.edition == editions.STUDENT:
        result.page_map = layout.page_map()
    for fmt in ordered:
        if fmt.needs_print_pages:
            files = cached[fmt.name]
            if files is None:
                layout = _with_pages(layout, paginator)
                progress(f"writing the {fmt.name.upper()}{edition}")
                files = fmt.write(book, layout)
                store.put_object(fmt.name, cache_keys[fmt.name], files)
        else:
            progress(f"packaging the {fmt.name.upper()}{edition}")
            files = fmt.write(book, layout.page_map() if fmt.needs_page_map else None)
        for name, data in files.items():
            path = out / name
            finished[path] = data
            if watch is not None and not fmt.needs_print_pages:
                write_unless_same(path, data)
                result.outputs.append(path)
                progress(f"wrote {path}")
        lap(f"{fmt.name}{edition}")
    layout.document = None
    result.laid_out += paginator.laid_out
    result.units = max(result.units, len(paginator.units))
    result.unit_labels.update({unit.name: unit.label for unit in paginator.units})
    return layout.page_map()


def permissions_table(root: Path, *, out_dir: Path | None = None, strict: bool = False,
                      page_size: str | None = None) -> tuple[Path, str, Diagnostics]:
    """`build.py permissions`: the table (as text) and its CSV, written to
    OUT/<slug>-permissions.csv, from the student edition's layout (cached units reused)."""
    store = Cache.for_project(root, enabled=True)
    with activated(store):
        project, diags = load_checked(root, strict=strict)
        book = assemble_book(project, diags)
        _stop_on_errors(diags, strict)
        pages = _write_edition(book, [], root, BuildResult(diags), store, lambda name: None,
                               lambda message: None, None, {}, set(), {},
                               page_size=page_size or project.book.page_size,
                               print_shop=False)
    table = permissions.rows(book, pages)
    path = (out_dir or root / "dist").resolve() / f"{project.book.slug}-permissions.csv"
    write_atomically(path, permissions.as_csv(table).encode())
    return path, permissions.as_text(table), diags


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
