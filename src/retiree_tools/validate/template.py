"""The blank input workbook: canonical headers, ID and account columns as text, drop-down lists."""

from __future__ import annotations

from pathlib import Path

from retiree_tools.io.xlsx import save_openpyxl
from retiree_tools.policy.model import Policy

_TEXT_KINDS = {"id_number", "account", "phone", "credit_code", "text", "month", "date"}
# column widths (characters) wide enough for the whole typed text: an 18-digit ID, a bank account
# of up to 21 digits, a phone with its area code, a date; yes/no columns narrow (header wraps)
_KIND_WIDTHS = {"id_number": 21, "account": 24, "phone": 16, "credit_code": 21, "date": 12, "month": 12,
                "gender": 6, "yesno": 7, "document": 7, "number": 12}
_KEY_WIDTHS = {"seq": 6, "name": 10, "enterprise": 22, "household_address": 28, "residence": 28,
               "medical_location": 18, "family_contact": 22, "remarks": 18}
WRAPPED_KEYS = frozenset(("enterprise", "household_address", "residence", "medical_location", "family_contact",
                          "remarks"))
HEADER_ROW = 3


def column_width(key: str, kind: str, header: str, choices: list[str] | None = None) -> float:
    """A template column's width: by field, else by kind, else its header's or longest choice's."""
    from retiree_tools.io.print_setup import display_width

    if key in _KEY_WIDTHS:
        return _KEY_WIDTHS[key]
    if kind in _KIND_WIDTHS:
        return _KIND_WIDTHS[kind]
    widest = max([display_width(c) for c in choices or []] + [display_width(header) // 2 + 2, 8])
    return min(30, widest + 2)


def write_template(policy: Policy | str | Path | None, out: str | Path, rows: int = 2000) -> Path:
    """A workbook enterprises fill in: title rows, the header of every policy field, text format
    on ID/account/phone/date columns (Excel can then not lose digits) and validation lists.
    ``policy``: a loaded policy, a locality's TOML, or None for the default."""
    from retiree_tools.findings.errors import InputError
    from retiree_tools.policy import Policy as _Policy
    from retiree_tools.policy import load_policy

    if Path(out).suffix.lower() != ".xlsx":
        raise InputError("usage", reason="error.output_suffix", allowed=".xlsx", name=Path(out).name)
    if not isinstance(policy, _Policy):
        policy = load_policy(policy)
    from openpyxl import Workbook
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from retiree_tools.io.print_setup import (
        line_count,
        openpyxl_wide_print_setup,
        row_height,
        thin_border,
    )

    wb = Workbook()
    ws = wb.active
    ws.title = "移交人员名单"
    keys = list(policy.fields)
    ws.cell(row=1, column=1, value="移交社会化管理退休人员汇总表").font = Font(bold=True, size=14)  # left: on page 1
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(keys))
    ws.cell(row=2, column=1, value="填报单位：                （盖章）    统一社会信用代码：                    填报日期：")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(keys))
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    border = thin_border()
    wrap = Alignment(wrap_text=True, vertical="top")
    yes_no = ",".join(policy.yesno.yes[:2] + [v for v in policy.yesno.no if v][:2])
    head_lines = 1
    for j, key in enumerate(keys, start=1):
        spec = policy.fields[key]
        letter = get_column_letter(j)
        cell = ws.cell(row=HEADER_ROW, column=j, value=spec.header)
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.border = border
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        rng = f"{letter}4:{letter}{rows + 3}"
        choices: list[str] | None = None
        if spec.kind == "choice":
            choices = list(policy.categories) if spec.choices == "categories" else list(spec.choices or [])
        elif spec.kind == "gender":
            choices = [policy.genders.male, policy.genders.female]
        elif spec.kind in ("yesno", "document"):
            choices = yes_no.split(",")
        width = column_width(key, spec.kind, spec.header, choices)
        ws.column_dimensions[letter].width = width
        head_lines = max(head_lines, line_count(spec.header, width))
        text, wrapped = spec.kind in _TEXT_KINDS, key in WRAPPED_KEYS
        if text or wrapped:
            for r in range(4, rows + 4):
                c = ws.cell(row=r, column=j)
                if text:
                    c.number_format = "@"
                if wrapped:  # a long address wraps (the row grows as it is typed)
                    c.alignment = wrap
        if choices:
            formula = '"' + ",".join(choices) + '"'
            if len(formula) > 255:  # Excel's limit for an inline list: use a hidden sheet
                lists = wb["选项"] if "选项" in wb.sheetnames else wb.create_sheet("选项")
                lists.sheet_state = "hidden"
                for i, c in enumerate(choices, start=1):
                    lists.cell(row=i, column=j, value=c)
                formula = f"选项!${letter}$1:${letter}${len(choices)}"
            dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
            dv.add(rng)
            ws.add_data_validation(dv)
    ws.row_dimensions[HEADER_ROW].height = row_height(head_lines)
    last = get_column_letter(len(keys))
    # borders on every row that holds something (a bordered blank row would print: 2000 of them)
    ws.conditional_formatting.add(f"A4:{last}{rows + 3}",
                                  FormulaRule(formula=[f"COUNTA($A4:${last}4)>0"], border=border, stopIfTrue=False))
    ws.freeze_panes = "A4"
    # thirty columns: one page wide would print at ~3 pt. A4 landscape at 80 %, the title and
    # header rows on every page and the person's name, gender and ID at the left of every page
    ident = sorted(keys.index(k) + 1 for k in ("name", "id_number") if k in keys) or [1]
    cols = f"{get_column_letter(ident[0])}:{get_column_letter(ident[-1])}"
    openpyxl_wide_print_setup(ws, title_rows=f"1:{HEADER_ROW}", title_columns=cols, gridlines=False)
    return save_openpyxl(wb, out)
