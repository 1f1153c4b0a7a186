"""Data behind the handover forms: grouping the assigned file, per-person values, safe names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from retiree_tools.assign.contract import COLUMNS, DOC_KEYS, KEYS, STATUSES, status_text
from retiree_tools.findings.errors import InputError

FORM_KINDS = ("summary", "registration", "card", "agreement", "receipt")
TITLES = {
    "summary": "移交社会化管理退休人员汇总表",
    "registration": "退休人员个人情况登记表",
    "card": "社会化管理服务联系卡",
    "agreement": "退休人员社会化管理服务协议书",
    "receipt": "交接清单",
    "index": "移交表单目录",
}
# Services listed on the cards and in the agreement (the 2003 opinions, 二; the Lufeng measures, 禄政通〔2006〕101号).
SERVICES = (
    "养老金按时足额发放",
    "政策咨询与查询",
    "跟踪生存状况、协助资格认证",
    "协助办理丧葬补助金和遗属待遇",
    "人事档案集中管理",
    "党组织活动",
    "健康档案与关爱",
    "文体活动",
)
FILE_SERVICE = "人事档案集中管理"  # not offered to a person whose personnel file stays (档案移交 = 否)


def status_texts() -> dict[str, str]:
    """A person's status in words, as the (Chinese) forms print it."""
    return {s: status_text(s, "zh") for s in STATUSES}


DOC_LABELS = {k: zh for k, zh, _ in COLUMNS if k in DOC_KEYS}
NO_COUNTY, NO_UNIT, NO_ENTERPRISE = "未分配区县", "未分配单位", "未填移交单位"

_BAD_CHARS = re.compile(r'[/\\:*?"<>|]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
NAME_LIMIT = 60


# ---------------------------------------------------------------------------------------------
# Safe file names
# ---------------------------------------------------------------------------------------------

def safe_name(text: object, fallback: str = "_", limit: int = NAME_LIMIT) -> str:
    """A single path component from free text: CJK kept; separators, ``* ? " < > | :``, control
    and format characters and leading dots removed; at most ``limit`` characters."""
    s = unicodedata.normalize("NFC", "" if text is None else str(text))
    s = "".join(" " if ch in "\t\n\r" or unicodedata.category(ch)[0] == "Z" else ch for ch in s
                if ch in "\t\n\r" or unicodedata.category(ch)[0] != "C")
    s = _BAD_CHARS.sub("", s)
    s = re.sub(r" +", " ", s).strip().lstrip(". ")
    s = s[:limit].rstrip(". ")
    if not s:
        return fallback
    if s.split(".")[0].upper() in _RESERVED:
        s = "_" + s
    return s


def dir_name(code: str, name: str, fallback: str) -> str:
    """``<code>_<name>`` made safe, or ``fallback`` when both are blank."""
    parts = [p for p in (safe_name(code, ""), safe_name(name, "")) if p]
    return safe_name("_".join(parts), fallback) if parts else fallback


class Namer:
    """Unique names inside one directory (case-insensitively): a clash gets ``~2``, ``~3``…"""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, name: str, suffix: str = "") -> str:
        candidate, n = name, 1
        while (candidate + suffix).casefold() in self.used:
            n += 1
            candidate = f"{name}~{n}"
        self.used.add((candidate + suffix).casefold())
        return candidate + suffix


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

def text(v: object) -> str:
    """Display text of a cell: blank for None. (read_assigned has already removed the
    apostrophe that escaped a formula-like value; HTML is escaped on output, the xlsx escapes
    again.)"""
    if v is None:
        return ""
    return str(v).strip()


def number(v: str) -> float | None:
    try:
        f = float(v.replace(",", "")) if v else None
    except ValueError:
        return None
    return f if f is not None and f == f and abs(f) != float("inf") else None


def money(f: float | None, raw: str = "") -> str:
    return f"{f:.2f}" if f is not None else raw


# Free-text fields that get a smaller type when long, so each person still fits one page.
FIT_KEYS = ("name", "enterprise", "category", "household_address", "medical_location", "residence",
            "family_contact", "party_org", "unit_name", "phone", "bank_account", "reason")


def fit_class(value: str) -> str:
    """CSS class for a value's length: "" (normal), "s" (over 20 characters), "xs" (over 50)."""
    n = len(value)
    return "" if n <= 20 else "s" if n <= 50 else "xs"


_CODE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")


def finding_titles(codes: str) -> list[str]:
    """Finding codes (``id-checksum;date-order``, as the assigned file's 问题代码 or the end of an
    assign reason) → their Chinese titles, in order, each once; an unknown code is left out."""
    from retiree_tools.texts import has, tr

    out: list[str] = []
    for code in _CODE.findall(codes or ""):
        key = f"finding.{code}.title"
        title = tr(key, "zh") if has(key) else ""
        if title and title not in out:
            out.append(title)
    return out


