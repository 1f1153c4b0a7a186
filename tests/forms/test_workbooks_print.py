"""Every kind of workbook the tool writes, converted by LibreOffice as an office would print it
(``soffice --headless --convert-to pdf``): it opens (a PDF comes out), on A4 landscape, in few
pages, with the page number on each.

On the bundled samples (assign → render-forms → acceptance-report, and the blank template),
measured with LibreOffice 7.4: assigned.xlsx 7 pages (90 portrait pages before its print
setup), acceptance.xlsx 11 (31 before), the blank template 1, the largest summary.xlsx (15
people) 1. The ranges below allow for another LibreOffice version's fonts and metrics.

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
PAGES = {"assigned": (5, 10), "acceptance": (8, 15), "template": (1, 2), "summary": (1, 2)}


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
