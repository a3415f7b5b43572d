"""Command line: parse arguments, run the engine, map outcomes to exit codes (0, 1, 2)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from readerkit.diagnostics import BuildAborted, Diagnostics

EDITIONS = ("student", "instructor")  # render/editions.py (not imported here: it loads lxml)

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


EXAMPLES = """examples (inside the virtual environment: `. .venv/bin/activate` first, or
use .venv/bin/python instead of python):
  python build.py init ../influenza --title "The 1918 Influenza" --lang en-GB
  python build.py check --root ../influenza
  python build.py --root ../influenza            (the PDF and the EPUB, in ../influenza/dist)
  python build.py pdf --root ../influenza --page-size a4
  python build.py watch --root ../influenza      (rebuild on every save; Ctrl-C stops)
  python build.py handout first-source --root ../influenza   (one source as a PDF handout)
  python build.py clean-source ../influenza/sources/raw/page.html -o draft.md

Exit status: 0 success, 1 content error, 2 usage error."""


COMMAND_EXAMPLES = {
    "all": "all --root ../influenza",
    "pdf": "pdf --root ../influenza --page-size a4   (writes dist/<slug>-a4.pdf)",
    "epub": "epub --root ../influenza",
    "watch": "watch --root ../influenza",
    "check": "check --root ../influenza",
    "clean-source": "clean-source ../influenza/sources/raw/page.html -o draft.md",
    "init": 'init ../influenza --title "The 1918 Influenza" --lang en-GB',
    "import-annotations": "import-annotations hypothesis-export.json --dry-run",
    "export-annotations": "export-annotations -o annotations.jsonld --edition student",
    "permissions": "permissions --root ../influenza   (also writes dist/<slug>-permissions.csv)",
    "html": "html --root ../influenza --edition student   (writes dist/<slug>-web/ and .zip)",
    "serve": "serve --root ../influenza --port 8000   (then open http://127.0.0.1:8000/)",
    "handout": "handout first-source --root ../influenza --edition instructor   (writes "
               "dist/<slug>-instructor-handout-first-source.pdf)",
}


def _parser(default_root: Path) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build an annotated course reader (PDF and EPUB 3) from its plain files.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add_edition(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--edition", action="append", choices=EDITIONS,
                         help="student (the default) or instructor; give it twice for both "
                         "(one build: the stages run once)")

    def add_root(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--root", type=Path, default=default_root,
                         help="the reader project (default: the folder holding build.py)")
        sub.add_argument("--strict", action="store_true", help="treat warnings as errors")

    for name, text in (("all", "build the PDF and the EPUB (the default)"),
                       ("pdf", "build the PDF only"), ("epub", "build the EPUB only"),
                       ("html", "build the web edition: ROOT/dist/<slug>-web/ and its .zip")):
        sub = commands.add_parser(name, help=text, description=text)
        add_root(sub)
        sub.add_argument("--out", type=Path, help="output folder (default: ROOT/dist)")
        sub.add_argument("--page-size", choices=("letter", "a4", "trade"),
                         help="override book.yaml's page_size")
        sub.add_argument("--print-shop", action="store_true",
                         help="PDF for a print shop: 3 mm bleed and crop marks")
        sub.add_argument("--no-cache", action="store_true",
                         help="build everything afresh, ignoring ROOT/.cache/readerkit")
        add_edition(sub)
    watch = commands.add_parser(
        "watch", help="rebuild on every save (EPUB first, then PDF) until Ctrl-C",
        description="Rebuild on every save under book/, sources/, styles/ and "
        "bibliography.bib: EPUB first, then PDF. Content errors are reported and the last "
        "good outputs kept.")
    add_root(watch)
    watch.add_argument("--out", type=Path, help="output folder (default: ROOT/dist)")
    watch.add_argument("--page-size", choices=("letter", "a4", "trade"),
                       help="override book.yaml's page_size")
    watch.add_argument("--no-cache", action="store_true",
                       help="do not use ROOT/.cache/readerkit (laid-out pages are still kept "
                       "in memory from one save to the next)")
    add_edition(watch)
    serve = commands.add_parser(
        "serve", help="live preview: serve the web edition on 127.0.0.1, rebuild on every save",
        description="Build the web edition, serve it on 127.0.0.1 and rebuild it on every "
        "save; the open page reloads, keeping its place. Content errors show in the page and "
        "here; the last good pages stay served. Ctrl-C stops.")
    add_root(serve)
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    serve.add_argument("--out", type=Path, help="output folder (default: ROOT/dist)")
    serve.add_argument("--edition", choices=EDITIONS, default=EDITIONS[0],
                       help="the edition to preview: student (the default) or instructor")
    check = commands.add_parser("check", help="load and validate everything, write nothing")
    add_root(check)
    rights = commands.add_parser(
        "permissions", help="the course pack's permissions table (and OUT/<slug>-permissions.csv)",
        description="For each source: rights holder, permission status, the print pages it "
        "occupies and their count, the words quoted and their share of the captured original.")
    add_root(rights)
    rights.add_argument("--out", type=Path, help="output folder (default: ROOT/dist)")
    rights.add_argument("--page-size", choices=("letter", "a4", "trade"),
                        help="override book.yaml's page_size")
    handout = commands.add_parser(
        "handout", help="one source as a PDF handout: OUT/<slug>-handout-<id>.pdf",
        description="Print one source as a handout: its header, headnote, text and notes with "
        "the reader's note and paragraph numbers, the reader's page numbers where each of its "
        "pages begins, then the glossary entries, timeline events and works it cites. The "
        "reader's pages come from the layout cache (the book is laid out once if nothing is "
        "cached). Writes OUT/<slug>-handout-<id>.pdf, or "
        "OUT/<slug>-instructor-handout-<id>.pdf with the source's teaching notes.")
    handout.add_argument("source", metavar="SOURCE_ID",
                         help="the source's id: its file name in sources/ without .md")
    add_root(handout)
    handout.add_argument("--out", type=Path, help="output folder (default: ROOT/dist)")
    handout.add_argument("--edition", choices=EDITIONS, default=EDITIONS[0],
                         help="student (the default: no instructor material) or instructor "
                         "(adds the source's teaching notes)")
    clean = commands.add_parser(
        "clean-source", help="turn a raw web capture into a draft excerpt (Markdown)",
        description="Clean one raw capture: the draft goes to stdout (or -o), the report of "
        "every removed or changed line to stderr.",
    )
    clean.add_argument("raw", type=Path, help="the raw capture, e.g. sources/raw/page.txt")
    clean.add_argument("-o", "--output", type=Path, help="write the draft here instead of stdout")
    from readerkit.tools.annotations_cli import add_commands  # the annotation commands

    add_commands(commands, add_root)
    init = commands.add_parser(
        "init", help="start a new reader in an empty folder",
        description="Create a small reader that builds at once: book.yaml (with a fresh "
        "identifier), one source with an annotation, a glossary entry, a timeline event and a "
        "bibliography entry, each field explained in a comment. The folder must be new or "
        "empty.")
    init.add_argument("folder", type=Path, help="the new reader's folder, e.g. ../influenza")
    init.add_argument("--title", default="A New Reader", help='the book\'s title '
                      '(default: "A New Reader"; change it in book/book.yaml at any time)')
    init.add_argument("--lang", default="en-US", help="the book's language, a BCP 47 tag "
                      "such as en-GB (default: en-US); it also sets the paper: US Letter for "
                      "the US and Canada, A4 elsewhere")
    for name, sub in commands.choices.items():
        sub.epilog = f"example: python build.py {COMMAND_EXAMPLES[name]}"
        sub.formatter_class = argparse.RawDescriptionHelpFormatter
    # Every command's options on the main --help page, then examples.
    parser.epilog = "commands and their options:\n" + "".join(
        "  " + sub.format_usage().removeprefix("usage: ") for sub in
        commands.choices.values()) + "\n" + EXAMPLES
    return parser


def _editions(options: argparse.Namespace) -> list[str]:
    """The editions asked for, each once, in the order of EDITIONS (default: the student's)."""
    asked = getattr(options, "edition", None) or [EDITIONS[0]]
    return [edition for edition in EDITIONS if edition in asked]


def _report(diags: Diagnostics) -> None:
    for diagnostic in diags.sorted():
        print(diagnostic.format(), file=sys.stderr)


def _counted(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _summary(diags: Diagnostics) -> str:
    return f"{_counted(len(diags.errors), 'error')}, {_counted(len(diags.warnings), 'warning')}"


def main(argv: Sequence[str], *, default_root: Path) -> int:
    arguments = list(argv)
    if not arguments or (arguments[0].startswith("-") and arguments[0] not in ("-h", "--help")):
        arguments.insert(0, "all")
    options = _parser(default_root).parse_args(arguments)
    if options.command == "clean-source":
        return _clean_source(options.raw, options.output)
    if options.command == "init":
        return _init(options.folder, options.title, options.lang)
    root: Path = options.root
    if not (root / "book" / "book.yaml").is_file():
        print(f"build.py: error: {root} is not a reader project (no book/book.yaml)",
              file=sys.stderr)
        return EXIT_USAGE
    if options.command in ("import-annotations", "export-annotations"):
        from readerkit.tools.annotations_cli import run

        return run(options)
    if options.command == "watch":
        from readerkit.watch import watch

        return watch(root, out_dir=options.out, strict=options.strict,
                     page_size=options.page_size, use_cache=not options.no_cache,
                     editions=_editions(options))
    if options.command == "permissions":
        return _permissions(root, options)
    if options.command == "handout":
        return _handout(root, options)
    if options.command == "serve":
        from readerkit.serve import serve

        return serve(root, port=options.port, out_dir=options.out, strict=options.strict,
                     edition=options.edition)
    from readerkit.pipeline import (
        ALL_TARGETS,
        Target,
        build,  # imported late: WeasyPrint is slow to import
    )
    from readerkit.progress import terminal_progress

    formats = {"all": [t.format for t in ALL_TARGETS], "pdf": ["pdf"], "epub": ["epub"],
               "html": ["html"]}.get(options.command, [])  # check: no targets
    targets = [Target(name, edition) for edition in _editions(options) for name in formats]
    started = time.perf_counter()
    try:
        with terminal_progress() as progress:
            result = build(
                root,
                targets,
                out_dir=getattr(options, "out", None),
                strict=options.strict,
                page_size=getattr(options, "page_size", None),
                print_shop=getattr(options, "print_shop", False),
                progress=progress,
                use_cache=not getattr(options, "no_cache", False),
            )
    except BuildAborted as aborted:
        _report(aborted.diagnostics)
        if options.command == "check":
            print(f"check failed: {_summary(aborted.diagnostics)}", file=sys.stderr)
        else:
            print(f"build failed: {_summary(aborted.diagnostics)}; nothing was written",
                  file=sys.stderr)
        return EXIT_CONTENT
    except Exception as error:  # last resort: content problems are diagnostics, not tracebacks
        if os.environ.get("READERKIT_DEBUG"):
            raise
        print(f"internal error: {type(error).__name__}: {error}\n"
              "nothing was written; this is a bug in readerkit, not in your files "
              "(set READERKIT_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_CONTENT
    _report(result.diagnostics)
    elapsed = time.perf_counter() - started
    if options.command == "check":
        print(f"check passed: {_summary(result.diagnostics)}", file=sys.stderr)
    for line in _written(result.outputs, getattr(options, "out", None) or root / "dist"):
        print(line)
    if result.up_to_date:
        print(f"up to date ({elapsed:.2f} s): nothing changed since the last build",
              file=sys.stderr)
    if result.outputs:
        print(f"built in {elapsed:.1f} s ({_summary(result.diagnostics)})", file=sys.stderr)
    return EXIT_OK


def _init(folder: Path, title: str, lang: str) -> int:
    from readerkit.tools.init import InitRefused, init_reader

    try:
        init_reader(folder, title=title, lang=lang)
    except InitRefused as refused:
        print(f"build.py: error: {refused}", file=sys.stderr)
        return EXIT_USAGE
    print(f"created a new reader in {folder}\n"
          f"next: python build.py --root {folder}   (builds {folder}/dist/*.pdf and *.epub)\n"
          f"      then edit {folder}/book/book.yaml and the files it names", file=sys.stderr)
    return EXIT_OK


def _permissions(root: Path, options: argparse.Namespace) -> int:
    from readerkit.pipeline import permissions_table

    try:
        path, table, diags = permissions_table(root, out_dir=options.out, strict=options.strict,
                                               page_size=options.page_size)
    except BuildAborted as aborted:
        _report(aborted.diagnostics)
        print(f"failed: {_summary(aborted.diagnostics)}; nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    _report(diags)
    sys.stdout.write(table)
    print(f"wrote {path}")
    return EXIT_OK


def _handout(root: Path, options: argparse.Namespace) -> int:
    from readerkit.handouts import build_handout  # imported late: WeasyPrint is slow to import
    from readerkit.progress import terminal_progress

    started = time.perf_counter()
    try:
        with terminal_progress() as progress:
            result = build_handout(root, options.source, edition=options.edition,
                                   out_dir=options.out, strict=options.strict,
                                   progress=progress)
    except BuildAborted as aborted:
        _report(aborted.diagnostics)
        print(f"handout failed: {_summary(aborted.diagnostics)}; nothing was written",
              file=sys.stderr)
        return EXIT_CONTENT
    _report(result.diagnostics)
    print(f"wrote {result.path}")
    print(f"built in {time.perf_counter() - started:.1f} s (reader pages "
          f"{result.reader_pages}; {_summary(result.diagnostics)})", file=sys.stderr)
    return EXIT_OK


def _written(outputs: Sequence[Path], out: Path) -> list[str]:
    """One line per output file, and one per folder of outputs (the web edition's site)."""
    lines: list[str] = []
    folders: dict[Path, int] = {}
    out = out.resolve()
    for path in outputs:
        try:
            parts = path.relative_to(out).parts
        except ValueError:
            parts = (path.name,)
        if len(parts) > 1:
            folders[out / parts[0]] = folders.get(out / parts[0], 0) + 1
        else:
            lines.append(f"wrote {path}")
    lines += [f"wrote {folder}/ ({count} files)" for folder, count in folders.items()]
    return lines


def _clean_source(raw: Path, output: Path | None) -> int:
    from readerkit.tools.clean_report import format_report
    from readerkit.tools.clean_source import captured_from, clean_capture

    try:
        data = raw.read_bytes()
    except OSError as error:
        print(f"build.py: error: cannot read {raw}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    text = data.decode("utf-8", errors="replace")
    relative, in_sources = captured_from(raw)
    result = clean_capture(text, capture_path=relative)
    print(format_report(result.changes, capture_path=raw.as_posix()), file=sys.stderr)
    if not in_sources:
        print(f"note: {raw} is not in a reader's sources/ folder; move it to sources/{relative} "
              f"(the draft's captured_from says {relative})", file=sys.stderr)
    if output is None:
        sys.stdout.write(result.markdown)
    else:
        output.write_text(result.markdown, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    return EXIT_OK
