"""Reading acceptance side files: the targets table (validated strictly) and the expected roster."""


from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from retiree_tools.domain.dates import parse_day
from retiree_tools.domain.idcard import ID15, normalise_id, upgrade_15
from retiree_tools.domain.text import clean_value, fold_width, header_key
from retiree_tools.findings.errors import InputError
from retiree_tools.io.tables import alias_match, read_text_rows, scan_header

EMITS = ("targets-invalid",)
HEADER_SCAN_ROWS = 20

# header aliases (compared with textnorm.header_key: no spaces/punctuation, case-insensitive)
TARGET_HEADERS: dict[str, tuple[str, ...]] = {
    "scope": ("scope", "范围", "类型", "验收范围"),
    "key": ("key", "键", "代码", "编码", "统一社会信用代码", "信用代码", "区划代码", "单位代码"),
    "name": ("name", "名称", "单位名称", "企业名称"),
    "target": ("target", "目标", "目标人数", "应移交人数", "计划人数"),
    "deadline": ("deadline", "截止日期", "期限", "截止时间", "完成时限"),
    "min_rate": ("min_rate", "最低比例", "达标率", "最低达标率", "达标比例"),
}
ROSTER_HEADERS: dict[str, tuple[str, ...]] = {
    "id_number": ("id_number", "身份证号码", "身份证号", "公民身份号码", "身份证", "ID number"),
    "name": ("name", "姓名"),
    "enterprise": ("enterprise", "原工作单位", "单位", "工作单位", "企业", "企业名称"),
}
# scope values → the scope class of the target ("enterprise", "unit" = county or unit code,
# "county" = county codes only)
SCOPE_ALIASES: dict[str, str] = {
    "ENTERPRISE": "enterprise", "企业": "enterprise", "移交企业": "enterprise",
    "UNIT": "unit", "接收单位": "unit", "单位": "unit", "区县": "unit", "县区": "unit",
    "街道": "unit", "乡镇": "unit", "社区": "unit", "COUNTY": "county",
}


@dataclass(frozen=True)
class Target:
    """One validated row of the targets file. ``line`` is the row number in the file."""

    scope: str  # enterprise | unit | county
    key: str
    name: str | None
    target: int
    deadline: date | None
    min_rate: float | None
    line: int


@dataclass(frozen=True)
class RosterPerson:
    id_number: str | None  # normalised (18 characters where it could be)
    name: str | None
    enterprise: str | None
    line: int


def _invalid(path: Path, reason: str, **params: object) -> InputError:
    return InputError("targets-invalid", str(path), reason=reason, **params)


def _text(v: str | None) -> str:
    return clean_value(v) if v else ""


def _find_header(rows: list[list[str | None]], spec: dict[str, tuple[str, ...]],
                 must: set[str]) -> tuple[int, dict[str, int]] | None:
    """(index of the header row, field → column) of the first row among the first rows that
    names every field in ``must``."""
    found = scan_header(rows, alias_match(spec), lambda fields: must <= fields, limit=HEADER_SCAN_ROWS)
    return (found.index, found.columns) if found else None


def parse_rate(text: str) -> float | None:
    """``1``, ``1.0``, ``0.95``, ``100%``, ``95%`` → a fraction in (0, 1]; None when invalid."""
    t = fold_width(text).strip().replace(" ", "")
    pct = t.endswith(("%", "％"))
    t = t.rstrip("%％")
    try:
        v = float(t)
    except ValueError:
        return None
    if pct:
        v /= 100
    return v if 0 < v <= 1 else None


MAX_TARGET = 10_000_000  # people in one target: more than any city's retirees is a typing error


def parse_count(text: str) -> int | None:
    """A target count: a whole number from 0 to :data:`MAX_TARGET` (``1,200``, ``1200人``);
    None for anything else (negative, fractional, 1e15, inf)."""
    t = fold_width(text).strip().replace(",", "").replace("，", "").removesuffix("人").strip()
    try:
        v = float(t)
    except ValueError:
        return None
    return int(v) if v.is_integer() and 0 <= v <= MAX_TARGET else None


def parse_date(text: str) -> date | None:
    """A date in any form people type (see :func:`retiree_tools.domain.dates.parse_day`); a
    year-month means the month's last day."""
    return parse_day(text)


def read_targets(path: str | Path) -> list[Target]:
    """Read and validate a targets file (csv/xlsx/xls/ods). Raises InputError
    ``targets-invalid`` (exit 2) with a one-line reason on the first problem."""
    path = Path(path)
    first, rows = read_text_rows(path)
    found = _find_header(rows, TARGET_HEADERS, {"scope", "target"})
    if found is None or not ({"key", "name"} & set(found[1])):
        raise _invalid(path, "error.targets_no_header")
    head, cols = found
    if "key" not in cols:  # only a name column: the name is the key
        cols["key"] = cols.pop("name")

    def cell(row: list[str | None], field: str) -> str:
        j = cols.get(field)
        return _text(row[j]) if j is not None and j < len(row) else ""

    out: list[Target] = []
    seen: dict[tuple[str, str], int] = {}
    for i, row in enumerate(rows[head + 1:], start=head + 1):
        line = first + i
        scope_t, key, name, target_t = (cell(row, f) for f in ("scope", "key", "name", "target"))
        deadline_t, rate_t = cell(row, "deadline"), cell(row, "min_rate")
        if not any((scope_t, key, name, target_t, deadline_t, rate_t)):
            continue
        scope = SCOPE_ALIASES.get(header_key(scope_t))
        if scope is None:
            raise _invalid(path, "error.targets_scope", line=line, scope=scope_t)
        key = key or name
        if not key:
            raise _invalid(path, "error.targets_empty_key", line=line)
        target = parse_count(target_t)
        if target is None:
            raise _invalid(path, "error.targets_count", line=line, value=target_t)
        deadline = None
        if deadline_t:
            deadline = parse_date(deadline_t)
            if deadline is None:
                raise _invalid(path, "error.targets_deadline", line=line, value=deadline_t)
        min_rate = None
        if rate_t:
            min_rate = parse_rate(rate_t)
            if min_rate is None:
                raise _invalid(path, "error.targets_rate", line=line, value=rate_t)
        ident = ("enterprise" if scope == "enterprise" else "unit", key.upper())
        if ident in seen:
            raise _invalid(path, "error.targets_duplicate", line=line, key=key, other=seen[ident])
        seen[ident] = line
        out.append(Target(scope, key, name or None, target, deadline, min_rate, line))
    return out


def normalise_id_text(text: str | None) -> str | None:
    """Fold width, spaces and case; legacy 15-digit numbers become 18 characters."""
    if not text:
        return None
    t = normalise_id(re.sub(r"\s+", "", fold_width(text)))
    if not t:
        return None
    return upgrade_15(t) if ID15.match(t) else t


def read_roster(path: str | Path) -> list[RosterPerson]:
    """The expected people: a table with an ID column (and name / enterprise where given)."""
    path = Path(path)
    first, rows = read_text_rows(path)
    found = _find_header(rows, ROSTER_HEADERS, {"id_number"})
    if found is None:
        raise InputError("file-unreadable", str(path), reason="error.roster_no_id")
    head, cols = found
    out: list[RosterPerson] = []
    for i, row in enumerate(rows[head + 1:], start=head + 1):
        vals = {f: (_text(row[j]) if j < len(row) else "") for f, j in cols.items()}
        if not any(vals.values()):
            continue
        out.append(RosterPerson(normalise_id_text(vals.get("id_number")), vals.get("name") or None,
                                vals.get("enterprise") or None, first + i))
    return out
