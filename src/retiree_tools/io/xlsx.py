"""Deterministic xlsx saving: fixed document times and zip entry times, so the same input gives
the same bytes (openpyxl stamps "now" into both), written atomically and owner-only.

An output that is no input (the assigned file, the acceptance report, the forms' 汇总表) is
written with ``mark=`` its name: its document keywords then say ``retiree-tools:<name>`` and
a directory scan for input workbooks skips it (:func:`retiree_tools.io.paths.own_output`).
The workbooks saved by openpyxl — the blank template and the annotated copy, which come back
as inputs — never carry a mark (one copied from a marked input is removed)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from retiree_tools.io.paths import GENERATOR, own_mark, without_mark
from retiree_tools.io.safe import PRIVATE_MODE, atomic_path

FIXED = dt.datetime(2000, 1, 1)


class _FixedTimeZip(zipfile.ZipFile):
    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[override]
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=(1980, 1, 1, 0, 0, 0))
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        return super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[override]
        with open(filename, "rb") as fh:  # openpyxl streams worksheets through temp files
            data = fh.read()
        return self.writestr(arcname or str(filename), data)


def save_openpyxl(wb, target: str | Path, mode: int = PRIVATE_MODE) -> Path:
    """Save an openpyxl workbook deterministically and atomically (never marked as an output:
    what openpyxl saves here is filled in or fixed and sent back)."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = FIXED
    wb.properties.lastModifiedBy = GENERATOR
    wb.properties.keywords = without_mark(wb.properties.keywords)
    target = Path(target)
    with atomic_path(target, mode) as tmp:
        archive = _FixedTimeZip(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        wb.properties.modified = FIXED
        writer = ExcelWriter(wb, archive)
        writer.save()
    return target


def _properties(mark: str | None) -> dict:
    """xlsxwriter's document properties: fixed times, this tool as author, the output's mark."""
    props = {"created": FIXED, "author": GENERATOR}
    if mark is not None:
        props["keywords"] = own_mark(mark)
    return props


def xlsxwriter_workbook(path: str | Path, constant_memory: bool = False, *, mark: str | None = None):
    """An xlsxwriter workbook with fixed document properties (xlsxwriter already writes fixed
    zip times), marked as the output ``mark`` (see above) when given. The caller closes it;
    write it to a temp path from :func:`atomic_path`."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    wb.set_properties(_properties(mark))
    return wb


def xlsxwriter_parts(lay_out, *, mark: str | None = None) -> list[tuple[str, bytes]]:
    """The zip members, in order, of a workbook that ``lay_out(workbook)`` fills in: built
    in memory (no temporary files) with the same fixed properties and ``mark``, for code that
    takes xlsxwriter's parts and writes some of its own (the summary forms, the assigned file)."""
    import io

    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    wb.set_properties(_properties(mark))
    lay_out(wb)
    wb.close()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]
