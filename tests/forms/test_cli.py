"""`retiree-tools render-forms` run as a real command: exit codes, JSON = library, no PII shown."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retiree_tools.assign.writer import write_assigned
from retiree_tools.cli.app import app
from retiree_tools.forms.render import render_forms

from support.forms_batch import DATE, batch_frame, write_batch

PII = ("321002195503120137", "13912340001", "张三", "李四", "62170000000000")


def run(*args: str):
    return CliRunner().invoke(app, ["render-forms", *args])


def test_json_equals_library(tmp_path: Path) -> None:
    src = write_batch(tmp_path)
    res = run(str(src), "--out-dir", str(tmp_path / "cli"), "--date", DATE, "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout) == render_forms([src], tmp_path / "lib", date=DATE)
    assert "已写出" in res.stderr
    for value in PII:
        assert value not in res.stdout + res.stderr


def test_subprocess_and_english(tmp_path: Path) -> None:
    src = write_batch(tmp_path, ".csv")
    exe = Path(sys.executable).parent / "retiree-tools"
    proc = subprocess.run([str(exe), "render-forms", str(src), "-o", str(tmp_path / "o"), "--lang", "en",
                           "--forms", "summary,receipt"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "files written to" in proc.stderr and proc.stdout == ""
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert {f["kind"] for f in manifest["files"]} == {"summary", "receipt", "index"}
    assert "Traceback" not in proc.stderr
    for value in PII:
        assert value not in proc.stderr


def test_quiet(tmp_path: Path) -> None:
    res = run(str(write_batch(tmp_path)), "--out-dir", str(tmp_path / "o"), "-q")
    assert res.exit_code == 0 and res.stderr == "" and res.stdout == ""


def test_nobody_assigned_exits_0_with_note(tmp_path: Path) -> None:
    frame = batch_frame()
    frame["status"] = "excluded"
    src = write_assigned(frame, tmp_path / "a.xlsx")
    res = run(str(src), "--out-dir", str(tmp_path / "o"), "--format", "json")
    assert res.exit_code == 0
    assert [f["kind"] for f in json.loads(res.stdout)["files"]] == ["index"]
    assert "没有状态为“移交”" in res.stderr


@pytest.mark.parametrize("args", [
    ["--forms", "summary,bogus"],
    ["--date", "2025年6月"],  # a month: which day?
    ["--date", "30/06/2025"],
    ["--templates", "/nonexistent/templates"],
])
def test_usage_errors(tmp_path: Path, args: list[str]) -> None:
    res = run(str(write_batch(tmp_path)), "--out-dir", str(tmp_path / "o"), *args)
    assert res.exit_code == 2
    assert "Traceback" not in res.stderr and res.stderr.startswith("retiree-tools: ")
    assert not (tmp_path / "o").exists()


def test_non_assigned_input(tmp_path: Path) -> None:
    bad = tmp_path / "roster.csv"
    bad.write_text("姓名,身份证号码\n张三,321002195503120137\n", encoding="utf-8")
    res = run(str(bad), "--out-dir", str(tmp_path / "o"))
    assert res.exit_code == 2 and "status" in res.stderr
    res = run(str(tmp_path / "missing.xlsx"), "--out-dir", str(tmp_path / "o"))
    assert res.exit_code == 2


def test_out_dir_containing_input_refused(tmp_path: Path) -> None:
    src = write_batch(tmp_path)
    for out in (src.parent, src, tmp_path):
        res = run(str(src), "--out-dir", str(out))
        assert res.exit_code == 2, out
        assert "冲突" in res.stderr
    assert src.is_file()
    res = run(str(src.parent), "--out-dir", str(src.parent / "forms"))
    assert res.exit_code == 2


def test_broken_template_names_template_and_line(tmp_path: Path) -> None:
    tdir = tmp_path / "tpl"
    tdir.mkdir()
    (tdir / "registration.html.j2").write_text("<h1>{{ form.title }}</h1>\n\n{% for p in people %\n", encoding="utf-8")
    res = run(str(write_batch(tmp_path)), "--out-dir", str(tmp_path / "o"), "--templates", str(tdir))
    assert res.exit_code == 2
    assert "registration.html.j2" in res.stderr and "第 3 行" in res.stderr
    assert "Traceback" not in res.stderr
    (tdir / "registration.html.j2").write_text("<p>\n{{ people[0].no_such_field }}\n", encoding="utf-8")
    res = run(str(write_batch(tmp_path)), "--out-dir", str(tmp_path / "o"), "--templates", str(tdir), "--lang", "en")
    assert res.exit_code == 2
    assert "registration.html.j2" in res.stderr and "line 2" in res.stderr and "no_such_field" in res.stderr


def test_templates_override_changes_output(tmp_path: Path) -> None:
    src = write_batch(tmp_path)
    tdir = tmp_path / "tpl"
    tdir.mkdir()
    (tdir / "registration.html.j2").write_text("本地模板 {{ people|length }}\n", encoding="utf-8")
    res = run(str(src), "--out-dir", str(tmp_path / "o"), "--templates", str(tdir), "--format", "json")
    assert res.exit_code == 0
    reg = tmp_path / "o" / "321002_广陵区/321002001_汶河街道/扬州市第一机械厂/registration.html"
    assert reg.read_text(encoding="utf-8") == "本地模板 2\n"


def test_pdf_without_weasyprint(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    res = run(str(write_batch(tmp_path)), "--out-dir", str(tmp_path / "o"), "--pdf")
    assert res.exit_code == 2
    assert "pip install 'retiree-tools[pdf]'" in res.stderr
    assert not (tmp_path / "o").exists()


def test_pdf_files_listed(tmp_path: Path, monkeypatch) -> None:
    """With a stand-in weasyprint: one PDF beside each HTML form, in the manifest."""
    calls: list[str] = []

    class HTML:
        def __init__(self, string: str, base_url: str) -> None:
            self.string = string
            calls.append(base_url)

        def write_pdf(self) -> bytes:
            return b"%PDF-1.7 stand-in " + str(len(self.string)).encode()

    monkeypatch.setitem(sys.modules, "weasyprint", types.SimpleNamespace(HTML=HTML))
    res = run(str(write_batch(tmp_path)), "--out-dir", str(tmp_path / "o"), "--pdf", "--forms", "card,receipt",
              "--format", "json")
    assert res.exit_code == 0, res.stderr
    files = json.loads(res.stdout)["files"]
    pdfs = [f for f in files if f["format"] == "pdf"]
    htmls = [f for f in files if f["format"] == "html" and f["kind"] != "index"]
    assert sorted(f["path"][:-4] for f in pdfs) == sorted(f["path"][:-5] for f in htmls)
    assert len(calls) == len(pdfs) and all(Path(c).is_absolute() for c in calls)


def test_pdf_with_real_weasyprint(tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint", reason="weasyprint not installed (pip install 'retiree-tools[pdf]')")
    res = run(str(write_batch(tmp_path)), "--out-dir", str(tmp_path / "o"), "--pdf", "--forms", "registration",
              "--format", "json")
    assert res.exit_code == 0, res.stderr
    pdfs = [f for f in json.loads(res.stdout)["files"] if f["format"] == "pdf"]
    assert len(pdfs) == 4
    for f in pdfs:
        assert (tmp_path / "o" / f["path"]).read_bytes()[:5] == b"%PDF-"
        html = tmp_path / "o" / f["path"].replace(".pdf", ".html")
        assert len(weasyprint.HTML(filename=str(html)).render().pages) == f["people"]  # one page per person


def test_help_lists_options() -> None:
    res = CliRunner().invoke(app, ["render-forms", "--help"])
    assert res.exit_code == 0
    for opt in ("--out-dir", "--forms", "--templates", "--date", "--pdf", "--format", "--lang"):
        assert opt in res.stdout
