"""Reading the editor's files safely: inside the project, not too large, valid UTF-8."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from readerkit.diagnostics import Diagnostics

MAX_FILE_BYTES = 2_000_000  # far above any real excerpt; stops a runaway file early


def inside(root: Path, path: Path) -> bool:
    """True when `path`, with every symlink followed, stays under `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def lexically_inside(root: Path, path: Path) -> bool:
    """True when `path` as written (.., absolute) stays under `root`; symlinks are not followed
    here (read_text refuses those that lead out, naming the link)."""
    try:
        Path(os.path.normpath(os.path.abspath(path))).relative_to(root.resolve())
    except ValueError:
        return False
    return True


RESAVE_HINT = ("open it in your editor and save it again as UTF-8 (\"Save As\", then "
               "Encoding: UTF-8; in TextEdit: Plain Text Encoding: Unicode (UTF-8))")


def not_utf8_message(data: bytes, offset: int) -> str:
    """What a file that is not UTF-8 most likely is, shown by its first bad byte."""
    byte = data[offset]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data.count(b"\0") > len(data) // 4:
        return "file is not UTF-8: it looks like UTF-16 (two bytes per letter)"
    for name, codec in (("Windows-1252 (Western European, as Word and Notepad save it)",
                         "cp1252"), ("Latin-1 (ISO 8859-1)", "latin-1")):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        letter = bytes([byte]).decode(codec)
        shown = f" would be {letter!r}" if letter.isprintable() else ""
        return (f"file is not UTF-8: it looks like {name}; byte 0x{byte:02x} at offset "
                f"{offset}{shown}")
    return f"file is not UTF-8 (byte 0x{byte:02x} at offset {offset})"


def read_text(root: Path, path: Path, diags: Diagnostics) -> str | None:
    """The file's text, or None after reporting why it cannot be used."""
    if not inside(root, path):
        diags.error(
            path,
            0,
            "F003",
            "file lies outside the project (a symlink or path leading out of it)",
            "copy the file into the project instead of linking to it",
        )
        return None
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            # A FIFO or device would block or never end: only plain files are content.
            diags.error(path, 0, "F004", "cannot read file: it is not a regular file")
            return None
        size = status.st_size
        if size <= MAX_FILE_BYTES:
            with path.open("rb") as stream:
                data = stream.read(MAX_FILE_BYTES + 1)  # the file may grow after stat()
            size = max(size, len(data))
    except OSError as error:
        diags.error(path, 0, "F004", f"cannot read file: {error.strerror}")
        return None
    if size > MAX_FILE_BYTES:
        diags.error(
            path, 0, "F002", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
            "split the file or cut the excerpt; no content file needs to be this large",
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        diags.error(path, line, "F001", not_utf8_message(data, error.start), RESAVE_HINT)
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")
