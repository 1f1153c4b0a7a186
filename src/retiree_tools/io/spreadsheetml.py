"""Excel 2003 XML Spreadsheet ("SpreadsheetML", often written by a FreeMarker template under an
``.xls`` name) read as sheets of text cells, for :mod:`retiree_tools.io.markup`."""

from __future__ import annotations

from pathlib import Path

from retiree_tools.findings.errors import InputError
from retiree_tools.io.markup import Rows, Sheets, _Bounds, _Grid, _sheet_names


class XmlSheets:
    """``<Worksheet ss:Name>`` → ``<Table>`` → ``<Row ss:Index>`` → ``<Cell ss:Index
    ss:MergeAcross ss:MergeDown>`` → ``<Data>`` (its text as written, rich text joined; a
    comment's ``Data`` is not the cell's), parsed as a stream by defusedxml: no DTD, no
    entities. Elements and attributes go by local name, so a template's prefixes (or their
    absence) do not matter."""

    def __init__(self, p: Path):
        from defusedxml.ElementTree import DefusedXMLParser

        self.p, self.bounds = p, _Bounds(p)
        self.path: list[str] = []  # local names of the open elements
        self.sheets: list[tuple[str | None, Rows]] = []
        self.grid: _Grid | None = None
        self.cell: tuple[int | None, int, int] | None = None  # ss:Index, MergeAcross, MergeDown
        self.parts: list[str] | None = None  # text of the open Data
        self.value: str | None = None
        self.parser = DefusedXMLParser(target=self, forbid_dtd=True)

    def feed(self, text: str | None) -> None:
        """Parse ``text``; None ends the document."""
        from xml.etree.ElementTree import ParseError

        from defusedxml import DefusedXmlException

        try:
            self.parser.feed(text) if text is not None else self.parser.close()
        except DefusedXmlException:
            raise InputError("file-hostile", str(self.p), reason="error.dtd", entry=self.p.name) from None
        except ParseError as exc:
            raise InputError("file-unreadable", str(self.p), reason="error.damaged", what=str(exc)[:200]) from None

    # -- the parser's target --
    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = tag.rsplit("}", 1)[-1]
        parent = self.path[-1] if self.path else None
        self.path.append(name)
        self.bounds.depth(len(self.path))
        a = {k.rsplit("}", 1)[-1]: v for k, v in attrib.items()}
        if name == "Worksheet" and parent == "Workbook":
            self.grid = _Grid(self.bounds, a.get("Name"))
        elif self.grid is None:
            return
        elif name == "Row" and parent == "Table":
            self.grid.start_row(_number(a.get("Index")))
        elif name == "Cell" and parent == "Row":
            self.cell = (_number(a.get("Index")), _number(a.get("MergeAcross")) or 0, _number(a.get("MergeDown")) or 0)
            self.value = None
        elif name == "Data" and parent == "Cell" and self.cell is not None:
            self.parts = []

    def end(self, tag: str) -> None:
        name = self.path.pop() if self.path else tag.rsplit("}", 1)[-1]
        parent = self.path[-1] if self.path else None
        if name == "Data" and parent == "Cell" and self.parts is not None:
            self.value, self.parts = "".join(self.parts) or None, None
        elif name == "Cell" and parent == "Row" and self.cell is not None and self.grid is not None:
            self.grid.place(self.value, *self.cell)
            self.cell = None
        elif name == "Row" and parent == "Table" and self.grid is not None:
            self.grid.end_row()
        elif name == "Worksheet" and self.grid is not None:
            self.sheets.append((self.grid.name, self.grid.finish()))
            self.grid = None

    def data(self, text: str) -> None:
        if self.parts is not None:
            self.parts.append(text)

    def close(self) -> None:  # the parser's close(): nothing to hand back
        return None

    def finish(self) -> Sheets:
        self.feed(None)
        if not self.sheets:
            raise InputError("file-unreadable", str(self.p), reason="error.markup_no_table")
        return _sheet_names(self.sheets, "Sheet")


def _number(value: str | None) -> int | None:
    try:
        return max(int(value), 0) if value is not None else None
    except ValueError:
        return None
