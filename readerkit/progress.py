"""A progress display for long builds: stages on stderr, only on a terminal, only after a second.

    with terminal_progress() as progress:
        build(root, progress=progress)

The pipeline calls progress(message) at the start of each stage ("laying out the print edition
(14 units)"); a message indented by two spaces is a step within the stage ("  laying out
src-x"). On a terminal a transient rich bar shows the stage, how many of the stages are done
and the time spent; it appears only when the build has taken more than DELAY seconds, so quick
(cached) builds print nothing extra. When stderr is not a terminal (CI, pipes, tests), the
display is silent.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

DELAY = 1.0


@contextmanager
def terminal_progress(
    stream: TextIO | None = None, *, total: int = 5, delay: float = DELAY, force: bool = False
) -> Iterator[Callable[[str], None]]:
    stream = stream or sys.stderr
    if not (force or stream.isatty()):
        yield lambda message: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    display = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                       MofNCompleteColumn(), TimeElapsedColumn(),
                       console=Console(file=stream, force_terminal=force or None),
                       transient=True)
    task = display.add_task("starting", total=total)
    lock = threading.Lock()
    state = {"stages": 0, "started": False, "closed": False}

    def show() -> None:
        with lock:
            if not state["closed"]:
                display.start()
                state["started"] = True

    timer = threading.Timer(delay, show)
    timer.daemon = True
    timer.start()

    def progress(message: str) -> None:
        if message.startswith("wrote "):
            return  # the caller reports what it wrote
        # Redraw at once when shown (not only at the next tick), so every stage is seen.
        with lock:
            shown = bool(state["started"]) and not state["closed"]
        if message.startswith("  "):  # a detail of the current stage (one unit laid out)
            display.update(task, description=message.strip(), refresh=shown)
            return
        state["stages"] += 1
        display.update(task, description=message, completed=min(state["stages"] - 1, total),
                       refresh=shown)

    try:
        yield progress
    finally:
        timer.cancel()
        with lock:
            state["closed"] = True
            if state["started"]:
                display.update(task, completed=total)
                display.stop()
