"""Markdown images as figures in both formats: alt text, caption, the files, the scaling."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pypdf
import pytest
from conftest import MINI, Built, copy_reader, run_build
from epubcheck_verdict import problems
from lxml import etree
from pypdf.generic import ContentStream

from readerkit.check.provenance import excerpt_passages

XHTML = {"x": "http://www.w3.org/1999/xhtml"}
MAP_ALT = "A map of the streets around the pump"
MAP_CAPTION = "Snow's map of the deaths, 1854"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain RGB PNG (no imaging library needed)."""
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def add_images(root: Path) -> None:
    (root / "sources" / "images").mkdir()
    (root / "book" / "images").mkdir()
    (root / "sources" / "images" / "map.png").write_bytes(png(1200, 800, (200, 30, 30)))
    (root / "book" / "images" / "pump.png").write_bytes(png(40, 60, (30, 30, 200)))
    with (root / "sources" / "snow-letter.md").open("a", encoding="utf-8") as stream:
        stream.write(f'\n![{MAP_ALT}](images/map.png "{MAP_CAPTION}")\n')
    with (root / "book" / "introduction.md").open("a", encoding="utf-8") as stream:
        stream.write("\n![The pump on Broad Street](images/pump.png)\n")


@pytest.fixture(scope="module")
def pictured(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = copy_reader(MINI, tmp_path_factory.mktemp("images") / "reader")
    add_images(root)
    done = run_build("all", "--root", str(root))
    assert done.returncode == 0, done.stderr
    return Built(root, root / "dist" / "pump-reader.pdf", root / "dist" / "pump-reader.epub")


def test_epub_carries_each_image_in_its_manifest_and_figures(pictured: Built) -> None:
    files = pictured.epub_files()
    opf = etree.fromstring(files["EPUB/content.opf"].encode())
    items = {item.get("href"): item.get("media-type") for item in
             opf.iterfind(".//{http://www.idpf.org/2007/opf}item")}
    assert items["sources/images/map.png"] == "image/png"
    assert items["book/images/pump.png"] == "image/png"
    assert "EPUB/sources/images/map.png" in files and "EPUB/book/images/pump.png" in files
    page = etree.fromstring(files["EPUB/src-snow-letter.xhtml"].encode())
    (figure,) = page.xpath('//x:figure[@class="figure"]', namespaces=XHTML)
    (img,) = figure.xpath("x:img", namespaces=XHTML)
    assert (img.get("src"), img.get("alt")) == ("sources/images/map.png", MAP_ALT)
    assert figure.xpath("string(x:figcaption)", namespaces=XHTML) == MAP_CAPTION
    # A figure is not a numbered paragraph of the excerpt.
    assert not figure.xpath("ancestor-or-self::*[@id][starts-with(@id, 'p-')]",
                            namespaces=XHTML)
    intro = etree.fromstring(files["EPUB/introduction.xhtml"].encode())
    assert intro.xpath("//x:figure/x:img/@alt", namespaces=XHTML) == ["The pump on Broad Street"]
    assert not intro.xpath("//x:figure/x:figcaption", namespaces=XHTML)  # no title, no caption
    assert 'property="schema:accessibilityFeature">alternativeText<' in files["EPUB/content.opf"]
    assert problems(pictured.epub) == []


Matrix = tuple[float, float, float, float, float, float]


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m then n, as PDF's `cm` composes them."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)


def _drawn_images(reader: pypdf.PdfReader) -> dict[tuple[int, int], tuple[float, float, float]]:
    """(pixel width, height) of each image drawn -> (page width, left x, drawn width) in pt."""
    drawn = {}
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        ctm: Matrix = (1, 0, 0, 1, 0, 0)
        saved: list[Matrix] = []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                saved.append(ctm)
            elif operator == b"Q":
                ctm = saved.pop()
            elif operator == b"cm":
                ctm = _times(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif operator == b"Do" and operands[0] in xobjects:
                image = xobjects[operands[0]].get_object()
                if image.get("/Subtype") == "/Image":  # the unit square, through the CTM
                    drawn[(image["/Width"], image["/Height"])] = (
                        float(page.mediabox.width), ctm[4], abs(ctm[0]))
    return drawn


def test_pdf_draws_each_image_within_the_text_block_with_its_caption(pictured: Built) -> None:
    drawn = _drawn_images(pypdf.PdfReader(pictured.pdf))
    assert set(drawn) == {(1200, 800), (40, 60)}
    page_width, x, width = drawn[(1200, 800)]
    # 1200 px is 900 pt at 96 px per inch: scaled down to the text block, inside the margins.
    assert 400 < width < page_width - 2 * 54 and x >= 54 and x + width <= page_width - 54
    assert drawn[(40, 60)][2] == pytest.approx(30, abs=0.5)  # a small image keeps its size
    assert MAP_CAPTION.replace("'", "’") in pictured.pdf_text() or MAP_CAPTION in \
        pictured.pdf_text()


def test_an_image_in_an_excerpt_is_not_checked_against_the_capture() -> None:
    body = f'Words of the capture here.\n\n![{MAP_ALT}](images/map.png "{MAP_CAPTION}")\n'
    assert [text for _, text in excerpt_passages(body)] == ["Words of the capture here."]
