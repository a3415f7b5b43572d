"""Rules for the BibTeX file that Pandoc would not report, or would report badly.

Pandoc reads bibliography.bib as BibLaTeX and is silent about most mistakes: a month 13 prints
as a season, an unknown entry type prints as a bare title, an organisation in `author` with a
comma is read as a person, `and` inside an organisation's name makes two. These rules run on
what bibtexparser read (raw values, to see the braces, and LaTeX-decoded values, to name things
as they print), each giving one message at the line of the field concerned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from readerkit.diagnostics import Diagnostics
from readerkit.load.schema import did_you_mean
from readerkit.model import BibEntry

# Entry types Pandoc's BibLaTeX reader gives a CSL type (checked against pandoc 3.9), and
# @misc. Any other (@conference, @set, a typo) is read as @misc, losing fields.
KNOWN_TYPES = frozenset([
    "article", "artwork", "audio", "book", "bookinbook", "booklet", "collection", "commentary",
    "dataset", "electronic", "image", "inbook", "incollection", "inproceedings", "inreference",
    "jurisdiction", "legal", "legislation", "letter", "manual", "mastersthesis", "misc", "movie",
    "music", "mvbook", "mvcollection", "mvproceedings", "mvreference", "online", "patent",
    "performance", "periodical", "phdthesis", "proceedings", "reference", "report", "review",
    "software", "standard", "suppbook", "suppcollection", "suppperiodical", "techreport",
    "thesis", "unpublished", "video", "www",
])
INSTEAD = {"conference": "inproceedings"}

# What each kind of entry needs for a Chicago citation besides a title (B005): who is
# responsible, when, and for a part of something, what it is part of.
WHO = ("author", "editor", "organization", "institution")
WHEN = ("date", "year")
WHEN_ONLINE = ("date", "year", "urldate")
CONTAINER = {
    "article": ("journaltitle", "journal"),
    "incollection": ("booktitle",),
    "inbook": ("booktitle",),
    "inproceedings": ("booktitle",),
    "inreference": ("booktitle",),
}
DATE_FIELDS = ("date", "urldate", "origdate", "eventdate")
ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?[?~%]?")
YEAR = re.compile(r"-?\d{1,4}")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# A field that swallowed the next one: `title = {X}` with no comma before `year = {1855}`
# leaves "year = {1855}" after the value's closing brace.
SWALLOWED_FIELD = re.compile(r"(\s*)([A-Za-z][\w:-]*)\s*=")
ENTRY_KEY = re.compile(r"@\w+\s*[{(]\s*([^,\s{}()]+)")

NAME_FIELDS = ("author", "editor", "translator", "bookauthor", "editora", "editorb")
LIST_FIELDS = ("organization", "publisher", "institution", "location", "address", "school")
# Words that make a name an organisation's: a person's name part holds none of them.
ORGANISATION_WORDS = frozenset(["of", "the", "for", "and", "&", "on", "at"])


@dataclass(frozen=True)
class RawEntry:
    """One entry as bibtexparser read it: raw values (braces kept), LaTeX-decoded values, and
    the file line of the entry and of each field."""

    key: str
    entry_type: str
    raw: dict[str, str]
    decoded: dict[str, str]
    line: int
    field_lines: dict[str, int]

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.line)


def check(path: Path, entries: list[RawEntry], diags: Diagnostics) -> None:
    for entry in entries:
        if _swallowed_field(path, entry, diags):
            continue  # one mistake, one message: the rest of this entry is misread anyway
        if entry.entry_type not in KNOWN_TYPES:
            diags.error(path, entry.line, "B007",
                        f"bibliography entry '{entry.key}' has unknown type "
                        f"'@{entry.entry_type}'",
                        _type_hint(entry.entry_type))
        _dates(path, entry, diags)
        _required(path, entry, diags)
        _organisations(path, entry, diags)


def unclosed_entry(text: str, raw: str, line: int, reason: str) -> str | None:
    """bibtexparser's reason for a block of `text` it gave up on, said as the mistake it
    nearly always is (None if it is something else): a brace not closed, found where the next
    entry starts or where the file ends. `line` is the block's first line."""
    key = ENTRY_KEY.match(raw.lstrip())
    name = f"entry '{key.group(1)}'" if key else "this entry"
    if reason.startswith("Unexpected block start"):
        lines = text.split("\n")
        after = next((number for number in range(line + raw.count("\n"), len(lines) + 1)
                      if lines[number - 1].lstrip().startswith("@")), None)
        where = f", at line {after}," if after else ""
        return f"a brace is not closed in {name}: the next entry{where} starts inside it"
    if reason.startswith("Unexpectedly reached end of file"):
        return f"a brace is not closed in {name}: the file ends inside it"
    return None


