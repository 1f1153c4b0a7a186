"""The forms in a real headless chromium: one printed page per person, cards four to a sheet,
and screenshots of the registration form, the card sheet and the receipt.

Set FORMS_SCREENSHOTS=DIR to keep the screenshots (and PDFs) for looking at them."""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

import pytest

from retiree_tools.assign.writer import write_assigned
from retiree_tools.forms.render import render_forms

from support.browser import pdf_pages, print_pdf, require_chromium, screenshot
from support.forms_batch import DATE, batch_frame, write_batch


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> tuple[Path, dict]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("browser")
    out = tmp / "forms"
    return out, render_forms([write_batch(tmp)], out, date=DATE)


def _keep(*paths: Path) -> None:
    target = os.environ.get("FORMS_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        for p in paths:
            shutil.copy(p, Path(target) / p.name)


@pytest.mark.parametrize("kind", ["registration", "agreement"])
def test_one_page_per_person(forms, kind: str, tmp_path: Path) -> None:
    out, manifest = forms
    files = [f for f in manifest["files"] if f["kind"] == kind and f["format"] == "html"]
    assert sum(f["people"] for f in files) == 5
    for n, f in enumerate(files):
        pdf = print_pdf(out / f["path"], tmp_path / f"{kind}-{n}.pdf")
        assert pdf_pages(pdf) == f["people"], f["path"]
        _keep(pdf)


def test_cards_four_per_sheet(forms, tmp_path: Path) -> None:
    out, manifest = forms
    for n, f in enumerate(f for f in manifest["files"] if f["kind"] == "card"):
        pdf = print_pdf(out / f["path"], tmp_path / f"card-{n}.pdf")
        assert pdf_pages(pdf) == math.ceil(f["people"] / 4)


def test_summary_and_receipt_fit_one_page(forms, tmp_path: Path) -> None:
    out, manifest = forms
    for n, f in enumerate(f for f in manifest["files"] if f["kind"] in ("summary", "receipt") and f["format"] == "html"):
        pdf = print_pdf(out / f["path"], tmp_path / f"{f['kind']}-{n}.pdf")
        assert pdf_pages(pdf) == 1, f["path"]


def test_long_values_still_one_page_per_person(tmp_path: Path) -> None:
    require_chromium()
    frame = batch_frame()
    long = "江苏省扬州市广陵区汶河街道琼花路某某小区十八幢二单元一千零一室（靠近东门菜市场北侧第三个路口）" * 2
    for key in ("household_address", "medical_location", "residence", "family_contact", "party_org", "category"):
        frame[key] = long
    frame["name"] = "欧阳" + "长" * 18
    out = tmp_path / "forms"
    manifest = render_forms([write_assigned(frame, tmp_path / "long.xlsx")], out)
    for f in manifest["files"]:
        if f["kind"] in ("registration", "agreement"):
            assert pdf_pages(print_pdf(out / f["path"], tmp_path / "x.pdf")) == f["people"], f["path"]
        if f["kind"] == "card":
            assert pdf_pages(print_pdf(out / f["path"], tmp_path / "x.pdf")) == math.ceil(f["people"] / 4)


def test_screenshots(forms, tmp_path: Path) -> None:
    out, _ = forms
    unit = out / "321002_广陵区/321002001_汶河街道/扬州市第一机械厂"
    shots = []
    for name, html, size in (("registration", unit / "registration.html", "1000,1300"),
                             ("card", unit / "card.html", "1000,1300"),
                             ("receipt", out / "321002_广陵区/receipt_扬州市第一机械厂.html", "1000,1300"),
                             ("summary", unit / "summary.html", "1300,900"),
                             ("index", out / "index.html", "1000,1300")):
        png = screenshot(html, tmp_path / f"forms-{name}.png", size)
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, name  # not a blank page
        shots.append(png)
    _keep(*shots)
