"""Property-based: random cell contents (any Unicode, numbers, dates, blanks, huge strings) in
every column of a real written workbook → ``validate`` and ``assign`` never raise, and every
finding is well formed (a known code, a severity, and for a row-level finding a row below the
header and an Excel column letter). The check characters against python-stdnum and the
idempotence of normalisation are in test_rules.py."""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retiree_tools.findings.codes import CODES
from retiree_tools.policy import load_policy
from retiree_tools.validate.run import Options, validate_paths

from support.factory import HEADERS, TITLE, person

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
_COLUMN = re.compile(r"^[A-Z]{1,3}$")
# characters an xlsx cannot hold (openpyxl refuses them); a CSV gets them all
_XML_BAD = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]

texts = st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters=_XML_BAD), max_size=40)
cells = st.one_of(
    st.none(),
    texts,
    st.sampled_from(["", " ", "　", "=1+1", "-", "@SUM(A1)", "男", "女", "有", "无", "√", "1960.05", "196005",
                     "1960年5月", "3.21002E+17", "３２１００２", "321002195503150011", "6228480123456789012"]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)),
    st.text(alphabet="甲乙丙丁0123456789X", min_size=1, max_size=4).map(lambda t: (t * 33_000)[:33_000]),  # > Excel's limit
)
rows = st.lists(st.lists(cells, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1, max_size=4)
PROPS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example,
                                                                          HealthCheck.data_too_large])


def _write_xlsx(path: Path, data: list[list]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "移交名单"
    ws.append([TITLE])
    ws.append(HEADERS)
    ws.append(person(1))  # one clean person, so files are never all-garbage
    for r in data:
        ws.append([None if isinstance(v, float) and v != v else v for v in r])
    wb.save(path)
    return path


def _write_csv(path: Path, data: list[list], encoding: str) -> Path:
    with open(path, "w", encoding=encoding, errors="replace", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([TITLE])
        w.writerow(HEADERS)
        w.writerow(person(1))
        w.writerows([["" if v is None else v for v in r] for r in data])
    return path


_HEADER_CODES = {"column-guessed", "duplicate-column", "id-column-numeric", "missing-column", "column-ignored"}


def check_report(report) -> None:
    for fr in report.files:
        header = fr.header_row
        s = fr.summary()
        assert s["people"] >= s["people_with_errors"], s  # a finding about the header is no person
        for f in fr.findings:
            assert f.code in CODES, f.code
            assert f.severity in ("error", "warning", "info")
            assert f.message
            if f.column is not None:
                assert _COLUMN.match(f.column), f
            if f.row is not None and f.column is not None and header is not None:
                # a person's cell is below the header; the header's own cells carry what was
                # understood of the columns
                assert f.row >= header + 1 or (f.row == header and f.code in _HEADER_CODES), (f, header)


@pytest.fixture(scope="module")
def catalog():
    from retiree_tools.assign.catalog import load_catalog

    return load_catalog(SAMPLES / "catalog.csv")


def _assign_all(path: Path, catalog) -> int:
    from retiree_tools.assign.contract import KEYS
    from retiree_tools.assign.run import AssignResult, iter_assigned

    result = AssignResult()
    n = 0
    for frame in iter_assigned([path], catalog, load_policy(), Options(), result):
        assert list(frame.columns)[: len(KEYS)] == KEYS or set(KEYS) <= set(frame.columns)
        assert set(frame["status"]) <= {"assigned", "excluded", "review", "rejected"}
        n += len(frame)
    check_report(type("R", (), {"files": result.files})())
    return n


@PROPS
@given(data=rows)
def test_random_cells_in_xlsx_never_raise(data, catalog):
    with tempfile.TemporaryDirectory() as d:
        path = _write_xlsx(Path(d) / "r.xlsx", data)
        report = validate_paths([path], load_policy(), Options())
        check_report(report)
        assert report.files[0].header_row == 2
        assert _assign_all(path, catalog) == report.files[0].people


@PROPS
@given(data=st.lists(st.lists(st.one_of(st.none(), st.text(max_size=30), st.integers()), min_size=len(HEADERS),
                              max_size=len(HEADERS) + 3), min_size=1, max_size=4),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_random_cells_in_csv_never_raise(data, encoding, catalog):
    """CSV carries anything: control characters, NUL, surrogate-free Unicode, ragged rows."""
    with tempfile.TemporaryDirectory() as d:
        path = _write_csv(Path(d) / "r.csv", data, encoding)
        report = validate_paths([path], load_policy(), Options())
        check_report(report)
        _assign_all(path, catalog)


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=rows)
def test_random_cells_through_the_cli(data, tmp_path_factory):
    """The same through the command line (sandboxed): exit 0 or 1, no traceback, JSON parses,
    the written files open."""
    import json

    import openpyxl

    from hostile.sandbox import shared

    d = tmp_path_factory.mktemp("prop")
    path = _write_xlsx(d / "r.xlsx", data)
    sandbox = shared(tmp_path_factory.getbasetemp() / "sandbox-props")
    v, a = sandbox.run_many([["validate", path, "--format", "json", "--annotate", d / "ann.xlsx"],
                             ["assign", path, "--catalog", SAMPLES / "catalog.csv", "-o", d / "out.xlsx", "--format", "json"]])
    for r in (v, a):
        assert r.rc in (0, 1), r.describe()
        assert "Traceback" not in r.stderr
        json.loads(r.stdout)
    openpyxl.load_workbook(d / "ann.xlsx")
    openpyxl.load_workbook(d / "out.xlsx")
