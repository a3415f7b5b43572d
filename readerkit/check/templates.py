"""The reader's own templates (styles/templates/, overriding the defaults) checked before a build.

A template the reader wrote is content: its syntax errors and the templates it names that exist
nowhere are the editor's to fix, reported at the file and line (T001, T002). A template that
fails while the book is rendered is reported by the pipeline (T003, `template_failure`).
"""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2
from jinja2 import meta

from readerkit import stylefiles
from readerkit.diagnostics import Diagnostics
from readerkit.model import Project


def _exists(name: str, styles_dir: Path) -> bool:
    return any((folder / name).is_file() for folder in stylefiles.template_dirs(styles_dir))


def check_templates(project: Project, diags: Diagnostics) -> None:
    folder = project.styles_dir / stylefiles.TEMPLATES
    if not folder.is_dir():
        return
    # Parsing needs no filters or globals: it only reads the syntax.
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
    for path in sorted(folder.rglob("*.j2")):
        try:
            tree = env.parse(path.read_text(encoding="utf-8"), path.name, str(path))
        except UnicodeDecodeError:
            diags.error(path, 0, "T001", "template is not UTF-8",
                        "save the file as UTF-8 in your editor")
            continue
        except jinja2.TemplateSyntaxError as error:
            diags.error(path, error.lineno, "T001", f"template syntax error: {error.message}",
                        "compare with the default of the same name in "
                        "readerkit/default_styles/templates/")
            continue
        for name in sorted(n for n in meta.find_referenced_templates(tree) if n is not None):
            if not _exists(name, project.styles_dir):
                diags.error(path, _line_naming(path, name), "T002",
                            f"template '{name}' does not exist",
                            "templates are looked for in styles/templates/, then among "
                            "readerkit's defaults")


def _line_naming(path: Path, name: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if name in line:
            return number
    return 0


def template_failure(error: Exception, styles_dir: Path) -> tuple[Path, int] | None:
    """Where in one of the reader's own templates a rendering error happened, if it did."""
    own = (styles_dir / stylefiles.TEMPLATES).resolve()
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        path = Path(frame.filename)
        if path.suffix == ".j2" and path.resolve().is_relative_to(own):
            return path, frame.lineno or 0
    return None
