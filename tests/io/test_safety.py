"""Faults and personal data (issue #7): atomic outputs under a failure mid-write, outputs that
would overwrite an input refused, byte-identical re-runs, owner-only modes, formula injection
neutralised in every xlsx/csv we write, HTML escaped, and ID numbers, bank accounts and phones
masked in every human-facing output unless --show-pii."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import stat
from pathlib import Path

import pytest

from hostile.sandbox import shared
from support.factory import person, write_csv, write_openpyxl

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
AS_OF = "2026-11-23"
FORMULA = re.compile(r"^[\s]*[=+\-@]")
OWN_FORMULA = re.compile(r"^=SUM\([A-Z]{1,3}\d+:[A-Z]{1,3}\d+\)$")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    return shared(tmp_path_factory.getbasetemp() / "sandbox-safety")


def _tree(d: Path) -> dict[str, str]:
    return {str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.rglob("*")) if p.is_file()}


def _no_temp_left(d: Path) -> None:
    assert not [p.name for p in d.rglob("*") if p.name.startswith(".") and (".tmp" in p.name or ".old-" in p.name)]


# ---------------------------------------------------------------------------------------------
# Atomic writes: a failure in the middle leaves no partial file and the previous output intact
# ---------------------------------------------------------------------------------------------

class Boom(RuntimeError):
    pass


def _fail_after(monkeypatch, owner, attr: str, n: int) -> None:
    """Make ``owner.attr`` raise on its n-th call (after n-1 real calls have written data)."""
    real = getattr(owner, attr)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] >= n:
            raise Boom(attr)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, attr, wrapper)


def test_annotated_copy_is_atomic(tmp_path, monkeypatch):
    from retiree_tools.policy import load_policy
    from retiree_tools.validate.annotate import write_annotated
    from retiree_tools.validate.run import Options, validate_paths

    src = write_openpyxl(tmp_path / "in.xlsx", [person(1, 性别="女"), person(2)])
    report = validate_paths([src], load_policy(), Options()).files[0]
    out = tmp_path / "out" / "annotated.xlsx"
    write_annotated(report, out)
    before = out.read_bytes()
    # the zip writer fails after two parts are in the temporary file
    from retiree_tools.io import xlsx as xlsxout

    _fail_after(monkeypatch, xlsxout._FixedTimeZip, "writestr", 3)
    with pytest.raises(Boom):
        write_annotated(report, out)
    assert out.read_bytes() == before
    _no_temp_left(out.parent)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_assigned_file_is_atomic(tmp_path, monkeypatch, suffix):
    from retiree_tools.assign.catalog import load_catalog
    from retiree_tools.assign.run import iter_assigned
    from retiree_tools.assign.writer import AssignedWriter
    from retiree_tools.policy import load_policy

    src = write_csv(tmp_path / "in.csv", [person(i) for i in range(1, 6)], "utf-8")
    frames = list(iter_assigned([src], load_catalog(SAMPLES / "catalog.csv"), load_policy()))
    out = tmp_path / f"assigned{suffix}"
    w = AssignedWriter(out)
    for f in frames:
        w.write(f)
    w.close()
    before = out.read_bytes()
    # a failure while the next run converts its fourth column: the temp file is half written
    w = AssignedWriter(out)
    from retiree_tools.io import safe as safeio

    _fail_after(monkeypatch, safeio, "escape_formula_arrow", 4)
    with pytest.raises(Boom):
        try:
            for f in frames:
                w.write(f)
            w.close()
        except BaseException as exc:
            w.abort(exc)  # what assign_cmd does
            raise
    assert out.read_bytes() == before
    _no_temp_left(tmp_path)


def test_forms_dir_is_atomic(tmp_path, monkeypatch):
    from retiree_tools.forms.render import render_forms

    assigned = _assigned_csv(tmp_path)
    out = tmp_path / "forms"
    render_forms([assigned], out, date="2026-11-23")
    before = _tree(out)
    assert before
    from retiree_tools.forms import render as forms

    _fail_after(monkeypatch, forms._Writer, "write", 5)
    with pytest.raises(Boom):
        render_forms([assigned], out, date="2026-11-23")
    assert _tree(out) == before
    _no_temp_left(tmp_path)


@pytest.mark.parametrize("suffix", [".xlsx", ".html"])
def test_acceptance_outputs_are_atomic(tmp_path, monkeypatch, suffix):
    from retiree_tools.acceptance.output import write_report
    from retiree_tools.acceptance.report import acceptance_report

    report = acceptance_report([_assigned_csv(tmp_path)], targets=SAMPLES / "targets.csv")
    out = tmp_path / f"report{suffix}"
    write_report(report, out)
    before = out.read_bytes()

    def partial(self, *args, **kwargs):  # half a file reaches the disk, then the failure
        target = Path(self.filename) if hasattr(self, "filename") else self
        target.write_bytes(before[: len(before) // 2]) if not hasattr(self, "filename") else Path(target).write_bytes(b"PK\x03\x04")
        raise Boom("mid-write")

    if suffix == ".xlsx":
        import xlsxwriter.workbook

        monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", partial)
    else:
        real = Path.write_bytes

        def half(self, data):
            real(self, data[: len(data) // 2])
            raise Boom("mid-write")

        monkeypatch.setattr(Path, "write_bytes", half)
    with pytest.raises(Boom):
        write_report(report, out)
    monkeypatch.undo()
    assert out.read_bytes() == before
    _no_temp_left(tmp_path)


def _assigned_csv(d: Path) -> Path:
    """An assigned file of a few people, as ``assign -o x.csv`` writes it."""
    from retiree_tools.assign.catalog import load_catalog
    from retiree_tools.assign.run import iter_assigned
    from retiree_tools.assign.writer import AssignedWriter
    from retiree_tools.policy import load_policy

    src = write_csv(d / "people.csv", [person(i) for i in range(1, 5)], "utf-8")
    out = d / "assigned.csv"
    w = AssignedWriter(out)
    for f in iter_assigned([src], load_catalog(SAMPLES / "catalog.csv"), load_policy()):
        w.write(f)
    w.close()
    return out


# ---------------------------------------------------------------------------------------------
# Outputs that would replace an input are refused; re-runs are byte-identical; modes 0600
# ---------------------------------------------------------------------------------------------

def test_outputs_over_inputs_refused(tmp_path, sandbox):
    indir = tmp_path / "in"
    indir.mkdir()
    wb = write_openpyxl(indir / "a.xlsx", [person(1), person(2)])
    cat = tmp_path / "catalog.csv"
    cat.write_bytes((SAMPLES / "catalog.csv").read_bytes())
    assigned = _assigned_csv(tmp_path)
    adir = tmp_path / "adir"
    adir.mkdir()
    assigned_x = adir / "assigned.csv"
    assigned_x.write_bytes(assigned.read_bytes())
    targets = tmp_path / "targets.csv"
    targets.write_bytes((SAMPLES / "targets.csv").read_bytes())
    watched = [wb, cat, assigned, assigned_x, targets]
    before = {p: p.read_bytes() for p in watched}
    runs = [
        ["validate", wb, "--annotate", wb],
        ["validate", indir, "--annotate", indir / "annotated"],
        ["assign", wb, "--catalog", cat, "-o", wb],
        ["assign", wb, "--catalog", cat, "-o", cat],
        ["assign", indir, "--catalog", cat, "-o", indir / "sub" / "out.xlsx"],
        ["render-forms", adir, "--out-dir", adir],
        ["render-forms", adir, "--out-dir", adir / "forms"],
        ["render-forms", assigned_x, "--out-dir", adir],
        ["acceptance-report", adir, "--targets", targets, "-o", adir / "r.html"],
        ["acceptance-report", assigned, "--targets", targets, "-o", tmp_path / "assigned.csv.html", "-o", targets],
    ]
    for r in sandbox.run_many(runs):
        assert r.rc == 2, r.describe()
        assert r.last_line.startswith("retiree-tools: "), r.describe()
        assert "Traceback" not in r.stderr
    for p, data in before.items():
        assert p.read_bytes() == data, p
    assert not (indir / "annotated").exists() and not (indir / "sub").exists() and not (adir / "forms").exists()


def _pipeline(out: Path) -> list[list]:
    a, b = SAMPLES / "enterprise_a.xlsx", SAMPLES / "enterprise_b.csv"
    return [
        ["validate", a, "--annotate", out / "annotated.xlsx"],
        ["validate", b, "--annotate", out / "annotated_b.xlsx"],
        ["assign", a, b, "--catalog", SAMPLES / "catalog.csv", "-o", out / "assigned.xlsx"],
        ["assign", a, b, "--catalog", SAMPLES / "catalog.csv", "-o", out / "assigned.csv"],
        ["template", "-o", out / "template.xlsx"],
    ]


def _second(out: Path) -> list[list]:
    return [
        ["render-forms", out / "assigned.xlsx", "--out-dir", out / "forms", "--date", AS_OF],
        ["acceptance-report", out / "assigned.xlsx", "--targets", SAMPLES / "targets.csv", "--roster", SAMPLES / "roster.csv",
         "--as-of", AS_OF, "-o", out / "acceptance.xlsx", "-o", out / "acceptance.html"],
    ]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory, sandbox):
    """The sample pipeline run twice into the same place; the trees after each run."""
    out = tmp_path_factory.mktemp("pipeline")
    trees = []
    for _ in range(2):
        for step in (_pipeline(out), _second(out)):
            for r in sandbox.run_many(step):
                assert r.rc in (0, 1), r.describe()
        trees.append(_tree(out))
    return out, trees


def test_reruns_are_byte_identical(pipeline):
    out, (first, second) = pipeline
    assert {"annotated.xlsx", "assigned.xlsx", "assigned.csv", "template.xlsx", "acceptance.xlsx", "acceptance.html",
            "forms/manifest.json"} <= set(first)
    assert first == second


def test_personal_data_files_are_owner_only(pipeline):
    out, _ = pipeline
    for p in out.rglob("*"):
        mode = stat.S_IMODE(p.stat().st_mode)
        if p.is_dir() and p != out:
            assert mode == 0o700, p
        elif p.is_file():
            assert mode == 0o600, p


# ---------------------------------------------------------------------------------------------
# Formula injection and HTML escaping in everything we write
# ---------------------------------------------------------------------------------------------

EVIL = ["=HYPERLINK(\"http://evil.example/\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "  =1+1", "\t=2+2"]
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def evil_run(tmp_path_factory, sandbox):
    d = tmp_path_factory.mktemp("evil")
    people = [person(1, 姓名=EVIL[0], 联系电话=EVIL[3]),
              person(2, 姓名=EVIL[1], 现居住地址="扬州市广陵区汶河街道四望亭路1号" + EVIL[4]),
              person(3, 姓名=SCRIPT, 养老金标准=EVIL[2]),
              person(4, 姓名="张四", 联系电话=EVIL[5], 性别="女")]
    src = write_csv(d / "evil.csv", people, "utf-8")
    out = d / "out"
    ent = ["--enterprise", "@甲厂" + SCRIPT]
    first = sandbox.run_many([
        ["validate", src, "--annotate", out / "annotated.xlsx", *ent],
        ["assign", src, "--catalog", SAMPLES / "catalog.csv", "-o", out / "assigned.xlsx", *ent],
        ["assign", src, "--catalog", SAMPLES / "catalog.csv", "-o", out / "assigned.csv", *ent],
    ])
    second = sandbox.run_many([
        ["render-forms", out / "assigned.xlsx", "--out-dir", out / "forms", "--date", AS_OF],
        ["acceptance-report", out / "assigned.xlsx", "--roster", SAMPLES / "roster.csv", "--as-of", AS_OF,
         "-o", out / "acceptance.xlsx", "-o", out / "acceptance.html"],
    ])
    for r in first + second:
        assert r.rc in (0, 1), r.describe()
    return out


def _xlsx_strings(path: Path, sheets: list[str] | None = None):
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if sheets is not None and ws.title not in sheets:
            continue
        for row in ws.iter_rows():
            for c in row:
                yield ws.title, c


def test_formula_injection_neutralised_in_every_xlsx_and_csv(evil_run):
    out = evil_run
    xlsx = [(out / "annotated.xlsx", ["问题清单"]), (out / "assigned.xlsx", None), (out / "acceptance.xlsx", None),
            *[(p, None) for p in (out / "forms").rglob("*.xlsx")]]
    assert len(xlsx) >= 4
    seen_escaped = 0
    for path, sheets in xlsx:
        for title, c in _xlsx_strings(path, sheets):
            if c.data_type == "f":  # only our own totals are formulas
                assert OWN_FORMULA.match(str(c.value)), (path.name, title, c.coordinate, c.value)
                continue
            if isinstance(c.value, str):
                assert not FORMULA.match(c.value), (path.name, title, c.coordinate, c.value)
                seen_escaped += c.value.startswith("'")
    with open(out / "assigned.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            for v in row:
                assert not FORMULA.match(v), v
                seen_escaped += v.startswith("'")
    assert seen_escaped >= 8  # the evil values are there, escaped


def test_html_is_escaped(evil_run):
    out = evil_run
    pages = [out / "acceptance.html", *(out / "forms").rglob("*.html")]
    assert len(pages) > 3
    found = 0
    for p in pages:
        text = p.read_text(encoding="utf-8")
        assert SCRIPT not in text, p
        found += "&lt;script&gt;" in text
    assert found >= 2


# ---------------------------------------------------------------------------------------------
# Masking in every human-facing output
# ---------------------------------------------------------------------------------------------

def _sample_pii() -> set[str]:
    """The ID numbers, bank accounts and phones of the sample inputs, as written there."""
    from retiree_tools.io.tables import read_text_table

    want = ("身份证", "公民身份号码", "存折", "账号", "电话", "手机")
    out: set[str] = set()
    for path in (SAMPLES / "enterprise_a.xlsx", SAMPLES / "enterprise_b.csv", SAMPLES / "roster.csv"):
        rows = read_text_table(path)
        head_i = next(i for i, r in enumerate(rows) if any(c and "姓名" in c for c in r))
        cols = [j for j, h in enumerate(rows[head_i]) if h and any(w in h for w in want)]
        for r in rows[head_i + 1:]:
            for j in cols:
                v = (r[j] or "").strip() if j < len(r) else ""
                for part in re.split(r"[\s/,，;；、]+", v):
                    if len(re.sub(r"\D", "", part)) >= 7:  # skip short and blank values
                        out.add(part)
    return out


def test_pii_masked_in_every_command_unless_show_pii(tmp_path, sandbox):
    pii = _sample_pii()
    assert len(pii) > 500
    a, b = SAMPLES / "enterprise_a.xlsx", SAMPLES / "enterprise_b.csv"
    out = tmp_path
    base = [
        ["validate", a, b],
        ["validate", a, b, "--verbose", "--max-rows", "1000"],
        ["validate", a, b, "--format", "json"],
        ["assign", a, b, "--catalog", SAMPLES / "catalog.csv", "-o", out / "assigned.xlsx"],
        ["assign", a, b, "--catalog", SAMPLES / "catalog.csv", "--format", "json", "--max-rows", "1000", "--verbose"],
    ]
    later = [
        ["render-forms", out / "assigned.xlsx", "--out-dir", out / "forms"],
        ["render-forms", out / "assigned.xlsx", "--out-dir", out / "forms2", "--format", "json"],
        ["acceptance-report", out / "assigned.xlsx", "--targets", SAMPLES / "targets.csv", "--roster",
         SAMPLES / "roster.csv", "--as-of", AS_OF, "--max-rows", "1000", "--verbose"],
        ["acceptance-report", out / "assigned.xlsx", "--targets", SAMPLES / "targets.csv", "--roster",
         SAMPLES / "roster.csv", "--as-of", AS_OF, "--format", "json"],
    ]
    results = sandbox.run_many(base) + sandbox.run_many(later)
    for r in results:
        assert r.rc in (0, 1), r.describe()
        leaked = sorted(v for v in pii if v in r.stderr or v in r.stdout)
        assert not leaked, (r.argv[:1], leaked[:5])
    # --show-pii lifts it: the same commands then show the real numbers
    shown = sandbox.run_many([
        ["validate", a, b, "--show-pii", "--verbose"],
        ["validate", a, b, "--format", "json", "--show-pii"],
        ["assign", a, b, "--catalog", SAMPLES / "catalog.csv", "--format", "json", "--show-pii"],
        ["acceptance-report", out / "assigned.xlsx", "--roster", SAMPLES / "roster.csv", "--as-of", AS_OF, "--show-pii",
         "--verbose"],
    ])
    for r in shown:
        assert r.rc in (0, 1), r.describe()
        assert any(v in r.stderr or v in r.stdout for v in pii), r.argv[:1]
    # and the files for the office keep them in full (the clerk needs them)
    doc = json.loads(results[2].stdout)
    assert doc["files"]
