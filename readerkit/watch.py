"""`build.py watch`: rebuild on every save, EPUB first then PDF, and keep going on errors.

Each rebuild is an ordinary cached build (pipeline.build) with a pipeline.WatchSession: the
EPUB is written as soon as it is ready; the PDF follows from the same layout. The session keeps
the laid-out pages of every layout unit in memory (formats/print/paginate.Memo), so after a note
edit only the unit that holds the note is laid out again, for the PDF too. Content errors are
printed as diagnostics and the last good outputs stay; the watcher waits for the next save.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from readerkit.diagnostics import BuildAborted, Diagnostic

if TYPE_CHECKING:  # the print edition imports WeasyPrint: only the build itself loads it
    from readerkit.pipeline import WatchSession

WATCHED_DIRS = ("book", "sources", "styles")
WATCHED_FILES = ("bibliography.bib",)
# Editors' and tools' temporary, swap and backup files: saving through one is not a change.
TEMP_NAME = re.compile(
    r"^\.|~$|^#.*#$|\.(?:swp|swo|swx|swn|tmp|temp|bak|orig|rej|part|crdownload|kate-swp)$"
    r"|___jb_(?:tmp|old|bak)___$|^sed[A-Za-z0-9]{6}$|^\d{4}$|^\.goutputstream-",
    re.IGNORECASE)


def is_temporary(name: str) -> bool:
    """True for a file name an editor or tool writes only on the way to saving another file
    ("foo.yaml~", ".foo.yaml.swp", "#foo#", "sed6JFeLV", vim's "4913"), and for any file
    without an extension: every content file has one."""
    return bool(TEMP_NAME.search(name)) or "." not in name


def relevant_change(root: Path) -> Callable[[object, str], bool]:
    def accept(_change: object, path: str) -> bool:
        try:
            relative = Path(path).resolve().relative_to(root)
        except ValueError:
            return False
        parts = relative.parts
        if not parts or relative.as_posix() in WATCHED_FILES:
            return bool(parts)
        return parts[0] in WATCHED_DIRS and len(parts) > 1 and not is_temporary(relative.name)

    return accept


@dataclass
class Shown:
    """The warnings the watcher has already printed: a warning is shown once, not after every
    save that leaves it as it was."""

    warnings: set[str] = field(default_factory=set)

    def new(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        fresh = [d for d in diagnostics if d.severity == "error" or d.format() not in self.warnings]
        self.warnings = {d.format() for d in diagnostics if d.severity == "warning"}
        return fresh


def _counted(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def rebuild(root: Path, *, out_dir: Path | None, strict: bool, page_size: str | None,
            changed: Iterable[str] = (), stream: TextIO = sys.stdout,
            session: WatchSession | None = None, shown: Shown | None = None,
            use_cache: bool = True, editions: Sequence[str] = ("student",)) -> bool:
    """One rebuild of both formats in each edition, reported on stream; True when the
    outputs are current."""
    from readerkit.pipeline import ALL_TARGETS, Target, WatchSession, build

    targets = [Target(t.format, edition) for edition in editions for t in ALL_TARGETS]

    shown = shown if shown is not None else Shown()

    def say(text: str) -> None:
        print(text, file=stream, flush=True)

    started = time.perf_counter()
    names = sorted({Path(p).resolve().relative_to(root).as_posix() for p in changed})
    if names:
        listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        say(f"changed: {listed}")

    def progress(message: str) -> None:
        if message.startswith("wrote "):
            say(f"rebuilt EPUB in {time.perf_counter() - started:.2f} s: {message[6:]}")

    try:
        result = build(root, targets, out_dir=out_dir, strict=strict, page_size=page_size,
                       progress=progress, watch=session or WatchSession(), use_cache=use_cache)
    except BuildAborted as aborted:
        for diagnostic in shown.new(aborted.diagnostics.sorted()):
            say(diagnostic.format())
        say(f"build failed: {_counted(len(aborted.diagnostics.errors), 'error')}; "
            "kept the last good outputs; waiting for the next save")
        return False
    except Exception as error:  # keep watching whatever happens: report and wait
        if os.environ.get("READERKIT_DEBUG"):
            raise
        say(f"internal error: {type(error).__name__}: {error}; kept the last good outputs")
        return False
    for diagnostic in shown.new(result.diagnostics.sorted()):
        say(diagnostic.format())
    elapsed = time.perf_counter() - started
    if result.up_to_date:
        say(f"up to date ({elapsed:.2f} s)")
        return True
    if result.units:
        laid = list(dict.fromkeys(result.laid_out))
        if len(laid) == result.units:
            say(f"laid out the whole book ({result.units} parts)")
        else:
            words = ", ".join(result.unit_labels.get(name, name) for name in laid) or "nothing"
            say(f"laid out again: {words} ({len(laid)} of {result.units} parts of the book)")
    pdfs = [path for path in result.outputs if path.suffix == ".pdf"]
    for path in pdfs:
        say(f"rebuilt PDF in {elapsed:.2f} s: {path}")
    warnings = len(result.diagnostics.warnings)
    say(f"done in {elapsed:.2f} s" + (f" ({_counted(warnings, 'warning')})" if warnings else ""))
    return True


def watch(root: Path, *, out_dir: Path | None = None, strict: bool = False,
          page_size: str | None = None, stop: threading.Event | None = None,
          stream: TextIO = sys.stdout, use_cache: bool = True,
          editions: Sequence[str] = ("student",)) -> int:
    import watchfiles

    # watchfiles logs its own "KeyboardInterrupt caught" line: Ctrl-C is how one stops.
    logging.getLogger("watchfiles").setLevel(logging.ERROR)
    root = root.resolve()
    print(f"watching {root} (Ctrl-C to stop)", file=stream, flush=True)
    from readerkit.pipeline import WatchSession

    session = WatchSession()  # laid-out units, kept from one rebuild to the next
    shown = Shown()
    try:
        rebuild(root, out_dir=out_dir, strict=strict, page_size=page_size, stream=stream,
                session=session, shown=shown, use_cache=use_cache, editions=editions)
        for changes in watchfiles.watch(root, watch_filter=relevant_change(root), stop_event=stop,
                                        debounce=300, step=50, raise_interrupt=True):
            rebuild(root, out_dir=out_dir, strict=strict, page_size=page_size,
                    changed=[path for _change, path in changes], stream=stream,
                    session=session, shown=shown, use_cache=use_cache, editions=editions)
    except KeyboardInterrupt:
        pass  # Ctrl-C, during a rebuild or between saves: stop without a traceback
    print("stopped watching", file=stream, flush=True)
    return 0
