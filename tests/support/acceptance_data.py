"""Builders of the acceptance tests' inputs, as real files: assigned files written by the
project's own writer, targets and rosters as CSV or xlsx."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from retiree_tools.assign.writer import write_assigned
from retiree_tools.domain.idcard import check_char

UNITS = {  # unit code → (county code, county name, unit name)
    "321002001000": ("321002", "广陵区", "东关街道"),
    "321002002000": ("321002", "广陵区", "汶河街道"),
    "321003001000": ("321003", "邗江区", "蒋王街道"),
}
CODE_A = "913210022790446408"
ENT_A, ENT_B = "扬州市红旗机械厂", "扬州市光明纺织厂"
EXCLUDED_REASON = "离休人员保持现行管理方式不变，不移交"


def pid(n: int) -> str:
    """A checksum-valid ID number, distinct for each n < 1000."""
    body = f"32100219550101{n:03d}"
    return body + check_char(body)


def person(n: int, enterprise: str = ENT_A, status: str = "assigned", unit: str | None = "321002001000", *,
           credit_code: str | None = None, id_number: str | None = None, reason: str | None = None,
           category: str = "企业退休人员", file: str = "a.xlsx") -> dict:
    county = UNITS.get(unit or "", (None, None, None))
    if status == "excluded" and reason is None:
        reason, category = EXCLUDED_REASON, "离休人员"
    return {"file": file, "row": str(n + 3), "enterprise": enterprise, "credit_code": credit_code,
            "name": f"人员{n}", "gender": "男", "id_number": id_number or pid(n), "category": category,
            "status": status, "county_code": county[0], "county_name": county[1], "unit_code": unit,
            "unit_name": county[2], "reason": reason}


def people(first: int, count: int, **kw) -> list[dict]:
    return [person(n, **kw) for n in range(first, first + count)]


def assigned(path: Path, rows: list[dict]) -> Path:
    """An assigned file (xlsx or csv by suffix) written by retiree_tools' own writer."""
    return write_assigned(pd.DataFrame(rows), path)


TARGET_HEADER = ["scope", "key", "name", "target", "deadline", "min_rate"]


def targets_csv(path: Path, rows: list[list], header: list[str] = TARGET_HEADER, encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows([["" if v is None else v for v in r] for r in rows])
    return path


def targets_xlsx(path: Path, rows: list[list], header: list[str] | None = None, title: str | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header or ["范围", "代码", "名称", "目标人数", "截止日期", "最低比例"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def roster_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["身份证号码", "姓名", "原工作单位"])
        w.writerows(rows)
    return path


def row(report, scope: str, key: str):
    hits = [r for r in report.rows if r.scope == scope and r.key == key]
    assert len(hits) == 1, f"{scope} {key}: {[(r.scope, r.key) for r in report.rows]}"
    return hits[0]
