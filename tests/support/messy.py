"""Messy transfer workbooks (企业退休人员社会化管理移交名单) as real offices send them, with the injected
errors and the non-person rows recorded, for testing the intake recogniser and the validator.

    python tests/support/messy.py OUT_DIR        # build, read every file back, print a summary

:func:`build_messy` writes 13 files from seven writers (openpyxl, xlsxwriter, xlwt .xls, odfpy and
pandas .ods, CSV in GBK / UTF-8-BOM, tab-separated UTF-16 as Excel's "Unicode 文本" export) and, when
``soffice``/``libreoffice`` is on PATH, five LibreOffice conversions of them (see
:data:`LIBREOFFICE_CONVERSIONS` and :func:`libreoffice_available`). Everything is deterministic (fixed seeds, no clock).

Each file has 20–60 people with valid 18-digit IDs (GB 11643 check character), birth dates
matching the ID, Yangzhou addresses, retirement at the statutory age (men 60, women cadres 55, women
workers 50; all before 2025), a work start between birth+17 years and retirement, 11-digit mobiles
(13/15/18), pensions 1500–6000, 19-digit Luhn-valid accounts (6222/6217), every document handed in,
and unique names, IDs, phones and accounts. Into that clean data 11–18 errors are injected, at most
one per row; each is recorded as (row, code) where row is the 1-based Excel row (for CSV: the
1-based line; CSV headers never contain line breaks, so record = line). Other findings caused by the
same injected value may occur on that row (e.g. a birth column shifted by two months may also move
the retirement age); every row not listed in ``errors`` is clean.

Header wordings come from :mod:`intake_variants` — a different set per file, mixing the known and the
held-back wordings (``f12`` uses known wordings only as a control, ``f13`` held-back wherever a field
has any). ``MessyFile.held_back_headers`` / ``held_back_values`` say which held-back wordings a file
uses, so a test can tell "fails on a known wording" from "does not generalise".
"""

from __future__ import annotations

