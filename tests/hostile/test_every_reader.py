"""Issue 13's heavy hostile files (tests/hostile/heavy.py) as every kind of input, through every
command that reads that kind, in the bounded sandbox (tests/hostile/sandbox.py: forked
children, RLIMIT_AS 3 GiB, killed at 60 s):

    workbook   validate BAD; assign BAD --catalog samples/catalog.csv -o OUT
    catalogue  assign samples/enterprise_a.xlsx --catalog BAD -o OUT
    targets    acceptance-report GOOD_ASSIGNED --targets BAD
    roster     acceptance-report GOOD_ASSIGNED --roster BAD
    assigned   render-forms BAD -o DIR; acceptance-report BAD

Every run, with ``--format json``: no signal, not killed, under 30 s and 1.5 GB peak RSS,
exactly one JSON document on stdout, no traceback or internal error on stderr; a refusal is
exit 2 with one ``retiree-tools:`` line last on stderr, the JSON ``error.code`` expected for
the case, and no output written. Each file is built once per module (the file of a role holds
that role's real rows, so only the hostile part differs), and all runs go in parallel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hostile import heavy
from hostile.make_corpus import ROLES, SAMPLES, _role_rows
from hostile.sandbox import Result, shared
from support.cli import run

MAX_SECONDS = 30
MAX_RSS_MB = 1536
CATALOG = SAMPLES / "catalog.csv"
REFUSED = ("file-hostile", "file-too-large")

# case → (the codes a refusal may carry, or None: the file is odd but legitimately readable)
CASES: dict[str, tuple[str, ...] | None] = {
    **{name: (code,) for name, (_, code) in heavy.FAR_CELLS.items()},
    "ods-repeat": ("file-too-large",),  # 20 million repeated rows of a 1 KB file
    "duplicate-entries": ("file-hostile",),
    # the damaged .xls makes calamine abort (137 GB); in the child that is file-hostile, and
    # out of the child's memory (a smaller lie) file-too-large: either is a refusal
    "damaged-xls": REFUSED,
    "long-line": ("file-too-large",),  # one field of 50 MB: over the 16 MiB field bound
    # 5,000 sheets, the role's rows on the first (side files read the first sheet): a workbook
    # may have many instruction sheets, so it is read, each sheet looked at once
    "many-sheets": None,
    # 4.2 million formula cells with cached values on a second sheet: read (cached values are
    # the data; the roster sheet is the first). Built for the workbook only (8 s a build): the
    # formulas of every role are in the corpus of test_hostile.py
    "formula-heavy": None,
    # the catalogue's own bound (200 keywords a unit): a catalogue-only case
    "flooded-catalog": ("catalog-invalid",),
}
ONLY = {"formula-heavy": ("workbook",), "flooded-catalog": ("catalog",)}


def _build(case: str, role: str, d: Path, rows: list[list[str]]) -> Path:
    if case in heavy.FAR_CELLS:
        return heavy.far_cell(d / f"{case}.xlsx", rows, heavy.FAR_CELLS[case][0])
    return {"ods-repeat": lambda: heavy.ods_repeated_rows(d / "ods-repeat.ods", header=tuple(rows[0][:2])),
            "duplicate-entries": lambda: heavy.duplicate_entries(d / "dup.xlsx", rows),
            "damaged-xls": lambda: heavy.damaged_xls(d / "damaged.xls", rows),
            "long-line": lambda: heavy.long_line_csv(d / "long-line.csv", rows),
            "many-sheets": lambda: heavy.many_sheets(d / "sheets.xlsx", rows),
            "formula-heavy": lambda: heavy.formula_heavy(d / "formula.xlsx", rows),
            "flooded-catalog": lambda: heavy.flooded_catalog(d / "flooded.csv", rows)}[case]()


def _commands(role: str, f: Path, assigned: Path, out: Path) -> list[tuple[str, list[object]]]:
    js = ["--format", "json"]
    if role == "workbook":
        return [("validate", ["validate", f, *js]),
                ("assign", ["assign", f, "--catalog", CATALOG, "-o", out / "assigned.xlsx", *js])]
    if role == "catalog":
        return [("assign", ["assign", SAMPLES / "enterprise_a.xlsx", "--catalog", f, "-o", out / "assigned.xlsx", *js])]
    if role == "targets":
        return [("acceptance-report", ["acceptance-report", assigned, "--targets", f, "--as-of", "2026-11-23", *js])]
    if role == "roster":
        return [("acceptance-report", ["acceptance-report", assigned, "--roster", f, *js])]
    return [("render-forms", ["render-forms", f, "-o", out / "forms", "--date", "2026-11-23", *js]),
            ("acceptance-report", ["acceptance-report", f, *js])]


@pytest.fixture(scope="module")
def assigned(tmp_path_factory) -> Path:
    """GOOD_ASSIGNED: the samples' assigned file, made once for the module."""
    out = tmp_path_factory.mktemp("good") / "assigned.xlsx"
    r = run("assign", SAMPLES / "enterprise_b.csv", "--catalog", CATALOG, "-o", out, "-q")
    assert r.returncode in (0, 1) and out.is_file(), r.stderr
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[tuple[str, str], Path]:
    d = tmp_path_factory.mktemp("heavy")
    out: dict[tuple[str, str], Path] = {}
    for role in ROLES:
        rows = _role_rows(role, d)
        (d / role).mkdir()
        for case in CASES:
            if role in ONLY.get(case, ROLES):
                out[(case, role)] = _build(case, role, d / role, rows)
    return out


