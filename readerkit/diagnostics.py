"""Located, coded messages for editors: `path:line: CODE message`, with an optional hint.

Every stage reports problems here instead of raising, so one run shows an editor every mistake
at once (as Sphinx's located warnings do); the pipeline aborts only after a stage is complete.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = "error"
    column: int = 0

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.column:
            where += f":{self.column}"
        kind = "" if self.severity == "error" else " (warning)"
        text = f"{where}: {self.code}{kind} {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


@dataclass
class Diagnostics:
    """Collects diagnostics; paths are shown relative to the project root."""

    root: Path
    items: list[Diagnostic] = field(default_factory=list)

    def relative(self, path: Path | str) -> str:
        # Symlinks are not followed: a link that leads out of the project is named by where
        # the editor sees it, not by its target.
        path = Path(os.path.abspath(path))
        try:
            return path.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def error(
        self, path: Path | str, line: int, code: str, message: str, hint: str = "",
        column: int = 0,
    ) -> None:
        self.items.append(
            Diagnostic(self.relative(path), line, code, message, hint, column=column)
        )

    def warning(
        self, path: Path | str, line: int, code: str, message: str, hint: str = ""
    ) -> None:
        self.items.append(
            Diagnostic(self.relative(path), line, code, message, hint, severity="warning")
        )

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def has_errors(self, *, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items), key=lambda d: (d.path, d.line, d.column, d.code, d.message))


class BuildAborted(Exception):
    """Raised once a stage has finished and found errors; carries every diagnostic so far."""

    def __init__(self, diagnostics: Diagnostics) -> None:
        super().__init__(f"{len(diagnostics.errors)} error(s)")
        self.diagnostics = diagnostics
