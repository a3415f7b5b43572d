"""The command line of annotation import and export (`build.py import-annotations`,
`build.py export-annotations`); readerkit/cli.py hands these two commands over here."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from readerkit.diagnostics import BuildAborted


def add_commands(commands: Any, add_root: Callable[[argparse.ArgumentParser], None]) -> None:
    imports = commands.add_parser(
        "import-annotations", help="add annotations from Hypothesis or W3C JSON-LD to the book",
        description="Import a Hypothesis API result or W3C Web Annotation JSON-LD into "
        "book/annotations/<source>.yaml. Every annotation is anchored first; replies, page "
        "notes and quotes not in an excerpt are reported, not imported.")
    imports.add_argument("file", type=Path, help="the JSON file the annotation tool exported")
    imports.add_argument("--source", help="put every annotation in this source (its id)")
    imports.add_argument("--dry-run", action="store_true",
                         help="write nothing; print what would change")
    add_root(imports)
    exports = commands.add_parser(
        "export-annotations", help="write the book's annotations as a W3C AnnotationCollection",
        description="Write the book's annotations as W3C Web Annotation JSON-LD, targeting "
        "each source's original page and its page in the web edition.")
    exports.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    exports.add_argument("--edition", choices=("student", "instructor"), default="student",
                         help="student (the default) leaves out instructor notes")
    exports.add_argument("--base-url", help="the web edition's address (default: relative "
                         "<source-id>.html pages)")
    add_root(exports)


def _write_out(lines: list[str]) -> None:
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head` stopped reading: not an error, and no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def run(options: argparse.Namespace) -> int:
    from readerkit.atomic import write_atomically
    from readerkit.cli import EXIT_CONTENT, EXIT_OK, _report, _summary
    from readerkit.tools.annotations_export import export_annotations
    from readerkit.tools.annotations_import import import_annotations, report

    try:
        if options.command == "export-annotations":
            text, diags = export_annotations(options.root, edition=options.edition,
                                             base_url=options.base_url, strict=options.strict)
            _report(diags)
            if options.output is None:
                _write_out([text.rstrip("\n")])
            else:
                write_atomically(options.output, text.encode("utf-8"))
                print(f"wrote {options.output}", file=sys.stderr)
            return EXIT_OK
        result = import_annotations(options.root, options.file, source=options.source,
                                    dry_run=options.dry_run, strict=options.strict)
    except BuildAborted as aborted:
        _report(aborted.diagnostics)
        print(f"failed: {_summary(aborted.diagnostics)}; nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    _report(result.diagnostics)
    if result.diagnostics.has_errors(strict=options.strict):
        print(f"import failed: {_summary(result.diagnostics)}; nothing was written",
              file=sys.stderr)
        return EXIT_CONTENT
    _write_out(report(result, dry_run=options.dry_run))
    if options.dry_run:
        print("dry run: nothing was written", file=sys.stderr)
    return EXIT_OK
