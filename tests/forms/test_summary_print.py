"""The 汇总表 workbook prints as it looks: a row as high as its wrapped address or family contact
(LibreOffice does not grow rows by itself, and overprinted the rows below), and — converted by
LibreOffice — few A4 landscape pages, each with the title lines and the header row again."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from retiree_tools.forms.render import render_forms
from retiree_tools.io.print_setup import DEFAULT_ROW_HEIGHT

from support.forms_batch import DATE, WENHE, _person, write_batch

LONG = "江苏省扬州市广陵区汶河街道琼花路18号琼花小区3幢2单元501室"
PEOPLE = 60


@pytest.fixture(scope="module")
def summary(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("summary_print")
    rows = [_person(n, f"人员{n}", n % 2 == 0, f"19{50 + n % 10}0312",
                    residence=LONG if n % 3 == 0 else "扬州市广陵区", household_address="扬州市广陵区",
                    family_contact="张小明(儿子)13912345678 / 0514-87340001" if n % 4 == 0 else "家属 13800000000",
                    **WENHE) for n in range(1, PEOPLE + 1)]
    src = write_batch(tmp, ".csv", pd.DataFrame(rows))
    out = tmp / "forms"
    render_forms([src], out, date=DATE)
    return next(out.rglob("summary.xlsx"))


def test_rows_are_as_high_as_their_wrapped_text(summary: Path) -> None:
    ws = openpyxl.load_workbook(summary).active
    assert ws["A4"].value == "序号"
    heights = {}
    for r in range(5, 5 + PEOPLE):
        n = ws.cell(r, 1).value
        heights[n] = ws.row_dimensions[r].height
        assert ws.cell(r, 12).border.left.style == "thin" and ws.cell(r, 12).alignment.wrap_text
    assert heights[3] > 2 * DEFAULT_ROW_HEIGHT  # the long residence: three lines
    assert heights[4] > DEFAULT_ROW_HEIGHT  # two numbers in the family contact: two lines
    assert heights[1] is None  # short texts: one line, no height given
    assert ws.freeze_panes == "A5" and ws.print_title_rows == "$1:$4"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or pdftotext not installed: the printed summary.xlsx is not "
                           "checked (./run test installs libreoffice-calc-nogui with apt-get when root; "
                           "pdftotext is in poppler-utils)")
def test_libreoffice_prints_few_pages_with_the_title_and_header_on_each(summary: Path, tmp_path: Path) -> None:
    """60 people, a third with three-line addresses: a few pages; every page has the header
    row and the page number, and no text is printed over another (word boxes in the PDF do
    not overlap: before the rows had heights, a wrapped address ran over the next row)."""
    work = tmp_path / "lo"
    r = subprocess.run([_soffice(), f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(work), str(summary)],
                       capture_output=True, text=True, timeout=180)
    pdf = work / "summary.pdf"
    assert pdf.exists(), r.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 2 <= pages <= 4, info
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, height = (float(v) for v in size.split()[2:5:2])
    assert width > height  # landscape
    texts = [subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout for p in range(1, pages + 1)]
    for p, text in enumerate(texts, start=1):
        assert "身份证号码" in text and "家属联系人及电话" in text, f"page {p} has no header row"
        assert "移交社会化管理退休人员汇总表" in text and "移交单位：" in text and "接收单位：" in text, \
            f"page {p} has no title lines"
        assert f"第 {p} 页，共 {pages} 页" in text
    assert "移交社会化管理退休人员汇总表" in texts[0] and "合计" in texts[-1]
    joined = "\n".join(texts)
    for n in range(1, PEOPLE + 1):
        assert f"人员{n} " in joined
    for p in range(1, pages + 1):
        assert _overprinted(_words(pdf, p)) == [], f"page {p}: text printed over other text"


def _words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in found]


def _overprinted(words: list[tuple[float, float, float, float, str]]) -> list[tuple[str, str]]:
    """Pairs of words whose boxes overlap by more than 30% of the smaller one."""
    out = []
    words = sorted(words, key=lambda t: t[1])
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b[1] >= a[3]:
                break
            w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
            smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
            if w > 0 and h > 0 and w * h > 0.3 * smaller:
                out.append((a[4], b[4]))
    return out
