"""Shared fixtures: real builds of the tiny test reader and of the project's own reader.

Builds are slow (seconds), so each is made once per session and shared by the tests that read
its PDF text, EPUB XHTML or EPUBCheck verdict.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/ from the current output"
    )


@dataclass
class Built:
    root: Path
    pdf: Path
    epub: Path

    def pdf_pages(self) -> list[str]:
        return [page.extract_text() or "" for page in pypdf.PdfReader(self.pdf).pages]

    def pdf_text(self) -> str:
        return "\n".join(self.pdf_pages())

    def epub_files(self) -> dict[str, str]:
        with zipfile.ZipFile(self.epub) as archive:
            return {
                name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            }


def print_html(root: Path) -> str:
    """The HTML that WeasyPrint lays out for the reader at `root` (built in-process)."""
    from readerkit.formats.print.html import print_html as print_edition_html
    from readerkit.pipeline import assemble_book, load_checked

    project, diags = load_checked(root)
    return print_edition_html(assemble_book(project, diags))


def run_build(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


class OutputLines:
    """A running process's output, line by line, read in a thread so that a test can wait for
    a line with a timeout (watch and serve print as they go)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.queue.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """The first line from now on holding `text`; fails, showing every line, if none comes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} in:\n" + "\n".join(self.seen))


def copy_reader(source: Path, target: Path) -> Path:
    """A reader project of its own: content from `source` plus a copy of the repo's styles/."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("dist", ".cache"))
    if not (target / "styles").exists():
        shutil.copytree(REPO / "styles", target / "styles")
    return target


def _build(root: Path, slug: str) -> Built:
    done = run_build("all", "--root", str(root))
    assert done.returncode == 0, done.stderr
    return Built(root, root / "dist" / f"{slug}.pdf", root / "dist" / f"{slug}.epub")


@pytest.fixture(scope="session")
def mini_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_reader(MINI, tmp_path_factory.mktemp("mini") / "reader")


@pytest.fixture(scope="session")
def mini(mini_root: Path) -> Built:
    return _build(mini_root, "pump-reader")


@pytest.fixture(scope="session")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The project's own reader, built into a temporary output folder."""
    out = tmp_path_factory.mktemp("reader-dist")
    done = run_build("all", "--out", str(out))
    assert done.returncode == 0, done.stderr
    pdfs, epubs = sorted(out.glob("*.pdf")), sorted(out.glob("*.epub"))
    assert len(pdfs) == 1 and len(epubs) == 1
    return Built(REPO, pdfs[0], epubs[0])


@pytest.fixture(scope="session")
def mini_pdfs(mini_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tiny reader's PDF in each page size, and letter for a print shop."""
    out: dict[str, Path] = {}
    for name, args in (("letter", ()), ("a4", ("--page-size", "a4")),
                       ("trade", ("--page-size", "trade")), ("shop", ("--print-shop",))):
        folder = tmp_path_factory.mktemp(f"mini-{name}")
        done = run_build("pdf", "--root", str(mini_root), "--out", str(folder), *args)
        assert done.returncode == 0, done.stderr
        out[name] = folder / ("pump-reader.pdf" if name == "letter" else
                              f"pump-reader-{'print-shop' if name == 'shop' else name}.pdf")
    return out


CHROMIUM = Path("/usr/bin/chromium")  # Debian's: Playwright downloads no browser here
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """One headless Chromium for every browser test of the session."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed (scripts/install-ace.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def instructor(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The project's own reader in its instructor edition (margin marks, Instructor's guide)."""
    out = tmp_path_factory.mktemp("instructor-dist")
    done = run_build("all", "--edition", "instructor", "--out", str(out))
    assert done.returncode == 0, done.stderr
    pdfs, epubs = sorted(out.glob("*-instructor.pdf")), sorted(out.glob("*-instructor.epub"))
    assert len(pdfs) == 1 and len(epubs) == 1
    return Built(REPO, pdfs[0], epubs[0])


@dataclass
class Handout:
    """A handout PDF (build.py handout) and the reader it was made from."""

    root: Path
    source_id: str
    pdf: Path

    def pages(self) -> list[str]:
        return [page.extract_text() or "" for page in pypdf.PdfReader(self.pdf).pages]


def build_handout(root: Path, source_id: str, out: Path, *options: str) -> Handout:
    """A handout made as an editor makes it; `root` REPO: this reader, from the folder holding
    build.py (its layout cache warm once the reader was built)."""
    rooted = () if root == REPO else ("--root", str(root))
    done = run_build("handout", source_id, *rooted, "--out", str(out), *options)
    assert done.returncode == 0, done.stderr
    (written,) = [line.removeprefix("wrote ") for line in done.stdout.splitlines()]
    return Handout(root, source_id, Path(written))


READER_HANDOUT = "milestones-essay"  # this reader's longest source, with teaching notes
MINI_HANDOUT = "snow-letter"  # the mini reader's, cited by a timeline event


@pytest.fixture(scope="session")
def reader_handout(reader: Built, tmp_path_factory: pytest.TempPathFactory) -> Handout:
    return build_handout(REPO, READER_HANDOUT, tmp_path_factory.mktemp("handout-reader"))


@pytest.fixture(scope="session")
def instructor_handout(reader: Built, tmp_path_factory: pytest.TempPathFactory) -> Handout:
    return build_handout(REPO, READER_HANDOUT, tmp_path_factory.mktemp("handout-instructor"),
                         "--edition", "instructor")


@pytest.fixture(scope="session")
def mini_handout(mini: Built, tmp_path_factory: pytest.TempPathFactory) -> Handout:
    return build_handout(mini.root, MINI_HANDOUT, tmp_path_factory.mktemp("handout-mini"))


@pytest.fixture(scope="session")
def mini_instructor_handout(mini: Built, tmp_path_factory: pytest.TempPathFactory) -> Handout:
    """The mini reader's source with an instructor annotation and an `::: instructor` div."""
    return build_handout(mini.root, "pump-essay", tmp_path_factory.mktemp("handout-mini-i"),
                         "--edition", "instructor")
