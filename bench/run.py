#!/usr/bin/env python3
"""Benchmark readerkit: cold build (both formats; the EPUB alone), no-op rebuild, rebuild after
one annotation edit (EPUB alone, then both formats; then both formats in watch mode, which keeps
laid-out pages in memory), the live preview's round trip (`build.py serve`: save a note -> its
new text visible in Chromium, driven by Playwright), a handout of the first source (`build.py
handout`, with the book's layout cached, then with nothing cached), peak memory, against the
floor (bare WeasyPrint render+write of the same print HTML, plus a bare Pandoc Markdown -> EPUB
conversion of the same sources).

    python bench/run.py [--readers real,x4,500] [--pages 500] [--repeat N] [--only …]  (make bench)
    python bench/run.py --readers x4 --only serve_edit --repeat 3   (the live preview alone)

Each measurement is a separate `build.py` process on a copy of the reader in a temporary
folder; peak memory is the largest resident set of that process and its children (wait4).
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from generate import generate  # noqa: E402
from grow import grow  # noqa: E402

FLOOR_SCRIPT = """
import sys, weasyprint
html, css, out = sys.argv[1:4]
document = weasyprint.HTML(filename=html).render(stylesheets=[weasyprint.CSS(filename=css)])
document.write_pdf(out)
print(len(document.pages))
"""


def run(args: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """(seconds, peak MB, stdout+stderr) of one process and its children."""
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{output}")
    return elapsed, usage.ru_maxrss / 1024, output


def build(root: Path, *args: str) -> tuple[float, float, str]:
    return run([sys.executable, str(REPO / "build.py"), *args, "--root", str(root)])


EDITS = itertools.count(1)  # every edit's words are new, in every run of a --repeat


def edit_note(root: Path) -> str:
    """Change the wording of one annotation's note (the first note of the first file);
    returns the words added."""
    words = f"Edited {next(EDITS)}."
    path = sorted((root / "book" / "annotations").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    marker = "note: "
    at = text.index(marker) + len(marker)
    if text[at:at + 2] in (">-", "|\n", "|-", ">\n"):
        at = text.index("\n", at) + 1
        at += len(text[at:]) - len(text[at:].lstrip(" "))
    path.write_text(text[:at] + words + " " + text[at:], encoding="utf-8")
    return words


def floor(root: Path, work: Path) -> tuple[float, float]:
    """Bare WeasyPrint on our print HTML + bare Pandoc on the concatenated sources."""
    from readerkit.formats.print.html import print_html
    from readerkit.pipeline import assemble_book, load_checked
    from readerkit.render.pandoc import pandoc_path
    from readerkit.stylefiles import resolve

    project, diags = load_checked(root)
    html_file = root / "floor.html"  # inside the root, so relative URLs resolve the same
    html_file.write_text(print_html(assemble_book(project, diags)), encoding="utf-8")
    weasy, _, _ = run([sys.executable, "-c", FLOOR_SCRIPT, str(html_file),
                       str(resolve(project.styles_dir, "print.css")), str(work / "floor.pdf")])
    sources = sorted((root / "sources").glob("*.md"))
    pandoc, _, _ = run([pandoc_path(), "--from", "markdown", "--to", "epub3",
                        "--metadata", "title=floor", "-o", str(work / "floor.epub"),
                        *map(str, sources)])
    html_file.unlink()
    return weasy, pandoc


def pages_of(root: Path) -> int:
    import pypdf

    book = next(path for path in sorted((root / "dist").glob("*.pdf"))
                if "-handout-" not in path.name)  # the book's PDF, not a handout beside it
    return len(pypdf.PdfReader(book).pages)


def watch_edit(root: Path, rounds: int = 3) -> float:
    """Seconds the watcher reports for rebuilding both formats after a note edit, once its
    memory of laid-out pages is warm (the first edit after start lays out every unit)."""
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "watch", "--root", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    seconds = 0.0
    try:
        for edit in range(rounds + 1):
            for line in process.stdout:  # the first build (edit 0), then each edit's rebuild
                if line.startswith("done in ") or line.startswith("up to date"):
                    seconds = float(re.findall(r"[\d.]+", line)[0])
                    break
                if "error" in line:
                    raise SystemExit(f"watch failed: {line}")
            if edit < rounds:
                time.sleep(0.5)  # distinct file times
                edit_note(root)
    finally:
        process.terminate()
        process.wait()
    return seconds


def serve_round_trip(root: Path, rounds: int = 3) -> float:
    """Median seconds from saving a note edit to its new text showing in the page the
    browser has open under `build.py serve` (after each, the print layout catches up)."""
    import socket
    import statistics

    from playwright.sync_api import sync_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port",
         str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None

    reported: list[str] = []  # the server's own figures for its first, fast pass

    def caught_up() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            if "print layout caught up" in line or line.startswith("up to date"):
                return
            if "error" in line:
                raise SystemExit(f"serve failed: {line}")
            if line.startswith("rebuilt the web pages in "):
                reported.append(line.split()[5])

    page_name = sorted((root / "book" / "annotations").glob("*.yaml"))[0].stem + ".html"
    times = []
    try:
        caught_up()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/{page_name}")
            for _edit in range(rounds):
                time.sleep(0.5)
                started = time.perf_counter()
                words = edit_note(root)
                page.wait_for_function(
                    f"document.body.textContent.includes('{words}')",
                    timeout=120000, polling="raf")
                times.append(time.perf_counter() - started)
                caught_up()
            browser.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    print(f"serve: page shown after {', '.join(f'{t:.2f}' for t in times)} s; the server's "
          f"fast pass took {', '.join(reported)} s", file=sys.stderr, flush=True)
    return statistics.median(times)


# Besides the cold build of both formats, which every ratio needs:
MEASUREMENTS = ("epub_cold", "noop", "epub_edit", "both_edit", "watch_edit", "serve_edit",
                "handout_warm", "handout_cold", "floor")


def measure(name: str, root: Path, work: Path,
            only: frozenset[str] = frozenset(MEASUREMENTS)) -> dict[str, float | str]:
    row: dict[str, float | str] = {"reader": name}
    if "epub_cold" in only:
        shutil.rmtree(root / ".cache", ignore_errors=True)
        shutil.rmtree(root / "dist", ignore_errors=True)
        row["epub_cold"] = build(root, "epub")[0]  # what an EPUB or web edition alone costs
    shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "dist", ignore_errors=True)
    row["cold"], row["peak_mb"], _ = build(root, "all")
    if "noop" in only:
        row["noop"], _, output = build(root, "all")
        assert "up to date" in output, output
    if "epub_edit" in only:
        edit_note(root)
        row["epub_edit"] = build(root, "epub")[0]
    if "both_edit" in only:
        edit_note(root)
        row["both_edit"], both_mb, _ = build(root, "all")
        row["peak_mb"] = max(float(row["peak_mb"]), both_mb)
    if "handout_warm" in only:  # the book's layout cached by the builds above
        row["handout_warm"] = build(root, "handout", first_source(root))[0]
    if "watch_edit" in only:
        row["watch_edit"] = watch_edit(root)
    if "serve_edit" in only:
        row["serve_edit"] = serve_round_trip(root)
    if "floor" in only:
        row["floor_weasy"], row["floor_pandoc"] = floor(root, work)
    if "handout_cold" in only:  # lays out the book once
        shutil.rmtree(root / ".cache", ignore_errors=True)
        row["handout_cold"] = build(root, "handout", first_source(root))[0]
    row["pages"] = pages_of(root)
    return row


def first_source(root: Path) -> str:
    """The id of the book's first source: the handout `make bench` times."""
    from readerkit.pipeline import load_checked

    project, _ = load_checked(root)
    return project.book.parts[0].sources[0]


