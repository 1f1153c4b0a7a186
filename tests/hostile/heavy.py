"""Builders of the heavy hostile files of issue 13 — the ones that once took gigabytes, minutes
or the whole process: a value far from the rest, an .ods repeating a row millions of times, a
zip with two entries of one name, thousands of sheets, a CSV line of 50 MB, a catalogue whose
keyword column is flooded, a damaged .xls that makes calamine ask for 137 GB, and a
formula-heavy workbook. Each takes the rows of the role it stands in for (header first, text),
so one builder serves the workbook, catalogue, targets, roster and assigned-file readers.

Used by ``test_reliability.py`` (one case each, with its story) and ``test_every_reader.py``
(every file through every command that reads its kind, in the sandbox).
"""

from __future__ import annotations

import struct
import warnings
import zipfile
from pathlib import Path

from retiree_tools.findings.model import column_letter

from hostile.make_corpus import (
    CONTENT_TYPES,
    ROOT_RELS,
    sheet_xml,
    write_csv,
    write_openpyxl,
    write_xls_bytes,
    write_zip,
    xlsx_parts,
)

# ---- one value far away (the engine allocates the whole used range for it) ----

# name → (the stray row appended after the real rows, the code of its refusal)
FAR_CELLS = {
    "far-row": ('<row r="49000000"><c r="A49000000" t="inlineStr"><is><t>x</t></is></c></row>', "file-hostile"),
    "far-col-zzzz": ('<row r="40"><c r="ZZZZ40" t="inlineStr"><is><t>x</t></is></c></row>', "file-hostile"),
    # column 3.6 billion: the engine aborted (exit 134) on it
    "far-col-zzzzzzz": ('<row r="40"><c r="ZZZZZZZ40" t="inlineStr"><is><t>x</t></is></c></row>', "file-hostile"),
    # within Excel's sheet, but 49 million cells of range for a few hundred written
    "sparse": ('<row r="1048000"><c r="AV1048000" t="inlineStr"><is><t>x</t></is></c></row>', "file-too-large"),
}


def far_cell(path: Path, rows: list[list[str]], stray: str) -> Path:
    """An xlsx of ``rows`` and one stray ``<row>`` after them (see :data:`FAR_CELLS`)."""
    return write_zip(path, xlsx_parts(sheet_xml(rows, extra=stray)))


# ---- an .ods repeating a row ----

