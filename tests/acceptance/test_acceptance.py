"""acceptance-report, the library: counts, rates and statuses on real assigned, targets and roster
files (built by support.acceptance_data)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from retiree_tools.acceptance.inputs import parse_rate, read_targets
from retiree_tools.acceptance.model import COUNT_FIELDS, SCOPES
from retiree_tools.acceptance.report import acceptance_report, build_report, judge
from retiree_tools.findings.errors import InputError

from support.acceptance_data import (  # noqa: F401
    CODE_A,
    ENT_A,
    ENT_B,
    EXCLUDED_REASON,
    TARGET_HEADER,
    UNITS,
    assigned,
    people,
    person,
    pid,
    roster_csv,
    row,
    targets_csv,
    targets_xlsx,
)

# ---------------------------------------------------------------------------------------------
# statuses
# ---------------------------------------------------------------------------------------------

def test_exactly_met(tmp_path):
    a = assigned(tmp_path / "a.xlsx", people(0, 10))
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 10, "2025-06-30", ""]])
    rep = acceptance_report([a], targets=t, as_of=date(2025, 7, 15))
    r = row(rep, "enterprise", ENT_A)
    assert (r.target, r.listed, r.assigned, r.missing, r.rate, r.status) == (10, 10, 10, 0, 1.0, "met")
    assert rep.met and rep.exit_code == 0 and not rep.breaks


def test_one_short_of_the_target_is_not_met(tmp_path):
    a = assigned(tmp_path / "a.xlsx", people(0, 9))
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 10, "2025-06-30", ""]])
    rep = acceptance_report([a], targets=t, as_of=date(2025, 7, 15))
    r = row(rep, "enterprise", ENT_A)
    assert (r.missing, r.rate, r.status) == (1, 0.9, "overdue")
    assert not rep.met and rep.exit_code == 1


def test_behind_before_the_deadline_and_overdue_after_it(tmp_path):
    rows = people(0, 8) + people(8, 2, status="review", unit=None)
    a = assigned(tmp_path / "a.csv", rows)
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 10, "2025-06-30", ""]])
    before = acceptance_report([a], targets=t, as_of=date(2025, 6, 1))
    assert row(before, "enterprise", ENT_A).status == "behind"
    assert not before.met
    on_the_day = acceptance_report([a], targets=t, as_of=date(2025, 6, 30))
    assert row(on_the_day, "enterprise", ENT_A).status == "behind"  # the deadline day is still in time
    after = acceptance_report([a], targets=t, as_of=date(2025, 7, 1))
    assert row(after, "enterprise", ENT_A).status == "overdue"
    assert after.exit_code == 1


def test_on_track_when_people_are_only_not_yet_listed(tmp_path):
    a = assigned(tmp_path / "a.xlsx", people(0, 6))
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 10, "2025-06-30", ""]])
    rep = acceptance_report([a], targets=t, as_of=date(2025, 6, 1))
    r = row(rep, "enterprise", ENT_A)
    assert (r.missing, r.status) == (4, "on-track")
    assert rep.met and rep.exit_code == 0


def test_rejected_people_make_a_target_behind(tmp_path):
    a = assigned(tmp_path / "a.xlsx", people(0, 9) + [person(9, status="rejected", unit=None)])
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 10, "2025-06-30", ""]])
    assert row(acceptance_report([a], targets=t, as_of=date(2025, 6, 1)), "enterprise", ENT_A).status == "behind"


def test_excluded_people_are_not_counted_against_the_rate(tmp_path):
    rows = people(0, 8) + people(8, 2, status="excluded", unit=None)
    a = assigned(tmp_path / "a.xlsx", rows)
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 10, "2025-06-30", "100%"]])
    rep = acceptance_report([a], targets=t, as_of=date(2025, 7, 15))
    r = row(rep, "enterprise", ENT_A)
    assert (r.assigned, r.excluded, r.rate, r.status) == (8, 2, 1.0, "met")
    assert r.excluded_by_reason == {EXCLUDED_REASON: 2}
    assert rep.totals.excluded_by_reason == {EXCLUDED_REASON: 2}
    assert rep.met


def test_min_rate_per_target(tmp_path):
    a = assigned(tmp_path / "a.xlsx", people(0, 19) + [person(19, status="review", unit=None)])
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 20, "2025-06-30", "95%"]])
    rep = acceptance_report([a], targets=t, as_of=date(2025, 7, 15))
    assert (row(rep, "enterprise", ENT_A).rate, row(rep, "enterprise", ENT_A).status) == (0.95, "met")
    strict = acceptance_report([a], targets=t, as_of=date(2025, 7, 15), min_rate=1.0)
    assert row(strict, "enterprise", ENT_A).status == "met"  # the row's own min_rate wins
    t2 = targets_csv(tmp_path / "t2.csv", [["enterprise", ENT_A, "", 20, "2025-06-30", ""]])
    assert row(acceptance_report([a], targets=t2, as_of=date(2025, 7, 15)), "enterprise", ENT_A).status == "overdue"
    lenient = acceptance_report([a], targets=t2, as_of=date(2025, 7, 15), min_rate=0.95)
    assert row(lenient, "enterprise", ENT_A).status == "met"


def test_over_target_is_a_finding(tmp_path):
    a = assigned(tmp_path / "a.xlsx", people(0, 12))
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 10, "2025-06-30", ""]])
    rep = acceptance_report([a], targets=t, as_of=date(2025, 6, 1))
    r = row(rep, "enterprise", ENT_A)
    assert (r.status, r.over_target, r.missing) == ("over-target", True, 0)
    assert not rep.met and rep.exit_code == 1


def test_overdue_wins_over_over_target_but_the_flag_stays(tmp_path):
    a = assigned(tmp_path / "a.xlsx", people(0, 8) + people(8, 4, status="review", unit=None))
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 10, "2025-06-30", ""]])
    r = row(acceptance_report([a], targets=t, as_of=date(2025, 7, 1)), "enterprise", ENT_A)
    assert (r.status, r.over_target) == ("overdue", True)


def test_a_target_nobody_is_listed_for_still_shows(tmp_path):
    a = assigned(tmp_path / "a.xlsx", people(0, 3))
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_B, "", 5, "2025-06-30", ""],
                                          ["unit", "321084", "高邮市", 4, "2025-12-31", ""]])
    rep = acceptance_report([a], targets=t, as_of=date(2025, 7, 1))
    b = row(rep, "enterprise", ENT_B)
    assert (b.listed, b.missing, b.status) == (0, 5, "overdue")
    g = row(rep, "county", "321084")
    assert (g.name, g.listed, g.missing, g.status) == ("高邮市", 0, 4, "on-track")


def test_judge_rules():
    d, before, after = date(2025, 6, 30), date(2025, 6, 1), date(2025, 7, 1)
    assert judge(10, 10, 10, 0, 0, 0, 0, 1.0, d, after) == (1.0, "met")
    assert judge(10, 10, 9, 0, 1, 0, 0, 1.0, d, before)[1] == "behind"
    assert judge(10, 9, 9, 0, 0, 0, 0, 1.0, d, before)[1] == "on-track"
    assert judge(10, 9, 9, 0, 0, 0, 0, 1.0, None, after)[1] == "on-track"  # no deadline, never overdue
    assert judge(10, 9, 9, 0, 0, 0, 0, 1.0, d, after)[1] == "overdue"
    assert judge(10, 11, 11, 0, 0, 0, 0, 1.0, d, after)[1] == "over-target"
    assert judge(4, 4, 0, 4, 0, 0, 0, 1.0, d, after) == (None, "met")  # nothing due
    assert judge(10, 10, 10, 0, 0, 0, 1, 1.0, d, after)[1] == "break"
    assert judge(None, 5, 4, 1, 0, 0, 0, 1.0, None, after) == (1.0, "met")


# ---------------------------------------------------------------------------------------------
# scopes, sums, duplicates, breaks
# ---------------------------------------------------------------------------------------------

def _mixed(tmp_path) -> list[Path]:
    a = (people(0, 5, credit_code=CODE_A) + people(5, 3, unit="321002002000", credit_code=CODE_A)
         + people(8, 2, status="excluded", unit=None, credit_code=CODE_A)
         + [person(10, status="review", unit=None), person(11, status="rejected", unit=None)])
    b = people(20, 4, enterprise=ENT_B, unit="321003001000", file="b.csv") + [
        person(24, enterprise=ENT_B, unit="321002001000", file="b.csv")]
    return [assigned(tmp_path / "a.xlsx", a), assigned(tmp_path / "b.csv", b)]


def test_each_scope_sums_to_the_totals(tmp_path):
    rep = acceptance_report(_mixed(tmp_path), as_of=date(2025, 7, 1))
    t = rep.totals
    assert (t.listed, t.assigned, t.excluded, t.review, t.rejected) == (17, 13, 2, 1, 1)
    for scope in SCOPES:
        rows = rep.rows_of(scope)
        for f in COUNT_FIELDS:
            assert sum(getattr(r, f) for r in rows) == getattr(t, f), (scope, f)
    assert {r.key for r in rep.rows_of("county")} == {"321002", "321003", "(none)"}
    none = row(rep, "county", "(none)")
    assert (none.name, none.listed, none.excluded, none.review, none.rejected) == ("(无)", 4, 2, 1, 1)
    assert not rep.breaks


def test_enterprise_key_is_the_credit_code_and_a_target_may_name_the_enterprise(tmp_path):
    files = _mixed(tmp_path)
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 12, "2025-06-30", ""]])
    rep = acceptance_report(files, targets=t, as_of=date(2025, 7, 1))
    r = row(rep, "enterprise", CODE_A)  # rows without the code join the coded ones by name
    assert (r.name, r.listed, r.target) == (ENT_A, 12, 12)
    assert [x.key for x in rep.rows_of("enterprise")].count(CODE_A) == 1


def test_unit_targets_match_a_county_or_a_unit_code_or_a_name(tmp_path):
    files = _mixed(tmp_path)
    t = targets_csv(tmp_path / "t.csv", [["unit", "321002", "", 9, "2025-12-31", ""],
                                          ["接收单位", "321003001000", "", 4, "2025-12-31", ""],
                                          ["单位", "汶河街道", "", 3, "2025-12-31", ""]])
    rep = acceptance_report(files, targets=t, as_of=date(2025, 7, 1))
    assert (row(rep, "county", "321002").target, row(rep, "county", "321002").listed) == (9, 9)
    assert row(rep, "unit", "321003001000").status == "met"
    assert row(rep, "unit", "321002002000").target == 3
    assert all(r.target is None for r in rep.rows_of("county") if r.key != "321002")


def test_duplicates_across_two_enterprises_files(tmp_path):
    same = pid(500)
    a = assigned(tmp_path / "a.xlsx", people(0, 3) + [person(3, id_number=same)])
    b = assigned(tmp_path / "b.csv", people(10, 2, enterprise=ENT_B, file="b.csv")
                 + [person(12, enterprise=ENT_B, id_number=same, file="b.csv")])
    rep = acceptance_report([a, b], as_of=date(2025, 7, 1))
    assert len(rep.duplicates) == 1
    d = rep.duplicates[0]
    assert d.id_number == same and d.count == 2
    assert {o.enterprise for o in d.occurrences} == {ENT_A, ENT_B}
    assert {o.file for o in d.occurrences} == {"a.xlsx", "b.csv"}
    t = rep.totals
    assert (t.listed, t.duplicates, t.duplicate_ids, t.people) == (7, 2, 1, 6)
    assert row(rep, "enterprise", ENT_A).duplicates == 1 and row(rep, "enterprise", ENT_B).duplicates == 1
    assert not rep.met and rep.exit_code == 1  # a person counted twice is a reconciliation finding


def test_unknown_status_values_are_a_break(tmp_path):
    rows = people(0, 4) + [person(4, status="pending"), person(5, status="")]
    a = assigned(tmp_path / "a.xlsx", rows)
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 4, "", ""]])
    rep = acceptance_report([a], targets=t, as_of=date(2025, 7, 1))
    r = row(rep, "enterprise", ENT_A)
    assert (r.listed, r.assigned, r.unknown, r.status) == (6, 4, 2, "break")
    assert r.listed != r.assigned + r.excluded + r.review + r.rejected
    total = [b for b in rep.breaks if b.scope == "total"]
    assert len(total) == 1 and total[0].values == {"(blank)": 1, "pending": 1}
    assert total[0].listed - total[0].counted == 2
    assert any(b.scope == "enterprise" and b.key == ENT_A for b in rep.breaks)
    assert not rep.met and rep.exit_code == 1


def test_status_values_tolerate_case_and_spaces(tmp_path):
    a = assigned(tmp_path / "a.csv", [person(0, status=" Assigned "), person(1, status="REVIEW", unit=None)])
    rep = acceptance_report([a], as_of=date(2025, 7, 1))
    assert (rep.totals.assigned, rep.totals.review, rep.totals.unknown) == (1, 1, 0)


# ---------------------------------------------------------------------------------------------
# roster
# ---------------------------------------------------------------------------------------------

def test_roster_names_missing_and_unexpected_people(tmp_path):
    a = assigned(tmp_path / "a.xlsx", people(0, 5) + [person(7, status="review", unit=None)])
    roster = roster_csv(tmp_path / "roster.csv", [(pid(n), f"人员{n}", ENT_A) for n in range(6)]
                        + [(pid(1).lower()[:-1] + "Ｘ" if pid(1).endswith("X") else pid(1), "人员1", ENT_A),
                           ("", "无号人", ENT_A)])
    rep = acceptance_report([a], roster=roster, as_of=date(2025, 7, 1))
    missing = {(p.id_number, p.reason) for p in rep.missing_people}
    assert missing == {(pid(5), "not-listed"), (None, "no-id")}
    assert [(p.id_number, p.name, p.status, p.reason) for p in rep.unexpected_people] == [
        (pid(7), "人员7", "review", "not-in-roster")]
    t = rep.totals
    assert (t.target, t.missing, t.unexpected) == (7, 2, 1)


def test_roster_ids_are_normalised(tmp_path):
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in pid(3))
    roster = roster_csv(tmp_path / "r.csv", [(f" {full_width} ", "人员3", ENT_A)])
    a = assigned(tmp_path / "a.xlsx", [person(3)])
    rep = acceptance_report([a], roster=roster, as_of=date(2025, 7, 1))
    assert rep.missing_people == [] and rep.unexpected_people == []


def test_assigned_ids_are_normalised_too(tmp_path):
    x = next(n for n in range(1000) if pid(n).endswith("X"))
    legacy = "321002550101001"  # 15 digits; the roster has its 18-digit form
    from retiree_tools.acceptance.inputs import normalise_id_text

    a = assigned(tmp_path / "a.csv", [person(0, id_number=pid(x).lower()), person(1, id_number=pid(x)),
                                      person(2, id_number=legacy)])
    roster = roster_csv(tmp_path / "r.csv", [(pid(x), "甲", ENT_A), (normalise_id_text(legacy), "乙", ENT_A)])
    rep = acceptance_report([a], roster=roster, as_of=date(2025, 7, 1))
    assert rep.missing_people == [] and rep.unexpected_people == []
    assert [d.id_number for d in rep.duplicates] == [pid(x)]


def test_roster_with_a_title_row_and_legacy_ids(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["扬州市红旗机械厂 退休人员名册"])
    ws.append(["序号", "公民身份号码", "姓名", "单位"])
    legacy = "321002550101001"  # 15 digits: 1955-01-01, upgraded to 18
    ws.append([1, legacy, "老号", ENT_A])
    wb.save(tmp_path / "r.xlsx")
    from retiree_tools.acceptance.inputs import normalise_id_text

    upgraded = normalise_id_text(legacy)
    assert upgraded is not None and len(upgraded) == 18
    a = assigned(tmp_path / "a.xlsx", [person(0, id_number=upgraded)])
    rep = acceptance_report([a], roster=tmp_path / "r.xlsx", as_of=date(2025, 7, 1))
    assert rep.missing_people == [] and rep.unexpected_people == []


# ---------------------------------------------------------------------------------------------
# the targets file
# ---------------------------------------------------------------------------------------------

def test_targets_gbk_csv_with_chinese_headers_and_values(tmp_path):
    t = targets_csv(tmp_path / "t.csv", [["企业", ENT_A, "", "10", "2025年6月30日", "95%"],
                                          ["区县", "321002", "广陵区", "８", "2025.12", "1"]],
                    header=["类型", "代码", "名称", "目标", "期限", "达标率"], encoding="gbk")
    got = read_targets(t)
    assert [(x.scope, x.key, x.target, x.deadline, x.min_rate) for x in got] == [
        ("enterprise", ENT_A, 10, date(2025, 6, 30), 0.95),
        ("unit", "321002", 8, date(2025, 12, 31), 1.0)]


def test_targets_xlsx_with_title_row_and_real_dates(tmp_path):
    import datetime as dt

    t = targets_xlsx(tmp_path / "t.xlsx", [["企业", CODE_A, ENT_A, 294, dt.datetime(2026, 10, 31), 1],
                                           ["接收单位", "321002", "广陵区", 168.0, "2026-12-31", "98%"]],
                     title="2026 年移交验收目标")
    got = read_targets(t)
    assert [(x.scope, x.key, x.name, x.target, x.deadline, x.min_rate, x.line) for x in got] == [
        ("enterprise", CODE_A, ENT_A, 294, date(2026, 10, 31), 1.0, 3),
        ("unit", "321002", "广陵区", 168, date(2026, 12, 31), 0.98, 4)]


@pytest.mark.parametrize(("bad", "needle"), [
    (["省", ENT_A, "", 10, "2025-06-30", ""], "未知范围"),
    (["enterprise", ENT_A, "", "十个", "2025-06-30", ""], "目标人数"),
    (["enterprise", ENT_A, "", -3, "2025-06-30", ""], "目标人数"),
    (["enterprise", ENT_A, "", 10, "2025-13-45", ""], "截止日期"),
    (["enterprise", ENT_A, "", 10, "下个月", ""], "截止日期"),
    (["enterprise", ENT_A, "", 10, "2025-06-30", "95"], "最低比例"),
    (["enterprise", ENT_A, "", 10, "2025-06-30", "120%"], "最低比例"),
    (["enterprise", ENT_A.join("  "), "", 10, "2025-06-30", ""], "重复"),
])
def test_invalid_targets_are_refused_with_one_line(tmp_path, bad, needle):
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 10, "2025-06-30", ""], bad])
    with pytest.raises(InputError) as err:
        read_targets(t)
    assert err.value.code == "targets-invalid"
    msg = err.value.message("zh")
    assert needle in msg and "第 3 行" in msg and "\n" not in msg


def test_targets_without_the_needed_columns_are_refused(tmp_path):
    t = targets_csv(tmp_path / "t.csv", [["a", "b"]], header=["foo", "bar"])
    with pytest.raises(InputError) as err:
        read_targets(t)
    assert err.value.code == "targets-invalid"


def test_two_targets_for_the_same_group_are_refused(tmp_path):
    a = assigned(tmp_path / "a.xlsx", people(0, 2, credit_code=CODE_A))
    t = targets_csv(tmp_path / "t.csv", [["enterprise", CODE_A, "", 2, "", ""], ["enterprise", ENT_A, "", 2, "", ""]])
    with pytest.raises(InputError) as err:
        acceptance_report([a], targets=t, as_of=date(2025, 7, 1))
    assert err.value.code == "targets-invalid" and err.value.path == str(t)


@pytest.mark.parametrize(("text", "value"), [("1", 1.0), ("1.0", 1.0), ("100%", 1.0), ("95%", 0.95),
                                              ("0.95", 0.95), ("９５％", 0.95), ("95", None), ("0", None),
                                              ("abc", None), ("-5%", None)])
def test_parse_rate(text, value):
    assert parse_rate(text) == value


def test_build_report_on_a_frame_equals_reading_the_file(tmp_path):
    rows = people(0, 3) + [person(3, status="review", unit=None)]
    a = assigned(tmp_path / "a.csv", rows)
    from_file = acceptance_report([a], as_of=date(2025, 7, 1))
    from_frame = build_report(pd.DataFrame(rows), None, None, date(2025, 7, 1))
    assert from_file.to_dict() == from_frame.to_dict()
