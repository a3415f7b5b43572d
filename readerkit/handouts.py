"""`build.py handout SOURCE_ID`: one source of the reader as a PDF handout.

The stages of a build, for one source: load and check the whole project (a handout is made only
from content that builds), render the book (Pandoc's output comes from the cache), take the
reader's page map from the layout cache (writing.write_edition lays out only the units that
are not cached: the whole book once, on a cold cache, and nothing after), select the source and
what belongs with it (render/handout.py), and lay out and write that alone
(formats/print/handout.py). The instructor edition's handout adds the source's teaching notes;
its reader pages are the student edition's, which the instructor edition shares page for page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from readerkit import writing
from readerkit.atomic import write_atomically
from readerkit.cache import Cache, activated
from readerkit.diagnostics import BuildAborted, Diagnostics
from readerkit.pipeline import BuildResult, Progress, assemble_book, load_checked, stopwatch
from readerkit.render import editions
from readerkit.render import handout as handout_selection


@dataclass
class HandoutResult:
    path: Path
    diagnostics: Diagnostics
    reader_pages: str  # "13–16": the reader's pages the handout reprints
    laid_out: list[str] = field(default_factory=list)  # the reader's units laid out afresh
    timings: dict[str, float] = field(default_factory=dict)


def build_handout(root: Path, source_id: str, *, edition: str = editions.STUDENT,
                  out_dir: Path | None = None, strict: bool = False,
                  progress: Progress = lambda message: None) -> HandoutResult:
    """Write OUT/<slug>-handout-<id>.pdf (instructor: <slug>-instructor-handout-<id>.pdf);
    BuildAborted with the diagnostics (S007 for an unknown id) if the reader does not build."""
    from readerkit.formats.print.handout import write_handout  # WeasyPrint: only now

    timings, lap = stopwatch()

    store = Cache.for_project(root, enabled=True)
    out = (out_dir or root / "dist").resolve()
    with activated(store):
        progress("loading and checking")
        project, diags = load_checked(root, strict=strict)
        handout_selection.check_source_id(project, source_id, diags)
        lap("load+check")
        progress(f"converting with Pandoc ({len(project.sources)} sources)")
        book = assemble_book(project, diags)
        if diags.has_errors(strict=strict):
            raise BuildAborted(diags)
        lap("assemble")
        result = BuildResult(diags)
        page_size = project.book.page_size
        pages = writing.write_edition(book, [], out, result, store, lap, progress, None, {},
                                      set(), {}, page_size=page_size, print_shop=False)
        if edition == editions.INSTRUCTOR:
            progress("rendering the instructor's guide")
            book = editions.instructor_book(book, project)
            lap("instructor's guide")
    handout = handout_selection.select(book, source_id, pages)
    progress(f"laying out the handout of {source_id}")
    data = write_handout(handout, page_size)
    lap("handout")
    path = out / handout.file_name
    write_atomically(path, data)
    return HandoutResult(path, diags, handout.page_range, result.laid_out, timings)
