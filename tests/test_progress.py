"""The progress display: stages and units on a terminal, nothing elsewhere."""

from __future__ import annotations

import io
import re
from pathlib import Path

from conftest import MINI, copy_reader, run_build

from readerkit.pipeline import build
from readerkit.progress import terminal_progress


def test_progress_is_silent_off_a_terminal() -> None:
    stream = io.StringIO()
    with terminal_progress(stream, delay=0.0) as progress:
        progress("loading and checking")
        progress("  laying out src-a (1 of 2)")
    assert stream.getvalue() == ""


def test_a_build_on_a_terminal_shows_its_stages_and_units(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    stream = io.StringIO()
    with terminal_progress(stream, force=True, delay=0.0) as progress:
        build(root, progress=progress, use_cache=False)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())
    for stage in ("loading and checking", "converting with Pandoc",
                  "laying out the print edition (10 units)", "laying out src-snow-letter (5 of 10)",
                  "packaging the EPUB", "writing the PDF"):
        assert stage in shown


def test_the_command_line_prints_no_progress_when_piped(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    done = run_build("all", "--root", str(root))
    assert done.returncode == 0
    assert "laying out" not in done.stderr and "\x1b[" not in done.stderr
