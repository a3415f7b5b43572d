"""build(): load -> check -> render -> publish.

Every content file is loaded and every rule run before anything is written; a stage that
found errors stops the build with all of them (BuildAborted), and the last good outputs stay.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import assemble, checks, epub, pdf, quotations
from .diagnostics import BuildAborted, Diagnostics
from .model import Project
from .pandoc import PandocFailed
from .project import load_project
from .publish import write_atomically

FORMATS = ("pdf", "epub")
Progress = Callable[[str], None]


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    outputs: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def _stop_on_errors(diags: Diagnostics, strict: bool) -> None:
    if diags.has_errors(strict=strict):
        raise BuildAborted(diags)


def load_checked(root: Path, *, strict: bool = False) -> tuple[Project, Diagnostics]:
    diags = Diagnostics(root.resolve())
    project = load_project(root, diags)
    if project is not None:
        checks.run(project, diags)
        quotations.check_excerpts(project, diags)
    _stop_on_errors(diags, strict)
    assert project is not None
    return project, diags


def assemble_book(project: Project, diags: Diagnostics) -> assemble.BookDoc:
    try:
        rendered = assemble.render_fragments(project)
    except PandocFailed as error:
        diags.error(project.book.path, 0, "P001", f"Pandoc failed: {error}")
        raise BuildAborted(diags) from None
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
    progress: Progress = lambda message: None,
) -> BuildResult:
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[name] = now - started
        started = now

    progress("loading and checking")
    project, diags = load_checked(root, strict=strict)
    lap("load+check")
    progress("converting with Pandoc")
    book = assemble_book(project, diags)
    _stop_on_errors(diags, strict)
    lap("assemble")
    result = BuildResult(diags, timings=timings)
    if check_only:
        return result
    out = (out_dir or project.root / "dist").resolve()
    slug = project.book.slug
    finished: dict[Path, bytes] = {}
    progress("laying out the print edition")
    html_text = pdf.print_html(book)
    layout = pdf.layout(book, html_text, page_size=page_size or project.book.page_size)
    lap("pdf")
    if "pdf" in formats:
        finished[out / f"{slug}.pdf"] = layout.pdf
    if "epub" in formats:
        progress("packaging the EPUB")
        finished[out / f"{slug}.epub"] = epub.package(book, layout)
        lap("epub")
    # Only now, with every output complete in memory, is anything written.
    for path, data in finished.items():
        write_atomically(path, data)
        result.outputs.append(path)
    lap("write")
    return result
