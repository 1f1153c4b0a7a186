"""The annotated copy: the enterprise's workbook with every bad cell filled and commented, plus
a 问题清单 sheet listing all findings. The input file is only read; the copy is written atomically.

openpyxl holds the whole workbook in memory — about 0.45 KB and 25–40 µs a cell, and a fixed
cost per sheet — so the copy is bounded before anything is loaded: at most
:data:`MAX_ANNOTATE_SHEETS` sheets and :data:`MAX_ANNOTATE_CELLS` cells (counted in the
sheets' XML, or as cells are copied from an .xls/.ods/CSV). Measured on the 100,000-row
benchmark workbook (27 columns, 2,672,624 cells, 167 MB of sheet XML): 1.85 GB peak and
~2–4 minutes on 2 cores; 5,000 one-cell sheets took ~50 s. A workbook beyond either limit is
validated as usual and gets the finding ``annotate-too-large`` (exit 2) instead of a copy.
"""

from __future__ import annotations

from pathlib import Path

from retiree_tools.findings.codes import title
from retiree_tools.findings.errors import InputError
from retiree_tools.findings.model import FileReport, column_letter
from retiree_tools.io.safe import escape_formula
from retiree_tools.io.source import blank, open_source
from retiree_tools.io.xlsx import save_openpyxl
from retiree_tools.texts import tr

_FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}

EMITS = ("annotate-too-large",)
MAX_ANNOTATE_SHEETS = 200  # a roster workbook has a handful; 5,000 sheets took ~50 s
MAX_ANNOTATE_CELLS = 4_000_000  # 100,000 rows × 40 columns; the 100k benchmark (2.67M cells) peaks at 1.85 GB
_CELL_BYTES = 470  # openpyxl's memory per loaded cell, measured (for the message's estimate)


class TooLargeToAnnotate(InputError):
    """The workbook was validated but is past the annotated copy's limits (its own class, so
    the caller tells it from an unreadable file whatever its code)."""


def _too_large(path: Path, reason: str, **params: object) -> TooLargeToAnnotate:
    return TooLargeToAnnotate("annotate-too-large", str(path), reason=reason, **params)


def _refuse_sheets(path: Path, sheets: int) -> None:
    if sheets > MAX_ANNOTATE_SHEETS:
        raise _too_large(path, "error.annotate_sheets", sheets=sheets, limit=MAX_ANNOTATE_SHEETS)


def _refuse_cells(path: Path) -> None:
    raise _too_large(path, "error.annotate_cells", limit=MAX_ANNOTATE_CELLS,
                     gib=round(MAX_ANNOTATE_CELLS * _CELL_BYTES / 1024**3, 1))


def _xlsx_cells(path: Path, limit: int) -> int:
    """The ``<c>`` elements of every sheet part of an xlsx (what openpyxl makes a cell of),
    counted by streaming the inflated XML; stops once past ``limit``. The container scan has
    already vetted the zip (sizes, bombs), so this costs one inflate (~0.5 s at 100k rows)."""
    import zipfile

    from retiree_tools.io.source import _sheet_part_map

    n = 0
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for part in dict.fromkeys(_sheet_part_map(zf).values()):
            if part not in names:
                continue
            tail = b""
            with zf.open(part) as fh:
                while block := fh.read(1 << 20):
                    data = tail + block  # a match can only start in the 2-byte tail if it crosses the cut
                    n += data.count(b"<c ") + data.count(b"<c>")
                    tail = data[-2:]
                    if n > limit:
                        return n
    return n


