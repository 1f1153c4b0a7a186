"""The HTML forms printed by a real headless Chromium, checked from the PDF text (pdftotext):
A4 landscape for the 汇总表 and the 交接清单, 第 x 页 共 y 页 on every page, the 合计 line
once, no page holding only the signature and stamp block, Chinese reasons on the receipts and
no 接收方 stamp line on a receipt for people no county receives; the per-person forms (登记表,
联系卡, 协议书) on A4 portrait with 第 N 页 共 M 页 on every page.

Runs on the bundled samples (assign → render-forms), whose larger summaries (5 people and
more) and largest receipt used to put the stamp block alone on the last page. Needs chromium
and poppler-utils (pdftotext, pdfinfo); skipped with a visible reason without them.
Set FORMS_SCREENSHOTS=DIR to keep the PDFs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from retiree_tools.forms.render import render_forms

from support.browser import print_pdf, require_chromium

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ID = re.compile(r"\d{17}[\dX]")
PAGE_NO = re.compile(r"第(\d+)页共(\d+)页")


def _require_poppler() -> None:
    missing = [t for t in ("pdftotext", "pdfinfo") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (apt-get install poppler-utils); printed-form checks skipped")


def pdf_text_pages(pdf: Path) -> list[str]:
    """The text of every page, whitespace removed (pdftotext splits pages with a form feed)."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return [re.sub(r"\s+", "", p) for p in pages]


def page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert m, info
    return float(m.group(1)), float(m.group(2))


@pytest.fixture(scope="module")
def assigned(tmp_path_factory) -> Path:
    """The samples assigned once, by the installed command, for every print of this module."""
    assigned = tmp_path_factory.mktemp("assigned") / "assigned.xlsx"
    subprocess.run([sys.executable, "-m", "retiree_tools", "assign", str(SAMPLES / "enterprise_a.xlsx"),
                    str(SAMPLES / "enterprise_b.csv"), "--catalog", str(SAMPLES / "catalog.csv"), "-o", str(assigned),
                    "-q"], check=False, timeout=300, capture_output=True)
    assert assigned.is_file()
    return assigned


@pytest.fixture(scope="module")
def printed(tmp_path_factory, assigned) -> dict[str, tuple[dict, Path]]:
    """Every summary of 5 people or more and every receipt of the samples, printed to PDF."""
    require_chromium()
    _require_poppler()
    tmp = tmp_path_factory.mktemp("print")
    out = tmp / "forms"
    manifest = render_forms([assigned], out, forms="summary,receipt", date="2026-11-23")
    chosen = [f for f in manifest["files"] if f["format"] == "html"
              and (f["kind"] == "receipt" or (f["kind"] == "summary" and f["people"] >= 5))]
    keep = os.environ.get("FORMS_SCREENSHOTS")

    def one(n_f):
        n, f = n_f
        pdf = print_pdf(out / f["path"], tmp / f"{f['kind']}-{n}.pdf")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(pdf, Path(keep) / pdf.name)
        return f["path"], (f, pdf)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, enumerate(chosen)))


def _of(printed, kind: str) -> list[tuple[dict, Path]]:
    return [v for v in printed.values() if v[0]["kind"] == kind]


def test_the_samples_have_the_cases(printed) -> None:
    summaries = _of(printed, "summary")
    assert sum(1 for f, _ in summaries if 5 <= f["people"] <= 6) >= 6
    assert max(f["people"] for f, _ in summaries) >= 15
    assert any(f["path"].startswith("未分配区县/") for f, _ in _of(printed, "receipt"))


@pytest.mark.parametrize("kind", ["summary", "receipt"])
def test_a4_landscape_and_page_numbers(printed, kind: str) -> None:
    for f, pdf in _of(printed, kind):
        w, h = page_size(pdf)
        assert abs(w - 841.9) < 2 and abs(h - 595.3) < 2, (f["path"], w, h)
        pages = pdf_text_pages(pdf)
        for i, text in enumerate(pages, start=1):
            assert (str(i), str(len(pages))) in PAGE_NO.findall(text), (f["path"], i, text[-40:])


@pytest.mark.parametrize("kind", ["summary", "receipt"])
def test_no_page_holds_only_the_signature_block(printed, kind: str) -> None:
    for f, pdf in _of(printed, kind):
        pages = pdf_text_pages(pdf)
        stamped = [i for i, t in enumerate(pages) if "盖章" in t and ("负责人" in t or "经办人" in t)]
        assert stamped, f["path"]
        last = stamped[-1]
        # the signature block shares its page with rows of its table: a person's ID number
        # (summary, list of people not handed over) or the materials counts of a receipt
        assert ID.search(pages[last]) or "份数" in pages[last], (f["path"], last + 1, pages[last][:200])


def test_total_once_and_large_summary_compact(printed) -> None:
    for f, pdf in _of(printed, "summary"):
        text = "".join(pdf_text_pages(pdf))
        assert text.count("合计") == 1, f["path"]
        assert len(ID.findall(text)) >= f["people"], f["path"]  # every ID number whole (on one line)
    largest = max(_of(printed, "summary"), key=lambda v: v[0]["people"])
    assert len(pdf_text_pages(largest[1])) <= 2, largest[0]  # 15 people: 3 pages before


