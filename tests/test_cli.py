"""The command line contract other tools rely on: commands, exit codes, no writes on failure."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import MINI, copy_reader, run_build


def test_help_documents_the_commands() -> None:
    done = run_build("--help")
    assert done.returncode == 0
    for command in ("all", "pdf", "epub", "check", "clean-source", "import-annotations",
                    "export-annotations"):
        assert command in done.stdout
    assert "python build.py handout first-source --root ../influenza" in done.stdout


def test_handout_help_names_its_files_and_an_example() -> None:
    done = run_build("handout", "--help")
    assert done.returncode == 0
    assert "OUT/<slug>-handout-<id>.pdf" in " ".join(done.stdout.split())
    assert ("example: python build.py handout first-source --root ../influenza --edition "
            "instructor") in done.stdout


def test_usage_error_exits_2() -> None:
    done = run_build("frobnicate")
    assert done.returncode == 2
    assert "invalid choice: 'frobnicate'" in done.stderr


def test_root_without_book_is_a_usage_error(tmp_path: Path) -> None:
    done = run_build("check", "--root", str(tmp_path))
    assert done.returncode == 2
    assert "is not a reader project (no book/book.yaml)" in done.stderr


def test_check_writes_nothing(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    done = run_build("check", "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert "check passed" in done.stderr
    assert not (root / "dist").exists()


def test_content_error_exits_1_and_keeps_last_good_outputs(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    out = tmp_path / "out"
    assert run_build("pdf", "--root", str(root), "--out", str(out)).returncode == 0
    good = (out / "pump-reader.pdf").read_bytes()
    notes = root / "book" / "annotations" / "snow-letter.yaml"
    notes.write_text(notes.read_text().replace("nearly all the deaths", "nearly all the dead"))
    done = run_build("all", "--root", str(root), "--out", str(out))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert (
        "book/annotations/snow-letter.yaml:2: A001 quote of annotation 'snow-spot' not found "
        "in snow-letter"
    ) in done.stderr
    assert 'hint: closest passage: "nearly all the deaths"' in done.stderr
    assert (out / "pump-reader.pdf").read_bytes() == good
    assert not (out / "pump-reader.epub").exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_out_and_page_size_options(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    done = run_build("pdf", "--root", str(root), "--out", str(tmp_path / "o"), "--page-size", "a4")
    assert done.returncode == 0, done.stderr
    # Each variant has its own name: an A4 or print-shop PDF never overwrites the book's own.
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["pump-reader-a4.pdf"]
    done = run_build("pdf", "--root", str(root), "--out", str(tmp_path / "o"), "--print-shop")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "pump-reader-a4.pdf", "pump-reader-print-shop.pdf"]
    shutil.rmtree(tmp_path / "o")
