"""Test inputs as real files: the same rows written by openpyxl, xlsxwriter, xlwt (.xls),
odfpy (.ods) and as CSV (UTF-8, UTF-8 with BOM, GBK)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from retiree_tools.domain.idcard import check_chars

TITLE = "移交社会化管理退休人员汇总表"
FILLER = "填报单位：扬州市红旗机械厂（盖章）  统一社会信用代码：91321000MA1MXK4T07"
HEADERS = ["序号", "姓名", "性别", "身份证号码", "出生年月", "参加工作时间", "退休时间", "人员类别", "退休前岗位",
           "户籍所在地", "医保关系所在地", "现居住地址", "养老金标准", "养老金存折账号", "联系电话",
           "个人情况登记表", "服务协议书", "身份证户口本复印件", "移交协议书", "人事档案", "存折复印件"]
DOCS_OK = ["√"] * 6


def make_id(area: str, birth: str, seq: int, male: bool) -> str:
    """A valid 18-digit ID: area (6), birth YYYYMMDD, 3-digit sequence with the gender parity."""
    s = seq * 2 + (1 if male else 0)
    body = f"{area}{birth}{s % 1000:03d}"
    return body + str(check_chars(np.array([body]))[0])


def person(i: int, **over) -> list:
    """One clean row (a man born 1955-03, retired 2015-03 at 60, living in 广陵区汶河街道)."""
    male = over.pop("male", True)
    birth = over.pop("birth", "19550315")
    row = {
        "序号": i, "姓名": f"张{'一二三四五六七八九十'[i % 10]}", "性别": "男" if male else "女",
        "身份证号码": make_id("321002", birth, i, male), "出生年月": f"{birth[:4]}.{birth[4:6]}",
        "参加工作时间": f"{int(birth[:4]) + 18}.09", "退休时间": f"{int(birth[:4]) + 60}.{birth[4:6]}",
        "人员类别": "企业退休人员", "退休前岗位": "工人", "户籍所在地": "江苏省扬州市广陵区汶河街道四望亭路1号",
        "医保关系所在地": "扬州市广陵区", "现居住地址": "扬州市广陵区汶河街道四望亭路1号", "养老金标准": "3200.50",
        "养老金存折账号": "6228480123456789012", "联系电话": "13812345678",
        **dict(zip(HEADERS[-6:], DOCS_OK, strict=True)),
    }
    row.update(over)
    return [row[h] for h in HEADERS]


def write_openpyxl(path: Path, rows: list[list], title_rows: bool = True, two_row_header: bool = False,
                   id_as_text: bool = True, start_col: int = 1, blank_rows_above: int = 0) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "移交名单"
    r = 1 + blank_rows_above
    c0 = start_col
    if title_rows:
        ws.cell(r, c0, TITLE)
        ws.merge_cells(start_row=r, start_column=c0, end_row=r, end_column=c0 + len(HEADERS) - 1)
        ws.cell(r + 1, c0, FILLER)
        r += 2
    if two_row_header:
        for j, h in enumerate(HEADERS[:-6]):
            ws.cell(r, c0 + j, h)
            ws.merge_cells(start_row=r, start_column=c0 + j, end_row=r + 1, end_column=c0 + j)
        ws.cell(r, c0 + len(HEADERS) - 6, "移交材料")
        ws.merge_cells(start_row=r, start_column=c0 + len(HEADERS) - 6, end_row=r, end_column=c0 + len(HEADERS) - 1)
        for j, h in enumerate(HEADERS[-6:]):
            ws.cell(r + 1, c0 + len(HEADERS) - 6 + j, h)
        r += 2
    else:
        for j, h in enumerate(HEADERS):
            ws.cell(r, c0 + j, h)
        r += 1
    for row in rows:
        for j, v in enumerate(row):
            cell = ws.cell(r, c0 + j, v)
            if HEADERS[j] == "身份证号码" and id_as_text and isinstance(v, str):
                cell.number_format = "@"
        r += 1
    wb.save(path)
    return path


def write_xlsxwriter(path: Path, rows: list[list]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet("Sheet1")
    bold = wb.add_format({"bold": True})
    ws.merge_range(0, 0, 0, len(HEADERS) - 1, TITLE, bold)
    ws.write_string(1, 0, FILLER)
    for j, h in enumerate(HEADERS):
        ws.write_string(2, j, h, bold)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for i, row in enumerate(rows, start=3):
        for j, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write_datetime(i, j, dt.datetime.combine(v, dt.time()), date_fmt)
            elif isinstance(v, int | float):
                ws.write_number(i, j, v)
            elif v is None:
                continue
            else:
                ws.write_string(i, j, v)
    wb.close()
    return path


def write_xls(path: Path, rows: list[list]) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    ws.write(0, 0, TITLE)
    ws.write(1, 0, FILLER)
    for j, h in enumerate(HEADERS):
        ws.write(2, j, h)
    for i, row in enumerate(rows, start=3):
        for j, v in enumerate(row):
            if v is not None:
                ws.write(i, j, v)
    wb.save(str(path))
    return path


def write_ods(path: Path, rows: list[list]) -> Path:
    import pandas as pd

    data = [[TITLE] + [None] * (len(HEADERS) - 1), [FILLER] + [None] * (len(HEADERS) - 1), HEADERS, *rows]
    frame = pd.DataFrame(data, dtype=object)
    frame.to_excel(path, engine="odf", header=False, index=False)
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "gbk", title_rows: bool = True) -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        if title_rows:
            w.writerow([TITLE])
            w.writerow([FILLER])
        w.writerow(HEADERS)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])
    return path


WRITERS = {
    "openpyxl": lambda p, rows: write_openpyxl(p.with_suffix(".xlsx"), rows),
    "xlsxwriter": lambda p, rows: write_xlsxwriter(p.with_suffix(".xlsx"), rows),
    "xls": lambda p, rows: write_xls(p.with_suffix(".xls"), rows),
    "ods": lambda p, rows: write_ods(p.with_suffix(".ods"), rows),
    "csv-gbk": lambda p, rows: write_csv(p.with_suffix(".csv"), rows, "gbk"),
    "csv-utf8-bom": lambda p, rows: write_csv(p.with_suffix(".csv"), rows, "utf-8-sig"),
}
