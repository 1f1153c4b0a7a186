"""What the ledger writes: the handover forms of its current people (``render-forms --db``) and
the community's first ledger, the 管理服务对象基本信息台账 of each receiving unit (禄政通〔2006〕101号
第十条(三): the township or community builds a basic-information ledger of the people it
receives), as ``ledger export`` writes it: one sheet per unit, A4 landscape, header repeated."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from retiree_tools.findings.errors import InputError
from retiree_tools.ledger.engine import open_ledger

# key (a people column), Chinese header, English header, width
EXPORT_COLUMNS: list[tuple[str, str, str, float]] = [
    ("seq", "序号", "No.", 5),
    ("name", "姓名", "Name", 8),
    ("gender", "性别", "Gender", 5),
    ("id_number", "身份证号码", "ID number", 20),
    ("birth_date", "出生年月", "Birth date", 11),
    ("enterprise", "原工作单位", "Enterprise", 14),
    ("retire_date", "退休时间", "Retirement", 9),
    ("category", "人员类别", "Category", 9),
    ("household_address", "户籍所在地", "Household registration", 18),
    ("residence", "长期居住地", "Residence", 18),
    ("phone", "联系电话", "Phone", 14),
    ("family_contact", "家属联系人及电话", "Family contact", 14),
    ("party_member", "是否党员", "Party member", 5),
    ("party_org", "党组织关系去向", "Party organisation", 11),
    ("pension", "养老金标准", "Monthly pension", 9),
    ("file_transfer", "档案移交", "File transferred", 5),
    ("handed_over_on", "交接日期", "Handed over", 11),
]
_SHEET_BAD = re.compile(r"[\[\]:*?/\\']")


def render_from_ledger(db: str | None, out_dir: str | Path, forms=None, templates=None, date=None, pdf: bool = False,
                       progress=None) -> dict[str, Any]:
    """``render-forms --db``: the forms of the ledger's current people, as from an assigned file."""
    from retiree_tools.forms.render import check_out_dir, parse_date, parse_forms, render_frame
    from retiree_tools.ledger.query import current_people

    kinds = parse_forms(forms)
    day = parse_date(date)
    ledger = open_ledger(db)
    try:
        out = Path(out_dir)
        check_out_dir(out, [ledger.sqlite_path] if ledger.sqlite_path else [])
        with ledger.read() as conn:
            frame = current_people(conn)
        if not len(frame):
            raise InputError("usage", ledger.name, reason="error.ledger_nothing")
        return render_frame(lambda: frame.drop(columns=["handed_over_on"]), out, kinds, templates, day, pdf, progress)
    finally:
        ledger.close()


def export_units(db: str | None, output: str | Path, unit: str | None = None, lang: str = "zh") -> dict:
    """Write the basic-information ledger of ``unit`` (a unit code; None: every unit, one sheet
    each) to ``output`` (.xlsx, atomically, owner-only): the current people assigned there."""
    from retiree_tools.domain.text import clean_value
    from retiree_tools.io.safe import refuse_directory
    from retiree_tools.ledger.query import current_people
    from retiree_tools.ledger.schema import people

    out = Path(output)
    if out.suffix.lower() != ".xlsx":
        raise InputError("usage", reason="error.output_suffix", allowed=".xlsx", name=out.name)
    refuse_directory(out)
    ledger = open_ledger(db)
    try:
        where = people.c.status == "assigned"
        if unit:
            where = where & (people.c.unit_code == clean_value(unit).upper())
        with ledger.read() as conn:
            frame = current_people(conn, where=where)
        if unit and not len(frame):
            raise InputError("usage", ledger.name, reason="error.ledger_unknown_unit", unit=unit)
        if ledger.sqlite_path is not None:
            from retiree_tools.io.safe import refuse_inputs

            refuse_inputs([out], [ledger.sqlite_path])
    finally:
        ledger.close()
    units = _write(frame, out, lang)
    return {"path": str(out), "units": units, "people": len(frame)}


def _write(frame, out: Path, lang: str) -> list[dict]:
    from retiree_tools.io.print_setup import line_count, row_height, xlsxwriter_print_setup
    from retiree_tools.io.safe import atomic_path, escape_formula
    from retiree_tools.io.xlsx import xlsxwriter_workbook
    from retiree_tools.texts import tr

    units: list[dict] = []
    groups = sorted(frame.groupby(["unit_code"], sort=True, dropna=False), key=lambda g: str(g[0][0] or ""))
    with atomic_path(out) as tmp:
        wb = xlsxwriter_workbook(tmp, mark="ledger-export")
        title_f = wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
        head_f = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True,
                                "bg_color": "#F2F2F2"})
        cell_f = wb.add_format({"border": 1, "valign": "vcenter", "text_wrap": True, "num_format": "@"})
        used: set[str] = set()
        for (code,), g in groups:
            name = str(g["unit_name"].dropna().iloc[0]) if g["unit_name"].notna().any() else ""
            ws = wb.add_worksheet(_sheet_name(str(code or ""), name, used))
            ncol = len(EXPORT_COLUMNS)
            ws.merge_range(0, 0, 0, ncol - 1, f"{name or code}{tr('ledger.export_title', lang)}", title_f)
            ws.set_row(0, 28)
            heads = [en if lang == "en" else zh for _, zh, en, _ in EXPORT_COLUMNS]
            for j, (_, _, _, width) in enumerate(EXPORT_COLUMNS):
                ws.set_column(j, j, width)
                ws.write_string(1, j, heads[j], head_f)
            ws.set_row(1, row_height(max(line_count(h, w) for h, (_, _, _, w) in zip(heads, EXPORT_COLUMNS, strict=True))))
            for i, rec in enumerate(g.to_dict("records"), start=1):
                lines = 1
                for j, (key, _, _, width) in enumerate(EXPORT_COLUMNS):
                    v = i if key == "seq" else rec.get(key)
                    if key == "seq":
                        ws.write_number(1 + i, j, v, cell_f)
                    elif v is None:
                        ws.write_blank(1 + i, j, None, cell_f)
                    else:
                        text = str(v)
                        lines = max(lines, line_count(text, width))
                        ws.write_string(1 + i, j, str(escape_formula(text)), cell_f)
                if lines > 1:  # LibreOffice does not grow a row for its wrapped text
                    ws.set_row(1 + i, row_height(lines))
            ws.freeze_panes(2, 0)
            xlsxwriter_print_setup(ws, title_rows=(0, 1))
            units.append({"unit_code": code, "unit_name": name, "people": len(g)})
        if not units:
            ws = wb.add_worksheet(tr("ledger.export_title", lang)[:31])
            for j, (_, zh, en, width) in enumerate(EXPORT_COLUMNS):
                ws.set_column(j, j, width)
                ws.write_string(0, j, en if lang == "en" else zh, head_f)
        wb.close()
    return units


def _sheet_name(code: str, name: str, used: set[str]) -> str:
    """A unique sheet name of at most 31 characters without the characters Excel refuses."""
    base = _SHEET_BAD.sub("_", f"{code} {name}".strip())[:31] or "_"
    out, k = base, 2
    while out.lower() in used:
        suffix = f"~{k}"
        out, k = base[:31 - len(suffix)] + suffix, k + 1
    used.add(out.lower())
    return out
