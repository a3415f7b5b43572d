"""`build.py serve`: the web edition served on 127.0.0.1, rebuilt on every save, reloaded live.

Each save is built twice. First a fast pass: the web pages alone, with the print page numbers
of the last layout (pipeline.build(pages_from=...)), a note's citations as citeproc last gave
them when only its prose changed (render/citation_splice.py), and neither the search index nor
the zip (formats/base.Drafts). The open page reloads at once, keeping its scroll position,
with a note that its print page numbers and search may be stale. Once the browser has the new
page (or after SHOW_WAIT seconds), the ordinary cached build with the print layout (a
WatchSession keeps laid-out units in memory, as `build.py watch` does): page numbers, citations
and search are current again and the note goes. A content error is shown in the
page as an overlay with the same `path:line: CODE message` lines as in the terminal; the last
good pages stay served. The browser hears of each build through server-sent events
(/__live/events); the script that listens (/__live/live.js) is added to each HTML page as it is
served, never to the built files. The watcher is watch.py's.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from readerkit.diagnostics import BuildAborted
from readerkit.watch import relevant_change

if TYPE_CHECKING:
    from readerkit.pagemap import PageMap
    from readerkit.pipeline import WatchSession

LIVE = "/__live/"
LIVE_TAG = b'<script src="/__live/live.js"></script>'
SHOW_WAIT = 1.5  # seconds the full build waits for open pages to fetch the fast pass's pages
NO_BUILD_YET = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>No pages yet</title></head><body><main><h1>No pages yet</h1>
<p>The reader has not been built yet: see the errors.</p></main></body></html>"""


@dataclass
class LiveState:
    """What the browser is told: the site's version (a reload when it changes), the content
    errors of the last build, and whether its print page numbers may be stale."""

    site: Path | None = None
    version: int = 0
    errors: list[str] = field(default_factory=list)
    stale: bool = False
    serial: int = 0  # bumped on every change, to wake the event streams
    closed: bool = False
    digest: str = ""
    listeners: int = 0  # open event streams: pages that will reload
    served: int = 0  # the version of the last page served
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, **changes: Any) -> None:
        with self.changed:
            for name, value in changes.items():
                setattr(self, name, value)
            self.serial += 1
            self.changed.notify_all()

    def snapshot(self) -> dict[str, Any]:
        return {"version": self.version, "errors": self.errors, "stale": self.stale}

    def listening(self, change: int) -> None:
        with self.changed:
            self.listeners += change
            self.changed.notify_all()

    def mark_served(self, version: int) -> None:
        with self.changed:
            self.served = max(self.served, version)
            self.changed.notify_all()

    def wait_until_shown(self, timeout: float) -> None:
        """Until a page of the current version has been served, or no page is listening:
        the full build that follows would slow down the browser's reload."""
        with self.changed:
            self.changed.wait_for(lambda: self.served >= self.version or not self.listeners
                                  or self.closed, timeout=timeout)