def table(rows: list[dict[str, float | str]]) -> str:
    head = ("| reader | pages | cold s | cold, EPUB alone s (×cold) | no-op s (×cold) | "
            "note edit → EPUB s (×cold) | "
            "note edit → both s (×cold) | watch: note edit → both s (×cold) | "
            "serve: note edit → page shown s (×cold) | handout, layout cached s (×cold) | "
            "handout, nothing cached s (×cold) | peak MB | "
            "floor s (WeasyPrint + Pandoc) | overhead over floor |")
    lines = [head, "|" + " --- |" * 14]
    for row in rows:
        cold = float(row["cold"])

        def rel(key: str, cold: float = cold, row: dict[str, float | str] = row) -> str:
            if key not in row:
                return "–"  # not measured (--only)
            return f"{float(row[key]):.2f} ({float(row[key]) / cold:.2f}×)"

        if "floor_weasy" in row:
            weasy, pandoc = float(row["floor_weasy"]), float(row["floor_pandoc"])
            floor_total = weasy + pandoc
            floor_cells = (f"{floor_total:.1f} ({weasy:.1f} + {pandoc:.1f}) | "
                           f"{(cold / floor_total - 1) * 100:+.0f}%")
        else:
            floor_cells = "– | –"
        lines.append(f"| {row['reader']} | {row['pages']} | {cold:.1f} | {rel('epub_cold')} | "
                     f"{rel('noop')} | "
                     f"{rel('epub_edit')} | {rel('both_edit')} | {rel('watch_edit')} | "
                     f"{rel('serve_edit')} | {rel('handout_warm')} | {rel('handout_cold')} | "
                     f"{float(row['peak_mb']):.0f} | {floor_cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", default="real,x4,500")
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure each reader N times and keep the best of each figure "
                             "(on a shared machine, the least disturbed run)")
    parser.add_argument("--only", default=",".join(MEASUREMENTS),
                        help="measure only these, besides the cold build (comma-separated: "
                             + ", ".join(MEASUREMENTS) + "; e.g. --only serve_edit)")
    options = parser.parse_args()
    only = frozenset(options.only.split(","))
    unknown = only - set(MEASUREMENTS)
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}; "
                     f"choose from {', '.join(MEASUREMENTS)}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="readerkit-bench-") as temporary:
        work = Path(temporary)
        for name in options.readers.split(","):
            root = work / name
            if name == "real":
                grow(REPO, root, 1)
            elif name.startswith("x"):
                grow(REPO, root, int(name[1:]))
            else:
                generate(root, int(name) if name.isdigit() else options.pages)
                shutil.copytree(REPO / "styles", root / "styles")
            runs = [measure(name if name != "real" else "this reader", root, work, only)
                    for _ in range(options.repeat)]
            best: dict[str, float | str] = dict(runs[0])
            for field in runs[0]:
                if field == "peak_mb":  # memory: the largest of any run
                    best[field] = max(float(run[field]) for run in runs)
                elif field not in ("reader", "pages"):
                    best[field] = min(float(run[field]) for run in runs)
            rows.append(best)
            print(table(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(table(rows))


if __name__ == "__main__":
    main()
