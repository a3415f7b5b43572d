"""The Jinja environment of every format: the reader's styles/templates/, then the defaults."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from markupsafe import Markup

from readerkit import stylefiles
from readerkit.document import display_date
from readerkit.htmltools import unwrap_paragraph


def environment(styles_dir: Path) -> jinja2.Environment:
    """The environment for a reader's styles, kept for the process while its template files
    stay as they are (their names and times are the key): Jinja compiles each template once
    per environment, which a live preview would otherwise pay on every save."""
    dirs = tuple(stylefiles.template_dirs(styles_dir))
    present = tuple((path.as_posix(), path.stat().st_mtime_ns) for top in dirs if top.is_dir()
                    for path in sorted(top.rglob("*")) if path.is_file())
    return _environment(dirs, present)


@functools.lru_cache(maxsize=8)
def _environment(dirs: tuple[Path, ...],
                 _present: tuple[tuple[str, int], ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(dirs)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # Fragments come from Pandoc (sanitised by our Lua filter) and our own HTML edits.
    env.filters["html"] = lambda markup: Markup(markup)
    env.filters["inline"] = unwrap_paragraph
    env.globals["display_date"] = display_date
    return env
