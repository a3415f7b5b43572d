"""The package's layout rules: stages never reach into formats/ or tools/, tools never reach into
formats/, formats never import each other, and the EPUB never loads WeasyPrint (it reads the
print edition's plain page map)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from readerkit.formats.registry import FORMATS

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "readerkit"


def _module(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module the file imports (relative imports resolved), names imported from a
    package included as `package.name`."""
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _home(module: str) -> str:
    """A format's own code: its module, or its subpackage of formats/ (formats.print)."""
    parts = module.split(".")
    return ".".join(parts[:3]) if len(parts) > 3 else module


def _within(module: str, home: str) -> bool:
    return module == home or module.startswith(home + ".")


@pytest.mark.parametrize("stage", ["load", "check", "render"])
def test_stages_before_the_formats_never_import_them(stage: str) -> None:
    for path in sorted((PACKAGE / stage).rglob("*.py")):
        assert not [m for m in _imports(path) if _within(m, "readerkit.formats")], path


@pytest.mark.parametrize("stage", ["load", "check", "render"])
def test_stages_never_import_the_editors_tools(stage: str) -> None:
    for path in sorted((PACKAGE / stage).rglob("*.py")):
        assert not [m for m in _imports(path) if _within(m, "readerkit.tools")], path


def test_tools_never_import_a_format() -> None:
    """Editors' tools read the project through the stages (load, check, render), never
    through an output format."""
    paths = sorted((PACKAGE / "tools").rglob("*.py"))
    assert any(path.name == "annotations_export.py" for path in paths)
    for path in paths:
        assert not [m for m in _imports(path) if _within(m, "readerkit.formats")], path


def test_no_format_imports_another() -> None:
    homes = {name: _home(module) for name, module in FORMATS.items()}
    assert len(set(homes.values())) == len(homes)
    for path in sorted((PACKAGE / "formats").rglob("*.py")):
        mine = [home for home in homes.values() if _within(_module(path), home)]
        others = [home for home in homes.values() if home not in mine]
        if mine:
            reached = [m for m in _imports(path) for home in others if _within(m, home)]
            assert not reached, f"{path} imports {reached}"


def test_the_epub_does_not_load_weasyprint_or_the_print_edition() -> None:
    probe = ("import sys, readerkit.formats.epub; "
             "print(sorted(m for m in sys.modules "
             "if m.startswith(('weasyprint', 'readerkit.formats.print'))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, cwd=REPO)
    assert done.stdout.strip() == "[]"