import contextlib
import copy
import csv
import dataclasses
import datetime as dt
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``support`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.intake_variants import (  # noqa: E402
    CATEGORY_VARIANTS,
    DOC_FIELDS,
    FOOTER_KINDS,
    FOOTER_ROWS,
    GENDER_VALUES,
    HELD_BACK_CATEGORY_VARIANTS,
    HELD_BACK_COPY_COUNTS,
    HELD_BACK_FOOTER_ROWS,
    HELD_BACK_GENDER_VALUES,
    HELD_BACK_HEADER_VARIANTS,
    HELD_BACK_NO_MARKS,
    HELD_BACK_PARTY_VALUES,
    HELD_BACK_YES_MARKS,
    KNOWN_CATEGORY_VARIANTS,
    KNOWN_COPY_COUNTS,
    KNOWN_GENDER_VALUES,
    KNOWN_HEADER_VARIANTS,
    KNOWN_NO_MARKS,
    KNOWN_PARTY_VALUES,
    KNOWN_YES_MARKS,
    NO_MARKS,
)

ERROR_CODES = ("id-checksum", "id-format", "id-birthdate", "gender-mismatch", "birthdate-mismatch",
               "date-invalid", "date-future", "missing-value", "phone-invalid", "invalid-choice",
               "document-missing", "id-duplicate", "number-invalid")

#: All fields in the usual left-to-right order (documents contiguous, remarks last).
FULL_ORDER = ["seq", "enterprise", "credit_code", "name", "gender", "id_number", "birth_date", "work_start",
              "retire_date", "category", "post", "cadre_level", "household_address", "medical_location",
              "residence", "provincial_pension", "pension", "bank_account", "phone", "family_contact",
              "party_member", "rehired", "away_half_year", *DOC_FIELDS, "remarks"]


@dataclass
class MessyFile:
    """One written file and what a reader must find in it. Rows are 1-based sheet rows (CSV: lines);
    columns are 1-based absolute sheet columns."""

    path: Path
    writer: str
    people: int
    errors: list[tuple[int, str]]
    non_people_rows: list[int]
    sheet: str | None = None
    person_rows: list[int] = field(default_factory=list)
    header_rows: list[int] = field(default_factory=list)
    title_rows: list[int] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    held_back_headers: dict[str, str] = field(default_factory=dict)
    held_back_values: list[str] = field(default_factory=list)
    held_back_rows: list[int] = field(default_factory=list)  # footer rows copied from HELD_BACK_FOOTER_ROWS
    error_details: list[tuple[int, str, str, object]] = field(default_factory=list)  # row, code, field, value
    ids: dict[int, str | None] = field(default_factory=dict)  # person row -> ID as written
    encoding: str | None = None
    delimiter: str | None = None
    source: str | None = None  # LibreOffice conversions: the file converted
    first_col: int = 1
    cells: dict[int, list] = field(default_factory=dict, repr=False)  # row -> values from first_col on


# ---------------------------------------------------------------------------------------------
# Check characters
# ---------------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_char(body17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]


def luhn_digit(body: str) -> str:
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return str((10 - total % 10) % 10)


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(area: str, org8: str) -> str:
    """统一社会信用代码 (GB 32100): 9 (工商) 1 (企业) + area + org code with its GB 11714 check + check."""
    org_sum = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(org8, _ORG_WEIGHTS, strict=True))
    org_check = {10: "X", 11: "0"}.get(11 - org_sum % 11, str(11 - org_sum % 11))
    body = f"91{area}{org8}{org_check}"
    s = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - s % 31) % 31]


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------

SURNAMES = list("王陈张刘朱徐周吴孙李杨黄赵钱卞仇顾蒋沈薛施殷汤曹许姚丁季潘严戴夏高陆胡郭何林马袁邵葛宗茆居印"
                "冯韩唐董程于万范金俞")
MALE_GIVEN = ["建国", "建华", "建军", "国庆", "国强", "卫东", "卫国", "志强", "志明", "德明", "德华", "永康", "福生",
              "宝林", "长根", "金宝", "振华", "明华", "文斌", "立新", "红兵", "春生", "正荣", "宏伟", "跃进", "家宝",
              "兆祥", "开明", "学军", "海林", "荣生", "根宝", "世平", "玉林", "广才", "庆余", "锦华", "国平", "新民",
              "解放", "援朝", "胜利", "汉生", "长林", "冬生", "小平", "国华", "建平", "伟", "强", "军", "勇", "斌",
              "杰", "峰", "刚", "平", "林", "华", "明", "亮"]
FEMALE_GIVEN = ["秀英", "桂英", "玉兰", "桂兰", "凤英", "秀兰", "美华", "丽华", "红梅", "淑芬", "翠芳", "月娥", "小红",
                "爱华", "海燕", "素珍", "兰芳", "金凤", "玉珍", "秀珍", "凤兰", "桂芳", "巧云", "红英", "建英", "卫红",
                "国英", "惠芳", "文娟", "晓红", "小燕", "春兰", "月红", "美玲", "丽萍", "桂珍", "彩霞", "凤琴", "芳",
                "红", "萍", "燕", "霞", "琴", "英", "娟", "敏", "静", "丽"]
CHILD_GIVEN = ["磊", "鹏", "涛", "军", "静", "娟", "婷", "俊", "浩", "宇", "洁", "晨", "玲", "明", "颖"]

DISTRICTS: dict[str, tuple[str, list[str], list[str]]] = {
    "广陵区": ("321002", ["汶河街道", "东关街道", "文峰街道", "曲江街道", "湾头镇", "头桥街道"],
            ["文昌中路", "汶河南路", "国庆路", "渡江路", "运河南路", "解放南路", "南通东路", "广陵路"]),
    "邗江区": ("321003", ["邗上街道", "蒋王街道", "汊河街道", "双桥街道", "瓜洲镇", "杨庙镇", "公道镇", "方巷镇"],
            ["文汇西路", "邗江中路", "扬子江北路", "百祥路", "维扬路", "念泗路", "兴城西路"]),
    "江都区": ("321012", ["仙女镇", "邵伯镇", "大桥镇", "小纪镇", "真武镇", "宜陵镇", "丁沟镇"],
            ["龙川南路", "长江路", "舜天路", "江都中路", "人民路", "工农路"]),
    "高邮市": ("321084", ["高邮镇", "马棚街道", "界首镇", "临泽镇", "汤庄镇", "三垛镇", "车逻镇"],
            ["海潮路", "府前街", "屏淮路", "文游中路", "蝶园路", "北海路"]),
    "仪征市": ("321081", ["真州镇", "新城镇", "大仪镇", "刘集镇", "月塘镇", "陈集镇"],
            ["工农南路", "解放东路", "大庆北路", "真州东路", "天宁路", "扬子东路"]),
    "宝应县": ("321023", ["安宜镇", "氾水镇", "射阳湖镇", "曹甸镇", "夏集镇", "范水镇"],
            ["叶挺路", "苏中路", "白田路", "宝应大道", "安宜东路", "鲁垛路"]),
}

ENTERPRISES = [("扬州市红旗机械厂", "广陵区"), ("扬州市第二纺织厂", "广陵区"), ("扬州柴油机配件厂", "邗江区"),
               ("江都市第一建筑工程公司", "江都区"), ("高邮市酿造厂", "高邮市"), ("仪征市化工机械厂", "仪征市"),
               ("宝应县粮食储备库", "宝应县"), ("扬州市五金交电公司", "广陵区"), ("扬州市邗江区农机修造厂", "邗江区"),
               ("扬州市百货公司", "广陵区"), ("江都区水利机械厂", "江都区"), ("高邮市轴承厂", "高邮市"),
               ("扬州市食品公司", "邗江区"), ("仪征市运输公司", "仪征市")]

TITLES = ["移交社会化管理退休人员汇总表", "企业退休人员社会化管理移交名单", "退休人员移交社会化管理花名册",
          "国有企业退休人员社会化管理移交人员名册"]
DOC_GROUP = ["移交材料", "移交材料（有的打√）", "移交材料情况"]
REMARKS = ["独居", "子女在外地", "行动不便", "已办理高龄补贴", "党组织关系已转入社区", "配偶已故", "随子女居住"]
RELATIONS = ["儿子", "女儿", "配偶", "侄子", "儿媳", "女婿"]
# a yes mark and the no mark a clerk pairs with it
_PAIRS = {"√": "×", "✓": "✗", "✔": "✘", "☑": "☒", "有": "无", "是": "否", "已交": "未交", "已提交": "未提交",
          "Y": "N", "y": "n", "1": "0", "已签订": "未签", "齐全": "缺", "已移交": "未移交", "提供": "没有"}
_COPY_NO = {"1份": "0份", "1": "0", "2份": "0份", "2": "0", "壹份": "零份", "1 份": "0 份", "3份": "0份",
            "一份": "零份", "1张": "0份"}


def _age(male: bool, cadre: bool) -> int:
    return 60 if male else (55 if cadre else 50)


def _person(rng: random.Random, category: str, used: dict[str, set]) -> dict:
    """One clean person as canonical values (dates as dt.date)."""
    male = rng.random() < (0.9 if category in ("中央管理的领导干部", "县级以上党委管理的企业退休领导干部", "离休人员")
                           else 0.55)
    if category in ("中央管理的领导干部", "县级以上党委管理的企业退休领导干部", "离休人员"):
        post = "干部"
    else:
        post = "干部" if rng.random() < 0.3 else "工人"
    cadre = post == "干部"
    age = _age(male, cadre)
    if category == "离休人员":
        by = rng.randint(1926, 1931)
    elif category == "国企新办理退休人员":
        by = rng.randint(2023, 2024) - age
    else:
        by = rng.randint(1996, 2022) - age
    bm = rng.randint(1, 12)
    bd = rng.randint(1, 28)
    birth = dt.date(by, bm, bd)
    retire = dt.date(by + age, bm, 1)
    if category == "离休人员":
        wy = rng.randint(by + 17, 1949)
        work = dt.date(wy, rng.randint(1, 9), 1)
    else:
        work = dt.date(by + rng.randint(17, 22), rng.randint(1, 12), 1)
    district = rng.choice(list(DISTRICTS))
    area, towns, roads = DISTRICTS[district]
    while True:
        seq = rng.randint(1, 499) * 2 + (1 if male else 0)
        body = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
        pid = body + id_check_char(body)
        if pid not in used["id"]:
            break
    used["id"].add(pid)
    while True:
        name = rng.choice(SURNAMES) + rng.choice(MALE_GIVEN if male else FEMALE_GIVEN)
        if name not in used["name"]:
            break
    used["name"].add(name)

    def addr() -> str:
        town = rng.choice(towns)
        s = f"扬州市{district}{town}{rng.choice(roads)}{rng.randint(1, 298)}号"
        if rng.random() < 0.35:
            s += f"{rng.randint(1, 30)}幢{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        return s

    def unique(kind: str, make) -> str:
        while True:
            v = make()
            if v not in used[kind]:
                used[kind].add(v)
                return v

    household = addr()
    residence = household if rng.random() < 0.6 else addr()
    phone = unique("phone", lambda: rng.choice(["13", "15", "18"]) + str(rng.choice(
        [0, 1, 2, 3, 5, 6, 7, 8, 9])) + f"{rng.randint(0, 99999999):08d}")
    account = unique("account", lambda: (lambda b: b + luhn_digit(b))(
        rng.choice(["6222", "6217"]) + f"{rng.randint(0, 10**14 - 1):014d}"))
    child_phone = unique("phone", lambda: rng.choice(["13", "15", "18"]) + str(rng.randint(5, 9))
                         + f"{rng.randint(0, 99999999):08d}")
    return {
        "male": male, "birth": birth, "work": work, "retire": retire, "category": category, "post": post,
        "cadre_level": {"中央管理的领导干部": "中央管理", "县级以上党委管理的企业退休领导干部": "县级以上党委管理"}.get(
            category, "无"),
        "name": name, "id_number": pid, "household": ("江苏省" if rng.random() < 0.4 else "") + household,
        "medical": f"扬州市{district}" if rng.random() < 0.7 else district,
        "residence": residence, "pension": round(rng.uniform(1500, 6000), 2), "account": account, "phone": phone,
        "family": (rng.choice(SURNAMES) + rng.choice(CHILD_GIVEN), rng.choice(RELATIONS), child_phone),
        "party": rng.random() < (0.8 if cadre else 0.2), "rehired": rng.random() < 0.08,
        "away": rng.random() < 0.08, "provincial": rng.random() < 0.05,
        "remarks": rng.choice(REMARKS) if rng.random() < 0.12 else None,
    }


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

def fmt_ymd(y: int, m: int, d: int, style: str):
    """A date as a clerk writes it; ``style`` 'cell' gives a real date cell (a string if invalid)."""
    if style == "cell":
        try:
            return dt.date(y, m, d)
        except ValueError:
            return f"{y}年{m}月"
    return {
        "dot": f"{y}.{m:02d}", "dotnp": f"{y}.{m}", "cn": f"{y}年{m:02d}月", "cnnp": f"{y}年{m}月",
        "cnday": f"{y}年{m}月{d}日", "dash": f"{y}-{m:02d}", "compact": f"{y}{m:02d}",
        "compact8": f"{y}{m:02d}{d:02d}", "slash": f"{y}/{m}/{d}", "iso": f"{y}-{m:02d}-{d:02d}",
    }[style]


# ---------------------------------------------------------------------------------------------
# File specs
# ---------------------------------------------------------------------------------------------

@dataclass
class Spec:
    stem: str
    writer: str
    seed: int
    people: int
    held_p: float  # probability of a held-back wording (header and values)
    fields: list[str] = field(default_factory=lambda: [f for f in FULL_ORDER if f not in ("enterprise",
                                                                                           "credit_code")])
    title: int = 2  # title rows above the header
    two_row: bool = False
    sections: str | None = None  # group-row style: "一、" "（一）" "alone" or None
    colnums: str | None = None  # "栏次" "甲乙" "plain"
    header_repeat: bool = False
    dates: tuple[str, str, str] = ("dot", "dot", "dot")  # birth, work start, retirement
    sheet: str | None = "Sheet1"
    sheets_before: tuple[str, ...] = ()
    sheets_after: tuple[str, ...] = ()
    blank_above: int = 0
    col0: int = 0
    numbers: bool = False  # seq/pension/phone as numeric cells
    encoding: str | None = None
    delimiter: str | None = None
    date_format: str = "yyyy-mm-dd"
    extension: str = ".xlsx"
    move: tuple[tuple[str, str], ...] = ()  # (field, put after field)


SPECS = [
    Spec("f01_openpyxl_sections", "openpyxl", 101, 36, 0.4, sections="一、", dates=("cell", "dot", "dot"),
         sheet="移交名单"),
    Spec("f02_openpyxl_tworow", "openpyxl", 102, 42, 0.75, two_row=True, colnums="栏次", dates=("cn", "cn", "cn"),
         sheet="移交名单", sheets_before=("填表说明",), blank_above=2, col0=1),
    Spec("f03_xlsxwriter_numbers", "xlsxwriter", 103, 50, 0.5, fields=list(FULL_ORDER), header_repeat=True,
         numbers=True, dates=("cell", "cell", "cell"), date_format='yyyy"年"m"月"', sheet="汇总表"),
    Spec("f04_xlsxwriter_tworow", "xlsxwriter", 104, 30, 0.6, two_row=True, sections="（一）",
         dates=("dash", "dash", "dash"), sheet="Sheet1"),
    Spec("f05_xlwt_oldsystem", "xlwt", 105, 58, 0.3, fields=list(FULL_ORDER), title=0,
         dates=("compact8", "compact", "compact"), sheet="Sheet1", sheets_after=("Sheet2", "Sheet3"),
         extension=".xls", numbers=True),
    Spec("f06_xlwt_tworow", "xlwt", 106, 27, 0.5, two_row=True, sections="alone", dates=("dotnp", "dotnp", "dotnp"),
         sheet="退休人员", extension=".xls"),
    Spec("f07_pandas_ods", "pandas-odf", 107, 33, 0.5, title=1, dates=("cell", "iso", "iso"), sheet="Sheet1",
         extension=".ods", numbers=True),
    Spec("f08_odfpy_merged", "odfpy", 108, 40, 0.8, two_row=True, sections="一、", dates=("cnnp", "cnnp", "cnnp"),
         sheet="花名册", extension=".ods"),
    Spec("f09_gbk", "csv-gbk", 109, 45, 0.4, title=2, header_repeat=True, dates=("dot", "dot", "dot"), sheet=None,
         encoding="gbk", delimiter=",", extension=".csv"),
    Spec("f10_utf8bom", "csv-utf8-bom", 110, 24, 0.5, title=0, dates=("slash", "slash", "slash"), sheet=None,
         encoding="utf-8-sig", delimiter=",", extension=".csv", move=(("phone", "id_number"),)),
    Spec("f11_utf16_tab", "csv-utf16-tab", 111, 38, 0.6, title=1, two_row=True, sections="（一）",
         dates=("cn", "cn", "cn"), sheet=None, encoding="utf-16", delimiter="\t", extension=".csv"),
    Spec("f12_openpyxl_known", "openpyxl", 112, 30, 0.0, fields=list(FULL_ORDER), dates=("dot", "dot", "dot"),
         sheet="Sheet1"),
    Spec("f13_openpyxl_heldback", "openpyxl", 113, 60, 1.0, sections="一、", colnums="甲乙",
         dates=("cnday", "cnnp", "cnnp"), sheet="2025年移交"),
]

#: (source stem, format) converted with ``soffice --headless --convert-to`` when LibreOffice is on PATH.
#: Each keeps every row and column of its source; ``f07`` → xlsx also shows a number format changing
#: (its date cells become serial numbers, see :func:`_lo_expectations`). The CSV sources are not
#: converted: LibreOffice's CSV import (without filter options) guesses the encoding and turns IDs and
#: phones into numbers, so the written rows would not be the ones recorded.
LIBREOFFICE_CONVERSIONS = [("f05_xlwt_oldsystem", "xlsx"), ("f01_openpyxl_sections", "ods"),
                           ("f03_xlsxwriter_numbers", "xls"), ("f07_pandas_ods", "xlsx"),
                           ("f08_odfpy_merged", "xls")]


# ---------------------------------------------------------------------------------------------
# Building one sheet grid
# ---------------------------------------------------------------------------------------------

class _Choice:
    """Picks a wording from a (known, held-back) pair, remembering the held-back ones used."""

    def __init__(self, rng: random.Random, p: float, ok=lambda s: True):
        self.rng, self.p, self.ok, self.held_used = rng, p, ok, []

    def pick(self, known: list[str], held: list[str]) -> str:
        known = [v for v in known if self.ok(v)]
        held = [v for v in held if self.ok(v)]
        if held and (self.rng.random() < self.p or not known):
            v = self.rng.choice(held)
            self.held_used.append(v)
            return v
        return self.rng.choice(known)


def _encodable(encoding: str | None):
    if encoding is None or encoding.startswith("utf"):
        return lambda s: True

    def ok(s: str) -> bool:
        try:
            s.encode(encoding)
            return True
        except UnicodeEncodeError:
            return False
    return ok


def _sections(rng: random.Random, n: int, spec: Spec) -> list[tuple[str, int]]:
    """Category blocks: (category, count). Sections files group; others mix categories in rows."""
    others = ["企业管理的事业单位退休人员", "国企新办理退休人员", "县级以上党委管理的企业退休领导干部", "离休人员",
              "中央管理的领导干部", "内部退养人员", "供养遗属", "落实政策人员"]
    extra = rng.sample(others, 3)
    counts = [(extra[0], rng.randint(2, 4)), (extra[1], rng.randint(1, 3)), (extra[2], rng.randint(1, 2))]
    main = n - sum(c for _, c in counts)
    return [("企业退休人员", main), *counts]


def _build(spec: Spec, taken_header_sets: set) -> tuple[dict, list, list[tuple[int, int, int, int]]]:
    rng = random.Random(spec.seed)
    ok = _encodable(spec.encoding)
    csv_like = spec.extension == ".csv"
    choice = _Choice(rng, spec.held_p, ok)

    fields = list(spec.fields)
    for f, after in spec.move:
        fields.remove(f)
        fields.insert(fields.index(after) + 1, f)
    W = len(fields)

    # header wordings: a set no other file uses
    for _attempt in range(50):
        choice.held_used = []
        headers = {}
        for f in fields:
            known, held = KNOWN_HEADER_VARIANTS[f], HELD_BACK_HEADER_VARIANTS[f]
            if csv_like:
                known, held = [w for w in known if "\n" not in w], [w for w in held if "\n" not in w]
            if spec.held_p == 0:
                held = []
            headers[f] = choice.pick(known, held)
        key = tuple(headers[f] for f in fields)
        if key not in taken_header_sets:
            taken_header_sets.add(key)
            break
    held_headers = {f: w for f, w in headers.items() if w in HELD_BACK_HEADER_VARIANTS[f]}
    vchoice = _Choice(rng, spec.held_p if spec.held_p < 1 else 1.0, ok)

    # value wordings of this file
    cat_words = {c: vchoice.pick(KNOWN_CATEGORY_VARIANTS[c], HELD_BACK_CATEGORY_VARIANTS[c] if spec.held_p else [])
                 for c in CATEGORY_VARIANTS}
    pairable_yes_k = [v for v in KNOWN_YES_MARKS if v in _PAIRS]
    pairable_yes_h = [v for v in HELD_BACK_YES_MARKS if v in _PAIRS and ok(_PAIRS[v])] if spec.held_p else []
    doc_yes = vchoice.pick(pairable_yes_k, pairable_yes_h)
    yn_yes = vchoice.pick([v for v in pairable_yes_k if v in ("是", "有", "√", "Y", "1", "y", "✓")],
                          [v for v in pairable_yes_h if v in ("✔", "☑")])
    copy_yes = vchoice.pick(KNOWN_COPY_COUNTS[True], HELD_BACK_COPY_COUNTS[True] if spec.held_p else [])
    g_idx_known = [i for i in range(len(GENDER_VALUES["男"])) if GENDER_VALUES["男"][i] in KNOWN_GENDER_VALUES["男"]]
    g_idx_held = [i for i in range(len(GENDER_VALUES["男"])) if GENDER_VALUES["男"][i] in HELD_BACK_GENDER_VALUES["男"]]
    gi = rng.choice(g_idx_held) if spec.held_p and rng.random() < spec.held_p else rng.choice(g_idx_known)
    gender_word = {True: GENDER_VALUES["男"][gi], False: GENDER_VALUES["女"][gi]}
    party_words = {b: [vchoice.pick(KNOWN_PARTY_VALUES[b], HELD_BACK_PARTY_VALUES[b] if spec.held_p else [])
                       for _ in range(3)] for b in (True, False)}
    family_style = rng.randint(0, 2)

    # people, in category blocks
    used = {k: set() for k in ("id", "name", "phone", "account")}
    blocks = _sections(rng, spec.people, spec)
    people: list[dict] = []
    for cat, n in blocks:
        people.extend(_person(rng, cat, used) for _ in range(n))
    if not spec.sections:  # mix categories as an unsorted roster does
        rng.shuffle(people)

    # errors: every code once (when room), then random extras; at most one per person; none on the
    # source of a duplicate
    n_err = rng.randint(13, 18) if spec.people >= 26 else rng.randint(10, 12)
    codes = list(ERROR_CODES)
    rng.shuffle(codes)
    codes = codes[:n_err] + [rng.choice([c for c in ERROR_CODES if c != "id-duplicate"])
                             for _ in range(n_err - len(codes))]
    idx = list(range(len(people)))
    rng.shuffle(idx)
    assign: dict[int, str] = {}
    if "id-duplicate" in codes:
        dup = rng.randint(len(people) // 2, len(people) - 1)
        same = [j for j in range(dup) if people[j]["male"] == people[dup]["male"]]
        same_cat = [j for j in same if people[j]["category"] == people[dup]["category"]]
        src = rng.choice(same_cat or same or list(range(dup)))
        assign[dup] = "id-duplicate"
        codes.remove("id-duplicate")
        idx = [i for i in idx if i not in (dup, src)]
        dup_src = {dup: src}
    else:
        dup_src = {}
    # a missing document is an error only for someone the policy hands over with all documents
    # (not 离休 / 遗属 …, who hand in none, nor a cadre whose personnel file stays)
    handed = {"企业退休人员", "企业管理的事业单位退休人员", "国企新办理退休人员"}
    rest = list(idx)
    for c in codes:
        pool = [i for i in rest if c != "document-missing"
                or (people[i]["category"] in handed and people[i]["cadre_level"] == "无")]
        if pool:
            rest.remove(pool[0])
            assign[pool[0]] = c

    # ---- render person rows (cells are values by field) ----
    def yesno(f: str, value: bool) -> str:
        h = headers[f]
        if f == "party_member" and ("政治面" in h or h == "党籍"):
            return rng.choice(party_words[value])
        y = "√" if "(√)" in h else yn_yes
        return y if value else _PAIRS[y]

    def doc_yes_value(f: str) -> str:
        h = headers[f]
        if "份" in h:
            return copy_yes
        if "有/无" in h:
            return "有"
        return doc_yes

    def doc_no_value(f: str) -> str:
        h = headers[f]
        if "份" in h:
            return _COPY_NO[copy_yes]
        if "有/无" in h:
            return "无"
        pool = [v for v in (NO_MARKS if spec.held_p else KNOWN_NO_MARKS) if ok(v)]
        return _PAIRS[doc_yes] if rng.random() < 0.6 else rng.choice(pool)

    bstyle, wstyle, rstyle = spec.dates
    ent_name, ent_district = ENTERPRISES[spec.seed % len(ENTERPRISES)]
    ent_code = credit_code(DISTRICTS[ent_district][0], "".join(rng.choice("0123456789") for _ in range(8)))

    rows_by_person: list[tuple[dict, str | None, dict]] = []  # values, code, detail
    for i, p in enumerate(people):
        code = assign.get(i)
        if code == "id-duplicate":
            s = people[dup_src[i]]
            for k in ("id_number", "male", "birth", "work", "retire", "post"):
                p[k] = s[k]
        b, w, r = p["birth"], p["work"], p["retire"]
        fam_name, rel, fam_phone = p["family"]
        v = {
            "seq": i + 1 if spec.numbers else str(i + 1),
            "enterprise": ent_name, "credit_code": ent_code, "name": p["name"], "gender": gender_word[p["male"]],
            "id_number": p["id_number"],
            "birth_date": fmt_ymd(b.year, b.month, b.day, bstyle),
            "work_start": fmt_ymd(w.year, w.month, 1, wstyle),
            "retire_date": fmt_ymd(r.year, r.month, 1, rstyle),
            "category": cat_words[p["category"]], "post": p["post"], "cadre_level": p["cadre_level"],
            "household_address": p["household"], "medical_location": p["medical"], "residence": p["residence"],
            "provincial_pension": yesno("provincial_pension", p["provincial"]),
            "pension": p["pension"] if spec.numbers else f"{p['pension']:.2f}",
            "bank_account": p["account"],
            "phone": int(p["phone"]) if spec.numbers and spec.writer == "xlsxwriter" else p["phone"],
            "family_contact": [f"{fam_name}（{rel}）{fam_phone}", f"{fam_name} {fam_phone}",
                               f"{rel}：{fam_name} {fam_phone}"][family_style],
            "party_member": yesno("party_member", p["party"]), "rehired": yesno("rehired", p["rehired"]),
            "away_half_year": yesno("away_half_year", p["away"]),
            **{f: doc_yes_value(f) for f in DOC_FIELDS},
            "remarks": p["remarks"],
        }
        detail: tuple[str, object] | None = None
        pid = p["id_number"]
        if code == "id-checksum":
            v["id_number"] = pid[:17] + rng.choice([c for c in "0123456789X" if c != pid[17]])
            detail = ("id_number", v["id_number"])
        elif code == "id-format":
            v["id_number"] = pid[:17]
            detail = ("id_number", v["id_number"])
        elif code == "id-birthdate":
            body = pid[:10] + "13" + pid[12:17]
            v["id_number"] = body + id_check_char(body)
            detail = ("id_number", v["id_number"])
        elif code == "gender-mismatch":
            v["gender"] = gender_word[not p["male"]]
            detail = ("gender", v["gender"])
        elif code == "birthdate-mismatch":
            m2 = b.month + 2 if b.month <= 10 else b.month - 2
            v["birth_date"] = fmt_ymd(b.year, m2, b.day, bstyle)
            detail = ("birth_date", v["birth_date"])
        elif code == "date-invalid":
            v["work_start"] = fmt_ymd(w.year, 13, 1, wstyle if wstyle != "cell" else "cnnp")
            detail = ("work_start", v["work_start"])
        elif code == "date-future":
            v["retire_date"] = fmt_ymd(2036, r.month, 1, rstyle)
            detail = ("retire_date", v["retire_date"])
        elif code == "missing-value":
            f = "name" if rng.random() < 0.5 else "id_number"
            v[f] = None
            detail = (f, None)
        elif code == "phone-invalid":
            v["phone"] = "123"
            detail = ("phone", "123")
        elif code == "invalid-choice":
            v["category"] = "临时工"
            detail = ("category", "临时工")
        elif code == "document-missing":
            f = rng.choice(DOC_FIELDS)
            v[f] = doc_no_value(f)
            detail = (f, v[f])
        elif code == "id-duplicate":
            detail = ("id_number", v["id_number"])
        elif code == "number-invalid":
            v["pension"] = "abc"
            detail = ("pension", "abc")
        rows_by_person.append((v, code, detail))
    # the held-back value wordings actually written (not the header wordings)
    held_by_field: dict[str, set] = {
        "category": {w for ws in HELD_BACK_CATEGORY_VARIANTS.values() for w in ws},
        "gender": {w for ws in HELD_BACK_GENDER_VALUES.values() for w in ws},
        "party_member": {w for ws in HELD_BACK_PARTY_VALUES.values() for w in ws} | set(HELD_BACK_YES_MARKS)
        | set(HELD_BACK_NO_MARKS),
    }
    marks = set(HELD_BACK_YES_MARKS) | set(HELD_BACK_NO_MARKS) | {w for ws in HELD_BACK_COPY_COUNTS.values()
                                                                  for w in ws}
    for f in (*DOC_FIELDS, "provincial_pension", "rehired", "away_half_year"):
        held_by_field[f] = marks
    held_values = sorted({v[f] for v, _c, _d in rows_by_person for f in held_by_field
                          if f in fields and v[f] in held_by_field[f]})

    # ---- lay out the grid ----
    grid: list[tuple[str, list]] = []  # (kind, cells)
    merges: list[tuple[int, int, int, int]] = []

    def blank_row() -> list:
        return [None] * W

    def place(cells: list) -> list:
        row = blank_row()
        for j, c in enumerate(cells[:W]):
            row[j] = c
        return row

    col = {f: j for j, f in enumerate(fields)}
    if spec.title >= 1:
        t = blank_row()
        t[0] = rng.choice(TITLES)
        merges.append((len(grid), 0, len(grid), W - 1))
        grid.append(("title", t))
    if spec.title >= 2:
        t = blank_row()
        t[0] = f"填报单位：{ent_name}（盖章）"
        t[min(8, W - 4)] = f"统一社会信用代码：{ent_code}"
        t[W - 2] = "单位：人、元"
        grid.append(("title", t))
    header_start = len(grid)
    if spec.two_row:
        top, sub = blank_row(), blank_row()
        d0 = col[DOC_FIELDS[0]]
        for f in fields:
            j = col[f]
            if f in DOC_FIELDS:
                sub[j] = headers[f]
            else:
                top[j] = headers[f]
                if not csv_like:
                    merges.append((len(grid), j, len(grid) + 1, j))
        top[d0] = rng.choice(DOC_GROUP) if ok("√") else "移交材料"
        merges.append((len(grid), d0, len(grid), d0 + len(DOC_FIELDS) - 1))
        grid.append(("header", top))
        grid.append(("header", sub))
    else:
        grid.append(("header", [headers[f] for f in fields]))
    header_end = len(grid)
    if spec.colnums == "栏次":
        grid.append(("column-numbers", ["栏次"] + [str(k) for k in range(1, W)]))
    elif spec.colnums == "甲乙":
        grid.append(("column-numbers", ["甲", "乙", "丙"] + [str(k) for k in range(1, W - 2)]))
    elif spec.colnums == "plain":
        grid.append(("column-numbers", [str(k) for k in range(1, W + 1)]))

    numerals = "一二三四五六七八九"
    pen_col = col["pension"]

    def total_row(n: int, pension_sum: float, style: int) -> list:
        if style == 0:
            row = place(["合计", f"共{n}人"])
        elif style == 1:
            row = place(["小计", None, f"{n}人"])
        else:
            row = place([None, None, "本页小计", f"{n}人"])
        row[pen_col] = round(pension_sum, 2) if spec.numbers else f"{pension_sum:.2f}"
        return row

    def pension_of(v) -> float:
        return float(v["pension"]) if v["pension"] not in ("abc",) else 0.0

    person_rows_i: list[int] = []
    half = len(rows_by_person) // 2
    k = 0
    sec_no = 0
    for cat, n in (blocks if spec.sections else [(None, len(rows_by_person))]):
        if cat is not None:
            word = cat_words[cat]
            if spec.sections == "一、":
                label = [f"{numerals[sec_no]}、{word}"]
            elif spec.sections == "（一）":
                label = [f"（{numerals[sec_no]}）{word}（共{n}人）"]
            else:
                label = [None, word]
            grid.append(("group", place(label)))
            sec_no += 1
        block = rows_by_person[k:k + n]
        for j, (v, _code, _d) in enumerate(block):
            if spec.header_repeat and k + j == half:
                grid.append(("header-repeat", [headers[f] for f in fields]))
            person_rows_i.append(len(grid))
            grid.append(("person", [v[f] for f in fields]))
        if cat is not None and n >= 3:
            grid.append(("total", total_row(n, sum(pension_of(v) for v, _, _ in block), rng.choice([1, 1, 2]))))
        k += n
    grid.append(("total", total_row(len(rows_by_person), sum(pension_of(v) for v, _, _ in rows_by_person),
                                    0)))
    held_rows_i: list[int] = []
    if rng.random() < 0.6:
        marker = [r for r, kind in zip(FOOTER_ROWS, FOOTER_KINDS, strict=True) if kind == "blank-marker"]
        r = rng.choice(marker)
        held_rows_i += [len(grid)] if r in HELD_BACK_FOOTER_ROWS else []
        grid.append(("blank-marker", place(list(r))))
    grid.append(("blank", blank_row()))
    footers = [r for r, kind in zip(FOOTER_ROWS, FOOTER_KINDS, strict=True) if kind in ("footer", "note")]
    for r in rng.sample(footers, 2):
        if all(ok(str(c)) for c in r if c):
            held_rows_i += [len(grid)] if r in HELD_BACK_FOOTER_ROWS else []
            grid.append(("footer", place(list(r))))

    # ---- absolute coordinates ----
    row0 = spec.blank_above
    rowno = [row0 + i + 1 for i in range(len(grid))]
    cells = {rowno[i]: cells for i, (kind, cells) in enumerate(grid) if kind != "blank"}
    columns = {f: spec.col0 + j + 1 for f, j in col.items()}
    errors, details, ids = [], [], {}
    for pi, gi_ in enumerate(person_rows_i):
        v, code, detail = rows_by_person[pi]
        rn = rowno[gi_]
        ids[rn] = v["id_number"]
        if code:
            errors.append((rn, code))
            details.append((rn, code, detail[0], detail[1]))
    meta = {
        "people": len(rows_by_person), "errors": errors, "error_details": details, "ids": ids,
        "person_rows": [rowno[i] for i in person_rows_i],
        "non_people_rows": [rowno[i] for i, (kind, _) in enumerate(grid)
                            if kind in ("group", "total", "header-repeat", "column-numbers", "blank-marker",
                                        "footer")],
        "header_rows": [rowno[i] for i in range(header_start, header_end)],
        "title_rows": [rowno[i] for i, (kind, _) in enumerate(grid) if kind == "title"],
        "columns": columns, "headers": headers, "held_back_headers": held_headers,
        "held_back_values": sorted(set(held_values)), "cells": cells, "first_col": spec.col0 + 1,
        "held_back_rows": [rowno[i] for i in held_rows_i],
    }
    header_cells = {rowno[i] for i in range(header_start, header_end)}
    return meta, [(rowno[i], kind, cells, rowno[i] in header_cells) for i, (kind, cells) in enumerate(grid)], \
        [(rowno[a], c0, rowno[b], c1) for a, c0, b, c1 in merges]


# ---------------------------------------------------------------------------------------------
# Writers: each takes the laid-out rows [(sheet row, kind, cells, is_header)] and merges
# [(row0, col0, row1, col1)] (rows 1-based absolute, columns 0-based within the table)
# ---------------------------------------------------------------------------------------------

def _write_openpyxl(path: Path, spec: Spec, rows, merges) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = dt.datetime(2025, 6, 30, 9, 0)
    first = wb.active
    for i, name in enumerate(spec.sheets_before):
        ws = first if i == 0 else wb.create_sheet(name)
        ws.title = name
        ws["A1"] = "填表说明"
        ws["A2"] = "1.身份证号码须为18位，末位X大写；2.日期格式为年.月；3.移交材料有则打“√”。"
    ws = wb.create_sheet(spec.sheet) if spec.sheets_before else first
    ws.title = spec.sheet
    wrap = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for r, kind, cells, is_header in rows:
        for j, v in enumerate(cells):
            if v is None:
                continue
            c = ws.cell(r, spec.col0 + j + 1, v)
            if isinstance(v, dt.date):
                c.number_format = spec.date_format
            elif isinstance(v, str) and kind == "person":
                c.number_format = "@"
            if is_header or kind == "title":
                c.alignment = wrap
                c.font = Font(bold=True)
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0, start_column=spec.col0 + c0 + 1, end_row=r1, end_column=spec.col0 + c1 + 1)
    for j in range(len(rows[0][2])):
        ws.column_dimensions[openpyxl.utils.get_column_letter(spec.col0 + j + 1)].width = 12
    for name in spec.sheets_after:
        wb.create_sheet(name)
    wb.save(path)


def _write_xlsxwriter(path: Path, spec: Spec, rows, merges) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"created": dt.datetime(2025, 6, 30, 9, 0), "author": "人事科"})
    ws = wb.add_worksheet(spec.sheet)
    head = wb.add_format({"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "border": 1})
    date_fmt = wb.add_format({"num_format": spec.date_format, "border": 1})
    text = wb.add_format({"num_format": "@", "border": 1})
    num = wb.add_format({"border": 1})
    merged_top = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in merges}
    covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    header_row = None
    for r, kind, cells, is_header in rows:
        if is_header:
            header_row = r
        for j, v in enumerate(cells):
            rr, cc = r - 1, spec.col0 + j
            fmt = head if (is_header or kind == "title") else None
            if (r, j) in merged_top:
                r1, c1 = merged_top[(r, j)]
                ws.merge_range(rr, cc, r1 - 1, spec.col0 + c1, v if v is not None else "", fmt or head)
                continue
            if (r, j) in covered or v is None:
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(rr, cc, dt.datetime.combine(v, dt.time()), date_fmt)
            elif isinstance(v, int | float):
                ws.write_number(rr, cc, v, num)
            else:
                ws.write_string(rr, cc, v, fmt or text)
    if header_row:
        ws.freeze_panes(header_row, spec.col0 + 2)
        ws.autofilter(header_row - 1, spec.col0, rows[-1][0] - 1, spec.col0 + len(rows[0][2]) - 1)
    ws.set_column(spec.col0, spec.col0 + len(rows[0][2]) - 1, 12)
    wb.close()


def _write_xlwt(path: Path, spec: Spec, rows, merges) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(spec.sheet)
    for name in spec.sheets_after:
        wb.add_sheet(name)
    head = xlwt.easyxf("font: bold on; align: wrap on, vert centre, horiz centre")
    date_style = xlwt.easyxf(num_format_str=spec.date_format)
    plain = xlwt.easyxf("")
    merged_top = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in merges}
    covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, kind, cells, is_header in rows:
        for j, v in enumerate(cells):
            style = head if (is_header or kind == "title") else plain
            if (r, j) in merged_top:
                r1, c1 = merged_top[(r, j)]
                ws.write_merge(r - 1, r1 - 1, spec.col0 + j, spec.col0 + c1, v if v is not None else "", style)
                continue
            if (r, j) in covered or v is None:
                continue
            ws.write(r - 1, spec.col0 + j, v, date_style if isinstance(v, dt.date) else style)
    wb.save(str(path))


def _write_odfpy(path: Path, spec: Spec, rows, merges) -> None:
    from odf import teletype
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name=spec.sheet)
    merged_top = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in merges}
    covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    by_row = {r: cells for r, _k, cells, _h in rows}
    width = len(rows[0][2])
    for r in range(1, rows[-1][0] + 1):
        tr = TableRow()
        cells = by_row.get(r, [None] * width)
        for _ in range(spec.col0):
            tr.addElement(TableCell())
        for j, v in enumerate(cells):
            attrs = {}
            if (r, j) in merged_top:
                r1, c1 = merged_top[(r, j)]
                attrs = {"numberrowsspanned": r1 - r + 1, "numbercolumnsspanned": c1 - j + 1}
            elif (r, j) in covered:
                tr.addElement(CoveredTableCell())
                continue
            if v is None:
                tc = TableCell(**attrs)
            elif isinstance(v, dt.date):
                tc = TableCell(valuetype="date", datevalue=v.isoformat(), **attrs)
                tc.addElement(P(text=v.isoformat()))
            elif isinstance(v, int | float):
                tc = TableCell(valuetype="float", value=str(v), **attrs)
                tc.addElement(P(text=str(v)))
            else:
                tc = TableCell(valuetype="string", **attrs)
                for line in v.split("\n"):
                    p = P()
                    teletype.addTextToElement(p, line)
                    tc.addElement(p)
            tr.addElement(tc)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


def _write_pandas_odf(path: Path, spec: Spec, rows, merges) -> None:
    import pandas as pd

    by_row = {r: cells for r, _k, cells, _h in rows}
    width = len(rows[0][2])
    data = [by_row.get(r, [None] * width) for r in range(rows[0][0], rows[-1][0] + 1)]
    frame = pd.DataFrame(data, dtype=object)
    with pd.ExcelWriter(path, engine="odf") as xw:
        frame.to_excel(xw, sheet_name=spec.sheet, header=False, index=False, startrow=rows[0][0] - 1,
                       startcol=spec.col0)


def _write_csv(path: Path, spec: Spec, rows, merges) -> None:
    by_row = {r: cells for r, _k, cells, _h in rows}
    width = spec.col0 + len(rows[0][2])
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=spec.delimiter, lineterminator="\r\n")
    for r in range(1, rows[-1][0] + 1):
        cells = [None] * spec.col0 + list(by_row.get(r, [None] * (width - spec.col0)))
        w.writerow(["" if v is None else (v.isoformat() if isinstance(v, dt.date) else v) for v in cells])
    text = buf.getvalue()
    if spec.encoding == "utf-16":  # Excel's "Unicode 文本": UTF-16LE with a BOM
        path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    else:
        path.write_bytes(text.encode(spec.encoding))


WRITERS = {"openpyxl": _write_openpyxl, "xlsxwriter": _write_xlsxwriter, "xlwt": _write_xlwt,
           "odfpy": _write_odfpy, "pandas-odf": _write_pandas_odf, "csv-gbk": _write_csv,
           "csv-utf8-bom": _write_csv, "csv-utf16-tab": _write_csv}


# ---------------------------------------------------------------------------------------------
# LibreOffice
# ---------------------------------------------------------------------------------------------

#: seconds one ``soffice --convert-to`` may take (a conversion takes about a second; the first start
#: with a fresh profile a few)
LO_TIMEOUT = 120


class LibreOfficeError(RuntimeError):
    """``soffice`` is on PATH but a conversion did not produce its file."""


def libreoffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_available() -> bool:
    """True when ``soffice``/``libreoffice`` is on PATH (tests of the converted files skip otherwise)."""
    return libreoffice_binary() is not None


LIBREOFFICE_MISSING = ("LibreOffice (soffice) not installed: the lo_* conversions are not in the messy suite "
                       "(./run test installs libreoffice-calc-nogui with apt-get when root, unless "
                       "RETIREE_TOOLS_NO_LIBREOFFICE=1)")

_LO_FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97", "ods": "ods:calc8"}


def _lo_convert(sources: list[Path], fmt: str, out_dir: Path, work: Path,
                timeout: float = LO_TIMEOUT) -> dict[Path, Path]:
    """Convert ``sources`` to ``fmt`` with one ``soffice --headless --convert-to`` run, using a
    private profile under ``work`` (so parallel runs and a user's running LibreOffice do not clash);
    returns {source: converted file in ``out_dir``, named ``lo_<stem>.<fmt>``}. Raises
    :class:`LibreOfficeError` when soffice fails, hangs, or writes no file for a source — soffice
    exits 0 even when it could not load one, so the output files are what is checked."""
    binary = libreoffice_binary()
    if binary is None:
        raise LibreOfficeError(LIBREOFFICE_MISSING)
    profile = work / "profile"
    out = work / f"out-{fmt}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cmd = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
           "--norestore", "--nodefault", "--nolockcheck", "--convert-to", _LO_FILTERS[fmt], "--outdir", str(out),
           *map(str, sources)]
    what = f"soffice --convert-to {fmt} {' '.join(src.name for src in sources)}"
    # its own session, so a timeout kills soffice.bin too, not only the oosplash/shell wrapper
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise LibreOfficeError(f"{what}: no result after {timeout:g}s") from None
    said = (stdout + stderr).decode("utf-8", "replace").strip()
    missing = [src.name for src in sources
               if not (out / f"{src.stem}.{fmt}").is_file() or not (out / f"{src.stem}.{fmt}").stat().st_size]
    if proc.returncode != 0 or missing:
        raise LibreOfficeError(f"{what}: exit {proc.returncode}, nothing written for {', '.join(missing) or '-'}; "
                               f"soffice said: {said[-500:] or '(nothing)'}")
    done = {}
    for src in sources:
        done[src] = out_dir / f"lo_{src.stem}.{fmt}"
        shutil.move(str(out / f"{src.stem}.{fmt}"), done[src])
    return done


def _excel_serial(d: dt.date) -> float:
    return float((d - dt.date(1899, 12, 30)).days)


def _lo_expectations(mf: MessyFile, src: MessyFile, fmt: str) -> MessyFile:
    """What LibreOffice changes in a cell value, applied to the copied expectations. pandas' odf
    writer gives its date cells (``office:value-type="date"``) no date style; LibreOffice keeps the
    value but saves it to xlsx/xls with the General format, so every reader then sees the serial
    number (1945-06-27 → 16615). Rows, columns, errors and non-person rows stay as they are."""
    if src.writer == "pandas-odf" and fmt in ("xlsx", "xls"):
        mf.cells = {r: [_excel_serial(v) if isinstance(v, dt.date) else v for v in values]
                    for r, values in mf.cells.items()}
        mf.error_details = [(r, code, fld, _excel_serial(v) if isinstance(v, dt.date) else v)
                            for r, code, fld, v in mf.error_details]
    return mf


def add_libreoffice_conversions(files: list[MessyFile], out_dir: Path) -> list[MessyFile]:
    """The :data:`LIBREOFFICE_CONVERSIONS` of ``files``, written into ``out_dir``. Each carries its
    source's expectations (rows, errors, non-person rows, cells): LibreOffice keeps every row and
    column where it is and the cell values as read (checked by :func:`verify`; see
    ``test_libreoffice_files_are_in_the_suite``)."""
    by_stem = {f.path.stem: f for f in files}
    work = Path(tempfile.mkdtemp(prefix="messy-lo-"))
    written: dict[tuple[str, str], Path] = {}
    try:
        for fmt in dict.fromkeys(fmt for _stem, fmt in LIBREOFFICE_CONVERSIONS):  # one soffice start per format
            stems = [stem for stem, f in LIBREOFFICE_CONVERSIONS if f == fmt]
            done = _lo_convert([by_stem[stem].path for stem in stems], fmt, out_dir, work)
            written.update({(stem, fmt): done[by_stem[stem].path] for stem in stems})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    converted = []
    for stem, fmt in LIBREOFFICE_CONVERSIONS:
        src, dest = by_stem[stem], written[(stem, fmt)]
        expect = {f.name: copy.deepcopy(getattr(src, f.name)) for f in dataclasses.fields(src)
                  if f.name not in ("path", "writer", "source", "encoding", "delimiter")}
        converted.append(_lo_expectations(
            MessyFile(path=dest, writer=f"libreoffice-{fmt}", source=src.path.name, **expect), src, fmt))
    return converted


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

def build_messy(out_dir: Path, libreoffice: bool = True) -> list[MessyFile]:
    """Write the messy files into ``out_dir``; LibreOffice conversions are added only when
    :func:`libreoffice_available` (and ``libreoffice`` is true). Raises :class:`LibreOfficeError`
    when soffice is there but a conversion fails (the native files are written by then)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    taken: set = set()
    files: list[MessyFile] = []
    for spec in SPECS:
        meta, rows, merges = _build(spec, taken)
        path = out_dir / f"{spec.stem}{spec.extension}"
        WRITERS[spec.writer](path, spec, rows, merges)
        files.append(MessyFile(path=path, writer=spec.writer, sheet=spec.sheet, encoding=spec.encoding,
                               delimiter=spec.delimiter, **meta))
    if libreoffice and libreoffice_available():
        files.extend(add_libreoffice_conversions(files, out_dir))
    return files


# ---------------------------------------------------------------------------------------------
# Reading back (pandas only) to check the rows are where they are recorded
# ---------------------------------------------------------------------------------------------

def read_back(mf: MessyFile, engine: str | None = None) -> list[list[str]]:
    """The sheet as text rows, index 0 = sheet row 1 (CSV line 1), with pandas."""
    import pandas as pd

    if mf.path.suffix == ".csv":
        width = mf.first_col - 1 + len(mf.columns)
        enc = "utf-16" if mf.encoding == "utf-16" else mf.encoding
        frame = pd.read_csv(mf.path, header=None, dtype=str, encoding=enc, sep=mf.delimiter, keep_default_na=False,
                            skip_blank_lines=False, names=list(range(width)))
    else:
        engine = engine or {".xlsx": "openpyxl", ".xls": "calamine", ".ods": "odf"}[mf.path.suffix]  # xlrd is no dependency
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = pd.read_excel(mf.path, sheet_name=mf.sheet, header=None, dtype=str, engine=engine)
    return [["" if (isinstance(v, float) or v is None) else str(v) for v in row] for row in frame.itertuples(
        index=False)]


def _as_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return f"{v:%Y-%m-%d} 00:00:00"
    return str(v)


def _float_or_none(s: str) -> float | None:
    try:
        return float(s)
    except ValueError:
        return None


def verify(mf: MessyFile, engine: str | None = None) -> list[str]:
    """Problems found reading ``mf`` back (empty = every recorded row is where it is recorded)."""
    rows = read_back(mf, engine)
    problems = []
    c0 = mf.first_col - 1

    def cell(r: int, c: int) -> str:  # r 1-based sheet row, c 0-based absolute column
        if r - 1 >= len(rows):
            return ""
        row = rows[r - 1]
        return row[c] if c < len(row) else ""

    for r, values in mf.cells.items():
        for j, v in enumerate(values):
            got, want = cell(r, c0 + j), _as_text(v)
            if mf.path.suffix == ".csv" and isinstance(v, dt.date):
                want = v.isoformat()
            if got == want:
                continue
            if isinstance(v, float) and got and _float_or_none(got) == v:
                continue
            if r in mf.header_rows and v is None:
                continue
            if mf.writer == "pandas-odf" and isinstance(v, dt.date) and got.startswith(v.isoformat()):
                continue
            problems.append(f"row {r} col {c0 + j + 1}: wrote {want!r}, read {got!r}")
    id_col = mf.columns["id_number"] - 1
    for r, code, fld, value in mf.error_details:
        got = cell(r, mf.columns[fld] - 1)
        if isinstance(value, float) and got and _float_or_none(got) == value:
            continue
        if got != _as_text(value) and not (mf.path.suffix == ".csv" and got == str(value)):
            problems.append(f"error row {r} {code}: {fld} read {got!r}, wrote {value!r}")
    for r in mf.non_people_rows:
        if re.fullmatch(r"\d{17}[\dX]", cell(r, id_col)):
            problems.append(f"non-person row {r} has an ID")
        if not any(rows[r - 1]):
            problems.append(f"non-person row {r} is empty")
    for r, pid in mf.ids.items():
        if cell(r, id_col) != (pid or ""):
            problems.append(f"person row {r}: id {cell(r, id_col)!r} != {pid!r}")
    last = max(mf.cells)
    for r in range(1, len(rows) + 1):
        if r not in mf.cells and any(rows[r - 1]) and r <= last:
            problems.append(f"row {r} should be empty: {rows[r - 1][:5]}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/support/messy.py OUT_DIR", file=sys.stderr)
        return 2
    from support.intake_variants import self_check

    self_check()
    files = build_messy(Path(argv[0]))
    bad = 0
    for mf in files:
        engines = [None, "calamine"] if mf.path.suffix != ".csv" else [None]
        problems = [f"[{e or 'default'}] {p}" for e in engines for p in verify(mf, e)]
        bad += bool(problems)
        codes = sorted({c for _, c in mf.errors})
        print(f"{mf.path.name:32s} {mf.writer:16s} people={mf.people:2d} errors={len(mf.errors):2d} "
              f"codes={len(codes):2d} non-people={len(mf.non_people_rows):2d} header-rows={mf.header_rows} "
              f"held-back headers={len(mf.held_back_headers):2d}/{len(mf.headers)} "
              f"held-back values={len(mf.held_back_values)} {'OK' if not problems else 'PROBLEMS'}")
        for p in problems[:10]:
            print("    ", p)
    if not libreoffice_available():
        print(LIBREOFFICE_MISSING)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
