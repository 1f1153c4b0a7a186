"""Every finding code has one home, one case built from a real input file, and a case that
fails when the code's emission is taken away.

``CASES`` holds one entry per code of ``CODES``: an input written into ``tmp_path`` (an xlsx
written by openpyxl for the row rules, a CSV, a hand-made zip or OLE file, a catalogue,
targets or policy file) and the library call that reads it, with the exact cell the finding
must name. :func:`run_case` runs one and says whether the expected finding (or input error) is
there; :func:`test_code_is_reported` asserts it is, at that cell only, and that the input gives
no code it does not declare; :func:`test_each_case_fails_without_its_rule` drops the code where
the library emits it (:func:`drop_code`) and asserts that the same check then finds it
missing. ``scripts/mutate_rules.py`` does the same by editing a copy of the source tree.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import openpyxl
import pytest

from retiree_tools import InputError, Options, assign_paths, load_policy, validate_paths
from retiree_tools.acceptance.inputs import read_targets
from retiree_tools.assign.catalog import load_catalog
from retiree_tools.findings import model
from retiree_tools.findings.codes import CODES, homes
from retiree_tools.findings.model import Finding, column_letter
from retiree_tools.validate.rules.base import Emitter

from hostile.make_corpus import MiB, bomb, encrypted_ole, sheet_xml, write_zip, xlsx_parts
from support.factory import FILLER, HEADERS, TITLE, make_id, person, write_csv, write_openpyxl
from support.paths import SAMPLES

TODAY = dt.date(2026, 11, 23)
COL = {h: column_letter(i) for i, h in enumerate(HEADERS)}  # header → column letter (A = 序号)
HEADER_ROW = 3  # write_openpyxl and write_csv: two title rows, then the header
FIRST = 4  # the Excel row of the first person
NEXT = len(HEADERS)  # the index of a column added after the factory's columns (V)
ID1 = person(1)[HEADERS.index("身份证号码")]  # the first person's (valid) ID


def test_factory_layout_is_what_the_cases_assume():
    assert (COL["姓名"], COL["身份证号码"], COL["现居住地址"], COL["存折复印件"]) == ("B", "D", "L", "U")
    assert column_letter(NEXT) == "V"


# ---------------------------------------------------------------------------------------------
# What a run shows: findings of the file's report, or the input error that stopped the call
# ---------------------------------------------------------------------------------------------

class Seen(NamedTuple):
    code: str
    row: int | None
    column: str | None
    why: str | None = None  # an input error's reason key (or its problems' keys)


def _why(exc: InputError) -> str | None:
    return exc.reason or ",".join(p.key for p in exc.problems) or None


def _findings(path: Path, **options) -> list[Seen]:
    report = validate_paths([path], options=Options(today=TODAY, **options))
    return [Seen(f.code, f.row, f.column, f.params.get("reason")) for fr in report.files for f in fr.findings]


def _raised(call: Callable[[], object]) -> list[Seen]:
    try:
        call()
    except InputError as exc:
        return [Seen(exc.code, None, None, _why(exc))]
    return []


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------

def _sheet(path: Path, lines: list[list]) -> Path:
    """An openpyxl workbook holding ``lines`` from A1 (every value as given)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in lines:
        ws.append(line)
    wb.save(path)
    return path


def _table(path: Path, headers: list[str], rows: list[list]) -> Path:
    """The factory's layout (two title rows, the header in row 3) with other columns."""
    return _sheet(path, [[TITLE], [FILLER], headers, *rows])


def _without(header: str) -> Callable[[Path], list[Seen]]:
    def run(d: Path) -> list[Seen]:
        j = HEADERS.index(header)
        row = person(1)
        return _findings(_table(d / "in.xlsx", HEADERS[:j] + HEADERS[j + 1:], [row[:j] + row[j + 1:]]))
    return run


def _with_column(header: str, value: str) -> Callable[[Path], list[Seen]]:
    return lambda d: _findings(_table(d / "in.xlsx", [*HEADERS, header], [[*person(1), value]]))


