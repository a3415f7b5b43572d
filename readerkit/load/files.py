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
        diags.error(
            path,
            line,
            "F001",
            f"file is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
            "save the file as UTF-8 in your editor",
        )
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")
