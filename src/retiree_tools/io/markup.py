"""Tables old systems save under an Excel name: an HTML page's ``<table>`` elements, an Excel
2003 XML Spreadsheet ("SpreadsheetML", often from a FreeMarker template) and tab-separated text.
Excel and WPS open all three; ``io.source.open_source`` recognises them by content and reads the
first two here, whole, into rows of text cells (as written, numbers too) or None. A cell merged
over others (``colspan``/``rowspan``, ``ss:MergeAcross``/``ss:MergeDown``) holds its value in
its first cell and leaves the cells it covers empty, as an xlsx's merged cells do.

Guards as for every XML input: no DTD or entity declaration (``file-hostile``, reason
``error.dtd`` as ``io.containers`` gives); at most ``MAX_FILE_BYTES`` read, ``MAX_CELLS``
cells, cells within an Excel sheet, elements nested ``MAX_DEPTH`` deep (``file-too-large``).
The encoding: the BOM, else ``<meta charset>`` or the XML declaration (unless the bytes
contradict it), else ``io.text_files.detect_encoding``. Speed: html.parser is pure Python
(~3 MB/s with the table building: 100,000 people as 62 MB of HTML in ~20 s); SpreadsheetML ~10 MB/s.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import Path

from retiree_tools.findings.errors import InputError
from retiree_tools.io.containers import MAX_CELLS
from retiree_tools.io.paths import MAX_FILE_BYTES
from retiree_tools.io.text_files import detect_encoding

# ``file-format-noted``: the file was HTML, SpreadsheetML or tab-separated text under an Excel
# name (detected here, reported by validate.run right after open_source)
EMITS = ("file-format-noted",)

MAX_DEPTH = 100  # elements open at once
MAX_COLUMNS = 16_384  # Excel's sheet: a cell placed further right is refused
MAX_ROWS = 1_048_576
MAX_COLSPAN = 1_000  # the HTML standard's own limits
MAX_ROWSPAN = 65_534
_BLOCK = 8 << 20
_SAMPLE = 4 * 1024 * 1024
_EMPTY: tuple = ()  # a row without cells (shared: rows are never changed once made)

Rows = list[list[str | None]]
Sheets = dict[str, Rows]  # sheet name → rows from row 1

_HTML_ROOTS = {"html", "head", "body", "table", "meta", "title", "style", "div", "p", "link", "script",
               "h1", "h2", "h3", "h4", "h5", "h6", "center", "font", "span", "form", "tr"}
_FIRST_TAG = re.compile(r"\s*<([A-Za-z][\w.:-]*)")
_SKIP = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!doctype[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)


def sniff(head: bytes) -> str | None:
    """``"html"``, ``"spreadsheetml"`` or None from a file's first bytes: the first element
    after any XML declaration, processing instructions, comments and DOCTYPE."""
    text = _head_text(head)
    i = 0
    while (m := _SKIP.match(text, i)) is not None:
        if m.group(0).lstrip().lower().startswith("<!doctype html"):
            return "html"
        i = m.end()
    m = _FIRST_TAG.match(text, i)
    if m is None:
        return None
    name = m.group(1).lower()
    if name.rsplit(":", 1)[-1] == "workbook" and "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "spreadsheetml"
    return "html" if name in _HTML_ROOTS else None


def tab_text(head: bytes) -> bool:
    """Whether a file's first bytes are text with tabs (no control characters but tab and
    line ends): tab-separated text, as old systems export under an .xls name."""
    text = _head_text(head) if _utf16(head) == "utf-16" else head.decode("latin-1")
    return "\t" in text and not any(ord(c) < 32 and c not in "\t\r\n" for c in text)


def _head_text(head: bytes) -> str:
    """The first bytes as text, good enough to see tags (ASCII in UTF-8, GBK or UTF-16)."""
    if (utf16 := _utf16(head)) is not None:
        return head[: len(head) // 2 * 2].decode(utf16, errors="replace")
    return head.decode("latin-1").lstrip("\xef\xbb\xbf")


def _utf16(head: bytes) -> str | None:
    """UTF-16 by its BOM, or by a first "<" with a NUL byte beside it."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return {b"<\x00": "utf-16-le", b"\x00<": "utf-16-be"}.get(head[:2])


