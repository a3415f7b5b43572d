"""Content is data: each safety rule of the toolchain, tried with a hostile input.

- a failed build writes nothing over the previous outputs (atomic writes, all-or-nothing);
- YAML is loaded safely (no tags, no aliases, no deep nesting);
- Pandoc runs sandboxed; raw HTML, scripts, event handlers, frames, remote or local resources
  in sources and notes never reach the print HTML, the PDF or the EPUB;
- WeasyPrint fetches nothing from the network and reads no file outside the project;
- ids and paths cannot leave the project; symlinks pointing outside are refused;
- pathological input fails fast with a message.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import MINI, copy_reader
from lxml import etree
from lxml import html as lxml_html

from readerkit import atomic
from readerkit.diagnostics import BuildAborted, Diagnostics
from readerkit.pipeline import assemble_book, build, load_checked
from readerkit.render import pandoc
from readerkit.stylefiles import DEFAULT_STYLES

HOSTILE_TEXT = """

Scripts <script>alert(101)</script> and <img src="http://127.0.0.1:9/x.png" onerror="alert(1)">
and <iframe src="http://127.0.0.1:9/"></iframe> <object data="x.swf"></object> <embed src="y.swf">
<a href="javascript:alert(1)" onclick="alert(2)">raw link</a> <link rel="stylesheet" href="http://127.0.0.1:9/s.css">.