def _people(*rows: list, **write) -> Callable[[Path], list[Seen]]:
    return lambda d: _findings(write_openpyxl(d / "in.xlsx", list(rows), **write))


def _garbage(d: Path) -> list[Seen]:
    path = d / "in.xlsx"
    path.write_bytes(b"\x00\x01 not a workbook \xff\xfe" * 64)
    return _findings(path)


def _long_cell(d: Path) -> list[Seen]:
    """A cell longer than Excel lets a cell be: what a CSV (an export of another system) can hold."""
    return _findings(write_csv(d / "in.csv", [person(1, 现居住地址="扬州市广陵区" + "长" * 40_000)], "utf-8"))


def _hostile(d: Path) -> list[Seen]:
    """A well-formed sheet of the factory's rows whose XML declares a DTD (a harmless entity)."""
    sheet = sheet_xml([HEADERS, [str(v) for v in person(1)]])
    sheet = sheet.replace(b"?>\n", b'?>\n<!DOCTYPE worksheet [<!ENTITY e "x">]>', 1)
    return _findings(write_zip(d / "in.xlsx", xlsx_parts(sheet)))


def _annotate_too_large(d: Path) -> list[Seen]:
    """A clean roster sheet and 200 instruction sheets, validated with --annotate: past the
    copy's 200-sheet limit, so validated without a copy."""
    from hostile.heavy import many_sheets

    path = many_sheets(d / "in.xlsx", [HEADERS, [str(v) for v in person(1)]], n=201)
    try:
        report = validate_paths([path], options=Options(today=TODAY), annotate=d / "out.xlsx")
    except InputError as exc:  # the code taken away (test_each_case_fails_without_its_rule)
        return [Seen(exc.code, None, None, _why(exc))]
    assert not (d / "out.xlsx").exists()
    return [Seen(f.code, f.row, f.column, f.params.get("reason")) for fr in report.files for f in fr.findings]


def _html_export(d: Path) -> list[Seen]:
    """The factory's layout as a web export's HTML table (GBK) saved as in.xls."""
    def tr(cells: list, tag: str = "td") -> str:
        return "<tr>" + "".join(f"<{tag}>{'' if v is None else v}</{tag}>" for v in cells) + "</tr>\n"
    rows = [f'<tr><td colspan="{len(HEADERS)}">{TITLE}</td></tr>\n', tr([FILLER]), tr(HEADERS, "th"), tr(person(1))]
    path = d / "in.xls"
    path.write_bytes(f'<html><head><meta charset="gbk"></head><body><table>{"".join(rows)}</table></body></html>'.encode("gbk"))
    return _findings(path)


def _renamed(old: str, new: str, **over) -> Callable[[Path], list[Seen]]:
    """The factory's workbook with the column ``old`` headed ``new`` instead."""
    def run(d: Path) -> list[Seen]:
        headers = [new if h == old else h for h in HEADERS]
        return _findings(_table(d / "in.xlsx", headers, [person(i, **over) for i in range(1, 5)]))
    return run


def _instructions_first(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["身份证号码一列请设为文本格式，不要输入空格或者其他字符。"])
    ws = wb.create_sheet("名单")
    for line in [[TITLE], [FILLER], HEADERS, person(1)]:
        ws.append(line)
    wb.save(path)
    return path


def _header_not_found(d: Path) -> list[Seen]:
    return _findings(_sheet(d / "in.xlsx", [[TITLE], ["甲", "乙", "丙"], ["1", "2", "3"]]))


def _catalog(d: Path) -> list[Seen]:
    path = d / "catalog.csv"
    path.write_text("code,name,level,parent_code\n321000,扬州市,city,\n321002,广陵区,county,321000\n"
                    ",东关街道,street,321002\n", encoding="utf-8")
    return _raised(lambda: load_catalog(path))


def _targets(d: Path) -> list[Seen]:
    path = d / "targets.csv"
    path.write_text("scope,key,name,target\nenterprise,91321000MA1MXK4T07,扬州市红旗机械厂,-5\n", encoding="utf-8")
    return _raised(lambda: read_targets(path))