@pytest.fixture(scope="module")
def runs(files, assigned, tmp_path_factory) -> list[tuple[str, str, str, Path, Result]]:
    outs = tmp_path_factory.mktemp("outs")
    plan = []
    for (case, role), f in files.items():
        for label, argv in _commands(role, f, assigned, outs / f"{len(plan):03d}"):
            out = outs / f"{len(plan):03d}"
            out.mkdir()
            plan.append((case, role, label, out, [str(a) for a in argv]))
    results = shared(tmp_path_factory.mktemp("sandbox")).run_many([p[4] for p in plan])
    return [(*p[:4], r) for p, r in zip(plan, results, strict=True)]


def _problems(case: str, out: Path, r: Result) -> list[str]:
    if r.timed_out or r.signal is not None:
        return [f"killed (timeout={r.timed_out}, signal={r.signal}) after {r.seconds:.1f}s"]
    bad = []
    if r.seconds > MAX_SECONDS:
        bad.append(f"took {r.seconds:.1f}s")
    if r.maxrss_mb > MAX_RSS_MB:
        bad.append(f"peak RSS {r.maxrss_mb:.0f} MB")
    if any(s in r.stderr for s in ("Traceback", "panicked", "内部错误", "internal error")):
        bad.append("traceback, panic or internal error on stderr")
    try:
        doc = json.loads(r.stdout)  # exactly one document: trailing text fails here
    except ValueError:
        return [*bad, f"stdout is not one JSON document: {r.stdout[:200]!r}"]
    codes = CASES[case]
    if codes is None:  # readable: findings at most
        if r.rc not in (0, 1) or "error" in doc:
            bad.append(f"expected the file to be read (exit 0/1), got {r.rc}: {r.last_line[:200]!r}")
        return bad
    if r.rc != 2:
        bad.append(f"expected exit 2 ({'/'.join(codes)}), got {r.rc}")
    if not r.last_line.startswith("retiree-tools: "):
        bad.append(f"last line {r.last_line[:200]!r}")
    if (doc.get("error") or {}).get("code") not in codes:
        bad.append(f"error {doc.get('error')!r:.300}, expected {codes}")
    written = [p.name for p in out.rglob("*") if p.is_file()]
    if written:
        bad.append(f"wrote {written} for a refused input")
    return bad


@pytest.mark.parametrize("role", ROLES)
def test_every_heavy_file_through_every_reader_of_its_kind(runs, role):
    failures = [f"{case} [{label}]: {problem}\n    {r.stderr[-300:]!r}"
                for case, r_role, label, out, r in runs if r_role == role for problem in _problems(case, out, r)]
    assert not failures, "\n".join(failures)
    assert {c for c, r_role, *_ in runs if r_role == role} == {c for c in CASES if role in ONLY.get(c, ROLES)}


