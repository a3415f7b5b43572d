"""`build.py init DIR`: a new reader that builds at once, from the starter files beside this module.

The starter (readerkit/tools/starter/) is one source with an annotation, a glossary entry, a
timeline event, a bibliography entry and an introduction, every field explained in a comment.
It has no styles/: the engine's defaults apply until the editor overrides a file.
"""

from __future__ import annotations

import datetime
import string
import uuid
from pathlib import Path

STARTER = Path(__file__).resolve().parent / "starter"
RENAMED = {"gitignore": ".gitignore"}  # hidden files are shipped under a visible name


class InitRefused(Exception):
    """The folder cannot take a new reader (it is not empty, or it is a file)."""


def starter_files(title: str, lang: str, today: datetime.date) -> dict[str, str]:
    """The new reader's files, by their path inside it, with the placeholders filled in."""
    values = {"title": title.replace("\\", "\\\\").replace('"', '\\"'), "lang": lang,
              "uuid": str(uuid.uuid4()), "date": today.isoformat(), "year": str(today.year)}
    files: dict[str, str] = {}
    for path in sorted(STARTER.rglob("*")):
        if path.is_file():
            name = path.relative_to(STARTER).as_posix()
            files[RENAMED.get(name, name)] = string.Template(
                path.read_text(encoding="utf-8")).substitute(values)
    return files


def init_reader(folder: Path, *, title: str, lang: str,
                today: datetime.date | None = None) -> list[Path]:
    """Write a new reader into `folder` (created if missing; refused unless empty)."""
    if folder.exists() and not folder.is_dir():
        raise InitRefused(f"{folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise InitRefused(f"{folder} is not empty; give a new folder's name, or an empty one")
    written: list[Path] = []
    for name, text in starter_files(title, lang, today or datetime.date.today()).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