def _policy(d: Path) -> list[Seen]:
    path = d / "policy.toml"
    path.write_text('name = "本地政策"\nunknown_key = 1\n', encoding="utf-8")
    return _raised(lambda: load_policy(path))


def _output_is_input(d: Path) -> list[Seen]:
    path = write_openpyxl(d / "in.xlsx", [person(1)])
    return _raised(lambda: validate_paths([path], options=Options(today=TODAY), annotate=path))


def _output_failed(d: Path) -> list[Seen]:
    path = write_openpyxl(d / "in.xlsx", [person(1)])
    (d / "note.txt").write_text("a file, not a folder", encoding="utf-8")
    return _raised(lambda: assign_paths([path], SAMPLES / "catalog.csv", output=d / "note.txt" / "assigned.xlsx"))


def _ledger_submits(d: Path, second: list) -> list[Seen]:
    """A ledger with one person of 扬州市甲厂, then ``second`` submitted by 扬州市乙厂: the
    campaign-wide findings of that submit."""
    from retiree_tools.ledger.documents import init_ledger
    from retiree_tools.ledger.submit import submit_paths

    db = str(d / "ledger.sqlite")
    init_ledger(db, SAMPLES / "catalog.csv")
    first = write_csv(d / "a.csv", [person(1)], "utf-8", title_rows=False)
    submit_paths([first], db, Options(today=TODAY, enterprise="扬州市甲厂"))
    other = write_csv(d / "b.csv", second, "utf-8", title_rows=False)
    done = submit_paths([other], db, Options(today=TODAY, enterprise="扬州市乙厂"))
    return [Seen(f.code, f.row, f.column) for f in done.findings]


def _ledger_missing(d: Path) -> list[Seen]:
    from retiree_tools.ledger.engine import open_ledger

    return _raised(lambda: open_ledger(d / "nowhere.sqlite"))


def _ledger_foreign(d: Path) -> list[Seen]:
    import sqlite3

    from retiree_tools.ledger.engine import open_ledger

    con = sqlite3.connect(d / "other.sqlite")
    con.execute("CREATE TABLE accounts (id INTEGER)")
    con.commit()
    con.close()
    return _raised(lambda: open_ledger(d / "other.sqlite"))


def _usage(d: Path) -> list[Seen]:
    path = write_openpyxl(d / "in.xlsx", [person(1)])
    return _raised(lambda: assign_paths([path], SAMPLES / "catalog.csv", output=d / "assigned.txt"))


# ---------------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    what: str  # the input, in words
    run: Callable[[Path], list[Seen]]  # writes the input under the directory, runs the library
    row: int | None = None  # where the finding must be (None: the file, or an input error)
    column: str | None = None
    why: str | None = None  # the reason key the input error must give, where it has one
    also: frozenset[str] = frozenset()  # other codes the input cannot help giving


def cell(header: str, value, what: str, at: str | None = None, **write) -> Case:
    """One person whose cell under ``header`` is ``value``: the finding is at that cell (or in
    the column headed ``at``, in the same row)."""
    return Case(what, _people(person(1, **{header: value}), **write), FIRST, COL[at or header])


