"""validate on real files: finding codes at exact rows and columns, for every writer we support."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from retiree_tools.policy import load_policy
from retiree_tools.validate.run import Options, validate_paths

from support.factory import HEADERS, WRITERS, make_id, person, write_csv, write_openpyxl

POLICY = load_policy()
TODAY = dt.date(2026, 11, 23)
COL = {h: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i] for i, h in enumerate(HEADERS)}

# (row overrides, expected (code, header) pairs); each row carries one problem
CASES = [
    ({}, []),
    ({"身份证号码": make_id("321002", "19550315", 2, True)[:-1] + "0"}, [("id-checksum", "身份证号码")]),
    ({"身份证号码": make_id("321002", "19551345", 3, True)}, [("id-birthdate", "身份证号码")]),
    ({"身份证号码": "3210021955031"}, [("id-format", "身份证号码")]),
    ({"性别": "女"}, [("gender-mismatch", "性别")]),
    ({"出生年月": "1956.03"}, [("birthdate-mismatch", "出生年月")]),
    ({"参加工作时间": "2016.01"}, [("date-order", "退休时间")]),
    ({"退休时间": "1960年13月"}, [("date-invalid", "退休时间")]),
    ({"退休时间": "2030.01"}, [("date-future", "退休时间")]),
    ({"退休时间": "2005.03"}, [("retirement-age", "退休时间")]),
    ({"人员类别": "临时工"}, [("invalid-choice", "人员类别")]),
    ({"养老金标准": "abc"}, [("number-invalid", "养老金标准")]),
    ({"联系电话": "123"}, [("phone-invalid", "联系电话")]),
    ({"姓名": None}, [("missing-value", "姓名")]),
    ({"移交协议书": "无"}, [("document-missing", "移交协议书")]),
    ({"人员类别": "离休人员", "移交协议书": None}, [("not-transferable", "人员类别")]),
    ({"养老金存折账号": "12ab"}, [("account-invalid", "养老金存折账号")]),
]


def _rows():
    rows = []
    for i, (over, _) in enumerate(CASES, start=1):
        rows.append(person(i, **dict(over)))
    return rows


def _found(report, include_info: bool = True):
    return {(f.code, f.row, f.column) for fr in report.files for f in fr.findings
            if f.row is not None and (include_info or f.severity != "info")}


def _expected(first_row: int):
    exp = set()
    for i, (_, codes) in enumerate(CASES):
        for code, header in codes:
            exp.add((code, first_row + i, COL[header]))
    return exp


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_codes_at_exact_cells_for_every_writer(tmp_path, writer):
    path = WRITERS[writer](tmp_path / f"batch-{writer}", _rows())
    report = validate_paths([path], POLICY, Options(today=TODAY))
    fr = report.files[0]
    assert fr.header_row == 3
    assert fr.enterprise == "扬州市红旗机械厂"
    found = _found(report)
    expected = _expected(4)
    assert expected <= found, f"missing: {expected - found}"
    extra = {f for f in found if f not in expected}
    assert not extra, f"unexpected findings: {extra}"
    assert fr.people == len(CASES)


def test_two_row_header_with_merged_group_and_offset_sheet(tmp_path):
    path = write_openpyxl(tmp_path / "two.xlsx", _rows(), two_row_header=True, start_col=2, blank_rows_above=1)
    report = validate_paths([path], POLICY, Options(today=TODAY))
    fr = report.files[0]
    assert fr.header_row == 5  # blank row, 2 title rows, 2 header rows
    found = _found(report)
    shifted = {(c, r + 2, chr(ord(col) + 1)) for c, r, col in _expected(4)}
    assert shifted <= found, shifted - found
    doc = [f for f in fr.findings if f.code == "document-missing"][0]
    assert doc.header == "移交材料/移交协议书"


def test_id_typed_as_number_is_precision_lost_not_checksum(tmp_path):
    good = make_id("321002", "19550315", 1, True)
    rows = [person(1, 身份证号码=float(good[:15] + "000") if good[-1] != "X" else 3.21002195503150e17)]
    path = write_openpyxl(tmp_path / "num.xlsx", rows, id_as_text=False)
    report = validate_paths([path], POLICY, Options(today=TODAY))
    codes = {f.code for f in report.files[0].findings}
    assert "id-precision-lost" in codes
    assert "id-checksum" not in codes


def test_scientific_notation_in_csv_is_precision_lost(tmp_path):
    path = write_csv(tmp_path / "sci.csv", [person(1, 身份证号码="3.21002E+17")], "utf-8")
    report = validate_paths([path], POLICY, Options(today=TODAY))
    assert [f.code for f in report.files[0].findings if f.field == "id_number"] == ["id-precision-lost", "id-column-numeric"]


def test_fullwidth_digits_lowercase_x_and_spaces_are_not_errors(tmp_path):
    ident = "11010519491231002X"
    full = "".join(chr(ord(c) + 0xFEE0) for c in ident[:-1]) + "x"
    rows = [person(1, 身份证号码=f" {full} ", 出生年月="1949年12月", 性别="女", 姓名="李四　",
                   参加工作时间="196801", 退休时间=dt.date(2004, 12, 1))]
    path = write_openpyxl(tmp_path / "fw.xlsx", rows)
    report = validate_paths([path], POLICY, Options(today=TODAY))
    assert [f for f in report.files[0].findings if f.severity == "error"] == []


def test_legacy_15_digit_id_warns_and_converts(tmp_path):
    rows = [person(1, 身份证号码="110105491231002", 出生年月="1949-12-31", 性别="女", 参加工作时间="1968.01", 退休时间="2004.12")]
    path = write_openpyxl(tmp_path / "l15.xlsx", rows)
    fr = validate_paths([path], POLICY, Options(today=TODAY)).files[0]
    assert [(f.code, f.severity) for f in fr.findings] == [("id-legacy", "warning")]
    assert "11010519491231002X" in fr.findings[0].message


def test_duplicates_within_and_across_files(tmp_path):
    a = write_openpyxl(tmp_path / "a.xlsx", [person(1), person(2), person(1)])
    b = write_csv(tmp_path / "b.csv", [person(2)], "gbk")
    report = validate_paths([a, b], POLICY, Options(today=TODAY))
    dups = [(fr.path.split("/")[-1], f.row) for fr in report.files for f in fr.findings if f.code == "id-duplicate"]
    assert dups == [("a.xlsx", 6), ("b.csv", 4)]
    assert "a.xlsx" in [f for f in report.files[1].findings if f.code == "id-duplicate"][0].message


def test_county_cadre_is_exempt_from_personnel_file(tmp_path):
    rows = [person(1, 人员类别="县级以上党委管理的企业退休领导干部", 人事档案="无"),
            person(2, 人事档案="无")]
    path = write_openpyxl(tmp_path / "cadre.xlsx", rows)
    fr = validate_paths([path], POLICY, Options(today=TODAY)).files[0]
    assert [(f.code, f.row) for f in fr.findings] == [("document-missing", 5)]


def test_central_cadre_and_internal_retirees_not_transferable(tmp_path):
    rows = [person(1, 人员类别="中央管理的领导干部"), person(2, 人员类别="内部退养人员"), person(3, 人员类别="供养遗属")]
    path = write_openpyxl(tmp_path / "x.xlsx", rows)
    fr = validate_paths([path], POLICY, Options(today=TODAY)).files[0]
    assert [(f.code, f.row) for f in fr.findings] == [("not-transferable", 4), ("not-transferable", 5), ("not-transferable", 6)]


def test_missing_required_column_and_no_header(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "性别", "出生年月"])
    wb.active.append(["张三", "男", "1955.03"])
    wb.save(tmp_path / "nocol.xlsx")
    fr = validate_paths([tmp_path / "nocol.xlsx"], POLICY).files[0]
    assert {f.code for f in fr.findings} == {"missing-column"}
    wb = openpyxl.Workbook()
    wb.active.append(["甲", "乙"])
    wb.active.append(["1", "2"])
    wb.save(tmp_path / "nohead.xlsx")
    fr = validate_paths([tmp_path / "nohead.xlsx"], POLICY).files[0]
    assert [f.code for f in fr.findings] == ["header-not-found"]


def test_roster_sheet_is_found_among_sheets(tmp_path):
    import openpyxl

    path = write_openpyxl(tmp_path / "multi.xlsx", [person(1)])
    wb = openpyxl.load_workbook(path)
    notes = wb.create_sheet("填表说明", 0)
    notes.append(["请按模板填写"])
    wb.save(path)
    fr = validate_paths([path], POLICY, Options(today=TODAY)).files[0]
    assert fr.sheet == "移交名单"
    assert fr.people == 1


def test_footer_and_blank_rows_are_not_people(tmp_path):
    rows = [person(1), [None] * len(HEADERS), person(2), ["合计：2人"] + [None] * (len(HEADERS) - 1),
            ["填表人：王五    审核人：赵六"] + [None] * (len(HEADERS) - 1)]
    path = write_openpyxl(tmp_path / "foot.xlsx", rows)
    fr = validate_paths([path], POLICY, Options(today=TODAY)).files[0]
    assert fr.people == 2
    assert [f for f in fr.findings if f.severity == "error"] == []


def test_input_is_not_modified(tmp_path):
    path = write_openpyxl(tmp_path / "in.xlsx", _rows())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    validate_paths([path], POLICY, Options(today=TODAY))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_credit_code_from_title_is_checked(tmp_path):
    import openpyxl

    path = write_openpyxl(tmp_path / "cc.xlsx", [person(1)])
    wb = openpyxl.load_workbook(path)
    wb.active["A2"] = "填报单位：扬州市红旗机械厂（盖章）  统一社会信用代码：91321000MA1MXK4T08"
    wb.save(path)
    fr = validate_paths([path], POLICY, Options(today=TODAY)).files[0]
    assert fr.credit_code == "91321000MA1MXK4T08"
    assert [(f.code, f.row) for f in fr.findings] == [("credit-code-invalid", None)]


def test_every_csv_chunk_is_checked(tmp_path, monkeypatch):
    """Regression: chunks after the first were dropped (pandas numbers chunk k from k × size)."""
    from retiree_tools.io import source as reader

    monkeypatch.setattr(reader, "CSV_CHUNK_ROWS", 3)
    rows = [person(i) for i in range(1, 11)]
    rows[7] = person(8, 性别="女")
    path = write_csv(tmp_path / "many.csv", rows, "gbk")
    fr = validate_paths([path], POLICY, Options(today=TODAY)).files[0]
    assert (fr.rows, fr.people) == (10, 10)
    assert [(f.code, f.row) for f in fr.findings] == [("gender-mismatch", 11)]


def test_number_typed_id_with_fitting_check_character_is_caught_in_a_numeric_column(tmp_path):
    """Excel keeps 15 digits of a number: 3.21002195503179E+17 reads back as
    321002195503179008, whose check character happens to fit. Alone it cannot be told from a
    real ID; in a column where other IDs were visibly cut, it is reported too."""
    fitting = 3.21002195503179e17
    cut = 3.2100219550315e17  # reads back as 321002195503150016: check character wrong
    rows = [person(1, 身份证号码=fitting), person(2, 身份证号码=cut)]
    path = write_openpyxl(tmp_path / "num.xlsx", rows, id_as_text=False)
    found = [(f.code, f.row) for f in validate_paths([path], POLICY, Options(today=TODAY)).files[0].findings
             if f.field == "id_number"]
    assert sorted(found) == [("id-column-numeric", 3), ("id-precision-lost", 4), ("id-precision-lost", 5)]
    alone = write_openpyxl(tmp_path / "one.xlsx", [person(1, 身份证号码=fitting)], id_as_text=False)
    fr = validate_paths([alone], POLICY, Options(today=TODAY)).files[0]
    assert [f.code for f in fr.findings if f.field == "id_number"] == []  # documented limit


def test_what_excel_shows_is_in_the_message_and_valid_ids_ending_in_zeros_pass(tmp_path):
    """A cut ID reads back as the float's binary digits (321002195503150016); the message shows
    the 15 digits Excel shows (…150000). A valid text ID that ends in 000 passes in a column of
    text IDs; a 15-digit legacy number stored as a number (…123.0) is exact."""
    valid000 = "321002196012102000"  # checksum-valid, ends in 000
    woman = {"出生年月": "1960.12", "性别": "女", "退休时间": "2010.12"}
    rows = [person(1, 身份证号码=3.2100219550315e17), person(2, 身份证号码=321002550315003.0)]
    path = write_openpyxl(tmp_path / "mixed.xlsx", rows, id_as_text=False)
    fr = validate_paths([path], POLICY, Options(today=TODAY)).files[0]
    lost = [f for f in fr.findings if f.code == "id-precision-lost"]
    assert [f.row for f in lost] == [4]
    assert lost[0].params["shown"] == "321002195503150000" and "321002195503150000" in lost[0].message
    assert [f.code for f in fr.findings if f.row == 5 and f.field == "id_number"] == ["id-legacy"]
    text = write_openpyxl(tmp_path / "text.xlsx", [person(1), person(2, 身份证号码=valid000, **woman)])
    fr = validate_paths([text], POLICY, Options(today=TODAY)).files[0]
    assert not [f for f in fr.findings if f.field == "id_number"]


def test_threaded_checks_give_what_the_plain_path_gives(tmp_path, monkeypatch):
    """Big chunks are checked and written with a second thread (normalising, dates and
    numbers, the assigned file's columns): the findings, their order and the assigned file are
    the same as on one thread, and the same whether assign's frames hold Python objects or
    Arrow-backed text. The bundled sample has errors of every kind."""
    import pandas as pd

    from retiree_tools.assign.catalog import load_catalog
    from retiree_tools.assign.run import iter_assigned
    from retiree_tools.assign.writer import write_assigned
    from retiree_tools.validate import chunk as checks

    sample = Path(__file__).parents[2] / "samples" / "enterprise_a.xlsx"
    cat = load_catalog(sample.with_name("catalog.csv"))
    runs = []
    for threshold in (10**9, 1):
        monkeypatch.setattr(checks, "THREADS_FROM_ROWS", threshold)
        report = validate_paths([sample], load_policy(None), Options(today=dt.date(2026, 11, 23)))
        written = []
        for objects in (True, False):  # the CLI hands Arrow-backed frames to the writer
            frames = list(iter_assigned([sample], cat, load_policy(None), Options(today=dt.date(2026, 11, 23)), objects=objects))
            written.append(write_assigned(pd.concat(frames), tmp_path / f"a{threshold}{objects}.csv").read_bytes())
        assert written[0] == written[1]
        runs.append((report.to_dict(show_pii=True), written[0]))
    assert len({f["code"] for f in runs[0][0]["files"][0]["findings"]}) >= 10  # many kinds of finding
    assert runs[0] == runs[1]
