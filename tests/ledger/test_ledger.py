"""The campaign ledger end to end, through the installed command, on a real SQLite file and a real
PostgreSQL server (the ``ledger_db`` fixture runs each case on both): init, submit (new,
unchanged, superseding), campaign-wide duplicates, handover, status, acceptance-report --db
(the same report as from the assigned file), render-forms --db (the same forms), export,
history, and the refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.cli import run
from support.factory import make_id
from support.paths import SAMPLES

CATALOG = SAMPLES / "catalog.csv"
TARGETS = SAMPLES / "targets.csv"
A = SAMPLES / "enterprise_a.xlsx"
B = SAMPLES / "enterprise_b.csv"
AS_OF = "2026-11-23"


def ok(*args, code: int = 0):
    r = run(*args)
    assert r.returncode == code, r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    return r


def doc(*args, code: int = 0) -> dict:
    return json.loads(ok(*args, "--format", "json", code=code).stdout)


def init(db: str, *more) -> dict:
    return doc("ledger", "init", "--catalog", CATALOG, "--targets", TARGETS, "--db", db, *more)


def changed_b(tmp_path: Path) -> Path:
    """enterprise_b.csv resubmitted: first person's phone changed, the second removed, one added
    (a copy of the third under a new name and ID)."""
    lines = B.read_bytes().decode("gb18030").splitlines()
    head, people = lines[0], lines[1:]
    cols = head.split(",")
    phone, name, ident = cols.index("联系电话"), cols.index("姓名"), cols.index("身份证号码")
    first = people[0].split(",")
    first[phone] = "13900001111"
    extra = people[2].split(",")
    extra[name] = "王新增"
    extra[ident] = make_id(extra[ident][:6], extra[ident][6:14], 777, int(extra[ident][16]) % 2 == 1)
    out = tmp_path / "enterprise_b_v2.csv"
    out.write_bytes("\n".join([head, ",".join(first), *people[2:], ",".join(extra)]).encode("gb18030") + b"\n")
    return out


@pytest.fixture
def submitted(ledger_db) -> str:
    """A ledger with both sample enterprises submitted."""
    init(ledger_db)
    ok("submit", A, B, "--db", ledger_db, code=1)
    return ledger_db


def test_init_submit_unchanged_and_history(ledger_db):
    first = init(ledger_db)
    assert first["created"] is True and [d["changed"] for d in first["documents"]] == [True, True]
    assert first["documents"][0]["summary"] == {"units": 114}
    again = init(ledger_db)
    assert again["created"] is False and not any(d["changed"] for d in again["documents"])

    d = doc("submit", A, B, "--db", ledger_db, code=1)  # review/rejected people and a duplicate: exit 1
    subs = {s["file"]: s for s in d["submissions"]}
    assert set(subs) == {"enterprise_a.xlsx", "enterprise_b.csv"}
    assert subs["enterprise_a.xlsx"]["people"] == 300 and subs["enterprise_a.xlsx"]["unchanged"] is False
    assert subs["enterprise_b.csv"]["changes"] == {"added": 120, "removed": 0, "changed": 0}
    assert len(subs["enterprise_a.xlsx"]["sha256"]) == 64
    # 张雷 is listed by both enterprises: one duplicate, reported for both, ID masked
    assert len(d["duplicates"]) == 1
    dup = d["duplicates"][0]
    assert sorted(dup["enterprises"]) == ["扬州市光明纺织厂", "扬州市红旗机械厂"] and "*" in dup["id_number"]
    assert subs["enterprise_a.xlsx"]["duplicates"] == 1 and subs["enterprise_b.csv"]["duplicates"] == 1

    again = doc("submit", A, "--db", ledger_db, code=1)
    assert [s["unchanged"] for s in again["submissions"]] == [True]
    assert again["submissions"][0]["submission_id"] == subs["enterprise_a.xlsx"]["submission_id"]
    assert len(again["duplicates"]) == 1  # still a duplicate, still said

    hist = doc("ledger", "history", "--db", ledger_db)["events"]
    actions = [e["action"] for e in hist]
    assert actions == ["init", "catalog", "targets", "submit", "submit"]  # the unchanged submit wrote nothing
    assert all(e["user"] and e["at"].endswith("Z") for e in hist)
    assert hist[3]["sha256"] == subs["enterprise_a.xlsx"]["sha256"] and hist[3]["detail"]["people"] == 300


def test_resubmission_supersedes_and_keeps_handovers(submitted, tmp_path):
    db = submitted
    h = doc("handover", "--enterprise", "扬州市光明纺织厂", "--date", "2026-11-20", "--db", db)
    assert h["handed_over"] == 117 and h["already"] == 0
    # the same handover again marks nobody
    assert doc("handover", "--enterprise", "91321003852546038C", "--date", "2026-11-21", "--db", db)["handed_over"] == 0

    d = doc("submit", changed_b(tmp_path), "--db", db, code=1)
    s = d["submissions"][0]
    assert s["unchanged"] is False and len(s["supersedes"]) == 1
    # changed: the new phone, and 张雷 — rejected as a duplicate ID while A and B were validated in one
    # call, assigned now that B comes alone (the ledger, not validate, says he is also in A)
    assert s["changes"] == {"added": 1, "removed": 1, "changed": 2}
    assert [x["enterprises"] for x in d["duplicates"]] == [["扬州市光明纺织厂", "扬州市红旗机械厂"]]

    st = doc("status", "--db", db, code=1)
    b = next(e for e in st["enterprises"] if e["credit_code"] == "91321003852546038C")
    assert [f["file"] for f in b["files"]] == ["enterprise_b_v2.csv"]
    assert b["people"] == 120
    # everyone still assigned to the same unit keeps the handover; the new person is not handed over
    assert b["handed_over"] == b["assigned"] - 2  # less the new person and 张雷 (not assigned when handed over)
    hist = [e["action"] for e in doc("ledger", "history", "--db", db)["events"]]
    assert hist[-3:] == ["handover", "submit", "supersede"]


def test_status_counts_and_enterprises_missing_from_targets(submitted, tmp_path):
    targets = tmp_path / "targets.csv"
    targets.write_text(TARGETS.read_text("utf-8") + "企业,91320000000000000X,扬州市未报送厂,50,2026-12-31,\n", "utf-8")
    st = doc("status", "--db", submitted, "--targets", targets, code=1)
    keys = {"enterprise", "people", "errors", "assigned", "excluded", "review", "rejected", "handed_over", "submitted_at"}
    assert all(keys <= set(e) for e in st["enterprises"])
    t = st["totals"]
    assert t["people"] == 420 and t["people"] == t["assigned"] + t["excluded"] + t["review"] + t["rejected"]
    for k in ("people", "errors", "assigned", "excluded", "review", "rejected", "handed_over"):
        assert t[k] == sum(e[k] for e in st["enterprises"])
    assert [m["name"] for m in st["not_submitted"]] == ["扬州市未报送厂"]
    # the ledger's own targets: every enterprise submitted
    assert doc("status", "--db", submitted, code=1)["not_submitted"] == []


def test_possible_duplicates_are_flagged_for_both_and_kept_current(ledger_db, tmp_path):
    from support.factory import person, write_csv

    doc("ledger", "init", "--catalog", CATALOG, "--db", ledger_db)  # no targets: nobody missing
    first = write_csv(tmp_path / "a.csv", [person(1), person(2)], "utf-8", title_rows=False)
    doc("submit", first, "--enterprise", "扬州市甲厂", "--db", ledger_db)
    # person 11: the same name and birth date as person 1, another ID number
    other = write_csv(tmp_path / "b.csv", [person(11)], "utf-8", title_rows=False)
    d = doc("submit", other, "--enterprise", "扬州市乙厂", "--db", ledger_db, code=1)
    assert [p["enterprises"] for p in d["possible_duplicates"]] == [["扬州市乙厂", "扬州市甲厂"]]
    assert [f["code"] for f in d["findings"]] == ["ledger-possible-duplicate"]
    st = doc("status", "--db", ledger_db, code=1)
    assert {e["enterprise"]: e["possible_duplicates"] for e in st["enterprises"]} == {"扬州市甲厂": 1, "扬州市乙厂": 1}
    # 乙 resubmits without that person: nobody is flagged any more, and status is settled
    fixed = write_csv(tmp_path / "b2.csv", [person(3)], "utf-8", title_rows=False)
    doc("submit", fixed, "--enterprise", "扬州市乙厂", "--db", ledger_db)
    st = doc("status", "--db", ledger_db)
    assert st["totals"]["possible_duplicates"] == 0 and st["exit_code"] == 0


def test_acceptance_and_forms_from_the_ledger_equal_the_files(submitted, tmp_path):
    db = submitted
    assigned = tmp_path / "assigned.xlsx"
    ok("assign", A, B, "--catalog", CATALOG, "-o", assigned, code=1)
    from_files = doc("acceptance-report", assigned, "--targets", TARGETS, "--as-of", AS_OF, code=1)
    from_db = doc("acceptance-report", "--db", db, "--as-of", AS_OF, code=1)  # the ledger's targets
    progress = from_db.pop("progress")
    assert from_db == from_files
    assert progress["handed_over"] == 0 and progress["expected"] == 412
    assert [d["date"] for d in progress["deadlines"]] == ["2026-10-31", "2026-12-31"]
    roster = SAMPLES / "roster.csv"
    with_roster = doc("acceptance-report", "--db", db, "--roster", roster, "--as-of", AS_OF, code=1)
    with_roster.pop("progress")
    assert with_roster == doc("acceptance-report", assigned, "--targets", TARGETS, "--roster", roster,
                              "--as-of", AS_OF, code=1)

    ok("render-forms", assigned, "-o", tmp_path / "forms_files", "-q")
    ok("render-forms", "--db", db, "-o", tmp_path / "forms_db", "-q")
    a = {p.relative_to(tmp_path / "forms_files"): p.read_bytes() for p in (tmp_path / "forms_files").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "forms_db"): p.read_bytes() for p in (tmp_path / "forms_db").rglob("*") if p.is_file()}
    assert len(a) > 100 and a == b


def test_progress_by_week_in_json_and_html(submitted, tmp_path):
    db = submitted
    ok("handover", "--enterprise", "扬州市红旗机械厂", "--unit", "321002", "--date", "2026-11-10", "--db", db)
    ok("handover", "--enterprise", "扬州市光明纺织厂", "--date", "2026-11-18", "--db", db)
    html = tmp_path / "acceptance.html"
    d = doc("acceptance-report", "--db", db, "--as-of", AS_OF, "-o", html, code=1)
    weeks = d["progress"]["weeks"]
    assert [w["week"] for w in weeks] == ["2026-11-09", "2026-11-16"]
    assert weeks[0]["handed_over"] > 0 and weeks[1]["cumulative"] == d["progress"]["handed_over"]
    st = doc("status", "--db", db, code=1)
    assert st["totals"]["handed_over"] == d["progress"]["handed_over"]
    page = html.read_text("utf-8")
    assert 'class="progress"' in page and "2026-11-16" in page and "2026-12-31" in page


def test_export_unit_ledger(submitted, tmp_path):
    import openpyxl

    out = tmp_path / "ledger.xlsx"
    d = doc("ledger", "export", "-o", out, "--db", submitted)
    from retiree_tools.io.paths import own_output

    assert own_output(out) == "ledger-export"  # a directory scan never reads it as a roster
    wb = openpyxl.load_workbook(out)
    assert len(wb.sheetnames) == len(d["units"]) > 50
    assert sum(u["people"] for u in d["units"]) == d["people"] == 387  # every assigned person, once
    ws = wb[wb.sheetnames[1]]
    assert "管理服务对象基本信息台账" in ws["A1"].value
    assert [c.value for c in ws[2]][:4] == ["序号", "姓名", "性别", "身份证号码"]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$2"
    # wrapped addresses get rows tall enough (LibreOffice does not grow them: text would overprint)
    tall = [r for r in range(3, ws.max_row + 1) if (ws.row_dimensions[r].height or 15) > 15]
    assert tall and all(len(str(ws.cell(r, 9).value or "")) > 8 or len(str(ws.cell(r, 10).value or "")) > 8
                        or len(str(ws.cell(r, 12).value or "")) > 6 for r in tall)
    one = tmp_path / "one.xlsx"
    d1 = doc("ledger", "export", "--unit", "321002001000", "-o", one, "--db", submitted)
    assert [u["unit_code"] for u in d1["units"]] == ["321002001000"]
    assert openpyxl.load_workbook(one).active.max_row == 2 + d1["people"]
    err = doc("ledger", "export", "--unit", "999999", "-o", tmp_path / "x.xlsx", "--db", submitted, code=2)
    assert err["error"]["code"] == "usage" and not (tmp_path / "x.xlsx").exists()


def test_refusals(ledger_db, tmp_path):
    e = doc("submit", A, "--db", ledger_db, code=2)["error"]  # no ledger yet
    assert e["code"] == "ledger-missing"
    assert doc("status", "--db", ledger_db, code=2)["error"]["code"] == "ledger-missing"
    assert doc("ledger", "init", "--db", ledger_db, code=2)["error"]["code"] == "usage"  # a new ledger needs --catalog
    init(ledger_db)
    e = doc("handover", "--enterprise", "没有这个厂", "--date", "2026-11-20", "--db", ledger_db, code=2)["error"]
    assert e["code"] == "usage"
    assert doc("handover", "--enterprise", "x", "--date", "下周", "--db", ledger_db, code=2)["error"]["code"] == "usage"
    assert doc("acceptance-report", "--db", ledger_db, code=2)["error"]["code"] == "usage"  # nothing submitted
    r = run("render-forms", A, "--db", ledger_db, "-o", tmp_path / "f")
    assert r.returncode == 2 and "--db" in r.stderr
    # an unreadable workbook: nothing recorded, exit 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    d = doc("submit", B, bad, "--db", ledger_db, code=2)
    assert d["recorded"] is False and d["error"]["code"] in ("file-unreadable", "file-hostile")
    assert doc("status", "--db", ledger_db, code=1)["enterprises"] == []
    # a roster that names no enterprise is not recorded (it would replace another unnamed one)
    from support.factory import person, write_csv

    anon = write_csv(tmp_path / "anon.csv", [person(1), person(2)], "utf-8", title_rows=False)
    d = doc("submit", anon, "--db", ledger_db, code=1)
    assert d["submissions"] == [] and d["not_recorded"][0]["codes"] == ["enterprise-unknown"]
    d = doc("submit", anon, "--enterprise", "扬州市无名厂", "--db", ledger_db)
    assert [(s["enterprise"], s["people"]) for s in d["submissions"]] == [("扬州市无名厂", 2)]


def test_sqlite_file_is_private_and_foreign_files_are_refused(tmp_path):
    import os
    import sqlite3

    db = tmp_path / "sub" / "ledger.sqlite"
    init(str(db))
    ok("submit", B, "--db", db, code=1)
    for p in [db, *tmp_path.glob("sub/ledger.sqlite-*")]:
        assert oct(os.stat(p).st_mode & 0o777) == "0o600", p
    assert oct(os.stat(db.parent).st_mode & 0o777) == "0o700"
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    assert doc("status", "--db", other, code=2)["error"]["code"] == "ledger-invalid"
    assert doc("status", "--db", A, code=2)["error"]["code"] == "ledger-invalid"  # a workbook is no database
    newer = tmp_path / "newer.sqlite"
    init(str(newer))
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    e = doc("status", "--db", newer, code=2)["error"]
    assert e["code"] == "ledger-invalid" and e["params"]["revision"] == "9999"


def test_pii_masked_on_the_terminal(submitted):
    r = ok("submit", A, "--db", submitted, code=1)
    assert "321012195710118630" not in r.stderr and "张雷" in r.stderr
    r = ok("submit", A, "--db", submitted, "--show-pii", code=1)
    assert "321012195710118630" in r.stderr
