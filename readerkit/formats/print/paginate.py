"""The print layout: each layout unit (formats/print/units.py) laid out by WeasyPrint, stitched.

Why units: a rebuild after a note edit lays out again only the unit whose HTML changed. What
the EPUB needs of a unit's layout (its page count, the page of every id, where each page's
text begins) does not depend on which page the unit starts on, so it is cached on disk keyed
by the unit's HTML; the PDF needs WeasyPrint's pages themselves, which live only in memory:
a one-off build lays out every unit, watch mode keeps them between rebuilds.

Page numbers: folios are counted by the engine, not by CSS (the styles only print
counter(page) in margin boxes): lower-roman from the first page, arabic from 1 at the first
unit inside <main id="body-matter">. Each unit is laid out with its first folio set, and page
references (`data-page-ref`) are filled in with folios before layout. Body folios do not depend
on the front matter, so the body is laid out first, then the front matter (the contents) with
every folio known. A reference to a later page of the body is filled from the last build's
folios, or a placeholder, and the units whose references turn out wrong are laid out again
until nothing changes, as LaTeX reruns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from readerkit import stylefiles
from readerkit.cache import Cache, key
from readerkit.formats.print import folios, linebreaks, notekeep, pagecss, pagestarts, units
from readerkit.formats.print.fetcher import ProjectOnlyFetcher
from readerkit.model import Project
from readerkit.pagemap import PageMap, PageStart

MAX_PASSES = 5  # page references settle in one or two passes; this bounds a pathological book
VERSO_START = "html { break-before: left }\n"  # WeasyPrint starts the document on a verso
MAX_NOTE_RETRIES = 3  # layouts of a unit again to keep a note on its call's page
FIRST_ORPHANS = 3  # print.css asks for 2: one more moves the paragraph, not the note
UNIT_ENTRIES_KEPT = 5000  # cached unit layouts (a few KB each)


@dataclass
class UnitLayout:
    """What the EPUB needs of one unit's layout (picklable, cached on disk)."""

    pages: int
    anchors: dict[str, int]  # id -> page within the unit (0-based)
    starts: list[PageStart]  # page indices within the unit


@dataclass
class LaidOut:
    layout: UnitLayout
    pages: list[Any] = field(default_factory=list)  # WeasyPrint pages (in memory only)
    document: Any = None  # the WeasyPrint document they belong to (keeps fonts alive)


@dataclass
class PrintLayout(PageMap):
    """The page map, and while the PDF is still unwritten the laid-out WeasyPrint document
    (only formats/print/pdf.py reads it; every other format gets `page_map()`)."""

    document: Any = None

    def page_map(self) -> PageMap:
        """The plain page map (picklable: no WeasyPrint objects)."""
        return PageMap(self.pages, self.anchor_pages, self.page_labels, self.page_starts,
                       self.paper, self.variant)


Memo = dict[str, LaidOut]  # unit key (+ first folio) -> its layout, kept across watch rebuilds


def forget_unused(memo: Memo, used: set[str]) -> None:
    """Keep in memory only the units this build used (of every edition it laid out)."""
    for stale in set(memo) - used:
        del memo[stale]