def _type_hint(entry_type: str) -> str:
    if entry_type in INSTEAD:
        return f"Pandoc reads it as @misc: write @{INSTEAD[entry_type]}"
    return (did_you_mean(entry_type, sorted(KNOWN_TYPES))
            or "use a BibLaTeX type such as @book, @article, @incollection, @online or @misc")


def _after_delimited(value: str) -> str | None:
    """What follows a value's first {...} or "..." group ('' if nothing), None if the value
    is not delimited. bibtexparser keeps such a rest in the value; Pandoc refuses it."""
    if not value or value[0] not in "{\"":
        return None
    depth = 0
    for index, char in enumerate(value):
        if value[0] == "{" or char != "\"":
            depth += (char == "{") - (char == "}")
        if value[0] == "{" and depth == 0:
            return value[index + 1:]
        if value[0] == "\"" and char == "\"" and index and depth == 0:
            return value[index + 1:]
    return None


def _swallowed_field(path: Path, entry: RawEntry, diags: Diagnostics) -> bool:
    """A missing comma (the next field read into this value) or a field without a name:
    one B001 at the line of the mistake."""
    for name, value in entry.raw.items():
        if not name:
            diags.error(path, entry.line_of(name), "B001",
                        f"BibTeX syntax error: a field without a name (entry '{entry.key}')",
                        "write name = {value}, or remove the stray '='")
            return True
        rest = _after_delimited(value)
        if not rest or rest.lstrip().startswith("#"):  # '#' joins strings: valid BibTeX
            continue
        following = SWALLOWED_FIELD.match(rest)
        if following is None:
            continue  # '{Kennedy} Exchanges' is a value's own text; Pandoc judges the rest
        line = entry.line_of(name) + value[: len(value) - len(rest)].count("\n")
        diags.error(path, line + following.group(1).count("\n"), "B001",
                    f"BibTeX syntax error: no comma before field '{following.group(2)}' "
                    f"(entry '{entry.key}')",
                    "end the field before it with a comma")
        return True
    return False


def real_date(text: str) -> bool:
    """A BibLaTeX (ISO 8601 / EDTF level 0-1) date or range that exists: '1962',
    '1962-10', '1962-10-22', '1962-10-16/1962-10-28', '1962/'."""
    sides = text.strip().split("/")
    if len(sides) > 2 or not any(sides):
        return False
    for side in sides:
        if side in ("", ".."):
            continue
        match = ISO_DATE.fullmatch(side)
        if match is None:
            return False
        year, month, day = match.groups()
        try:
            date(int(year) or 1, int(month or 1), int(day or 1))
        except ValueError:
            return False
    return True


def _dates(path: Path, entry: RawEntry, diags: Diagnostics) -> None:
    for name in DATE_FIELDS:
        value = entry.decoded.get(name)
        if value is not None and not real_date(value):
            diags.error(path, entry.line_of(name), "B006",
                        f"'{name}' of '{entry.key}' is '{value}', which is not a real date",
                        "write YYYY, YYYY-MM or YYYY-MM-DD (a range as "
                        "YYYY-MM-DD/YYYY-MM-DD)")
    month = entry.decoded.get("month")
    if month is not None and month.strip().lower()[:3] not in MONTHS and not (
            month.strip().isdigit() and 1 <= int(month) <= 12):
        diags.error(path, entry.line_of("month"), "B006",
                    f"'month' of '{entry.key}' is '{month}', which is not a month",
                    "write 1 to 12 (or jan to dec), or a full date as date = {YYYY-MM-DD}")
    year = entry.decoded.get("year")
    if year is not None and not YEAR.fullmatch(year.strip()):
        diags.error(path, entry.line_of("year"), "B006",
                    f"'year' of '{entry.key}' is '{year}', which is not a year",
                    "write the year in digits, or a full date as date = {YYYY-MM-DD}")


