#!/usr/bin/env python3
"""Build an annotated course reader: PDF and EPUB from excerpts, annotations and a bibliography.

    python build.py [all|pdf|epub] [--root DIR] [--out DIR]   build (default: all)
    python build.py check [--root DIR]                        validate, write nothing
    python build.py clean-source RAW [-o OUT.md]              draft an excerpt from a web capture
    python build.py init DIR [--title T] [--lang en-GB]       start a new reader

Exit status: 0 success, 1 content error (each reported as path:line: CODE message), 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from readerkit import cli  # noqa: E402

if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[1:], default_root=HERE))

