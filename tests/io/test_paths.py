"""Directory scans (issue 16, no silent no-ops): a directory given to validate or assign is read
for its workbooks only — text files (说明.txt, a CSV export) are read when named, and this
tool's own outputs (assigned file, acceptance report, forms' 汇总表, known by the mark in their
document properties) are skipped — and every file skipped is said, with its reason. The blank
template and the annotated copy are never marked (they come back as inputs). render-forms and
acceptance-report keep reading the assigned files of a directory (.xlsx and .csv)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from retiree_tools.io.paths import (
    OWN_OUTPUTS,
    Skipped,
    expand_paths,
    own_output,
    scan_paths,
    skipped_line,
)

from support.cli import run
from support.factory import person, write_csv, write_ods, write_openpyxl, write_xls
from support.paths import SAMPLES

INSTRUCTIONS = "填表说明\n一、请各企业按模板逐项填写，身份证号码须为18位。\n二、人员类别按政策填写。\n"


def _names(paths) -> list[str]:
    return [Path(p).name for p in paths]


@pytest.fixture()
def batch(tmp_path) -> Path:
    """A folder as an office keeps it: workbooks of three formats, an instructions text, a CSV
    export, a tab file, a lock file, a hidden file and a PDF."""
    d = tmp_path / "收件"
    d.mkdir()
    write_openpyxl(d / "a.xlsx", [person(1), person(2)])
    write_xls(d / "b.xls", [person(3)])
    write_ods(d / "c.ods", [person(4)])
    (d / "说明.txt").write_bytes(INSTRUCTIONS.encode("gbk"))
    write_csv(d / "export.csv", [person(5)], "gbk")
    (d / "notes.tsv").write_text("姓名\t备注\n", encoding="utf-8")
    (d / "~$a.xlsx").write_bytes(b"lock")
    (d / ".DS_Store").write_bytes(b"\0")
    (d / "scan.pdf").write_bytes(b"%PDF-1.4")
    return d


def test_a_directory_gives_its_workbooks_and_names_the_text_files_it_skips(batch):
    found = scan_paths([batch])
    assert _names(found.files) == ["a.xlsx", "b.xls", "c.ods"]
    assert [(s.path.name, s.reason) for s in found.skipped] == [
        ("export.csv", "text-file"), ("notes.tsv", "text-file"), ("说明.txt", "text-file")]
    assert expand_paths([batch]) == found.files
    # a text file named on the command line is read, and then not listed as skipped
    named = scan_paths([batch, batch / "export.csv", batch / "说明.txt"])
    assert _names(named.files) == ["a.xlsx", "b.xls", "c.ods", "export.csv", "说明.txt"]
    assert [s.path.name for s in named.skipped] == ["notes.tsv"]


def test_validate_of_a_folder_with_instructions_reads_the_workbooks(batch, tmp_path):
    """Before: 说明.txt was read as a roster — header-not-found, exit 1 — and the CSV export too."""
    clean = tmp_path / "clean"
    clean.mkdir()
    write_openpyxl(clean / "a.xlsx", [person(1), person(2)])
    shutil.copy(batch / "说明.txt", clean / "说明.txt")
    r = run("validate", clean, "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert _names(f["path"] for f in doc["files"]) == ["a.xlsx"]
    assert doc["skipped"] == [{"path": str(clean / "说明.txt"), "reason": "text-file",
                               "message": "不是工作簿，要读请直接写出文件名"}]
    # named explicitly, the text is read (and is no roster)
    r = run("validate", clean, clean / "说明.txt", "--format", "json", "-q")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert [x["code"] for x in doc["files"][1]["findings"]] == ["header-not-found"] and doc["skipped"] == []


def test_assign_of_a_folder_reads_its_workbooks_only(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    write_openpyxl(d / "a.xlsx", [person(1), person(2)])
    (d / "说明.txt").write_bytes(INSTRUCTIONS.encode("gbk"))
    r = run("assign", d, "--catalog", SAMPLES / "catalog.csv", "--format", "json", "-q", "-o", tmp_path / "assigned.csv")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert _names(f["path"] for f in doc["files"]) == ["a.xlsx"]
    assert [(Path(s["path"]).name, s["reason"]) for s in doc["skipped"]] == [("说明.txt", "text-file")]


def test_validate_and_assign_say_on_stderr_which_files_they_skipped(tmp_path):
    """The terminal names the files not read (JSON has them in ``skipped``): nothing silent."""
    d = tmp_path / "in"
    d.mkdir()
    write_openpyxl(d / "a.xlsx", [person(1)])
    (d / "说明.txt").write_bytes(INSTRUCTIONS.encode("gbk"))
    line = "跳过 1 个文件：说明.txt（不是工作簿，要读请直接写出文件名）"
    r = run("validate", d)
    assert r.returncode == 0 and line in r.stderr, r.stderr
    r = run("assign", d, "--catalog", SAMPLES / "catalog.csv", "-o", tmp_path / "assigned.csv")
    assert r.returncode == 0 and line in r.stderr, r.stderr
    r = run("validate", d, "--lang", "en")
    assert "skipped 1 file(s): 说明.txt (not a workbook" in r.stderr, r.stderr
    write_openpyxl(tmp_path / "b.xlsx", [person(2)])
    assert "跳过" not in run("validate", tmp_path / "b.xlsx").stderr


# ---- the tool's own outputs ----

@pytest.fixture()
def outputs(tmp_path) -> dict[str, Path]:
    """Every workbook the tool writes, written by the installed command as a clerk would."""
    src = write_openpyxl(tmp_path / "enterprise.xlsx", [person(1), person(2)])
    out = tmp_path / "out"
    out.mkdir()
    paths = {"input": src, "assigned": out / "assigned.xlsx", "assigned_csv": out / "assigned.csv",
             "acceptance": out / "acceptance.xlsx", "template": out / "blank.xlsx",
             "annotated": out / "enterprise.annotated.xlsx", "forms": tmp_path / "forms"}
    cat = SAMPLES / "catalog.csv"
    for args in (("assign", src, "--catalog", cat, "-o", paths["assigned"]),
                 ("assign", src, "--catalog", cat, "-o", paths["assigned_csv"]),
                 ("acceptance-report", paths["assigned"], "--as-of", "2026-11-23", "-o", paths["acceptance"]),
                 ("render-forms", paths["assigned"], "--out-dir", paths["forms"], "--date", "2026-11-23"),
                 ("template", "-o", paths["template"]),
                 ("validate", src, "--annotate", paths["annotated"])):
        r = run(*args, "-q")
        assert r.returncode in (0, 1), (args[0], r.stderr)
    paths["summary"] = next(paths["forms"].rglob("summary.xlsx"))
    return paths


def _core(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("docProps/core.xml").decode("utf-8")


def test_outputs_are_marked_and_inputs_are_not(outputs):
    import openpyxl

    expected = {"assigned": "assigned", "acceptance": "acceptance-report", "summary": "forms-summary"}
    for key, mark in expected.items():
        assert own_output(outputs[key]) == mark, key
        props = openpyxl.load_workbook(outputs[key]).properties
        assert props.creator == "retiree-tools" and props.keywords == f"retiree-tools:{mark}", key
    for key in ("input", "template", "annotated"):
        assert own_output(outputs[key]) is None, key
        assert "retiree-tools:" not in _core(outputs[key]), key
    assert sorted([*expected.values(), "ledger-export"]) == sorted(OWN_OUTPUTS)  # ledger export: tests/ledger


def test_validate_of_an_output_folder_reads_only_the_inputs_in_it(outputs):
    """Before: ``validate out/`` read the assigned file and the acceptance report as rosters."""
    out = outputs["assigned"].parent
    shutil.copy(outputs["input"], out / "enterprise.xlsx")
    found = scan_paths([out])
    # the annotated copy (fixed and resubmitted) and the blank template are inputs: read
    assert _names(found.files) == ["blank.xlsx", "enterprise.annotated.xlsx", "enterprise.xlsx"]
    assert [(s.path.name, s.reason, s.output) for s in found.skipped] == [
        ("acceptance.xlsx", "own-output", "acceptance-report"), ("assigned.csv", "text-file", None),
        ("assigned.xlsx", "own-output", "assigned")]
    (out / "blank.xlsx").unlink()  # a blank template holds nobody (file-empty)
    r = run("validate", out, "--format", "json", "-q")
    doc = json.loads(r.stdout)
    assert _names(f["path"] for f in doc["files"]) == ["enterprise.annotated.xlsx", "enterprise.xlsx"]
    assert {Path(s["path"]).name: s.get("output") for s in doc["skipped"]} == {
        "acceptance.xlsx": "acceptance-report", "assigned.csv": None, "assigned.xlsx": "assigned"}
    assert all(s["message"] for s in doc["skipped"])
    # a folder of 汇总表 only: nothing to read is a usage error naming what was skipped
    r = run("validate", outputs["summary"].parent, "--format", "json")
    assert r.returncode == 2 and "summary.xlsx（本工具生成的文件）" in r.stderr, r.stderr
    assert json.loads(r.stdout)["error"]["reason"] == "error.nothing_read"


def test_a_marked_workbook_named_explicitly_is_read(outputs):
    """The mark only steers directory scans: named, the assigned file is read as asked."""
    found = scan_paths([outputs["assigned"]])
    assert found.files == [outputs["assigned"]] and found.skipped == []


def test_an_annotated_copy_of_a_marked_workbook_is_not_marked(outputs, tmp_path):
    out = tmp_path / "assigned.annotated.xlsx"
    r = run("validate", outputs["assigned"], "--annotate", out, "-q")
    assert r.returncode in (0, 1), r.stderr
    assert own_output(out) is None and "retiree-tools:" not in _core(out)


def test_marked_outputs_stay_byte_identical(outputs, tmp_path):
    again = tmp_path / "again"
    again.mkdir()
    cat = SAMPLES / "catalog.csv"
    assert run("assign", outputs["input"], "--catalog", cat, "-o", again / "assigned.xlsx", "-q").returncode == 0
    assert run("acceptance-report", outputs["assigned"], "--as-of", "2026-11-23", "-o", again / "acceptance.xlsx",
               "-q").returncode == 0
    assert run("render-forms", outputs["assigned"], "--out-dir", again / "forms", "--date", "2026-11-23",
               "-q").returncode == 0
    assert (again / "assigned.xlsx").read_bytes() == outputs["assigned"].read_bytes()
    assert (again / "acceptance.xlsx").read_bytes() == outputs["acceptance"].read_bytes()
    rel = outputs["summary"].relative_to(outputs["forms"])
    assert (again / "forms" / rel).read_bytes() == outputs["summary"].read_bytes()


def test_render_forms_and_acceptance_read_the_assigned_files_of_a_folder(outputs, tmp_path):
    """There the assigned files are the inputs: .xlsx and .csv are read; the acceptance report
    beside them, a 说明.txt, are skipped (before: the report was read as an assigned file, exit 2)."""
    d = tmp_path / "assigned"
    d.mkdir()
    shutil.copy(outputs["assigned"], d / "a.xlsx")
    shutil.copy(outputs["assigned_csv"], d / "b.csv")
    shutil.copy(outputs["acceptance"], d / "acceptance.xlsx")
    (d / "说明.txt").write_text("说明", encoding="utf-8")
    found = scan_paths([d], "assigned")
    assert _names(found.files) == ["a.xlsx", "b.csv"]
    assert [(s.path.name, s.reason) for s in found.skipped] == [("acceptance.xlsx", "own-output"),
                                                                ("说明.txt", "text-file")]
    r = run("acceptance-report", d, "--as-of", "2026-11-23", "--format", "json", "-q")
    assert r.returncode in (0, 1), r.stderr
    assert json.loads(r.stdout)["totals"]["listed"] == 4  # two people, in the xlsx and in the csv
    r = run("render-forms", d, "--out-dir", tmp_path / "forms2", "--date", "2026-11-23", "-q")
    assert r.returncode == 0, r.stderr
    # and said on stderr, as validate and assign say it
    line = "跳过 2 个文件：acceptance.xlsx（本工具生成的文件）、说明.txt（不是工作簿，要读请直接写出文件名）"
    assert line in run("render-forms", d, "--out-dir", tmp_path / "forms3", "--date", "2026-11-23").stderr
    assert line in run("acceptance-report", d, "--as-of", "2026-11-23").stderr


# ---- nothing to read ----

def test_a_folder_with_nothing_to_read_is_an_input_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run("validate", empty)
    assert r.returncode == 2 and "没有可读取的输入文件" in r.stderr and "Traceback" not in r.stderr
    only_text = tmp_path / "only_text"
    only_text.mkdir()
    (only_text / "说明.txt").write_bytes(INSTRUCTIONS.encode("gbk"))
    write_csv(only_text / "export.csv", [person(1)], "utf-8")
    r = run("validate", only_text)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().splitlines()[-1] == (
        "retiree-tools: 没有可读取的输入文件；跳过 2 个文件：export.csv（不是工作簿，要读请直接写出文件名）、"
        "说明.txt（不是工作簿，要读请直接写出文件名）")
    r = run("assign", only_text, "--catalog", SAMPLES / "catalog.csv", "--lang", "en")
    assert r.returncode == 2 and "no input files; skipped 2 file(s): export.csv (not a workbook" in r.stderr


# ---- the line a command prints ----

def test_the_skipped_line_in_both_languages(tmp_path):
    skipped = [Skipped(tmp_path / "说明.txt", "text-file"), Skipped(tmp_path / "assigned.xlsx", "own-output", "assigned")]
    assert skipped_line(skipped, "zh") == "跳过 2 个文件：说明.txt（不是工作簿，要读请直接写出文件名）、assigned.xlsx（本工具生成的文件）"
    assert skipped_line(skipped, "en") == ("skipped 2 file(s): 说明.txt (not a workbook; name it on the command line "
                                           "to read it), assigned.xlsx (written by this tool)")
    assert skipped_line([s.to_dict("en") for s in skipped], "zh") == skipped_line(skipped, "zh")  # from the JSON
    assert skipped_line([], "zh") is None
    many = [Skipped(tmp_path / f"{k:02d}.csv", "text-file") for k in range(13)]
    line = skipped_line(many, "zh")
    assert line.startswith("跳过 13 个文件：00.csv（") and line.endswith("09.csv（不是工作簿，要读请直接写出文件名）等，另有 3 个未列出")


# ---- the mark is read cheaply and safely ----

def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


CORE = ('<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
        'package/2006/metadata/core-properties">{body}</cp:coreProperties>')


@pytest.mark.parametrize(("name", "members"), [
    ("no_core.xlsx", {"xl/workbook.xml": b"<workbook/>"}),
    ("other_words.xlsx", {"docProps/core.xml": CORE.format(body="<cp:keywords>retiree-tools:nonsense 退休</cp:keywords>").encode()}),
    ("dtd.xlsx", {"docProps/core.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "retiree-tools:assigned">]>'
                  b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                  b'core-properties"><cp:keywords>&a;</cp:keywords></cp:coreProperties>'}),
    ("huge.xlsx", {"docProps/core.xml": CORE.format(body="<cp:keywords>retiree-tools:assigned</cp:keywords>"
                                                       + " " * 200_000).encode()}),
    ("broken.xlsx", {"docProps/core.xml": b"<cp:coreProperties"}),
])
def test_only_a_real_mark_makes_an_own_output(tmp_path, name, members):
    path = _zip(tmp_path / name, members)
    assert own_output(path) is None
    assert scan_paths([tmp_path]).files == [path]  # read (its reader then says what it is)


def test_the_mark_of_a_hand_made_workbook_counts_and_junk_is_not_ours(tmp_path):
    marked = _zip(tmp_path / "x.xlsx", {"docProps/core.xml": CORE.format(
        body="<cp:keywords>月报 retiree-tools:acceptance-report</cp:keywords>").encode()})
    assert own_output(marked) == "acceptance-report"
    (tmp_path / "junk.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "text.xlsx").write_text("姓名,身份证号码\n", encoding="utf-8")
    assert own_output(tmp_path / "junk.xlsx") is None and own_output(tmp_path / "text.xlsx") is None
    assert _names(scan_paths([tmp_path]).files) == ["junk.xlsx", "text.xlsx"]