CASES: dict[str, Case] = {
    # ---- file and sheet level ----
    "file-unreadable": Case("garbage bytes named in.xlsx", _garbage, why="error.not_valid_suffix"),
    "file-encrypted": Case("an OLE compound file with EncryptionInfo/EncryptedPackage streams (make_corpus)",
                           lambda d: _findings(encrypted_ole(d / "in.xlsx"))),
    "file-empty": Case("an openpyxl workbook with nothing in its sheet",
                       lambda d: _findings(_sheet(d / "in.xlsx", []))),
    "file-too-large": Case("a zip bomb: a sheet inflating to 32 MiB at ~350:1 (make_corpus.bomb)",
                           lambda d: _findings(bomb(d / "in.xlsx", 32 * MiB)), why="error.ratio"),
    "file-hostile": Case("the factory's rows as sheet XML that declares a DOCTYPE",
                         _hostile, why="error.dtd"),
    "file-format-noted": Case("the factory's rows as an HTML table (a web export) saved as in.xls", _html_export),
    "annotate-too-large": Case("a roster and 200 instruction sheets under --annotate (the copy takes 200)",
                               _annotate_too_large, why="error.annotate_sheets",
                               also=frozenset({"sheet-skipped", "enterprise-unknown"})),
    "sheet-not-found": Case("a clean workbook read with Options(sheet='nope')",
                            lambda d: _findings(write_openpyxl(d / "in.xlsx", [person(1)]), sheet="nope")),
    "column-guessed": Case("联系电话 headed 本人手机 (not an alias: read by the words 手机 + 本人)",
                           _renamed("联系电话", "本人手机"), HEADER_ROW, COL["联系电话"]),
    "column-ignored": Case("an extra column 退休证编号 holding numbers no field takes",
                           lambda d: _findings(_table(d / "in.xlsx", [*HEADERS, "退休证编号"],
                                                      [[*person(i), f"TX{i:05d}"] for i in range(1, 5)])),
                           HEADER_ROW),
    "row-not-person": Case("a footer laid across the cells under the people: 填表人 / 联系电话 (in the ID column) / 填报日期",
                           lambda d: _findings(_table(d / "in.xlsx", HEADERS, [person(1), person(2), [
                               "填表人：王芳", None, None, "联系电话：0514-87654321", None, None, "填报日期：2025年6月30日"]])),
                           FIRST + 2, None),
    "category-from-group": Case("a group row （二）离休人员 above a person who leaves 人员类别 blank",
                                lambda d: _findings(_table(d / "in.xlsx", HEADERS, [
                                    person(1), ["（二）离休人员"], person(2, 人员类别=None)])),
                                FIRST + 1, None, also=frozenset({"row-not-person", "not-transferable"})),
    "sheet-skipped": Case("a 填表说明 sheet of sentences before the roster sheet",
                          lambda d: _findings(_instructions_first(d / "in.xlsx"))),
    "header-not-found": Case("a title and rows 甲/乙/丙, 1/2/3: no row names a field", _header_not_found),
    "missing-column": Case("the factory's workbook without its 姓名 column", _without("姓名"), HEADER_ROW),
    "duplicate-column": Case("a second ID column 公民身份号码 (an alias of 身份证号码) after the others",
                             _with_column("公民身份号码", ID1), HEADER_ROW, column_letter(NEXT)),
    "enterprise-unknown": Case("no title rows (no 填报单位) and no enterprise column",
                               _people(person(1), title_rows=False)),
    "value-too-long": Case("a UTF-8 CSV whose 现居住地址 holds 40,006 characters (Excel's limit is 32,767)",
                           _long_cell, FIRST, COL["现居住地址"]),
    # ---- person level ----
    "missing-value": cell("姓名", None, "姓名 blank"),
    "location-missing": Case("户籍所在地, 医保关系所在地 and 现居住地址 all blank (each is also a missing-value)",
                             _people(person(1, 户籍所在地=None, 医保关系所在地=None, 现居住地址=None)),
                             FIRST, COL["医保关系所在地"], also=frozenset({"missing-value"})),
    "id-format": cell("身份证号码", "3210021955031", "a 13-digit ID"),
    "id-checksum": cell("身份证号码", ID1[:-1] + ("1" if ID1[-1] == "0" else "0"), "the ID with a wrong check character"),
    "id-birthdate": cell("身份证号码", make_id("321002", "19551345", 1, True), "a checksum-valid ID born in month 13"),
    "id-precision-lost": Case("the ID as a number cell, 15 significant digits as Excel keeps it",
                              _people(person(1, 身份证号码=float(round(int(ID1), -3))), id_as_text=False),
                              FIRST, COL["身份证号码"], also=frozenset({"id-column-numeric"})),
    "id-column-numeric": Case("two of three IDs stored as number cells (their last digits cut)",
                              _people(person(1, 身份证号码=float(round(int(ID1), -3))),
                                      person(2, 身份证号码=float(round(int(person(2)[HEADERS.index("身份证号码")]), -3))),
                                      person(3), id_as_text=False),
                              HEADER_ROW, COL["身份证号码"], also=frozenset({"id-precision-lost"})),
    "id-legacy": cell("身份证号码", "321002550315003", "a 15-digit ID (same area, birth and gender)"),
    "id-area-unknown": cell("身份证号码", make_id("329999", "19550315", 1, True), "a checksum-valid ID of area 329999"),
    "id-duplicate": Case("two people with the same ID: the second is the duplicate",
                         _people(person(1), person(2, 身份证号码=ID1)), FIRST + 1, COL["身份证号码"]),
    "birthdate-mismatch": cell("出生年月", "1956.03", "出生年月 1956.03, the ID says 1955-03-15"),
    "gender-mismatch": cell("性别", "女", "性别 女 with a man's ID"),
    "date-invalid": cell("参加工作时间", "1973年13月", "参加工作时间 in month 13"),
    "date-future": cell("退休时间", "2030.01", "退休时间 2030.01 (today is 2026-11-23)"),
    "date-order": cell("参加工作时间", "2016.01", "参加工作时间 2016.01 after 退休时间 2015.03 (reported on the later one)",
                       at="退休时间"),
    "retirement-age": cell("退休时间", "2000.03", "a man born 1955-03 retiring 2000-03, at 45"),
    "age-implausible": Case("someone born 1900-01-15 (valid ID, dates consistent): 126 at 2026-11",
                            _people(person(1, birth="19000115")), FIRST, COL["身份证号码"]),
    "value-interpreted": cell("人员类别", "正常退休", "人员类别 正常退休 (read as 企业退休人员 by the policy's rules)"),
    "invalid-choice": cell("人员类别", "临时工", "人员类别 临时工"),
    "number-invalid": cell("养老金标准", "abc", "养老金标准 abc"),
    "number-range": cell("养老金标准", 0, "养老金标准 0 (range 100–50000)"),
    "phone-invalid": cell("联系电话", "123", "联系电话 123"),
    "account-invalid": cell("养老金存折账号", "12ab", "养老金存折账号 12ab"),
    "account-precision-lost": cell("养老金存折账号", 6.22848012345678e18, "养老金存折账号 as the number 6.22848012345678E+18"),
    "credit-code-invalid": Case("a 统一社会信用代码 column holding 91321000MA1MXK4T08 (check character should be 7)",
                                _with_column("统一社会信用代码", "91321000MA1MXK4T08"), FIRST, column_letter(NEXT)),
    "document-missing": cell("移交协议书", "否", "移交协议书 否"),
    "not-transferable": cell("人员类别", "离休人员", "人员类别 离休人员"),
    # ---- side files and usage: input errors ----
    "catalog-invalid": Case("catalogue CSV whose third unit has an empty code", _catalog, why="error.catalog_empty_code"),
    "targets-invalid": Case("targets CSV with a target of -5", _targets, why="error.targets_count"),
    "policy-invalid": Case("policy TOML with a top-level key unknown_key", _policy, why="error.policy_key"),
    "output-is-input": Case("validate_paths([in.xlsx], annotate=in.xlsx)", _output_is_input),
    "output-failed": Case("assign_paths([in.xlsx], catalog, output='note.txt/assigned.xlsx') through a file",
                          _output_failed, why="error.os.not_dir"),
    "usage": Case("assign_paths([in.xlsx], catalog, output='assigned.txt')", _usage, why="error.output_suffix"),
    # ---- the campaign ledger ----
    "ledger-missing": Case("open_ledger of a SQLite path where no ledger is", _ledger_missing, why="error.ledger_missing"),
    "ledger-invalid": Case("open_ledger of a SQLite database of another program", _ledger_foreign,
                           why="error.ledger_foreign"),
    "ledger-duplicate": Case("person 1 submitted by 扬州市甲厂, then the same ID by 扬州市乙厂",
                             lambda d: _ledger_submits(d, [person(1)])),
    "ledger-possible-duplicate": Case("person 1 by 扬州市甲厂, then person 11 (same name and birth date, other ID) by 扬州市乙厂",
                                      lambda d: _ledger_submits(d, [person(11)])),
}