class LiveHandler(http.server.SimpleHTTPRequestHandler):
    state: LiveState  # set on the subclass made for each server

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal is for builds and errors

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def translate_path(self, path: str) -> str:
        site = self.state.site
        self.directory = str(site) if site is not None else os.devnull
        return super().translate_path(path)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == LIVE + "events":
            self._events()
        elif path == LIVE + "live.js":
            self._send(LIVE_SCRIPT.encode(), "text/javascript; charset=utf-8")
        elif path.endswith("/") or path.endswith(".html"):
            self._page(path)
        else:
            super().do_GET()

    def _send(self, data: bytes, kind: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _page(self, path: str) -> None:
        version = self.state.version  # read first: the files are written before it changes
        file = Path(self.translate_path(path + ("index.html" if path.endswith("/") else "")))
        if self.state.site is None:
            data, status = NO_BUILD_YET, 200
        elif file.is_file():
            data, status = file.read_bytes(), 200
        else:
            data, status = NO_BUILD_YET.replace(b"No pages yet", b"Not found"), 404
        at = data.rfind(b"</body>")
        data = data[:at] + LIVE_TAG + data[at:] if at >= 0 else data + LIVE_TAG
        self._send(data, "text/html; charset=utf-8", status)
        self.state.mark_served(version)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state, seen = self.state, -1

        def news() -> bool:
            return state.serial != seen or state.closed

        state.listening(+1)
        try:
            while True:
                with state.changed:
                    state.changed.wait_for(news, timeout=15)
                    if state.closed:
                        return
                    fresh, seen = state.serial != seen, state.serial
                    message = json.dumps(state.snapshot())
                self.wfile.write(f"data: {message}\n\n".encode() if fresh else b": idle\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        finally:
            state.listening(-1)


def _site_of(outputs: Iterable[Path]) -> tuple[Path | None, str]:
    """The site folder among a build's outputs, and a digest of its files."""
    written = list(outputs)
    folder = next((path.parent for path in written if path.name == "index.html"), None)
    digest = hashlib.sha256()
    if folder is not None:
        for path in sorted(path for path in written if folder in path.parents):
            digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    return folder, digest.hexdigest()


@dataclass
class Preview:
    root: Path
    out: Path
    strict: bool
    state: LiveState
    stream: TextIO
    edition: str = "student"
    session: WatchSession | None = None
    page_map: PageMap | None = None

    def say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def build(self, *, fast: bool) -> bool:
        """One build: fast = the web pages with the last page map. True when it succeeded."""
        from readerkit.pipeline import Target, WatchSession, build

        if self.session is None:
            self.session = WatchSession()
        started = time.perf_counter()
        try:
            result = build(self.root, [Target("html", self.edition)], out_dir=self.out,
                           strict=self.strict,
                           pages_from=self.page_map if fast else None,
                           watch=None if fast else self.session)
        except BuildAborted as aborted:
            lines = [diagnostic.format() for diagnostic in aborted.diagnostics.sorted()]
            for line in lines:
                self.say(line)
            self.say(f"build failed: {len(aborted.diagnostics.errors)} error(s); "
                     "the last good pages stay served; waiting for the next save")
            self.state.publish(errors=lines)
            return False
        except Exception as error:  # keep serving whatever happens: report and wait
            if os.environ.get("READERKIT_DEBUG"):
                raise
            line = f"internal error: {type(error).__name__}: {error}"
            self.say(line + "; the last good pages stay served")
            self.state.publish(errors=[line])
            return False
        for diagnostic in result.diagnostics.sorted():
            self.say(diagnostic.format())
        elapsed = time.perf_counter() - started
        if result.page_map is not None and not fast:
            self.page_map = result.page_map
        if result.up_to_date:
            self.state.publish(errors=[], stale=False if not fast else self.state.stale)
            self.say(f"up to date ({elapsed:.2f} s)")
            return True
        folder, digest = _site_of(result.outputs)
        version = self.state.version + (digest != self.state.digest)
        self.state.publish(site=folder or self.state.site, digest=digest, version=version,
                           errors=[], stale=fast)
        self.say(f"rebuilt the web pages in {elapsed:.2f} s (print page numbers and search "
                 "pending)" if fast else f"print layout caught up in {elapsed:.2f} s: print "
                 "page numbers and search current")
        return True

    def rebuild(self, changed: Iterable[str]) -> None:
        names = sorted({Path(p).resolve().relative_to(self.root).as_posix() for p in changed})
        if names:
            self.say("changed: " + ", ".join(names[:5])
                     + (f" and {len(names) - 5} more" if len(names) > 5 else ""))
        if self.page_map is not None:
            if not self.build(fast=True):
                return  # the full build would find the same errors
            self.state.wait_until_shown(SHOW_WAIT)
        self.build(fast=False)


def serve(root: Path, *, port: int = 8000, out_dir: Path | None = None, strict: bool = False,
          stop: threading.Event | None = None, stream: TextIO = sys.stdout,
          edition: str = "student") -> int:
    import watchfiles

    root = root.resolve()
    state = LiveState()
    handler = type("Handler", (LiveHandler,), {"state": state})
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        print(f"build.py: error: cannot serve on 127.0.0.1:{port}: {error.strerror}",
              file=sys.stderr)
        return 2
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    preview = Preview(root, (out_dir or root / "dist").resolve(), strict, state, stream,
                      edition)
    try:
        thread.start()
        print(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)",
              file=stream, flush=True)
        preview.build(fast=False)
        for changes in watchfiles.watch(root, watch_filter=relevant_change(root),
                                        stop_event=stop, debounce=50, step=20,
                                        raise_interrupt=False):
            preview.rebuild(path for _change, path in changes)
    except KeyboardInterrupt:
        pass
    finally:
        state.publish(closed=True)
        server.shutdown()
        server.server_close()
    print("stopped serving", file=stream, flush=True)
    return 0


# Reload on a new version, keeping the scroll position; show errors and staleness.
LIVE_SCRIPT = r"""(function () {
  "use strict";
  var key = "readerkit-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var y = parseFloat(saved);
    window.scrollTo(0, y);
    window.addEventListener("load", function () { window.scrollTo(0, y); });
  }
  function box(id, css) {
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement("div");
      el.id = id;
      el.style.cssText = css;
      document.body.appendChild(el);
    }
    return el;
  }
  var version = null;
  var events = new EventSource("/__live/events");
  events.onmessage = function (event) {
    var state = JSON.parse(event.data);
    if (version !== null && state.version !== version) {
      sessionStorage.setItem(key, String(window.scrollY));
      location.reload();
      return;
    }
    version = state.version;
    var overlay = box("live-errors", "position:fixed;inset:auto 0 0 0;max-height:60vh;" +
      "overflow:auto;z-index:1000;background:#fff4f2;color:#5c0f00;border-top:4px solid #b3261e;" +
      "padding:1rem;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap;");
    overlay.setAttribute("role", "alert");
    overlay.hidden = !state.errors.length;
    overlay.textContent = state.errors.length ? "Build failed; this is the last good page.\n\n" +
      state.errors.join("\n") : "";
    var banner = box("live-stale", "position:fixed;top:0;right:0;z-index:999;" +
      "background:#fff8d6;color:#3d3200;border:1px solid #8a7400;padding:0.3rem 0.6rem;" +
      "font:13px/1.4 system-ui,sans-serif;");
    banner.setAttribute("role", "status");
    banner.hidden = !state.stale;
    banner.textContent = state.stale ? "Print page numbers and search may be stale: the " +
      "print layout is catching up." : "";
  };
})();
"""
