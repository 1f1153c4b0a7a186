"""A new user's first hour (issue 16): help in Chinese with English and real examples, one
JSON document on stdout for every exit under --format json, no silent no-ops, one date syntax,
summaries by default and full tables with --verbose."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from support.cli import run
from support.paths import ROOT, SAMPLES

COMMANDS = ("validate", "template", "assign", "render-forms", "acceptance-report", "index")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _examples(help_text: str) -> list[str]:
    return [line.strip() for line in help_text.splitlines() if line.strip().startswith("retiree-tools ")]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_chinese_with_english_examples_and_plain_metavars(command):
    r = run(command, "--help")
    assert r.returncode == 0
    text = r.stdout
    assert "用法 Usage:" in text and "选项 Options:" in text
    options = [line for line in text.splitlines() if line.lstrip().startswith("-")]
    assert options
    for line in options:  # every option says what it does in Chinese, and in English
        if "--help" in line:
            continue
        assert CJK.search(line), line
    assert re.search(r"[A-Za-z]{4,} [a-z]{2,}", text.split("选项 Options:")[1])  # English words beside
    assert "<list[" not in text and "<str>" not in text and "<path>" not in text and "<bool>" not in text
    examples = _examples(text)
    assert examples, f"{command} --help shows no example"
    assert all(e.split()[1] == command for e in examples)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_example_is_a_valid_command_line(command):
    """The examples parse: each option and argument exists (files are not opened)."""
    from typer.main import get_command

    from retiree_tools.cli.app import app

    root = get_command(app)
    cmd = root.commands[command]
    for example in _examples(run(command, "--help").stdout):
        args = shlex.split(example.split(">")[0])[2:]
        ctx = cmd.make_context(command, args, resilient_parsing=False)
        assert ctx.params  # parsed


def test_root_help_lists_commands_with_their_chinese_names():
    r = run("--help")
    assert r.returncode == 0
    for name, word in (("validate", "校验移交表"), ("assign", "分配接收单位"), ("render-forms", "生成移交表单"),
                       ("acceptance-report", "移交验收报告"), ("template", "空白移交表")):
        line = next(line for line in r.stdout.splitlines() if line.strip().startswith(name + " "))
        assert word in line
    bare = run()
    assert bare.returncode == 2 and "命令 Commands:" in bare.stderr  # no command: the help, exit 2


def _error_doc(r) -> dict:
    assert r.returncode == 2, r.stderr
    docs = [line for line in r.stdout.splitlines() if line.strip()]
    assert len(docs) == 1, r.stdout  # exactly one JSON document
    doc = json.loads(docs[0])
    assert "error" in doc  # alone, or beside validate's / assign's report of the files it could read
    assert set(doc) == {"error"} or {"files", "summary"} <= set(doc)
    assert {"code", "message", "path", "reason", "params"} <= set(doc["error"])
    assert r.stderr.strip().splitlines()[-1].startswith("retiree-tools: ")
    return doc["error"]


def test_every_exit_2_under_json_prints_one_error_document(tmp_path):
    bad_targets = tmp_path / "targets.csv"
    bad_targets.write_text("随便,什么\n1,2\n", encoding="utf-8")
    bad_policy = tmp_path / "p.toml"
    bad_policy.write_text("[categories\n", encoding="utf-8")
    missing = tmp_path / "nope.xlsx"
    a = str(SAMPLES / "enterprise_a.xlsx")
    assigned = tmp_path / "assigned.csv"
    run("assign", SAMPLES / "enterprise_b.csv", "--catalog", SAMPLES / "catalog.csv", "-o", assigned)
    cases = {
        ("validate", missing.name): (["validate", missing], "file-unreadable"),
        ("validate", "policy"): (["validate", a, "--policy", bad_policy], "policy-invalid"),
        ("assign", "catalog"): (["assign", a, "--catalog", missing], "file-unreadable"),
        ("assign", "suffix"): (["assign", a, "--catalog", SAMPLES / "catalog.csv", "-o", tmp_path / "b.txt"], "usage"),
        ("render-forms", "date"): (["render-forms", assigned, "-o", tmp_path / "f", "--date", "明天"], "usage"),
        ("acceptance-report", "targets"): (["acceptance-report", assigned, "--targets", bad_targets], "targets-invalid"),
        ("template", "suffix"): (["template", "-o", tmp_path / "t.csv"], "usage"),
        ("usage", "option"): (["validate", a, "--bogus"], "usage"),
        ("usage", "argument"): (["assign", "--catalog", SAMPLES / "catalog.csv"], "usage"),
        ("usage", "choice"): (["validate", a, "--lang", "fr"], "usage"),
    }
    for key, (args, code) in cases.items():
        err = _error_doc(run(*args, "--format", "json"))
        assert err["code"] == code, (key, err)
        assert err["message"]
    en = _error_doc(run("validate", a, "--bogus", "--format", "json", "--lang", "en"))
    assert "bad command line" in en["message"] and "--bogus" in en["message"]


def test_exit_2_without_json_keeps_stdout_empty(tmp_path):
    r = run("validate", tmp_path / "nope.xlsx")
    assert r.returncode == 2 and r.stdout == "" and "retiree-tools:" in r.stderr


def test_assign_without_output_says_nothing_was_written(tmp_path):
    r = run("assign", SAMPLES / "enterprise_b.csv", "--catalog", SAMPLES / "catalog.csv", cwd=tmp_path)
    assert r.returncode in (0, 1)
    assert "未写出分配结果文件" in r.stderr and "-o" in r.stderr
    assert list(tmp_path.iterdir()) == []
    w = run("assign", SAMPLES / "enterprise_b.csv", "--catalog", SAMPLES / "catalog.csv", "-o", tmp_path / "x.csv")
    assert "未写出分配结果文件" not in w.stderr and (tmp_path / "x.csv").exists()
    q = run("assign", SAMPLES / "enterprise_b.csv", "--catalog", SAMPLES / "catalog.csv", "-q", cwd=tmp_path)
    assert q.stderr == ""


def test_bad_output_name_is_refused_before_any_work(tmp_path):
    """`assign -o b.txt` over a missing input: the output name is what is reported, so it was
    checked first (before the inputs were even opened)."""
    r = run("assign", tmp_path / "missing.xlsx", "--catalog", SAMPLES / "catalog.csv", "-o", tmp_path / "b.txt",
            "--format", "json")
    err = _error_doc(r)
    assert err["code"] == "usage" and "b.txt" in err["message"]
    r = run("acceptance-report", tmp_path / "missing.xlsx", "-o", tmp_path / "r.pdf", "--format", "json")
    assert "r.pdf" in _error_doc(r)["message"]


@pytest.mark.parametrize("typed", ["2026-11-23", "2026/11/23", "2026年11月23日", "２０２６年１１月２３日", "20261123"])
def test_one_date_syntax_for_date_and_as_of(tmp_path, typed):
    assigned = tmp_path / "assigned.csv"
    run("assign", SAMPLES / "enterprise_b.csv", "--catalog", SAMPLES / "catalog.csv", "-o", assigned)
    forms = run("render-forms", assigned, "-o", tmp_path / "f", "--date", typed, "--forms", "summary",
                "--format", "json", "-q")
    assert forms.returncode == 0, forms.stderr
    html = next((tmp_path / "f").rglob("summary.html")).read_text(encoding="utf-8")
    assert "2026年11月23日" in html
    acc = run("acceptance-report", assigned, "--as-of", typed, "--format", "json", "-q")
    assert json.loads(acc.stdout)["as_of"] == "2026-11-23"


def test_summary_by_default_full_tables_with_verbose(tmp_path):
    a, b = SAMPLES / "enterprise_a.xlsx", SAMPLES / "enterprise_b.csv"
    short, full = run("validate", a, b), run("validate", a, b, "--verbose")
    assert short.returncode == full.returncode == 1
    assert "问题统计" in short.stderr and "问题清单" not in short.stderr
    assert "问题清单" in full.stderr
    # the summary counts each code once: id-checksum appears in one row with its count
    row = next(line for line in short.stderr.splitlines() if "id-checksum" in line)
    assert re.search(r"\b3\b", row)
    assert len(short.stderr.splitlines()) < len(full.stderr.splitlines())

    out = tmp_path / "assigned.xlsx"
    s = run("assign", a, b, "--catalog", SAMPLES / "catalog.csv", "-o", out)
    v = run("assign", a, b, "--catalog", SAMPLES / "catalog.csv", "--verbose")
    assert "接收单位数" in s.stderr and "文峰街道" not in s.stderr  # counties only
    assert "文峰街道" in v.stderr
    assert "退回补正 20 人" in s.stderr  # rejected people as one line …
    assert s.stderr.count("退回补正") < v.stderr.count("退回补正")  # … listed one by one with --verbose

    fs = run("render-forms", out, "-o", tmp_path / "f1")
    fv = run("render-forms", out, "-o", tmp_path / "f2", "--verbose")
    assert fs.returncode == fv.returncode == 0
    assert "接收单位数" in fs.stderr and "index.html" in fs.stderr
    assert len(fs.stderr.splitlines()) < 20 < len(fv.stderr.splitlines())


def test_help_page_of_docs_is_the_generated_one():
    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "示例 Examples:" in cli and "<list[Path]>" not in cli
    assert '{"error": {' in cli  # the exit-2 JSON shape is documented


# ---- progress on a terminal only ----

def _on_a_terminal(*args) -> tuple[int, str, str]:
    """Run the command with stderr on a pseudo-terminal (as a clerk at a console sees it);
    stdout is a file. Returns (exit code, what the terminal showed, stdout)."""
    import os
    import pty
    import select
    import subprocess
    import tempfile

    from support.cli import EXE

    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    sink = tempfile.TemporaryFile()  # a file, not a pipe: a large JSON must not block the child
    proc = subprocess.Popen([*EXE, *map(str, args)], stdout=sink, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            seen += data
        elif proc.poll() is not None:
            break
    code = proc.wait(timeout=120)
    os.close(master)
    sink.seek(0)
    out = sink.read()
    sink.close()
    return code, seen.decode("utf-8", "replace"), out.decode("utf-8")


def test_validate_and_assign_show_progress_on_a_terminal_and_never_in_a_pipe(tmp_path):
    from support.factory import person, write_csv, write_openpyxl

    many = write_csv(tmp_path / "many.csv", [person(k) for k in range(1, 3 * 1000 + 1)], "utf-8")
    small = write_openpyxl(tmp_path / "small.xlsx", [person(1)])
    code, screen, out = _on_a_terminal("validate", small, many, "--format", "json")
    assert code in (0, 1) and "读取文件" in screen and "行" in screen and "2/2" in screen, screen
    assert json.loads(out)["summary"]["people"] >= 3000  # stdout (a pipe) carries the JSON only
    code, screen, _ = _on_a_terminal("assign", small, "--catalog", SAMPLES / "catalog.csv", "--lang", "en",
                                     "-o", tmp_path / "a.csv")
    assert code == 0 and "Reading files" in screen and "1/1" in screen, screen
    ledger = tmp_path / "ledger.sqlite"
    assert run("ledger", "init", "--catalog", SAMPLES / "catalog.csv", "--db", ledger).returncode == 0
    code, screen, _ = _on_a_terminal("submit", small, many, "--db", ledger)
    assert code in (0, 1) and "读取文件" in screen and "2/2" in screen, screen
    r = run("submit", small, "--db", ledger)
    assert "读取文件" not in r.stderr and "\x1b[" not in r.stderr
    # -q: nothing at all; not a terminal: no bar (logs and pipes)
    _, screen, _ = _on_a_terminal("validate", small, "-q")
    assert "读取文件" not in screen
    r = run("validate", small, many)
    assert "读取文件" not in r.stderr and "\x1b[" not in r.stderr


def test_the_demo_fits_two_screens_and_ends_with_a_map(tmp_path):
    """``./run demo`` (samples/pipeline.sh) on a 100-column terminal: at most two screens of 55
    lines on stderr, nothing on stdout but what a step redirects, and it ends with the map —
    every path listed exists, out/index.html first."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    out = tmp_path / "out"
    env = {**os.environ, "COLUMNS": "100", "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    r = subprocess.run(["bash", str(SAMPLES / "pipeline.sh"), str(out)], capture_output=True, text=True, env=env,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) <= 2 * 55, len(lines)
    from rich.cells import cell_len

    start = next(i for i, line in enumerate(lines) if line.startswith("输出一览 outputs"))
    assert max(cell_len(line) for line in lines[:start]) <= 100  # the tables fit the terminal (the map's paths may not)
    listed = [line.split()[0] for line in lines[start + 1:]]
    assert listed[0] == str((out / "index.html").resolve()) and len(listed) >= 6
    assert all(Path(p).exists() for p in listed), listed
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_json_is_utf8_whatever_the_console_encoding(tmp_path):
    """A Windows console in code page 936 (PYTHONIOENCODING=gbk here): the JSON on stdout is
    still UTF-8 — a name outside GBK (𪚥) comes through whole, no UnicodeEncodeError, no '?'."""
    import os
    import subprocess

    from support.cli import EXE
    from support.factory import person, write_csv

    src = write_csv(tmp_path / "a.csv", [person(1)], "utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    r = subprocess.run([*EXE, "validate", str(src), "--enterprise", "扬州市𪚥机械厂", "--format", "json"],
                       capture_output=True, env=env, timeout=120)
    assert r.returncode in (0, 1), r.stderr.decode("gbk", "replace")
    doc = json.loads(r.stdout.decode("utf-8"))
    assert doc["files"][0]["enterprise"] == "扬州市𪚥机械厂"
    r = subprocess.run([*EXE, "validate", str(tmp_path / "missing.xlsx"), "--format", "json"],
                       capture_output=True, env=env, timeout=120)
    assert r.returncode == 2 and json.loads(r.stdout.decode("utf-8"))["error"]["code"]
