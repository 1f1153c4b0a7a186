"""Files old systems save under an Excel name (io/markup.py, io/source.py): an HTML table, an
Excel 2003 XML Spreadsheet written by a FreeMarker template, and tab-separated text. Each is
written here as a real file holding the factory's people and must read as the same rows written
by openpyxl do — the same people, the same findings — plus one ``file-format-noted`` note; a DTD
or an entity is refused as in any other XML, and the size and nesting bounds hold."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import html
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from retiree_tools import InputError, Options, assign_paths, load_policy, validate_paths
from retiree_tools.assign.catalog import load_catalog
from retiree_tools.io import markup
from retiree_tools.io.source import open_source
from retiree_tools.io.tables import read_text_rows
from retiree_tools.validate.run import iter_people

from support.factory import FILLER, HEADERS, TITLE, person, write_openpyxl
from support.paths import SAMPLES

TODAY = dt.date(2026, 11, 23)
NOTED = "file-format-noted"
# what only the converted file (or only its second worksheet of instructions) can give
OWN = {NOTED, "sheet-skipped"}
DOCS = len(HEADERS) - 6  # the index of the first document column (个人情况登记表)
GROUP = "移交材料"


def _people_rows() -> list[list]:
    """Four people, the third with a blank 退休前岗位 (no cell at all in the XML: ss:Index)."""
    return [person(1), person(2), person(3, 退休前岗位=None), person(4, 养老金标准="4100.00")]


# ---------------------------------------------------------------------------------------------
# Writers: what the old systems write
# ---------------------------------------------------------------------------------------------

def write_html(path: Path, rows: list[list], encoding: str = "gbk", doctype: str = "<!DOCTYPE html>") -> Path:
    """A web export: ``<meta charset>``, a heading naming the table, a title row and the filler
    row across the table (colspan), a two-row header (rowspan, a ``<br>`` inside 身份证号码, the
    document columns under a colspan group cell), cells wrapped in tags, blanks as ``&nbsp;``,
    unclosed ``<td>`` in the last row, GBK bytes."""
    n = len(HEADERS)

    def th(h: str, attrs: str = "") -> str:
        text = "身份证<br>号码" if h == "身份证号码" else html.escape(h)
        return f"<th{attrs}>{text}</th>"

    def td(v) -> str:
        if v is None:
            return "<td>&nbsp;</td>"
        text = html.escape(str(v))
        return f"<td><font face=\"宋体\">{text[:1]}</font><span>{text[1:]}</span></td>"

    lines = [doctype, f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">',
             "<title>导出数据</title><style>td { mso-number-format:\"\\@\"; }</style></head><body>",
             "<h2>移交名单</h2>", '<table border="1" cellspacing="0">',
             f'<tr><td colspan="{n}" align="center"><b>{TITLE}</b></td></tr>',
             f'<tr><td colspan="{n}">{html.escape(FILLER)}</td></tr>',
             "<tr>" + "".join(th(h, ' rowspan="2"') for h in HEADERS[:DOCS]) + th(GROUP, f' colspan="{n - DOCS}"') + "</tr>",
             "<tr>" + "".join(th(h) for h in HEADERS[DOCS:]) + "</tr>"]
    for i, row in enumerate(rows):
        cells = "".join(td(v) for v in row)
        lines.append(f"<tr>{cells}</tr>" if i < len(rows) - 1 else "<tr>" + cells.replace("</td>", ""))
    lines += ["</table>", "<p>导出时间：2025-06-30&nbsp;10:00</p></body></html>"]
    path.write_bytes("\n".join(lines).encode("gb18030" if encoding == "gbk" else encoding))
    return path


def _xml_cell(v, index: int | None = None, **attrs) -> str:
    extra = (f' ss:Index="{index}"' if index else "") + "".join(f' ss:{k}="{a}"' for k, a in attrs.items())
    kind = "Number" if isinstance(v, int | float) else "String"
    return f'<Cell{extra}><Data ss:Type="{kind}">{html.escape(str(v), quote=False)}</Data></Cell>'


def write_spreadsheetml(path: Path, rows: list[list], prolog: str = "") -> Path:
    """What a FreeMarker template writes: the mso-application declaration, Styles, a title cell
    merged across the table (ss:MergeAcross), the header cells merged down (ss:MergeDown) and
    the document sub-headers placed by ss:Index, a blank cell left out (the next one placed by
    ss:Index), a comment on a header, rich text in a name, numbers as ss:Type Number; a second
    worksheet of instructions."""
    n = len(HEADERS)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', prolog, '<?mso-application progid="Excel.Sheet"?>',
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:o="urn:schemas-microsoft-com:office:office"'
           ' xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"'
           ' xmlns:html="http://www.w3.org/TR/REC-html40">',
           ' <DocumentProperties xmlns="urn:schemas-microsoft-com:office:office"><Author>系统导出</Author></DocumentProperties>',
           ' <Styles><Style ss:ID="Default" ss:Name="Normal"><Alignment ss:Vertical="Center"/></Style></Styles>',
           ' <Worksheet ss:Name="移交名单">',
           f'  <Table ss:ExpandedColumnCount="{n}" ss:ExpandedRowCount="{len(rows) + 4}" x:FullColumns="1" x:FullRows="1">',
           '   <Column ss:Width="36"/><Column ss:Width="60"/>',
           f"   <Row>{_xml_cell(TITLE, MergeAcross=n - 1)}</Row>",
           f"   <Row>{_xml_cell(FILLER)}</Row>",
           "   <Row>" + "".join(_xml_cell(h, MergeDown=1) for h in HEADERS[:DOCS]).replace(
               "</Data></Cell>", '</Data><Comment ss:Author="x"><ss:Data><B>注</B>18位</ss:Data></Comment></Cell>', 1)
           + _xml_cell(GROUP, MergeAcross=n - DOCS - 1) + "</Row>",
           "   <Row>" + _xml_cell(HEADERS[DOCS], index=DOCS + 1) + "".join(_xml_cell(h) for h in HEADERS[DOCS + 1:]) + "</Row>"]
    for row in rows:
        cells, gap = [], False
        for j, v in enumerate(row):
            if v is None:
                gap = True
                continue
            if HEADERS[j] == "姓名":
                cells.append('<Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40">'
                             f"<B>{v[:1]}</B><Font>{v[1:]}</Font></ss:Data></Cell>")
            else:
                cells.append(_xml_cell(v, j + 1 if gap else None))
            gap = False
        out.append("   <Row>" + "".join(cells) + "</Row>")
    out += ["  </Table>", ' <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"/>', " </Worksheet>",
            ' <Worksheet ss:Name="填表说明"><Table>',
            f"   <Row>{_xml_cell('填表说明：身份证号码须为 18 位，日期写作 1955.03，每人一行，不得合并单元格。')}</Row>",
            "  </Table></Worksheet>", "</Workbook>"]
    path.write_text("\n".join(line for line in out if line), encoding="utf-8")
    return path


def write_tsv(path: Path, rows: list[list], encoding: str = "gbk") -> Path:
    """Tab-separated text as old systems save it under an .xls name (GBK, or Excel's "Unicode
    text": UTF-16 with a BOM)."""
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\r\n")
        w.writerow([TITLE])
        w.writerow([FILLER])
        w.writerow(HEADERS)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])
    return path


