"""Annotated-copy comments are in the reader's language: the finding's title and message first,
its code last in brackets (the enterprise's clerk reads Chinese, not ``[gender-mismatch]``)."""

from __future__ import annotations

import openpyxl

from retiree_tools.findings.codes import title

from support.cli import run
from support.factory import person, write_openpyxl


def test_comment_starts_with_the_chinese_title(tmp_path):
    dirty = write_openpyxl(tmp_path / "dirty.xlsx", [person(1), person(2, 性别="女"), person(3, 联系电话="123")])
    out = tmp_path / "annotated.xlsx"
    r = run("validate", dirty, "--annotate", out)
    assert r.returncode == 1, r.stderr
    ws = openpyxl.load_workbook(out)["移交名单"]
    text = ws["C5"].comment.text
    assert text.startswith(title("gender-mismatch", "zh") + "："), text
    assert text.endswith("（gender-mismatch）") and not text.startswith("[")
    phone = ws["O6"].comment.text
    assert phone.startswith(title("phone-invalid", "zh")) and phone.endswith("（phone-invalid）")


def test_comment_in_english_when_asked(tmp_path):
    dirty = write_openpyxl(tmp_path / "dirty.xlsx", [person(1), person(2, 性别="女")])
    out = tmp_path / "annotated.xlsx"
    run("validate", dirty, "--annotate", out, "--lang", "en")
    text = openpyxl.load_workbook(out).worksheets[1]["C5"].comment.text
    assert text.startswith(title("gender-mismatch", "en") + ": ") and text.endswith(" (gender-mismatch)")
