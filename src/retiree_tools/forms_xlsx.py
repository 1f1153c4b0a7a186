"""The 汇总表 as xlsx: xlsxwriter lays out the sheet, the people's rows are streamed in as XML.

xlsxwriter writes the title, header, the first person's row, totals, signature blocks, print
setup and styles. Its per-cell cost (~6 µs) would cap the summary near 10,000 rows/s, so the
other people's rows are then written straight into the sheet XML, in the form xlsxwriter itself
uses in constant-memory mode (inline strings), with each column's cell style copied from the
first person's row. Deterministic, one open file, bounded memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from .findings import column_letter
from .forms_data import TITLES, Packet
from .safeio import atomic_path, escape_formula

# key, header, width
SUMMARY_COLUMNS: list[tuple[str, str, float]] = [
    ("seq", "序号", 5), ("name", "姓名", 9), ("gender", "性别", 5), ("id_number", "身份证号码", 20),
    ("birth_date", "出生年月", 11), ("work_start", "参加工作时间", 11), ("retire_date", "退休时间", 11),
    ("category", "人员类别", 16), ("cadre_level", "干部管理权限", 12), ("party_member", "是否党员", 6),
    ("household_address", "户籍所在地", 24), ("residence", "长期居住地", 24), ("phone", "联系电话", 13),
    ("family_contact", "家属联系人及电话", 18), ("pension_value", "养老金标准（元/月）", 11),
    ("file_transfer", "档案移交", 6), ("remark", "备注", 18),
]
SHEET_PART = "xl/worksheets/sheet1.xml"
HEADER_ROW = 3  # 0-based: title, enterprise line, unit line, header
FIRST_DATA_ROW = HEADER_ROW + 1
CHUNK_ROWS = 2000
_XML_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ESC = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_summary_xlsx(target: Path, packet: Packet, date_text: str) -> Path:
    """The 汇总表: title, header frozen and repeated on every printed page, A4 landscape fitted
    to one page wide, a SUM of the pensions, signature blocks. Text is formula-escaped."""
    from .xlsxout import xlsxwriter_workbook

    ncol = len(SUMMARY_COLUMNS)
    keys = [k for k, _, _ in SUMMARY_COLUMNS]
    pcol = keys.index("pension_value")
    n = len(packet.people)
    with atomic_path(target) as tmp:
        wb = xlsxwriter_workbook(tmp)
        wb.in_memory = True  # no temporary files (xlsxout does not expose the option yet)
        ws = wb.add_worksheet("汇总表")
        f_title = wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        f_meta = wb.add_format({"font_size": 10, "valign": "vcenter"})
        f_head = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                                "text_wrap": True, "bg_color": "#F2F2F2"})
        f_seq = wb.add_format({"border": 1, "align": "center", "valign": "vcenter"})
        f_text = wb.add_format({"border": 1, "valign": "vcenter", "text_wrap": True, "num_format": "@"})
        f_num = wb.add_format({"border": 1, "valign": "vcenter", "num_format": "0.00"})
        f_total = wb.add_format({"border": 1, "bold": True, "valign": "vcenter"})
        f_total_num = wb.add_format({"border": 1, "bold": True, "valign": "vcenter", "num_format": "0.00"})
        for j, (_, _, width) in enumerate(SUMMARY_COLUMNS):
            ws.set_column(j, j, width)
        ws.set_row(0, 30)
        ws.merge_range(0, 0, 0, ncol - 1, TITLES["summary"], f_title)
        e, u, c = packet.enterprise, packet.unit, packet.county
        credit = f"（统一社会信用代码：{e['credit_code']}）" if e["credit_code"] else ""
        ws.merge_range(1, 0, 1, ncol - 1, escape_formula(f"移交单位：{e['name']}{credit}"), f_meta)
        ws.merge_range(2, 0, 2, ncol - 1, escape_formula(
            f"接收单位：{c['name']} {u['name']}（代码：{u['code']}）    填报日期：{date_text}"), f_meta)
        ws.set_row(HEADER_ROW, 30)
        for j, (_, head, _) in enumerate(SUMMARY_COLUMNS):
            ws.write_string(HEADER_ROW, j, head, f_head)
        first = packet.people[0]
        for j, key in enumerate(keys):  # the first person through xlsxwriter: it fixes the styles
            fmt = f_seq if key == "seq" else f_num if key == "pension_value" else f_text
            v = first[key] if key != "pension_value" or first[key] is not None else first["pension"]
            if isinstance(v, int | float):
                ws.write_number(FIRST_DATA_ROW, j, v, fmt)
            elif v:
                ws.write_string(FIRST_DATA_ROW, j, escape_formula(v), fmt)
            else:
                ws.write_blank(FIRST_DATA_ROW, j, None, fmt)
        last = FIRST_DATA_ROW + n  # 0-based row of the totals
        t = packet.totals
        ws.merge_range(last, 0, last, pcol - 1, f"合计：{t['people']} 人（男 {t['male']} 人，女 {t['female']} 人；"
                       f"党员 {t['party_members']} 人；移交档案 {t['files_transferred']} 份）", f_total)
        col = column_letter(pcol)
        ws.write_formula(last, pcol, f"=SUM({col}{FIRST_DATA_ROW + 1}:{col}{max(last, FIRST_DATA_ROW + 1)})",
                         f_total_num, t["pension_total"])
        ws.merge_range(last, pcol + 1, last, ncol - 1, "", f_total)
        half = ncol // 2
        blocks = [("移交单位（盖章）：", "接收单位（盖章）："), ("负责人：", "负责人："), ("经办人：", "经办人："),
                  (f"日期：{date_text}", f"日期：{date_text}")]
        for r, (left, right) in enumerate(blocks, start=last + 2):
            ws.set_row(r, 24)
            ws.merge_range(r, 0, r, half - 1, left, f_meta)
            ws.merge_range(r, half, r, ncol - 1, right, f_meta)
        ws.freeze_panes(FIRST_DATA_ROW, 0)
        ws.repeat_rows(HEADER_ROW)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.8)
        ws.center_horizontally()
        ws.fit_to_pages(1, 0)
        ws.set_footer("&C第 &P 页，共 &N 页")
        ws.print_area(0, 0, last + 1 + len(blocks), ncol - 1)
        wb.close()
        _inject_rows(tmp, packet, keys)
    return target


def _row_styles(row_xml: str, ncol: int) -> list[str]:
    """The style (xf index) of every cell of the first person's row."""
    styles = [""] * ncol
    for m in re.finditer(r'<c r="([A-Z]+)\d+" s="(\d+)"', row_xml):
        j = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(m.group(1)))) - 1
        if j < ncol:
            styles[j] = m.group(2)
    if not all(styles):
        raise RuntimeError("summary.xlsx: cell styles of the first row not found in the sheet XML")
    return styles


