"""The print edition's PDF/UA tags (formats/print/pdf_tags.py), read back from the built PDFs.

Three independent checkers pass every PDF variant the suite builds (outloud, pdfua, qpdf), and
one test per tagging rule reads the structure tree with pikepdf: running heads and folios are
pagination artifacts, every link annotation sits in its Link element, footnotes are Notes named
by their calls, the contents are a TOC, paragraph numbers and source kinds are labels, list
items have a label and a body, teaching marks are links named for their guide notes, the
timeline chart is a Figure with alt text and a bounding box in points.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import outloud
import pdfua
import pikepdf
import pytest
import weasyprint
from conftest import REPO, Built, print_html
from lxml import html as lxml_html
from outloud.model import Document as OutloudDocument

from readerkit.formats.print import pagecss, pdf_tags

# A false alarm, pinned (see README, "Accessibility of the PDF"): outloud's PAG-001 takes a line
# that recurs at the top of three or more pages for a running head. The source's kind ("Primary
# source") opens every source, at the top of its first page; it is content, tagged Lbl. The
# heading "Questions for discussion" opens each part's questions page; it is content, an H2.
PINNED_OUTLOUD = "PAG-001"
QUESTIONS_HEADING = "Questions for discussion"
# pdfua 0.1.3 cannot evaluate its empty-heading rule with pikepdf 10 (it asks an array for an
# attribute and pikepdf raises ValueError, not AttributeError); outloud's HDG rules cover it.
PINNED_PDFUA_SKIP = "UA-14-001"


# ---------------------------------------------------------------- reading the structure tree


@dataclass
class Element:
    obj: Any
    type: str
    parent: Element | None
    page: int | None
    children: list[Element] = field(default_factory=list)
    marks: list[tuple[int | None, int]] = field(default_factory=list)  # (page, MCID)
    objrs: list[Any] = field(default_factory=list)  # the annotations it owns

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            yield from child.walk()


def structure(pdf: pikepdf.Pdf) -> Element:
    """The structure tree from its root, as reachable from the catalog."""
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    root = Element(pdf.Root.StructTreeRoot, "StructTreeRoot", None, None)

    def kids(node: Any) -> list[Any]:
        k = node.get("/K")
        return list(k) if isinstance(k, pikepdf.Array) else ([] if k is None else [k])

    def walk(node: Any, into: Element) -> None:
        for kid in kids(node):
            if isinstance(kid, int):
                into.marks.append((into.page, kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                into.marks.append((pages[kid.Pg.objgen], int(kid.MCID)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                into.objrs.append(kid.Obj)
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                page = pages.get(kid.Pg.objgen) if "/Pg" in kid else into.page
                child = Element(kid, str(kid.S)[1:], into, page)
                into.children.append(child)
                walk(kid, child)

    walk(root.obj, root)
    return root


def of_type(root: Element, kind: str) -> list[Element]:
    return [element for element in root.walk() if element.type == kind]


def content_marks(page: pikepdf.Page) -> tuple[list[int], list[tuple[str, bool]]]:
    """The MCIDs a page's content opens, and (artifact type, shows text) per artifact."""
    mcids: list[int] = []
    artifacts: list[tuple[str, bool]] = []
    stack: list[int | None] = []  # index into artifacts of each open sequence, or None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            props = operands[1] if op == "BDC" else None
            if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                mcids.append(int(props.MCID))
            if str(operands[0]) == "/Artifact":
                kind = str(props.get("/Type", "")) if isinstance(props, pikepdf.Dictionary) else ""
                artifacts.append((kind, False))
                stack.append(len(artifacts) - 1)
            else:
                stack.append(None)
        elif op == "EMC" and stack:
            stack.pop()
        elif op in ("Tj", "TJ", "'", '"'):
            for index in stack:
                if index is not None:
                    artifacts[index] = (artifacts[index][0], True)
    return mcids, artifacts


def variants(reader: Built, instructor: Built, mini: Built,
             mini_pdfs: dict[str, Path]) -> dict[str, Path]:
    return {"reader": reader.pdf, "instructor": instructor.pdf, "mini": mini.pdf,
            **{f"mini-{name}": path for name, path in mini_pdfs.items()}}


@pytest.fixture(scope="module")
def outloud_results() -> dict[Path, Any]:
    """outloud's result per PDF, checked once (the reader takes seconds)."""
    return {}


