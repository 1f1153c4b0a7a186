"""Writing the assigned file (.xlsx or .csv, UTF-8 with BOM) chunk by chunk: every contract
column as formula-escaped text built by Arrow, the xlsx rows as sheet XML inside the workbook
xlsxwriter lays out; atomic and owner-only."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from retiree_tools.assign.contract import KEYS, headers
from retiree_tools.domain.text import RE2_PY_SPACE
from retiree_tools.findings.errors import InputError
from retiree_tools.findings.model import column_letter
from retiree_tools.texts import tr

SUFFIXES = (".xlsx", ".csv")


def _cell(v: object) -> object:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, bool):
        return "是" if v else "否"
    return v


def _text(v: object) -> str | None:
    c = _cell(v)
    if c is None or c is pd.NA:
        return None
    if isinstance(c, float) and c.is_integer():
        return str(int(c))
    return str(c)


def text_columns(frame: pd.DataFrame) -> list:
    """Each contract column of ``frame`` as an Arrow string array, formula-escaped (vectorised;
    each distinct value converted once). Two columns at a time: most of the work is Arrow's
    regular expressions, which release the GIL."""
    from retiree_tools.io.workers import map_pair
    from retiree_tools.validate.chunk import THREADS_FROM_ROWS

    if len(frame) < THREADS_FROM_ROWS:
        return [_text_column(frame, key) for key in KEYS]
    return map_pair(lambda key: _text_column(frame, key), KEYS, "retiree-tools-write")


def _text_column(frame: pd.DataFrame, key: str):
    import pyarrow as pa

    from retiree_tools.io.safe import escape_formula_arrow

    n = len(frame)
    if key not in frame:
        return pa.nulls(n, pa.string())
    col = frame[key]
    if isinstance(col.dtype, pd.ArrowDtype) and pa.types.is_string(col.dtype.pyarrow_dtype):
        arr = pa.array(col.array)  # an Arrow text column from validate: no Python objects at all
        return escape_formula_arrow(arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr)
    values = col.to_numpy(dtype=object)
    try:  # the common case, a column of texts and blanks: converted in C
        return escape_formula_arrow(pa.array(values, type=pa.string(), from_pandas=True))
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        pass
    numbers = _numbers_as_text(values)
    if numbers is not None:
        return numbers
    # booleans and mixed columns: each distinct value converted once
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    texts = pa.array([_text(u) for u in uniques], type=pa.string())
    arr = texts.take(pa.array(codes, mask=codes < 0)) if len(uniques) else pa.nulls(n, pa.string())
    return escape_formula_arrow(arr)


def _numbers_as_text(values):
    """A column of plain numbers (row numbers, pensions) as text, cast by Arrow, with the text
    :func:`_text` gives (``3200.0`` → ``3200``, ``3200.5`` → ``3200.5``); None when the column
    holds anything else, or a float outside the range where Arrow and Python print the same
    digits (shortest round-trip form; a test compares them)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "integer":
        return pc.cast(pa.array(values, type=pa.int64(), from_pandas=True), pa.string())
    if kind not in ("floating", "mixed-integer-float"):
        return None
    arr = pa.array(values, type=pa.float64(), from_pandas=True)
    f = arr.to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore"):
        whole = np.floor(f) == f
        # whole numbers print as integers; Arrow writes others as Python does below 1e9
        plain = np.isnan(f) | (whole & (np.abs(f) < 1e15)) | (~whole & (np.abs(f) >= 1e-4) & (np.abs(f) < 1e9))
    if not plain.all():
        return None
    as_int = pc.cast(pc.cast(arr, pa.int64(), safe=False), pa.string())  # -0.0 → "0", as int(-0.0) prints
    return pc.if_else(pa.array(whole, mask=np.isnan(f)), as_int, pc.cast(arr, pa.string()))


def check_suffix(path: Path) -> None:
    """An assigned file is .xlsx or .csv (a usage error otherwise, before any work)."""
    if Path(path).suffix.lower() not in SUFFIXES:
        raise InputError("usage", reason="error.output_suffix", allowed=" / ".join(SUFFIXES), name=Path(path).name)


