"""Layout units laid out in worker processes (a build without a PDF) give the page map, and the
EPUB, that laying them out in the build's own process gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import MINI, copy_reader

from readerkit.cache import Cache
from readerkit.formats.base import PageMap
from readerkit.formats.print import workers
from readerkit.formats.print.html import print_html
from readerkit.formats.print.paginate import Paginator
from readerkit.pipeline import Target, assemble_book, build, load_checked

pytestmark = pytest.mark.skipif(not workers.usable(), reason="needs fork and two cores")


def _page_map(root: Path, *, parallel: bool) -> tuple[PageMap, list[str]]:
    project, diags = load_checked(root)
    paginator = Paginator(project, print_html(assemble_book(project, diags)),
                          page_size="letter", print_shop=False,
                          store=Cache(root / ".cache", enabled=False), style_digest="")
    paginator.parallel = parallel
    return paginator.paginate(need_pages=False).page_map(), paginator.laid_out


def test_workers_give_the_page_map_of_an_in_process_layout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_reader(MINI, tmp_path / "reader")
    batches: list[int] = []
    lay_out_all = workers.lay_out_all

    def counted(lay_out: Any, jobs: Any) -> list[Any]:
        batches.append(len(jobs))
        return lay_out_all(lay_out, jobs)

    monkeypatch.setattr(workers, "lay_out_all", counted)
    in_process, laid_in_process = _page_map(root, parallel=False)
    assert batches == []
    in_workers, laid_in_workers = _page_map(root, parallel=True)
    # every source and the body matter went to the workers in one batch; the contents, which
    # print the page of every unit, waited for their folios
    assert batches and batches[0] >= workers.MIN_UNITS
    assert sorted(laid_in_workers) == sorted(laid_in_process)
    assert in_workers == in_process


def test_an_epub_built_with_workers_equals_one_built_without(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_workers = copy_reader(MINI, tmp_path / "with")
    without = copy_reader(MINI, tmp_path / "without")
    build(with_workers, targets=[Target("epub")])
    monkeypatch.setattr(workers, "usable", lambda: False)
    build(without, targets=[Target("epub")])
    epub = "pump-reader.epub"
    assert (with_workers / "dist" / epub).read_bytes() == (without / "dist" / epub).read_bytes()
