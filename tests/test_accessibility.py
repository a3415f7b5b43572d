"""DAISY Ace on the real reader (no violation of any impact), and a phone-width look in
Chromium at a source page with notes and paragraph numbers (no horizontal overflow).

`make test` installs Ace and Chromium first (scripts/install-ace.sh); without them these
tests skip.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, Built

ACE_DIR = REPO / "tools" / "ace"
PUPPETEER = ACE_DIR / "node_modules" / "puppeteer"


def _ace_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("ace_check", REPO / "scripts" / "ace-check.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ace_reports_no_violation(reader: Built, tmp_path: Path) -> None:
    ace = _ace_module()
    if not ace.ACE_BIN.exists():
        pytest.skip("DAISY Ace not installed: run scripts/install-ace.sh")
    violations = ace.run_ace(reader.epub, tmp_path / "ace")
    report = json.loads((tmp_path / "ace" / "report.json").read_text(encoding="utf-8"))
    assert report["earl:result"]["earl:outcome"] == "pass", report["earl:result"]
    assert violations == [], "\n".join(ace.format_violation(v) for v in violations)


PHONE_CHECK = r"""
const puppeteer = require(process.argv[2]);
(async () => {
  const browser = await puppeteer.launch({executablePath: process.argv[3], headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
  const results = [];
  for (const file of process.argv.slice(4)) {
    const page = await browser.newPage();
    await page.setViewport({width: 390, height: 844, deviceScaleFactor: 1});
    await page.goto('file://' + file, {waitUntil: 'load'});
    results.push(await page.evaluate(() => {
      const doc = document.documentElement;
      const pnum = document.querySelector('.pnum');
      const box = pnum ? pnum.getBoundingClientRect() : null;
      const note = document.querySelector('aside.footnote');
      const ref = document.querySelector('a.noteref');
      return {file: location.pathname, scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth,
              pnumVisible: !!box && box.width > 0 && box.left >= 0 &&
                           getComputedStyle(pnum).display !== 'none',
              noteFont: note ? parseFloat(getComputedStyle(note).fontSize) : null,
              refTarget: ref ? !!document.getElementById(ref.getAttribute('href').slice(1)) : null,
              marker: !!document.querySelector('span[role="doc-pagebreak"]')};
    }));
  }
  await browser.close();
  console.log(JSON.stringify(results));
})().catch(e => { console.error(e); process.exit(2); });
"""


def test_phone_width_rendering(reader: Built, tmp_path: Path) -> None:
    chromium = ACE_DIR / "chromium"
    node = shutil.which("node")
    if not (PUPPETEER.exists() and chromium.exists() and node):
        pytest.skip("Chromium/puppeteer not installed: run scripts/install-ace.sh")
    with zipfile.ZipFile(reader.epub) as archive:
        archive.extractall(tmp_path / "book")
    pages = [tmp_path / "book" / "EPUB" / name for name in
             ("src-milestones-essay.xhtml", "src-diplo-article.xhtml", "glossary.xhtml",
              "timeline.xhtml", "cover.xhtml")]
    script = tmp_path / "phone.js"
    script.write_text(PHONE_CHECK, encoding="utf-8")
    done = subprocess.run([node, str(script), str(PUPPETEER), str(chromium), *map(str, pages)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for result in results:
        assert result["scrollWidth"] <= result["clientWidth"], result
    essay = results[0]
    assert essay["pnumVisible"] and essay["refTarget"] and essay["marker"], essay
    assert essay["noteFont"] >= 12, essay  # readable notes on a phone