def reason_zh(rec: dict[str, Any]) -> str:
    """A person's reason as a Chinese form prints it: a rejected person's finding codes become the
    findings' titles (``数据有错误，退回补正：身份证号码校验位错误``); any other reason as written."""
    from retiree_tools.texts import tr

    reason = text(rec.get("reason"))
    if text(rec.get("status")).lower() != "rejected":
        return reason
    titles = finding_titles(text(rec.get("findings"))) or finding_titles(reason)
    if titles:
        return tr("forms.reason.rejected", "zh", titles="；".join(titles))
    if not reason or _CODE.search(reason):
        return tr("forms.reason.rejected_unknown", "zh")
    return reason


def person_view(rec: dict[str, Any], seq: int) -> dict[str, Any]:
    """One person's values for the templates: every contract key as text, plus ``seq``,
    ``reg_no`` (the registration number, set by :func:`build_plan`), ``pension_value`` (float
    or None), ``pension_text``, ``docs``, ``services`` (the card's services for this person),
    ``remark``, ``reason`` in Chinese words (:func:`reason_zh`) and ``fit`` (a CSS class per long
    free-text field, see :func:`fit_class`)."""
    p: dict[str, Any] = {k: text(rec.get(k)) for k in KEYS}
    p["reason"] = reason_zh(rec)
    p["seq"] = seq
    p["reg_no"] = ""
    p["pension_value"] = number(p["pension"])
    p["pension_text"] = money(p["pension_value"], p["pension"])
    p["docs"] = [{"key": k, "label": DOC_LABELS[k], "given": p[k] == "是"} for k in DOC_KEYS]
    p["remark"] = "人事档案暂不移交，由接收单位建立信息档案" if p["file_transfer"] == "否" else ""
    p["services"] = [s for s in SERVICES if not (s == FILE_SERVICE and p["file_transfer"] == "否")]
    p["fit"] = {k: fit_class(p[k]) for k in FIT_KEYS}
    return p


def totals_of(people: list[dict[str, Any]]) -> dict[str, Any]:
    pensions = [p["pension_value"] for p in people if p["pension_value"] is not None]
    total = round(sum(pensions), 2)
    return {
        "people": len(people),
        "male": sum(1 for p in people if p["gender"] == "男"),
        "female": sum(1 for p in people if p["gender"] == "女"),
        "party_members": sum(1 for p in people if p["party_member"] == "是"),
        "files_transferred": sum(1 for p in people if p["file_transfer"] == "是"),
        "files_kept": sum(1 for p in people if p["file_transfer"] == "否"),
        "pension_total": total,
        "pension_total_text": money(total),
        "pension_missing": len(people) - len(pensions),
    }


def _first(people: list[dict[str, Any]], key: str) -> str:
    return next((p[key] for p in people if p[key]), "")


# ---------------------------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------------------------

@dataclass
class Packet:
    """The people of one enterprise handed over to one receiving unit, and where their forms go."""

    county: dict[str, str]
    unit: dict[str, str]
    enterprise: dict[str, str]
    people: list[dict[str, Any]]
    totals: dict[str, Any]
    rel_dir: str = ""


@dataclass
class Receipt:
    """One enterprise × county: the handover receipt (交接清单)."""

    county: dict[str, str]
    enterprise: dict[str, str]
    counts: dict[str, int]
    reasons: dict[str, list[dict[str, Any]]]
    documents: list[dict[str, Any]]
    files: dict[str, int]
    units: list[dict[str, Any]]
    others: list[dict[str, Any]]
    rel_path: str = ""


@dataclass
class Plan:
    packets: list[Packet] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _clean(frame: pd.DataFrame, key: str) -> pd.Series:
    return frame[key].fillna("").astype(str).str.strip()


def check_statuses(frame: pd.DataFrame) -> pd.Series:
    """The status column, lower-cased; an unknown or blank status is an input error (exit 2)."""
    status = _clean(frame, "status").str.lower()
    bad = ~status.isin(STATUSES)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        where = text(frame["file"].iat[i]) if "file" in frame else ""
        raise InputError("usage", reason="error.bad_status", value=text(frame["status"].iat[i]), where=where, n=i + 1,
                         allowed=" / ".join(STATUSES))
    return status


