"""The Cuban Missile Crisis reader itself: its captures, excerpts and editorial apparatus."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, Built, print_html, run_build
from epubcheck_verdict import problems

from readerkit.diagnostics import Diagnostics
from readerkit.load.project import load_project

RAW = REPO / "sources" / "raw"
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def project():  # type: ignore[no-untyped-def]
    loaded = load_project(REPO, Diagnostics(REPO))
    assert loaded is not None
    return loaded


def test_raw_captures_are_kept_byte_for_byte() -> None:
    sums = dict(reversed(line.split()) for line in (RAW / "SHA256SUMS").read_text().splitlines())
    assert len(sums) == 5
    for name, digest in sums.items():
        assert hashlib.sha256((RAW / name).read_bytes()).hexdigest() == digest, name
    if SEEDS.is_dir():  # beside a checkout in the workplace and in CI
        seeds = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.glob("*.txt")}
        assert seeds == set(sums.values())


def test_every_source_names_its_capture_and_check_verifies_it(project) -> None:  # type: ignore[no-untyped-def]
    captured = {s.captured_from for s in project.sources.values()}
    assert {f"raw/{name}" for name in (p.name for p in RAW.glob("*.txt"))} <= captured
    done = run_build("check", "--strict")
    assert done.returncode == 0, done.stderr


def test_a_reworded_excerpt_is_an_error_showing_the_captures_wording(tmp_path: Path) -> None:
    root = tmp_path / "reader"
    for part in ("book", "sources", "styles"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "bibliography.bib", root)
    essay = root / "sources" / "diplo-article.md"
    text = essay.read_text()
    assert "the world held its breath" in text
    essay.write_text(text.replace("the world held its breath", "the world was holding its breath"))
    line = next(n for n, row in enumerate(essay.read_text().split("\n"), 1) if "holding its" in row)
    done = run_build("check", "--root", str(root))
    assert done.returncode == 1
    assert (
        f"sources/diplo-article.md:{line}: Q001 passage is not verbatim in "
        "raw/diplo-triumph-of-diplomacy.txt:" in done.stderr
    )
    assert "the world held its breath as the two superpowers" in done.stderr.split("hint:")[1]


def test_primary_secondary_and_attributed_sources(project) -> None:  # type: ignore[no-untyped-def]
    kinds = Counter(s.kind for s in project.sources.values())
    assert kinds["primary"] >= 2 and kinds["secondary"] >= 5
    assert project.sources["kennedy-remarks-diplo"].kind == "attributed"  # no document found
    for source in project.sources.values():
        assert source.rights, source.id
        if source.kind == "primary":  # each reached us inside another text, which it names
            assert "quoted" in source.title.lower(), source.id
            assert source.quoted_in in project.bibliography, source.id


def test_source_headers_say_how_each_text_reached_the_reader(reader: Built) -> None:
    from lxml import html as lxml_html

    text = re.sub(r"-\s+", "-", " ".join(reader.pdf_text().split()))
    assert "Attributed words, not a document" in text
    assert "As quoted in: Office of the Historian" in text
    assert "Text cleaned from the capture sources/raw/milestones-cuban-missile-crisis.txt." in text
    pages = [lxml_html.fromstring(v.encode()) for k, v in reader.epub_files().items()
             if k.endswith(".xhtml")]

    def header(source_id: str) -> tuple[str, str]:
        for page in pages:
            found = page.xpath(f'//*[@id="src-{source_id}"]')
            if found:
                kind = found[0].xpath('.//*[contains(@class, "source-kind")]')[0].text_content()
                cite = found[0].xpath('.//*[@class="source-citation"]')[0].text_content()
                return kind, " ".join(cite.split())
        raise AssertionError(source_id)

    kind, cite = header("khrushchev-letter-1962-10-26")
    assert kind == "Primary source"
    assert cite.startswith("From: Khrushchev, Nikita S.")
    assert "As quoted in: Office of the Historian" in cite
    assert cite.endswith("Text cleaned from the capture "
                         "sources/raw/milestones-cuban-missile-crisis.txt.")
    kind, cite = header("kennedy-remarks-diplo")
    assert kind == "Attributed words, not a document" and "As quoted in" not in cite
    assert cite.endswith("sources/raw/diplo-triumph-of-diplomacy.txt.")


def test_apparatus_counts(project) -> None:  # type: ignore[no-untyped-def]
    kinds = Counter(a.kind for a in project.annotations)
    assert len(project.annotations) >= 40
    assert set(kinds) == {"gloss", "context", "discrepancy", "question", "crossref"}
    assert any(a.audience == "instructor" and a.kind == "question" for a in project.annotations)
    terms = {e.term for e in project.glossary} | {a for e in project.glossary for a in e.aliases}
    assert len(project.glossary) >= 20
    for needed in (
        "DEFCON",
        "IRBM",
        "MRBM",
        "ExComm",
        "U-2",
        "IL-28",
        "Operation Mongoose",
        "Bay of Pigs",
        "SAC",
    ):
        assert any(needed.lower() in t.lower() for t in terms), needed
    assert any(
        "quarantine" in e.term.lower() and "blockade" in (e.definition + " ".join(e.see)).lower()
        for e in project.glossary
    )
    dates = [e.date for e in project.timeline]
    assert len(dates) >= 20 and "1962-11-20" in dates
    assert any(d.startswith("1962-07") for d in dates) and any(
        d.startswith("1963-04") for d in dates
    )
    assert all(e.sources for e in project.timeline)
    assert len(project.book.parts) >= 3


def test_reader_pdf_and_epub(reader: Built) -> None:
    assert problems(reader.epub) == []
    text = reader.pdf_text()
    for expected in (
        "Credits and permissions",
        "Timeline",
        "Glossary",
        "Bibliography",
        "DEFCON",
        "Dobbs, Michael. One Minute to Midnight",
    ):
        assert expected in text, expected


def test_reader_anchor_ids_in_print_and_epub(reader: Built, project) -> None:  # type: ignore[no-untyped-def]
    html = print_html(REPO)
    xhtml = "".join(v for k, v in reader.epub_files().items() if k.endswith(".xhtml"))
    # Instructor annotations are the instructor edition's alone (tests/test_editions.py).
    ids = [f"ann-{a.id}" for a in project.annotations if a.audience != "instructor"]
    ids += [f"p-{sid}-1" for sid in project.sources]
    ids += [f"gloss-{e.slug}" for e in project.glossary]
    ids += [f"tl-{n}" for n in range(1, len(project.timeline) + 1)]
    for anchor in ids:
        assert re.search(f'id="{anchor}"', html), anchor
        assert re.search(f'id="{anchor}"', xhtml), anchor


def test_clean_source_reports_what_it_removed(tmp_path: Path) -> None:
    raw = RAW / "milestones-cuban-missile-crisis.txt"
    done = run_build("clean-source", str(raw), "-o", str(tmp_path / "draft.md"))
    assert done.returncode == 0, done.stderr
    draft = (tmp_path / "draft.md").read_text()
    assert draft.startswith("---\n")
    assert "captured_from" in draft
    assert "Mcoc Immunity Chart" not in draft and "Laurine Ryan" not in draft
    assert "The Cuban Missile Crisis of October 1962 was a direct and dangerous" in draft
    assert "removed (link-farm" in done.stderr
