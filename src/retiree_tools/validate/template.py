"""The blank input workbook: canonical headers, ID and account columns as text, drop-down lists."""

from __future__ import annotations

from pathlib import Path

from retiree_tools.io.xlsx import save_openpyxl
from retiree_tools.policy.model import Policy

_TEXT_KINDS = {"id_number", "account", "phone", "credit_code", "text", "month", "date"}


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
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "移交人员名单"
    keys = list(policy.fields)
    ws.cell(row=1, column=1, value="移交社会化管理退休人员汇总表").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(keys))
    ws.cell(row=2, column=1, value="填报单位：                （盖章）    统一社会信用代码：                    填报日期：")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(keys))
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    yes_no = ",".join(policy.yesno.yes[:2] + [v for v in policy.yesno.no if v][:2])
    for j, key in enumerate(keys, start=1):
        spec = policy.fields[key]
        letter = get_column_letter(j)
        cell = ws.cell(row=3, column=j, value=spec.header)
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        ws.column_dimensions[letter].width = max(8, min(30, len(spec.header) * 2 + 4))
        rng = f"{letter}4:{letter}{rows + 3}"
        if spec.kind in _TEXT_KINDS:
            for r in range(4, rows + 4):
                ws.cell(row=r, column=j).number_format = "@"
        choices: list[str] | None = None
        if spec.kind == "choice":
            choices = list(policy.categories) if spec.choices == "categories" else list(spec.choices or [])
        elif spec.kind == "gender":
            choices = [policy.genders.male, policy.genders.female]
        elif spec.kind in ("yesno", "document"):
            choices = yes_no.split(",")
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
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    return save_openpyxl(wb, out)
