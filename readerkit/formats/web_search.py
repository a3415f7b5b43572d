"""The web edition's search index: Pagefind (the `pagefind[bin]` wheel bundles its binary),
run offline on the finished pages in a temporary folder; its bundle goes into the site as
`pagefind/`. Only each page's <main data-pagefind-body> is indexed.

Pagefind loads its index with fetch() and WebAssembly, which browsers refuse from file://:
the search page says so there (styles/web-search.js), and works on any web server.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

BUNDLE = "pagefind"


class SearchIndexFailed(RuntimeError):
    pass


def _binary() -> str:
    from pagefind_bin import get_executable

    return str(get_executable())


def index(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's bundle for the site's HTML files: name under the site -> bytes."""
    with tempfile.TemporaryDirectory(prefix="readerkit-search-") as temporary:
        site = Path(temporary) / "site"
        for name, data in files.items():
            if name.endswith(".html"):
                path = site / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        done = subprocess.run([_binary(), "--site", str(site), "--output-subdir", BUNDLE],
                              capture_output=True, text=True, check=False, timeout=300)
        if done.returncode != 0:
            raise SearchIndexFailed(done.stdout + done.stderr)
        bundle = site / BUNDLE
        return {path.relative_to(site).as_posix(): path.read_bytes()
                for path in sorted(bundle.rglob("*")) if path.is_file()}