def outloud_check(path: Path, results: dict[Path, Any]) -> Any:
    if path not in results:
        results[path] = outloud.check(str(path))
    return results[path]


@pytest.fixture(scope="module")
def reader_pdf(reader: Built) -> Iterator[pikepdf.Pdf]:
    with pikepdf.open(reader.pdf) as pdf:
        yield pdf


@pytest.fixture(scope="module")
def instructor_pdf(instructor: Built) -> Iterator[pikepdf.Pdf]:
    with pikepdf.open(instructor.pdf) as pdf:
        yield pdf


@pytest.fixture(scope="module")
def mini_pdf(mini: Built) -> Iterator[pikepdf.Pdf]:
    with pikepdf.open(mini.pdf) as pdf:
        yield pdf


# ---------------------------------------------------------------- the three checkers


# Handouts (build.py handout), by their fixtures in conftest.py: tagged like the book.
HANDOUTS = {"handout": "reader_handout", "instructor-handout": "instructor_handout",
            "mini-handout": "mini_handout", "mini-instructor-handout": "mini_instructor_handout"}


@pytest.mark.parametrize("variant", ["reader", "instructor", "mini", "mini-letter", "mini-a4",
                                     "mini-trade", "mini-shop", *HANDOUTS])
def test_checkers_pass(variant: str, reader: Built, instructor: Built, mini: Built,
                       mini_pdfs: dict[str, Path], outloud_results: dict[Path, Any],
                       request: pytest.FixtureRequest) -> None:
    path = (request.getfixturevalue(HANDOUTS[variant]).pdf if variant in HANDOUTS
            else variants(reader, instructor, mini, mini_pdfs)[variant])
    result = outloud_check(path, outloud_results)
    assert result.error is None
    assert not [run.rule for run in result.runs if run.status == "crashed"]
    findings = [(f.rule, f.severity, f.evidence) for f in result.findings if f.severity != "info"]
    if variant in ("reader", "instructor"):
        assert [(rule, severity) for rule, severity, _ in findings] == [(PINNED_OUTLOUD,
                                                                         "warning")]
    else:
        assert findings == []

    report = pdfua.validate(str(path))
    assert [f.message for f in report.findings] == []
    assert [o.rule_id for o in report.outcomes if o.skipped] == [PINNED_PDFUA_SKIP]

    qpdf = shutil.which("qpdf")
    if qpdf is None and not os.environ.get("CI"):
        pytest.skip("qpdf is not installed (make qpdf)")
    assert qpdf is not None, "qpdf is missing: `make test` installs it"
    done = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors" in done.stdout


@pytest.mark.parametrize("edition", ["reader", "instructor"])
def test_the_pinned_outloud_warning_is_the_source_kinds_and_the_questions_heading(
        edition: str, reader: Built, instructor: Built, outloud_results: dict[Path, Any]) -> None:
    """The one warning outloud gives the reader names exactly the lines that say which kind of
    source opens the page ("Primary source"), each a label in the structure tree, and the
    heading of the parts' questions pages, each a heading there."""
    built = {"reader": reader, "instructor": instructor}[edition]
    result = outloud_check(built.pdf, outloud_results)
    (finding,) = [f for f in result.findings if f.severity != "info"]
    tree = lxml_html.fromstring(print_html(REPO))
    kinds = {" ".join(p.text_content().split()) for p in tree.find_class("source-kind")}
    assert finding.rule == PINNED_OUTLOUD
    assert finding.evidence and set(finding.evidence.split("; ")) <= kinds | {QUESTIONS_HEADING}
    with pikepdf.open(built.pdf) as pdf:
        root = structure(pdf)
        labels = [element for element in of_type(root, "Lbl")
                  if element.parent is not None and any(c.type == "H2"
                                                        for c in element.parent.children)]
        assert len(labels) == len(tree.find_class("source-kind"))
        document = OutloudDocument(str(built.pdf))
        texts = {(page, run.mcid): run.text for page in range(len(pdf.pages))
                 for run in document.content(page).runs if run.mcid is not None}
        document.close()
        headings = ["".join(texts.get(mark, "") for node in element.walk()
                            for mark in node.marks).strip() for element in of_type(root, "H2")]
    assert headings.count(QUESTIONS_HEADING) == len(tree.find_class("part-questions")) >= 3


# ---------------------------------------------------------------- one test per tagging rule


