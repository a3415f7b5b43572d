"""`build.py serve`: the live preview in a real browser. The server starts on a free port on a
copy of the mini reader; a note edited on disk shows in the open page (reloaded, scroll kept),
a content error shows in the page as the editor's `path:line: CODE message` with the last good
page still served, and Ctrl-C stops the server cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINI, REPO, OutputLines, copy_reader

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
