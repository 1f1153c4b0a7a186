"""acceptance-report, the installed command run as a subprocess: exit codes, JSON equal to the
library's result, masking, refused outputs, and the JSON, xlsx and HTML agreeing on the totals."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from retiree_tools.acceptance.report import acceptance_report

from support.acceptance_data import (
    ENT_A,
    ENT_B,
    assigned,
    people,
    person,
    pid,
    roster_csv,
    targets_csv,
)

EXE = [sys.executable, "-m", "retiree_tools", "acceptance-report"]
AS_OF = "2025-07-15"


def run(*args: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("RETIREE_TOOLS_DEBUG", None)
    return subprocess.run([*EXE, *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture()
def batch(tmp_path):
    """Two enterprises' assigned files (xlsx and csv), targets, and a roster with one person
    missing and one unexpected: not every target met."""
    tmp_path = tmp_path / "batch"
    tmp_path.mkdir()
    a = assigned(tmp_path / "a.xlsx", people(0, 8) + people(8, 1, status="excluded", unit=None)
                 + [person(9, status="review", unit=None)])
    b = assigned(tmp_path / "b.csv", people(20, 4, enterprise=ENT_B, unit="321003001000", file="b.csv"))
    t = targets_csv(tmp_path / "targets.csv", [["enterprise", ENT_A, "", 10, "2025-06-30", ""],
                                                ["enterprise", ENT_B, "", 4, "2025-12-31", ""],
                                                ["unit", "321003", "", 5, "2025-12-31", "80%"]])
    r = roster_csv(tmp_path / "roster.csv", [(pid(n), f"人员{n}", ENT_A) for n in range(10)]
                   + [(pid(n), f"人员{n}", ENT_B) for n in range(20, 23)] + [(pid(99), "人员99", ENT_B)])
    return {"a": a, "b": b, "targets": t, "roster": r, "dir": tmp_path}


@pytest.fixture()
def met_batch(tmp_path):
    tmp_path = tmp_path / "met"
    tmp_path.mkdir()
    a = assigned(tmp_path / "a.xlsx", people(0, 5))
    t = targets_csv(tmp_path / "targets.csv", [["enterprise", ENT_A, "", 5, "2025-06-30", ""]])
    return a, t


def test_exit_codes(batch, met_batch, tmp_path):
    a, t = met_batch
    ok = run(a, "--targets", t, "--as-of", AS_OF)
    assert ok.returncode == 0, ok.stderr
    assert run(batch["a"], batch["b"], "--targets", batch["targets"], "--as-of", AS_OF).returncode == 1
    # on track before the deadline: exit 0
    early = run(a, "--targets", targets_csv(tmp_path / "t2.csv", [["enterprise", ENT_A, "", 8, "2025-06-30", ""]]),
                "--as-of", "2025-06-01")
    assert early.returncode == 0
    late = run(a, "--targets", tmp_path / "t2.csv", "--as-of", "2025-07-01")
    assert late.returncode == 1


@pytest.mark.parametrize("args", [
    ("--as-of", "someday"),
    ("--min-rate", "95"),
    ("-o", "report.pdf"),
    ("--targets", "nonexistent.csv"),
    ("--roster", "nonexistent.csv"),
    ("--format", "yaml"),
])
def test_usage_errors_exit_2_with_one_line(met_batch, args):
    a, _ = met_batch
    r = run(a, *args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr


def test_invalid_targets_exit_2_with_one_line_reason(met_batch, tmp_path):
    a, _ = met_batch
    bad = targets_csv(tmp_path / "bad.csv", [["enterprise", ENT_A, "", 5, "2025-06-30", ""],
                                              ["enterprise", ENT_A, "", 7, "2025-06-30", ""]])
    r = run(a, "--targets", bad)
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "第 3 行" in lines[0] and "重复" in lines[0] and "bad.csv" in lines[0]
    r_en = run(a, "--targets", bad, "--lang", "en")
    assert r_en.returncode == 2 and "line 3" in r_en.stderr


def test_not_an_assigned_file_exits_2(tmp_path):
    other = targets_csv(tmp_path / "x.csv", [["enterprise", ENT_A, "", 5, "", ""]])
    assert run(other).returncode == 2


def test_json_equals_library_and_ids_are_masked(batch):
    args = [batch["a"], batch["b"], "--targets", batch["targets"], "--roster", batch["roster"], "--as-of", AS_OF]
    r = run(*args, "--format", "json", "--quiet")
    assert r.returncode == 1
    assert r.stderr == ""
    doc = json.loads(r.stdout)
    lib = acceptance_report([batch["a"], batch["b"]], targets=batch["targets"], roster=batch["roster"],
                            as_of=date(2025, 7, 15))
    assert doc == json.loads(json.dumps(lib.to_dict(), ensure_ascii=False))
    assert set(doc) >= {"as_of", "rows", "totals", "missing_people", "unexpected_people", "met", "duplicates", "breaks"}
    assert set(doc["rows"][0]) >= {"scope", "key", "name", "target", "listed", "assigned", "excluded", "review",
                                   "rejected", "missing", "rate", "deadline", "status"}
    assert doc["met"] is False and doc["as_of"] == AS_OF
    assert [p["name"] for p in doc["missing_people"]] == ["人员99"]
    assert [p["name"] for p in doc["unexpected_people"]] == ["人员23"]
    assert pid(99) not in r.stdout and pid(23) not in r.stdout
    assert doc["missing_people"][0]["id_number"] == pid(99)[:6] + "********" + pid(99)[-4:]
    shown = run(*args, "--format", "json", "--quiet", "--show-pii")
    assert pid(99) in shown.stdout and pid(23) in shown.stdout
    assert json.loads(shown.stdout) == json.loads(json.dumps(lib.to_dict(show_pii=True), ensure_ascii=False))


def test_terminal_table_is_masked_and_worst_first(batch):
    r = run(batch["a"], batch["b"], "--targets", batch["targets"], "--roster", batch["roster"], "--as-of", AS_OF,
            "--verbose")
    assert r.stdout == ""
    assert pid(99) not in r.stderr and pid(99)[-4:] in r.stderr
    assert "移交企业" in r.stderr and "逾期未完成" in r.stderr
    ent = r.stderr[r.stderr.index("移交企业"):r.stderr.index("区县")]
    assert ent.index("逾期未完成") < ent.index("已达标")
    en = run(batch["a"], batch["b"], "--targets", batch["targets"], "--as-of", AS_OF, "--lang", "en")
    assert "Enterprise" in en.stderr and "overdue" in en.stderr


def test_terminal_summary_counts_people_and_hides_settled_units(batch):
    """By default the people lists are one line of counts (no ID number at all, masked or
    not) and only the receiving units not met or on track are listed; --verbose lists them."""
    args = (batch["a"], batch["b"], "--targets", batch["targets"], "--roster", batch["roster"], "--as-of", AS_OF)
    short, full = run(*args), run(*args, "--verbose")
    assert short.returncode == full.returncode == 1
    assert pid(99)[-4:] not in short.stderr and pid(99)[-4:] in full.stderr
    assert "名册中有、名单中没有的人员 1" in short.stderr
    assert "--verbose" in short.stderr
    assert len(short.stderr.splitlines()) < len(full.stderr.splitlines())


def test_directory_of_assigned_files(batch):
    d = batch["dir"] / "assigned"
    d.mkdir()
    batch["a"].rename(d / "a.xlsx")
    batch["b"].rename(d / "b.csv")
    r = run(d, "--format", "json", "--quiet", "--as-of", AS_OF)
    assert json.loads(r.stdout)["totals"]["listed"] == 14


def test_output_that_is_an_input_is_refused(met_batch):
    a, t = met_batch
    before = a.read_bytes()
    r = run(a, "--targets", t, "-o", a)
    assert r.returncode == 2 and a.read_bytes() == before
    r = run(a, "--targets", t, "-o", a.parent / "targets.html", "-o", t)
    assert r.returncode == 2 and not (a.parent / "targets.html").exists()


def _xlsx_summary(path: Path) -> dict[str, object]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    ws = wb.worksheets[0]
    return {r[2]: r[1] for r in ws.iter_rows(min_row=2, values_only=True) if r[2]}


def _html_totals(text: str) -> dict[str, str]:
    return dict(re.findall(r'<td class="num" data-field="(\w+)">([^<]*)</td>', text))


def test_json_xlsx_and_html_agree_on_the_totals(batch):
    out = batch["dir"] / "out"
    args = [batch["a"], batch["b"], "--targets", batch["targets"], "--roster", batch["roster"], "--as-of", AS_OF]
    r = run(*args, "--format", "json", "-o", out / "report.xlsx", "-o", out / "report.html")
    assert r.returncode == 1, r.stderr
    totals = json.loads(r.stdout)["totals"]
    xlsx = _xlsx_summary(out / "report.xlsx")
    html = (out / "report.html").read_text(encoding="utf-8")
    in_html = _html_totals(html)
    fields = ("listed", "assigned", "excluded", "review", "rejected", "unknown", "duplicates", "people",
              "target", "missing", "unexpected")
    for f in fields:
        assert xlsx[f] == totals[f], f
        assert in_html[f] == str(totals[f]), f
    assert abs(xlsx["rate"] - totals["rate"]) < 1e-9
    assert in_html["rate"] == f"{totals['rate'] * 100:.1f}%"
    assert (totals["listed"], totals["assigned"], totals["excluded"], totals["review"]) == (14, 12, 1, 1)
    # the files are for the office: full ID numbers
    assert pid(99) in html
    from openpyxl import load_workbook

    wb = load_workbook(out / "report.xlsx", read_only=True)
    assert [ws.title for ws in wb.worksheets][:4] == ["汇总", "移交企业", "区县", "接收单位"]
    cells = {c for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for c in r}
    assert pid(99) in cells and pid(23) in cells
    for name in ("report.xlsx", "report.html"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600


def test_xlsx_is_deterministic(batch):
    out = batch["dir"]
    args = [batch["a"], batch["b"], "--targets", batch["targets"], "--as-of", AS_OF, "-q"]
    run(*args, "-o", out / "one.xlsx")
    run(*args, "-o", out / "two.xlsx")
    assert (out / "one.xlsx").read_bytes() == (out / "two.xlsx").read_bytes()


def test_html_is_self_contained(batch):
    out = batch["dir"] / "r.html"
    run(batch["a"], batch["b"], "--targets", batch["targets"], "--as-of", AS_OF, "-q", "-o", out)
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html and "<style>" in html
    assert "<script" not in html.lower()
    assert not re.search(r"(?:https?:)?//[\w.-]+\.\w", html)
    assert not re.search(r"""(?:src|href)\s*=""", html)
    assert "<rect" in html and "stroke-dasharray" in html  # bars and threshold lines


def test_policy_acceptance_min_rate_is_the_default(tmp_path):
    """The policy's [acceptance] min_rate applies where neither the target row nor --min-rate
    gives one."""
    import json as _json

    from retiree_tools.assign.writer import write_assigned

    rows = [{"file": "a.xlsx", "row": i, "enterprise": "甲厂", "credit_code": None, "id_number": f"1101051949123100{i:02d}",
             "name": f"人{i}", "status": "assigned" if i < 9 else "review", "county_code": "321002", "unit_code": "321002001"}
            for i in range(10)]
    import pandas as pd

    assigned = write_assigned(pd.DataFrame(rows), tmp_path / "a.csv")
    targets = tmp_path / "t.csv"
    targets.write_text("scope,key,target,deadline\nenterprise,甲厂,10,2026-12-31\n", encoding="utf-8")
    pol = tmp_path / "p.toml"
    pol.write_text("[acceptance]\nmin_rate = 0.8\n", encoding="utf-8")
    from support.cli import run

    strict = _json.loads(run("acceptance-report", assigned, "--targets", targets, "--as-of", "2027-01-05",
                             "--format", "json", "-q").stdout)
    lenient = _json.loads(run("acceptance-report", assigned, "--targets", targets, "--as-of", "2027-01-05",
                              "--format", "json", "-q", "--policy", pol).stdout)
    status = {r["scope"]: r["status"] for r in strict["rows"] if r["key"] == "甲厂"}
    assert status["enterprise"] == "overdue"
    status = {r["scope"]: r["status"] for r in lenient["rows"] if r["key"] == "甲厂"}
    assert status["enterprise"] == "met"
