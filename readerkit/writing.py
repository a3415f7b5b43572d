"""Every target's files, in memory, edition by edition (readerkit/pipeline.py's last stage).

The student edition's formats that need no print pages first, then the print layout's own (the
PDF), each cached whole keyed on the print HTML and layout; the instructor edition after it,
its page map compared with the student's (E001). Nothing here writes to the output folder
except in watch mode; `prune_folders` and `write_unless_same` serve the pipeline's final write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from readerkit import stylefiles
from readerkit.atomic import write_atomically
from readerkit.cache import Cache, key, tree_digest
from readerkit.diagnostics import BuildAborted
from readerkit.document import BookDoc
from readerkit.render import editions

if TYPE_CHECKING:  # the print edition imports WeasyPrint (slow): only when something is built
    from readerkit.formats.base import Format
    from readerkit.formats.print.paginate import Memo, Paginator, PrintLayout
    from readerkit.pagemap import PageMap
    from readerkit.pipeline import BuildResult, Progress, Target, WatchSession


def layout_digest(book: BookDoc, others: list[Format]) -> str:
    """Files the print layout may read besides its HTML: the styles that no other format owns
    (Format.own_styles) and handouts do not own, and the images the book's figures show."""
    project = book.project
    owned = (*(prefix for fmt in others for prefix in fmt.own_styles), *stylefiles.HANDOUT_STYLES)
    styles = {name: path for name, path in stylefiles.effective_files(project.styles_dir).items()
              if not name.startswith(owned)}
    images = [image.path for image in book.images]
    return key("layout-files", stylefiles.digest(styles), tree_digest(images, project.root))


def print_variant(page_size: str | None, print_shop: bool) -> str:
    """What the PDF's name adds for the command line's options: `<slug>-a4-print-shop.pdf`."""
    return "".join(f"-{word}" for word in [page_size, "print-shop" if print_shop else None]
                   if word)


def write_formats(books: dict[str, BookDoc], targets: Sequence[Target], out: Path,
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
            student_pages = write_edition(books[editions.STUDENT], [], out, result, store,
                                           lap, progress, watch, memo, used, finished,
                                           page_size=page_size, print_shop=print_shop,
                                           variant=variant)
        pages = write_edition(book, wanted, out, result, store, lap, progress, watch, memo,
                               used, finished, page_size=page_size, print_shop=print_shop,
                               variant=variant, student_pages=student_pages,
                               pages_from=pages_from)
        if edition == editions.STUDENT:
            student_pages = pages
    paginate.forget_unused(memo, used)
    return finished


def write_edition(book: BookDoc, targets: Sequence[Target], out: Path, result: BuildResult,
                   store: Cache, lap: Callable[[str], None], progress: Progress,
                   watch: WatchSession | None, memo: Memo, used: set[str],
                   finished: dict[Path, bytes], *, page_size: str, print_shop: bool,
                   variant: str = "", student_pages: PageMap | None = None,
                   pages_from: PageMap | None = None) -> PageMap:
    """One edition's files into `finished`: the formats that need no print pages first, then
    the print layout's own (the PDF), each cached whole keyed on the print HTML and layout.
    Returns the edition's page map; the instructor's is checked against `student_pages`.
    With `pages_from` (serve's fast pass) and no format needing print pages, nothing is laid
    out: the formats are written with that earlier page map, as drafts where they can
    (formats/base.Drafts)."""
    from readerkit.formats import registry  # the formats import WeasyPrint: only now
    from readerkit.formats.base import Drafts
    from readerkit.formats.print import html as print_html
    from readerkit.formats.print import marks, paginate, samepages

    project = book.project
    formats = [registry.get(target.format) for target in targets]
    if pages_from is not None and not any(fmt.needs_print_pages for fmt in formats):
        for fmt in formats:
            make = fmt.draft if isinstance(fmt, Drafts) else fmt.write
            written = make(book, pages_from if fmt.needs_page_map else None)
            finished.update({out / name: data for name, data in written.items()})
            lap(fmt.name)
        result.page_map = pages_from
        return pages_from
    ordered = sorted(formats, key=lambda fmt: fmt.needs_print_pages)
    others = [registry.get(name) for name in registry.names()]
    style_digest = layout_digest(book, [f for f in others if not f.needs_print_pages])
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
