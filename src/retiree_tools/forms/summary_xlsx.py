"""The 汇总表 as xlsx, about 0.3 ms per workbook.

A run writes one summary per enterprise × receiving unit: a thousand small workbooks for ten
thousand people. Laying each out with xlsxwriter costs ~3.7 ms (formats, ten XML parts, the
zip), so xlsxwriter lays out one *skeleton* per process instead: the styles, theme, document
properties, column widths, frozen header, print setup and footer, with one cell in each of the
sheet's styles. Every workbook then takes those parts as they are and gets its own sheet XML
(title, enterprise and unit lines, the people's rows, totals, signature blocks and merged
ranges) and workbook XML (print area), written here in the form xlsxwriter itself uses in
constant-memory mode (inline strings). Deterministic, one open file, bounded memory.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

from retiree_tools.findings.model import column_letter
from retiree_tools.forms.plan import TITLES, Packet
from retiree_tools.io.print_setup import CELL_PADDING, line_count, row_height, wrap_capacity
from retiree_tools.io.safe import escape_formula

# key, header, width
SUMMARY_COLUMNS: list[tuple[str, str, float]] = [
    ("seq", "序号", 5), ("name", "姓名", 9), ("gender", "性别", 5), ("id_number", "身份证号码", 20),
    ("birth_date", "出生年月", 11), ("work_start", "参加工作时间", 11), ("retire_date", "退休时间", 11),
    ("category", "人员类别", 16), ("cadre_level", "干部管理权限", 12), ("party_member", "是否党员", 6),
    ("household_address", "户籍所在地", 24), ("residence", "长期居住地", 24), ("phone", "联系电话", 14),
    ("family_contact", "家属联系人及电话", 20), ("pension_value", "养老金标准（元/月）", 11),
    ("file_transfer", "档案移交", 6), ("remark", "备注", 18),
]
SHEET_NAME = "汇总表"
SHEET_PART = "xl/worksheets/sheet1.xml"
WORKBOOK_PART = "xl/workbook.xml"
HEADER_ROW = 3  # 0-based: title, enterprise line, unit line, header
FIRST_DATA_ROW = HEADER_ROW + 1
CHUNK_ROWS = 2000
SIGNATURE_ROWS = 4
_XML_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ESC = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LETTERS = [column_letter(j) for j in range(len(SUMMARY_COLUMNS))]
_FORMATS = {  # name → xlsxwriter format properties; the skeleton has one cell in each
    "title": {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"},
    "meta": {"font_size": 10, "valign": "vcenter"},
    "head": {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True, "bg_color": "#F2F2F2"},
    "seq": {"border": 1, "align": "center", "valign": "vcenter"},
    "text": {"border": 1, "valign": "vcenter", "text_wrap": True, "num_format": "@"},
    "num": {"border": 1, "valign": "vcenter", "num_format": "0.00"},
    "total": {"border": 1, "bold": True, "valign": "vcenter"},
    "total_num": {"border": 1, "bold": True, "valign": "vcenter", "num_format": "0.00"},
}


@dataclass(frozen=True)
class _Deflated:
    """A zip member compressed once: raw deflate stream, CRC-32 and size."""

    stream: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, data: bytes, level: int = 6) -> _Deflated:
        c = zlib.compressobj(level, zlib.DEFLATED, -15)
        return cls(c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def _zip(members: list[tuple[str, _Deflated]]) -> bytes:
    """A zip of already-deflated members (zipfile always compresses what it is given; the
    skeleton's parts are compressed once per process instead of once per workbook). Fixed
    1980-01-01 times, like xlsxwriter and xlsxout; the result is read back by zipfile in tests."""
    body = bytearray()
    central = bytearray()
    for name, m in members:
        fname = name.encode("utf-8")
        offset = len(body)
        # version 20, flag bit 11 (UTF-8 names), deflate, time 0, date 1980-01-01 (0x21)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21, m.crc, len(m.stream), m.size, len(fname), 0)
        body += fname
        body += m.stream
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0x21, m.crc, len(m.stream),
                               m.size, len(fname), 0, 0, 0, 0, 0o600 << 16, offset)
        central += fname
    if len(body) + len(central) >= 0xFFFFFFFF or len(members) >= 0xFFFF:
        raise RuntimeError("summary.xlsx larger than a zip without ZIP64 holds")
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(body), 0)
    return bytes(body + central + end)


@dataclass(frozen=True)
class _Skeleton:
    parts: list[tuple[str, _Deflated]]  # every part but the sheet and the workbook XML, in zip order
    order: list[str]  # all part names in xlsxwriter's zip order
    sheet_head: str  # the sheet XML up to <sheetData>, with {dimension} to fill
    sheet_tail: str  # after </sheetData>, with {merges} to fill
    workbook: str  # the workbook XML with {print_area} to fill
    style: dict[str, str]  # format name → cell style index


@lru_cache(maxsize=1)
def _skeleton() -> _Skeleton:
    """The fixed parts of every summary workbook, laid out once by xlsxwriter."""
    from retiree_tools.io.print_setup import xlsxwriter_print_setup
    from retiree_tools.io.xlsx import xlsxwriter_parts

    ncol = len(SUMMARY_COLUMNS)
    names = list(_FORMATS)

    def lay_out(wb) -> None:
        ws = wb.add_worksheet(SHEET_NAME)
        for r, name in enumerate(names):  # one styled cell per format, to learn its style index
            ws.write_blank(r, 0, None, wb.add_format(_FORMATS[name]))
        for j, (_, _, width) in enumerate(SUMMARY_COLUMNS):
            ws.set_column(j, j, width)
        ws.freeze_panes(FIRST_DATA_ROW, 0)
        # A4 landscape, one page wide, the title, enterprise and unit lines and the header on every
        # page (page numbers in the footer)
        xlsxwriter_print_setup(ws, title_rows=(0, HEADER_ROW))
        ws.print_area(0, 0, len(names), ncol - 1)

    members = xlsxwriter_parts(lay_out, mark="forms-summary")  # no input: directory scans skip it
    files = dict(members)
    sheet = files[SHEET_PART].decode("utf-8")
    style = {}
    for r, name in enumerate(names, start=1):
        m = re.search(rf'<c r="A{r}" s="(\d+)"/>', sheet)
        if m is None:
            raise RuntimeError(f"summary.xlsx skeleton: style of {name} not found")
        style[name] = m.group(1)
    head, rest = sheet.split("<sheetData>", 1)
    _, tail = rest.split("</sheetData>", 1)
    head = re.sub(r'<dimension ref="[^"]*"/>', "<dimension ref=\"{dimension}\"/>", head.replace("{", "{{").replace("}", "}}"))
    tail = tail.replace("{", "{{").replace("}", "}}")
    if "<mergeCells" in tail:
        raise RuntimeError("summary.xlsx skeleton: unexpected merged cells")
    tail = tail.replace("<printOptions", "{merges}<printOptions", 1) if "<printOptions" in tail else "{merges}" + tail
    workbook = files[WORKBOOK_PART].decode("utf-8").replace("{", "{{").replace("}", "}}")
    workbook, n = re.subn(r'(<definedName name="_xlnm\.Print_Area"[^>]*>)[^<]*', r"\1{print_area}", workbook)
    if n != 1 or "sharedStrings" in files.get("[Content_Types].xml", b"").decode():
        raise RuntimeError("summary.xlsx skeleton: unexpected workbook layout")
    fixed = [(name, _Deflated.of(body)) for name, body in members if name not in (SHEET_PART, WORKBOOK_PART)]
    return _Skeleton(fixed, [name for name, _ in members], head + "<sheetData>", "</sheetData>" + tail, workbook, style)


def summary_xlsx_bytes(packet: Packet, date_text: str) -> bytes:
    """The 汇总表: title, header frozen and repeated on every printed page, A4 landscape fitted
    to one page wide, a SUM of the pensions, signature blocks. Text is formula-escaped."""
    sk = _skeleton()
    st = sk.style
    ncol = len(SUMMARY_COLUMNS)
    keys = [k for k, _, _ in SUMMARY_COLUMNS]
    pcol = keys.index("pension_value")
    letters = _LETTERS[:ncol]
    last_col = letters[-1]
    n = len(packet.people)
    total_row = FIRST_DATA_ROW + n + 1  # 1-based
    blocks_from = total_row + 2
    last_row = blocks_from + SIGNATURE_ROWS - 1
    spans = f' spans="1:{ncol}"'

    def merged_row(r: int, text: str, style: str, attrs: str = "") -> str:
        cells = [f'<c r="A{r}" s="{style}" t="inlineStr">{_text(text)}</c>']
        cells += [f'<c r="{c}{r}" s="{style}"/>' for c in letters[1:]]
        return f'<row r="{r}"{spans}{attrs}>{"".join(cells)}</row>'

    e, u, c = packet.enterprise, packet.unit, packet.county
    credit = f"（统一社会信用代码：{e['credit_code']}）" if e["credit_code"] else ""
    out = [sk.sheet_head.format(dimension=f"A1:{last_col}{last_row}")]
    out.append(merged_row(1, TITLES["summary"], st["title"], ' ht="30" customHeight="1"'))
    out.append(merged_row(2, escape_formula(f"移交单位：{e['name']}{credit}"), st["meta"]))
    out.append(merged_row(3, escape_formula(f"接收单位：{c['name']} {u['name']}（代码：{u['code']}）    填报日期：{date_text}"), st["meta"]))
    heads = "".join(f'<c r="{letters[j]}4" s="{st["head"]}" t="inlineStr">{_text(h)}</c>' for j, (_, h, _) in enumerate(SUMMARY_COLUMNS))
    out.append(f'<row r="4"{spans} ht="30" customHeight="1">{heads}</row>')
    styles = [st["seq"] if k == "seq" else st["num"] if k == "pension_value" else st["text"] for k in keys]
    out.extend(_rows_xml(packet.people, keys, styles, FIRST_DATA_ROW + 1))
    t = packet.totals
    total_text = (f"合计：{t['people']} 人（男 {t['male']} 人，女 {t['female']} 人；"
                  f"党员 {t['party_members']} 人；移交档案 {t['files_transferred']} 份）")
    col = letters[pcol]
    cells = [f'<c r="A{total_row}" s="{st["total"]}" t="inlineStr">{_text(total_text)}</c>']
    cells += [f'<c r="{letters[j]}{total_row}" s="{st["total"]}"/>' for j in range(1, pcol)]
    cells.append(f'<c r="{col}{total_row}" s="{st["total_num"]}"><f>SUM({col}{FIRST_DATA_ROW + 1}:{col}'
                 f'{max(total_row - 1, FIRST_DATA_ROW + 1)})</f><v>{t["pension_total"]}</v></c>')
    cells += [f'<c r="{letters[j]}{total_row}" s="{st["total"]}"/>' for j in range(pcol + 1, ncol)]
    out.append(f'<row r="{total_row}"{spans}>{"".join(cells)}</row>')
    half = ncol // 2
    blocks = [("移交单位（盖章）：", "接收单位（盖章）："), ("负责人：", "负责人："), ("经办人：", "经办人："),
              (f"日期：{date_text}", f"日期：{date_text}")]
    merges = [f"A1:{last_col}1", f"A2:{last_col}2", f"A3:{last_col}3",
              f"A{total_row}:{letters[pcol - 1]}{total_row}", f"{letters[pcol + 1]}{total_row}:{last_col}{total_row}"]
    for r, (left, right) in enumerate(blocks, start=blocks_from):
        cells = [f'<c r="A{r}" s="{st["meta"]}" t="inlineStr">{_text(left)}</c>']
        cells += [f'<c r="{letters[j]}{r}" s="{st["meta"]}"/>' for j in range(1, half)]
        cells.append(f'<c r="{letters[half]}{r}" s="{st["meta"]}" t="inlineStr">{_text(right)}</c>')
        cells += [f'<c r="{letters[j]}{r}" s="{st["meta"]}"/>' for j in range(half + 1, ncol)]
        out.append(f'<row r="{r}"{spans} ht="24" customHeight="1">{"".join(cells)}</row>')
        merges += [f"A{r}:{letters[half - 1]}{r}", f"{letters[half]}{r}:{last_col}{r}"]
    merge_xml = f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>"
    out.append(sk.sheet_tail.format(merges=merge_xml))
    parts = dict(sk.parts)
    # level 1: a third of level 6's time for a few per cent more bytes (a thousand small files a run)
    parts[SHEET_PART] = _Deflated.of("".join(out).encode("utf-8"), 1)
    parts[WORKBOOK_PART] = _Deflated.of(sk.workbook.format(print_area=f"{SHEET_NAME}!$A$1:${last_col}${last_row}").encode("utf-8"), 1)
    return _zip([(name, parts[name]) for name in sk.order])


def _text(value: str) -> str:
    if _NEEDS_ESC.search(value):
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value.translate(_XML_ESC))
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


# a text that needs neither formula escaping, nor XML escaping, nor xml:space="preserve"
_PLAIN = re.compile(r"[^\s=+\-@&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
                    r"(?:[^&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*[^\s&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff])?")


# what validate checked and assign wrote in a fixed form that fits its column (18-character ID
# in 20, a YYYY-MM-DD date in 11, one-character gender and yes/no): never measured for wrapping
_FIXED_FORMAT = frozenset(("id_number", "birth_date", "work_start", "retire_date", "gender", "party_member",
                           "file_transfer"))


def _rows_xml(people: list[dict], keys: list[str], styles: list[str], first: int):
    """Yield the ``<row>`` XML of ``people`` (the first at 1-based row ``first``), in chunks."""
    letters = _LETTERS[:len(keys)]
    widths = {k: w for k, _, w in SUMMARY_COLUMNS}
    # a text wider than its column's room wraps: its row is as high as its lines (a text of at
    # most room/2 characters, or of room ASCII ones, fits whatever it holds: not measured; nor
    # is a line break in such a short text)
    # Columns of a checked fixed format (an assigned person's ID, dates, gender, yes/no) always
    # fit and are not measured either: a room of 10**6.
    rooms = [10**6 if k in _FIXED_FORMAT else widths[k] - CELL_PADDING for k in keys]
    caps = [wrap_capacity(widths[k]) for k in keys]
    plain = _PLAIN.fullmatch
    chunk: list[str] = []
    for i, p in enumerate(people, start=first):
        cells = []
        lines = 1
        for key, letter, style, room, cap in zip(keys, letters, styles, rooms, caps, strict=True):
            v = p[key]
            if key == "seq":
                cells.append(f'<c r="{letter}{i}" s="{style}"><v>{v}</v></c>')
                continue
            if key == "pension_value":
                if v is not None:
                    cells.append(f'<c r="{letter}{i}" s="{style}"><v>{v:.16G}</v></c>')
                    continue
                v = p["pension"]
            if not v:
                cells.append(f'<c r="{letter}{i}" s="{style}"/>')
                continue
            if isinstance(v, str) and plain(v):
                cells.append(f'<c r="{letter}{i}" s="{style}" t="inlineStr"><is><t>{v}</t></is></c>')
            else:
                s = escape_formula(v)
                cells.append(f'<c r="{letter}{i}" s="{style}" t="inlineStr">{_text(s)}</c>' if s
                             else f'<c r="{letter}{i}" s="{style}"/>')
                v = str(v)
            n = len(v)
            if n > room / 2:  # may not fit on one line (a shorter text always does)
                if "\n" in v:
                    lines = max(lines, line_count(v, room + CELL_PADDING))
                elif n > room or not v.isascii():  # width_estimate inlined: runs for every address
                    w = n + (len(v.encode("utf-8", "surrogatepass")) - n) // 2
                    if w > room and w > lines * cap:
                        lines = int(-(-w // cap))
        if lines > 1:  # LibreOffice does not grow a row for wrapped text: its height is given
            chunk.append(f'<row r="{i}" ht="{row_height(lines):g}" customHeight="1">{"".join(cells)}</row>')
        else:
            chunk.append(f'<row r="{i}">{"".join(cells)}</row>')
        if len(chunk) >= CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)
