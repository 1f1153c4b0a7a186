"""Checks on a workbook's container before any engine parses it: zip bombs (declared and real
sizes, ratios, entry counts), XML DTDs and entities, sheets whose used range no memory holds,
and password-protected (encrypted) Office files (io.ole). Bounds are documented in docs/security.md.

The engines (calamine, openpyxl) trust the zip: calamine inflates an entry to its end whatever
size the zip declares, and allocates a sheet's whole used range (rows × columns) at once. So
every entry an engine could read is inflated here first, as a stream, and counted.
"""

from __future__ import annotations

import codecs
import operator
import posixpath
import queue
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Generator, Iterator
from pathlib import Path

from retiree_tools.findings.errors import InputError
from retiree_tools.io.workers import Worker

MiB = 1024**2
MAX_ZIP_ENTRIES = 10_000
MAX_UNCOMPRESSED = 2 * 1024**3  # 2 GiB of XML in all
MAX_RATIO = 200  # a real sheet compresses 5-20x; a bomb 1000x+
RATIO_MIN_SIZE = 10 * MiB  # the ratio limit applies to entries inflating past 10 MiB
MAX_CELLS = 50_000_000  # rows × columns of a sheet's used range (the engine allocates it whole)
EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384  # an xlsx sheet's own limits (row 1048576, column XFD)
SPARSE_MIN_CELLS = 4_000_000  # a used range this large must be mostly filled …
SPARSE_RATIO = 50  # … at least one cell written in this many (memory follows content, not claims)
ODS_REPEAT_MIN = 1_000_000  # value cells an .ods may make by repetition before they must be written, 1 in SPARSE_RATIO
CELL_XML_BYTES = 8  # the least XML a cell takes (<c r="A1"/> is 11 bytes): the sheet's size bounds its cells
MAX_XML_PROLOG = 64 * 1024  # bytes before an XML part's root element
UNVERIFIED_BUDGET = 256 * MiB  # what small entries not inflated in full could add up to at most
EXACT_SCAN_SIZE = 16 * MiB  # sheets up to this size get every cell reference read
_DEFLATE_MAX = 1032  # deflate cannot inflate more than ~1032 bytes per compressed byte
THREADED_SCAN_SIZE = 4 * MiB  # compressed entries larger than this are inflated on a second thread
_PIECE = 1 << 20
_OUT = 4 << 20


EMITS = ("file-too-large", "file-hostile")


def _too_large(p: Path, reason: str, **params: object) -> InputError:
    return InputError("file-too-large", str(p), reason=reason, **params)


def _hostile(p: Path, reason: str, **params: object) -> InputError:
    return InputError("file-hostile", str(p), reason=reason, **params)


