"""Field-by-field validation of loaded YAML mappings, with did-you-mean hints.

Each content file declares its fields once (name, type, required); this module turns a
LocatedDict into checked values and located diagnostics (K001..K006).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from readerkit.diagnostics import Diagnostics
from readerkit.load.yamlfile import LocatedDict

UNDATED = "n.d."
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class Field:
    name: str
    kind: type = str  # str, list (of strings), or object (validated by the caller)
    required: bool = False
    choices: tuple[str, ...] = ()
    is_date: bool = False
    undated_ok: bool = False  # 'n.d.' (Chicago's 'no date') is accepted


def did_you_mean(word: str, candidates: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _shape(value: Any) -> str:
    """What an editor wrote instead of text, in their words."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping (key: value)"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def valid_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a day that exists."""
    match = DATE_PATTERN.match(text)
    if not match:
        return False
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
_WORD_DATES = (  # (pattern, the groups' order): '14 October 1918', 'October 14, 1918', ...
    (re.compile(r"^(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?,? (\d{4})$"), ("day", "month", "year")),
    (re.compile(r"^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$"), ("month", "day", "year")),
    (re.compile(r"^([a-z]+)\.?,? (\d{4})$"), ("month", "year")),
    (re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$"), ("year", "month", "day")),
)


def iso_form(text: str) -> str | None:
    """A date written another way, in the form the files use: '14 October 1918' -> '1918-10-14'.

    Only unambiguous forms: '10/14/1918' could be either order, so it is not guessed."""
    for pattern, order in _WORD_DATES:
        found = pattern.match(" ".join(text.lower().split()))
        if found is None:
            continue
        parts = dict(zip(order, found.groups(), strict=True))
        month = MONTHS.get(parts["month"]) if not parts["month"].isdigit() else int(parts["month"])
        if month is None:
            return None
        iso = f"{int(parts['year']):04d}-{month:02d}"
        if "day" in parts:
            iso += f"-{int(parts['day']):02d}"
        return iso if valid_date(iso) else None
    return None


def read_fields(
    data: LocatedDict,
    fields: tuple[Field, ...],
    path: Path,
    diags: Diagnostics,
    *,
    what: str,
) -> dict[str, Any]:
    """Return the known fields (with defaults: '' or []) and report every problem found."""
    names = tuple(f.name for f in fields)
    misspelt: set[str] = set()  # known names an unknown key looks like
    for key in data:
        if key not in names:
            close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
            misspelt.update(close)
            diags.error(
                path,
                data.line_of(key),
                "K001",
                f"unknown key '{key}' in {what}",
                f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(names)}",
            )
    values: dict[str, Any] = {}
    for spec in fields:
        raw = data.get(spec.name)
        line = data.line_of(spec.name)
        if raw is None:
            if spec.required and spec.name in data:  # 'note:' with nothing after it
                diags.error(path, line, "K006", f"'{spec.name}' is empty in {what}")
            elif spec.required and spec.name not in misspelt:  # K001 already points here
                diags.error(path, data.line, "K002", f"{what} is missing required '{spec.name}'")
            values[spec.name] = [] if spec.kind is list else ""
            continue
        if spec.kind is object:  # structured: the caller validates it item by item
            values[spec.name] = raw
            continue
        if spec.kind is list:
            if isinstance(raw, str):
                raw = [raw]
            if not isinstance(raw, list) or not all(isinstance(x, str | int) for x in raw):
                diags.error(path, line, "K003", f"'{spec.name}' must be a list of text items")
                values[spec.name] = []
                continue
            values[spec.name] = [str(x) for x in raw]
            if spec.required and not any(v.strip() for v in values[spec.name]):
                diags.error(path, line, "K006", f"'{spec.name}' is empty in {what}")
            continue
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            diags.error(path, line, "K003", f"'{spec.name}' must be text, not {_shape(raw)}",
                        "put the whole value on one line, in quotes if it contains ':'")
            values[spec.name] = ""
            continue
        text = str(raw).strip()
        if spec.required and not text:
            diags.error(path, line, "K006", f"'{spec.name}' is empty in {what}")
        elif spec.choices and text not in spec.choices:
            diags.error(
                path,
                line,
                "K004",
                f"'{spec.name}' is '{text}', which is not one of: {', '.join(spec.choices)}",
                did_you_mean(text, spec.choices),
            )
        elif spec.is_date and text and not valid_date(text) and not (
            spec.undated_ok and text == UNDATED
        ):
            forms = "YYYY, YYYY-MM or YYYY-MM-DD, e.g. 1962-10-22" + (
                ", or n.d. when the work is undated" if spec.undated_ok else "")
            iso = iso_form(text)
            if iso is not None:
                diags.error(path, line, "K005",
                            f"'{spec.name}' is '{text}'; dates are written {forms}",
                            f'write it as "{iso}"')
            elif DATE_PATTERN.match(text):
                diags.error(path, line, "K005",
                            f"'{spec.name}' is '{text}', which is not a real date",
                            f"write {forms}")
            else:
                diags.error(path, line, "K005",
                            f"'{spec.name}' is '{text}', which is not a date in the form "
                            "YYYY, YYYY-MM or YYYY-MM-DD", f"write {forms}")
        values[spec.name] = text
    return values
