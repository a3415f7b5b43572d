"""`build.py serve`: the live preview in a real browser. The server starts on a free port on a
copy of the mini reader; a note edited on disk shows in the open page (reloaded, scroll kept),
its prose and its citations alike, and once the print layout has caught up the site is the
one `build.py html` makes; a content error shows in the page as the editor's
`path:line: CODE message` with the last good page still served; `--edition instructor` serves
the instructor's site; Ctrl-C stops the server cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import MINI, REPO, OutputLines, copy_reader, run_build
from lxml import html as lxml_html

from readerkit.serve import LIVE_TAG

pytestmark = pytest.mark.browser

NOTE = "Snow counted the deaths house by house [@snow1855, 39]."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_reloads_on_save_and_shows_errors(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = copy_reader(MINI, tmp_path / "reader")
    notes = root / "book" / "annotations" / "snow-letter.yaml"
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root),
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    out = OutputLines(process)
    seen = out.seen
    context = browser.new_context(viewport={"width": 390, "height": 500})
    try:
        out.wait_for("print layout caught up")
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/snow-letter.html")
        assert "Snow counted the deaths" in page.content()
        page.evaluate("window.scrollTo(0, 200)")
        scrolled = page.evaluate("window.scrollY")
        assert scrolled > 0
        time.sleep(0.3)
        notes.write_text(notes.read_text().replace(NOTE, "Snow counted every house."))
        page.wait_for_function("document.body.textContent.includes('Snow counted every house')",
                               timeout=30000)
        assert page.evaluate("window.scrollY") == scrolled  # the reader keeps their place
        out.wait_for("print layout caught up")
        page.wait_for_function("document.getElementById('live-stale').hidden", timeout=30000)
        notes.write_text(notes.read_text().replace("quote: nearly all the deaths",
                                                   "quote: words that are not in the source"))
        overlay = page.locator("#live-errors")
        overlay.wait_for(state="visible", timeout=30000)
        text = overlay.text_content() or ""
        assert "book/annotations/snow-letter.yaml:" in text and "Snow counted every house" \
            in page.content()  # the error, over the last good page
        out.wait_for("snow-letter.yaml:")  # the same lines in the terminal
        page.reload()
        assert "Snow counted every house" in page.content()  # still served
    finally:
        context.close()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    time.sleep(0.2)  # the reader thread's last lines
    while not out.queue.empty():
        seen.append(out.queue.get())
    output = "\n".join(seen)
    assert process.returncode == 0, output
    assert "Traceback" not in output and "stopped serving" in output


@contextmanager
def _serving(root: Path, *args: str) -> Iterator[tuple[int, OutputLines]]:
    """`build.py serve` on a free port, until the block ends (then Ctrl-C, checked clean)."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root),
         "--port", str(port), *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    out = OutputLines(process)
    try:
        yield port, out
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    time.sleep(0.2)
    while not out.queue.empty():
        out.seen.append(out.queue.get())
    output = "\n".join(out.seen)
    assert process.returncode == 0 and "Traceback" not in output, output


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_a_note_edit_shows_its_prose_and_its_citation_and_settles_on_the_full_build(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path,
) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    notes = root / "book" / "annotations" / "snow-letter.yaml"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        with _serving(root) as (port, out):
            out.wait_for("print layout caught up")
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}/snow-letter.html")
            note = page.locator("#ann-snow-spot")
            assert "Cholera, 39)" in (note.text_content() or "")
            # The prose alone (the fast pass keeps the citation as citeproc last gave it).
            notes.write_text(notes.read_text().replace("Snow counted the deaths",
                                                       "Snow tallied the deaths"))
            page.wait_for_function("document.getElementById('ann-snow-spot').textContent"
                                   ".includes('Snow tallied the deaths')", timeout=30000)
            assert "house by house (Snow, " in (note.text_content() or "")
            assert "Cholera, 39)" in (note.text_content() or "")
            out.wait_for("print layout caught up")
            # The citation: another page of the same work.
            notes.write_text(notes.read_text().replace("[@snow1855, 39]", "[@snow1855, 41]"))
            page.wait_for_function("document.getElementById('ann-snow-spot').textContent"
                                   ".includes('Cholera, 41)')", timeout=30000)
            assert "Snow tallied the deaths" in (note.text_content() or "")
            out.wait_for("print layout caught up")
            page.wait_for_function("document.getElementById('live-stale').hidden",
                                   timeout=30000)
            site = root / "dist" / "pump-reader-web"
            written = (site / "snow-letter.html").read_text(encoding="utf-8")
            # The page served is the one written, with the live script (web.js only moves
            # side notes in the DOM).
            served = page.request.get(f"http://127.0.0.1:{port}/snow-letter.html").text()
            assert served == written.replace("</body>", LIVE_TAG.decode() + "</body>")
            shown = lxml_html.fromstring(written).get_element_by_id("ann-snow-spot")
            assert note.text_content() == shown.text_content()
            done = run_build("html", "--root", str(root), "--out", str(tmp_path / "fresh"))
            assert done.returncode == 0, done.stderr
            fresh = tmp_path / "fresh"
            assert _files(site) == _files(fresh / "pump-reader-web")  # search index included
            assert (root / "dist" / "pump-reader-web.zip").read_bytes() == (
                fresh / "pump-reader-web.zip").read_bytes()
    finally:
        context.close()


def test_serve_edition_instructor_serves_the_instructor_site(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path,
) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    context = browser.new_context()
    try:
        with _serving(root, "--edition", "instructor") as (port, out):
            out.wait_for("print layout caught up")
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}/pump-essay.html")
            marks = page.locator("a.teaching-mark")
            assert marks.count() >= 1
            assert "Teaching note T" in (marks.first.get_attribute("aria-label") or "")
            guide = page.request.get(f"http://127.0.0.1:{port}/instructors-guide.html")
            assert guide.ok and "Instructor’s guide" in guide.text()
        assert (root / "dist" / "pump-reader-instructor-web" / "index.html").is_file()
        assert not (root / "dist" / "pump-reader-web").exists()
    finally:
        context.close()
