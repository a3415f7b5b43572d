#!/usr/bin/env python3
"""Run DAISY Ace on an EPUB and list its failed assertions.

Usage: ace-check.py BOOK.epub [--report-dir DIR]

Prints one line per violation, ``IMPACT RULE-ID LOCATION: description``, where
LOCATION is the file inside the EPUB, followed by ``#epubcfi(...)`` when Ace gives a
pointer (the same location Ace's HTML report shows). Exit status: 0 when there is no
violation, 1 when there is at least one, 2 when Ace itself could not run (its output
goes to stderr).

Needs ``scripts/install-ace.sh`` to have been run. Importable from tests::

    violations = run_ace(Path("dist/book.epub"), tmp_path / "ace")

Each violation is a dict with keys ``impact``, ``rule``, ``file``, ``location``,
``description``, ``css`` (selectors, possibly empty), ``html`` (snippet or ""),
``engine`` ("Ace" for EPUB/package checks, "aXe" for content checks), ``help_url``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ACE_DIR = ROOT / "tools" / "ace"
ACE_BIN = ACE_DIR / "node_modules" / ".bin" / "ace-puppeteer"
CHROMIUM_WRAPPER = ACE_DIR / "chromium"
TIMEOUT_S = 900

ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
IMPACT_ORDER = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}


class AceError(RuntimeError):
    """Ace could not run, or produced no report."""


def ace_env() -> dict[str, str]:
    """Environment for Ace: Debian's Chromium through the wrapper, no downloads."""
    env = dict(os.environ)
    if "PUPPETEER_EXECUTABLE_PATH" not in env:
        if CHROMIUM_WRAPPER.exists():
            env["PUPPETEER_EXECUTABLE_PATH"] = str(CHROMIUM_WRAPPER)
        else:
            env["PUPPETEER_EXECUTABLE_PATH"] = shutil.which("chromium") or "/usr/bin/chromium"
    env.setdefault("PUPPETEER_SKIP_DOWNLOAD", "1")
    env.setdefault("ELECTRON_SKIP_BINARY_DOWNLOAD", "1")
    env["NO_COLOR"] = "1"
    env["FORCE_COLOR"] = "0"
    return env


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def violations_from_report(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Flatten Ace's report.json into the list of failed assertions.

    report["assertions"] holds one entry per file (``earl:testSubject.url``), each with
    nested ``assertions``; a failed one has ``earl:result.earl:outcome == "fail"`` and
    its rule id and impact in ``earl:test.dct:title`` / ``earl:test.earl:impact``.
    Exact duplicates (Ace sometimes lists the same axe result twice) are dropped.
    """
    found: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str, str]] = set()
    for file_assertion in report.get("assertions", []):
        subject = file_assertion.get("earl:testSubject", {})
        file_url = str(subject.get("url", "?"))
        for item in file_assertion.get("assertions", []):
            result = item.get("earl:result", {})
            if result.get("earl:outcome") != "fail":
                continue
            test = item.get("earl:test", {})
            pointer = result.get("earl:pointer") or {}
            cfis = _as_list(pointer.get("cfi"))
            location = f"{file_url}#epubcfi({cfis[0]})" if cfis else file_url
            description = " ".join(
                str(result.get("dct:description") or test.get("dct:description") or "").split()
            )
            violation: dict[str, Any] = {
                "impact": str(test.get("earl:impact", "unknown")),
                "rule": str(test.get("dct:title", "?")),
                "file": file_url,
                "location": location,
                "description": description,
                "css": [str(c) for c in _as_list(pointer.get("css"))],
                "html": str(result.get("html", "")),
                "engine": str(item.get("earl:assertedBy", "")),
                "help_url": str(test.get("help", {}).get("url", "")),
            }
            key = (violation["impact"], violation["rule"], location, description)
            if key in seen:
                continue
            seen.add(key)
            found.append(violation)
    found.sort(key=lambda v: (IMPACT_ORDER.get(v["impact"], 9), v["rule"], v["location"]))
    return found


def run_ace(epub: Path, report_dir: Path, timeout: float = TIMEOUT_S) -> list[dict[str, Any]]:
    """Run Ace on ``epub``, writing report.json (and report.html) into ``report_dir``.

    Returns the violations (see violations_from_report). Raises AceError if Ace is not
    installed, fails, times out or writes no report.
    """
    epub = Path(epub).resolve()
    report_dir = Path(report_dir).resolve()
    if not epub.is_file():
        raise AceError(f"no such EPUB: {epub}")
    if not ACE_BIN.exists():
        raise AceError(f"Ace is not installed ({ACE_BIN} missing): run scripts/install-ace.sh")
    report_dir.mkdir(parents=True, exist_ok=True)
    report_json = report_dir / "report.json"
    # Never read a report left by an earlier run if this one fails before writing its own.
    report_json.unlink(missing_ok=True)
    cmd = [str(ACE_BIN), "--force", "--outdir", str(report_dir), str(epub)]
    try:
        proc = subprocess.run(
            cmd,
            env=ace_env(),
            cwd=report_dir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AceError(f"Ace timed out after {timeout:.0f}s on {epub}") from exc
    except OSError as exc:
        raise AceError(f"could not start Ace: {exc}") from exc
    if proc.returncode != 0 or not report_json.is_file():
        output = ANSI_RE.sub("", proc.stderr).strip() or ANSI_RE.sub("", proc.stdout).strip()
        if proc.returncode == 0:
            output += "\n(Ace exited 0 but wrote no report.json)"
        raise AceError(f"Ace failed (exit {proc.returncode}) on {epub}:\n{output or '(no output)'}")
    try:
        report = json.loads(report_json.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AceError(f"unreadable Ace report {report_json}: {exc}") from exc
    return violations_from_report(report)


def format_violation(v: dict[str, Any]) -> str:
    return f"{v['impact']} {v['rule']} {v['location']}: {v['description']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run DAISY Ace on an EPUB.")
    parser.add_argument("epub", type=Path, help="the EPUB to check")
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=None,
        help="keep Ace's report.json/report.html here (default: a temporary dir, removed)",
    )
    args = parser.parse_args(argv)

    tmp: str | None = None
    report_dir: Path = args.report_dir
    if report_dir is None:
        tmp = tempfile.mkdtemp(prefix="ace-report-")
        report_dir = Path(tmp)
    try:
        violations = run_ace(args.epub, report_dir)
    except AceError as exc:
        print(f"ace-check: {exc}", file=sys.stderr)
        return 2
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    for v in violations:
        print(format_violation(v))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
