"""Incremental builds: a cached rebuild gives exactly the bytes of a cold build of the same
content (PDF, and the EPUB with its print page-list), and a build with nothing changed does
nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
import pytest
from conftest import MINI, copy_reader, run_build

from readerkit import cache
from readerkit.pipeline import Target, WatchSession, build
from readerkit.stylefiles import DEFAULT_STYLES

LONG_NOTE = ("Snow counted the deaths house by house, and this note is long on purpose so that "
             "it pushes the text after it onto later pages. " * 200).strip()


def _edit_note(root: Path, old: str, new: str) -> None:
    path = root / "book" / "annotations" / "snow-letter.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _outputs(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_reader(MINI, tmp_path_factory.mktemp("cached") / "reader")


def test_incremental_rebuild_equals_a_cold_build(reader: Path, tmp_path: Path) -> None:
    first = build(reader)
    assert not first.up_to_date and len(first.outputs) == 2
    units = first.laid_out
    assert "src-snow-letter" in units and "glossary" in units and "contents" in units
    pages_before = len(pypdf.PdfReader(reader / "dist" / "pump-reader.pdf").pages)
    _edit_note(reader, "Snow counted the deaths house by house [@snow1855, 39].",
               f"{LONG_NOTE} [@snow1855, 39].")
    epub_only = build(reader, targets=[Target("epub")], out_dir=tmp_path / "epub-only")
    # Only the source holding the note is laid out again, although every later page moved:
    # the glossary and contents print new page numbers, so they are laid out again too.
    assert epub_only.laid_out[0] == "src-snow-letter"
    assert "src-pump-essay" not in epub_only.laid_out
    both = build(reader)
    assert "pandoc" in both.cache_hits  # the Pandoc batch is reused; the PDF needs every page
    cold_root = copy_reader(reader, tmp_path / "cold")
    cold = build(cold_root, use_cache=False)
    assert not (cold_root / ".cache").exists()
    assert _outputs(reader / "dist") == _outputs(cold_root / "dist")
    cold_epub = (cold_root / "dist" / "pump-reader.epub").read_bytes()
    assert epub_only.outputs[0].read_bytes() == cold_epub
    # the long note really moved pages, so a stale page-list would have been caught
    assert len(pypdf.PdfReader(cold.outputs[-1]).pages) > pages_before
    shutil.rmtree(cold_root)


def test_a_note_edit_with_the_same_pages_lays_out_one_unit(reader: Path, tmp_path: Path) -> None:
    build(reader, targets=[Target("epub")])
    _edit_note(reader, "The date of the removal, 8 September 1854, is not given here.",
               "The date of the removal (8 September 1854) is not given here.")
    again = build(reader, targets=[Target("epub")])
    assert again.laid_out == ["src-snow-letter"]


def test_watch_memo_lays_out_only_the_changed_unit_for_the_pdf_too(reader: Path,
                                                                     tmp_path: Path) -> None:
    session = WatchSession()
    build(reader, watch=session)
    _edit_note(reader, "The date of the removal", "The day of the removal")
    again = build(reader, watch=session)
    assert again.laid_out == ["src-snow-letter"] and len(again.outputs) == 2
    cold_root = copy_reader(reader, tmp_path / "cold")
    build(cold_root, use_cache=False)
    assert _outputs(reader / "dist") == _outputs(cold_root / "dist")


def test_no_op_rebuild_does_nothing(reader: Path) -> None:
    build(reader)
    pdf = reader / "dist" / "pump-reader.pdf"
    stamp = pdf.stat().st_mtime_ns
    again = build(reader)
    assert again.up_to_date and again.outputs == []
    assert pdf.stat().st_mtime_ns == stamp
    done = run_build("all", "--root", str(reader))
    assert done.returncode == 0 and "up to date" in done.stderr


def test_a_changed_or_missing_output_is_rebuilt(reader: Path) -> None:
    build(reader)
    pdf = reader / "dist" / "pump-reader.pdf"
    good = pdf.read_bytes()
    pdf.write_bytes(b"damaged")
    again = build(reader)
    assert not again.up_to_date and pdf.read_bytes() == good
    pdf.unlink()
    assert not build(reader).up_to_date and pdf.read_bytes() == good


def test_print_style_change_invalidates_the_layout(reader: Path) -> None:
    build(reader)
    # The reader overrides the default print stylesheet with one of its own.
    css = reader / "styles" / "print.css"
    original = (DEFAULT_STYLES / "print.css").read_text(encoding="utf-8")
    try:
        css.write_text(original + "\n.source p { font-size: 20pt; }\n", encoding="utf-8")
        changed = build(reader, targets=[Target("epub")], out_dir=reader.parent / "css-epub")
        assert "src-pump-essay" in changed.laid_out and "unit" not in changed.cache_hits
        build(reader)
        cold_root = copy_reader(reader, reader.parent / "cold-css")
        build(cold_root, use_cache=False)
        assert _outputs(reader / "dist") == _outputs(cold_root / "dist")
    finally:
        css.unlink()


def test_keys_depend_on_engine_and_damaged_entries_are_misses(tmp_path: Path) -> None:
    store = cache.Cache(tmp_path / "c")
    entry = cache.key("x", "same input")
    assert entry == cache.key("x", "same input") != cache.key("x", "other input")
    assert cache.key("ab", "c") != cache.key("a", "bc")
    store.put("kind", entry, b"not a pickle")
    assert store.get("kind", entry) == b"not a pickle"
    assert store.get_object("kind", entry) is None
    for number in range(cache.KEEP_PER_KIND + 3):
        store.put_object("many", f"k{number}", number)
    assert len(list((tmp_path / "c" / "many").iterdir())) == cache.KEEP_PER_KIND
    assert cache.Cache(tmp_path / "off", enabled=False).get("kind", entry) is None
