"""The installed command: exit codes, JSON equal to the library's result, masking, annotated copy,
template, policy errors — run as a real subprocess like a scheduled script would."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from retiree_tools.policy import load_policy
from retiree_tools.validate.run import Options, validate_paths

from support.cli import EXE, run
from support.factory import person, write_csv, write_openpyxl


@pytest.fixture()
def clean(tmp_path):
    return write_openpyxl(tmp_path / "clean.xlsx", [person(1), person(2)])


@pytest.fixture()
def dirty(tmp_path):
    return write_openpyxl(tmp_path / "dirty.xlsx", [person(1), person(2, 性别="女"), person(3, 联系电话="123")])


def test_exit_codes(clean, dirty, tmp_path):
    assert run("validate", clean).returncode == 0
    assert run("validate", dirty).returncode == 1
    bad = tmp_path / "bad.xlsx"
    bad.write_text("just text")
    r = run("validate", bad)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    warn = write_openpyxl(tmp_path / "warn.xlsx", [person(1, 退休时间="2010.03")])
    assert run("validate", warn).returncode == 0
    assert run("validate", warn, "--strict").returncode == 1
    assert run("validate", tmp_path / "missing.xlsx").returncode == 2
    assert run("validate", clean, "--sheet", "nope").returncode == 2
    assert run("validate", clean, "--format", "yaml").returncode == 2


def test_json_equals_library_and_is_masked(dirty):
    r = run("validate", dirty, "--format", "json", "--quiet")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    lib = validate_paths([dirty], load_policy(), Options()).to_dict()
    assert doc == json.loads(json.dumps(lib, ensure_ascii=False))
    f = doc["files"][0]
    assert f["header_row"] == 3 and f["sheet"] == "移交名单"
    assert set(f["summary"]) == {"errors", "warnings", "infos", "people", "people_with_errors"}
    assert {x["code"] for x in f["findings"]} == {"gender-mismatch", "phone-invalid"}
    assert "123" not in json.dumps([x["value"] for x in f["findings"] if x["code"] == "phone-invalid"])


def test_terminal_output_masks_pii_unless_asked(tmp_path):
    ident = person(1)[3]
    path = write_openpyxl(tmp_path / "x.xlsx", [person(1), person(2, 身份证号码=ident), person(3, 联系电话="1381234567")])
    r = run("validate", path, "--verbose")
    assert ident not in r.stderr and ident not in r.stdout
    assert "1381234567" not in r.stderr
    assert ident[:6] in r.stderr  # the masked form is there
    r = run("validate", path, "--show-pii", "--verbose")
    assert ident in r.stderr


def test_english_messages(dirty):
    r = run("validate", dirty, "--lang", "en", "--format", "json", "-q")
    msgs = [x["message"] for x in json.loads(r.stdout)["files"][0]["findings"]]
    assert any("disagrees with the ID" in m for m in msgs)
    r = run("validate", dirty, "--lang", "en")
    assert "FAILED" in r.stderr


def test_annotated_copy(dirty, tmp_path):
    import openpyxl

    before = hashlib.sha256(dirty.read_bytes()).hexdigest()
    out = tmp_path / "out" / "annotated.xlsx"
    r = run("validate", dirty, "--annotate", out)
    assert r.returncode == 1, r.stderr
    assert hashlib.sha256(dirty.read_bytes()).hexdigest() == before
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "问题清单"
    listing = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    assert {(row[0], row[1], row[4]) for row in listing} == {(5, "C", "gender-mismatch"), (6, "O", "phone-invalid")}
    ws = wb["移交名单"]
    assert ws["C5"].comment is not None and "gender-mismatch" in ws["C5"].comment.text
    assert ws["C5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["C4"].comment is None
    first = hashlib.sha256(out.read_bytes()).hexdigest()
    run("validate", dirty, "--annotate", out)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == first  # byte-identical re-run


def test_annotate_csv_input_and_refuse_overwrite(tmp_path):
    import openpyxl

    src = write_csv(tmp_path / "in.csv", [person(1, 性别="女")], "gbk")
    out = tmp_path / "in.annotated.xlsx"
    assert run("validate", src, "--annotate", out).returncode == 1
    wb = openpyxl.load_workbook(out)
    assert wb[wb.sheetnames[1]]["C4"].comment is not None
    r = run("validate", src, "--annotate", src)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert src.read_bytes().decode("gbk").startswith("移交")


def test_enterprise_option_and_unknown(tmp_path):
    path = write_openpyxl(tmp_path / "t.xlsx", [person(1)], title_rows=False)
    doc = json.loads(run("validate", path, "--format", "json", "-q").stdout)
    assert [x["code"] for x in doc["files"][0]["findings"]] == ["enterprise-unknown"]
    doc = json.loads(run("validate", path, "--format", "json", "-q", "--enterprise", "甲厂").stdout)
    assert doc["files"][0]["enterprise"] == "甲厂" and doc["files"][0]["findings"] == []


def test_directory_input_and_cross_file_duplicate(tmp_path):
    d = tmp_path / "batch"
    d.mkdir()
    write_openpyxl(d / "a.xlsx", [person(1)])
    write_csv(d / "b.csv", [person(1)], "gbk")
    (d / "~$a.xlsx").write_bytes(b"lock")
    doc = json.loads(run("validate", d, "--format", "json", "-q").stdout)  # a directory: its workbooks
    assert [Path(f["path"]).name for f in doc["files"]] == ["a.xlsx"]
    assert [(Path(s["path"]).name, s["reason"]) for s in doc["skipped"]] == [("b.csv", "text-file")]
    doc = json.loads(run("validate", d, d / "b.csv", "--format", "json", "-q").stdout)  # a CSV when named
    assert [Path(f["path"]).name for f in doc["files"]] == ["a.xlsx", "b.csv"] and doc["skipped"] == []
    assert [x["code"] for x in doc["files"][1]["findings"]] == ["id-duplicate"]


def test_policy_override_and_errors(tmp_path, clean):
    pol = tmp_path / "local.toml"
    pol.write_text('[fields.phone]\nheader = "联系电话"\naliases = ["手机"]\nkind = "phone"\npii = "phone"\n'
                   '[required]\nvalues = ["name", "phone"]\n', encoding="utf-8")
    path = write_openpyxl(tmp_path / "p.xlsx", [person(1, 联系电话=None)])
    assert run("validate", path).returncode == 0  # phone only recommended by default
    doc = json.loads(run("validate", path, "--policy", pol, "--format", "json", "-q").stdout)
    assert [(x["code"], x["severity"]) for x in doc["files"][0]["findings"]] == [("missing-value", "error")]
    bad = tmp_path / "bad.toml"
    bad.write_text("[thresholds]\nmax_age_years = 'x'\n", encoding="utf-8")
    r = run("validate", clean, "--policy", bad)
    assert r.returncode == 2 and "thresholds.max_age_years" in r.stderr
    bad.write_text('[required]\nvalues = ["nosuchfield"]\n', encoding="utf-8")
    r = run("validate", clean, "--policy", bad)
    assert r.returncode == 2 and "nosuchfield" in r.stderr
    bad.write_text("not toml [", encoding="utf-8")
    assert run("validate", clean, "--policy", bad).returncode == 2


def test_template_roundtrip(tmp_path):
    import openpyxl

    out = tmp_path / "tpl.xlsx"
    r = run("template", "-o", out)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    headers = [c.value for c in ws[3]]
    assert "身份证号码" in headers and "人员类别" in headers
    id_col = headers.index("身份证号码") + 1
    assert ws.cell(4, id_col).number_format == "@"
    assert len(ws.data_validations.dataValidation) >= 5
    # a filled template validates
    ws.cell(4, headers.index("姓名") + 1, "张三")
    for j, h in enumerate(headers, start=1):
        value = dict(zip(["性别", "身份证号码", "出生年月", "退休时间", "人员类别", "长期居住地"],
                         ["男", person(1)[3], "1955.03", "2015.03", "企业退休人员", "扬州市广陵区"], strict=True)).get(h)
        if h in ("个人情况登记表", "服务协议书", "身份证户口本复印件", "移交协议书", "人事档案", "存折复印件"):
            value = "有"
        if value:
            ws.cell(4, j, value)
    wb.save(out)
    doc = json.loads(run("validate", out, "--format", "json", "-q", "--enterprise", "甲").stdout)
    assert doc["files"][0]["summary"]["errors"] == 0, doc


def test_log_output_is_laid_out_wide_without_a_terminal(dirty):
    """Piped to a log (no terminal, no COLUMNS) a finding's message stays on one line instead
    of being folded into rich's default 80 columns."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "RETIREE_TOOLS_DEBUG")}
    r = subprocess.run([*EXE, "validate", str(dirty), "--verbose"], capture_output=True, text=True, env=env, timeout=120)
    lines = r.stderr.splitlines()
    assert max(map(len, lines)) > 80
    assert any("与身份证号码（男）不一致" in line for line in lines)  # the whole message on one line
    narrow = subprocess.run([*EXE, "validate", str(dirty), "--verbose"], capture_output=True, text=True, env={**env, "COLUMNS": "80"}, timeout=120)
    assert max(map(len, narrow.stderr.splitlines())) <= 80


