"""Intake that generalises: header wordings, category words, marks, 政治面貌 values and non-person
rows the recogniser was not built from (tests/support/intake_variants.py: a *known* part and a
*held-back* part that appears nowhere in src/ or the policy), and messy workbooks from several
writers with injected errors (tests/support/messy.py).

Held-back failures are reported as counts only: their wordings must not flow into the lexicon."""

from __future__ import annotations

import pytest

from retiree_tools import Options, validate_paths
from retiree_tools.domain.text import clean_value
from retiree_tools.validate.recognise import recognise

from support import intake_variants as V
from support.factory import HEADERS, TITLE, person

BODY_ROWS = 8


def _sheet_fields(policy) -> list[str]:
    return [policy.header_index[h] for h in HEADERS]


def _read_as(policy, field: str, wording: str) -> str | None:
    """The field the recogniser gives the column of ``field`` when it is headed ``wording``
    (the other columns canonical, the values those of eight real people)."""
    fields = _sheet_fields(policy)
    heads = list(HEADERS)
    body = [list(map(lambda v: None if v is None else str(v), person(i))) for i in range(1, BODY_ROWS + 1)]
    if field in fields:
        j = fields.index(field)
        heads[j] = wording
    else:  # a field the factory does not write: an extra column with values that fit it
        j = len(heads)
        heads.append(wording)
        for k, row in enumerate(body):
            row.append(_extra_value(field, k))
    texts = {i: h for i, h in enumerate(heads)}
    columns, _, _ = recognise(policy, texts, body, 0)
    return next((f for f, c in columns.items() if c == j), None)


def _extra_value(field: str, k: int) -> str:
    return {"enterprise": "扬州市红旗机械厂", "credit_code": "91321000MA1MXK4T07", "post": "干部" if k % 2 else "工人",
            "cadre_level": "无", "provincial_pension": "否", "family_contact": f"王芳 1381234{k:04d}",
            "party_member": "是" if k % 3 else "否", "rehired": "否", "away_half_year": "否",
            "remarks": "", "seq": str(k + 1)}.get(field, "")


def _rate(policy, variants: dict[str, list[str]]) -> tuple[float, list[tuple[str, str, str | None]]]:
    misses, total = [], 0
    for field, words in variants.items():
        for w in words:
            total += 1
            got = _read_as(policy, field, w)
            if got != field:
                misses.append((field, w, got))
    return (1 - len(misses) / total if total else 1.0), misses


def test_known_header_wordings_are_recognised(policy):
    rate, misses = _rate(policy, V.KNOWN_HEADER_VARIANTS)
    assert rate >= 0.97, misses


def test_held_back_header_wordings_are_recognised(policy):
    """≥ 95% of the wordings the lexicon was not written from."""
    rate, misses = _rate(policy, V.HELD_BACK_HEADER_VARIANTS)
    assert rate >= 0.95, f"held back: {rate:.1%} recognised, {len(misses)} missed"


def _category_rate(policy, variants):
    misses = [(cat, w) for cat, words in variants.items() for w in words
              if policy.interpret_choice("category", clean_value(w))[0] != cat]
    total = sum(len(w) for w in variants.values())
    return 1 - len(misses) / total, misses


def test_category_words_are_recognised(policy):
    rate, misses = _category_rate(policy, V.KNOWN_CATEGORY_VARIANTS)
    assert rate >= 0.97, misses
    held, held_misses = _category_rate(policy, V.HELD_BACK_CATEGORY_VARIANTS)
    assert held >= 0.95, f"held back: {held:.1%} recognised, {len(held_misses)} missed"


def _marks(policy, field: str, values: dict[bool, list[str]]) -> list[str]:
    return [v for meaning, vs in values.items() for v in vs
            if policy.interpret_yesno(field, clean_value(v))[0] is not meaning]


def test_yes_no_marks_copies_and_party_values(policy):
    known_marks = {True: V.split(V.YES_MARKS)[0], False: V.split(V.NO_MARKS)[0]}
    held_marks = {True: V.split(V.YES_MARKS)[1], False: V.split(V.NO_MARKS)[1]}
    assert _marks(policy, "doc_file", known_marks) == []
    held_miss = _marks(policy, "doc_file", held_marks)
    assert len(held_miss) <= 0.05 * sum(map(len, held_marks.values())), f"held back: {len(held_miss)} marks missed"
    copies = {k: V.split(v)[0] for k, v in V.COPY_COUNTS.items()}
    assert _marks(policy, "doc_registration", copies) == []
    held_copies = {k: V.split(v)[1] for k, v in V.COPY_COUNTS.items()}
    assert _marks(policy, "doc_registration", held_copies) == [] or sum(map(len, held_copies.values())) > 20
    party = {k: V.split(v)[0] for k, v in V.PARTY_VALUES.items()}
    assert _marks(policy, "party_member", party) == []
    held_party = {k: V.split(v)[1] for k, v in V.PARTY_VALUES.items()}
    held_miss = _marks(policy, "party_member", held_party)
    assert len(held_miss) <= 0.05 * sum(map(len, held_party.values())), f"held back: {len(held_miss)} party values missed"


