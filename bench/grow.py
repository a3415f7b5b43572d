#!/usr/bin/env python3
"""Grow a reader N-fold: every source copied with a new id, its annotations with new ids, every
part repeated. Same text, so pages, notes and glossary links grow in proportion.

    python bench/grow.py SOURCE_READER TARGET [--times 4]
"""

from __future__ import annotations

import argparse
import copy as copying
import shutil
from pathlib import Path

import yaml


def grow(source: Path, target: Path, times: int = 4) -> Path:
    if target.exists():
        shutil.rmtree(target)
    for name in ("book", "sources", "styles"):
        shutil.copytree(source / name, target / name)
    shutil.copy2(source / "bibliography.bib", target / "bibliography.bib")
    book_path = target / "book" / "book.yaml"
    book = yaml.safe_load(book_path.read_text(encoding="utf-8"))
    parts = []
    for copy in range(1, times + 1):
        suffix = "" if copy == 1 else f"-x{copy}"
        for part in book["parts"]:
            grown = copying.deepcopy(part)  # shared lists would be dumped as YAML aliases
            if copy > 1:
                grown["title"] = f"{part['title']} ({copy})"
            grown["sources"] = [f"{sid}{suffix}" for sid in part["sources"]]
            parts.append(grown)
            if copy == 1:
                continue
            for sid in part["sources"]:
                text = (source / "sources" / f"{sid}.md").read_text(encoding="utf-8")
                head, _, body = text.partition("\ntitle: ")
                title, _, rest = body.partition("\n")
                text = f"{head}\ntitle: {title.rstrip()[:-1]} ({copy})\"\n{rest}" if (
                    title.startswith('"')) else f"{head}\ntitle: {title} ({copy})\n{rest}"
                (target / "sources" / f"{sid}{suffix}.md").write_text(text, encoding="utf-8")
                notes_path = source / "book" / "annotations" / f"{sid}.yaml"
                if notes_path.is_file():
                    notes = yaml.safe_load(notes_path.read_text(encoding="utf-8")) or []
                    for note in notes:
                        note["id"] = f"{note['id']}{suffix}"
                    (target / "book" / "annotations" / f"{sid}{suffix}.yaml").write_text(
                        yaml.safe_dump(notes, allow_unicode=True, sort_keys=False, width=100),
                        encoding="utf-8")
    book["parts"] = parts
    book["slug"] = f"{book.get('slug', 'reader')}-x{times}"
    book_path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False),
                         encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--times", type=int, default=4)
    options = parser.parse_args()
    print(grow(options.source, options.target, options.times))


if __name__ == "__main__":
    main()
