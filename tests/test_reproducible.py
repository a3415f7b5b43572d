"""Two builds of the same content, from two different folders and at different times, give
byte-identical PDF and EPUB, with no absolute paths inside."""

from __future__ import annotations

import re
import time
import zipfile
import zlib
from pathlib import Path

from conftest import MINI, copy_reader, run_build


def _build(root: Path) -> tuple[bytes, bytes]:
    done = run_build("all", "--root", str(root), "--no-cache")
    assert done.returncode == 0, done.stderr
    return ((root / "dist" / "pump-reader.pdf").read_bytes(),
            (root / "dist" / "pump-reader.epub").read_bytes())


def _pdf_streams(data: bytes) -> list[bytes]:
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            streams.append(match.group(1))
    return streams


def test_two_folders_give_identical_bytes(tmp_path: Path) -> None:
    first = copy_reader(MINI, tmp_path / "one" / "reader")
    second = copy_reader(MINI, tmp_path / "two" / "deeper" / "reader-copy")
    pdf_one, epub_one = _build(first)
    time.sleep(1.1)  # a clock-dependent timestamp would now differ
    pdf_two, epub_two = _build(second)
    assert pdf_one == pdf_two
    assert epub_one == epub_two
    for absolute in (str(tmp_path).encode(), b"file:"):
        assert absolute not in pdf_one
        assert not any(absolute in stream for stream in _pdf_streams(pdf_one))
        with zipfile.ZipFile(first / "dist" / "pump-reader.epub") as archive:
            for info in archive.infolist():
                assert info.date_time == (1980, 1, 1, 0, 0, 0)
                assert absolute not in archive.read(info), info.filename
