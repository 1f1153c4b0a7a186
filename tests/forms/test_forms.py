"""render-forms as a library: layout, escaping, totals, determinism, refusals, templates."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import openpyxl
import pytest

from retiree_tools.assign.reader import read_assigned
from retiree_tools.assign.writer import write_assigned
from retiree_tools.findings.errors import InputError
from retiree_tools.forms.plan import safe_name
from retiree_tools.forms.render import parse_forms, render_forms

from support.forms_batch import DATE, ENT_A, batch_frame, write_batch

UNIT_A = "321002_广陵区/321002001_汶河街道/扬州市第一机械厂"
UNIT_EVIL = "321002_广陵区/321002002_东关街道/evil"


@pytest.fixture
def rendered(tmp_path: Path) -> tuple[Path, dict, Path]:
    src = write_batch(tmp_path, ".xlsx")
    out = tmp_path / "forms"
    return out, render_forms([src], out, date=DATE), src


def _summary_rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "序号")
    end = next(i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith("合计"))
    return rows[head + 1:end], rows[end]


# ---- names and layout ----

@pytest.mark.parametrize(("raw", "expected"), [
    ("../../evil", "evil"), ("..", "_"), ("a/b\\c:d*e?f\"g<h>i|j", "abcdefghij"), ("扬州市第一机械厂", "扬州市第一机械厂"),
    (".hidden", "hidden"), ("tab\there\x00\x1b[31m", "tab here[31m"), ("CON", "_CON"), ("  ", "_"),
    ("x" * 100, "x" * 60), ("a\u202eb", "ab"), ("甲\u3000乙", "甲 乙"),
])
def test_safe_name(raw: str, expected: str) -> None:
    assert safe_name(raw) == expected


def test_layout_and_manifest(rendered) -> None:
    out, manifest, _ = rendered
    paths = [f["path"] for f in manifest["files"]]
    assert paths == sorted(paths)
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == sorted([*paths, "manifest.json"])
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest
    kinds = {(f["kind"], f["format"]) for f in manifest["files"]}
    assert kinds == {("summary", "html"), ("summary", "xlsx"), ("registration", "html"), ("card", "html"),
                     ("agreement", "html"), ("receipt", "html"), ("index", "html")}
    assert f"{UNIT_A}/registration.html" in paths and f"{UNIT_EVIL}/summary.xlsx" in paths
    assert "321002_广陵区/receipt_扬州市第一机械厂.html" in paths
    assert "未分配区县/receipt_扬州市第一机械厂.html" in paths  # the person in review has no county
    by_path = {f["path"]: f for f in manifest["files"]}
    assert by_path[f"{UNIT_A}/card.html"]["people"] == 2
    assert by_path[f"{UNIT_A}/card.html"]["unit_code"] == "321002001"
    assert by_path["index.html"]["people"] == 5
    assert manifest["people"] == {"assigned": 5, "excluded": 1, "review": 1, "rejected": 0, "total": 7}
    for f in manifest["files"]:
        import hashlib

        assert hashlib.sha256((out / f["path"]).read_bytes()).hexdigest() == f["sha256"]


def test_path_traversal_stays_inside(rendered) -> None:
    out, manifest, _ = rendered
    root = out.resolve()
    for f in manifest["files"]:
        assert root in (out / f["path"]).resolve().parents
        assert ".." not in Path(f["path"]).parts
    assert not (out.parent / "evil").exists() and not (out.parent.parent / "evil").exists()
    assert (out / UNIT_EVIL / "registration.html").is_file()


def test_owner_only_modes(rendered) -> None:
    out, _, _ = rendered
    for p in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o700 if p.is_dir() else 0o600), (p, oct(mode))


# ---- escaping ----

def test_html_escaped(rendered) -> None:
    out, manifest, _ = rendered
    html = [(out / f["path"]).read_text(encoding="utf-8") for f in manifest["files"] if f["format"] == "html"]
    assert not any("<script>alert" in h for h in html)
    reg = (out / "321002_广陵区/321002002_东关街道/扬州市第一机械厂/registration.html").read_text(encoding="utf-8")
    assert "王&lt;script&gt;alert(1)&lt;/script&gt;" in reg
    reg_a = (out / UNIT_A / "registration.html").read_text(encoding="utf-8")
    assert "=HYPERLINK(&#34;x&#34;)" in reg_a  # shown as text (the assigned file's escape removed)


def test_formula_escaped_in_xlsx(rendered) -> None:
    out, _, _ = rendered
    rows, _ = _summary_rows(out / UNIT_A / "summary.xlsx")
    contact = rows[1][13]
    assert contact == "'=HYPERLINK(\"x\")"
    ws = openpyxl.load_workbook(out / UNIT_A / "summary.xlsx").active
    assert all(c.data_type != "f" for row in ws.iter_rows(min_row=5, max_row=6) for c in row)


# ---- totals ----

def test_summary_totals_match_assigned_file(rendered) -> None:
    out, manifest, src = rendered
    frame = read_assigned([src])
    assigned = frame[frame["status"] == "assigned"]
    seen = 0
    for f in manifest["files"]:
        if f["kind"] != "summary" or f["format"] != "xlsx":
            continue
        rows, total = _summary_rows(out / f["path"])
        group = assigned[(assigned["unit_code"] == f["unit_code"]) & (assigned["enterprise"] == f["enterprise"])]
        assert len(rows) == len(group) == f["people"]
        assert [r[1] for r in rows] == group["name"].tolist()
        assert [r[3] for r in rows] == group["id_number"].tolist()
        assert sum(r[14] for r in rows) == pytest.approx(group["pension"].astype(float).sum())
        ws = openpyxl.load_workbook(out / f["path"]).active
        cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=SUM"))
        assert cell.value == f"=SUM(O5:O{4 + len(rows)})"
        wb = openpyxl.load_workbook(out / f["path"], data_only=True)
        assert wb.active[cell.coordinate].value == pytest.approx(group["pension"].astype(float).sum())
        assert total[0].startswith(f"合计：{len(group)} 人")
        seen += len(rows)
    assert seen == len(assigned)


def test_summary_sheet_setup(rendered) -> None:
    out, _, _ = rendered
    ws = openpyxl.load_workbook(out / UNIT_A / "summary.xlsx").active
    assert ws.freeze_panes == "A5"
    # printed: the title, the enterprise and unit lines and the header on every page (a loose
    # page still says whose list it is); frozen on screen: the same four rows
    assert ws.print_title_rows == "$1:$4"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.column_dimensions["D"].width > 18  # ID numbers fit
    assert ws["D5"].number_format == "@" and ws["O5"].number_format == "0.00"
    assert ws["A4"].font.b and ws["A4"].border.left.style == "thin" and ws["A1"].font.sz == 16
    # title, enterprise and unit lines, totals and the four signature rows are merged ranges
    total = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("合计"))
    last = total + 5
    merges = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:Q1", "A2:Q2", "A3:Q3", f"A{total}:N{total}", f"P{total}:Q{total}", f"A{last}:H{last}", f"I{last}:Q{last}"} <= merges
    assert ws[f"A{last}"].value.startswith("日期：") and ws[f"I{total + 2}"].value == "接收单位（盖章）："
    assert ws.print_area == f"'汇总表'!$A$1:$Q${last}"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_summary_xlsx_is_a_sound_zip(rendered) -> None:
    """The workbook is assembled from pre-deflated parts: zipfile reads every member back with
    its CRC, and the parts are the ones xlsxwriter writes (no shared-string table)."""
    import zipfile

    out, _, _ = rendered
    with zipfile.ZipFile(out / UNIT_A / "summary.xlsx") as z:
        assert z.testzip() is None
        names = z.namelist()
        assert names[0] == "[Content_Types].xml" and "xl/worksheets/sheet1.xml" in names
        assert "xl/sharedStrings.xml" not in names and b"sharedStrings" not in z.read("[Content_Types].xml")
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())


def test_receipt_counts(rendered) -> None:
    out, _, _ = rendered
    html = (out / "321002_广陵区/receipt_扬州市第一机械厂.html").read_text(encoding="utf-8")
    assert "申报 4 人 = 移交 3 人 + 不予移交 1 人 + 待核实 0 人 + 退回 0 人" in html
    assert "离休人员，保持现行管理 1 人" in html
    labels = re.findall(r"<th>([^<]+)</th>", re.search(r'<table class="grid materials">.*?</table>', html, re.S).group(0))
    counts = re.findall(r'<td class="c">(\d+)</td>', re.search(r'<table class="grid materials">.*?</table>', html, re.S).group(0))
    assert dict(zip(labels, counts, strict=True))["存折复印件"] == "2"
    evil = (out / "321002_广陵区/receipt_evil.html").read_text(encoding="utf-8")
    assert "人事档案：移交 0 份；仅建信息档案" in evil and "）1 人" in evil
    review = (out / "未分配区县/receipt_扬州市第一机械厂.html").read_text(encoding="utf-8")
    assert "待人工核实</td><td>1 人：居住地址无法对应接收单位 1 人" in review


def test_cards_list_services_and_contact(rendered) -> None:
    out, _, _ = rendered
    card = (out / UNIT_A / "card.html").read_text(encoding="utf-8")
    for text in ("养老金按时足额发放", "协助办理丧葬补助金和遗属待遇", "文体活动", "扬州市广陵区汶河北路 18 号", "刘敏", "0514-87340001"):
        assert text in card
    assert card.count('<div class="card">') == 2


def test_dates_only_when_given(tmp_path: Path) -> None:
    src = write_batch(tmp_path)
    render_forms([src], tmp_path / "a")
    texts = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "a").rglob("*.html"))
    assert "2025" not in texts and "年\u3000\u3000月\u3000\u3000日" in texts
    render_forms([src], tmp_path / "b", date="2025-06-30")
    assert "2025年6月30日" in (tmp_path / "b" / UNIT_A / "agreement.html").read_text(encoding="utf-8")
    with pytest.raises(InputError):
        render_forms([src], tmp_path / "c", date="30.06.2025")


# ---- determinism ----

def test_deterministic_and_same_for_csv_and_xlsx(tmp_path: Path) -> None:
    xlsx, csv = write_batch(tmp_path, ".xlsx"), write_batch(tmp_path, ".csv")
    first = render_forms([xlsx], tmp_path / "one", date=DATE)
    again = render_forms([xlsx], tmp_path / "one", date=DATE)  # replaces its own earlier output
    other = render_forms([csv], tmp_path / "two", date=DATE)
    assert first == again == other


def test_directory_input_and_several_files(tmp_path: Path) -> None:
    frame = batch_frame()
    d = tmp_path / "in"
    d.mkdir()
    write_assigned(frame.iloc[:3], d / "a.xlsx")
    write_assigned(frame.iloc[3:], d / "b.csv")
    whole = render_forms([write_batch(tmp_path / "whole")], tmp_path / "o1", date=DATE)
    split = render_forms([d], tmp_path / "o2", date=DATE)
    assert [f["sha256"] for f in whole["files"]] == [f["sha256"] for f in split["files"]]


# ---- choices, empties, errors ----

def test_forms_subset(tmp_path: Path) -> None:
    manifest = render_forms([write_batch(tmp_path)], tmp_path / "o", forms="card,receipt")
    assert {f["kind"] for f in manifest["files"]} == {"card", "receipt", "index"}
    with pytest.raises(InputError):
        parse_forms("card,bogus")


def test_nobody_assigned(tmp_path: Path) -> None:
    frame = batch_frame()
    frame["status"] = "review"
    src = write_assigned(frame, tmp_path / "none.xlsx")
    manifest = render_forms([src], tmp_path / "o")
    assert [f["path"] for f in manifest["files"]] == ["index.html"]
    assert manifest["people"]["assigned"] == 0
    assert "没有状态为“移交”" in (tmp_path / "o" / "index.html").read_text(encoding="utf-8")


def test_invalid_status_and_non_assigned_file(tmp_path: Path) -> None:
    frame = batch_frame()
    frame.loc[2, "status"] = "maybe"
    with pytest.raises(InputError) as err:
        render_forms([write_assigned(frame, tmp_path / "bad.xlsx")], tmp_path / "o")
    assert "maybe" in err.value.message()
    other = tmp_path / "roster.csv"
    other.write_text("姓名,身份证号码\n张三,321002195503120137\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        render_forms([other], tmp_path / "o2")
    assert err.value.code == "file-unreadable"


def test_out_dir_refusals(tmp_path: Path) -> None:
    src = write_batch(tmp_path)
    for out in (src, src.parent, tmp_path, src.parent / "sub"):
        with pytest.raises(InputError) as err:
            render_forms([src.parent if out.name == "sub" else src], out)
        assert err.value.code == "output-is-input", out
    assert src.is_file()
    foreign = tmp_path / "precious"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("keep me")
    with pytest.raises(InputError):
        render_forms([src], foreign)
    assert (foreign / "thesis.docx").read_text() == "keep me"
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(InputError):
        render_forms([src], a_file)


def test_stale_files_of_earlier_run_removed(tmp_path: Path) -> None:
    src = write_batch(tmp_path)
    out = tmp_path / "o"
    render_forms([src], out)
    render_forms([src], out, forms="receipt")  # the earlier run's packets go with the swap
    assert (out / "manifest.json").exists() and not (out / UNIT_A).exists()


def test_a_file_the_office_put_in_the_out_dir_is_never_deleted(tmp_path: Path) -> None:
    """Issue 13: a file render-forms did not write (a scanned signed form) makes it refuse."""
    from retiree_tools.findings.errors import InputError

    src = write_batch(tmp_path)
    out = tmp_path / "o"
    render_forms([src], out)
    (out / "签字扫描.pdf").write_bytes(b"%PDF signed")
    with pytest.raises(InputError) as raised:
        render_forms([src], out, forms="receipt")
    assert raised.value.reason == "error.out_dir_foreign" and "签字扫描.pdf" in raised.value.message()
    assert (out / "签字扫描.pdf").read_bytes() == b"%PDF signed" and (out / UNIT_A).exists()


def test_progress_callback(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    render_forms([write_batch(tmp_path)], tmp_path / "o", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (8, 8)  # 4 packets + 4 receipts


# ---- templates ----

def test_templates_override_by_name(tmp_path: Path) -> None:
    src = write_batch(tmp_path)
    base = render_forms([src], tmp_path / "base", date=DATE)
    tdir = tmp_path / "tpl"
    tdir.mkdir()
    (tdir / "registration.html.j2").write_text(
        "{% for p in people %}<p class=\"local\">本地登记表 {{ p.name }} {{ unit.name }}</p>{% endfor %}\n", encoding="utf-8")
    custom = render_forms([src], tmp_path / "custom", templates=tdir, date=DATE)
    reg = (tmp_path / "custom" / UNIT_A / "registration.html").read_text(encoding="utf-8")
    assert reg == '<p class="local">本地登记表 张三 汶河街道</p><p class="local">本地登记表 李四 汶河街道</p>'
    changed = {a["path"] for a, b in zip(base["files"], custom["files"], strict=True) if a["sha256"] != b["sha256"]}
    assert {p.rsplit("/", 1)[1] for p in changed} == {"registration.html"}


@pytest.mark.parametrize(("body", "line"), [
    ("<p>\n{% for p in people %}\n{% if %}\n{% endfor %}\n", 3),
    ("<p>\n\n\n{{ nonexistent_variable }}\n", 4),
    ("{% extends \"missing_base.html.j2\" %}\n", None),
    ("<p>{{ people[0].name.nope.deeper }}</p>\n", 1),
])
def test_broken_template(tmp_path: Path, body: str, line: int | None) -> None:
    tdir = tmp_path / "tpl"
    tdir.mkdir()
    (tdir / "card.html.j2").write_text(body, encoding="utf-8")
    out = tmp_path / "o"
    with pytest.raises(InputError) as err:
        render_forms([write_batch(tmp_path)], out, templates=tdir)
    msg = err.value.message()
    assert ("card.html.j2" in msg) or ("missing_base.html.j2" in msg)
    if line is not None:
        assert f"第 {line} 行" in msg, msg
    assert not out.exists()


def test_templates_dir_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        render_forms([write_batch(tmp_path)], tmp_path / "o", templates=tmp_path / "nope")


def test_index_links_resolve(rendered) -> None:
    out, manifest, _ = rendered
    html = (out / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert len(hrefs) == len(manifest["files"]) - 1
    for h in hrefs:
        assert (out / h).is_file(), h
    for f in manifest["files"]:
        if f["format"] == "html" and f["kind"] != "index":
            text = (out / f["path"]).read_text(encoding="utf-8")
            back = re.search(r'<a href="([^"]+)">← 返回目录', text).group(1)
            assert os.path.normpath(out / Path(f["path"]).parent / back) == os.path.normpath(out / "index.html")


def test_enterprise_names_unique_dirs(tmp_path: Path) -> None:
    frame = batch_frame().iloc[:2].copy()
    frame.loc[1, "enterprise"] = ENT_A + "/"  # sanitises to the same directory name
    manifest = render_forms([write_assigned(frame, tmp_path / "a.xlsx")], tmp_path / "o")
    dirs = {f["path"].rsplit("/", 1)[0] for f in manifest["files"] if f["kind"] == "card"}
    assert dirs == {UNIT_A, UNIT_A + "~2"}


def test_xlsx_rows_special_text_and_many_rows(tmp_path: Path) -> None:
    """Rows past the first are written as XML: escaping, control characters, spaces, chunks."""
    base = batch_frame().iloc[0].to_dict()
    odd = ["A&B <c> \"d\"", "tab\tand\x01ctl", "  padded  ", "+1 = 2", "@sum", "-3"]
    rows = [{**base, "name": f"人{i}", "family_contact": odd[i % len(odd)], "pension": (None if i == 7 else 1000 + i)}
            for i in range(2600)]
    import pandas as pd

    src = write_assigned(pd.DataFrame(rows), tmp_path / "many.csv")
    out = tmp_path / "o"
    manifest = render_forms([src], out)
    xlsx = next(f for f in manifest["files"] if f["format"] == "xlsx")
    data, total = _summary_rows(out / xlsx["path"])
    assert len(data) == 2600 and [r[0] for r in data] == list(range(1, 2601))
    assert [r[1] for r in data[:3]] == ["人0", "人1", "人2"]
    contacts = [r[13] for r in data[:6]]
    # the reader may drop control characters; those that remain use Excel's _xHHHH_ escape
    assert contacts[1] in ("tab\tand_x0001_ctl", "tab\tandctl")
    assert contacts[:1] + contacts[2:] == ["A&B <c> \"d\"", "padded", "'+1 = 2", "'@sum", "'-3"]
    assert data[7][14] in (None, "")  # no pension: blank cell, not 0
    assert sum(r[14] or 0 for r in data) == pytest.approx(sum(1000 + i for i in range(2600) if i != 7))
    assert total[0].startswith("合计：2600 人")


def test_xlsx_text_xml() -> None:
    from retiree_tools.forms.summary_xlsx import _text

    assert _text("a&b<c>") == "<is><t>a&amp;b&lt;c&gt;</t></is>"
    assert _text("x\x01y\x1f") == "<is><t>x_x0001_y_x001F_</t></is>"
    assert _text(" lead") == '<is><t xml:space="preserve"> lead</t></is>'