def read_markup(p: Path, kind: str) -> Sheets:
    """The sheets of an HTML (``kind`` "html") or SpreadsheetML file; raises InputError."""
    encoding = markup_encoding(p, kind)
    if kind == "html":
        parser = _HtmlTables(p)
    else:
        from retiree_tools.io.spreadsheetml import XmlSheets

        parser = XmlSheets(p)
    errors = "retiree-gb18030" if encoding in ("utf-8", "utf-8-sig") else "replace"  # see io.text_files
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    carry, size = "", 0
    with p.open("rb") as fh:
        while True:
            block = fh.read(_BLOCK)
            size += len(block)
            if size > MAX_FILE_BYTES:  # open_source checked the size; a file may still grow
                raise InputError("file-too-large", str(p), reason="error.file_bytes", size=size, limit=MAX_FILE_BYTES)
            text = decoder.decode(block, final=not block)
            if _DECLARATION.search(carry + text):  # an entity or DTD, whatever the parser would do
                raise InputError("file-hostile", str(p), reason="error.dtd", entry=p.name)
            carry = text[-16:]
            parser.feed(text)
            if not block:
                break
    return parser.finish()


_DECLARATION = re.compile(r"<!\s*(?:ENTITY|ELEMENT|ATTLIST|NOTATION)\b", re.I)
_META = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


