"""Reproducible zip archives, shared by the formats that ship one (the EPUB, the web edition's
LMS package): entries in name order, fixed dates and permissions, so that the same files give
the same bytes from any folder at any time."""

from __future__ import annotations

import io
import zipfile

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry


def reproducible_zip(entries: dict[str, bytes], *,
                     stored_first: tuple[str, bytes] | None = None) -> bytes:
    """The entries deflated in name order; `stored_first` (name, data) goes first, stored
    uncompressed (an EPUB's `mimetype`, as OCF requires)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if stored_first is not None:
            name, data = stored_first
            archive.writestr(zipfile.ZipInfo(name, FIXED_ZIP_TIME), data,
                             compress_type=zipfile.ZIP_STORED)
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name], compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