def test_receipts_in_chinese_and_unplaced_without_receiver(printed) -> None:
    for f, pdf in _of(printed, "receipt"):
        text = "".join(pdf_text_pages(pdf))
        assert not re.search(r"[a-z]+-[a-z]+", text), (f["path"], re.search(r"[a-z]+-[a-z]+", text))
        if f["path"].startswith("未分配区县/"):
            assert "接收方（盖章）" not in text and "未分配接收区县" in text, f["path"]
            assert "份数" not in text, f["path"]  # no table of zero materials
        else:
            assert "接收方（盖章）" in text, f["path"]
    unplaced = next(pdf for f, pdf in _of(printed, "receipt") if f["path"] == "未分配区县/receipt_扬州市红旗机械厂.html")
    assert "身份证号码校验位错误" in "".join(pdf_text_pages(unplaced))


def test_acceptance_report_prints_whole_on_a4_landscape(tmp_path: Path) -> None:
    """The acceptance report of the samples: A4 landscape, numbered pages, nothing clipped at
    the right (every row's status word and the last column's header are printed)."""
    require_chromium()
    _require_poppler()
    assigned = tmp_path / "assigned.xlsx"
    html = tmp_path / "acceptance.html"
    subprocess.run([sys.executable, "-m", "retiree_tools", "assign", str(SAMPLES / "enterprise_a.xlsx"),
                    str(SAMPLES / "enterprise_b.csv"), "--catalog", str(SAMPLES / "catalog.csv"), "-o", str(assigned),
                    "-q"], check=False, timeout=300, capture_output=True)
    subprocess.run([sys.executable, "-m", "retiree_tools", "acceptance-report", str(assigned), "--targets",
                    str(SAMPLES / "targets.csv"), "--roster", str(SAMPLES / "roster.csv"), "--as-of", "2026-11-23",
                    "-o", str(html), "-q"], check=False, timeout=300, capture_output=True)
    source = html.read_text(encoding="utf-8")
    assert "overflow-x: auto" not in source.split("@media print", 1)[1].split("</style>", 1)[0]
    pdf = print_pdf(html, tmp_path / "acceptance.pdf")
    w, h = page_size(pdf)
    assert abs(w - 841.9) < 2 and abs(h - 595.3) < 2, (w, h)
    pages = pdf_text_pages(pdf)
    for i, text in enumerate(pages, start=1):
        assert (str(i), str(len(pages))) in PAGE_NO.findall(text), (i, text[-40:])
    text = "".join(pages)
    cells = re.findall(r'<td class="status"[^>]*>([^<]+)</td>', source)
    assert len(cells) > 50
    for word in set(cells):
        assert text.count(word) >= cells.count(word), (word, text.count(word), cells.count(word))
    # the last column (不移交原因) is printed with every table of rows
    last = re.findall(r"<th>([^<]+)</th></tr></thead>", source)[0]
    assert text.count(last) >= source.count('<table class="rows"'), last


_OVERFLOW_JS = """<script>window.addEventListener('load', () => { const bad = [];
document.querySelectorAll('td.nw, td.id').forEach(td => { if (td.scrollWidth > td.clientWidth + 1) bad.push(td.textContent); });
document.body.setAttribute('data-overflow', JSON.stringify(bad)); });</script>"""


def test_whole_values_fit_their_columns(printed, tmp_path: Path) -> None:
    """ID numbers, dates, phones and pensions are never wrapped (nowrap), so a column too narrow
    for them would let them run over the next column: none does. Measured in the browser on
    the screen layout, which is narrower than the printed page (267 mm against 277 mm)."""
    chromium = require_chromium()
    for n, (f, pdf) in enumerate(printed.values()):
        html = (pdf.parent / "forms" / f["path"]).read_text(encoding="utf-8")
        probe = tmp_path / f"probe-{n}.html"
        probe.write_text(html.replace("</body>", _OVERFLOW_JS + "</body>"), encoding="utf-8")
        dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
                              "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=180).stdout
        m = re.search(r'data-overflow="([^"]*)"', dom)
        assert m, f["path"]
        assert m.group(1).replace("&quot;", '"') == "[]", (f["path"], m.group(1)[:300])


@pytest.fixture(scope="module")
def per_person(tmp_path_factory, assigned) -> dict[str, tuple[dict, Path]]:
    """The largest 登记表, 联系卡 and 协议书 of the samples (several pages each), printed to PDF."""
    require_chromium()
    _require_poppler()
    tmp = tmp_path_factory.mktemp("print_person")
    out = tmp / "forms"
    manifest = render_forms([assigned], out, forms="registration,card,agreement", date="2026-11-23")
    chosen = {}
    for kind in ("registration", "card", "agreement"):
        f = max((f for f in manifest["files"] if f["kind"] == kind and f["format"] == "html"),
                key=lambda f: (f["people"], f["path"]))
        chosen[kind] = (f, out / f["path"])
    with ThreadPoolExecutor(max_workers=3) as pool:
        pdfs = dict(pool.map(lambda kv: (kv[0], print_pdf(kv[1][1], tmp / f"{kv[0]}.pdf")), chosen.items()))
    return {kind: (f, pdfs[kind]) for kind, (f, _) in chosen.items()}


@pytest.mark.parametrize("kind", ["registration", "card", "agreement"])
def test_per_person_forms_a4_with_page_numbers(per_person, kind: str) -> None:
    """登记表 and 协议书: one A4 portrait page a person; 联系卡: four cards a page; every page
    carries 第 N 页 共 M 页 (N its own number, M the file's page count)."""
    f, pdf = per_person[kind]
    w, h = page_size(pdf)
    assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2, (f["path"], w, h)
    pages = pdf_text_pages(pdf)
    people = f["people"]
    assert people >= 5, f  # several pages: the numbers are checked on more than one
    assert len(pages) == (-(-people // 4) if kind == "card" else people), (f["path"], len(pages), people)
    for i, text in enumerate(pages, start=1):
        assert PAGE_NO.findall(text) == [(str(i), str(len(pages)))], (f["path"], i, text[-60:])
