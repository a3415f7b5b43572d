"""`build.py watch`: rebuilds on a save (EPUB first, then PDF), reports a content error and
keeps watching with the last good outputs in place."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINI, REPO, OutputLines, copy_reader

from readerkit.diagnostics import Diagnostic
from readerkit.watch import Shown, is_temporary

NOTE = "Snow counted the deaths house by house [@snow1855, 39]."


def test_watch_rebuilds_reports_errors_and_keeps_going(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    notes = root / "book" / "annotations" / "snow-letter.yaml"
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "watch", "--root", str(root), "--no-cache"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    out = OutputLines(process)
    seen = out.seen
    try:
        out.wait_for("done in", timeout=30)  # the first build
        epub = root / "dist" / "pump-reader.epub"
        assert epub.is_file()
        assert sum("W002" in line for line in seen) == 1
        time.sleep(0.3)
        # An editor's temporary file is not a change (sed -i writes one next to the file).
        (root / "book" / "annotations" / "sed6JFeLV").write_text("- id: x\n")
        (root / "book" / "annotations" / "snow-letter.yaml~").write_text("- id: x\n")
        time.sleep(1.5)
        assert not [line for line in seen if line.startswith("changed:")]
        assert out.queue.empty()
        notes.write_text(notes.read_text().replace(NOTE, "Snow counted every house."))
        out.wait_for("changed: book/annotations/snow-letter.yaml", timeout=30)
        epub_line = out.wait_for("rebuilt EPUB in", timeout=30)
        pdf_line = out.wait_for("rebuilt PDF in", timeout=30)
        assert seen.index(epub_line) < seen.index(pdf_line)  # EPUB first
        # the watcher kept the other units' pages: only the edited source is laid out again
        assert "laid out again: “On the Mode of Communication of Cholera (excerpt)” (1 of 10 " \
            "parts of the book)" in seen, "\n".join(seen)
        out.wait_for("done in", timeout=30)
        # The warning that has not changed is not printed again.
        assert sum("W002" in line for line in seen) == 1
        good = epub.read_bytes()
        notes.write_text(notes.read_text().replace("quote: nearly all the deaths",
                                                   "quote: words that are not in the source"))
        out.wait_for("snow-letter.yaml:", timeout=30)  # the diagnostic, path:line: CODE ...
        out.wait_for("build failed", timeout=30)
        time.sleep(0.5)
        assert process.poll() is None  # still watching
        assert epub.read_bytes() == good  # the last good output stays
        process.send_signal(signal.SIGINT)  # Ctrl-C
        assert process.wait(timeout=20) == 0
        out.wait_for("stopped watching", timeout=30)
        time.sleep(0.3)
        while not out.queue.empty():
            seen.append(out.queue.get())
        assert not [line for line in seen if "KeyboardInterrupt" in line or "Traceback" in line]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(("name", "temporary"), [
    ("snow-letter.yaml", False), ("pump-essay.md", False), ("print.css", False),
    ("map.png", False), ("sed6JFeLV", True), ("snow-letter.yaml~", True),
    (".snow-letter.yaml.swp", True), ("snow-letter.yaml.swx", True), ("#snow-letter.yaml#", True),
    (".#snow-letter.yaml", True), ("4913", True), ("snow-letter.yaml.bak", True),
    ("snow-letter.yaml.orig", True), ("glossary.yaml___jb_tmp___", True),
    (".goutputstream-ABC123", True), ("notes.kate-swp", True), ("README", True),
])
def test_editor_temporary_and_backup_files_are_not_changes(name: str, temporary: bool) -> None:
    assert is_temporary(name) == temporary


def test_a_warning_is_shown_once_and_errors_every_time() -> None:
    warning = Diagnostic("book/glossary.yaml", 1, "W002", "never used", severity="warning")
    error = Diagnostic("sources/x.md", 3, "K004", "bad kind")
    shown = Shown()
    assert shown.new([warning]) == [warning]
    assert shown.new([warning]) == []
    assert shown.new([warning, error]) == [error]
    assert shown.new([error]) == [error]
    assert shown.new([warning]) == [warning]  # gone, then back: news again
