"""Every kind of workbook the tool writes, converted by LibreOffice as an office would print it
(``soffice --headless --convert-to pdf``): it opens (a PDF comes out), on A4 landscape, in few
pages, with the page number on each.

On the bundled samples (assign → render-forms → acceptance-report, and the blank template),
measured with LibreOffice 7.4: acceptance.xlsx 11 pages (31 portrait pages before its print
setup), the blank template 5 (at 80 %, 姓名 / 性别 / 身份证号码 repeated; 1 page at ~3 pt
before), the largest summary.xlsx (15 people) 1. assigned.xlsx (420
people, 42 columns) is printed as wide tables are, at 80 %: 168 pages, 6 across × 28 down,
text 8.8 pt, 姓名 / 性别 / 身份证号码 at the left of every page (it was 90 portrait pages before
its print setup, then 7 fitted to one page wide, at ~2 pt: illegible). With LibreOffice's
fallback for Calibri (DejaVu Sans here; Carlito, where installed, is narrower) more columns
fit a page. The ranges below allow for another LibreOffice version's fonts and metrics.

The annotated copies (validate --annotate) keep the enterprise's own workbook, page setup
included: they are only checked to open (53 and 16 portrait pages on the samples).

Needs soffice and poppler-utils (pdfinfo, pdftotext); skipped with a visible reason without them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# kind → (least, most) pages, around the counts measured on the samples
PAGES = {"assigned": (90, 260), "acceptance": (8, 15), "template": (3, 8), "summary": (1, 2)}


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


pytestmark = pytest.mark.skipif(
    _soffice() is None or shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or poppler-utils (pdfinfo, pdftotext) not installed: the workbooks are not "
           "converted to PDF (./run test installs libreoffice-calc-nogui with apt-get when root)")


def _cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "retiree_tools", *args, "-q"], check=False, timeout=300, capture_output=True)


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Path]:
    """kind → the PDF LibreOffice made of it; all converted by one soffice run."""
    tmp = tmp_path_factory.mktemp("workbooks_print")
    inputs = [str(SAMPLES / "enterprise_a.xlsx"), str(SAMPLES / "enterprise_b.csv")]
    _cli("validate", *inputs, "--annotate", str(tmp / "annotated"))
    _cli("assign", *inputs, "--catalog", str(SAMPLES / "catalog.csv"), "-o", str(tmp / "assigned.xlsx"))
    _cli("render-forms", str(tmp / "assigned.xlsx"), "--out-dir", str(tmp / "forms"), "--forms", "summary",
         "--date", "2026-11-23")
    _cli("acceptance-report", str(tmp / "assigned.xlsx"), "--targets", str(SAMPLES / "targets.csv"), "--roster",
         str(SAMPLES / "roster.csv"), "--as-of", "2026-11-23", "-o", str(tmp / "acceptance.xlsx"))
    _cli("template", "-o", str(tmp / "template.xlsx"))
    summaries = sorted((tmp / "forms").rglob("summary.xlsx"), key=lambda p: (-p.stat().st_size, str(p)))
    assert summaries, "render-forms wrote no summary.xlsx"
    books = tmp / "books"
    books.mkdir()
    for kind in ("assigned", "acceptance", "template"):
        src = tmp / f"{kind}.xlsx"
        assert src.is_file(), kind
        shutil.copy(src, books / src.name)
    shutil.copy(summaries[0], books / "summary.xlsx")  # the largest: 15 people
    annotated = sorted((tmp / "annotated").glob("*.xlsx"))
    assert len(annotated) == 2, annotated
    for n, src in enumerate(annotated):
        shutil.copy(src, books / f"annotated-{n}.xlsx")
    pdfs = tmp / "pdf"
    r = subprocess.run([_soffice(), f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(pdfs), *map(str, sorted(books.glob("*.xlsx")))],
                       capture_output=True, text=True, timeout=300)
    out = {p.stem: p for p in pdfs.glob("*.pdf")} if pdfs.is_dir() else {}
    assert len(out) == len(list(books.glob("*.xlsx"))), (sorted(out), r.stdout[-500:], r.stderr[-500:])
    return out


def _info(pdf: Path) -> tuple[int, float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert pages and size, info
    return int(pages.group(1)), float(size.group(1)), float(size.group(2))


@pytest.mark.parametrize("kind", list(PAGES))
def test_libreoffice_prints_on_few_a4_landscape_pages(converted, kind: str) -> None:
    pages, w, h = _info(converted[kind])
    least, most = PAGES[kind]
    assert least <= pages <= most, (kind, pages)
    assert abs(w - 841.9) < 2 and abs(h - 595.3) < 2, (kind, w, h)  # A4 landscape
    text = subprocess.run(["pdftotext", str(converted[kind]), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout.split("\f")
    for p in range(1, pages + 1):
        assert f"第 {p} 页，共 {pages} 页" in text[p - 1], (kind, p, text[p - 1][-80:])
    if kind in ("summary", "template"):
        assert "移交社会化管理退休人员汇总表" in text[0], kind


def test_annotated_copies_open(converted) -> None:
    for n in range(2):
        pages, w, h = _info(converted[f"annotated-{n}"])
        assert pages >= 1 and min(w, h) > 500, (n, pages, w, h)


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_ID = re.compile(r"\b\d{17}[\dX]\b")


def _words(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Each page's words as (left, right in points, text), from ``pdftotext -bbox``."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=120).stdout
    return [[(float(x0), float(x1), t) for x0, x1, t in _WORD.findall(page)] for page in html.split("<page ")[1:]]


def test_assigned_prints_legibly_with_its_identifying_columns(converted) -> None:
    """assigned.xlsx, several pages wide: every page A4 landscape, with the header and the
    identifying columns (姓名, 身份证号码 and the people's ID numbers); the pages of one block of
    people follow each other (over, then down: the same people on each); the text at least
    8 pt (a CJK character is one em wide: a word's width over its length is the font size)."""
    pdf = converted["assigned"]
    pages = _info(pdf)[0]
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", str(pages), str(pdf)], capture_output=True, text=True,
                           check=True, timeout=60).stdout
    found = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", sizes, re.M)
    assert len(found) == pages
    assert all(abs(float(w) - 841.9) < 2 and abs(float(h) - 595.3) < 2 for w, h in found)  # A4 landscape
    words = _words(pdf)
    assert len(words) == pages
    block_ids: set[str] = set()
    starts = 0
    for n, page in enumerate(words, start=1):
        texts = [t for _, _, t in page]
        assert "姓名" in texts and "身份证号码" in texts, n
        left = min(x0 for x0, _, t in page if t == "姓名")  # the identifying columns: 姓名 … 身份证号码
        right = max(x1 for _, x1, t in page if t == "身份证号码")
        ids = {t for x0, _, t in page if left <= x0 < right and _ID.fullmatch(t)}
        assert ids, n
        if "来源文件" in texts:  # the first page of a block of people: the columns from A
            block_ids, starts = ids, starts + 1
        else:  # a page further right: the same people, identified by their ID numbers
            assert ids == block_ids, n
        size = sorted((x1 - x0) / len(t) for x0, x1, t in page if _CJK.match(t))[len(page) // 100]  # ~ the smallest
        assert size >= 8.0, (n, size)
    assert 2 <= pages // starts <= 8 and pages % starts == 0, (pages, starts)  # pages across each block
