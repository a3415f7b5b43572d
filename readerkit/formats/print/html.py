"""The print edition as one HTML document (styles/templates/print.html.j2), notes at their calls.

WeasyPrint floats each note (a span.footnote at its call) to the foot of the page;
formats/print/units.py then cuts the document into layout units.
"""

from __future__ import annotations

from readerkit.document import BookDoc
from readerkit.formats import templating
from readerkit.formats.print import marks, notes
from readerkit.render import timeline_chart


def print_html(book: BookDoc, *, timeline_svg: str | None = None,
               verso_marks: frozenset[str] = frozenset()) -> str:
    """The print edition as one HTML document. The timeline chart is drawn from the timeline
    data unless `timeline_svg` is given ("" for none); `verso_marks`: the instructor edition's
    margin marks that land on a verso (formats/print/marks.py)."""
    book = marks.with_sides(book, verso_marks)
    caption = ""
    if timeline_svg is None:
        chart = timeline_chart.chart_for(book.project.timeline)
        timeline_svg = chart.svg if chart else ""
        caption = chart.caption if chart else ""
    env = templating.environment(book.project.styles_dir)
    template = env.get_template("print.html.j2")
    return template.render(
        book=book,
        meta=book.project.book,
        notes_for_print=notes.for_print,
        timeline_svg=timeline_svg,
        timeline_caption=caption,
    )