def test_running_heads_and_folios_are_pagination_artifacts(mini: Built,
                                                           mini_pdf: pikepdf.Pdf) -> None:
    document = OutloudDocument(str(mini.pdf))
    top = pagecss.PAPERS["letter"].margins[0]
    head_margin = float(top.removesuffix("in")) * 72
    folio_pages = 0
    for index, page in enumerate(mini_pdf.pages):
        height = float(page.mediabox[3])
        furniture = [run for run in document.content(index).runs
                     if run.text.strip() and run.bbox[1] >= height - head_margin]
        for run in furniture:  # every line in the head margin: the folio and the running head
            assert run.artifact and run.mcid is None, (index, run.text)
        _, artifacts = content_marks(page)
        if furniture:
            folio_pages += 1
            assert ("/Pagination", True) in artifacts, index
        # text is an artifact only as a folio, a running head or a leader (WeasyPrint's own
        # untyped artifacts are borders and backgrounds, no text)
        assert {kind for kind, text in artifacts if text} <= {"/Pagination", "/Layout"}
    document.close()
    assert folio_pages >= len(mini_pdf.pages) // 2


def test_every_marked_content_belongs_to_the_tree(mini_pdf: pikepdf.Pdf) -> None:
    """WeasyPrint 70 gives margin content MCIDs whose elements it leaves out of the tree; now
    every MCID a page opens is claimed by an element reachable from the root, and once."""
    claimed: dict[int | None, list[int]] = {}
    for element in structure(mini_pdf).walk():
        for page, mcid in element.marks:
            claimed.setdefault(page, []).append(mcid)
    for index, page in enumerate(mini_pdf.pages):
        mcids, _ = content_marks(page)
        assert sorted(mcids) == sorted(claimed.get(index, [])), index
        assert len(set(mcids)) == len(mcids)


def test_every_link_annotation_is_in_a_link_with_print_flag_and_its_text(
        reader_pdf: pikepdf.Pdf) -> None:
    owners: dict[tuple[int, int], list[str]] = {}
    for element in structure(reader_pdf).walk():
        for annotation in element.objrs:
            owners.setdefault(annotation.objgen, []).append(element.type)
    parent_tree = dict(pikepdf.NumberTree(reader_pdf.Root.StructTreeRoot.ParentTree).items())
    count = 0
    for page in reader_pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.Subtype != "/Link":
                continue
            count += 1
            assert owners.get(annotation.objgen) == ["Link"], annotation.get("/Contents")
            assert int(annotation.F) & pdf_tags.PRINT_FLAG
            contents = str(annotation.get("/Contents", ""))
            assert contents.strip() and contents != str(annotation.get("/Dest", ""))
            owner = parent_tree[int(annotation.StructParent)]
            assert owner.S == "/Link"
            assert any(kid.get("/Obj") == annotation for kid in owner.K
                       if isinstance(kid, pikepdf.Dictionary))
    assert count > 50


def test_contents_links_are_named_by_their_entries(reader_pdf: pikepdf.Pdf) -> None:
    tree = lxml_html.fromstring(print_html(REPO))
    entries = [" ".join(a.text_content().split())
               for a in tree.get_element_by_id("contents").iter("a")]
    # the contents pages: those before the body whose links are the contents' entries
    named = [str(a.Contents) for page in reader_pdf.pages[:12]
             for a in page.get("/Annots", []) if "/Contents" in a]
    assert set(entries) <= set(named)


def test_footnotes_are_notes_named_by_their_calls(mini: Built, mini_pdf: pikepdf.Pdf) -> None:
    root = structure(mini_pdf)
    notes = of_type(root, "Note")
    tree = lxml_html.fromstring(print_html(mini.root))
    note_ids = [span.get("id") for span in tree.find_class("footnote")]
    assert sorted(str(note.obj.ID) for note in notes) == sorted(note_ids)
    for note in notes:  # its number first (through NonStruct, which readers look through)
        first = note.children[0]
        while first.type == "NonStruct":
            first = first.children[0]
        assert first.type == "Lbl"
    calls = of_type(root, "Reference")
    by_note = {}
    for call in calls:
        if "/Ref" in call.obj:
            (target,) = list(call.obj.Ref)
            by_note[str(target.ID)] = call
    assert sorted(by_note) == sorted(note_ids)
    for note in notes:
        call = by_note[str(note.obj.ID)]
        assert call.page == note.page  # the note sits on the page of its call
        # and is read after its page's text, in the division that calls it
        assert note.parent is not None and note.parent.type in ("Div", "Sect", "Art", "Part")
        assert any(node.obj.objgen == call.obj.objgen for node in note.parent.walk())
        assert call.marks or any(child.marks for child in call.children)


