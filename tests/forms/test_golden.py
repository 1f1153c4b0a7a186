"""Golden files of every form kind on the fixed batch (REGENERATE_GOLDEN=1 rewrites them).

HTML is compared byte for byte; the xlsx summaries by their re-read cells; the manifest with
the xlsx checksums left out (they depend on the xlsxwriter version, the cells do not)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from retiree_tools.forms.render import render_forms

from support.forms_batch import DATE, write_batch

GOLDEN = Path(__file__).parent / "golden" / "forms"
REGENERATE = os.environ.get("REGENERATE_GOLDEN") == "1"


def _cells(path: Path) -> str:
    ws = openpyxl.load_workbook(path).active
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    return f'{{"merged": {json.dumps(merged)},\n"rows": [\n{lines}\n]}}\n'


def _actual(out: Path, manifest: dict) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for f in manifest["files"]:
        if f["format"] == "html":
            files[f["path"]] = (out / f["path"]).read_bytes()
        elif f["format"] == "xlsx":
            files[f["path"] + ".cells.json"] = _cells(out / f["path"]).encode("utf-8")
    stable = {**manifest, "files": [{**f, "sha256": None} if f["format"] == "xlsx" else f for f in manifest["files"]]}
    files["manifest.json"] = (json.dumps(stable, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


@pytest.fixture(scope="module")
def actual(tmp_path_factory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("golden")
    out = tmp / "forms"
    manifest = render_forms([write_batch(tmp, ".xlsx")], out, date=DATE)
    return _actual(out, manifest)


def test_golden_files(actual: dict[str, bytes]) -> None:
    if REGENERATE:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in actual.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    assert GOLDEN.is_dir(), "no golden files: run pytest with REGENERATE_GOLDEN=1 and review the diff"
    expected = {str(p.relative_to(GOLDEN)): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(expected) == sorted(actual)
    for rel in sorted(actual):
        assert actual[rel] == expected[rel], f"{rel} differs from tests/golden/forms/{rel} (REGENERATE_GOLDEN=1 to accept)"


def test_golden_covers_every_kind(actual: dict[str, bytes]) -> None:
    names = {rel.rsplit("/", 1)[-1].split("_")[0] for rel in actual}
    assert {"summary.html", "summary.xlsx.cells.json", "registration.html", "card.html", "agreement.html",
            "receipt", "index.html", "manifest.json"} <= names
