"""`build.py init`: a new reader that builds at once, with the engine's default styles."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pypdf
from conftest import Built, run_build
from epubcheck_verdict import problems
from lxml import etree


def test_init_then_build_gives_a_valid_epub_and_an_a4_pdf(tmp_path: Path) -> None:
    root = tmp_path / "influenza"
    done = run_build("init", str(root), "--title", "The 1918 Influenza", "--lang", "en-GB")
    assert done.returncode == 0, done.stderr
    assert f"created a new reader in {root}" in done.stderr
    assert not (root / "styles").exists()  # the defaults are the engine's
    checked = run_build("check", "--root", str(root), "--strict")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.splitlines() == ["check passed: 0 errors, 0 warnings"]
    built = run_build("all", "--root", str(root), "--strict")
    assert built.returncode == 0, built.stderr
    book = Built(root, root / "dist" / "the-1918-influenza.pdf",
                 root / "dist" / "the-1918-influenza.epub")
    assert problems(book.epub) == []
    text = book.pdf_text()
    assert "The 1918 Influenza" in text and "A First Source" in text
    # en-GB: A4 paper without page_size in book.yaml.
    page = pypdf.PdfReader(book.pdf).pages[0]
    assert round(float(page.mediabox.width)) == 595
    files = book.epub_files()
    source = etree.fromstring(files["EPUB/src-first-source.xhtml"].encode())
    assert "where your first excerpt will go" in " ".join("".join(source.itertext()).split())
    assert 'id="ann-first-note"' in files["EPUB/src-first-source.xhtml"]
    assert "excerpt" in files["EPUB/glossary.xhtml"]
    assert "This reader was started." in files["EPUB/timeline.xhtml"]


def test_each_init_has_a_fresh_identifier_and_commented_fields(tmp_path: Path) -> None:
    identifiers = []
    for name in ("one", "two"):
        assert run_build("init", str(tmp_path / name)).returncode == 0
        book_yaml = (tmp_path / name / "book" / "book.yaml").read_text(encoding="utf-8")
        found = re.search(r'^identifier: "urn:uuid:([0-9a-f-]+)"$', book_yaml, flags=re.M)
        assert found is not None
        identifiers.append(str(uuid.UUID(found.group(1))))
        assert 'title: "A New Reader"' in book_yaml and "lang: en-US" in book_yaml
        # Every field of book.yaml (or group of fields) has a comment just above it.
        lines = book_yaml.split("\n")
        for number, line in enumerate(lines):
            if re.match(r"^[a-z_]+:", line):
                above = number - 1
                while re.match(r"^[a-z_]+:", lines[above]):
                    above -= 1
                assert lines[above].startswith("#"), line
    assert identifiers[0] != identifiers[1]


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    done = run_build("init", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr == (f"build.py: error: {tmp_path} is not empty; give a new folder's "
                           "name, or an empty one\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_help_lists_every_command_with_its_options_and_examples() -> None:
    done = run_build("--help")
    assert done.returncode == 0
    for usage in ("build.py all [-h] [--root ROOT]", "build.py watch [-h]",
                  "build.py check [-h] [--root ROOT] [--strict]",
                  "build.py clean-source [-h] [-o OUTPUT] raw",
                  "build.py init [-h] [--title TITLE] [--lang LANG] folder"):
        assert usage in done.stdout
    assert 'python build.py init ../influenza --title "The 1918 Influenza" --lang en-GB' \
        in done.stdout
    assert ". .venv/bin/activate" in done.stdout
