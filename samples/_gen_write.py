"""Writers for the sample files: enterprise A as a formatted xlsx (openpyxl), B as a GBK CSV."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

from _gen_common import FILL_DATE, Month, write_xlsx
from _gen_people import DOC_FIELDS, Person

# enterprise A columns: (field key, header as written). 身份证号 and 现居住地址 are aliases.
A_COLUMNS = [
    ("seq", "序号"), ("name", "姓名"), ("gender", "性别"), ("id_number", "身份证号"),
    ("birth_date", "出生年月"), ("work_start", "参加工作时间"), ("retire_date", "退休时间"),
    ("category", "人员类别"), ("post", "退休前岗位"), ("cadre_level", "干部管理权限"),
    ("household_address", "户籍所在地"), ("medical_location", "医保关系所在地"),
    ("residence", "现居住地址"), ("provincial_pension", "在省社保中心领取待遇"),
    ("pension", "养老金标准"), ("bank_account", "养老金存折账号"), ("phone", "联系电话"),
    ("family_contact", "家属联系人及电话"), ("party_member", "是否党员"), ("rehired", "是否返聘"),
    ("away_half_year", "外出半年以上"),
    ("doc_registration", "个人情况登记表"), ("doc_agreement", "服务协议书"),
    ("doc_id_copy", "身份证户口本复印件"), ("doc_transfer_agreement", "移交协议书"),
    ("doc_file", "人事档案"), ("doc_passbook", "存折复印件"), ("remarks", "备注"),
]
A_FIRST_DATA_ROW = 5
WIDTHS = {"seq": 6, "name": 10, "gender": 6, "id_number": 21, "household_address": 36,
          "medical_location": 16, "residence": 36, "bank_account": 22, "family_contact": 24,
          "remarks": 16}


def column_letter(field: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter([f for f, _ in A_COLUMNS].index(field) + 1)


def date_cell(rng: random.Random, ym: Month, day: int | None = None) -> tuple[object, str]:
    """One of the ways dates reach a transfer workbook: a real date cell, '1960-05-01',
    '1960.05', '1960年5月', or the number 196005."""
    y, m = ym
    form = rng.choice(["date", "date", "iso", "dot", "cn", "num"])
    if form == "date":
        return datetime(y, m, day or 1), "yyyy-mm-dd"
    if form == "iso":
        return f"{y}-{m:02d}-{day or 1:02d}", "@"
    if form == "dot":
        return f"{y}.{m:02d}", "@"
    if form == "cn":
        return f"{y}年{m}月", "@"
    return y * 100 + m, "General"


def a_cells(p: Person, rng: random.Random) -> dict[str, tuple[object, str]]:
    """Cell values and number formats of one person in workbook A (before injected overrides)."""
    category = p.category
    if category == "企业退休人员" and p.role == "plain" and rng.random() < 0.05:
        category = rng.choice(["退休人员", "企业退休"])  # policy aliases
    post = p.post
    if p.role == "plain" and rng.random() < 0.05:
        post = {"干部": "管理人员", "工人": "工勤岗位"}[post]
    cells: dict[str, tuple[object, str]] = {
        "name": (p.name, "@"), "gender": ("男" if p.male else "女", "@"),
        "id_number": (p.id18, "@"),
        "birth_date": date_cell(rng, (p.birth.year, p.birth.month), p.birth.day),
        "work_start": date_cell(rng, p.work), "retire_date": date_cell(rng, p.retire),
        "category": (category, "@"), "post": (post, "@"), "cadre_level": (p.cadre_level, "@"),
        "household_address": (p.household, "@"), "medical_location": (p.medical, "@"),
        "residence": (p.residence, "@"), "provincial_pension": ("是" if p.provincial else "否", "@"),
        "pension": (p.pension, "0.00"), "bank_account": (p.account, "@"), "phone": (p.phone, "@"),
        "family_contact": (p.family, "@"), "party_member": (p.party, "@"),
        "rehired": (p.rehired, "@"), "away_half_year": (p.away, "@"),
        "remarks": (p.remarks, "@"),
    }
    for f in DOC_FIELDS:
        cells[f] = (p.docs[f], "@")
    for f, v in p.cells.items():
        cells[f] = v if isinstance(v, tuple) else (v, cells[f][1])
    return cells


def write_enterprise_a(path: Path, people: list[Person], rng: random.Random, name: str,
                       credit_code: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "移交汇总表"
    last = get_column_letter(len(A_COLUMNS))
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    ws["A1"] = "移交社会化管理退休人员汇总表"
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = center
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = (f"填报单位：{name}（盖章）    统一社会信用代码：{credit_code}    "
                f"填报日期：{FILL_DATE.year}年{FILL_DATE.month}月{FILL_DATE.day}日")
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[1].height = 30

    docs = [i for i, (f, _) in enumerate(A_COLUMNS, start=1) if f in DOC_FIELDS]
    for i, (field, header) in enumerate(A_COLUMNS, start=1):
        col = get_column_letter(i)
        if i in docs:
            ws.cell(row=4, column=i, value=header)
        else:
            ws.cell(row=3, column=i, value=header)
            ws.merge_cells(f"{col}3:{col}4")
        ws.column_dimensions[col].width = WIDTHS.get(field, 12)
    ws.cell(row=3, column=docs[0], value="移交材料")
    ws.merge_cells(start_row=3, start_column=docs[0], end_row=3, end_column=docs[-1])
    for r in (3, 4):
        for i in range(1, len(A_COLUMNS) + 1):
            cell = ws.cell(row=r, column=i)
            cell.font, cell.alignment, cell.border = Font(bold=True), center, box
    ws.freeze_panes = "C5"

    for n, p in enumerate(people):
        row = A_FIRST_DATA_ROW + n
        cells = a_cells(p, rng)
        cells["seq"] = (n + 1, "General")
        for i, (field, _) in enumerate(A_COLUMNS, start=1):
            value, fmt = cells[field]
            cell = ws.cell(row=row, column=i)
            cell.value = None if value == "" else value
            cell.number_format = fmt
            cell.border = box
            if field == "family_contact" and isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula: keep it a string
                cell.quotePrefix = True
    write_xlsx(wb, path)


def b_date(rng: random.Random, ym: Month, day: int | None = None) -> str:
    y, m = ym
    form = rng.choice(["iso", "slash", "dot", "cn", "compact"])
    return {"iso": f"{y}-{m:02d}-{day or 1:02d}", "slash": f"{y}/{m}/{day or 1}",
            "dot": f"{y}.{m:02d}", "cn": f"{y}年{m}月", "compact": f"{y}{m:02d}"}[form]


def b_row(p: Person, rng: random.Random, seq: int, fields: list[str], enterprise: str,
          credit_code: str) -> list[str]:
    """One CSV row of enterprise B in the policy's canonical field order."""
    values: dict[str, str] = {
        "seq": str(seq), "enterprise": enterprise, "credit_code": credit_code, "name": p.name,
        "gender": "男" if p.male else "女", "id_number": p.id18,
        "birth_date": b_date(rng, (p.birth.year, p.birth.month), p.birth.day),
        "work_start": b_date(rng, p.work), "retire_date": b_date(rng, p.retire),
        "category": p.category, "post": p.post, "cadre_level": p.cadre_level,
        "household_address": p.household, "medical_location": p.medical,
        "residence": p.residence, "provincial_pension": "是" if p.provincial else "否",
        "pension": f"{p.pension:.2f}", "bank_account": p.account, "phone": p.phone,
        "family_contact": p.family, "party_member": p.party, "rehired": p.rehired,
        "away_half_year": p.away, "remarks": p.remarks,
    }
    values.update({f: "有" if p.docs[f] in ("√", "有") else p.docs[f] for f in DOC_FIELDS})
    values.update({f: str(v[0] if isinstance(v, tuple) else v) for f, v in p.cells.items()})
    return [values[f] for f in fields]
