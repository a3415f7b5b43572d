"""A drawn timeline: the days of a crisis, its events, and level series (e.g. DEFCON) as SVG.

Pure functions, no I/O: the print edition inlines the SVG in the timeline appendix and the EPUB
stores it as an image file. Where the levels come from is the content's business: a timeline
event in book/timeline.yaml may carry `series: {NAME: number}`, the level of series NAME in force
from that event's date on (for DEFCON, 5 is the calmest and 1 the most severe). A NAME of the
form `SCALE: LINE` (e.g. `DEFCON: SAC`) is one named line on the scale SCALE: every line of the
first scale used is drawn on the same chart, each in its own stroke, with a legend, so that
forces at different levels are not drawn as one. A timeline without any `series` value has no
chart (`chart_for` returns None).

The chart covers the run of day-dated events around the series values: starting from the days
that carry a series value, it takes in neighbouring day-dated events while consecutive dates are
at most `MAX_GAP_DAYS` apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Any

from readerkit.htmltools import parse_fragment

MAX_GAP_DAYS = 7
FONT = "'EB Garamond 12', 'EB Garamond', 'Libertinus Serif', 'DejaVu Serif', serif"
DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class ChartEvent:
    day: date
    label: str  # plain text, used in the SVG's description


@dataclass(frozen=True)
class LevelChange:
    day: date
    level: int
    label: str = ""  # e.g. the event that set it


@dataclass(frozen=True)
class Line:
    """One named step line of a scale ("" for a scale's only, unnamed line)."""

    name: str
    changes: tuple[LevelChange, ...]


# How the lines differ in print (black and white): stroke dash pattern, width, legend word.
LINE_STYLES = (("", 2.2, "solid"), ("6 3", 1.8, "dashed"), ("2 2", 1.8, "dotted"),
               ("8 2 2 2", 1.8, "dash-dotted"))


@dataclass(frozen=True)
class Chart:
    svg: str
    title: str
    series: str
    first: date
    last: date
    lines: tuple[str, ...] = ()  # the named lines, in legend order; () for one unnamed line

    def _what(self) -> str:
        if len(self.lines) < 2:
            return f"the line shows the {self.series} level in force"
        styles = [f"{name} ({LINE_STYLES[i % len(LINE_STYLES)][2]} line)"
                  for i, name in enumerate(self.lines)]
        return (f"the lines show the {self.series} level in force for "
                + ", ".join(styles[:-1]) + " and " + styles[-1])

    @property
    def caption(self) -> str:
        """The caption under the chart, in every format."""
        return (f"Each dot is one event of the timeline below, on its day; {self._what()} "
                "from the day it changed.")

    @property
    def alt(self) -> str:
        drawn = (f"the {self.series} level as a step line" if len(self.lines) < 2 else
                 f"the {self.series} level as one step line each for "
                 + ", ".join(self.lines[:-1]) + " and " + self.lines[-1])
        return (f"Chart: {self.title}. One column per day, a dot for each event, and {drawn}. "
                "Every event is listed in the timeline below.")


def _day(text: str) -> date | None:
    match = DAY.match(text)
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _plain(text: str) -> str:
    """The event's words without any markup, on one line."""
    return " ".join(parse_fragment(text).text_content().split())


def _short(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def _long(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _span(first: date, last: date) -> str:
    if first.year != last.year:
        return f"{_long(first)} – {_long(last)}"
    if first.month != last.month:
        return f"{first.day} {first.strftime('%B')} – {_long(last)}"
    return f"{first.day}–{_long(last)}"


def timeline_svg(
    events: Sequence[ChartEvent],
    defcon_levels: Sequence[LevelChange],
    *,
    title: str,
    series: str = "DEFCON",
    calmest: int = 5,
    severest: int = 1,
    first: date | None = None,
    last: date | None = None,
    lines: Sequence[Line] = (),
) -> str:
    """A standalone SVG (viewBox-sized, with <title> and <desc>): one column per day, a dot per
    event, and each level line as a step line (severest at the top). `lines` draws several
    named lines of the scale `series`, with a legend; without it `defcon_levels` is the one
    unnamed line."""
    drawn = list(lines) or [Line("", tuple(defcon_levels))]
    named = len(drawn) > 1 or bool(drawn[0].name)
    days = [e.day for e in events] + [c.day for line in drawn for c in line.changes]
    if not days:
        raise ValueError("nothing to chart")
    first = first or min(days)
    last = last or max(days)
    n_days = (last - first).days + 1
    width, left, right = 640.0, 78.0, 14.0
    top, plot_h = 30.0, 150.0
    dots_top = top + plot_h + 12
    per_day: dict[date, int] = {}
    for e in events:
        per_day[e.day] = per_day.get(e.day, 0) + 1
    max_dots = max(per_day.values(), default=1)
    axis_y = dots_top + max_dots * 9 + 4
    legend_y = axis_y + 46
    height = axis_y + 34 + (22 if named else 0)
    col = (width - left - right) / n_days
    levels = sorted(range(min(calmest, severest), max(calmest, severest) + 1),
                    key=lambda v: abs(v - calmest))  # calmest first (bottom)

    def x_of(day: date) -> float:
        return left + ((day - first).days) * col

    def y_of(level: int) -> float:
        index = levels.index(level) if level in levels else 0
        return top + plot_h - (index + 0.5) * plot_h / len(levels)

    out: list[str] = []
    add = out.append
    desc_bits = [f"{len(events)} events between {_long(first)} and {_long(last)}."]
    for line in drawn:
        for change in sorted(line.changes, key=lambda c: c.day):
            desc_bits.append((f"{line.name}: " if line.name else "")
                             + f"{series} {change.level} from {_long(change.day)}"
                             + (f" ({change.label})" if change.label else "") + ".")
    add(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-labelledby="chart-title chart-desc" font-family="{FONT}">')
    add(f'<title id="chart-title">{escape(title)}</title>')
    add(f'<desc id="chart-desc">{escape(" ".join(desc_bits))}</desc>')
    # Level bands and labels
    for level in levels:
        y = y_of(level)
        band = plot_h / len(levels)
        shade = "#f2f2f2" if levels.index(level) % 2 else "#ffffff"
        add(f'<rect x="{left:.1f}" y="{y - band / 2:.1f}" width="{width - left - right:.1f}" '
            f'height="{band:.1f}" fill="{shade}"/>')
        add(f'<text x="{left - 8:.1f}" y="{y + 3.5:.1f}" font-size="10" text-anchor="end" '
            f'fill="#333">{escape(series)} {level}</text>')
    add(f'<rect x="{left:.1f}" y="{top:.1f}" width="{width - left - right:.1f}" '
        f'height="{plot_h:.1f}" '
        f'fill="none" stroke="#888" stroke-width="0.6"/>')
    # Day grid and axis labels
    for i in range(n_days):
        day = first + timedelta(days=i)
        x = left + i * col
        if i:
            add(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{axis_y:.1f}" '
                f'stroke="#ddd" stroke-width="0.5"/>')
        cx = x + col / 2
        add(f'<text x="{cx:.1f}" y="{axis_y + 12:.1f}" font-size="9.5" text-anchor="middle" '
            f'fill="#222">{day.day}</text>')
    add(f'<line x1="{left:.1f}" y1="{axis_y:.1f}" x2="{width - right:.1f}" y2="{axis_y:.1f}" '
        f'stroke="#444" stroke-width="0.8"/>')
    months = sorted({(d.year, d.month) for d in (first + timedelta(days=i) for i in range(n_days))})
    month_text = " – ".join(date(y, m, 1).strftime("%B %Y") for y, m in months)
    add(f'<text x="{(left + width - right) / 2:.1f}" y="{axis_y + 27:.1f}" font-size="10" '
        f'text-anchor="middle" font-style="italic" fill="#222">{escape(month_text)}</text>')
    add(f'<text x="{left - 8:.1f}" y="{dots_top + 7:.1f}" font-size="9.5" text-anchor="end" '
        f'fill="#333">events</text>')
    # Event dots, stacked per day
    stacked: dict[date, int] = {}
    for e in sorted(events, key=lambda e: e.day):
        k = stacked.get(e.day, 0)
        stacked[e.day] = k + 1
        cx = x_of(e.day) + col / 2
        cy = dots_top + 4 + k * 9
        add(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.2" fill="#222"/>')
    # Each level line: a step line from its first value to the end of the window. Lines are
    # set a little apart, so that two at the same level are both seen.
    labelled: set[tuple[date, int]] = set()
    for index, line in enumerate(drawn):
        changes = sorted(line.changes, key=lambda c: c.day)
        if not changes:
            continue
        dash, stroke_width, _ = LINE_STYLES[index % len(LINE_STYLES)]
        shift = (index - (len(drawn) - 1) / 2) * 3.0
        points: list[tuple[float, float]] = []
        for i, change in enumerate(changes):
            x = x_of(change.day)
            y = y_of(change.level) + shift
            if points:
                points.append((x, points[-1][1]))
            points.append((x, y))
            end = x_of(changes[i + 1].day) if i + 1 < len(changes) else left + n_days * col
            points.append((end, y))
        path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}"
                        for i, (x, y) in enumerate(points))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        add(f'<path d="{path}" fill="none" stroke="#000" stroke-width="{stroke_width}"'
            f'{dash_attr} stroke-linejoin="miter"/>')
        for change in changes:
            x, y = x_of(change.day), y_of(change.level) + shift
            add(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#000"/>')
            if (change.day, change.level) in labelled:
                continue  # another line already names this level on this day
            labelled.add((change.day, change.level))
            add(f'<text x="{x - 5:.1f}" y="{y_of(change.level) - 6:.1f}" font-size="10" '
                'text-anchor="end" fill="#000">'
                f'{escape(series)} {change.level}, {escape(_short(change.day))}</text>')
    if named:
        x = left
        for index, line in enumerate(drawn):
            dash, stroke_width, _ = LINE_STYLES[index % len(LINE_STYLES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            add(f'<line x1="{x:.1f}" y1="{legend_y - 3.5:.1f}" x2="{x + 28:.1f}" '
                f'y2="{legend_y - 3.5:.1f}" stroke="#000" stroke-width="{stroke_width}"'
                f'{dash_attr}/>')
            add(f'<text x="{x + 34:.1f}" y="{legend_y:.1f}" font-size="10" fill="#000">'
                f'{escape(line.name or series)}</text>')
            x += 34 + 6.0 * len(line.name or series) + 24
    add(f'<text x="{left:.1f}" y="{top - 10:.1f}" font-size="11" fill="#000">'
        f'{escape(title)}</text>')
    add("</svg>")
    return "\n".join(out)


def _series_of(event: Any) -> dict[str, int]:
    raw = getattr(event, "series", None)
    if not isinstance(raw, dict):
        return {}
    values: dict[str, int] = {}
    for name, value in raw.items():
        if isinstance(value, int) and not isinstance(value, bool):
            values[str(name)] = value
        elif isinstance(value, str) and value.strip().isdigit():
            values[str(name)] = int(value)
    return values


def _scale_and_line(name: str) -> tuple[str, str]:
    """'DEFCON: SAC' -> ('DEFCON', 'SAC'); 'DEFCON' -> ('DEFCON', '')."""
    scale, _, line = name.partition(":")
    return scale.strip(), line.strip()


def chart_for(timeline: Iterable[Any]) -> Chart | None:
    """The chart for a project's timeline events (objects with .date, .event, .series), or None
    when no event carries a `series` value. One scale is drawn, the first name used: each of
    its named lines (`SCALE: LINE`) as a line of its own."""
    dated = [(d, e) for e in timeline if (d := _day(str(getattr(e, "date", ""))))]
    dated.sort(key=lambda pair: pair[0])
    marked = [(d, e, s) for d, e in dated if (s := _series_of(e))]
    if not marked:
        return None
    scale = _scale_and_line(next(iter(marked[0][2])))[0]
    on_scale = [(d, e, {line: level for name, level in s.items()
                        for sc, line in [_scale_and_line(name)] if sc == scale})
                for d, e, s in marked]
    on_scale = [(d, e, s) for d, e, s in on_scale if s]
    first = min(d for d, _, _ in on_scale)
    last = max(d for d, _, _ in on_scale)
    days = sorted({d for d, _ in dated})
    i = days.index(first)
    while i > 0 and (days[i] - days[i - 1]).days <= MAX_GAP_DAYS:
        i -= 1
    j = days.index(last)
    while j + 1 < len(days) and (days[j + 1] - days[j]).days <= MAX_GAP_DAYS:
        j += 1
    first, last = days[i], days[j]
    events = [ChartEvent(d, _plain(str(e.event))) for d, e in dated if first <= d <= last]
    names: list[str] = []
    for _, _, s in on_scale:
        names += [name for name in s if name not in names]
    lines = [Line(name, tuple(LevelChange(d, s[name], _plain(str(e.event))[:80])
                              for d, e, s in on_scale if name in s and first <= d <= last))
             for name in names]
    title = f"{_span(first, last)}: events and {scale} level"
    svg = timeline_svg(events, [], title=title, series=scale, first=first, last=last,
                       lines=lines)
    legend = tuple(names) if len(names) > 1 or names[0] else ()
    return Chart(svg=svg, title=title, series=scale, first=first, last=last, lines=legend)
