"""Command line: parse arguments, run the engine, map outcomes to exit codes (0, 1, 2)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from readerkit.diagnostics import BuildAborted, Diagnostics

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _parser(default_root: Path) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build an annotated course reader (PDF and EPUB 3) from its plain files.",
        epilog="Exit status: 0 success, 1 content error, 2 usage error.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

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
    watch = commands.add_parser(
        "watch", help="rebuild on every save (EPUB first, then PDF) until Ctrl-C",
        description="Rebuild on every save under book/, sources/, styles/ and "
        "bibliography.bib: EPUB first, then PDF. Content errors are reported and the last "
        "good outputs kept.")
    add_root(watch)
    watch.add_argument("--out", type=Path, help="output folder (default: ROOT/dist)")
    watch.add_argument("--page-size", choices=("letter", "a4", "trade"),
                       help="override book.yaml's page_size")
    serve = commands.add_parser(
        "serve", help="live preview: serve the web edition on 127.0.0.1, rebuild on every save",
        description="Build the web edition, serve it on 127.0.0.1 and rebuild it on every "
        "save; the open page reloads, keeping its place. Content errors show in the page and "
        "here; the last good pages stay served. Ctrl-C stops.")
    add_root(serve)
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    serve.add_argument("--out", type=Path, help="output folder (default: ROOT/dist)")
    check = commands.add_parser("check", help="load and validate everything, write nothing")
    add_root(check)
    clean = commands.add_parser(
        "clean-source", help="turn a raw web capture into a draft excerpt (Markdown)",
        description="Clean one raw capture: the draft goes to stdout (or -o), the report of "
        "every removed or changed line to stderr.",
    )
    clean.add_argument("raw", type=Path, help="the raw capture, e.g. sources/raw/page.txt")
    clean.add_argument("-o", "--output", type=Path, help="write the draft here instead of stdout")
    return parser


def _report(diags: Diagnostics) -> None:
    for diagnostic in diags.sorted():
        print(diagnostic.format(), file=sys.stderr)


def _summary(diags: Diagnostics) -> str:
    return f"{len(diags.errors)} error(s), {len(diags.warnings)} warning(s)"


def main(argv: Sequence[str], *, default_root: Path) -> int:
    arguments = list(argv)
    if not arguments or (arguments[0].startswith("-") and arguments[0] not in ("-h", "--help")):
        arguments.insert(0, "all")
    options = _parser(default_root).parse_args(arguments)
    if options.command == "clean-source":
        return _clean_source(options.raw, options.output)
    root: Path = options.root
    if not (root / "book" / "book.yaml").is_file():
        print(f"build.py: error: {root} is not a reader project (no book/book.yaml)",
              file=sys.stderr)
        return EXIT_USAGE
    if options.command == "watch":
        from readerkit.watch import watch

        return watch(root, out_dir=options.out, strict=options.strict,
                     page_size=options.page_size)
    if options.command == "serve":
        from readerkit.serve import serve

        return serve(root, port=options.port, out_dir=options.out, strict=options.strict)
    from readerkit.pipeline import (
        ALL_TARGETS,
        Target,
        build,  # imported late: WeasyPrint is slow to import
    )
    from readerkit.progress import terminal_progress

    targets = {"all": ALL_TARGETS, "pdf": (Target("pdf"),), "epub": (Target("epub"),),
               "html": (Target("html"),)}.get(
        options.command, ())  # check: no targets
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
    from readerkit.tools.clean_source import clean_capture

    try:
        data = raw.read_bytes()
    except OSError as error:
        print(f"build.py: error: cannot read {raw}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    text = data.decode("utf-8", errors="replace")
    result = clean_capture(text, capture_path=raw.as_posix())
    print(format_report(result.changes, capture_path=raw.as_posix()), file=sys.stderr)
    if output is None:
        sys.stdout.write(result.markdown)
    else:
        output.write_text(result.markdown, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    return EXIT_OK