def test_contents_are_a_toc_of_items(mini: Built, mini_pdf: pikepdf.Pdf) -> None:
    root = structure(mini_pdf)
    tocs = of_type(root, "TOC")
    outer = [toc for toc in tocs if toc.parent is not None and toc.parent.type != "TOCI"]
    assert len(outer) == 1
    tree = lxml_html.fromstring(print_html(mini.root))
    links = list(tree.get_element_by_id("contents").iter("a"))
    items = [item for toc in tocs for item in toc.children]
    assert {item.type for item in items} == {"TOCI"}
    assert len(items) == len(links)
    for item in items:
        assert item.children[0].type == "Reference"
        assert [c.type for c in item.children[0].children] == ["Link"]
        assert {c.type for c in item.children[1:]} <= {"TOC"}
    assert any(child.type == "TOC" for item in items for child in item.children)


def test_paragraph_numbers_and_source_kinds_are_labels(mini: Built,
                                                       mini_pdf: pikepdf.Pdf) -> None:
    root = structure(mini_pdf)
    tree = lxml_html.fromstring(print_html(mini.root))
    labels = of_type(root, "Lbl")
    in_paragraphs = [label for label in labels if label.parent and label.parent.type == "P"]
    assert len(in_paragraphs) == len(tree.find_class("pnum"))
    for label in in_paragraphs:  # read first: the number, then the paragraph
        assert label.parent is not None and label.parent.children[0] is label
        assert all(child.type != "P" for child in label.parent.children)
    kinds = [label for label in labels if label.parent and label.parent.children[1:2]
             and label.parent.children[1].type == "H2"]
    assert len(kinds) == len(tree.find_class("source-kind"))


def test_list_items_have_a_label_and_a_body(reader_pdf: pikepdf.Pdf) -> None:
    """LI > [Lbl, LBody]: WeasyPrint 70 gives an item of paragraphs (the questions) no LBody;
    the number comes first, then the body, and the item's content is all in its body."""
    root = structure(reader_pdf)
    items = of_type(root, "LI")
    assert items
    for item in items:
        assert [c.type for c in item.children if c.type != "Lbl"] == ["LBody"], item.page
        assert item.children[-1].type == "LBody" and not item.marks
        assert all(c.type == "Lbl" for c in item.children[:-1])
    tree = lxml_html.fromstring(print_html(REPO))
    questions = [li for div in tree.find_class("questions") for li in div.iter("li")]
    numbered = [item for item in items if item.children[0].type == "Lbl"
                and item.children[1].children and item.children[1].children[0].type == "P"]
    assert len(numbered) >= len(questions) >= 15


def test_question_numbers_are_painted_before_their_questions(reader: Built,
                                                             reader_pdf: pikepdf.Pdf) -> None:
    """The number is in the item's first line (inside): WeasyPrint paints an outside marker
    after the item's text, so the page and the tree would disagree on the order."""
    root = structure(reader_pdf)
    document = OutloudDocument(str(reader.pdf))
    checked = 0
    for item in of_type(root, "LI"):
        label = item.children[0]
        marks = [m for node in label.walk() for m in node.marks]
        if label.type != "Lbl" or not marks:
            continue
        page, number = marks[0]
        assert page is not None
        content = document.content(page)
        text = "".join(run.text for run in content.runs if run.mcid == number).strip()
        if not text.rstrip(".").isdigit():
            continue  # a bullet, not a question's number
        body = [m for node in item.children[1].walk() for m in node.marks]
        painted = [mcid for _, mcid in content.paint_order]
        assert painted.index(number) < min(painted.index(m) for p, m in body if p == page)
        checked += 1
    document.close()
    assert checked >= 15


def test_notes_of_a_source_are_read_after_its_page_not_its_headnote(
        reader_pdf: pikepdf.Pdf) -> None:
    """A note called in a headnote (a section of the source) follows the source's page text,
    where the page prints it, not the headnote."""
    root = structure(reader_pdf)
    notes = of_type(root, "Note")
    in_sources = [note for note in notes
                  if any(a.type == "Art" for a in _ancestors(note))]
    assert in_sources
    for note in in_sources:
        assert note.parent is not None and note.parent.type == "Art", note.obj.ID


def _ancestors(element: Element) -> list[Element]:
    found = []
    node = element.parent
    while node is not None:
        found.append(node)
        node = node.parent
    return found


