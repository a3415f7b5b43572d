"""build(): load -> check -> render -> publish.

Every content file is loaded and every rule run before anything is written; a stage that
found errors stops the build with all of them (BuildAborted), and the last good outputs stay.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import assemble, bibcheck, checks, quotations
from .cache import Cache, activated, file_digest, key, tree_digest
from .diagnostics import BuildAborted, Diagnostics
from .htmltools import parse_fragment, text_of
from .model import Project
from .pandoc import PandocFailed
from .project import load_project
from .publish import write_atomically

if TYPE_CHECKING:  # pdf and epub import WeasyPrint (slow): only when something is built
    from .paginate import Memo

FORMATS = ("pdf", "epub")
Progress = Callable[[str], None]
STAGES = 5  # load+check, Pandoc, print layout, EPUB, PDF (for progress displays)


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    outputs: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    up_to_date: bool = False  # nothing changed since the last build: nothing was done
    cache_hits: list[str] = field(default_factory=list)
    laid_out: list[str] = field(default_factory=list)  # layout units laid out afresh
    units: int = 0  # layout units in the book


def _input_digest(root: Path) -> str:
    """Every file a build reads from the project (the engine is in every cache key)."""
    root = root.resolve()
    tops = [root / "book", root / "sources", root / "bibliography.bib", root / "styles"]
    return tree_digest([top for top in tops if top.exists()], root)


def _layout_digest(project: Project) -> str:
    """Files the print layout may read besides its HTML: print styles and book images."""
    styles = project.styles_dir
    files = [p for p in sorted(styles.rglob("*")) if p.is_file() and "epub" not in
             p.relative_to(styles).as_posix()] if styles.is_dir() else []
    book_dir = project.root / "book"
    if book_dir.is_dir():
        files += [p for p in sorted(book_dir.rglob("*"))
                  if p.is_file() and p.suffix not in (".md", ".yaml", ".yml")]
    return tree_digest(files, project.root)


def _state_key(out: Path, formats: tuple[str, ...], options: dict[str, Any]) -> str:
    return key("state", str(out), ",".join(sorted(formats)), repr(sorted(options.items())),
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
    checks.run(project, diags)
    quotations.check_excerpts(project, diags)
    _stop_on_errors(diags, strict)
    return project, diags


def assemble_book(project: Project, diags: Diagnostics) -> assemble.BookDoc:
    try:
        rendered = assemble.render_fragments(project)
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
    *,
    out_dir: Path | None = None,
    formats: tuple[str, ...] = FORMATS,
    strict: bool = False,
    check_only: bool = False,
    page_size: str | None = None,
    print_shop: bool = False,
    progress: Progress = lambda message: None,
    use_cache: bool = True,
    epub_first: bool = False,
    layout_memo: Memo | None = None,
) -> BuildResult:
    """Build the given formats. With use_cache, work whose inputs are unchanged is reused from
    ROOT/.cache/readerkit and a build with nothing changed does nothing (result.up_to_date).
    With epub_first the EPUB is written as soon as it is ready, before the PDF is (watch mode);
    otherwise nothing is written until every output is complete. A layout_memo kept between
    builds (watch mode) keeps laid-out pages in memory, so that the PDF too is laid out again
    only where the book changed."""
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[name] = now - started
        started = now

    store = Cache.for_project(root, enabled=use_cache and not check_only)
    out = (out_dir or root / "dist").resolve()
    # Every option that changes an output belongs here: it is part of the no-op record's key.
    options: dict[str, Any] = {"strict": strict, "page_size": page_size,
                               "print_shop": print_shop}
    state_key = _state_key(out, formats, options)
    inputs = ""
    if store.enabled:
        inputs = _input_digest(root)
        record = _up_to_date(store, state_key, inputs)
        if record is not None:
            lap("up-to-date check")
            diags = record.get("diagnostics")
            return BuildResult(diags if isinstance(diags, Diagnostics) else
                               Diagnostics(root.resolve()), timings=timings, up_to_date=True)
    with activated(store if store.enabled else None):
        progress("loading and checking")
        project, diags = load_checked(root, strict=strict)
        lap("load+check")
        progress(f"converting with Pandoc ({len(project.sources)} sources)")
        book = assemble_book(project, diags)
        _stop_on_errors(diags, strict)
        lap("assemble")
    result = BuildResult(diags, timings=timings)
    if check_only:
        return result
    from . import epub, paginate, pdf  # WeasyPrint is slow to import: only now

    slug = project.book.slug
    finished: dict[Path, bytes] = {}
    html_text = pdf.print_html(book)
    want_pdf = "pdf" in formats
    page_size = page_size or project.book.page_size
    paginator = paginate.Paginator(project, html_text, page_size=page_size,
                                   print_shop=print_shop, store=store,
                                   style_digest=_layout_digest(project), memo=layout_memo,
                                   progress=progress)
    # The PDF is cached whole, keyed on every unit's HTML and the layout options.
    pdf_key = key("pdf", paginator.style_key, html_text, project.book.identifier)
    pdf_bytes = store.get("pdf", pdf_key) if want_pdf else None
    progress(f"laying out the print edition ({len(paginator.units)} units)")
    # Watch mode wants the EPUB first: its page numbers need no WeasyPrint pages in memory.
    layout = paginator.paginate(need_pages=want_pdf and pdf_bytes is None and not epub_first)
    if pdf_bytes is not None:
        layout.pdf = pdf_bytes
    lap("layout")
    if "epub" in formats:
        progress("packaging the EPUB")
        epub_path = out / f"{slug}.epub"
        finished[epub_path] = epub.package(book, layout)
        if epub_first:
            write_atomically(epub_path, finished[epub_path])
            result.outputs.append(epub_path)
            progress(f"wrote {epub_path}")
        lap("epub")
    if want_pdf:
        if not layout.pdf:
            if layout.document is None:  # epub_first: the pages were not kept
                layout = paginator.paginate(need_pages=True)
            progress("writing the PDF")
            pdf.write_pdf(book, layout)
            store.put("pdf", pdf_key, layout.pdf)
        finished[out / f"{slug}.pdf"] = layout.pdf
        lap("pdf")
    layout.document = None
    # Only now, with every output complete in memory, is anything written (but see epub_first).
    for path, data in finished.items():
        if path not in result.outputs:
            write_atomically(path, data)
            result.outputs.append(path)
    lap("write")
    result.cache_hits = sorted(set(store.hits))
    result.laid_out, result.units = paginator.laid_out, len(paginator.units)
    if store.enabled:
        store.put_object("state", state_key, {
            "inputs": inputs, "diagnostics": diags,
            "outputs": {str(path): hashlib.sha256(data).hexdigest()
                        for path, data in finished.items()},
        })
    return result
