"""readerkit/memo.py: a serve or watch process parses an unchanged file once, yet every build
sees the same project and the same diagnostics as a first build would."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import MINI, copy_reader

from readerkit import memo
from readerkit.diagnostics import BuildAborted, Diagnostic
from readerkit.load.yamlfile import YamlProblem, load_yaml
from readerkit.pipeline import load_checked


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts PyYAML really parses (a fresh memo first)."""
    memo.forget()
    seen: list[str] = []
    real = yaml.load

    def counting(text: str, Loader: type) -> object:
        seen.append(text)
        return real(text, Loader=Loader)

    monkeypatch.setattr(yaml, "load", counting)
    return seen


def test_an_unchanged_file_is_parsed_once_and_each_caller_gets_its_own_copy(
    parses: list[str],
) -> None:
    first = load_yaml("- id: a\n  note: One.\n")
    first[0]["note"] = "changed by a caller"
    first[0].key_lines["note"] = 99
    again = load_yaml("- id: a\n  note: One.\n")
    assert again == [{"id": "a", "note": "One."}] and again[0].line_of("note") == 2
    assert len(parses) == 1
    assert load_yaml("- id: a\n  note: Two.\n")[0]["note"] == "Two."  # new text: parsed
    assert len(parses) == 2


def test_a_yaml_mistake_is_reported_at_its_line_every_time(parses: list[str]) -> None:
    for _ in range(2):
        with pytest.raises(YamlProblem) as problem:
            load_yaml("- id: a\n  note: [unclosed\n")
        assert problem.value.line == 3 and "expected ','" in problem.value.message
    assert len(parses) == 1


def test_rebuilding_an_unchanged_project_reports_what_the_first_load_did(
    tmp_path: Path, parses: list[str],
) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    notes = root / "book" / "annotations" / "snow-letter.yaml"
    notes.write_text(notes.read_text(encoding="utf-8").replace("kind: ", "kind: nonsense-", 1),
                     encoding="utf-8")
    first = [d.format() for d in load_checked_items(root)]
    parsed = len(parses)
    second = [d.format() for d in load_checked_items(root)]
    assert second == first and any("K004" in line and "snow-letter.yaml" in line
                                   for line in first)
    assert len(parses) == parsed  # nothing parsed again
    notes.write_text(notes.read_text(encoding="utf-8").replace("kind: nonsense-", "kind: ", 1),
                     encoding="utf-8")
    third = [d.format() for d in load_checked_items(root)]
    assert not any("snow-letter.yaml" in line for line in third)
    assert len(parses) == parsed + 1  # only the edited file


def load_checked_items(root: Path) -> list[Diagnostic]:
    try:
        return list(load_checked(root)[1].sorted())
    except BuildAborted as aborted:
        return list(aborted.diagnostics.sorted())
