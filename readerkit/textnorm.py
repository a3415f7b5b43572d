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

import ftfy

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
# UTF-8 read as cp1252 or latin-1 ("â€™" for "’") is repaired by ftfy. ftfy cannot know a byte
# that the capture dropped: cp1252 has no character for 0x9D (the end of "”") or 0x81 (the end
# of "ﬁ"), so "â€" and "ï¬" left without their last byte are completed first.

# Characters a cp1252 reading gives the bytes 0x80-0xBF: the rest of a UTF-8 sequence.
_CONTINUATION = re.escape(bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore"))
LOST_BYTE_FIXES: dict[str, str] = {"\u00e2\u20ac": "\u201d", "\u00ef\u00ac": "\ufb01"}
LOST_BYTE_RE = re.compile(f"(?:\u00e2\u20ac|\u00ef\u00ac)(?![{_CONTINUATION}\x80-\x9f])")


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252/latin-1 ("â€™" -> "’", "Ã©" -> "é"), even when done twice."""
    text = LOST_BYTE_RE.sub(lambda m: LOST_BYTE_FIXES[m.group(0)], text)
    return str(ftfy.fix_encoding(text))


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
