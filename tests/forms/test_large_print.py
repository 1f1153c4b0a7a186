"""The print checks of test_print.py on a larger generated run: 50 enterprises × 100 people
(5,000; tests/support/large_run.py, seeded), validate → assign → render-forms → acceptance-report,
then Chromium prints the 10 largest 汇总表 (11-19 people), the 10 largest 交接清单 (65-88
people) and the acceptance report. From the PDFs: A4 landscape, 第 N 页 共 M 页 on every page, 合计
once in a 汇总表, no page holding only the signature and stamp block, every status word of the
report printed.

Measured: writing the workbooks ~8 s, validate ~5 s, assign ~7 s, render-forms of the 5,000
people (8,669 HTML files) ~6 s, acceptance-report ~1.3 s, the 21 prints ~25 s (4 at a time);
~55 s alone (69 s inside the forms suite), so part of the normal suite. Printed: the 汇总表 of 19 and 15 people on 2 pages,
the others and every 交接清单 on 1, the acceptance report on 10. Needs chromium and poppler-utils; skipped with a visible reason
without them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from support.browser import print_pdf, require_chromium
from support.large_run import write_large_run

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ID = re.compile(r"\d{17}[\dX]")
PAGE_NO = re.compile(r"第(\d+)页共(\d+)页")
ENTERPRISES, PEOPLE = 50, 100


def _pages(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return [re.sub(r"\s+", "", p) for p in pages]


def _size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert m, info
    return float(m.group(1)), float(m.group(2))


def _cli(*args: str) -> float:
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "retiree_tools", *args, "-q"], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode in (0, 1), (args[0], r.returncode, r.stderr[-800:])
    return time.perf_counter() - t


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> dict:
    require_chromium()
    missing = [t for t in ("pdftotext", "pdfinfo") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (apt-get install poppler-utils); large print checks skipped")
    tmp = tmp_path_factory.mktemp("large_print")
    inputs = write_large_run(tmp / "in", ENTERPRISES, PEOPLE)
    seconds = {"validate": _cli("validate", *map(str, inputs), "--format", "json")}
    seconds["assign"] = _cli("assign", str(tmp / "in"), "--catalog", str(SAMPLES / "catalog.csv"), "-o",
                             str(tmp / "assigned.xlsx"))
    seconds["render-forms"] = _cli("render-forms", str(tmp / "assigned.xlsx"), "--out-dir", str(tmp / "forms"),
                                   "--date", "2026-11-23")
    seconds["acceptance-report"] = _cli("acceptance-report", str(tmp / "assigned.xlsx"), "--as-of", "2026-11-23",
                                        "-o", str(tmp / "acceptance.html"))
    import json

    manifest = json.loads((tmp / "forms" / "manifest.json").read_text(encoding="utf-8"))
    html = [f for f in manifest["files"] if f["format"] == "html"]
    summaries = sorted((f for f in html if f["kind"] == "summary"), key=lambda f: (-f["people"], f["path"]))[:10]
    receipts = sorted((f for f in html if f["kind"] == "receipt"), key=lambda f: (-f["people"], f["path"]))[:10]
    jobs = [(f, tmp / "forms" / f["path"]) for f in summaries + receipts]
    jobs.append(({"kind": "acceptance", "path": "acceptance.html", "people": 0}, tmp / "acceptance.html"))

    def one(n_job):
        n, (f, src) = n_job
        return f, src, print_pdf(src, tmp / f"{f['kind']}-{n}.pdf")

    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        printed = list(pool.map(one, enumerate(jobs)))
    seconds["print"] = time.perf_counter() - t
    return {"manifest": manifest, "printed": printed, "seconds": seconds}


def _of(large, kind: str) -> list[tuple[dict, Path, Path]]:
    return [v for v in large["printed"] if v[0]["kind"] == kind]


def test_the_run_is_large(large) -> None:
    people = large["manifest"]["people"]
    assert people["total"] == ENTERPRISES * PEOPLE and people["assigned"] >= 0.99 * people["total"], people
    assert people["rejected"] > 0, people  # the broken check digits: receipts list them
    assert large["seconds"]["render-forms"] < 60, large["seconds"]
    assert max(f["people"] for f, _, _ in _of(large, "summary")) >= 15
    assert min(f["people"] for f, _, _ in _of(large, "receipt")) >= 40


@pytest.mark.parametrize("kind", ["summary", "receipt", "acceptance"])
def test_a4_landscape_and_page_numbers(large, kind: str) -> None:
    for f, _, pdf in _of(large, kind):
        w, h = _size(pdf)
        assert abs(w - 841.9) < 2 and abs(h - 595.3) < 2, (f["path"], w, h)
        pages = _pages(pdf)
        for i, text in enumerate(pages, start=1):
            assert (str(i), str(len(pages))) in PAGE_NO.findall(text), (f["path"], i, text[-40:])


@pytest.mark.parametrize("kind", ["summary", "receipt"])
def test_no_page_holds_only_the_signature_block(large, kind: str) -> None:
    for f, _, pdf in _of(large, kind):
        pages = _pages(pdf)
        stamped = [i for i, t in enumerate(pages) if "盖章" in t and ("负责人" in t or "经办人" in t)]
        assert stamped, f["path"]
        last = stamped[-1]
        assert ID.search(pages[last]) or "份数" in pages[last], (f["path"], last + 1, pages[last][:200])


def test_total_once_in_each_summary(large) -> None:
    for f, _, pdf in _of(large, "summary"):
        text = "".join(_pages(pdf))
        assert text.count("合计") == 1, f["path"]
        assert len(ID.findall(text)) >= f["people"], f["path"]  # every ID number whole


def test_acceptance_report_prints_every_status_word(large) -> None:
    ((_, src, pdf),) = _of(large, "acceptance")
    source = src.read_text(encoding="utf-8")
    text = "".join(_pages(pdf))
    cells = re.findall(r'<td class="status"[^>]*>([^<]+)</td>', source)
    assert cells
    for word in set(cells):
        assert text.count(word) >= cells.count(word), (word, text.count(word), cells.count(word))