class AssignedWriter:
    """Incremental writer of an assigned file (.xlsx or .csv, UTF-8 with BOM): frames are
    appended chunk by chunk (bounded memory), the file appears atomically on :meth:`close`,
    owner-only. Formula-like text is escaped; IDs and accounts are written as text."""

    def __init__(self, path: str | Path, lang: str = "zh"):
        from retiree_tools.io.safe import atomic_path

        self.path = Path(path)
        self.suffix = self.path.suffix.lower()
        check_suffix(self.path)
        self._ctx = atomic_path(self.path)
        self._tmp = self._ctx.__enter__()
        self.rows = 0
        self._headers = headers(lang)
        if self.suffix == ".csv":
            import pyarrow.csv as pacsv

            self._fh = open(self._tmp, "wb")
            self._fh.write("\ufeff".encode())  # BOM: Excel then opens the UTF-8 text correctly
            self._csv = None
            self._pacsv = pacsv
        else:
            # the people's rows go, as sheet XML, to a file beside the output; close() puts them
            # into the workbook xlsxwriter lays out around them (header, widths, filter)
            self._sheet_name = tr("assign.sheet_name", lang)
            fd, rows_path = tempfile.mkstemp(prefix=f".{self.path.name}.rt{os.getpid()}.", suffix=".rows", dir=self.path.parent)
            self._rows_path = Path(rows_path)
            self._rows = os.fdopen(fd, "wb")

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa

        columns = text_columns(frame)
        if self.suffix == ".csv":
            table = pa.table(columns, names=self._headers)
            if self._csv is None:
                opts = self._pacsv.WriteOptions(include_header=True, quoting_style="needed")
                self._csv = self._pacsv.CSVWriter(self._fh, table.schema, write_options=opts)
            self._csv.write_table(table)
        else:  # in slices: the XML of a slice is ~40× its people's text, kept small
            for start in range(0, len(frame), XML_SLICE_ROWS):
                piece = [c.slice(start, XML_SLICE_ROWS) for c in columns]
                self._rows.write(rows_xml(piece, self.rows + 2 + start, _styles(), row_attrs(piece)))
        self.rows += len(frame)

    def close(self) -> Path:
        if self.suffix == ".csv":
            if self._csv is None:  # nobody: the header alone
                self.write(pd.DataFrame({k: [] for k in KEYS}))
            self._csv.close()
            self._fh.close()
        else:
            self._rows.close()
            try:
                self._assemble()
            finally:
                self._rows_path.unlink(missing_ok=True)
        self._ctx.__exit__(None, None, None)
        return self.path

    def _assemble(self) -> None:
        """The workbook: xlsxwriter lays out the header row, column widths and text format,
        frozen header and filter for ``rows`` people; the rows file goes into its sheet XML."""
        import zipfile

        members = _layout(self._sheet_name, self._headers, self.rows)
        last = column_letter(len(KEYS) - 1)
        with zipfile.ZipFile(self._tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                if name != "xl/worksheets/sheet1.xml":
                    out.writestr(info, data)
                    continue
                xml = data.decode("utf-8")
                if _column_styles(xml) != _styles() or "</sheetData>" not in xml:
                    raise RuntimeError("assigned.xlsx: unexpected sheet layout from xlsxwriter")
                xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}{self.rows + 1}"/>', xml, count=1)
                head, tail = xml.split("</sheetData>", 1)
                with out.open(info, "w", force_zip64=True) as part, open(self._rows_path, "rb") as rows:
                    part.write(head.encode("utf-8"))
                    shutil.copyfileobj(rows, part, 1 << 20)
                    part.write(("</sheetData>" + tail).encode("utf-8"))

    def abort(self, exc: BaseException) -> None:
        with contextlib.suppress(Exception):
            if self.suffix == ".csv":
                self._fh.close()
            else:
                self._rows.close()
                self._rows_path.unlink(missing_ok=True)
        with contextlib.suppress(BaseException):
            self._ctx.__exit__(type(exc), exc, exc.__traceback__)