# ---------------------------------------------------------------------------------------------
# The same people, the same findings
# ---------------------------------------------------------------------------------------------

def _findings(path: Path) -> list[tuple]:
    report = validate_paths([path], options=Options(today=TODAY))
    return sorted(((f.code, f.row, f.column) for fr in report.files for f in fr.findings),
                  key=lambda t: (t[0], t[1] or 0, t[2] or ""))


def _people(path: Path) -> list[dict]:
    """The normalised people (as assign gets them), without the file's name."""
    frame = pd.concat([frame for _, frame in iter_people([path], load_policy(), Options(today=TODAY))])
    return frame.drop(columns=["_file"]).astype(object).where(frame.notna(), None).to_dict("records")


def _converted(name: str, d: Path, rows: list[list]) -> Path:
    return {"html": lambda: write_html(d / "export.xls", rows),
            "spreadsheetml": lambda: write_spreadsheetml(d / "export.xls", rows),
            "tsv": lambda: write_tsv(d / "export.xls", rows),
            "tsv-utf16": lambda: write_tsv(d / "export.xls", rows, "utf-16")}[name]()


@pytest.mark.parametrize("name, really", [("html", "html"), ("spreadsheetml", "spreadsheetml"),
                                          ("tsv", "tsv"), ("tsv-utf16", "tsv")])
