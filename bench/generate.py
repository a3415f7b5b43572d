#!/usr/bin/env python3
"""Generate a synthetic reader of about PAGES printed pages: varied lorem-like prose in many
sources, annotations anchored to exact passages, a glossary whose terms occur in the text, a
timeline and a bibliography. Deterministic (seeded), so benchmark runs are comparable.

    python bench/generate.py TARGET [--pages 500]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import yaml

WORDS_PER_PAGE = 300  # calibrated on the default print style (letter): body text plus notes
# The real reader has 72 notes (69 citing a work) on 4,608 words of sources: a note every 64 words.
NOTE_EVERY = 64
SYLLABLES = ("ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "an", "que", "ri", "mus",
             "tem", "po", "ra", "lis", "ne", "cor", "da", "ti", "ves", "on", "gra", "pel")
COMMON = ("the", "and", "of", "to", "in", "that", "was", "for", "with", "as", "on", "by",
          "which", "from", "had", "not", "but", "this", "were", "their", "an", "at", "his")


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    return sorted(words)


def _sentence(rng: random.Random, vocab: list[str]) -> str:
    words = [rng.choice(COMMON) if rng.random() < 0.35 else rng.choice(vocab)
             for _ in range(rng.randint(8, 26))]
    if rng.random() < 0.25:
        words.insert(rng.randint(1, len(words) - 1), f"{rng.choice(vocab)},")
    return " ".join(words).capitalize() + rng.choice((".", ".", ".", ";", "?"))


def _paragraph(rng: random.Random, vocab: list[str]) -> str:
    return " ".join(_sentence(rng, vocab) for _ in range(rng.randint(3, 8))).replace("; ", ", ")


def generate(target: Path, pages: int = 500, seed: int = 1962) -> Path:
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    if target.exists():
        shutil.rmtree(target)
    for folder in ("book/annotations", "book/intros", "sources"):
        (target / folder).mkdir(parents=True)
    sources_count = max(4, pages // 12)
    words_per_source = pages * WORDS_PER_PAGE // sources_count
    terms = rng.sample(vocab[:600], 40)
    bib = []
    for number in range(1, sources_count + 6):
        bib.append(f"@book{{work{number},\n  author = {{{rng.choice(vocab).title()}, "
                   f"{rng.choice(vocab).title()}}},\n  title = {{{_sentence(rng, vocab)[:-1]}}},"
                   f"\n  publisher = {{{rng.choice(vocab).title()} Press}},\n"
                   f"  year = {{{rng.randint(1950, 2020)}}}\n}}\n")
    (target / "bibliography.bib").write_text("\n".join(bib), encoding="utf-8")
    parts: list[dict[str, object]] = []
    for number in range(1, sources_count + 1):
        sid = f"source-{number:03d}"
        paragraphs: list[str] = []
        count = 0
        while count < words_per_source:
            paragraph = _paragraph(rng, vocab)
            if rng.random() < 0.3:
                paragraph = paragraph.replace(" the ", f" the {rng.choice(terms)} ", 1)
            paragraphs.append(paragraph)
            count += len(paragraph.split())
        body = "\n\n".join(paragraphs)
        (target / "sources" / f"{sid}.md").write_text(
            f'---\ntitle: "Synthetic source {number}: {_sentence(rng, vocab)[:40].strip()}"\n'
            f'author: "{rng.choice(vocab).title()} {rng.choice(vocab).title()}"\n'
            f'kind: {rng.choice(("primary", "secondary"))}\n'
            f'date: "{rng.randint(1900, 2000)}-{rng.randint(1, 12):02d}"\n'
            f"cite: work{number}\nrights: \"Synthetic text, generated for benchmarks.\"\n"
            f"---\n\n{body}\n", encoding="utf-8")
        notes = []
        # As dense as the real reader's annotations: a note every NOTE_EVERY words or so,
        # each on its own five-word passage (quoted once in the source, never overlapping).
        for paragraph_index, paragraph in enumerate(paragraphs):
            words = paragraph.split()
            wanted = max(0, round(len(words) / NOTE_EVERY + rng.uniform(-0.5, 0.5)))
            if wanted == 0:
                continue
            span = len(words) // wanted
            for slot in range(wanted):
                start = slot * span + rng.randint(0, max(0, span - 6))
                quote = " ".join(words[start:start + 5]).strip(".,;?")
                if len(quote.split()) < 4 or body.count(quote) != 1:
                    continue
                cite = (f" [@work{rng.randint(1, sources_count + 5)}, {rng.randint(2, 300)}]"
                        if rng.random() < 0.9 else "")
                notes.append({"id": f"{sid}-n{paragraph_index}-{slot}", "quote": quote,
                              "kind": rng.choice(("gloss", "context", "discrepancy", "question")),
                              "note": _sentence(rng, vocab) + " " + _sentence(rng, vocab) + cite})
        (target / "book" / "annotations" / f"{sid}.yaml").write_text(
            yaml.safe_dump(notes, sort_keys=False, width=100), encoding="utf-8")
        if (number - 1) % 8 == 0:
            intro = f"intros/part-{len(parts) + 1}.md"
            (target / "book" / intro).write_text(_paragraph(rng, vocab) + "\n", encoding="utf-8")
            parts.append({"title": f"Part {len(parts) + 1}", "intro": intro, "sources": []})
        sources = parts[-1]["sources"]
        assert isinstance(sources, list)
        sources.append(sid)
    (target / "book" / "introduction.md").write_text(
        "\n\n".join(_paragraph(rng, vocab) for _ in range(4)) + "\n", encoding="utf-8")
    glossary = [{"term": term, "definition": _sentence(rng, vocab)} for term in sorted(terms)]
    (target / "book" / "glossary.yaml").write_text(yaml.safe_dump(glossary, sort_keys=False),
                                                   encoding="utf-8")
    timeline = [{"date": f"{1900 + 3 * n}-{rng.randint(1, 12):02d}",
                 "event": _sentence(rng, vocab),
                 "sources": [f"source-{rng.randint(1, sources_count):03d}"]} for n in range(30)]
    (target / "book" / "timeline.yaml").write_text(yaml.safe_dump(timeline, sort_keys=False),
                                                   encoding="utf-8")
    book = {"title": "A Synthetic Reader", "subtitle": f"About {pages} pages for benchmarks",
            "editors": ["Bench Editor"], "lang": "en-US",
            "identifier": "urn:uuid:00000000-0000-4000-8000-000000000500",
            "slug": "synthetic-reader", "date": "2026-01-01", "edition": "Benchmark edition",
            "introduction": "introduction.md", "parts": parts}
    (target / "book" / "book.yaml").write_text(yaml.safe_dump(book, sort_keys=False),
                                               encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--styles", type=Path, help="copy this styles/ folder into the reader")
    options = parser.parse_args()
    generate(options.target, options.pages)
    if options.styles:
        shutil.copytree(options.styles, options.target / "styles")
    print(options.target)


if __name__ == "__main__":
    main()