def _required(path: Path, entry: RawEntry, diags: Diagnostics) -> None:
    def has(names: tuple[str, ...]) -> bool:
        return any(entry.decoded.get(name, "").strip() for name in names)

    online = entry.entry_type in ("online", "www", "electronic")
    # keywords = {undated} / {unsigned}: the editor has checked there is none to give.
    known = {word.strip().lower() for word in entry.decoded.get("keywords", "").split(",")}
    missing = []
    if not has(WHO) and "unsigned" not in known:
        missing.append("author, editor or organization")
    when = WHEN_ONLINE if online else WHEN
    if not has(when) and "undated" not in known:
        missing.append(", ".join(when[:-1]) + " or " + when[-1])
    container = CONTAINER.get(entry.entry_type)
    if container and not has(container):
        missing.append(" or ".join(container))
    if not missing:
        return
    hint = "add what the work shows"
    if online and any("urldate" in item for item in missing):
        hint += " (for a web page, or urldate = {YYYY-MM-DD}: the day it was consulted)"
    hint += "; if there is none to give, say so: keywords = {undated} or {unsigned}"
    diags.warning(path, entry.line, "B008",
                  f"@{entry.entry_type} entry '{entry.key}' has no {'; no '.join(missing)}",
                  hint)


def top_level_split(value: str, separator: str = " and ") -> list[str]:
    """`value` split at `separator` outside braces, as BibTeX splits name lists."""
    parts, depth, start, index = [], 0, 0, 0
    while index < len(value):
        char = value[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and value.startswith(separator, index):
            parts.append(value[start:index])
            start = index = index + len(separator)
            continue
        index += 1
    parts.append(value[start:])
    return [part.strip() for part in parts]


def _wholly_braced(value: str) -> bool:
    """'{A and B}' (one group from first to last character), not '{A} and {B}'."""
    depth = 0
    for index, char in enumerate(value):
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return index == len(value) - 1 and index > 0
    return False


def _looks_like_organisation(name: str) -> bool:
    words = name.replace(",", " ").split()
    return any(word.lower() in ORGANISATION_WORDS for word in words) or len(words) >= 5


def _organisations(path: Path, entry: RawEntry, diags: Diagnostics) -> None:
    for name in (*NAME_FIELDS, *LIST_FIELDS):
        raw = entry.raw.get(name)
        if raw is None or _wholly_braced(raw):
            continue  # one literal name
        parts = top_level_split(raw)
        decoded = entry.decoded.get(name, raw).strip()
        fix = f"brace the whole name, so it stays one: {name} = {{{{{decoded}}}}}"
        if name in LIST_FIELDS:
            if len(parts) > 1:
                diags.warning(path, entry.line_of(name), "B009",
                              f"'{name}' of '{entry.key}' would print as {len(parts)} names "
                              f"(it is split at 'and'): {decoded}", fix)
            continue
        people = [part for part in parts if not part.startswith("{")]
        if len(parts) > 1 and any(_looks_like_organisation(part) for part in people):
            diags.warning(path, entry.line_of(name), "B009",
                          f"'{name}' of '{entry.key}' would print as {len(parts)} people "
                          f"(it is split at 'and'): {decoded}", fix)
        elif len(parts) == 1 and people and _looks_like_organisation(parts[0].split(",")[0]):
            how = ("inverted at its comma" if "," in parts[0]
                   else f"with '{parts[0].split()[-1]}' as the family name")
            diags.warning(path, entry.line_of(name), "B009",
                          f"'{name}' of '{entry.key}' looks like an organisation but would be "
                          f"read as a person's name, {how}: {decoded}", fix)


# Title case: Pandoc turns a BibLaTeX title into sentence case and the style title-cases it
# again; what the round trip loses is what no brace protected. Chicago lowercases articles,
# prepositions and conjunctions inside a title; other changes are not Chicago's.
TITLE_FIELDS = ("title", "subtitle", "booktitle", "maintitle", "series", "journaltitle",
                "journal")
LOWERED_BY_CHICAGO = frozenset([
    "about", "above", "across", "after", "against", "along", "among", "and", "around", "as",
    "at", "before", "behind", "below", "beneath", "beside", "between", "beyond", "but", "by",
    "down", "during", "for", "from", "in", "inside", "into", "like", "near", "nor", "of",
    "off", "on", "onto", "or", "out", "outside", "over", "past", "per", "since", "so", "than",
    "through", "till", "to", "toward", "towards", "under", "until", "up", "upon", "via",
    "with", "within", "without", "yet",
])  # not "a", "an", "the": capitalised inside a title, they begin a title or a name
NAME_PARTICLES = frozenset(["da", "de", "del", "della", "der", "di", "du", "la", "le", "van",
                            "von", "y"])
INNER_TITLE_START = re.compile(r"(?:\\(?:emph|textit)\s*\{|``|“)[\s{]*([A-Za-z]+)")
TOKEN = re.compile(r"\w+(?:[.'’]\w+)*(?:(?<=\b[^\W\d_])\.)?")  # 'F.' keeps its period


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(text.replace("’", "'"))


def inner_title_starts(raw: str) -> frozenset[str]:
    """First words of the titles inside a raw BibTeX title (\\emph{On ...}, ``The ...''):
    capitalised there whatever they are."""
    return frozenset(INNER_TITLE_START.findall(raw))


def case_changes(written: str, printed: str,
                 starts: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(as written, as printed) for each word of `written` whose case citeproc changed in
    `printed` in a way Chicago's title case does not explain (a small word lowered is one,
    unless it starts an inner title: `starts`); [] if `written` is not found."""
    want, got = _tokens(written), _tokens(printed)
    folded = [word.casefold() for word in got]
    target = [word.casefold() for word in want]
    for start in range(len(got) - len(want) + 1):
        if want and folded[start:start + len(want)] == target:
            return [(a, b) for a, b in zip(want, got[start:start + len(want)], strict=True)
                    if a != b and (a in starts or not _chicago_case(a, b))]
    return []


def _chicago_case(written: str, printed: str) -> bool:
    if printed == written.lower():  # lowered: only the small words Chicago lowers
        return printed in LOWERED_BY_CHICAGO
    if printed == written.capitalize() and written.islower():  # raised: a plain word
        return written not in NAME_PARTICLES
    return False


def check_title_case(path: Path, entries: dict[str, BibEntry], printed: dict[str, str],
                     diags: Diagnostics) -> None:
    """Warn (B010) where the printed bibliography entry changes the case of a title word the
    .bib did not protect: an initial, a proper noun, a title inside the title."""
    for key, entry in entries.items():
        text = printed.get(key)
        if not text:
            continue
        for name in TITLE_FIELDS:
            changes = case_changes(entry.decoded.get(name, ""), text,
                                   inner_title_starts(entry.fields.get(name, "")))
            if changes:
                shown = ", ".join(f"'{a}' as '{b}'" for a, b in changes)
                braced = ", ".join(f"{{{a}}}" for a, _ in changes)
                diags.warning(path, entry.field_lines.get(name, entry.line), "B010",
                              f"'{name}' of '{key}' would print {shown} (citeproc's title "
                              "case)",
                              f"brace what must keep its case: {braced}, or a whole name; "
                              "an inner title whole, command included: {\\emph{...}}")


PANDOC_BIB_ERROR = re.compile(
    r"Error (?:reading bibliography file|at) \"?[^\n]*?\"?:?\s*\(line (\d+), column (\d+)\):?"
    r"\s*(.*)", re.S)


def pandoc_bib_error(message: str) -> tuple[int, int, str] | None:
    """(line, column, reason) when Pandoc failed on the bibliography file (a mistake
    bibtexparser let through), else None."""
    match = PANDOC_BIB_ERROR.search(message)
    if match is None or "bib" not in message[: match.start(1)]:
        return None
    reason = " ".join(match.group(3).split("\n")[0].split()) or "Pandoc could not read it"
    return int(match.group(1)), int(match.group(2)), reason