def test_gender_spellings(policy):
    def read(w):
        return policy.interpret_gender(clean_value(w))

    known = [w for c, ws in V.GENDER_VALUES.items() for w in V.split(ws)[0] if read(w) != c]
    assert known == []
    held = [w for c, ws in V.GENDER_VALUES.items() for w in V.split(ws)[1] if read(w) != c]
    assert len(held) <= 0.05 * sum(len(V.split(ws)[1]) for ws in V.GENDER_VALUES.values()), f"held back: {len(held)} missed"


@pytest.mark.parametrize("part", ["known", "held_back"])
def test_no_footer_row_becomes_a_person(tmp_path, part):
    """Every footer, total, group, column-number and repeated-header row, laid out across the
    cells as offices do, under real people: none is read as a person."""
    import openpyxl

    rows = V.KNOWN_FOOTER_ROWS if part == "known" else V.HELD_BACK_FOOTER_ROWS
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.append(["填报单位：扬州市红旗机械厂（盖章）"])
    ws.append(HEADERS)
    people = 0
    for k, footer in enumerate(rows):
        ws.append(person(2 * k + 1))
        ws.append(person(2 * k + 2))
        people += 2
        ws.append([None if v is None else v for v in footer])
    path = tmp_path / "footers.xlsx"
    wb.save(path)
    fr = validate_paths([path], options=Options()).files[0]
    assert fr.people == people
    footer_rows = {4 + 3 * k + 2 for k in range(len(rows))}
    assert not [f for f in fr.findings if f.row in footer_rows and f.severity == "error"]


# ---------------------------------------------------------------------------------------------
# the messy-workbook suite
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    """(files, LibreOffice state): the state is None when the lo_* conversions are in ``files``,
    else why not (missing, or the error soffice gave; the native files are scored either way and
    ``test_libreoffice_files_are_in_the_suite`` skips or fails with it)."""
    from support.messy import LIBREOFFICE_MISSING, LibreOfficeError, build_messy
    from support.messy import libreoffice_available as lo_available

    out = tmp_path_factory.mktemp("messy")
    if not lo_available():
        return build_messy(out, libreoffice=False), LIBREOFFICE_MISSING
    try:
        return build_messy(out), None
    except LibreOfficeError as e:
        return build_messy(out, libreoffice=False), f"LibreOffice is installed but a conversion failed: {e}"


ERROR_CODES = {"id-checksum", "id-format", "id-birthdate", "gender-mismatch", "birthdate-mismatch", "date-invalid",
               "date-future", "missing-value", "phone-invalid", "invalid-choice", "document-missing", "id-duplicate",
               "number-invalid"}


def _score(files) -> tuple[int, int, int, list[str]]:
    """(injected errors found, injected errors, error findings not injected, notes)."""
    found = expected = false_alarms = 0
    notes = []
    for mf in files:
        report = validate_paths([mf.path], options=Options(sheet=mf.sheet))
        frs = [fr for fr in report.files]
        got = {(f.row, f.code) for fr in frs for f in fr.findings if f.severity == "error" and f.row is not None}
        injected = {(r, c) for r, c in mf.errors}
        injected_rows = {r for r, _ in mf.errors}
        found += len(injected & got)
        expected += len(injected)
        extra = {(r, c) for r, c in got if r not in injected_rows and c in ERROR_CODES | {"location-missing", "missing-column"}}
        extra |= {(r, c) for r, c in got if r in mf.non_people_rows}
        false_alarms += len(extra)
        people = sum(fr.people for fr in frs)
        if people != mf.people:
            notes.append(f"{mf.path.name} ({mf.writer}): {people} people read, {mf.people} written")
        if injected - got or extra:
            notes.append(f"{mf.path.name} ({mf.writer}): missed {sorted(injected - got)[:6]}, extra {sorted(extra)[:6]}")
    return found, expected, false_alarms, notes


def test_messy_workbooks_recall_and_precision(messy):
    files, _lo = messy  # without LibreOffice: test_libreoffice_files_are_in_the_suite skips, saying so
    assert len(files) >= 12
    assert len({mf.writer for mf in files}) >= 6
    found, expected, false_alarms, notes = _score(files)
    recall = found / expected
    precision = found / (found + false_alarms) if found + false_alarms else 1.0
    assert recall >= 0.99 and precision >= 0.99, (f"recall {recall:.1%}, precision {precision:.1%}", notes)
    assert not [n for n in notes if "people read" in n], notes