def check_zip(p: Path) -> str:
    """Vet a zip-based workbook and return its kind (``xlsx`` or ``ods``); raise InputError."""
    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            _check_directory(p, infos)
            sheets = _sheet_parts(zf, names)
            kind = _kind(p, zf, names)
        with p.open("rb") as raw:
            skip = _small_entries(infos)
            for k, info in enumerate(infos):
                sheet = info.filename in sheets
                _scan_entry(p, raw, info, full=sheet or k not in skip, sheet=sheet)
        return kind
    except zipfile.BadZipFile as exc:
        raise InputError("file-unreadable", str(p), reason="error.damaged", what=_short(exc)) from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, struct.error, zlib.error, EOFError) as exc:
        raise InputError("file-unreadable", str(p), reason="error.damaged", what=_short(exc)) from None


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _check_directory(p: Path, infos: list[zipfile.ZipInfo]) -> None:
    """What the central directory declares: entry count, sizes, ratios, methods."""
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _too_large(p, "error.zip_entries", count=len(infos), limit=MAX_ZIP_ENTRIES)
    seen: set[str] = set()
    for i in infos:  # no Office program writes two entries of one name; an engine reads whichever
        if i.filename in seen:
            raise _hostile(p, "error.zip_duplicate", entry=i.filename)
        seen.add(i.filename)
    total = 0
    for i in infos:
        if i.flag_bits & 0x1:
            raise InputError("file-unreadable", str(p), reason="error.encrypted_entry", entry=i.filename)
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputError("file-unreadable", str(p), reason="error.compression", entry=i.filename, method=i.compress_type)
        if i.compress_type == zipfile.ZIP_STORED and i.compress_size != i.file_size:
            raise _too_large(p, "error.stored_sizes", entry=i.filename)
        total += i.file_size
        if i.file_size > RATIO_MIN_SIZE and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise _too_large(p, "error.ratio", entry=i.filename, mib=i.file_size // MiB, kib=i.compress_size // 1024)
    if total > MAX_UNCOMPRESSED:
        raise _too_large(p, "error.uncompressed", mib=total // MiB, limit=MAX_UNCOMPRESSED // MiB)


def _kind(p: Path, zf: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" in names and zf.getinfo("mimetype").file_size < 200 and b"opendocument.spreadsheet" in zf.read("mimetype"):
        return "ods"
    if "xl/workbook.bin" in names:
        raise InputError("file-unreadable", str(p), reason="error.xlsb")
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise InputError("file-unreadable", str(p), reason="error.zip_not_workbook")


def _sheet_parts(zf: zipfile.ZipFile, names: set[str]) -> set[str]:
    """Entries an engine reads as sheets: whatever workbook.xml.rels points at, anything under
    xl/worksheets/, and an ODS's content.xml."""
    parts = {n for n in names if n.startswith("xl/worksheets/") and not n.endswith(".rels")}
    parts |= {n for n in ("content.xml",) if n in names}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names and zf.getinfo(rels).file_size < MiB:
        text = zf.read(rels)
        if b"<!" not in text:  # a DTD is refused by the prolog check
            for target in re.findall(rb'Target="([^"]+)"', text):
                t = target.decode("utf-8", "replace")
                parts.add(posixpath.normpath(t.lstrip("/") if t.startswith("/") else "xl/" + t))
    return parts & names


def _small_entries(infos: list[zipfile.ZipInfo]) -> set[int]:
    """Entries (by position, never by name) too small to matter even if their declared size
    lies: the smallest ones whose worst-case inflation adds up to at most UNVERIFIED_BUDGET.
    Every other entry is inflated."""
    out: set[int] = set()
    budget = UNVERIFIED_BUDGET
    for k, i in sorted(enumerate(infos), key=lambda ki: ki[1].compress_size):
        worst = i.compress_size * _DEFLATE_MAX if i.compress_type == zipfile.ZIP_DEFLATED else i.compress_size
        if worst > budget:
            break
        budget -= worst
        out.add(k)
    return out


def _scan_entry(p: Path, raw, info: zipfile.ZipInfo, *, full: bool, sheet: bool) -> None:
    """Inflate one entry as a stream: its real size must not pass the declared one; an XML
    part's prolog must hold no DTD; a sheet's used range must fit MAX_CELLS. With ``full``
    false only the start is read (for the prolog)."""
    raw.seek(info.header_offset)
    head = raw.read(30)
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise InputError("file-unreadable", str(p), reason="error.damaged", what=info.filename)
    n, m = struct.unpack("<HH", head[26:30])
    raw.seek(info.header_offset + 30 + n + m)
    prolog = _Prolog(p, info.filename)
    extent = _Extent(exact=info.file_size <= EXACT_SCAN_SIZE) if sheet and info.filename != "content.xml" else None
    repeats = _OdsRepeats() if sheet and info.filename == "content.xml" else None
    pieces = _inflate(raw, info)
    if full and info.compress_size > THREADED_SCAN_SIZE:
        pieces = _ahead(pieces)  # zlib inflates the next pieces on the other core meanwhile
    total = 0
    try:
        for out in pieces:
            total += len(out)
            if total > info.file_size:
                raise _too_large(p, "error.inflates_past", entry=info.filename, size=info.file_size)
            prolog.feed(out)
            if extent is not None:
                extent.feed(out)
            if repeats is not None:
                repeats.feed(out)
            if not full and prolog.done:
                return
    finally:
        pieces.close()
    prolog.feed(b"", final=True)
    if repeats is not None and repeats.expanded > ODS_REPEAT_MIN and repeats.expanded > SPARSE_RATIO * repeats.written:
        # a 1 KB .ods repeating one row 20 million times: calamine expands every repetition
        # (a million rows kept, 20-60 s and ~1 GB in the child and the reader)
        raise _too_large(p, "error.ods_repeated", entry=info.filename, cells=repeats.expanded, written=repeats.written)
    if extent is not None:
        rows, cols = extent.size()
        if rows > EXCEL_ROWS or cols > EXCEL_COLS:  # no spreadsheet program writes such a cell
            raise _hostile(p, "error.beyond_excel", entry=info.filename, rows=rows, cols=cols)
        if rows * cols > MAX_CELLS:
            raise _too_large(p, "error.used_range", entry=info.filename, rows=rows, cols=cols, limit=MAX_CELLS)
        # one value far down or far right: the engine allocates the whole range for it. What is
        # written bounds the cells (each takes at least CELL_XML_BYTES of XML): counting them
        # would cost a pass over the XML (0.3 s at 100k rows); the size is free
        written = max(total // CELL_XML_BYTES, 1)
        if rows * cols > SPARSE_MIN_CELLS and rows * cols > SPARSE_RATIO * written:
            raise _too_large(p, "error.sparse_range", entry=info.filename, rows=rows, cols=cols, cells=written)


def _inflate(raw, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's bytes, inflated piece by piece (at most _OUT bytes each), to its real end
    whatever size the zip declares (the caller counts)."""
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    pending = b""
    while True:
        if not pending:
            if left <= 0:
                return
            pending = raw.read(min(left, _PIECE))
            if not pending:
                return
            left -= len(pending)
        if inflater is None:
            out, pending = pending, b""
        else:
            out = inflater.decompress(pending, _OUT)
            pending = b"" if inflater.eof else inflater.unconsumed_tail
        yield out
        if inflater is not None and inflater.eof:
            return


_DONE = object()


def _ahead(pieces: Iterator[bytes], depth: int = 3) -> Generator[bytes, None, None]:
    """``pieces`` produced by a thread, at most ``depth`` ahead of the consumer (zlib releases
    the GIL, so inflating overlaps the consumer's regex screen). Closing the generator stops
    the thread; an exception in the thread is raised in the consumer."""
    q: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in pieces:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            put(exc)

    thread = Worker(produce, "retiree-tools-inflate")
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.wait()


class _Prolog:
    """Everything before an XML part's root element: no DOCTYPE, ENTITY or other declaration
    (billion laughs, external entities), at most MAX_XML_PROLOG bytes; UTF-8 or UTF-16."""

    def __init__(self, p: Path, name: str):
        self.p, self.name, self.buf, self.done = p, name, b"", False

    def feed(self, data: bytes, final: bool = False) -> None:
        if self.done:
            return
        self.buf += data[: MAX_XML_PROLOG + 4 - len(self.buf)]
        verdict = _prolog_verdict(self.buf)
        if verdict == "more" and (final or len(self.buf) > MAX_XML_PROLOG):
            verdict = "ok" if final else "long"
        if verdict == "more":
            return
        self.done = True
        self.buf = b""
        if verdict == "dtd":
            raise _hostile(self.p, "error.dtd", entry=self.name)
        if verdict == "long":
            raise _hostile(self.p, "error.long_prolog", entry=self.name, kib=MAX_XML_PROLOG // 1024)


def _prolog_verdict(data: bytes) -> str:
    """``ok`` (root element reached, or not XML), ``dtd``, or ``more`` (need more bytes)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data[: len(data) // 2 * 2].decode("utf-16", errors="replace")
    elif data[:2] in (b"<\x00", b"\x00<"):
        enc = "utf-16-le" if data[:1] == b"<" else "utf-16-be"
        text = data[: len(data) // 2 * 2].decode(enc, errors="replace")
    else:
        text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return "more"
        if text[i] != "<":
            return "ok"  # not XML (a picture, a binary part) or text before the root: not ours to judge
        if n - i < 4 and "<!--".startswith(text[i:]):
            return "more"  # "<", "<!" or "<!-" at the end of what we have
        if text.startswith("<?", i):
            j, skip = text.find("?>", i + 2), 2
        elif text.startswith("<!--", i):
            j, skip = text.find("-->", i + 4), 3
        elif text.startswith("<!", i):
            return "dtd"
        else:
            return "ok"
        if j < 0:
            return "more"
        i = j + skip


# a cell reference of a cell that has content (a self-closing <c …/> holds no value and the
# engine skips it); rows and cells without a reference are counted along the sheet
_REF = re.compile(rb'<c\s+r="([A-Z]{1,10})(\d{1,15})"[^>]*(?<!/)>')  # wider than Excel: far references are seen, then refused
_ROW_R = re.compile(rb'<row\b[^>]*?\sr="(\d{1,15})"')
# the screen of large sheets, one pass: a cell without a reference first (<c> or attributes
# before r=), or a reference at column BA (53) or further or at row 1,000,000 or further —
# below both a sheet holds at most 52 × 999,999 cells, about MAX_CELLS
# (written for both Python's re and RE2: no look-around)
_SCREEN_PATTERN = rb'<c(?:>|\s+(?:[^r\s]|r[^=]|r=[^"]|r="(?:[A-Z]{3}|[B-Z][A-Z]\d|[A-Z]{1,2}\d{7})))'
_SCREEN = re.compile(_SCREEN_PATTERN)


def _screen_hit(data: bytes) -> bool:
    """Whether _SCREEN matches anywhere in ``data``, asked of RE2 through pyarrow: as fast as
    ``re`` but it releases the GIL, so the inflating thread keeps the other core busy."""
    import pyarrow as pa
    import pyarrow.compute as pc

    offsets = pa.py_buffer(struct.pack("<ii", 0, len(data)))  # not pa.array: that imports pandas
    arr = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(data)])
    return pc.match_substring_regex(arr, _SCREEN_PATTERN.decode("ascii"))[0].as_py()


class _Extent:
    """The used range of a sheet as the engine will allocate it: the largest row and column of
    any cell with content. Sheets up to EXACT_SCAN_SIZE have every reference read; larger ones
    are screened (one regex pass) and read exactly from the first unusual cell on. Cells
    written without a reference are counted along their rows."""

    def __init__(self, exact: bool):
        self.exact = exact
        self.max_row = self.max_col = self.rows = self.row_attr = self.max_run = 0
        self.carry = b""

    def feed(self, out: bytes) -> None:
        if not out:
            return
        data = self.carry + out
        self.carry = data[-96:]
        if not self.exact:
            if not _screen_hit(data):
                return
            m = _SCREEN.search(data)
            if m is None or m.start() > len(data) - 16:  # cut at the end: seen again in the carry
                return
            self.exact = True
        self.rows += out.count(b"<row")
        refs = _REF.findall(data)
        if refs:
            self.max_col = max(self.max_col, max(map(_col_number, set(map(_first, refs)))))
            self.max_row = max(self.max_row, max(map(int, map(_second, refs))))
        end = len(data) - 8  # a "<c " at the very end may have its r= in the next piece
        if b"<c>" in data or data.count(b"<c ", 0, end) > data.count(b'<c r="', 0, end + 6):
            rows = _ROW_R.findall(data)
            if rows:
                self.row_attr = max(self.row_attr, max(map(int, rows)))
            self.max_run = max(self.max_run, max(seg.count(b"<c>") + seg.count(b"<c ") for seg in data.split(b"<row")))

    def size(self) -> tuple[int, int]:
        rows, cols = max(self.max_row, 1), max(self.max_col, 1)
        if self.max_run:
            rows, cols = max(rows, self.row_attr, self.rows), max(cols, self.max_run)
        return rows, cols


_first, _second = operator.itemgetter(0), operator.itemgetter(1)

_ODS_TAG = re.compile(rb'<table:(table-row|table-cell)\b([^>]*)>|</table:table-row>')
_ODS_ROWS = re.compile(rb'number-rows-repeated="(\d{1,15})"')
_ODS_COLS = re.compile(rb'number-columns-repeated="(\d{1,15})"')


class _OdsRepeats:
    """Value cells of an .ods content.xml as the engine expands them: each cell that holds a
    value (``office:value-type``) counts its ``number-columns-repeated`` times its row's
    ``number-rows-repeated``; ``written`` counts the cell elements. Empty repeated cells (what
    LibreOffice writes to the sheet's end) are not counted."""

    def __init__(self) -> None:
        self.expanded = self.written = 0
        self.row_repeat = 1
        self.carry = b""

    def feed(self, out: bytes) -> None:
        data = self.carry + out
        cut = data.rfind(b"<")
        if cut >= 0 and data.find(b">", cut) < 0:  # a tag cut at the piece's end: seen with the next
            data, self.carry = data[:cut], data[cut:]
        else:
            self.carry = b""
        if len(self.carry) > 65536:  # no tag is that long: not ours to parse
            self.carry = b""
        for m in _ODS_TAG.finditer(data):
            kind, attrs = m.group(1), m.group(2) or b""
            if kind is None:
                self.row_repeat = 1
            elif kind == b"table-row":
                r = _ODS_ROWS.search(attrs)
                self.row_repeat = int(r.group(1)) if r else 1
                if attrs.endswith(b"/"):
                    self.row_repeat = 1
            elif b"office:value-type" in attrs:
                c = _ODS_COLS.search(attrs)
                self.written += 1
                self.expanded += self.row_repeat * (int(c.group(1)) if c else 1)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n