# ---------------------------------------------------------------------------------------------
# Running a case
# ---------------------------------------------------------------------------------------------

class Outcome(NamedTuple):
    present: bool  # the expected finding (or input error) is there
    expected: Seen
    seen: list[Seen]


def run_case(code: str, where: Path) -> Outcome:
    """Write ``code``'s input under ``where``, run it, and say whether its finding is there:
    the code at the case's row and column (and with its reason, where the case names one)."""
    case = CASES[code]
    where.mkdir(parents=True, exist_ok=True)
    seen = case.run(where)
    expected = Seen(code, case.row, case.column, case.why)
    present = any(s[:3] == expected[:3] and (case.why is None or s.why == case.why) for s in seen)
    return Outcome(present, expected, seen)


def test_every_code_has_exactly_one_home():
    home = homes()
    assert {code: modules for code, modules in home.items() if len(modules) != 1} == {}
    assert sorted(set(CODES) - set(home)) == [], "codes no module declares in its EMITS"
    assert sorted(set(home) - set(CODES)) == [], "EMITS names codes that are not in CODES"


def test_every_code_has_a_case():
    assert set(CASES) == set(CODES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_code_is_reported(code, tmp_path):
    out = run_case(code, tmp_path)
    assert out.present, f"{code}: expected {out.expected}, got {out.seen}"
    # at that cell only, once, and the input gives no other code than the case declares
    assert [s[:3] for s in out.seen if s.code == code] == [out.expected[:3]], out.seen
    assert {s.code for s in out.seen} - {code} <= CASES[code].also, out.seen


# ---------------------------------------------------------------------------------------------
# Without the rule, the case fails
# ---------------------------------------------------------------------------------------------

DROPPED = "dropped-by-test"  # what a dropped code becomes where a finding or an error must still be made


def drop_code(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    """Take ``code`` out of the library wherever it is emitted:

    - :meth:`Emitter.emit` (the row rules) returns without a finding for it;
    - ``finding_builder`` — which ``make_finding`` builds with, and which every module that
      imported it by name holds — makes a ``DROPPED`` finding instead (a caller appends what
      it gets, so nothing can be left out there);
    - an :class:`InputError` of the code carries ``DROPPED`` as its code.
    """
    emit = Emitter.emit

    def emit_without(self, c, *args, **kwargs):
        if c == code:
            return None
        return emit(self, c, *args, **kwargs)

    monkeypatch.setattr(Emitter, "emit", emit_without)

    builder = model.finding_builder

    def builder_without(c, *args, **kwargs):
        if c not in (code, DROPPED):
            return builder(c, *args, **kwargs)

        def build(row, value, params):
            return Finding(code=DROPPED, severity="info", row=row, column=kwargs.get("column"),
                           header=kwargs.get("header"), field=kwargs.get("field"), params=params)
        return build

    holders = [m for name, m in list(sys.modules.items())
               if name.startswith("retiree_tools") and getattr(m, "finding_builder", None) is builder]
    assert model in holders
    for m in holders:
        monkeypatch.setattr(m, "finding_builder", builder_without)

    init = InputError.__init__

    def init_without(self, c, *args, **kwargs):
        init(self, code if c == DROPPED else c, *args, **kwargs)
        if c in (code, DROPPED):
            self.code = DROPPED

    monkeypatch.setattr(InputError, "__init__", init_without)


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_case_fails_without_its_rule(code, tmp_path, monkeypatch):
    intact = run_case(code, tmp_path / "intact")
    assert intact.present
    drop_code(monkeypatch, code)
    mutant = run_case(code, tmp_path / "mutant")
    assert not mutant.present, f"{code} is still reported with its emission dropped: {mutant.seen}"
    # only that code went: everything else the input gives is unchanged
    assert [s for s in mutant.seen if s.code != DROPPED] == [s for s in intact.seen if s.code != code]