# column widths (characters) chosen from the content: IDs (18), accounts (up to 21) and phone
# numbers whole, codes unbroken (rule medical_insurance, unit level community, one flag such as
# household_address_city_level, a finding code a line), yes/no columns narrow, addresses,
# evidence and reasons wide and wrapped (the unit's office address on two lines, not three: rows
# are lower, more fit a printed page); the source file's path is not wrapped: the same long path
# on every row would make every row three lines
WIDTHS: dict[str, float] = {
    "file": 16, "row": 6, "enterprise": 18, "credit_code": 20, "name": 9, "gender": 5, "id_number": 20,
    "birth_date": 11, "work_start": 11, "retire_date": 11, "category": 14, "cadre_level": 10,
    "household_address": 26, "medical_location": 16, "residence": 26, "pension": 10, "bank_account": 23,
    "phone": 14, "family_contact": 20, "party_member": 5, "status": 9, "county_code": 8, "county_name": 8,
    "unit_code": 14, "unit_name": 14, "unit_level": 11, "rule": 19, "evidence": 26, "reason": 24, "flags": 29,
    "file_transfer": 5, "party_org": 14, "findings": 22, "office_address": 27, "contact_person": 8,
    "contact_phone": 14,
}
DOC_WIDTH = 5
WRAPPED = frozenset(("enterprise", "category", "household_address", "medical_location", "residence",
                     "family_contact", "unit_name", "rule", "evidence", "reason", "flags", "party_org", "findings",
                     "office_address"))
HEADER_HEIGHT = 48  # points: the header's longest title wraps to three lines in its column
# printed at the left of every page: who the row is (contiguous in the contract: 姓名, 性别, 身份证号码)
PRINT_TITLE_COLUMNS = (KEYS.index("name"), KEYS.index("id_number"))


def _width(key: str) -> float:
    return WIDTHS.get(key, DOC_WIDTH)


def _layout(sheet_name: str, header: list[str], rows: int) -> list[tuple[str, bytes]]:
    """The zip members of an assigned workbook of ``rows`` people as xlsxwriter lays it out
    (header, widths, cell formats with borders, frozen header, filter; printed on A4 landscape
    at a legible fixed scale, several pages wide, with the header on top and 姓名 / 性别 /
    身份证号码 at the left of every page), with no people in it."""
    from retiree_tools.io.print_setup import xlsxwriter_wide_print_setup
    from retiree_tools.io.xlsx import xlsxwriter_parts

    def lay_out(wb) -> None:
        ws = wb.add_worksheet(sheet_name)
        bold = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                              "align": "center", "valign": "vcenter"})
        text = wb.add_format({"num_format": "@", "border": 1, "valign": "top"})
        wrap = wb.add_format({"num_format": "@", "border": 1, "valign": "top", "text_wrap": True})
        for j, key in enumerate(KEYS):
            ws.set_column(j, j, _width(key), wrap if key in WRAPPED else text)
        ws.set_row(0, HEADER_HEIGHT)
        for j, h in enumerate(header):
            ws.write_string(0, j, h, bold)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(rows, 1), len(KEYS) - 1)
        xlsxwriter_wide_print_setup(ws, title_rows=(0, 0), title_columns=PRINT_TITLE_COLUMNS)

    return xlsxwriter_parts(lay_out, mark="assigned")  # no input: directory scans for rosters skip it


def _column_styles(sheet_xml: str) -> list[str] | None:
    """The style of each column (``<col min max style>`` elements, spans expanded)."""
    styles: list[str] = []
    for m in re.finditer(r'<col min="(\d+)" max="(\d+)"[^>]*style="(\d+)"', sheet_xml):
        styles += [m.group(3)] * (int(m.group(2)) - int(m.group(1)) + 1)
    return styles if len(styles) == len(KEYS) else None