def test_messy_non_people_rows_are_not_people(messy):
    files, _ = messy
    for mf in files:
        fr = validate_paths([mf.path], options=Options(sheet=mf.sheet)).files[0]
        as_people = [f for f in fr.findings if f.row in mf.non_people_rows and f.code not in ("row-not-person",)
                     and f.severity != "info"]
        assert as_people == [], (mf.path.name, [(f.row, f.code) for f in as_people][:5])


def test_libreoffice_files_are_in_the_suite(messy):
    """Files re-saved by LibreOffice Calc (xlsx, xls, ods) are in the messy suite, every row where its
    source has it (read back with both pandas engines), and scored like the others."""
    from support.messy import LIBREOFFICE_MISSING, verify

    files, lo = messy
    if lo == LIBREOFFICE_MISSING:
        pytest.skip(lo)
    assert lo is None, lo
    converted = [mf for mf in files if mf.writer.startswith("libreoffice-")]
    assert {mf.path.suffix for mf in converted} >= {".xlsx", ".xls", ".ods"}, [mf.path.name for mf in converted]
    sources = {mf.path.name for mf in files if not mf.writer.startswith("libreoffice-")}
    for mf in converted:
        assert mf.path.is_file() and mf.path.stat().st_size > 0, mf.path
        assert mf.source in sources, mf.source
        problems = [f"[{engine or 'default'}] {p}" for engine in (None, "calamine") for p in verify(mf, engine)]
        assert problems == [], (mf.path.name, problems[:10])
    found, expected, false_alarms, notes = _score(converted)
    recall = found / expected
    precision = found / (found + false_alarms) if found + false_alarms else 1.0
    assert recall >= 0.99 and precision >= 0.99, (f"recall {recall:.1%}, precision {precision:.1%}", notes)
    assert not [n for n in notes if "people read" in n], notes



# ---------------------------------------------------------------------------------------------
# every roster sheet; text as exports write it
# ---------------------------------------------------------------------------------------------

def _two_rosters(path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填表说明"
    ws.append(["1. 身份证号码请设为文本格式，不要输入空格或其他字符。"])
    ws.append(["2. 人员类别按政策文件填写，离休人员单列。"])
    for name, enterprise, ids in (("一厂", "扬州市红旗机械厂", range(1, 6)), ("二厂", "扬州市光明纺织厂", range(6, 9))):
        sheet = wb.create_sheet(name)
        sheet.append([TITLE])
        sheet.append([f"填报单位：{enterprise}（盖章）"])
        sheet.append(HEADERS)
        for i in ids:
            sheet.append(person(i))
    wb.create_sheet("Sheet3")
    wb.save(path)
    return path


def test_every_roster_sheet_is_read_as_its_own_batch(tmp_path):
    path = _two_rosters(tmp_path / "two.xlsx")
    report = validate_paths([path], options=Options())
    assert [(fr.sheet, fr.enterprise, fr.people) for fr in report.files] == [
        ("一厂", "扬州市红旗机械厂", 5), ("二厂", "扬州市光明纺织厂", 3)]
    skipped = [f for fr in report.files for f in fr.findings if f.code == "sheet-skipped"]
    assert [f.params["sheet"] for f in skipped] == ["填表说明"]  # the empty Sheet3 is not worth a note
    only = validate_paths([path], options=Options(sheet="二厂"))
    assert [(fr.sheet, fr.people) for fr in only.files] == [("二厂", 3)]
    out = tmp_path / "two.annotated.xlsx"
    validate_paths([path], annotate=out)
    import openpyxl

    assert openpyxl.load_workbook(out).sheetnames[:4] == ["问题清单", "填表说明", "一厂", "二厂"]


def test_every_roster_sheet_is_assigned(tmp_path, samples):
    from retiree_tools import assign_paths

    path = _two_rosters(tmp_path / "two.xlsx")
    result = assign_paths([path], samples / "catalog.csv", output=tmp_path / "assigned.csv")
    assert sum(result.by_status.values()) == 8
    assert {fr.enterprise for fr in result.files} == {"扬州市红旗机械厂", "扬州市光明纺织厂"}


def test_text_as_exports_write_it(tmp_path):
    """A CSV export keeps the apostrophe of a text-forced cell ('321002…): a marker, not part of
    the ID. A date typed as 55.03 (1955-03 as a number) is no Excel serial: it is reported."""
    from support.factory import write_csv

    ident = person(1)[HEADERS.index("身份证号码")]
    path = write_csv(tmp_path / "export.csv", [person(1, 身份证号码="'" + ident), person(2, 出生年月="55.03")], "utf-8")
    fr = validate_paths([path], options=Options()).files[0]
    assert [(f.code, f.row) for f in fr.findings if f.severity == "error"] == [("date-invalid", 5)]
