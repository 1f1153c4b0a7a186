"""Reading workbooks safely: sniff the real format, refuse hostile files, and load cells as text.

Every cell comes back as text (or None for blank) exactly as the engine gives it; nothing is
converted by guessing (pandas would turn ``1972.10`` into 1972.1). Rows keep the number Excel
shows. xlsx/xlsm are loaded with fastexcel (calamine → Arrow, the fastest reader measured);
xls/ods with python-calamine; csv with pandas in chunks, encoding detected; HTML/Excel 2003 XML whole (io.markup).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from retiree_tools.findings.errors import InputError
from retiree_tools.io.containers import check_zip
from retiree_tools.io.markup import read_markup, sniff, tab_text
from retiree_tools.io.ole import ole_is_encrypted
from retiree_tools.io.paths import EXCEL_SUFFIXES, MAX_FILE_BYTES, ZIP_MAGIC
from retiree_tools.io.prefetch import Prefetch, load_text_sheet
from retiree_tools.io.text_files import NulFree, detect_encoding, has_nul, sniff_delimiter

# ---- safety bounds (documented in docs/security.md); the zip and OLE ones live in containers ----
EMITS = ("file-unreadable", "file-encrypted", "file-empty")

MAX_CELL_CHARS = 32_767  # Excel's own limit; longer text is cut (value-too-long)
PEEK_ROWS = 40
PEEK_CELL_CHARS = 1_000  # peeked cells (header and title rows) are cut to this length
CSV_CHUNK_ROWS = 200_000
MAX_CSV_FIELD = 16 * 1024 * 1024  # characters of one CSV field (a line longer is refused: see _line_bound)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NATIVE_SUFFIXES = {"xlsx": {".xlsx", ".xlsm"}, "xls": {".xls"}, "ods": {".ods"}}


@dataclass
class Peek:
    """The first rows of a sheet, for header detection: (excel_row, cells) with cells as text."""

    rows: list[tuple[int, list[str | None]]]
    col_offset: int  # absolute 0-based index of the first column


@dataclass
class Source:
    """An opened input: its real format and sheets. Data is loaded by :meth:`chunks`."""

    path: Path
    kind: str  # xlsx | xls | ods | csv | table (rows held in memory, one list per sheet: io.markup)
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    errors: str = "replace"  # "retiree-gb18030": UTF-8 with lines in GB18030 decoded as such
    delimiter: str = ","
    nul: bool = False  # NUL bytes seen in the CSV's first 4 MiB: removed from every value
    width: int = 0
    prefetch: Prefetch | None = None  # a head start on this file (see io.prefetch), or None
    really: str | None = None  # html | spreadsheetml | tsv: what a file that is no workbook really is
    _reader: object = None
    _tables: dict = field(default_factory=dict)
    _zip: zipfile.ZipFile | None = None  # the xlsx, opened once for the first-row scans
    _parts: dict = field(default_factory=dict)  # sheet name → its XML part

    # -- header peek --
    def peek(self, sheet: str | None) -> Peek:
        if self.kind == "csv":
            return self._peek_csv()
        if self.kind == "xlsx":
            return self._peek_xlsx(sheet)
        return self._peek_calamine(sheet)

    def _fast(self):  # lazily opened fastexcel reader
        if self._reader is None:
            import fastexcel

            try:
                head = self.prefetch.take_reader(self.path) if self.prefetch else None
                self._reader = head or fastexcel.read_excel(self._engine_source())
            except Exception as exc:  # noqa: BLE001 - engine errors are many and untyped
                raise InputError("file-unreadable", str(self.path), detail=_short(exc)) from None
        return self._reader

    def _sheet_table(self, sheet: str | None):
        """The whole sheet as an Arrow table of text, parsed once (calamine parses the whole
        sheet even for a few rows, so the peek and the data share one parse)."""
        key = sheet or ""
        if key not in self._tables:
            reader = self._fast()
            try:
                sh = self.prefetch.take_sheet(self.path, sheet, self.sheets) if self.prefetch else None
                sh = sh or load_text_sheet(reader, sheet if sheet is not None else 0)
                table = sh.to_arrow()
                cols = [c.absolute_index for c in sh.available_columns()]
            except Exception as exc:  # noqa: BLE001
                raise InputError("file-unreadable", str(self.path), detail=_short(exc)) from None
            self._tables = {key: (table, cols)}  # one sheet kept at a time (memory)
        return self._tables[key]

    def _peek_xlsx(self, sheet: str | None) -> Peek:
        table, cols = self._sheet_table(sheet)
        col_offset = cols[0] if cols else 0
        head = table.slice(0, PEEK_ROWS)
        data = [head.column(i).to_pylist() for i in range(head.num_columns)]
        first_row = self._first_row(sheet)
        rows = [[c[i] for c in data] for i in range(head.num_rows)]
        if rows and all(v in (None, "") for v in rows[0]):
            # calamine started its range at a blank-valued cell: take its own start instead
            first_row = self._calamine_start(sheet)[0] + 1
        return Peek([(first_row + i, _trim(r)) for i, r in enumerate(rows)], col_offset)

    def _first_row(self, sheet: str | None) -> int:
        """The Excel row of the sheet's first value (see :func:`_xlsx_first_row`); the zip's
        directory and the sheet → part map are read once per file, not once per sheet (a
        workbook of 5,000 sheets took minutes)."""
        try:
            if self._zip is None:
                self._zip = zipfile.ZipFile(self.path)
                self._parts = _sheet_part_map(self._zip)
            name = sheet or (self.sheets[0] if self.sheets else None)
            part = self._parts.get(name) if name is not None else next(iter(self._parts.values()), None)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            return 1
        return _xlsx_first_row(self._zip, part) if part else 1

    def _engine_source(self) -> str | bytes:
        """The path for the engines, or the file's bytes when its name does not match its real
        format (an .xls named .xlsx): the engines choose the format by the file name."""
        if self.path.suffix.lower() in _NATIVE_SUFFIXES[self.kind]:
            return str(self.path)
        return self.path.read_bytes()

    def _calamine_workbook(self):
        import python_calamine

        source = self._engine_source()
        if isinstance(source, bytes):
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(source))
        return python_calamine.CalamineWorkbook.from_path(source)

    def _calamine_sheet(self, sheet: str | None):
        try:
            wb = self._calamine_workbook()
            return wb.get_sheet_by_name(sheet) if sheet else wb.get_sheet_by_index(0)
        except Exception as exc:  # noqa: BLE001
            raise InputError("file-unreadable", str(self.path), detail=_short(exc)) from None

    def _calamine_start(self, sheet: str | None) -> tuple[int, int]:
        start = self._calamine_sheet(sheet).start
        return (start[0], start[1]) if start else (0, 0)

    def _calamine_rows(self, sheet: str | None) -> tuple[list[list[str | None]], int, int]:
        if self.kind == "table":  # held by open_source: rows from row 1, columns from A
            return self._tables[sheet if sheet is not None else self.sheets[0]], 1, 0
        # .xls and .ods: parsed in a bounded child process (io/isolated.py), once per sheet
        # (the peek and the data share it; one sheet kept at a time)
        key = ("isolated", sheet or "")
        if key not in self._tables:
            from retiree_tools.io.isolated import sheet_rows

            self._tables = {key: sheet_rows(self.path, self._engine_source(), sheet)}
        return self._tables[key]

    def _peek_calamine(self, sheet: str | None) -> Peek:
        rows, first, col0 = self._calamine_rows(sheet)
        return Peek([(first + i, _trim(r)) for i, r in enumerate(rows[:PEEK_ROWS])], col0)

    def _peek_csv(self) -> Peek:
        import csv

        rows = []
        csv.field_size_limit(MAX_CSV_FIELD)  # a 200 KB cell is a finding (value-too-long), not an unreadable file
        with self._open_text() as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            try:
                for i, rec in enumerate(reader):
                    if i >= PEEK_ROWS:
                        break
                    rows.append((i + 1, _trim([v.replace("\x00", "") or None for v in rec])))
            except csv.Error as exc:
                raise csv_error(self.path, exc) from None
        self.width = max((len(r) for _, r in rows), default=0)
        return Peek(rows, 0)

    # -- data --
    def chunks(self, sheet: str | None, first_data_row: int, columns: list[int], peek: Peek) -> Iterator[tuple[int, pd.DataFrame]]:
        """Yield (excel_row_of_first_line, frame) with one text column per absolute index in
        ``columns`` (named by the index), starting at ``first_data_row``."""
        if self.kind == "csv":
            yield from self._chunks_csv(first_data_row, columns)
            return
        if self.kind == "xlsx":
            yield first_data_row, self._frame_xlsx(sheet, first_data_row, columns, peek)
            return
        rows, first, col0 = self._calamine_rows(sheet)
        skip = first_data_row - first
        body = rows[skip:]
        data = {c: [r[c - col0] if 0 <= c - col0 < len(r) else None for r in body] for c in columns}
        yield first_data_row, pd.DataFrame(data, dtype=object)

    def _frame_xlsx(self, sheet: str | None, first_data_row: int, columns: list[int], peek: Peek) -> pd.DataFrame:
        table, cols = self._sheet_table(sheet)
        first = peek.rows[0][0] if peek.rows else 1
        table = table.slice(first_data_row - first)
        where = {idx: i for i, idx in enumerate(cols)}
        # Arrow-backed text columns: no Python object per cell (checks work on Arrow arrays)
        return pd.DataFrame({c: pd.arrays.ArrowExtensionArray(table.column(where[c]) if c in where
                                                              else pa.nulls(table.num_rows, pa.string()))
                             for c in columns}, index=range(table.num_rows))

    def _open_text(self):
        return NulFree(open(self.path, encoding=self.encoding, errors=self.errors, newline=""))

    def _chunks_csv(self, first_data_row: int, columns: list[int]) -> Iterator[tuple[int, pd.DataFrame]]:
        width = max([self.width, *(c + 1 for c in columns)])
        kw = dict(skiprows=first_data_row - 1, names=list(range(width)), usecols=columns or None, chunksize=CSV_CHUNK_ROWS)
        try:
            yield from self._csv_chunks(first_data_row, kw, engine="c")
        except _RaggedCsv:
            # a line with more fields than the header: re-read with the python engine, cutting
            # the extra fields instead of dropping the person
            yield from self._csv_chunks(first_data_row, {**kw, "on_bad_lines": lambda bad: bad[:width]}, engine="python")

    def _csv_chunks(self, first_data_row: int, kw: dict, engine: str) -> Iterator[tuple[int, pd.DataFrame]]:
        # the path, not an open text handle: pandas decodes a handle through a re-encoding
        # buffer that is very slow on multi-byte text (measured 20x on a 1M-row Chinese CSV)
        reader = _csv_frame(str(self.path), self.delimiter, path=self.path, engine=engine,
                            encoding=self.encoding, encoding_errors=self.errors, **kw)
        row = first_data_row
        emitted = False
        try:
            for chunk in reader:
                if self.nul:
                    chunk = chunk.replace("\x00", "", regex=True)
                # pandas numbers chunk k from k × chunksize: every chunk starts at 0 here
                chunk = chunk.replace("", None).reset_index(drop=True)
                emitted = True
                yield row, chunk
                row += len(chunk)
        except pd.errors.ParserError as exc:
            if engine == "c" and not emitted and not _EOF_IN_QUOTE.search(str(exc)):
                raise _RaggedCsv() from None
            raise csv_error(self.path, exc) from None
        except csv_module_error() as exc:  # the python engine's csv module
            raise csv_error(self.path, exc) from None


class _RaggedCsv(Exception):
    pass


def _csv_frame(source, delimiter: str, path: Path, engine: str = "c", **kw):
    """pandas.read_csv of ``source`` (a path or a text handle), every cell as text."""
    kw.setdefault("on_bad_lines", "error")
    try:
        return pd.read_csv(source, sep=delimiter, header=None, dtype=str, keep_default_na=False, na_filter=False,
                           engine=engine, skip_blank_lines=False, quoting=0, **kw)
    except (pd.errors.ParserError, ValueError, UnicodeError) as exc:
        raise csv_error(path, exc) from None
    except pd.errors.EmptyDataError:
        raise InputError("file-empty", str(path)) from None


def csv_module_error() -> type[Exception]:
    import csv

    return csv.Error


_EOF_IN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def csv_error(path: Path, exc: BaseException) -> InputError:
    """A CSV parser's error said in the reader's language: an unclosed quote (from which line),
    a field over :data:`MAX_CSV_FIELD`; anything else with the parser's own words."""
    text = str(exc)
    if m := _EOF_IN_QUOTE.search(text):
        return InputError("file-unreadable", str(path), reason="error.csv_quote", line=int(m.group(1)) + 1)
    if "field larger than field limit" in text or "out of memory" in text.lower():
        return InputError("file-too-large", str(path), reason="error.csv_field", limit=MAX_CSV_FIELD // (1024 * 1024))
    return InputError("file-unreadable", str(path), detail=_short(exc))


def blank(v: object) -> bool:
    """None, NaN and pandas' NA (Arrow columns) all mean an empty cell."""
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _trim(cells: list[str | None]) -> list[str | None]:
    """Peeked cells: blanks → None, and text cut to PEEK_CELL_CHARS (a header or title is short;
    a 10 MB cell must not make header detection crawl)."""
    return [None if c is None or (isinstance(c, str) and not c.strip())
            else (c[:PEEK_CELL_CHARS] if isinstance(c, str) else c) for c in cells]


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


# ---------------------------------------------------------------------------------------------
# Opening: sniff the real format, check the container, detect the text encoding.
# ---------------------------------------------------------------------------------------------

def open_source(path: str | Path, prefetch: Prefetch | None = None) -> Source:
    """Open ``path``: its real format by content, the container vetted, the encoding found.
    ``prefetch`` is a head start made for this file (taken when it matches)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(8192)
    except FileNotFoundError:
        raise InputError("file-unreadable", str(p), reason="error.no_such_file") from None
    except IsADirectoryError:
        raise InputError("file-unreadable", str(p), reason="error.is_directory") from None
    except OSError as exc:
        raise InputError("file-unreadable", str(p), detail=exc.strerror or str(exc)) from None
    if size == 0:
        raise InputError("file-empty", str(p))
    if size > MAX_FILE_BYTES:
        raise InputError("file-too-large", str(p), reason="error.file_bytes", size=size, limit=MAX_FILE_BYTES)
    suffix = p.suffix.lower()
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        kind = (prefetch.vetted(p) if prefetch else None) or check_zip(p)  # the head start may have vetted it
        src = Source(p, kind, prefetch=prefetch)
    elif head.startswith(_OLE_MAGIC):
        if ole_is_encrypted(p):
            raise InputError("file-encrypted", str(p))
        src = Source(p, "xls")
    elif (markup := sniff(head)) is not None:  # an HTML table or Excel 2003 XML, whatever its name
        tables = read_markup(p, markup)
        return Source(p, "table", list(tables), really=markup, _tables=tables)
    elif suffix not in EXCEL_SUFFIXES:
        return _text_source(p, head)
    elif head.lstrip().lower().startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise InputError("file-unreadable", str(p), reason="error.html_as_excel")
    elif not tab_text(head) or (src := _text_source(p, head)).delimiter != "\t":
        raise InputError("file-unreadable", str(p), reason="error.not_valid_suffix", suffix=suffix)
    else:  # tab-separated text: what old systems call .xls
        src.really = "tsv"
        return src
    src.sheets = _sheet_names(src)
    return src


def _text_source(p: Path, head: bytes) -> Source:
    enc = detect_encoding(p)  # in UTF-8, a GB18030 line anywhere is decoded as such
    return Source(p, "csv", encoding=enc, errors="retiree-gb18030" if enc in ("utf-8", "utf-8-sig") else "replace",
                  nul=has_nul(p), delimiter=sniff_delimiter(head, enc))


def _sheet_names(src: Source) -> list[str]:
    if src.kind == "xlsx":
        try:
            return list(src._fast().sheet_names)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise InputError("file-unreadable", str(src.path), detail=_short(exc)) from None
    from retiree_tools.io.isolated import sheet_names

    return sheet_names(src.path, src._engine_source())


_ROW_OPEN = re.compile(rb"<(?:\w+:)?c\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ROW_ATTR = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_CELL_REF = re.compile(rb'\br="[A-Z]+(\d+)"')


def _xlsx_first_row(zf: zipfile.ZipFile, part: str) -> int:
    """Excel row number of the first cell that holds a value, read by streaming the sheet XML
    ``part`` (calamine starts its range there; fastexcel does not say where)."""
    try:
        with zf.open(part) as fh:
            buf = b""
            current_row = 0
            while True:
                block = fh.read(1 << 16)
                if not block:
                    return 1
                buf += block
                for m in _ROW_OPEN.finditer(buf):
                    cell = m.group(0)
                    ref = _CELL_REF.search(cell)
                    if ref:
                        current_row = int(ref.group(1))
                    else:
                        before = _ROW_ATTR.findall(buf[: m.start()])
                        current_row = int(before[-1]) if before else current_row + 1
                    inner = m.group(1) or b""
                    if re.search(rb"<(?:\w+:)?v>[^<]", inner) or re.search(rb"<(?:\w+:)?t[^>]*>[^<]", inner):
                        return current_row
                buf = buf[-4096:]
    except (zipfile.BadZipFile, KeyError, OSError):
        return 1


def _sheet_part_map(zf: zipfile.ZipFile) -> dict[str, str]:
    """Every sheet's name → its XML part, from workbook.xml and its relationships (read once)."""
    from defusedxml import ElementTree as ET

    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    targets = {r.get("Id"): r.get("Target") for r in rels}
    parts: dict[str, str] = {}
    for s in wb.iter():
        if s.tag.endswith("}sheet") and s.get("name") is not None and s.get("name") not in parts:
            target = (targets.get(s.get(ns_rel)) or "").lstrip("/")
            parts[s.get("name")] = target if target.startswith("xl/") else "xl/" + target
    return parts


__all__ = ["Source", "Peek", "open_source", "blank"]
