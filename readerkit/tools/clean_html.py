"""A saved web page (HTML) -> its main text, before the cleaner's own rules run.

trafilatura finds the article and leaves out navigation, cookie banners, share bars, related
posts, comments and ad labels; its metadata gives the page's heading and author. What it left
out is reported block by block at the block's line in the HTML file, with the reason our own
line rules give it (tools/clean_junk.py) where one applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from lxml import html as lxml_html

from readerkit.load.schema import iso_form, valid_date
from readerkit.textnorm import normalise_for_comparison
from readerkit.tools import clean_rules as R
from readerkit.tools.clean_junk import Line, mark_rules, word_count
from readerkit.tools.clean_report import Change

TEXT_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "dt",
               "dd", "figcaption", "div")
INLINE = ("button", "label", "a", "span", "time")
INNER_BLOCKS = ".//p | .//li | .//h1 | .//h2 | .//h3 | .//div | .//blockquote"
MIN_WORDS_INSIDE = 4  # a block this long found inside a kept paragraph is part of it
LEFT_OUT = "outside the page's main text, by trafilatura"
HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                        re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Extracted:
    text: str  # paragraphs separated by blank lines, headings as plain lines
    title: str
    author: str
    date: str  # from a date line above the text (trafilatura's own date guesses the capture's)
    line_of: list[int]  # HTML line of each line of `text` (0 for a blank line)
    left_out: list[Change]


def is_html(text: str) -> bool:
    return bool(HTML_START.match(text[:4096]))


def _key(text: str) -> str:
    return " ".join(normalise_for_comparison(text).lower().split())


def _blocks(page: str) -> list[tuple[int, str]]:
    """(line, text) of every innermost text block of the page, in document order."""
    tree = lxml_html.document_fromstring(page)
    for junk in tree.xpath("//script | //style | //noscript | //template"):
        junk.drop_tree()
    found = []
    for element in tree.iter(*TEXT_BLOCKS, *INLINE):
        if element.tag in TEXT_BLOCKS and element.xpath(INNER_BLOCKS):
            continue  # its text is listed with its inner blocks
        if element.tag in INLINE and any(
                parent.tag in TEXT_BLOCKS and not parent.xpath(INNER_BLOCKS)
                for parent in element.iterancestors()):
            continue  # inside a block listed whole
        text = " ".join(element.text_content().split())
        if text:
            found.append((element.sourceline or 0, text))
    return found


def _main_text(page: str) -> tuple[list[str], str, str]:
    markdown = trafilatura.extract(page, output_format="markdown", include_comments=False,
                                   include_tables=True, include_images=False,
                                   include_links=False, favor_precision=True) or ""
    metadata = trafilatura.extract_metadata(page)
    title = (metadata.title or "") if metadata is not None else ""
    author = (metadata.author or "") if metadata is not None else ""
    paragraphs = [re.sub(r"^#{1,6}\s+", "", block.strip()) for block in markdown.split("\n\n")]
    return [p for p in paragraphs if p], title, author


def extract(page: str) -> Extracted:
    paragraphs, title, author = _main_text(page)
    blocks = _blocks(page)
    kept = {_key(p) for p in paragraphs}
    text_lines: list[str] = []
    line_of: list[int] = []
    for paragraph in paragraphs:
        if text_lines:
            text_lines.append("")
            line_of.append(0)
        key = _key(paragraph)
        text_lines.append(" ".join(paragraph.split()))
        line_of.append(next((n for n, text in blocks
                             if _key(text) == key or key.startswith(_key(text))), 0))
    def in_main_text(key: str) -> bool:
        # A short block ("Home", "About") counts as kept only if it is a paragraph itself.
        return key in kept or (len(key.split()) >= MIN_WORDS_INSIDE
                               and any(key in paragraph for paragraph in kept))

    left = [(n, text) for n, text in blocks if not in_main_text(_key(text))]
    marked = [Line(n, text, text, []) for n, text in left]
    mark_rules(marked, list(range(len(marked))))
    heading = bool(title and text_lines and _key(text_lines[0]) == _key(title))
    # Where the text itself begins: a byline or date line must come before it.
    start = next((n for n in line_of[2 if heading else 0:] if n), 0)
    date = ""
    for line in marked:
        byline = R.BYLINE_NAME_RE.match(line.text)
        iso = line.text if valid_date(line.text) else iso_form(line.text.strip(" .,"))
        if line.junk or (start and line.no > start):
            continue
        if byline and word_count(line.text) <= R.BYLINE_MAX_WORDS:
            author = author or byline.group("name").strip()
            line.junk = "byline, author moved to front matter"
        elif iso:
            date = date or iso
            line.junk = "date line, moved to front matter"
    left_out = [Change(line.no, "removed",
                       f"{line.junk}, by trafilatura" if line.junk else LEFT_OUT, line.raw, None)
                for line in marked]
    if heading:
        # The page's heading is the draft's title.
        left_out.append(Change(line_of[0], "removed", "page heading, moved to front matter",
                               text_lines[0], None))
        text_lines, line_of = text_lines[2:], line_of[2:]
    return Extracted("\n".join(text_lines), title, author, date, line_of, left_out)
