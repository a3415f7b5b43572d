"""The output formats by name. A new format is one module under formats/ defining a Format
(formats/base.py) as FORMAT, and one entry here.

Modules are imported only when a format is used: the print edition imports WeasyPrint, which
is slow to import.
"""

from __future__ import annotations

import importlib

from readerkit.formats.base import Format

FORMATS: dict[str, str] = {
    "pdf": "readerkit.formats.print.pdf",
    "html": "readerkit.formats.web",
    "epub": "readerkit.formats.epub",
}


def get(name: str) -> Format:
    """The format registered under `name` (KeyError for an unknown name)."""
    module = importlib.import_module(FORMATS[name])
    fmt: Format = module.FORMAT()
    return fmt


def names() -> tuple[str, ...]:
    return tuple(FORMATS)
