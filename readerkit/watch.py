"""`build.py watch`: rebuild on every save, EPUB first then PDF, and keep going on errors.

Each rebuild is an ordinary cached build (pipeline.build) with a pipeline.WatchSession: the
EPUB is written as soon as it is ready; the PDF follows from the same layout. The session keeps
the laid-out pages of every layout unit in memory (formats/print/paginate.Memo), so after a note
edit only the unit that holds the note is laid out again, for the PDF too. Content errors are
printed as diagnostics and the last good outputs stay; the watcher waits for the next save.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from readerkit.diagnostics import BuildAborted

if TYPE_CHECKING:  # the print edition imports WeasyPrint: only the build itself loads it
    from readerkit.pipeline import WatchSession

WATCHED_DIRS = ("book", "sources", "styles")
WATCHED_FILES = ("bibliography.bib",)


def relevant_change(root: Path) -> Callable[[object, str], bool]:
    def accept(_change: object, path: str) -> bool:
        try:
            relative = Path(path).resolve().relative_to(root)
        except ValueError:
            return False
        name = relative.name
        if name.startswith(".") or name.endswith(("~", ".swp", ".tmp")):
            return False  # editors' temporary files
        parts = relative.parts
        return bool(parts) and (parts[0] in WATCHED_DIRS or relative.as_posix() in WATCHED_FILES)

    return accept


def rebuild(root: Path, *, out_dir: Path | None, strict: bool, page_size: str | None,
            changed: Iterable[str] = (), stream: TextIO = sys.stdout,
            session: WatchSession | None = None) -> bool:
    """One rebuild, reported on stream; True when the outputs are current."""
    from readerkit.pipeline import WatchSession, build

    def say(text: str) -> None:
        print(text, file=stream, flush=True)

    started = time.perf_counter()
    names = sorted({Path(p).resolve().relative_to(root).as_posix() for p in changed})
    if names:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        say(f"changed: {shown}")

    def progress(message: str) -> None:
        if message.startswith("wrote "):
            say(f"rebuilt EPUB in {time.perf_counter() - started:.2f} s: {message[6:]}")

    try:
        result = build(root, out_dir=out_dir, strict=strict, page_size=page_size,
                       progress=progress, watch=session or WatchSession())
    except BuildAborted as aborted:
        for diagnostic in aborted.diagnostics.sorted():
            say(diagnostic.format())
        say(f"build failed: {len(aborted.diagnostics.errors)} error(s); "
            "kept the last good outputs; waiting for the next save")
        return False
    except Exception as error:  # keep watching whatever happens: report and wait
        if os.environ.get("READERKIT_DEBUG"):
            raise
        say(f"internal error: {type(error).__name__}: {error}; kept the last good outputs")
        return False
    for diagnostic in result.diagnostics.sorted():
        say(diagnostic.format())
    elapsed = time.perf_counter() - started
    if result.up_to_date:
        say(f"up to date ({elapsed:.2f} s)")
        return True
    if result.units:
        laid = ", ".join(dict.fromkeys(result.laid_out)) or "none"
        say(f"laid out: {laid} ({len(set(result.laid_out))} of {result.units} units)")
    pdfs = [path for path in result.outputs if path.suffix == ".pdf"]
    for path in pdfs:
        say(f"rebuilt PDF in {elapsed:.2f} s: {path}")
    reused = f"; reused from cache: {', '.join(result.cache_hits)}" if result.cache_hits else ""
    say(f"done in {elapsed:.2f} s{reused}")
    return True


def watch(root: Path, *, out_dir: Path | None = None, strict: bool = False,
          page_size: str | None = None, stop: threading.Event | None = None,
          stream: TextIO = sys.stdout) -> int:
    import watchfiles

    root = root.resolve()
    print(f"watching {root} (Ctrl-C to stop)", file=stream, flush=True)
    from readerkit.pipeline import WatchSession

    session = WatchSession()  # laid-out units, kept from one rebuild to the next
    rebuild(root, out_dir=out_dir, strict=strict, page_size=page_size, stream=stream,
            session=session)
    try:
        for changes in watchfiles.watch(root, watch_filter=relevant_change(root), stop_event=stop,
                                        debounce=300, step=50, raise_interrupt=False):
            rebuild(root, out_dir=out_dir, strict=strict, page_size=page_size,
                    changed=[path for _change, path in changes], stream=stream,
                    session=session)
    except KeyboardInterrupt:
        pass
    print("stopped watching", file=stream, flush=True)
    return 0