def markup_encoding(p: Path, kind: str) -> str:
    """The BOM's encoding; else the declared one (``<meta charset>``, the XML declaration)
    when the bytes agree with it; else :func:`detect_encoding` (UTF-8, GB18030 …)."""
    with p.open("rb") as fh:
        sample = fh.read(_SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if (utf16 := _utf16(sample)) is not None:
        return utf16
    m = (_META if kind == "html" else _XML_DECL).search(sample[:65536])
    declared = _codec(m.group(1).decode("ascii")) if m else None
    if declared is None or not _decodes(sample, declared) or (
            declared != "utf-8" and not sample.isascii() and _decodes(sample, "utf-8")):
        return detect_encoding(p)
    return declared


def _codec(label: str) -> str | None:
    """A declared encoding's codec: GBK/GB2312 as GB18030 (their superset: a "gb2312" page
    holds GBK characters), UTF-16/32 as UTF-8 (the declaration was readable as ASCII)."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in ("gb2312", "gbk") else "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=False) is not None
    except UnicodeDecodeError:
        return False


class _Grid:
    """Rows of one table being built: cells placed in their columns, spans leaving the cells
    they cover empty, every cell counted."""

    def __init__(self, bounds: _Bounds, name: str | None = None):
        self.bounds, self.name = bounds, name
        self.rows: list = []
        self.row: list[str | None] | None = None
        self.down: dict[int, int] = {}  # column → rows still covered by a span from above
        self.col = 0

    def start_row(self, index: int | None = None) -> None:
        """A new row; ``index`` (1-based ``ss:Index``) leaves the rows before it blank."""
        self.end_row()
        if index is not None and index > len(self.rows) + 1:
            self.bounds.position(index, 1)
            self.bounds.count(index - 1 - len(self.rows))
            self.rows.extend([_EMPTY] * (index - 1 - len(self.rows)))
        self.row, self.col = [], 0

    def place(self, value: str | None, index: int | None = None, across: int = 0, down: int = 0) -> None:
        """The next cell, or the cell at column ``index`` (1-based), covering ``across`` cells to
        its right and ``down`` rows below; without an index, cells covered from above are skipped."""
        if self.row is None:
            self.start_row()
        col = max(self.col, index - 1) if index is not None else self.col
        while index is None and self.down.get(col, 0) > 0:
            col += 1
        self.bounds.position(len(self.rows) + 1, col + across + 1)
        if value is not None:
            self.bounds.count(col + 1 - len(self.row))
            self.row.extend([None] * (col + 1 - len(self.row)))
            self.row[col] = value
        for c in range(col, col + across + 1) if down else ():
            self.down[c] = max(self.down.get(c, 0), down + 1)
        self.col = col + across + 1

    def end_row(self) -> None:
        if self.row is None:
            return
        self.rows.append(self.row or _EMPTY)
        self.bounds.count(1)
        self.row = None
        self.down = {c: n - 1 for c, n in self.down.items() if n > 1}

    def finish(self) -> Rows:
        """The rows, trailing blank rows dropped (none at all when no cell holds a value)."""
        self.end_row()
        while self.rows and not self.rows[-1]:
            self.rows.pop()
        return self.rows


class _Bounds:
    """The bounds of one file: cells in all, where a cell may be, how deep elements nest."""

    def __init__(self, p: Path):
        self.p, self.cells = p, 0

    def count(self, n: int) -> None:
        self.cells += max(n, 0)
        if self.cells > MAX_CELLS:
            raise InputError("file-too-large", str(self.p), reason="error.markup_cells", limit=MAX_CELLS)

    def position(self, row: int, col: int) -> None:
        if row > MAX_ROWS or col > MAX_COLUMNS:
            raise InputError("file-too-large", str(self.p), reason="error.markup_position",
                             row=row, column=col, rows=MAX_ROWS, cols=MAX_COLUMNS)

    def depth(self, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise InputError("file-too-large", str(self.p), reason="error.markup_depth", limit=MAX_DEPTH)


def _sheet_names(tables: list[tuple[str | None, Rows]], default: str) -> Sheets:
    """Names Excel accepts (no ``[]:*?/\\``, at most 31 characters), unique; unnamed tables
    are ``default`` + their number."""
    out: Sheets = {}
    for i, (name, rows) in enumerate(tables, start=1):
        base = re.sub(r"[\[\]:*?/\\\x00-\x1f]", "", " ".join((name or "").split()))[:31].strip() or f"{default}{i}"
        unique, n = base, 2
        while unique in out:
            suffix = f"({n})"
            unique, n = base[: 31 - len(suffix)] + suffix, n + 1
        out[unique] = rows
    return out


# ---- HTML ----

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
         "track", "wbr", "keygen", "basefont", "frame", "isindex"}
_CLOSED_BY_SELF = {"p", "li", "option", "dt", "dd"}  # <p>…<p>: the second closes the first
_STRUCTURE = {"table", "tr", "td", "th", "caption", "thead", "tbody", "tfoot"}
_ROW_PARTS = {"td", "th", "tr", "thead", "tbody", "tfoot"}
_SPACE = re.compile(r"[ \t\r\n\f\xa0]+")  # what a browser folds (not the ideographic space)


class _HtmlTable:
    def __init__(self, bounds: _Bounds, order: int, heading: str | None):
        self.grid, self.order, self.heading = _Grid(bounds), order, heading
        self.cell: list[str] | None = None  # text parts of the open cell
        self.span = (1, 1)  # its colspan, rowspan
        self.caption: list[str] | None = None  # text parts of the open caption
        self.caption_text = ""


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "title"}


class _HtmlTables(HTMLParser):
    """Each ``<table>`` (nested ones too) as a sheet: ``<td>``/``<th>`` cells with their spans,
    ``<br>`` (and a new paragraph in a cell) a line break, entities unescaped, the text of
    nested tags joined, whitespace folded as a browser does. A ``<caption>`` is the table's
    first row and names it; else a heading (``<h1>``…``<h6>``) before the table, or the page's
    ``<title>`` for its first table, names it; else 表1, 表2 … (tables without a value are
    left out). Unclosed ``<td>``, ``<tr>``, ``<p>`` … are closed as a browser closes them."""

    def __init__(self, p: Path):
        super().__init__(convert_charrefs=True)
        self.p, self.bounds = p, _Bounds(p)
        self.stack: list[str] = []  # open elements
        self.open: list[_HtmlTable] = []  # open tables, innermost last
        self.done: list[tuple[int, str | None, Rows]] = []  # (order, name, rows) of each table
        self.text_of: str | None = None  # "heading" / "title" while one is open, its text parts:
        self.parts: list[str] = []
        self.heading: str | None = None  # the last heading since the last table began
        self.title: str | None = None
        self.tables = self.skip = 0  # tables begun; <script>/<style> open

    def _pop_to(self, *tags: str) -> None:
        """Close the innermost open element of ``tags`` and everything opened inside it, never
        past a table element (an unclosed ``<div>`` outside a table is not closed in a cell)."""
        for i in range(len(self.stack) - 1, -1, -1):
            name = self.stack[i]
            if name in tags:
                del self.stack[i:]
                return
            if name == "table" or (name in _STRUCTURE and tags[0] not in _STRUCTURE):
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        table = self.open[-1] if self.open else None
        if tag == "br":
            self._text("\n")
            return
        if tag in _VOID:
            return
        if tag in _CLOSED_BY_SELF:
            self._pop_to(tag)
        if table is not None and tag in _ROW_PARTS:  # closes the open cell (and row)
            if table.cell is not None:
                self._end_cell(table)
                self._pop_to("td", "th")
            if tag not in ("td", "th") and table.grid.row is not None:
                table.grid.end_row()
                self._pop_to("tr")
        if table is not None and tag in ("p", "div", "li") and table.cell and "".join(table.cell).strip():
            table.cell.append("\n")
        self.stack.append(tag)
        self.bounds.depth(len(self.stack))
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            self.tables += 1
            self.open.append(_HtmlTable(self.bounds, self.tables, self.heading or (self.title if self.tables == 1 else None)))
            self.heading = None
        elif table is None:
            if tag in _HEADINGS and self.text_of is None:
                self.text_of, self.parts = ("title" if tag == "title" else "heading"), []
        elif tag == "tr":
            table.grid.start_row()
        elif tag in ("td", "th"):
            a = dict(attrs) if attrs else {}
            table.cell, table.span = [], (_span(a.get("colspan"), MAX_COLSPAN), _span(a.get("rowspan"), MAX_ROWSPAN))
        elif tag == "caption":
            table.caption = []

    def handle_endtag(self, tag: str) -> None:
        table = self.open[-1] if self.open else None
        if tag in ("script", "style"):
            self.skip = max(self.skip - 1, 0)
        elif table is not None and tag in ("td", "th"):
            self._end_cell(table)
            self._pop_to("td", "th")  # </td> closes a <th> too
            return
        elif table is not None and tag == "tr":
            self._end_cell(table)
            table.grid.end_row()
        elif table is not None and tag == "caption" and table.caption is not None:
            table.caption_text, table.caption = _fold(table.caption), None
        elif table is not None and tag == "table":
            self._end_cell(table)
            self.open.pop()
            rows = table.grid.finish()
            if table.caption_text and rows:
                rows.insert(0, [table.caption_text])
            self.done.append((table.order, table.caption_text or table.heading, rows))
        elif tag in _HEADINGS and self.text_of is not None:
            setattr(self, self.text_of, _fold(self.parts) or None)
            self.text_of = None
        self._pop_to(tag)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._text(_SPACE.sub(" ", data))  # a line end in the source is a space; <br> is "\n"

    def handle_decl(self, decl: str) -> None:
        if "[" in decl or "ENTITY" in decl.upper():  # a DOCTYPE with declarations of its own
            raise InputError("file-hostile", str(self.p), reason="error.dtd", entry=self.p.name)

    def _text(self, data: str) -> None:
        table = self.open[-1] if self.open else None
        if table is not None:
            if table.cell is not None:
                table.cell.append(data)
            elif table.caption is not None:
                table.caption.append(data)
        elif self.text_of is not None:
            self.parts.append(data)

    def _end_cell(self, table: _HtmlTable) -> None:
        if table.cell is not None:
            table.grid.place(_fold(table.cell) or None, across=table.span[0] - 1, down=table.span[1] - 1)
            table.cell = None

    def finish(self) -> Sheets:
        self.close()
        while self.open:  # tables never closed end with the page, as in a browser
            self.handle_endtag("table")
        if not self.tables:
            raise InputError("file-unreadable", str(self.p), reason="error.markup_no_table")
        kept = [(name, rows) for _, name, rows in sorted(self.done, key=lambda t: t[0]) if rows]
        return _sheet_names(kept or [(None, [])], "表")


def _span(value: str | None, limit: int) -> int:
    try:
        return min(max(int(value.strip().rstrip(";")), 1), limit) if value is not None else 1
    except ValueError:
        return 1


def _fold(parts: list[str]) -> str:
    """A cell's text (whitespace already folded to single spaces, ``&nbsp;`` too): each line
    trimmed, line breaks kept between lines."""
    text = "".join(parts)
    if "\n" not in text:
        return (_SPACE.sub(" ", text) if "  " in text else text).strip()
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


# the words of what a file really was (the ``format`` of ``file-format-noted``)
FORMAT_TEXTS = {"html": "validate.format_html", "spreadsheetml": "validate.format_spreadsheetml",
                "tsv": "validate.format_tsv"}

__all__ = ["sniff", "tab_text", "read_markup", "FORMAT_TEXTS", "MAX_DEPTH"]