def test_closed_stdout_pipe_ends_quietly(dirty):
    """`validate … --format json | head`: when the reader of stdout goes away the command stops
    with 141 (as a tool stopped by SIGPIPE), without an "internal error" or a traceback."""
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("RETIREE_TOOLS_DEBUG", None)
    p = subprocess.Popen([*EXE, "validate", str(dirty), "--format", "json"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    p.stdout.close()  # nobody reads
    _, err = p.communicate(timeout=120)
    assert p.returncode == 141
    assert b"internal error" not in err and b"Traceback" not in err


def test_columns_report_and_override_from_the_command(tmp_path):
    """The JSON says how each column was read; --columns overrides a column for the run (and
    refuses an unknown field with exit 2); the terminal shows 列识别 when a column was guessed."""
    import openpyxl

    from support.factory import FILLER, HEADERS, TITLE

    wb = openpyxl.Workbook()
    ws = wb.active
    heads = ["本人手机" if h == "联系电话" else "时间" if h == "参加工作时间" else h for h in HEADERS]
    for line in [[TITLE], [FILLER], heads, *[person(i) for i in range(1, 5)]]:
        ws.append(line)
    path = tmp_path / "guess.xlsx"
    wb.save(path)
    r = run("validate", path, "--format", "json")
    cols = {c["header"]: c for c in json.loads(r.stdout)["files"][0]["columns"]}
    assert cols["本人手机"]["field"] == "phone" and cols["本人手机"]["how"] == "lexicon"
    assert cols["时间"]["field"] == "work_start" and cols["时间"]["how"] == "content"  # the age at the date: ~18
    assert cols["姓名"]["how"] == "exact"
    assert "列识别" in r.stderr and "column-guessed" in r.stdout
    r = run("validate", path, "--format", "json", "--columns", "时间=参加工作时间,本人手机=phone")
    cols = {c["header"]: c for c in json.loads(r.stdout)["files"][0]["columns"]}
    assert cols["时间"]["how"] == cols["本人手机"]["how"] == "override"
    assert "column-guessed" not in r.stdout
    bad = run("validate", path, "--columns", "时间=nosuchfield", "--lang", "en")
    assert bad.returncode == 2 and "unknown field 'nosuchfield'" in bad.stderr