def ods_repeated_rows(path: Path, times: int = 20_000_000, header: tuple[str, ...] = ("姓名", "身份证号码")) -> Path:
    """An .ods of a header and one row of three cells repeated ``times`` times (a 1 KB file:
    calamine expands every repetition)."""
    row = (f'<table:table-row table:number-rows-repeated="{times}"><table:table-cell office:value-type="string" '
           'table:number-columns-repeated="3"><text:p>张三</text:p></table:table-cell></table:table-row>')
    head = "".join(f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>' for h in header)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="Sheet1"><table:table-row>{head}</table:table-row>'
               f'{row}</table:table></office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    return path


# ---- a zip holding two entries of one name ----

def duplicate_entries(path: Path, rows: list[list[str]]) -> Path:
    """A real xlsx of ``rows`` plus two ``docProps/app.xml`` entries: a tiny one and one of
    50 MB (before: the small-entry allowance was decided by name, so the large one under the
    tiny one's name was inflated unchecked)."""
    good = path.with_name("_" + path.name)
    write_openpyxl(good, rows)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the point
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("docProps/app.xml", b"<a/>")
        dst.writestr("docProps/app.xml", b"<a>" + b" " * 50_000_000 + b"</a>")
    good.unlink()
    return path


# ---- thousands of sheets ----

def many_sheets(path: Path, rows: list[list[str]], n: int = 5000, data_first: bool = True,
                data_name: str = "名单") -> Path:
    """An xlsx of ``n`` sheets: ``rows`` on one (the first, or the last with ``data_first``
    false) and a one-cell instruction sheet for each of the others. Written by hand (xlsxwriter
    takes seconds for 5,000 sheets)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    note = sheet_xml([["填表说明"]])
    data_at = 1 if data_first else n
    sheets, rels, types = [], [], []
    parts: dict[str, bytes] = {}
    for k in range(1, n + 1):
        name = data_name if k == data_at else f"说明{k}"
        sheets.append(f'<sheet name="{name}" sheetId="{k}" r:id="rId{k}"/>')
        rels.append(f'<Relationship Id="rId{k}" Type="{rel_ns}/worksheet" Target="worksheets/sheet{k}.xml"/>')
        types.append(f'<Override PartName="/xl/worksheets/sheet{k}.xml" '
                     'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        parts[f"xl/worksheets/sheet{k}.xml"] = sheet_xml(rows) if k == data_at else note
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    content_types = CONTENT_TYPES.replace(
        b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>',
        "".join(types).encode())
    entries = {"[Content_Types].xml": content_types.replace(
                   b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>', b""),
               "_rels/.rels": ROOT_RELS,
               "xl/workbook.xml": head + f'<workbook xmlns="{ns}" xmlns:r="{rel_ns}"><sheets>{"".join(sheets)}</sheets></workbook>'.encode(),
               "xl/_rels/workbook.xml.rels": head + ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                                     + "".join(rels) + "</Relationships>").encode(),
               **parts}
    return write_zip(path, entries)


# ---- a CSV with one line of 50 MB ----

def long_line_csv(path: Path, rows: list[list[str]], chars: int = 50_000_000, at: int | None = None) -> Path:
    """``rows`` as UTF-8 CSV with, after row ``at`` (default: the last), a copy of that row
    with a field of ``chars`` characters appended."""
    at = len(rows) - 1 if at is None else at
    write_csv(path, rows[: at + 1], "utf-8")
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write(",".join(rows[at]) + "," + "x" * chars + "\r\n")
        for r in rows[at + 1:]:
            fh.write(",".join(r) + "\r\n")
    return path


# ---- a catalogue whose keyword column is flooded ----

def flooded_catalog(path: Path, rows: list[list[str]], keywords: int = 3000, column: int = 4) -> Path:
    """The catalogue ``rows`` with ``keywords`` ``;``-separated keywords in every unit's
    keyword cell (column ``column``; before: 5.9 GB and killed)."""
    flooded = [rows[0]] + [[*r[:column], ";".join(f"街{j}" for j in range(keywords)), *r[column + 1:]] for r in rows[1:]]
    return write_csv(path, flooded, "utf-8")


# ---- a damaged .xls: one cell record claims row 65,535, column 65,535 ----

LABELSST = b"\xfd\x00\x0a\x00"  # BIFF8 record 0x00FD (a string cell), 10 bytes: row, col, xf, sst index


def damaged_xls(path: Path, rows: list[list[str]]) -> Path:
    """A real BIFF8 .xls of ``rows`` (xlwt) in which one string-cell record (LABELSST) is
    patched to row 0xFFFF, column 0xFFFF. BIFF8 sheets have 65,536 rows and 256 columns, but
    the record holds 16 bits for each; calamine builds the sheet's range from the cells it read
    (Range::from_sparse), 65,536 × 65,536 cells of 32 bytes: it asks for 137,438,953,472 bytes
    and aborts (exit 134, "memory allocation of 137438953472 bytes failed") — while opening
    the workbook, before any sheet is asked for. The file stays a valid OLE container (the
    patch changes no length)."""
    data = bytearray(write_xls_bytes(rows))
    at = data.find(LABELSST, len(data) // 2)  # a data cell of the sheet stream, not one of the first
    if at < 0:
        at = data.find(LABELSST)
    if at < 0:
        raise ValueError("no LABELSST record in the xls")
    struct.pack_into("<HH", data, at + 4, 0xFFFF, 0xFFFF)
    path.write_bytes(bytes(data))
    return path


# ---- a formula-heavy workbook ----

def formula_heavy(path: Path, rows: list[list[str]], formula_rows: int = 200_000, formula_cols: int = 21) -> Path:
    """An xlsx of ``rows`` on its first sheet and a second sheet 计算 of ``formula_rows`` ×
    ``formula_cols`` formula cells, each with a cached value: 4.2 million by default, past the
    annotated copy's 4,000,000-cell limit (openpyxl loaded such a workbook whole: 2.2 GB, killed)."""
    body = []
    for i in range(1, formula_rows + 1):
        cells = "".join(f'<c r="{column_letter(j)}{i}"><f>{column_letter(j)}{i + 1}+1</f><v>{j}</v></c>'
                        for j in range(formula_cols))
        body.append(f'<row r="{i}">{cells}</row>')
    calc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + "".join(body) + "</sheetData></worksheet>").encode()
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    parts = dict(xlsx_parts(sheet_xml(rows)))
    parts["xl/workbook.xml"] = head + (f'<workbook xmlns="{ns}" xmlns:r="{rel_ns}"><sheets>'
                                       '<sheet name="名单" sheetId="1" r:id="rId1"/><sheet name="计算" sheetId="2" r:id="rId3"/>'
                                       '</sheets></workbook>').encode()
    parts["xl/_rels/workbook.xml.rels"] = head + (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel_ns}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId3" Type="{rel_ns}/worksheet" Target="worksheets/sheet2.xml"/>'
        "</Relationships>").encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/worksheets/sheet2.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    parts["xl/worksheets/sheet2.xml"] = calc
    return write_zip(path, parts)
