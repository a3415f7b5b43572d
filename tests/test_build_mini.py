"""A second, tiny reader (not about Cuba) builds with --root: the engine serves any reader."""

from __future__ import annotations

import re

from conftest import Built, print_html
from epubcheck_verdict import problems


def test_pdf_shows_notes_glossary_timeline_and_bibliography(mini: Built) -> None:
    text = mini.pdf_text()
    assert "Snow counted the deaths house by house" in text  # an annotation's note
    assert "The public water pump on Broad Street." in text  # a glossary definition
    assert "The outbreak begins." in text  # a timeline event
    assert "Snow, John. On the Mode of Communication of Cholera" in text  # bibliography
    assert "A Pump on Broad Street" in mini.pdf_pages()[0]


def test_pdf_notes_sit_on_the_page_of_their_call(mini: Built) -> None:
    page = next(p for p in mini.pdf_pages() if "nearly all the deaths" in p)
    assert "Snow counted the deaths house by house" in page


def test_timeline_is_chronological(mini: Built) -> None:
    text = mini.pdf_text()
    assert text.index("The outbreak begins.") < text.index("The handle of the Broad Street")


def test_epub_passes_epubcheck(mini: Built) -> None:
    assert problems(mini.epub) == []


def test_anchor_ids_exist_in_epub_and_print(mini: Built) -> None:
    files = mini.epub_files()
    xhtml = "".join(v for k, v in files.items() if k.endswith(".xhtml"))
    html = print_html(mini.root)
    for anchor in (
        "p-snow-letter-1",
        "p-snow-letter-2",
        "p-pump-essay-1",
        "ann-snow-spot",
        "gloss-pump",
        "gloss-cholera",
        "tl-1",
        "tl-2",
    ):
        assert re.search(f'id="{anchor}"', xhtml), anchor
        assert re.search(f'id="{anchor}"', html), anchor
    # An instructor annotation is in neither (test_editions.py: in the instructor edition).
    assert 'id="ann-essay-pump"' not in xhtml and 'id="ann-essay-pump"' not in html


def test_epub_has_one_file_per_source_with_popup_notes(mini: Built) -> None:
    files = mini.epub_files()
    letter = files["EPUB/src-snow-letter.xhtml"]
    assert 'epub:type="noteref"' in letter
    assert '<aside epub:type="footnote" role="doc-footnote" id="ann-snow-spot"' in letter
    assert 'href="#ref-ann-snow-spot" role="doc-backlink"' in letter
    assert "EPUB/src-pump-essay.xhtml" in files


def test_glossary_links_first_use_only(mini: Built) -> None:
    letter = mini.epub_files()["EPUB/src-snow-letter.xhtml"]
    assert letter.count('class="glossary-term"') == 1
    assert 'href="glossary.xhtml#gloss-pump"' in letter