def test_reads_the_same_people_with_the_same_findings_as_xlsx(name, really, tmp_path):
    rows = _people_rows()
    two_rows = name in ("html", "spreadsheetml")
    xlsx = write_openpyxl(tmp_path / "same.xlsx", rows, two_row_header=two_rows)
    path = _converted(name, tmp_path, rows)
    assert open_source(path).really == really
    seen, want = _findings(path), _findings(xlsx)
    assert [f for f in seen if f[0] not in OWN] == want
    assert [f for f in seen if f[0] == NOTED] == [(NOTED, None, None)]
    assert _people(path) == _people(xlsx)
    assert len(_people(path)) == 4


def test_the_note_names_what_the_file_was(tmp_path):
    path = write_html(tmp_path / "export.xls", _people_rows())
    for lang, words in (("zh", "网页表格（HTML）"), ("en", "an HTML table")):
        report = validate_paths([path], options=Options(today=TODAY, lang=lang))
        note = next(f for fr in report.files for f in fr.findings if f.code == NOTED)
        assert note.severity == "info" and words in note.message and ".xlsx" in note.message
    report = validate_paths([write_openpyxl(tmp_path / "real.xlsx", _people_rows())], options=Options(today=TODAY))
    assert NOTED not in {f.code for fr in report.files for f in fr.findings}


def test_assign_reads_the_html_export(tmp_path):
    rows = _people_rows()
    html_result = assign_paths([write_html(tmp_path / "export.xls", rows)], SAMPLES / "catalog.csv",
                               options=Options(today=TODAY), output=tmp_path / "from-html.xlsx")
    xlsx_result = assign_paths([write_openpyxl(tmp_path / "same.xlsx", rows, two_row_header=True)], SAMPLES / "catalog.csv",
                               options=Options(today=TODAY), output=tmp_path / "from-xlsx.xlsx")
    assert html_result.written is not None and html_result.written.exists()
    assert sum(html_result.by_status.values()) == 4
    assert html_result.by_status == xlsx_result.by_status and html_result.by_county == xlsx_result.by_county
    assert NOTED in {f.code for fr in html_result.files for f in fr.findings}


def test_the_annotated_copy_of_an_html_export(tmp_path):
    rows = [person(1), person(2, 性别="女")]  # a gender that contradicts the ID: a marked cell
    path = write_html(tmp_path / "export.xls", rows)
    report = validate_paths([path], options=Options(today=TODAY), annotate=tmp_path / "annotated.xlsx")
    assert report.files[0].sheet == "移交名单"
    wb = openpyxl.load_workbook(tmp_path / "annotated.xlsx")
    ws = wb["移交名单"]
    assert ws["A1"].value == TITLE and ws["D3"].value == "身份证\n号码" and ws["P3"].value == GROUP
    assert ws["B5"].value == person(1)[1] and ws["D6"].value == person(2)[3]
    assert ws["C6"].comment is not None and "gender-mismatch" in ws["C6"].comment.text


def test_side_files_read_as_html_and_xml(tmp_path):
    """The catalogue reader (io/tables.py read_text_rows) reads an HTML or XML catalogue."""
    with open(SAMPLES / "catalog.csv", encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in line) + "</tr>\n" for line in lines)
    (tmp_path / "catalog.xls").write_text(f"<html><body><table>{body}</table></body></html>", encoding="utf-8")
    rows = "".join("<Row>" + "".join(_xml_cell(v, j + 1) for j, v in enumerate(line) if v) + "</Row>" for line in lines)
    (tmp_path / "catalog.xml.xls").write_text(
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        f'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="目录"><Table>{rows}</Table></Worksheet></Workbook>',
        encoding="utf-8")
    want = load_catalog(SAMPLES / "catalog.csv").units
    for name in ("catalog.xls", "catalog.xml.xls"):
        assert load_catalog(tmp_path / name).units == want, name
    first, table = read_text_rows(tmp_path / "catalog.xml.xls")
    assert first == 1 and table[0][:4] == ["code", "name", "level", "parent_code"] and table[1][3] is None


# ---------------------------------------------------------------------------------------------
# HTML cells: spans, line breaks, entities, nested tags, names
# ---------------------------------------------------------------------------------------------

def _sheets(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "t.xls") -> dict:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    src = open_source(path)
    assert src.kind == "table" and src.sheets == list(src._tables)
    return {s: src.peek(s).rows for s in src.sheets}


