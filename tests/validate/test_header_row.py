"""The header row and the counts (issue 16): a row that names 姓名 or 身份证号码 (or three fields)
by their headers is the header even when required columns are missing — the report then says
which (`missing-column`), not that no header was found; a text of instructions, or a file that
names no field, stays `header-not-found`. A finding about the header (a missing column) is no
person: `people_with_errors` never exceeds `people`."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retiree_tools.policy import load_policy
from retiree_tools.validate.run import Options, validate_paths

from support.cli import run
from support.factory import HEADERS, TITLE, person

POLICY = load_policy()


def _csv(path: Path, rows: list[list], encoding: str) -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _xlsx(path: Path, rows: list[list]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _columns(*names: str) -> list[list]:
    """A header of ``names`` and one person under it (the values of support.factory.person)."""
    values = dict(zip(HEADERS, person(1), strict=True)) | {"工号": "0017", "部门": "二车间", "备注": ""}
    return [list(names), [values.get(n, "") for n in names]]


def _report(path: Path):
    report = validate_paths([path], POLICY, Options())
    (fr,) = report.files
    return fr


def _missing(fr) -> list[str]:
    return sorted(f.field for f in fr.findings if f.code == "missing-column")


CASES = {  # header → the required columns reported missing
    "name_and_known_fields": (["序号", "姓名", "性别", "出生年月", "退休时间", "人员类别"], ["id_number"]),
    "name_and_unknown_columns": (["姓名", "工号", "部门"], ["category", "id_number"]),
    "name_alone": (["姓名"], ["category", "id_number"]),
    "id_alone": (["身份证号码"], ["category", "name"]),
    "neither_name_nor_id": (["性别", "出生年月", "退休时间", "人员类别"], ["id_number", "name"]),
}


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_header_missing_required_columns_is_read_as_a_header(tmp_path, case, encoding):
    header, missing = CASES[case]
    fr = _report(_csv(tmp_path / "x.csv", [[TITLE], *_columns(*header)], encoding))
    codes = [f.code for f in fr.findings]
    assert "header-not-found" not in codes, codes
    assert fr.header_row == 2
    assert _missing(fr) == missing
    assert all(f.row == 2 for f in fr.findings if f.code == "missing-column")


@pytest.mark.parametrize("case", ["name_and_unknown_columns", "name_alone", "neither_name_nor_id"])
def test_the_same_in_a_workbook(tmp_path, case):
    header, missing = CASES[case]
    fr = _report(_xlsx(tmp_path / "x.xlsx", [[TITLE], ["填报单位：扬州市红旗机械厂"], *_columns(*header)]))
    assert fr.header_row == 3 and _missing(fr) == missing


@pytest.mark.parametrize(("name", "rows"), [
    ("instructions", [["填表说明"], ["一、姓名须与身份证一致。"], ["二、身份证号码：18位，末位X大写。"],
                      ["请于6月30日前报送人事科；联系人：王科长"]]),
    ("no_field_names", [["xm", "sfzh", "lb"], ["张三", person(1)[3], "企业退休人员"]]),
    ("values_only", [person(1), person(2)]),
    ("two_words", [["单位", "日期"], ["红旗机械厂", "2025-06-30"]]),
])
def test_instructions_or_no_field_names_stay_header_not_found(tmp_path, name, rows):
    fr = _report(_csv(tmp_path / f"{name}.csv", rows, "gbk"))
    assert [f.code for f in fr.findings] == ["header-not-found"], [f.code for f in fr.findings]
    assert fr.header_row is None


def test_the_installed_command_says_which_column_is_missing(tmp_path):
    """The two-line CSV of the issue: the header and one person, no ID column."""
    path = _csv(tmp_path / "名单.csv", _columns("姓名", "性别", "人员类别", "退休时间"), "gbk")
    r = run("validate", path, "--format", "json")
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    f = doc["files"][0]
    assert [(x["code"], x["field"], x["row"]) for x in f["findings"]] == [("missing-column", "id_number", 1)]
    assert f["summary"]["people"] == 0 and f["summary"]["people_with_errors"] == 0  # was 0 and 1
    assert doc["summary"]["people_with_errors"] == 0
    assert "missing-column" in r.stderr and "header-not-found" not in r.stderr


def test_a_two_line_csv_counts_its_person(tmp_path):
    path = _csv(tmp_path / "one.csv", [HEADERS, person(1, 性别="女")], "utf-8")
    s = _report(path).summary()
    assert (s["people"], s["people_with_errors"]) == (1, 1)


# ---- people ≥ people with errors, whatever the file ----

REQUIRED = ["姓名", "身份证号码", "人员类别"]
broken = st.sampled_from(["", "男女", "1960.13", "32100219550315001X", "abc", "=1+1", "无", "2099.01", "3.21002E+17"])


@st.composite
def files(draw):
    """A CSV or xlsx: a random selection of the columns (required ones may be missing), maybe a
    title row, a few people with some cells broken, maybe a blank or footer line."""
    keep = draw(st.lists(st.booleans(), min_size=len(HEADERS), max_size=len(HEADERS)))
    cols = [j for j, k in enumerate(keep) if k or HEADERS[j] not in REQUIRED and draw(st.booleans())]
    cols = cols or [HEADERS.index("姓名")]
    n = draw(st.integers(min_value=0, max_value=4))
    people = []
    for i in range(1, n + 1):
        row = person(i)
        for j in draw(st.lists(st.sampled_from(cols), max_size=3)):
            row[j] = draw(broken)
        people.append([row[j] for j in cols])
    tail = draw(st.sampled_from([[], [[""] * len(cols)], [["制表人：王科长"]]]))
    head = [[TITLE]] if draw(st.booleans()) else []
    kind = draw(st.sampled_from(["gbk", "utf-8", "utf-8-sig", "xlsx"]))
    return kind, [*head, [HEADERS[j] for j in cols], *people, *tail]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=files())
def test_people_with_errors_never_exceed_people(spec):
    kind, rows = spec
    with tempfile.TemporaryDirectory() as d:
        path = _xlsx(Path(d) / "x.xlsx", rows) if kind == "xlsx" else _csv(Path(d) / "x.csv", rows, kind)
        report = validate_paths([path], POLICY, Options())
    for fr in report.files:
        s = fr.summary()
        assert s["people"] >= s["people_with_errors"], (s, [(f.code, f.row, f.field) for f in fr.findings])
        assert s["people"] <= max(len(rows) - 1, 0)
    total = report.summary()
    assert total["people"] >= total["people_with_errors"]