def _text(value: str) -> str:
    if _NEEDS_ESC.search(value):
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value.translate(_XML_ESC))
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


def _rows_xml(people: list[dict], keys: list[str], styles: list[str], first: int):
    """Yield the ``<row>`` XML of ``people`` (the first at 1-based row ``first``), in chunks."""
    letters = [column_letter(j) for j in range(len(keys))]
    chunk: list[str] = []
    for i, p in enumerate(people, start=first):
        cells = []
        for key, letter, style in zip(keys, letters, styles, strict=True):
            v = p[key]
            if key == "seq":
                cells.append(f'<c r="{letter}{i}" s="{style}"><v>{v}</v></c>')
            elif key == "pension_value" and v is not None:
                cells.append(f'<c r="{letter}{i}" s="{style}"><v>{v:.16G}</v></c>')
            else:
                s = escape_formula(p["pension"] if key == "pension_value" else v)
                cells.append(f'<c r="{letter}{i}" s="{style}" t="inlineStr">{_text(s)}</c>' if s
                             else f'<c r="{letter}{i}" s="{style}"/>')
        chunk.append(f'<row r="{i}">{"".join(cells)}</row>')
        if len(chunk) >= CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def _inject_rows(path: Path, packet: Packet, keys: list[str]) -> None:
    """Rewrite the workbook at ``path`` with the other people's rows after the first one."""
    if len(packet.people) < 2:
        return
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    with open(path, "wb") as fh, zipfile.ZipFile(fh, "w") as out:
        for info, body in members:
            if info.filename != SHEET_PART:
                out.writestr(info, body)
                continue
            xml = body.decode("utf-8")
            m = re.search(rf'<row r="{FIRST_DATA_ROW + 1}"[^>]*>.*?</row>', xml, flags=re.S)
            if m is None:
                raise RuntimeError("summary.xlsx: the first person's row not found in the sheet XML")
            styles = _row_styles(m.group(0), len(keys))
            with out.open(info, "w") as part:
                part.write(xml[:m.end()].encode("utf-8"))
                for chunk in _rows_xml(packet.people[1:], keys, styles, FIRST_DATA_ROW + 2):
                    part.write(chunk.encode("utf-8"))
                part.write(xml[m.end():].encode("utf-8"))