[click](javascript:alert(1)){onclick="alert(2)" style="color:red"} [tab](jav&#x09;ascript:alert(3))
<javascript:alert(4)> [file](file:///etc/passwd) [up](../../../../etc/passwd)
[data](data:text/html,x)
[kept](https://example.org/ok){onmouseover="alert(5)"}

[styled]{onmouseover="alert(7)" style="background:url(http://127.0.0.1:9/bg.png)"}

```{=html}
<script>alert('raw block')</script>
```

`<script>alert('raw inline')</script>`{=html}

| a | b |
|---|---|
| 1 | 2 |

: A table {#hostile-table onclick="alert(8)"}
"""

HOSTILE_NOTE = """- id: essay-hostile
  quote: The map is famous
  note: |
    Note <script>alert(102)</script> <iframe src="http://127.0.0.1:9/"></iframe>
    [go](javascript:alert(9)) <svg onload="alert(10)"></svg>
    [x]{onclick="alert(11)"}
"""

HOSTILE_CSS = """@import url("http://127.0.0.1:9/remote.css");
@import url("file:///etc/passwd");
@font-face { font-family: Stolen; src: url("file:///etc/hostname"); }
body { background-image: url("http://127.0.0.1:9/bg.png"); }
h1 { background-image: url("file:///etc/passwd"); font-family: Stolen, serif; }
"""

UNSAFE_TAGS = {"script", "iframe", "object", "embed", "applet", "frame", "frameset", "form",
               "input", "button", "base", "audio", "video", "source", "track", "portal"}
URL_ATTRIBUTES = {"href", "src", "data", "poster", "srcset", "action", "formaction", "background",
                  "cite", "longdesc", "{http://www.w3.org/1999/xlink}href"}
RESOURCE_ATTRIBUTES = {"src", "data", "poster", "srcset", "background"}


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def unsafe_markup(root: Any) -> list[str]:
    """Everything in an (X)HTML tree that could run script or fetch something from outside."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = _local_name(element.tag)
        if tag in UNSAFE_TAGS:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            short = _local_name(name)
            squeezed = "".join(value.split()).lower()
            if short.startswith("on"):
                found.append(f"<{tag} {short}=...>")
            if name in URL_ATTRIBUTES or short in URL_ATTRIBUTES:
                if squeezed.startswith(("javascript:", "vbscript:", "data:", "file:")):
                    found.append(f"<{tag} {short}={value!r}>")
                if "etc/passwd" in squeezed:
                    found.append(f"<{tag} {short}={value!r}>")
                if short in RESOURCE_ATTRIBUTES and squeezed.startswith(("http:", "https:", "//")):
                    found.append(f"remote resource <{tag} {short}={value!r}>")
            if short == "style" and "url(" in squeezed:
                found.append(f"<{tag} style={value!r}>")
        if tag == "meta" and element.get("http-equiv"):
            found.append(f"<meta http-equiv={element.get('http-equiv')!r}>")
        if tag == "link" and (element.get("href") or "").lower().startswith(("http", "//")):
            found.append(f"remote stylesheet {element.get('href')!r}")
    return found


@dataclass
class HostileBuild:
    root: Path
    out: Path
    print_html: str
    pdf: bytes
    epub: dict[str, bytes]
    asked: list[str]  # every URL WeasyPrint asked the project fetcher for
    fetched: list[str]  # every URL actually read


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileBuild]:
    """The tiny reader with hostile Markdown in a source and a note, and hostile print CSS,
    built in-process (PDF and EPUB) while recording what WeasyPrint tried to fetch."""
    import weasyprint

    from readerkit.formats.print import html
    from readerkit.formats.print.fetcher import ProjectOnlyFetcher

    base = tmp_path_factory.mktemp("hostile")
    root = copy_reader(MINI, base / "reader")
    essay = root / "sources" / "pump-essay.md"
    essay.write_text(essay.read_text(encoding="utf-8").replace(
        "title: The Pump Handle", 'title: "The Pump Handle <script>alert(103)</script>"')
        + HOSTILE_TEXT, encoding="utf-8")
    glossary = root / "book" / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace(
        "contaminated water.", "contaminated water. <iframe src='http://127.0.0.1:9/'></iframe>"
        " [x](javascript:alert(104))"), encoding="utf-8")
    timeline = root / "book" / "timeline.yaml"
    timeline.write_text(timeline.read_text(encoding="utf-8").replace(
        "event: The outbreak begins.",
        "event: \"The outbreak <img src='http://127.0.0.1:9/t.png' onerror='alert(105)'>\""),
        encoding="utf-8")
    notes = root / "book" / "annotations" / "pump-essay.yaml"
    notes.write_text(notes.read_text(encoding="utf-8") + HOSTILE_NOTE, encoding="utf-8")
    css = root / "styles" / "print.css"  # the reader's own, overriding the default
    css.write_text(HOSTILE_CSS + (DEFAULT_STYLES / "print.css").read_text(encoding="utf-8"),
                   encoding="utf-8")
    asked: list[str] = []
    fetched: list[str] = []
    guarded = ProjectOnlyFetcher.fetch
    underlying = weasyprint.URLFetcher.fetch

    def recording_guard(self: Any, url: str, headers: Any = None) -> Any:
        asked.append(url)
        return guarded(self, url, headers)

    def recording_fetch(self: Any, url: str, headers: Any = None) -> Any:
        fetched.append(url)
        return underlying(self, url, headers)

    captured: dict[str, str] = {}
    print_html = html.print_html

    def capture_html(*args: Any, **kwargs: Any) -> str:
        captured["html"] = print_html(*args, **kwargs)
        return captured["html"]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ProjectOnlyFetcher, "fetch", recording_guard)
        patch.setattr(weasyprint.URLFetcher, "fetch", recording_fetch)
        patch.setattr(html, "print_html", capture_html)
        out = base / "out"
        result = build(root, out_dir=out, use_cache=False)
    assert sorted(p.name for p in result.outputs) == ["pump-reader.epub", "pump-reader.pdf"]
    with zipfile.ZipFile(out / "pump-reader.epub") as archive:
        epub = {name: archive.read(name) for name in archive.namelist()}
    yield HostileBuild(root, out, captured["html"], (out / "pump-reader.pdf").read_bytes(), epub,
                       asked, fetched)


HOSTILE_IMAGES = """

![remote image](http://127.0.0.1:9/x.png){onerror="alert(6)"}

![local image](/etc/passwd)

![up and out](images/../../../etc/passwd.png)
"""


def test_hostile_markdown_images_are_refused_at_their_lines(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    essay = root / "sources" / "pump-essay.md"
    first = len(essay.read_text(encoding="utf-8").split("\n"))
    essay.write_text(essay.read_text(encoding="utf-8") + HOSTILE_IMAGES, encoding="utf-8")
    project, diags = load_checked(root)
    assemble_book(project, diags)
    assert [d.format().split("\n")[0] for d in diags.sorted() if d.code == "M004"] == [
        f"sources/pump-essay.md:{first + 2}: M004 image 'http://127.0.0.1:9/x.png' is not a "
        "file of the project",
        f"sources/pump-essay.md:{first + 4}: M004 image '/etc/passwd' is outside "
        "sources/images/",
        f"sources/pump-essay.md:{first + 6}: M004 image 'images/../../../etc/passwd.png' is "
        "outside sources/images/",
    ]


# --- raw HTML and Markdown tricks never reach the outputs --------------------------------------

def test_hostile_markup_is_printed_as_text_in_the_print_html(hostile: HostileBuild) -> None:
    tree = lxml_html.document_fromstring(hostile.print_html)
    assert unsafe_markup(tree) == []
    text = tree.text_content()
    # The editor's raw HTML is data: it shows as the characters typed, not as markup.
    assert "<script>alert(101)</script>" in text
    assert "<script>alert(102)</script>" in text
    assert "The Pump Handle <script>alert(103)</script>" in text
    assert "The outbreak <img src=" in text
    # Links: only the safe one survives as a link; the others keep their words.
    hrefs = [a.get("href") for a in tree.iter("a") if a.get("href")]
    assert "https://example.org/ok" in hrefs
    assert not [h for h in hrefs if not h.startswith(("#", "https://", "http://", "mailto:"))]
    for words in ("click", "tab", "file", "up", "data"):
        assert words in text
    assert not list(tree.iter("img")) or all(
        not (img.get("src") or "").startswith(("http", "/", "file")) for img in tree.iter("img"))


def test_hostile_markup_never_reaches_the_epub(hostile: HostileBuild) -> None:
    pages = {name: data for name, data in hostile.epub.items()
             if name.endswith((".xhtml", ".html", ".svg"))}
    assert pages
    for name, data in pages.items():
        tree = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        assert unsafe_markup(tree) == [], name
    joined = b"".join(pages.values()).decode("utf-8")
    assert "&lt;script&gt;alert(101)&lt;/script&gt;" in joined
    opf = next(data for name, data in hostile.epub.items() if name.endswith(".opf")).decode()
    assert "remote-resources" not in opf
    assert 'href="http' not in opf
    assert not [name for name in hostile.epub if name.startswith("/") or ".." in name]


def test_the_pdf_has_no_script_attachment_or_link_out_of_the_book(hostile: HostileBuild) -> None:
    reader = pypdf.PdfReader(io.BytesIO(hostile.pdf))
    catalog = reader.trailer["/Root"]
    names = catalog.get("/Names")
    names = names.get_object() if names is not None else {}
    assert "/EmbeddedFiles" not in names
    assert "/JavaScript" not in names
    assert "/OpenAction" not in catalog and "/AA" not in catalog
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            assert annotation.get("/Subtype") not in ("/FileAttachment", "/Movie", "/Sound",
                                                      "/RichMedia", "/Screen")
            action = annotation.get("/A")
            if action is not None:
                action = action.get_object()
                assert action.get("/S") in ("/URI", "/GoTo"), action
                if action.get("/S") == "/URI":
                    uris.append(str(action["/URI"]))
    assert "https://example.org/ok" in uris
    assert all(uri.startswith(("http://", "https://", "mailto:")) for uri in uris), uris
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "<script>alert(101)</script>" in text  # shown as text, like any other words
    assert "root:x:0:0" not in text


# --- WeasyPrint reads only the project ---------------------------------------------------------

def test_weasyprint_fetches_nothing_outside_the_project(hostile: HostileBuild) -> None:
    root_url = hostile.root.resolve().as_uri()
    refused = [url for url in hostile.asked if not url.startswith(root_url + "/")]
    # The hostile stylesheet's remote and /etc URLs were asked for, and every one refused.
    assert any(url.startswith("http://127.0.0.1:9/") for url in refused)
    assert "file:///etc/passwd" in refused
    assert all(url.startswith(root_url + "/") for url in hostile.fetched), hostile.fetched


def test_project_only_fetcher_refuses_network_and_files_outside(tmp_path: Path) -> None:
    from readerkit.formats.print.fetcher import ProjectOnlyFetcher

    root = tmp_path / "reader"
    (root / "styles").mkdir(parents=True)
    (root / "styles" / "ok.css").write_text("p { color: black }")
    (root / "styles" / "escape.css").symlink_to("/etc/passwd")
    fetcher = ProjectOnlyFetcher(root)
    for url in ("http://127.0.0.1:9/x.css", "https://example.org/font.woff",
                "ftp://example.org/x", "data:text/css,p{}", "file:///etc/passwd",
                (root / "styles" / "escape.css").as_uri(),
                (root / ".." / ".." / "etc" / "passwd").as_uri()):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    response = fetcher.fetch((root / "styles" / "ok.css").as_uri())
    assert response is not None


# --- all or nothing ----------------------------------------------------------------------------

def test_a_build_failing_after_the_pdf_is_laid_out_writes_nothing(
    hostile: HostileBuild, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readerkit.formats import epub

    before = {p.name: p.read_bytes() for p in hostile.out.iterdir()}

    def broken_package(*args: Any) -> bytes:
        raise RuntimeError("EPUB packaging failed")

    monkeypatch.setattr(epub, "package", broken_package)
    essay = hostile.root / "sources" / "pump-essay.md"
    original = essay.read_text(encoding="utf-8")
    essay.write_text(original.replace("Snow drew a map", "Snow drew a new map"), encoding="utf-8")
    try:
        with pytest.raises(RuntimeError, match="EPUB packaging failed"):
            build(hostile.root, out_dir=hostile.out, use_cache=False)
    finally:
        essay.write_text(original, encoding="utf-8")
    assert {p.name: p.read_bytes() for p in hostile.out.iterdir()} == before


def test_an_interrupted_write_keeps_the_old_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "book.pdf"
    target.write_bytes(b"last good PDF")

    def power_cut(src: Any, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", power_cut)
    with pytest.raises(OSError, match="disk full"):
        atomic.write_atomically(target, b"half a new PDF")
    assert target.read_bytes() == b"last good PDF"
    assert [p.name for p in tmp_path.iterdir()] == ["book.pdf"]  # no temporary left behind


# --- YAML is data ------------------------------------------------------------------------------

@pytest.mark.parametrize(("yaml_text", "message"), [
    ("- term: !!python/object/apply:os.system ['touch PWNED']\n  definition: x\n",
     "book/glossary.yaml:1:9: Y001 malformed YAML: could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("- term: !!python/name:os.system\n  definition: x\n",
     "book/glossary.yaml:1:9: Y001 malformed YAML: could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/name:os.system'"),
    ("a: &a ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']\n"
     "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
     "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
     "book/glossary.yaml:2:8: Y001 YAML aliases (*name) are not allowed in content files"),
    ("x: " + "[" * 5000 + "]" * 5000 + "\n",
     "book/glossary.yaml:1: Y001 nesting deeper than 20 levels"),
    ("x: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n",
     "book/glossary.yaml:1: Y001 nesting deeper than 20 levels"),
])
def test_hostile_yaml_is_refused_fast(yaml_text: str, message: str, tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    (root / "book" / "glossary.yaml").write_text(yaml_text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(BuildAborted) as aborted:
        load_checked(root)
    assert time.perf_counter() - started < 5
    assert [d.format() for d in aborted.value.diagnostics.errors] == [message]
    assert not (root / "PWNED").exists() and not Path("PWNED").exists()


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    big = root / "sources" / "snow-letter.md"
    with big.open("ab") as stream:
        stream.truncate(50 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(BuildAborted) as aborted:
        load_checked(root)
    assert time.perf_counter() - started < 2
    assert [d.format() for d in aborted.value.diagnostics.errors] == [
        "sources/snow-letter.md: F002 file is 52,428,800 bytes; the limit is 2,000,000\n"
        "    hint: split the file or cut the excerpt; no content file needs to be this large"
    ]


def test_deeply_nested_markdown_is_refused_before_pandoc_runs(tmp_path: Path) -> None:
    # Twelve nested brackets keep Pandoc's Markdown reader busy for minutes.
    root = copy_reader(MINI, tmp_path / "reader")
    with (root / "sources" / "snow-letter.md").open("a", encoding="utf-8") as stream:
        stream.write("\n" + "[" * 12 + "x" + "]" * 12 + "\n")
    notes = root / "book" / "annotations" / "snow-letter.yaml"
    notes.write_text(notes.read_text(encoding="utf-8").replace(
        "note: The date", "note: |\n    " + "> " * 500 + "The date"), encoding="utf-8")
    started = time.perf_counter()
    assert [e.split("\n")[0] for e in _errors(root)] == [
        "book/annotations/snow-letter.yaml:8: M001 block quotes nested 500 deep; the limit is 10",
        "sources/snow-letter.md:17: M001 square brackets nested 12 deep; the limit is 4",
    ]
    assert time.perf_counter() - started < 2


def test_the_closest_passage_hint_stays_fast_on_a_source_near_the_size_limit() -> None:
    import random

    from readerkit.render.anchoring import closest_passage

    rng = random.Random(1962)
    vocabulary = ["".join(rng.choice("abcdefghijklmnop") for _ in range(rng.randint(2, 9)))
                  for _ in range(2000)]
    text = " ".join(rng.choice(vocabulary) for _ in range(300_000))[:1_900_000]
    passage = " ".join(text[1_000_000:1_000_200].split(" ")[1:-1])  # whole words
    misquoted = passage.replace("a", "e", 3)
    started = time.perf_counter()
    assert closest_passage(text, misquoted) == passage
    assert time.perf_counter() - started < 10  # every window compared would take minutes


# --- nothing leaves the project ----------------------------------------------------------------

def _errors(root: Path) -> list[str]:
    try:
        load_checked(root)
    except BuildAborted as aborted:
        return [d.format() for d in aborted.diagnostics.sorted() if d.severity == "error"]
    return []


OUTSIDE = "file lies outside the project (a symlink or path leading out of it)\n" \
    "    hint: copy the file into the project instead of linking to it"


@pytest.mark.parametrize(("link", "target_name", "expected"), [
    ("sources/snow-letter.md", "snow-letter.md", [f"sources/snow-letter.md: F003 {OUTSIDE}"]),
    ("book/annotations/snow-letter.yaml", "notes.yaml",
     [f"book/annotations/snow-letter.yaml: F003 {OUTSIDE}"]),
    ("book/book.yaml", "book.yaml", [f"book/book.yaml: F003 {OUTSIDE}"]),
    ("bibliography.bib", "bibliography.bib", [f"bibliography.bib: F003 {OUTSIDE}"]),
    ("book/intros/evidence.md", "evidence.md", [f"book/intros/evidence.md: F003 {OUTSIDE}"]),
])
def test_symlinks_leading_outside_are_refused(link: str, target_name: str,
                                              expected: list[str], tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    outside = tmp_path / "elsewhere" / target_name
    outside.parent.mkdir()
    (root / link).rename(outside)  # same content, now outside the project...
    (root / link).symlink_to(outside)  # ...and reached through a link
    assert _errors(root) == expected


def test_a_symlinked_sources_folder_leading_outside_is_refused(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    (root / "sources").rename(tmp_path / "sources-elsewhere")
    (root / "sources").symlink_to(tmp_path / "sources-elsewhere")
    assert _errors(root) == [f"sources/pump-essay.md: F003 {OUTSIDE}",
                             f"sources/snow-letter.md: F003 {OUTSIDE}"]


def test_a_symlink_inside_the_project_is_fine(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    (root / "book" / "intros" / "evidence.md").rename(root / "book" / "evidence-text.md")
    (root / "book" / "intros" / "evidence.md").symlink_to(root / "book" / "evidence-text.md")
    assert _errors(root) == []


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("intro: intros/evidence.md", "intro: /etc/passwd",
     "book/book.yaml:12: F003 '/etc/passwd' leads outside the project\n"
     "    hint: put the file under book/ and name it relative to that folder"),
    ("introduction: introduction.md", "introduction: ../../../../../../etc/passwd",
     "book/book.yaml:9: F003 '../../../../../../etc/passwd' leads outside the project\n"
     "    hint: put the file under book/ and name it relative to that folder"),
    ("sources: [snow-letter, pump-essay]", "sources: [snow-letter, pump-essay, ../../etc/passwd]",
     "book/book.yaml:13: S001 part 'Evidence' lists source '../../etc/passwd', but "
     "sources/../../etc/passwd.md does not exist"),
])
def test_paths_in_book_yaml_cannot_leave_the_project(old: str, new: str, expected: str,
                                                     tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    book = root / "book" / "book.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert _errors(root) == [expected]


def test_source_ids_are_file_names_that_cannot_name_a_path(tmp_path: Path) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    (root / "sources" / "..hidden.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    assert _errors(root) == [
        "sources/..hidden.md: S005 file name '..hidden.md' is not a valid id\n"
        "    hint: use lowercase letters, digits and hyphens, e.g. kennedy-address.md"
    ]


# --- Pandoc: sandboxed, raw formats off --------------------------------------------------------

def test_pandoc_runs_sandboxed_without_raw_html(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    import subprocess

    seen: list[list[str]] = []
    real_run = subprocess.run

    def spy(args: list[str], **kwargs: Any) -> Any:
        seen.append(list(args))
        return real_run(args, **kwargs)

    monkeypatch.setattr(pandoc.subprocess, "run", spy)
    fragment = pandoc.Fragment("x", "![secret](/etc/passwd) <b onclick='x'>bold</b>", "n-")
    rendered = pandoc.render([fragment], bibliography=None, csl=tmp_path / "none.csl",
                             cwd=tmp_path, lang="en")
    assert seen and "--sandbox" in seen[0]
    reader = seen[0][seen[0].index("--from") + 1]
    assert {"-raw_html", "-raw_attribute", "-raw_tex"} <= {
        "-" + part for part in reader.split("-")[1:]}
    html = rendered.html["x"]
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    assert unsafe_markup(tree) == []
    assert not list(tree.iter("img", "b"))
    # The image comes out only as an inert marker (render/images.py checks it; test above).
    (marker,) = tree.xpath("//span[@data-image-src]")
    assert (marker.get("data-image-src"), marker.text) == ("/etc/passwd", "secret")
    assert tree.text_content() == "secret <b onclick=\u2018x\u2019>bold</b>"


def test_diagnostic_paths_name_the_link_not_its_target(tmp_path: Path) -> None:
    diags = Diagnostics(tmp_path)
    link = tmp_path / "sources" / "x.md"
    link.parent.mkdir()
    link.symlink_to("/etc/hostname")
    assert diags.relative(link) == "sources/x.md"
    assert diags.relative(Path("/etc/hostname")) == "/etc/hostname"
    assert os.path.isabs(diags.relative(Path("/etc/hostname")))