def build_plan(frame: pd.DataFrame) -> Plan:
    """Group the assigned file once: packets (county × unit × enterprise, assigned people) and
    receipts (enterprise × county, everybody), in a fixed order, with unique safe paths."""
    frame = frame.reset_index(drop=True)
    status = check_statuses(frame)
    keys = pd.DataFrame({"c": _clean(frame, "county_code"), "u": _clean(frame, "unit_code"),
                         "e": _clean(frame, "enterprise"), "s": status})
    records = frame.to_dict("records")
    plan = Plan(counts={s: int((status == s).sum()) for s in STATUSES})
    plan.counts["total"] = len(frame)
    if plan.counts["assigned"] == 0:
        return plan
    views: dict[int, dict[str, Any]] = {}
    numbers: dict[tuple[str, str], int] = {}  # registration numbers run on across a unit's enterprises
    for (c, u, e), idx in keys[keys["s"] == "assigned"].groupby(["c", "u", "e"], sort=True).groups.items():
        people = [person_view(records[i], n) for n, i in enumerate(idx, start=1)]
        for p in people:
            numbers[(c, u)] = numbers.get((c, u), 0) + 1
            p["reg_no"] = f"{u}-{numbers[(c, u)]:03d}" if u else f"{numbers[(c, u)]:03d}"
        views.update(zip(idx, people, strict=True))
        plan.packets.append(Packet(
            county={"code": c, "name": _first(people, "county_name")},
            unit={"code": u, "name": _first(people, "unit_name"), "level": _first(people, "unit_level"),
                  "office_address": _first(people, "office_address"),
                  "contact_person": _first(people, "contact_person"),
                  "contact_phone": _first(people, "contact_phone")},
            enterprise={"name": e, "credit_code": _first(people, "credit_code")},
            people=people, totals=totals_of(people)))
    statuses = status.to_numpy()
    units: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for k in plan.packets:
        units.setdefault((k.enterprise["name"], k.county["code"]), []).append(
            {"code": k.unit["code"], "name": k.unit["name"], "people": len(k.people)})
    for (e, c), idx in keys.groupby(["e", "c"], sort=True).groups.items():
        people = [views.get(i) or person_view(records[i], 0) for i in idx]
        plan.receipts.append(_receipt(e, c, people, statuses[np.asarray(idx)], units.get((e, c), [])))
    _lay_out(plan)
    return plan


def _reasons(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for p in people:
        r = p["reason"] or "未说明原因"
        counts[r] = counts.get(r, 0) + 1
    return [{"reason": r, "count": n} for r, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _receipt(enterprise: str, county: str, people: list[dict[str, Any]], statuses,
             units: list[dict[str, Any]]) -> Receipt:
    by: dict[str, list[dict[str, Any]]] = {s: [] for s in STATUSES}
    for p, s in zip(people, statuses, strict=True):
        by[s].append(p)
    handed = by["assigned"]
    counts = {s: len(v) for s, v in by.items()}
    counts["declared"] = len(people)
    words = status_texts()
    others = [{**p, "status": s, "status_text": words[s]} for s in ("excluded", "review", "rejected") for p in by[s]]
    return Receipt(
        county={"code": county, "name": _first(people, "county_name")},
        enterprise={"name": enterprise, "credit_code": _first(people, "credit_code")},
        counts=counts,
        reasons={s: _reasons(by[s]) for s in ("excluded", "review", "rejected")},
        documents=[{"key": k, "label": DOC_LABELS[k], "count": sum(1 for p in handed if p[k] == "是")} for k in DOC_KEYS],
        files={"transferred": sum(1 for p in handed if p["file_transfer"] == "是"),
               "record_only": sum(1 for p in handed if p["file_transfer"] == "否"),
               "unknown": sum(1 for p in handed if p["file_transfer"] not in ("是", "否"))},
        units=units, others=others)


def _lay_out(plan: Plan) -> None:
    """Relative paths: ``<county>/<unit>/<enterprise>/`` per packet, ``<county>/receipt_<enterprise>.html``."""
    names: dict[str, str] = {}
    for x in [*plan.packets, *plan.receipts]:
        if not names.get(x.county["code"]):
            names[x.county["code"]] = x.county["name"]
    county_dirs: dict[str, str] = {}
    top, inside = Namer(), {}
    top.used.update({"index.html", "manifest.json"})
    for code in sorted(names):
        county_dirs[code] = top.take(dir_name(code, names[code], NO_COUNTY))
        inside[code] = Namer()
    unit_dirs: dict[tuple[str, str], tuple[str, Namer]] = {}
    for k in plan.packets:
        ukey = (k.county["code"], k.unit["code"])
        if ukey not in unit_dirs:
            unit_dirs[ukey] = (inside[ukey[0]].take(dir_name(k.unit["code"], k.unit["name"], NO_UNIT)), Namer())
        udir, namer = unit_dirs[ukey]
        k.rel_dir = f"{county_dirs[ukey[0]]}/{udir}/{namer.take(safe_name(k.enterprise['name'], NO_ENTERPRISE))}"
    for r in plan.receipts:
        name = inside[r.county["code"]].take("receipt_" + safe_name(r.enterprise["name"], NO_ENTERPRISE), ".html")
        r.rel_path = f"{county_dirs[r.county['code']]}/{name}"
