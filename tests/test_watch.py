"""`build.py watch`: rebuilds on a save (EPUB first, then PDF), reports a content error and
keeps watching with the last good outputs in place."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import MINI, REPO, copy_reader

NOTE = "Snow counted the deaths house by house [@snow1855, 39]."


def _reader_thread(stream: object, lines: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line.rstrip("\n"))


def _wait_for(lines: queue.Queue[str], text: str, seen: list[str], timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return line
    raise AssertionError(f"no line with {text!r} in:\n" + "\n".join(seen))


def test_watch_rebuilds_reports_errors_and_keeps_going(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    notes = root / "book" / "annotations" / "snow-letter.yaml"
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "watch", "--root", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_reader_thread, args=(process.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        _wait_for(lines, "done in", seen)  # the first build
        epub = root / "dist" / "pump-reader.epub"
        assert epub.is_file()
        time.sleep(0.3)
        notes.write_text(notes.read_text().replace(NOTE, "Snow counted every house."))
        _wait_for(lines, "changed: book/annotations/snow-letter.yaml", seen)
        epub_line = _wait_for(lines, "rebuilt EPUB in", seen)
        pdf_line = _wait_for(lines, "rebuilt PDF in", seen)
        assert seen.index(epub_line) < seen.index(pdf_line)  # EPUB first
        # the watcher kept the other units' pages: only the edited source is laid out again
        assert "laid out: src-snow-letter (1 of 10 units)" in seen
        _wait_for(lines, "done in", seen)
        good = epub.read_bytes()
        notes.write_text(notes.read_text().replace("quote: nearly all the deaths",
                                                   "quote: words that are not in the source"))
        _wait_for(lines, "snow-letter.yaml:", seen)  # the diagnostic, path:line: CODE ...
        _wait_for(lines, "build failed", seen)
        time.sleep(0.5)
        assert process.poll() is None  # still watching
        assert epub.read_bytes() == good  # the last good output stays
    finally:
        process.terminate()
        process.wait(timeout=10)