def test_the_damaged_xls_really_aborts_calamine(files):
    """Opened directly (as before io/isolated.py), the damaged .xls takes the process down:
    calamine asks for 137 GB (65,536 × 65,536 cells of 32 bytes) and aborts — SIGABRT, no
    Python exception. Through the commands it is refused above."""
    probe = ("import python_calamine, resource; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
             "python_calamine.CalamineWorkbook.from_path(__import__('sys').argv[1])")
    for role in ROLES:
        done = subprocess.run([sys.executable, "-c", probe, str(files[("damaged-xls", role)])], capture_output=True,
                              text=True, timeout=60, env={**os.environ, "RUST_BACKTRACE": "0"})
        assert done.returncode == -6, (role, done.returncode, done.stderr[-500:])
        assert "memory allocation of 137438953472 bytes failed" in done.stderr, done.stderr[-500:]


def test_the_damaged_xls_is_said_to_be_hostile_in_both_languages(runs, files, tmp_path):
    (r,) = [r for case, role, label, _, r in runs if (case, role, label) == ("damaged-xls", "workbook", "validate")]
    assert json.loads(r.stdout)["error"]["reason"] == "error.native_abort", r.stdout[:500]
    assert "解析时读取程序异常终止" in r.last_line
    en = shared(tmp_path / "sandbox").run("validate", files[("damaged-xls", "workbook")], "--lang", "en")
    assert en.rc == 2 and "the parser aborted on it" in en.last_line, en.describe()


@pytest.mark.parametrize(("case", "reason"), [("many-sheets", "error.annotate_sheets"),
                                              ("formula-heavy", "error.annotate_cells")])
def test_annotate_of_a_workbook_past_its_limits_is_refused_after_validating(files, tmp_path, case, reason):
    """``validate --annotate``: openpyxl would load the whole workbook (5,000 sheets: ~50 s;
    4.2 million formula cells: gigabytes). The workbook is validated as usual — findings in
    the report and the JSON — and instead of a copy there is the finding annotate-too-large:
    exit 2, one line saying the check was done and why no copy was written."""
    f = files[(case, "workbook")]
    box = shared(tmp_path / "sandbox")
    zh, en = box.run_many([["validate", str(f), "--annotate", str(tmp_path / "zh.xlsx"), "--format", "json"],
                           ["validate", str(f), "--annotate", str(tmp_path / "en.xlsx"), "--lang", "en"]])
    for r in (zh, en):
        assert r.rc == 2 and not r.timed_out and r.signal is None, r.describe()
        assert r.seconds < MAX_SECONDS and r.maxrss_mb < MAX_RSS_MB, r.describe()
        assert "Traceback" not in r.stderr and r.last_line.startswith("retiree-tools: "), r.describe()
    doc = json.loads(zh.stdout)
    assert doc["error"]["code"] == "annotate-too-large" and doc["error"]["reason"] == reason
    assert "已完成校验" in zh.last_line and "未写出批注副本" in zh.last_line
    assert "validated" in en.last_line and "no annotated copy was written" in en.last_line
    people = [fr for fr in doc["files"] if fr["summary"]["people"]]
    assert [fr["summary"]["people"] for fr in people] == [12]  # the roster sheet was checked
    assert [x["code"] for x in people[0]["findings"] if x["code"] == "annotate-too-large"] == ["annotate-too-large"]
    assert not (tmp_path / "zh.xlsx").exists() and not (tmp_path / "en.xlsx").exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_annotate_still_copies_the_samples(tmp_path):
    r = run("validate", SAMPLES / "enterprise_a.xlsx", SAMPLES / "enterprise_b.csv", "--annotate", tmp_path / "ann", "-q")
    assert r.returncode == 1, r.stderr
    assert sorted(p.name for p in (tmp_path / "ann").iterdir()) == ["enterprise_a.annotated.xlsx",
                                                                    "enterprise_b.annotated.xlsx"]
