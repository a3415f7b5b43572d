"""A reader's styles/ overrides the engine's default styles and templates file by file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import MINI, copy_reader, run_build

from readerkit import stylefiles
from readerkit.stylefiles import DEFAULT_STYLES

TITLE = "styles/templates/epub/title.xhtml.j2"
OWN_TITLE = """{% extends "epub/page.xhtml.j2" %}
{% block content %}
<section epub:type="titlepage" class="title-page" id="title-page" aria-label="Title page">
  <h1 class="book-title">{{ meta.title }}</h1>
  <p class="own-title-line">A reader with a title page of its own</p>
</section>
{% endblock %}
"""


def _epub(root: Path) -> dict[str, str]:
    done = run_build("epub", "--root", str(root))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(root / "dist" / "pump-reader.epub") as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_a_reader_overriding_one_template_keeps_every_other_default(tmp_path: Path) -> None:
    plain = copy_reader(MINI, tmp_path / "plain")
    own = copy_reader(MINI, tmp_path / "own")
    (own / TITLE).parent.mkdir(parents=True)
    (own / TITLE).write_text(OWN_TITLE, encoding="utf-8")
    default, overridden = _epub(plain), _epub(own)
    assert "own-title-line" in overridden["EPUB/title.xhtml"]
    assert "own-title-line" not in default["EPUB/title.xhtml"]
    # Every other page and the stylesheet are the defaults' output.
    others = sorted(name for name in default if name != "EPUB/title.xhtml")
    assert others == sorted(name for name in overridden if name != "EPUB/title.xhtml")
    assert [default[name] for name in others] == [overridden[name] for name in others]
    assert overridden["EPUB/css/epub.css"] == (DEFAULT_STYLES / "epub.css").read_text()


def test_resolve_prefers_the_readers_file(tmp_path: Path) -> None:
    styles = tmp_path / "styles"
    (styles / "templates").mkdir(parents=True)
    (styles / "print.css").write_text("p { color: black }")
    assert stylefiles.resolve(styles, "print.css") == styles / "print.css"
    assert stylefiles.resolve(styles, "epub.css") == DEFAULT_STYLES / "epub.css"
    files = stylefiles.effective_files(styles)
    assert files["print.css"] == styles / "print.css"
    assert files["templates/print.html.j2"] == DEFAULT_STYLES / "templates/print.html.j2"


def test_t003_a_template_failing_while_rendering_names_its_file_and_line(
        tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    (root / TITLE).parent.mkdir(parents=True)
    (root / TITLE).write_text(OWN_TITLE.replace("{{ meta.title }}", "{{ meta.title.missing }}"),
                              encoding="utf-8")
    done = run_build("epub", "--root", str(root))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    at = next(n for n, line in enumerate(lines) if " T003 " in line)
    assert lines[at:at + 2] == [
        "styles/templates/epub/title.xhtml.j2:4: T003 template failed: 'str object' has no "
        "attribute 'missing'",
        "    hint: compare with the default of the same name in "
        "readerkit/default_styles/templates/",
    ]
    assert "internal error" not in done.stderr
    assert not (root / "dist").exists()