def test_teaching_marks_are_links_named_for_their_guide_notes(
        instructor_pdf: pikepdf.Pdf) -> None:
    """A margin mark ("T1") is a link, in the paragraph it marks, announced as the teaching
    note of the Instructor's guide it leads to."""
    root = structure(instructor_pdf)
    named = []
    for link in of_type(root, "Link"):
        for annotation in link.objrs:
            contents = str(annotation.get("/Contents", ""))
            if contents.startswith("Instructor's guide, teaching note"):
                named.append(link)
    from readerkit.pipeline import assemble_book, load_checked
    from readerkit.render import editions

    project, diags = load_checked(REPO)
    guide = editions.instructor_book(assemble_book(project, diags), project).guide
    assert len(named) == len({note.mark_id for note in guide}) > 0
    for link in named:  # in its block (a paragraph, a list item's body), never a heading's
        types = [a.type for a in _ancestors(link)]
        assert "P" in types or "LBody" in types
        assert not any(t.startswith("H") and t[1:].isdigit() for t in types)
    for item in of_type(root, "LI"):  # a mark in a list item is in the item's body
        assert {c.type for c in item.children} <= {"Lbl", "LBody"}


def test_timeline_chart_is_a_figure_with_alt_and_bbox_in_points(reader: Built,
                                                                reader_pdf: pikepdf.Pdf) -> None:
    (figure,) = of_type(structure(reader_pdf), "Figure")
    tree = lxml_html.fromstring(print_html(REPO))
    title = " ".join(tree.get_element_by_id("chart-title").text_content().split())
    assert str(figure.obj.Alt) == title
    assert figure.page is not None
    x1, y1, x2, y2 = (float(v) for v in figure.obj.A.BBox)
    box = [float(v) for v in reader_pdf.pages[figure.page].mediabox]
    assert box[0] <= x1 < x2 <= box[2] and box[1] <= y1 < y2 <= box[3]
    document = OutloudDocument(str(reader.pdf))
    painted = [run for run in document.content(figure.page).runs
               if (figure.page, run.mcid) in figure.marks and run.text.strip()]
    document.close()
    assert painted  # the chart's own labels, drawn inside the box
    for run in painted:
        cx, cy = (run.bbox[0] + run.bbox[2]) / 2, (run.bbox[1] + run.bbox[3]) / 2
        assert x1 - 1 <= cx <= x2 + 1 and y1 - 1 <= cy <= y2 + 1, run.text


def test_an_element_split_across_pages_is_one_element(reader: Built,
                                                       reader_pdf: pikepdf.Pdf) -> None:
    """WeasyPrint builds the tree page by page; a source, a list or a paragraph that runs over
    a page break is one element, its content on both pages."""
    root = structure(reader_pdf)
    tree = lxml_html.fromstring(print_html(REPO))
    assert len(of_type(root, "Art")) == len(tree.find_class("source"))

    def pages_of(element: Element) -> set[int | None]:
        return {page for node in element.walk() for page, _ in node.marks}

    split = [p for p in of_type(root, "P") if len(pages_of(p)) > 1]
    assert split  # paragraphs that run on to the next page
    for paragraph in split:
        assert paragraph.parent is not None and paragraph.parent.type != "P"


def _links_and_text(data: bytes) -> list[tuple[str, list[tuple[Any, ...]]]]:
    import io

    import pypdf

    pages = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        links = [(tuple(round(float(v), 2) for v in a.get_object()["/Rect"]),
                  str(a.get_object().get("/Dest")), str(a.get_object().get("/A")))
                 for a in page.get("/Annots", [])]
        pages.append((page.extract_text(), links))
    return pages


def test_text_order_and_links_are_weasyprint_s(mini_root: Path) -> None:
    """Only tags change: the same layout written with and without pdf_tags has the same text,
    in the same order, and the same links (area and target) on every page."""
    from test_print import in_process_layout

    document = in_process_layout(mini_root).document
    plain = document.write_pdf(pdf_identifier=b"x", pdf_variant="pdf/ua-1")
    with pdf_tags.tagging(document):
        tagged = document.write_pdf(pdf_identifier=b"x", pdf_variant="pdf/ua-1")
    assert tagged != plain
    assert _links_and_text(tagged) == _links_and_text(plain)


def test_tagging_refuses_another_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(RuntimeError, match=r"WeasyPrint 70\.0"), pdf_tags.tagging(None):
        pass
