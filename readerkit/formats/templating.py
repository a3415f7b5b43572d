"""The Jinja environment of every format: the reader's styles/templates/, then the defaults."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from readerkit import stylefiles
from readerkit.document import display_date
from readerkit.htmltools import unwrap_paragraph


def environment(styles_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(stylefiles.template_dirs(styles_dir)),
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