def _load_workbook(path: Path):
    """openpyxl workbook of the input: xlsx/xlsm loaded as is; xls/ods/csv copied cell by cell
    into a new workbook (their formatting cannot be kept)."""
    import openpyxl

    src = open_source(path)
    _refuse_sheets(path, len(src.sheets))
    if src.kind == "xlsx":
        if _xlsx_cells(path, MAX_ANNOTATE_CELLS) > MAX_ANNOTATE_CELLS:
            _refuse_cells(path)
        keep_vba = path.suffix.lower() == ".xlsm"
        try:  # opened as a file: openpyxl refuses a real xlsx by its name when it is called .xls
            with path.open("rb") as fh:
                return openpyxl.load_workbook(fh, keep_vba=keep_vba, rich_text=False)
        except Exception as exc:  # noqa: BLE001 - openpyxl's errors are many and untyped
            raise InputError("file-unreadable", str(path), reason="error.openpyxl",
                             what=f"{type(exc).__name__}: {str(exc)[:160]}") from None
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheets = src.sheets or [path.stem[:31] or "Sheet1"]
    copied = 0
    for name in sheets:
        ws = wb.create_sheet(name[:31])
        peek = src.peek(name if src.kind != "csv" else None)
        if not peek.rows:
            continue
        first = peek.rows[0][0]
        width = max(len(r) for _, r in peek.rows)
        cols = list(range(peek.col_offset, peek.col_offset + width)) if src.kind != "csv" else []
        for row0, frame in src.chunks(name if src.kind != "csv" else None, first, cols, peek):
            copied += frame.size
            if copied > MAX_ANNOTATE_CELLS:
                _refuse_cells(path)
            for i, rec in enumerate(frame.itertuples(index=False)):
                for j, v in enumerate(rec):
                    if not blank(v):
                        cell = ws.cell(row=row0 + i, column=peek.col_offset + j + 1, value=escape_formula(str(v)))
                        cell.data_type = "s"
    return wb


def comment_line(finding, lang: str = "zh") -> str:
    """A cell comment's line for ``finding``, in the reader's language: its title and message
    first, the code last in brackets (for whoever looks it up): ``身份证校验位错误：……（id-checksum）``."""
    sep, open_, close = ("：", "（", "）") if lang == "zh" else (": ", " (", ")")
    return f"{title(finding.code, lang)}{sep}{finding.message}{open_}{finding.code}{close}"


def write_annotated(report: FileReport | list[FileReport], out: str | Path, lang: str = "zh", show_pii: bool = True) -> Path:
    """Write the annotated copy of a workbook to ``out`` (xlsx): ``report`` is its report, or
    the reports of its roster sheets (one per sheet). Personal data is kept (the enterprise
    fixes its own file); the file is created owner-only."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    reports = report if isinstance(report, list) else [report]
    wb = _load_workbook(Path(reports[0].path))
    for rep in reports:
        sheet = rep.sheet if rep.sheet in wb.sheetnames else wb.sheetnames[0]
        ws = wb[sheet]
        by_cell: dict[tuple[int, str], list] = {}
        for f in rep.sorted_findings():
            if f.row is not None and f.column is not None:
                by_cell.setdefault((f.row, f.column), []).append(f)
        for (row, col), items in by_cell.items():
            cell = ws[f"{col}{row}"]
            worst = min(items, key=lambda f: ("error", "warning", "info").index(f.severity)).severity
            cell.fill = PatternFill("solid", fgColor=_FILLS[worst])
            text = "\n".join(comment_line(f, lang) for f in items)
            cell.comment = Comment(text[:30000], "retiree-tools", width=320, height=max(80, 40 * len(items)))
    name = tr("validate.annotate.sheet", lang)
    if name in wb.sheetnames:
        del wb[name]
    out_ws = wb.create_sheet(name, 0)
    heads = ["row", "column", "header", "severity", "code", "value", "message"]
    several = len(reports) > 1
    out_ws.append(([tr("validate.sheet", lang)] if several else []) + [tr(f"validate.{h}", lang) for h in heads]
                  + [tr("validate.annotate.kind", lang)])
    for rep, f in [(r, f) for r in reports for f in r.sorted_findings()]:
        d = f.to_dict(show_pii=show_pii)
        out_ws.append([escape_formula(v) for v in ([rep.sheet] if several else []) + [
            d["row"], d["column"], d["header"], tr(f"validate.{d['severity']}", lang), d["code"], d["value"], d["message"],
            title(d["code"], lang)]])
    for c in out_ws[1]:
        c.font = Font(bold=True)
    widths = ([14] if several else []) + [6, 6, 18, 8, 20, 24, 70, 20]
    for j, width in enumerate(widths):
        out_ws.column_dimensions[column_letter(j)].width = width
    message_col = 8 if several else 7
    for row in out_ws.iter_rows(min_row=2, min_col=message_col, max_col=message_col):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    out_ws.freeze_panes = "A2"
    out_ws.auto_filter.ref = f"A1:{column_letter(len(widths) - 1)}{max(out_ws.max_row, 1)}"
    wb.active = 0
    return save_openpyxl(wb, out)


__all__ = ["write_annotated", "column_letter"]