def test_html_spans_keep_cells_in_their_columns(tmp_path):
    sheets = _sheets(tmp_path, "<table>"
                     "<tr><td rowspan=2>a</td><td colspan=2>b</td><td>c</td></tr>"
                     "<tr><td>d</td><td rowspan=\"2\" colspan=\"2\">e</td></tr>"
                     "<tr><td>f</td><td>g</td></tr>"  # columns 2 and 3 are e's
                     "<tr><td colspan=abc>h</td><td colspan=0>i</td><td rowspan=-1>j</td></tr>"
                     "</table>")
    assert sheets == {"表1": [(1, ["a", "b", None, "c"]), (2, [None, "d", "e"]),
                             (3, ["f", "g"]), (4, ["h", "i", "j"])]}


def test_html_text_br_entities_nested_tags_and_blanks(tmp_path):
    sheets = _sheets(tmp_path, "<html><body><table>\n"
                     "<tr><th>身份证<br/>号码</th><th> 姓\n  名 </th><th>&nbsp;</th><th>A&amp;B &lt;1&gt; &#x5F20;&#19977;</th></tr>\n"
                     "<tr><td><p>第一段</p><p>第二段</p></td><td><b>张</b><i>三</i></td><td></td><td>x<br>&nbsp;<br>y</td>\n"
                     "<tr><td>未闭合<td>单元格\n"
                     "</table><script>var t = '<table><tr><td>no</td></tr></table>';</script></body></html>")
    assert sheets == {"表1": [(1, ["身份证\n号码", "姓 名", None, "A&B <1> 张三"]),
                             (2, ["第一段\n第二段", "张三", None, "x\n\ny"]), (3, ["未闭合", "单元格"])]}


def test_html_tables_are_sheets_named_by_caption_heading_or_number(tmp_path):
    sheets = _sheets(tmp_path, "<html><head><title>导出</title></head><body>"
                     "<table><tr><td>first</td></tr></table>"
                     "<h3>第二张：名单</h3><table><caption>名单/附表[2]</caption><tr><td>x</td><td>"
                     "<table><tr><td>inner</td></tr></table>after</td></tr></table>"
                     "<table><tr><td>&nbsp;</td></tr></table>"  # no value: no sheet
                     "<table><tr><td>last</td></tr></table></body></html>")
    assert sheets == {"导出": [(1, ["first"])], "名单附表2": [(1, ["名单/附表[2]"]), (2, ["x", "after"])],
                      "表3": [(1, ["inner"])], "表4": [(1, ["last"])]}


def test_html_encodings(tmp_path):
    row = "<table><tr><td>张三</td><td>扬州市广陵区</td></tr></table>"
    want = {"表1": [(1, ["张三", "扬州市广陵区"])]}
    cases = {
        "meta-gb2312": (f'<meta charset="gb2312">{row}'.encode("gbk")),
        "meta-http-equiv": (f'<meta http-equiv="content-type" content="text/html; charset=GBK">{row}'.encode("gbk")),
        "no-meta-gbk": row.encode("gbk"),
        "meta-lies-utf8": f'<meta charset="gbk">{row}'.encode(),  # the bytes are UTF-8
        "bom-utf8": codecs.BOM_UTF8 + f'<meta charset="gbk">{row}'.encode(),
        "bom-utf16": f"<html>{row}</html>".encode("utf-16"),
        "utf16-no-bom": f"<html>{row}</html>".encode("utf-16-le"),
    }
    for name, data in cases.items():
        assert _sheets(tmp_path, data, name=f"{name}.xls") == want, name


def test_html_without_a_table_is_unreadable(tmp_path):
    path = tmp_path / "page.xls"
    path.write_text("<html><body><p>没有数据</p></body></html>", encoding="utf-8")
    with pytest.raises(InputError) as err:
        open_source(path)
    assert (err.value.code, err.value.reason) == ("file-unreadable", "error.markup_no_table")


# ---------------------------------------------------------------------------------------------
# SpreadsheetML cells
# ---------------------------------------------------------------------------------------------

_NS = 'xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"'


