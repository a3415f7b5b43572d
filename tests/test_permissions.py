"""Course packs: `build.py permissions` (table and CSV) and W005 on a `--print-shop` build."""

from __future__ import annotations

import csv
from pathlib import Path

import pypdf
import pytest
from conftest import MINI, Built, copy_reader, run_build

from readerkit.diagnostics import Diagnostics
from readerkit.pipeline import load_checked
from readerkit.tools import permissions

WORDS = [
    ("plain words", "The pump stood here.", 4),
    ("a cut mark is no word", "[…] The pump […]", 2),
    ("abbreviations and hyphenated words are one", "U.S.-Soviet relations", 2),
    ("apostrophes inside a word", "Khrushchev’s letter, Kennedy's reply", 4),
    ("numbers count", "On 22 October 1962", 4),
    ("punctuation alone is nothing", "— … ; :", 0),
]


@pytest.mark.parametrize(("case", "text", "count"), WORDS, ids=[w[0] for w in WORDS])
def test_words_in(case: str, text: str, count: int) -> None:
    assert permissions.words_in(text) == count


PUMP = "sources/pump-essay.md"
OPENINGS = ("Part ", "Primary source", "Secondary source", "Attributed words", "Timeline",
            "Glossary", "Bibliography")
W005 = [
    ("licensed: nothing to say", "permission: licensed", []),
    ("cleared: nothing to say", "permission: cleared", []),
    ("requested", "permission: requested", [
        "sources/pump-essay.md:8: W005 (warning) source 'pump-essay' is printed for a print "
        "shop, but its permission is 'requested'\n    hint: clear the rights with the rights "
        "holder and write 'permission: cleared' (or 'licensed'), or leave the source out"]),
    ("fair use is not a copy shop's permission", "permission: fair-use", [
        "sources/pump-essay.md:8: W005 (warning) source 'pump-essay' is printed for a print "
        "shop, but its permission is 'fair-use'\n    hint: clear the rights with the rights "
        "holder and write 'permission: cleared' (or 'licensed'), or leave the source out"]),
    ("no permission at all", "", [
        "sources/pump-essay.md:1: W005 (warning) source 'pump-essay' is printed for a print "
        "shop, but its permission is not given\n    hint: clear the rights with the rights "
        "holder and write 'permission: cleared' (or 'licensed'), or leave the source out"]),
]


@pytest.mark.parametrize(("case", "line", "expected"), W005, ids=[w[0] for w in W005])
def test_w004(case: str, line: str, expected: list[str], tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    path = root / PUMP
    path.write_text(path.read_text(encoding="utf-8").replace("permission: licensed", line),
                    encoding="utf-8")
    project, _ = load_checked(root)
    diags = Diagnostics(root.resolve())
    permissions.print_shop_warnings(project, diags)
    assert [d.format() for d in diags.sorted()] == expected


def test_a_print_shop_build_warns_and_strict_refuses(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    path = root / PUMP
    path.write_text(path.read_text(encoding="utf-8").replace("licensed", "requested"),
                    encoding="utf-8")
    done = run_build("pdf", "--root", str(root), "--print-shop")
    assert done.returncode == 0 and "W005 (warning) source 'pump-essay'" in done.stderr
    assert "W005" not in run_build("epub", "--root", str(root), "--print-shop").stderr
    strict = run_build("pdf", "--root", str(root), "--print-shop", "--strict")
    assert strict.returncode == 1 and "W005" in strict.stderr


def _table(root: Path, out: Path) -> list[dict[str, str]]:
    done = run_build("permissions", "--root", str(root), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "print pages" in done.stdout  # the table, for the terminal
    with (out / next(p.name for p in out.glob("*-permissions.csv"))).open() as stream:
        return list(csv.DictReader(stream))


@pytest.mark.parametrize("which", ["mini", "reader"])
def test_page_counts_match_the_pdf(which: str, mini: Built, reader: Built,
                                   tmp_path: Path) -> None:
    built = mini if which == "mini" else reader
    rows = _table(built.root, tmp_path)
    project, _ = load_checked(built.root)
    pdf = pypdf.PdfReader(built.pdf)
    labels = list(pdf.page_labels)
    texts = [page.extract_text() or "" for page in pdf.pages]
    assert [row["source"] for row in rows] == [sid for part in project.book.parts
                                               for sid in part.sources]
    for row in rows:
        first, _, last = row["print pages"].partition("–")
        start, end = labels.index(first), labels.index(last or first)
        assert int(row["page count"]) == end - start + 1
        title = project.sources[row["source"]].title
        assert " ".join(texts[start].split()).find(" ".join(title.split()[:4])) >= 0, row
        after = texts[end + 1] if end + 1 < len(texts) else ""
        # The page after the last is a blank verso or the opening page of the next unit.
        lines = [line.strip() for line in after.split("\n")[:12]]  # a chart's labels first
        assert not after.strip() or any(line.startswith(OPENINGS) for line in lines), row
        source = project.sources[row["source"]]
        assert row["permission"] == (source.permission or "(none)")
        assert row["rights holder"] == source.rights_holder
    if which == "reader":  # the reader's sources say what their captures support
        by_id = {row["source"]: row for row in rows}
        assert by_id["milestones-essay"]["permission"] == "public-domain"
        assert by_id["diplo-article"]["rights holder"] == "DiploFoundation"
        assert 0 < int(by_id["milestones-essay"]["words quoted"]) < int(
            by_id["milestones-essay"]["capture words"])
