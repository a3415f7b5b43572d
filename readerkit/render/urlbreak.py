"""Where a printed URL may break: Chicago's places, and nowhere else, never with a hyphen.

Chicago (CMOS 15 17.11, kept since; and the CMOS Q&A on URLs): break after a slash or a double
slash, or after a colon; before a period, comma, hyphen, underline, tilde, question mark,
number sign or percent sign; before or after an equals sign or an ampersand. No hyphen is added,
and a hyphen of the URL never ends a line.

A URL link (an <a> whose text is its address, as citeproc prints URLs and DOIs) gets class
"url" and its text is cut into unbreakable pieces (`white-space: nowrap` in the styles: no
hyphenation, no break after the URL's own hyphens) with a <wbr> between them: the only
places a line can end. The link's address and its text content are unchanged.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from readerkit.htmltools import inner_html

BREAK_BEFORE = frozenset(".,-_~?#%=&")
BREAK_AFTER = frozenset("/:=&")
ADDRESS = re.compile(r"(?:https?://|doi:|www\.)\S+$")


def url_pieces(url: str) -> list[str]:
    """'https://a.org/b-c' -> ['https://', 'a', '.org/', 'b', '-c']: the text between two
    places where Chicago lets a URL break ('//' and 'https://' are kept whole)."""
    pieces: list[str] = []
    current = ""
    for index, char in enumerate(url):
        if char in BREAK_BEFORE and current and current[-1] not in BREAK_AFTER:
            pieces.append(current)
            current = ""
        current += char
        following = url[index + 1: index + 2]
        if char in BREAK_AFTER and following != "/" and following:
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


def break_urls(html: str) -> str:
    """HTML with every URL link marked up for Chicago's line breaks (see the module's doc)."""
    if "://" not in html and "doi:" not in html:
        return html
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    changed = False
    for link in tree.iter("a"):
        text = link.text or ""
        if len(link) or not ADDRESS.match(text) or "url" in (link.get("class") or "").split():
            continue
        link.set("class", " ".join(filter(None, [link.get("class"), "url"])))
        link.text = None
        for number, piece in enumerate(url_pieces(text)):
            if number:
                link.append(lxml_html.Element("wbr"))
            span = lxml_html.Element("span", {"class": "url-piece"})
            span.text = piece
            link.append(span)
        changed = True
    return inner_html(tree) if changed else html
