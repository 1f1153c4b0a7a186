"""Workbooks that print as they look: the shared helpers (display width, line count, row height)
and the print setup of assigned.xlsx (several pages wide at a legible scale), acceptance.xlsx and
the blank template (several pages wide, legible), read back with openpyxl from the real files the writers
produce."""

from __future__ import annotations

import unicodedata
from datetime import date

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from retiree_tools.io.print_setup import (
    DEFAULT_ROW_HEIGHT,
    display_width,
    line_count,
    lines_arrow,
    row_height,
    width_estimate,
    width_estimate_arrow,
)

from support.acceptance_data import EXCLUDED_REASON, assigned, people, person, targets_csv

ADDRESS = "江苏省扬州市广陵区文峰街道文昌中路88号3幢2单元501室"
TEXTS = [ADDRESS, "abc 123", "张三 13800000000", "Ａｂ、。", "😀𠀀", "é ü Ж", "– … ·", "", "0514-87340001"]


def _exact(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@pytest.mark.parametrize("text", TEXTS)
def test_widths(text: str) -> None:
    """The exact width counts a wide character 2; the estimate is never less, and equal for
    ASCII and Chinese (what addresses and contacts are made of)."""
    assert display_width(text) == _exact(text)
    assert width_estimate(text) >= _exact(text)
    if all(c.isascii() or (unicodedata.east_asian_width(c) == "W" and ord(c) < 0x10000) for c in text):
        assert width_estimate(text) == _exact(text)
    assert width_estimate_arrow(pa.array([text])).tolist() == [width_estimate(text)]


def test_line_count_and_height() -> None:
    assert display_width(ADDRESS) == 51
    assert line_count(ADDRESS, 24) == 3 and line_count(ADDRESS, 60) == 1
    assert line_count("13800000000", 14) == 1  # a phone number fits its column: one line
    assert line_count("甲\n乙\n丙", 10) == 3
    assert lines_arrow(pa.array([ADDRESS, None, "x"]), 24).tolist() == [3, 1, 1]
    assert row_height(1) == DEFAULT_ROW_HEIGHT and row_height(3) > 3 * 14


def _page_setup(ws, title_rows: str) -> None:
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (1, None) and ws.page_setup.fitToHeight == 0  # 1 is the default
    assert ws.print_title_rows == title_rows
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def _wide_page_setup(ws) -> None:
    """A table too wide for one page (assigned.xlsx), as Excel users print one: A4 landscape at a
    fixed legible scale (not squeezed to one page wide), header row on top and 姓名 / 性别 /
    身份证号码 at the left of every page, over then down, sheet name and page numbers, grid."""
    from retiree_tools.io.print_setup import WIDE_SCALE

    ps = ws.page_setup
    assert ps.orientation == "landscape" and str(ps.paperSize) == "9"
    assert ps.scale == WIDE_SCALE and 75 <= WIDE_SCALE <= 100  # 11 pt prints at 8.25 pt or more
    pr = ws.sheet_properties.pageSetUpPr
    assert pr is None or not pr.fitToPage  # not fitted to pages: the scale applies
    assert ps.fitToWidth is None and ps.fitToHeight is None
    assert ws.print_title_rows == "$1:$1"
    assert ws.print_title_cols == "$E:$G"
    assert [ws.cell(1, c).value for c in (5, 6, 7)] == ["姓名", "性别", "身份证号码"]
    assert ps.pageOrder == "overThenDown"
    assert ws.oddHeader.center.text == "&A"  # the sheet's name on top of every page
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws.print_options.gridLines


def test_assigned_xlsx_prints_as_it_looks(tmp_path) -> None:
    """A4 landscape at a legible scale, several pages wide, the header and the identifying
    columns on every page, the header frozen, borders on every cell, IDs, accounts, phones and
    rule codes whole, and a row as high as its wrapped address."""
    from retiree_tools.assign.contract import KEYS
    from retiree_tools.assign.writer import write_assigned

    frame = pd.DataFrame({k: [None] * 3 for k in KEYS})
    frame["name"] = ["张三", "李四", "王五"]
    frame["id_number"] = ["321002195503120017"] * 3
    frame["bank_account"] = ["622202020011223344512"] * 3
    frame["phone"] = ["0514-87340001"] * 3
    frame["residence"] = [ADDRESS, "广陵区", None]
    frame["household_address"] = ["广陵区", "广陵区", None]
    out = write_assigned(frame, tmp_path / "assigned.xlsx")
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "分配结果"
    _wide_page_setup(ws)
    assert ws.freeze_panes == "A2"
    col = {k: openpyxl.utils.get_column_letter(KEYS.index(k) + 1) for k in KEYS}
    assert ws.column_dimensions[col["id_number"]].width >= 19
    assert ws.column_dimensions[col["bank_account"]].width >= 22
    assert ws.column_dimensions[col["phone"]].width >= 14
    assert ws.column_dimensions[col["contact_phone"]].width >= 14
    for k in ("birth_date", "work_start", "retire_date"):  # 1958-09-18
        assert ws.column_dimensions[col[k]].width >= 11, k
    assert ws.column_dimensions[col["rule"]].width >= len("medical_insurance") + 1
    assert ws.column_dimensions[col["unit_level"]].width >= len("community") + 1
    assert ws.column_dimensions[col["flags"]].width >= len("household_address_city_level") + 1
    assert ws[f"{col['residence']}2"].alignment.wrap_text
    assert ws.row_dimensions[2].height > 2 * DEFAULT_ROW_HEIGHT  # the address wraps to three lines
    assert ws.row_dimensions[3].height is None  # one line: no height given
    for c in (f"{col['name']}2", f"{col['id_number']}3", f"{col['residence']}2"):
        assert ws[c].border.left.style == "thin" and ws[c].border.bottom.style == "thin"
    assert write_assigned(frame, tmp_path / "again.xlsx").read_bytes() == out.read_bytes()


def test_acceptance_xlsx_prints_as_it_looks(tmp_path) -> None:
    from retiree_tools.acceptance.output import write_xlsx
    from retiree_tools.acceptance.report import acceptance_report

    rows = people(0, 6) + [person(6, status="excluded"), person(7, status="excluded", reason=EXCLUDED_REASON * 3)]
    a = assigned(tmp_path / "a.csv", rows)
    t = targets_csv(tmp_path / "t.csv", [["enterprise", "扬州市红旗机械厂", "", 8, "2025-12-31", ""]])
    rep = acceptance_report([a], targets=t, as_of=date(2025, 7, 15))
    out = write_xlsx(rep, tmp_path / "acceptance.xlsx")
    wb = openpyxl.load_workbook(out)
    for ws in wb:
        _page_setup(ws, "$1:$1")
        assert ws.freeze_panes == "A2"
    ws = next(ws for ws in wb if ws.max_row > 1 and any(c.value == "不移交原因" for c in ws[1]))
    j = next(c.column for c in ws[1] if c.value == "不移交原因")
    cell = ws.cell(2, j)
    assert cell.alignment.wrap_text and cell.border.left.style == "thin"
    assert ws.row_dimensions[2].height > DEFAULT_ROW_HEIGHT  # the reasons wrap
    assert ws.cell(2, 1).border.top.style == "thin"


def test_template_prints_and_shows_whole_numbers(tmp_path) -> None:
    """The blank template: ID, account and phone columns wide enough for their full text; A4
    landscape at a legible 80 % (thirty columns one page wide would print at ~3 pt), title and
    header rows on every page and 姓名…身份证号码 at the left of every page, pages over then down;
    borders on the header and on every filled row (a conditional format; no printed grid: the
    2000 blank rows print no empty pages)."""
    from retiree_tools.validate.template import write_template

    out = write_template(None, tmp_path / "blank.xlsx")
    ws = openpyxl.load_workbook(out).active
    headers = [c.value for c in ws[3]]
    width = {h: ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width for j, h in enumerate(headers, 1)}
    assert width["身份证号码"] >= 20 and width["养老金存折账号"] >= 23 and width["联系电话"] >= 15
    assert width["统一社会信用代码"] >= 20
    ps = ws.page_setup
    assert ps.orientation == "landscape" and int(ps.paperSize) == 9 and int(ps.scale) == 80
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and ps.pageOrder == "overThenDown"
    assert ws.print_title_rows == "$1:$3" and ws.print_title_cols == "$D:$F"
    assert [ws.cell(3, c).value for c in (4, 6)] == ["姓名", "身份证号码"]
    assert not ws.print_options.gridLines and "第 &P 页" in ws.oddFooter.center.text
    assert ws.freeze_panes == "A4"
    assert all(c.border.left.style == "thin" for c in ws[3])
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert any(r.dxf is not None and r.dxf.border is not None and r.dxf.border.left.style == "thin" for r in rules)
    assert ws.row_dimensions[3].height > DEFAULT_ROW_HEIGHT  # the long headers wrap
    assert write_template(None, tmp_path / "again.xlsx").read_bytes() == out.read_bytes()