def test_spreadsheetml_index_merges_and_numbers_as_written(tmp_path):
    xml = (f'<?xml version="1.0" encoding="GB2312"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook {_NS}>'
           '<Worksheet ss:Name="名单"><Table>'
           '<Row><Cell ss:MergeAcross="2"><Data ss:Type="String">标题</Data></Cell><Cell><Data ss:Type="String">d</Data></Cell></Row>'
           '<Row ss:Index="3"><Cell ss:Index="2"><Data ss:Type="Number">1972.10</Data></Cell>'
           '<Cell ss:MergeDown="1"><Data ss:Type="DateTime">1955-03-15T00:00:00.000</Data></Cell>'
           '<Cell><Data ss:Type="String">  带空格 </Data></Cell></Row>'
           '<Row><Cell><Data ss:Type="String">a</Data></Cell><Cell><Data ss:Type="String">b</Data></Cell>'
           '<Cell><Data ss:Type="String">c</Data></Cell><Cell ss:StyleID="s1"/></Row>'
           '<Row/></Table></Worksheet>'
           '<Worksheet ss:Name="名单"><Table><Row><Cell><Data ss:Type="String">x</Data></Cell></Row></Table></Worksheet>'
           '<Worksheet><Table/></Worksheet></Workbook>')
    sheets = _sheets(tmp_path, xml, encoding="gbk")
    assert sheets == {"名单": [(1, ["标题", None, None, "d"]), (2, []),
                               (3, [None, "1972.10", "1955-03-15T00:00:00.000", "  带空格 "]), (4, ["a", "b", None, "c"])],
                      "名单(2)": [(1, ["x"])], "Sheet3": []}
    src = open_source(tmp_path / "t.xls")
    frame = next(src.chunks("名单", 3, [0, 1, 2, 3], src.peek("名单")))[1]
    assert frame.to_dict("list") == {0: [None, "a"], 1: ["1972.10", "b"], 2: ["1955-03-15T00:00:00.000", None],
                                     3: ["  带空格 ", "c"]}


def test_spreadsheetml_is_recognised_by_content_whatever_its_name(tmp_path):
    path = write_spreadsheetml(tmp_path / "export.xlsx", [person(1)])
    src = open_source(path)
    assert (src.kind, src.really, src.sheets) == ("table", "spreadsheetml", ["移交名单", "填表说明"])
    assert markup.sniff(b"<?xml version='1.0'?>\n<!-- x -->\n<ss:Workbook xmlns:ss='urn:schemas-microsoft-com:office:spreadsheet'>") == "spreadsheetml"
    assert markup.sniff(b"<?xml version='1.0'?><Workbook xmlns='urn:other'>") is None
    assert markup.sniff(b"\xef\xbb\xbf  <!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN'><html>") == "html"
    assert markup.sniff("<table><tr><td>姓名</td>".encode("utf-16")) == "html"
    assert markup.sniff(b"name,id\n<b>,1\n") is None


def test_xml_that_is_no_spreadsheet_is_still_refused(tmp_path):
    path = tmp_path / "other.xls"
    path.write_text('<?xml version="1.0"?><root><a>1</a></root>', encoding="utf-8")
    with pytest.raises(InputError) as err:
        open_source(path)
    assert (err.value.code, err.value.reason) == ("file-unreadable", "error.html_as_excel")


# ---------------------------------------------------------------------------------------------
# Tab-separated text under an Excel name; other text is still refused
# ---------------------------------------------------------------------------------------------

def test_tab_separated_text_named_xls_is_a_csv_source(tmp_path):
    src = open_source(write_tsv(tmp_path / "export.xls", [person(1)]))
    assert (src.kind, src.delimiter, src.really, src.encoding) == ("csv", "\t", "tsv", "gb18030")
    assert open_source(write_tsv(tmp_path / "export.tsv", [person(1)])).really is None  # its own name: no note


@pytest.mark.parametrize("data", [b"\x00\x01 not a workbook \xff\xfe" * 64, "姓名,身份证号码\n张三,1\n".encode(),
                                  b"a\tb\x07c\n"])
def test_other_text_with_an_excel_name_is_refused(tmp_path, data):
    path = tmp_path / "in.xlsx"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        open_source(path)
    assert (err.value.code, err.value.reason) == ("file-unreadable", "error.not_valid_suffix")


# ---------------------------------------------------------------------------------------------
# Guards: DTDs and entities, cells, positions, nesting
# ---------------------------------------------------------------------------------------------

