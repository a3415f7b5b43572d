"""One table of text folding, for anchoring, verbatim checks and the capture cleaner.

What editors cannot see or type reliably is folded alike everywhere: curly and straight quotes
and primes (ONE_TO_ONE), dash kinds (ONE_TO_ONE), invisible characters (INVISIBLES: dropped),
ligatures and the ellipsis (EXPANSIONS: spelled out). render/anchoring.py folds a source to find
an annotation's quote, check/provenance.py compares an excerpt with its capture
(`normalise_for_comparison`), tools/clean_source.py repairs captures with the same functions.

The long-s ligatures: U+FB05 (ﬅ, LATIN SMALL LIGATURE LONG S T) and U+FB06 (ﬆ, LATIN SMALL
LIGATURE ST) both expand to "st", as Unicode's compatibility decomposition (NFKC) has them; the
anchoring table used to leave them as they were, so a quote typed "st" did not match a source
printed with the ligature, while the cleaner and the verbatim check already expanded them.
"""

from __future__ import annotations

import re

# One character for another: matching positions stay those of the original text.
ONE_TO_ONE: dict[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),  # ‘ ’ ‚ ‛ ′
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),  # “ ” „ ‟ ″
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),  # ‐ ‑ ‒ – — ― −
}
# Invisible characters that only ever get in the way of matching: dropped.
INVISIBLES = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
LIGATURES: dict[str, str] = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",  # long s + t
    "\ufb06": "st",
}
# One character for several.
EXPANSIONS: dict[str, str] = {**LIGATURES, "\u2026": "..."}

_LIGATURE_TABLE = str.maketrans(LIGATURES)
_INVISIBLE_TABLE = str.maketrans(dict.fromkeys(INVISIBLES, None))
_TYPOGRAPHY_TABLE = str.maketrans({**ONE_TO_ONE, "\u2026": "..."})

# --- mojibake --------------------------------------------------------------------------------
# UTF-8 bytes that were decoded as cp1252 (or latin-1, for the five bytes cp1252 leaves
# undefined). Building the byte <-> char table once lets us re-encode exact runs.


def _build_cp1252_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for b in range(256):
        try:
            ch = bytes([b]).decode("cp1252")
        except UnicodeDecodeError:
            ch = chr(b)  # latin-1 reading of an undefined cp1252 byte
        table[ch] = b
    for b in range(0x80, 0xA0):  # also accept the latin-1 (C1 control) reading
        table.setdefault(chr(b), b)
    return table


CP1252_BYTE: dict[str, int] = _build_cp1252_table()


def _char_class(byte_lo: int, byte_hi: int) -> str:
    chars = sorted({ch for ch, b in CP1252_BYTE.items() if byte_lo <= b <= byte_hi})
    return "[" + "".join(re.escape(c) for c in chars) + "]"


_CONT = _char_class(0x80, 0xBF)
MOJIBAKE_RE = re.compile(
    f"{_char_class(0xC2, 0xDF)}{_CONT}"
    f"|{_char_class(0xE0, 0xEF)}{_CONT}{{2}}"
    f"|{_char_class(0xF0, 0xF4)}{_CONT}{{3}}"
)
# Sequences whose last byte is undefined in cp1252 and was dropped on capture: 0x9D ends the
# closing double quote, 0x81 the "fi" ligature.
LOST_BYTE_FIXES: dict[str, str] = {"\u00e2\u20ac": "\u201d", "\u00ef\u00ac": "\ufb01"}
LOST_BYTE_RE = re.compile(f"(?:\u00e2\u20ac|\u00ef\u00ac)(?!{_CONT})")
# Decoded mojibake must land in scripts a capture plausibly holds; "É—" must stay "É—".
PLAUSIBLE_DECODED_RE = re.compile(r"[\u00a0-\u024f\u0370-\u04ff\u2000-\u22ff\ufb00-\ufb06]+")


def _decode_run(m: re.Match[str]) -> str:
    run = m.group(0)
    try:
        fixed = bytes(CP1252_BYTE[c] for c in run).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return run
    return fixed if PLAUSIBLE_DECODED_RE.fullmatch(fixed) else run


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252/latin-1 ("â€™" -> "’", "Ã©" -> "é"), even when done twice."""
    for _ in range(3):
        fixed = MOJIBAKE_RE.sub(_decode_run, text)
        fixed = LOST_BYTE_RE.sub(lambda m: LOST_BYTE_FIXES[m.group(0)], fixed)
        if fixed == text:
            break
        text = fixed
    return text


def expand_ligatures(text: str) -> str:
    """Spell out presentation-form ligatures (ﬁ ﬂ ﬀ ﬃ ﬄ) that PDF-to-web copies leave behind."""
    return text.translate(_LIGATURE_TABLE)


def remove_invisibles(text: str) -> str:
    """Drop zero-width characters and soft hyphens, which are invisible but break matching."""
    return text.translate(_INVISIBLE_TABLE)


def normalise_typography(text: str) -> str:
    """Straight quotes, hyphen-minus for every dash, three dots for an ellipsis."""
    return text.translate(_TYPOGRAPHY_TABLE)


def normalise_for_comparison(text: str) -> str:
    """The form in which two wordings count as the same quotation (used by verbatim checks)."""
    text = remove_invisibles(expand_ligatures(fix_mojibake(text)))
    return re.sub(r"\s+", " ", normalise_typography(text)).strip()