class Paginator:
    def __init__(self, project: Project, html_text: str, *, page_size: str, print_shop: bool,
                 store: Cache, style_digest: str, memo: Memo | None = None,
                 openings: str = "recto",
                 progress: Callable[[str], None] = lambda message: None,
                 variant: str = "") -> None:
        self.root = project.root
        self.variant = variant
        self.units = units.split(html_text)
        self.store = store
        self.memo: Memo = memo if memo is not None else {}
        self.used: set[str] = set()
        self.laid_out: list[str] = []  # units laid out afresh by this paginator, in order
        self.progress = progress
        self.fetcher = ProjectOnlyFetcher(self.root)
        print_css = stylefiles.resolve(project.styles_dir, "print.css")
        self.css = [weasyprint.CSS(filename=str(print_css), url_fetcher=self.fetcher),
                    weasyprint.CSS(string=pagecss.page_css(page_size, print_shop=print_shop,
                                                           openings=openings))]
        self.openings = openings
        fallback = not pagecss.font_available(pagecss.BOOK_FONT)
        if fallback:
            self.css.append(weasyprint.CSS(string=pagecss.NO_SMALL_CAPS_CSS))
        self.font_config = FontConfiguration()
        # Everything besides a unit's HTML that shapes its layout.
        self.style_key = key("unit-style", page_size, str(print_shop), str(fallback),
                             style_digest, *(("openings", openings) if openings != "recto"
                                             else ()))

    def _render(self, unit: units.Unit, html: str, first_folio: int, side_css: str) -> LaidOut:
        """The unit laid out; again, with a paragraph's orphans raised, while WeasyPrint
        defers a note past its call's page (formats/print/notekeep.py)."""
        orphans: dict[str, int] = {}
        laid = self._render_once(unit, html, first_folio, side_css)
        for _attempt in range(MAX_NOTE_RETRIES):
            split = notekeep.deferred_breaks(laid.pages, laid.layout.starts)
            if not split:
                break
            for anchor in split:
                orphans[anchor] = orphans.get(anchor, FIRST_ORPHANS - 1) + 1
            laid = self._render_once(unit, html, first_folio,
                                     side_css + notekeep.rule(orphans))
        return laid

    def _render_once(self, unit: units.Unit, html: str, first_folio: int,
                     extra_css: str) -> LaidOut:
        first_page = weasyprint.CSS(string=f"@page :first {{ counter-reset: page {first_folio} }}"
                                    + extra_css)
        with linebreaks.fixed():
            document = weasyprint.HTML(string=html, base_url=str(self.root) + "/",
                                       url_fetcher=self.fetcher).render(
                stylesheets=[*self.css, first_page], font_config=self.font_config)
        pages = list(document.pages)
        if not unit.last:  # drop the page the end mark landed on (see units.END_MARK)
            if not pages or units.END_MARK_ID not in pages[-1].anchors:
                raise RuntimeError(f"layout unit {unit.name} did not end as expected")
            pages.pop()
        anchors: dict[str, int] = {}
        for index, page in enumerate(pages):
            for anchor in page.anchors:
                anchors.setdefault(anchor, index)
        anchors.pop(units.END_MARK_ID, None)
        layout = UnitLayout(len(pages), anchors, pagestarts.page_starts(pages))
        return LaidOut(layout, pages, document)

    def _unit(self, unit: units.Unit, html: str, first_folio: int, need_pages: bool,
              verso: bool = False) -> LaidOut:
        """The unit laid out (from memory or the cache when it can be); `verso`: it starts
        on a left-hand page (`openings: any`)."""
        unit_key = key("unit", self.style_key, html, *(("verso",) if verso else ()))
        page_key = f"{unit_key}@{first_folio}"
        self.used.update((unit_key, page_key))
        found = self.memo.get(page_key) or (None if need_pages else self.memo.get(unit_key))
        if found is None and not need_pages:
            cached = self.store.get_object("unit", unit_key)
            if isinstance(cached, UnitLayout):
                found = LaidOut(cached)
        if found is None:
            self.progress(f"  laying out {unit.name} ({unit.index + 1} of {len(self.units)})")
            found = self._render(unit, html, first_folio, VERSO_START if verso else "")
            self.laid_out.append(unit.name)
            self.store.put_object("unit", unit_key, found.layout, keep=UNIT_ENTRIES_KEPT)
            self.memo[page_key] = found
        self.memo.setdefault(unit_key, LaidOut(found.layout))
        return found

    def _pass(self, guess: dict[str, str], need_pages: bool
              ) -> tuple[dict[int, LaidOut], dict[str, str], bool]:
        """Lay out every unit once, body first; returns the units' layouts, the folio of every
        id, and whether every page reference printed the folio it names."""
        known = dict(guess)
        printed: dict[int, dict[str, str]] = {}
        done: dict[int, LaidOut] = {}
        counted = {True: 0, False: 0}  # pages so far in the body, in the front matter
        body = [u for u in self.units if u.in_body]
        front = [u for u in self.units if not u.in_body]
        # Every unit on a recto: the body's folios do not depend on the front matter, which
        # is laid out last with them known. Openings on either side: a unit's side depends
        # on every page before it, so the front matter comes first (its references to the
        # body from the guess, settled by the passes).
        any_side = self.openings == "any"
        for unit in front + body if any_side else body + front:
            printed[unit.index] = {ref: known.get(ref, units.PLACEHOLDER) for ref in unit.refs}
            start = counted[unit.in_body]
            verso = any_side and (counted[True] + counted[False]) % 2 == 1
            laid = self._unit(unit, unit.html(known), start + 1, need_pages, verso)
            for anchor, page in laid.layout.anchors.items():
                known[anchor] = folios.folio(start + page, unit.in_body)
            counted[unit.in_body] += laid.layout.pages
            done[unit.index] = laid
        settled = all(known.get(ref, units.PLACEHOLDER) == value
                      for refs in printed.values() for ref, value in refs.items())
        return done, known, settled

    def paginate(self, *, need_pages: bool) -> PrintLayout:
        """The book's layout; with need_pages, also the stitched WeasyPrint document."""
        guess_key = key("folios", self.style_key)
        previous = self.store.get_object("folios", guess_key)
        guess: dict[str, str] = previous if isinstance(previous, dict) else {}
        for _ in range(MAX_PASSES):
            done, known, settled = self._pass(guess, need_pages)
            if settled:
                break
            guess = known
        self.store.put_object("folios", guess_key, known)
        return self._stitch([done[unit.index] for unit in self.units], need_pages)

    def _stitch(self, laid: list[LaidOut], need_pages: bool) -> PrintLayout:
        anchor_pages: dict[str, int] = {}
        starts: list[PageStart] = []
        offset = 0
        body_start: int | None = None
        for unit, part in zip(self.units, laid, strict=True):
            if unit.in_body and body_start is None:
                body_start = offset
            for anchor, page in part.layout.anchors.items():
                anchor_pages.setdefault(anchor, offset + page)
            starts += [replace(start, index=offset + start.index) for start in part.layout.starts]
            offset += part.layout.pages
        size = starts[0].size if starts else (0.0, 0.0)
        result = PrintLayout(pages=offset, anchor_pages=anchor_pages,
                             page_labels=folios.page_labels(offset, body_start),
                             page_starts=starts, paper=pagecss.paper_name(size),
                             variant=self.variant)
        if need_pages:
            all_pages = [page for part in laid for page in part.pages]
            # Pages of several documents make one: WeasyPrint's documented way to combine.
            result.document = laid[0].document.copy(all_pages)
        return result
