"""Styles and templates: the engine's defaults, overridden file by file by the reader's styles/.

The defaults ship inside the package (`readerkit/default_styles/`). A reader's own `styles/`
holds only the files it changes: `styles/print.css` replaces the default print stylesheet,
`styles/templates/epub/source.xhtml.j2` that one template, and everything else still comes from
the defaults (as MkDocs' `custom_dir` and Sphinx's `templates_path` do).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

DEFAULT_STYLES = Path(__file__).resolve().parent / "default_styles"
TEMPLATES = "templates"
# What only handouts read (formats/print/handout.py): the book's layout does not depend on them.
HANDOUT_STYLES = ("handout.css", "templates/handout.html.j2")


def resolve(styles_dir: Path, name: str) -> Path:
    """The file `name` (e.g. "print.css") as the reader has it, else the engine's default."""
    own = styles_dir / name
    return own if own.is_file() else DEFAULT_STYLES / name


def is_override(styles_dir: Path, path: Path) -> bool:
    """Whether a resolved style file is the reader's own (its mistakes are the editor's to fix)."""
    try:
        path.resolve().relative_to(styles_dir.resolve())
    except ValueError:
        return False
    return True


def template_dirs(styles_dir: Path) -> list[Path]:
    """Where templates are looked for, in order: the reader's, then the defaults."""
    return [styles_dir / TEMPLATES, DEFAULT_STYLES / TEMPLATES]


def effective_files(styles_dir: Path) -> dict[str, Path]:
    """Every style file a build may read, by its name under styles/ (the reader's win)."""
    files: dict[str, Path] = {}
    for top in (DEFAULT_STYLES, styles_dir):
        if top.is_dir():
            for path in sorted(top.rglob("*")):
                if path.is_file() and path.name != "README.md":
                    files[path.relative_to(top).as_posix()] = path
    return dict(sorted(files.items()))


def digest(files: dict[str, Path]) -> str:
    """Hash of the names and contents of the given style files."""
    hashed = hashlib.sha256()
    for name, path in files.items():
        hashed.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return hashed.hexdigest()