def _refused(path: Path) -> tuple[str, str | None]:
    report = validate_paths([path], options=Options(today=TODAY))
    fatal = [f for fr in report.files for f in fr.findings if f.code.startswith("file-") and f.code != NOTED]
    assert report.exit_code() == 2 and len(fatal) == 1, [f.code for fr in report.files for f in fr.findings]
    return fatal[0].code, fatal[0].params.get("reason")


@pytest.mark.parametrize("doctype", ['<!DOCTYPE html [<!ENTITY e "x">]>', '<!DOCTYPE html [ ]>',
                                     '<!DOCTYPE html><!ENTITY e SYSTEM "file:///etc/passwd">'])
def test_html_with_a_dtd_or_entity_is_hostile(tmp_path, doctype):
    path = write_html(tmp_path / "export.xls", [person(1)], doctype=doctype)
    assert _refused(path) == ("file-hostile", "error.dtd")


@pytest.mark.parametrize("prolog", ['<!DOCTYPE Workbook [<!ENTITY e "x">]>', '<!DOCTYPE Workbook SYSTEM "w.dtd">',
                                    '<!DOCTYPE Workbook>'])
def test_spreadsheetml_with_a_dtd_is_hostile(tmp_path, prolog):
    path = write_spreadsheetml(tmp_path / "export.xls", [person(1)], prolog=prolog)
    assert _refused(path) == ("file-hostile", "error.dtd")


def test_an_entity_used_in_a_cell_is_refused_before_it_is_expanded(tmp_path):
    path = tmp_path / "bomb.xls"
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE Workbook [<!ENTITY l0 "lol">{lol}]>'
                    f'<Workbook {_NS}><Worksheet ss:Name="S"><Table><Row><Cell><Data ss:Type="String">&l9;</Data>'
                    "</Cell></Row></Table></Worksheet></Workbook>", encoding="utf-8")
    assert _refused(path) == ("file-hostile", "error.dtd")


def test_nesting_deeper_than_the_bound_is_refused(tmp_path):
    deep = markup.MAX_DEPTH + 5
    (tmp_path / "deep.xls").write_text("<html><body>" + "<div>" * deep + "<table><tr><td>x</td></tr></table>"
                                       + "</div>" * deep + "</body></html>", encoding="utf-8")
    (tmp_path / "deep-xml.xls").write_text(f'<?xml version="1.0"?><Workbook {_NS}><Worksheet ss:Name="S"><Table><Row><Cell>'
                                           + "<a>" * deep + "</a>" * deep + "</Cell></Row></Table></Worksheet></Workbook>",
                                           encoding="utf-8")
    (tmp_path / "fine.xls").write_text("<table>" + "<tr><td><p>x" * 300 + "</table>", encoding="utf-8")  # unclosed, not deep
    assert _refused(tmp_path / "deep.xls") == ("file-too-large", "error.markup_depth")
    assert _refused(tmp_path / "deep-xml.xls") == ("file-too-large", "error.markup_depth")
    assert len(open_source(tmp_path / "fine.xls").peek("表1").rows) == 40


def test_cells_and_positions_are_bounded(tmp_path, monkeypatch):
    far = tmp_path / "far.xls"
    far.write_text(f'<?xml version="1.0"?><Workbook {_NS}><Worksheet ss:Name="S"><Table><Row><Cell ss:Index="20000">'
                   '<Data ss:Type="String">x</Data></Cell></Row></Table></Worksheet></Workbook>', encoding="utf-8")
    assert _refused(far) == ("file-too-large", "error.markup_position")
    down = tmp_path / "down.xls"
    down.write_text(f'<?xml version="1.0"?><Workbook {_NS}><Worksheet ss:Name="S"><Table><Row ss:Index="2000000">'
                    "</Row></Table></Worksheet></Workbook>", encoding="utf-8")
    assert _refused(down) == ("file-too-large", "error.markup_position")
    monkeypatch.setattr(markup, "MAX_CELLS", 50)
    path = write_html(tmp_path / "export.xls", [person(1), person(2), person(3)])
    assert _refused(path) == ("file-too-large", "error.markup_cells")
    wide = tmp_path / "wide.xls"
    wide.write_text("<table><tr>" + '<td colspan="1000">x</td>' * 20 + "</tr></table>", encoding="utf-8")
    monkeypatch.setattr(markup, "MAX_CELLS", 10**6)
    assert _refused(wide) == ("file-too-large", "error.markup_position")
