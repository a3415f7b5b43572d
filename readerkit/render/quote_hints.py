"""What exactly differs between an annotation's quote that was not found and the source's text.

The hint names the difference instead of only showing the closest passage, which can look
identical to what was typed: quote marks typed around the quote, capitals, a changed word.
"""

from __future__ import annotations

import difflib

from readerkit.render.anchoring import Folded, closest_passage, find_quote, fold_text

WRAPPING_MARKS = {"“": "”", "‘": "’", "„": "“", "«": "»", "»": "«", "‹": "›", '"': '"', "'": "'"}
MAX_DIFFERENCES = 3


def _yaml_quoted(text: str) -> str:
    return f'"{text}"' if '"' not in text else "'" + text.replace("'", "''") + "'"


def _unwrapped(quote: str) -> str | None:
    text = quote.strip()
    if len(text) > 2 and WRAPPING_MARKS.get(text[0]) == text[-1]:
        return text[1:-1].strip()
    return None


def _word_differences(source: str, quote: str) -> list[str]:
    said, typed = source.split(), quote.split()
    differences: list[str] = []
    matcher = difflib.SequenceMatcher(a=said, b=typed, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        theirs, ours = " ".join(said[a1:a2]), " ".join(typed[b1:b2])
        if tag == "replace":
            differences.append(f'"{theirs}" where the quote has "{ours}"')
        elif tag == "delete":
            differences.append(f'"{theirs}", which the quote leaves out')
        elif tag == "insert":
            differences.append(f'no "{ours}"')
    return differences[:MAX_DIFFERENCES]


def mismatch_hint(folded: Folded, quote: str) -> str:
    """The hint for a quote that matches nowhere in the (folded) source text."""
    inner = _unwrapped(quote)
    if inner and find_quote(folded, inner, "", "").quote_found:
        return (f"the quote marks {quote.strip()[0]} {quote.strip()[-1]} around the quote are "
                "not in the source (YAML keeps them as part of the text): write quote: "
                f"{_yaml_quoted(inner)}")
    near = closest_passage(folded, quote)
    if not near:
        return "copy the quote from the source text"
    typed = fold_text(quote)
    if near.casefold() == typed.casefold():
        words = [f'"{theirs}" not "{ours}"' for theirs, ours in
                 zip(near.split(), typed.split(), strict=False) if theirs != ours]
        return (f'only capitals differ: the source has {", ".join(words[:MAX_DIFFERENCES])} '
                f'(copy it as it is: "{near}")')
    differences = _word_differences(near, typed)
    if not differences:
        return f'closest passage: "{near}"'
    return f'closest passage: "{near}" (the source has ' + "; ".join(differences) + ")"