@functools.lru_cache(maxsize=1)
def _styles() -> list[str]:
    """The cell style of each column (text, or wrapped text), as xlsxwriter gives the columns'
    formats (the people's cells use them)."""
    members = dict(_layout("x", KEYS, 1))
    styles = _column_styles(members["xl/worksheets/sheet1.xml"].decode("utf-8"))
    if styles is None:
        raise RuntimeError("assigned.xlsx: no column styles in xlsxwriter's layout")
    return styles


def row_attrs(columns: list):
    """Each row's attributes after its number: a height for the lines its wrapped texts take
    (LibreOffice does not grow a row by itself), none for a one-line row. Arrow over whole
    columns: the row's most lines among the wrapped columns."""
    import pyarrow as pa

    from retiree_tools.io.print_setup import lines_arrow, row_height

    n = len(columns[0])
    lines = np.ones(n, dtype=np.int64)
    for key, col in zip(KEYS, columns, strict=True):
        if key in WRAPPED:
            np.maximum(lines, lines_arrow(col, _width(key)), out=lines)
    counts, index = np.unique(lines, return_inverse=True)
    attrs = pa.array(['"' if c == 1 else f'" ht="{row_height(int(c)):g}" customHeight="1"' for c in counts])
    return attrs.take(pa.array(index.reshape(-1).astype(np.int32)))


# a text starting or ending with Python's \s keeps its spaces in Excel (xml:space="preserve")
_RE2_EDGE_SPACE = f"^{RE2_PY_SPACE}|{RE2_PY_SPACE}$"


XML_SLICE_ROWS = 20_000


def rows_xml(columns: list, first_row: int, styles: list[str], attrs=None) -> bytes | memoryview:
    """The ``<row>`` XML of the assigned file's rows, built by Arrow column by column (no
    Python per cell), in the form xlsxwriter writes in constant-memory mode: inline strings,
    XML-escaped, ``xml:space="preserve"`` for a text with a space at either end; the row
    number column as a number. Blank cells are left out. ``styles``: each column's cell style;
    ``attrs``: each row's text after ``r="N`` (from :func:`row_attrs`; None: ``"``)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(columns[0])
    rn = pc.cast(pa.array(np.arange(first_row, first_row + n, dtype=np.int64)), pa.string())
    parts: list = ['<row r="', rn, '"' if attrs is None else attrs, ">"]
    for j, col in enumerate(columns):
        letter = column_letter(j)
        style = styles[j]
        if j == 1:  # 行号: a number when it is one
            digits = pc.fill_null(pc.match_substring_regex(col, r"^\d+$"), False)
            number = pc.binary_join_element_wise(f'<c r="{letter}', rn, f'" s="{style}"><v>', col, "</v></c>", "")
        esc = pc.replace_substring(pc.replace_substring(pc.replace_substring(col, "&", "&amp;"), "<", "&lt;"), ">", "&gt;")
        edge = pc.fill_null(pc.match_substring_regex(col, _RE2_EDGE_SPACE), False)
        open_t = pc.if_else(edge, pa.scalar('<is><t xml:space="preserve">'), pa.scalar("<is><t>"))
        cell = pc.binary_join_element_wise(f'<c r="{letter}', rn, f'" s="{style}" t="inlineStr">', open_t, esc,
                                           "</t></is></c>", "")
        if j == 1:
            cell = pc.if_else(digits, number, cell)
        parts.append(pc.fill_null(cell, ""))
    parts.append("</row>")
    rows = pc.binary_join_element_wise(*parts, "")
    if n == 0:
        return b""
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32 if rows.type == pa.string() else np.int64)
    start, end = offsets[rows.offset], offsets[rows.offset + n]
    return memoryview(rows.buffers()[2])[start:end]  # the rows one after another, not copied


def write_assigned(frame: pd.DataFrame, path: str | Path, lang: str = "zh") -> Path:
    """Write a whole assigned frame (columns = contract keys; missing keys blank)."""
    writer = AssignedWriter(path, lang)
    try:
        writer.write(frame)
    except BaseException as exc:
        writer.abort(exc)
        raise
    return writer.close()
