"""Assignment: give each validated person a receiving county and unit by the policy's rules,
saying which rule and which input decided (seed 002 order; seed 003 三 and 四; seed 004 第五条)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from retiree_tools.assign.catalog import Catalog
from retiree_tools.findings.model import FileReport
from retiree_tools.policy.model import Policy
from retiree_tools.validate.rules.base import arrow_of
from retiree_tools.validate.run import Options, iter_people

_CACHE_MAX = 300_000
_ELSEWHERE_HINT = re.compile(r"(省|自治区|特别行政区|市|州|盟)")


@dataclass
class CountyHit:
    kind: str  # county | city | ambiguous | outside | empty
    county: str | None = None
    term: str = ""


@dataclass
class UnitHit:
    kind: str  # unit | county_only | elsewhere | ambiguous
    unit: str | None = None
    term: str = ""
    candidates: list[str] = field(default_factory=list)


class Assigner:
    """Decides county and unit for texts; every distinct text is resolved once (cached)."""

    def __init__(self, catalog: Catalog, policy: Policy, lang: str = "zh"):
        self.catalog, self.policy, self.lang = catalog, policy, lang
        self._county_cache: dict[str, CountyHit] = {}
        self._unit_cache: dict[tuple[str, str], UnitHit] = {}
        self._city_words = [w for w in policy.assign.city_level_words if w]

    # ---- county ----
    def county_of_key(self, key: str | None) -> CountyHit:
        """The county a text names, given as its key (:meth:`Catalog.keys`)."""
        if not key:
            return CountyHit("empty")
        hit = self._county_cache.get(key)
        if hit is None:
            if len(self._county_cache) > _CACHE_MAX:  # bounded memory on a million people
                self._county_cache.clear()
            hit = self._county_cache[key] = self._county_of(key)
        return hit

    def _county_of(self, text: str) -> CountyHit:
        direct: list[tuple[int, str, str]] = []  # (position, county, term)
        via_units: dict[str, str] = {}
        city = False
        for start, term in self.catalog.matches(text, is_key=True):
            if term.names_county:
                if term.county:
                    direct.append((start, term.county, term.text))
                continue
            if term.city_only:
                city = True
                continue
            for cty in term.via:
                via_units.setdefault(cty, term.text)
        if direct:
            direct.sort()
            return CountyHit("county", direct[0][1], direct[0][2])
        if len(via_units) == 1:
            county, term_text = next(iter(via_units.items()))
            return CountyHit("county", county, term_text)
        if len(via_units) > 1:
            return CountyHit("ambiguous", None, "、".join(sorted(via_units.values())))
        if city or any(w in text for w in self._city_words):
            return CountyHit("city")
        return CountyHit("outside")

    # ---- unit within a county ----
    def unit_in_key(self, text: str | None, county: str) -> UnitHit:
        """The unit within ``county`` an address names, given as its key (:meth:`Catalog.keys`)."""
        if not text:
            return UnitHit("county_only")
        key = (text, county)
        hit = self._unit_cache.get(key)
        if hit is None:
            if len(self._unit_cache) > _CACHE_MAX:
                self._unit_cache.clear()
            hit = self._unit_cache[key] = self._unit_in(text, county)
        return hit

    def _unit_in(self, text: str, county: str) -> UnitHit:
        where = self.county_of_key(text)
        if where.kind == "county" and where.county != county:
            return UnitHit("elsewhere", term=where.term)
        best: list[tuple[int, int, str, str]] = []  # (specificity, term length, code, term)
        for _start, term in self.catalog.matches(text, is_key=True):
            for spec, c in term.units_in.get(county, ()):
                best.append((spec, len(term.text), c, term.text))
        if not best:
            if where.kind == "outside" and _ELSEWHERE_HINT.search(text):
                return UnitHit("elsewhere")
            return UnitHit("county_only")
        best.sort(key=lambda b: (-b[0], -b[1], b[2]))
        top = [b for b in best if b[:2] == best[0][:2]]
        codes = sorted({b[2] for b in top})
        if len(codes) > 1:
            # a community and its own street are not rivals; equal rivals are
            return UnitHit("ambiguous", term=top[0][3], candidates=codes)
        return UnitHit("unit", codes[0], best[0][3])


# reasons and flags in both languages
_TEXT = {
    "no_location": ("所在地均为空或不在接收地区目录内（{fields}），无法确定接收区县，请人工核实",
                    "no location resolves to a county of the catalogue ({fields}); check by hand"),
    "provincial_unresolved": ("在省社保中心领取待遇，须按医保关系所在地确定区县，但医保关系所在地无法识别",
                              "paid by the provincial centre: placed by medical-insurance location, which does not resolve"),
    "ambiguous_unit": ("居住地址同时匹配多个接收单位（{units}），请人工确定", "the address matches several units equally ({units}); decide by hand"),
    "rejected": ("数据有错误，未分配：{codes}", "not assigned, data errors: {codes}"),
    "resides_elsewhere": ("长期居住地不在该区县，暂由区县退管中心接收", "lives outside the county: received by the county centre"),
    "unit_unresolved": ("居住地址未能对应到街道/乡镇/社区，暂由区县退管中心接收", "the address names no unit: received by the county centre"),
}
_FIELD_ZH = {"medical_location": "医保关系所在地", "household_address": "户籍所在地", "residence": "长期居住地"}


def _tx(key: str, lang: str, **kw) -> str:
    zh, en = _TEXT[key]
    return (en if lang == "en" else zh).format(**kw)


_DECIDED = ("status", "county_code", "county_name", "unit_code", "unit_name", "unit_level", "rule", "evidence",
            "reason", "flags", "office_address", "contact_person", "contact_phone")


def assign_frame(assigner: Assigner, frame: pd.DataFrame, error_codes: dict[int, list[str]]) -> pd.DataFrame:
    """Decide every row of a validated people frame; return the assigned-file columns.

    A decision depends only on what the locations and the address resolve to, so it is made
    once per distinct combination (a few thousand in 100k people) and spread to its rows."""
    import pyarrow as pa

    pol, cat, lang = assigner.policy, assigner.catalog, assigner.lang
    a = pol.assign
    n = len(frame)
    out = {k: np.full(n, None, dtype=object) for k in (*_DECIDED, "party_org")}
    rows = frame["_row"].to_numpy()
    handed = frame["handed_over"].to_numpy(bool)
    errors = frame["_error"].to_numpy(bool)
    # the error codes of the few rows that have any (rows ascend within a frame)
    findings = np.full(n, "", dtype=object)
    codes_of: dict[int, list[str]] = {}
    if error_codes and n:
        order = np.argsort(rows, kind="stable")
        for r, c in error_codes.items():
            k = int(np.searchsorted(rows, r, sorter=order))
            if k < n and rows[order[k]] == r:
                codes_of[int(order[k])] = c
                findings[order[k]] = ";".join(c)
    out["findings"] = findings
    # excluded by category (seed 004 第九条 …) and rejected for errors
    excluded = np.flatnonzero(~handed)
    out["status"][excluded] = "excluded"
    out["reason"][excluded] = [r or "" for r in frame["exclusion_reason"].to_numpy(dtype=object, na_value=None)[excluded]]
    rejected = np.flatnonzero(handed & errors)
    out["status"][rejected] = "rejected"
    out["reason"][rejected] = [_tx("rejected", lang, codes="、".join(dict.fromkeys(c for c in codes_of.get(i, []) if c)) or "?")
                               for i in rejected.tolist()]
    todo = np.flatnonzero(handed & ~errors)
    if not len(todo):
        return _assigned_frame(frame, out)
    prov = frame[a.provincial_pension_field].to_numpy(dtype=object, na_value=None) if a.provincial_pension_field in frame else np.full(n, None)
    provincial = np.array([p is True for p in prov], dtype=bool)[todo]
    fields = list(dict.fromkeys([*a.location_order, *([a.provincial_location_field] if provincial.any() else [])]))
    taken = pa.array(todo)
    keys = {f: cat.keys(arrow_of(frame[f]).take(taken)) for f in dict.fromkeys([*fields, a.unit_field])}
    hits = {f: _county_hits(assigner, keys[f]) for f in fields}
    unit_codes, unit_keys = pd.factorize(keys[a.unit_field])
    codes = _decision_codes(a.location_order, hits, unit_codes, provincial, a.provincial_location_field)
    ncomb = int(codes.max()) + 1
    first = np.zeros(ncomb, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # a row of each combination
    decided = [_decide(assigner, bool(provincial[j]), {f: hits[f][1][hits[f][0][j]] for f in fields},
                       unit_keys[unit_codes[j]] if unit_codes[j] >= 0 else None)
               for j in first.tolist()]
    for k, name in enumerate(_DECIDED):
        values = np.empty(ncomb, dtype=object)
        values[:] = [d[k] for d in decided]
        out[name][todo] = values[codes]
    # party organisation (seed 003 四): the unit's, or where rehired / long away people go
    party = frame["party_member"].to_numpy(dtype=object, na_value=None)
    rehired = frame["rehired"].to_numpy(dtype=object, na_value=None)
    away = frame["away_half_year"].to_numpy(dtype=object, na_value=None)
    for i in np.flatnonzero((out["status"] == "assigned") & np.array([p is True for p in party], dtype=bool)).tolist():
        if rehired[i] is True:
            out["party_org"][i] = a.party_rehired_destination
        elif away[i] is True:
            out["party_org"][i] = a.party_away_destination
        else:
            out["party_org"][i] = f"{out['unit_name'][i]}党组织"
    return _assigned_frame(frame, out)


def _decision_codes(order, hits: dict[str, tuple[np.ndarray, list[CountyHit]]], unit_codes: np.ndarray,
                    provincial: np.ndarray, prov_field: str) -> np.ndarray:
    """Per row, a code for what its decision depends on (see _decide): the hits read in the
    policy's order up to the first that names a county, and the address when one did. Rows
    with equal codes decide alike. Codes are dense, 0 … combinations - 1."""
    m = len(unit_codes)
    key = np.zeros(m, dtype=np.int64)
    found = np.zeros(m, dtype=bool)

    def fold(key: np.ndarray, part: np.ndarray) -> np.ndarray:  # pairs of codes → dense codes
        return pd.factorize(key * (int(part.max()) + 2) + (part + 1))[0].astype(np.int64)

    for f in order:
        codes, uniques = hits[f]
        key = fold(key, np.where(found, -1, codes))
        found |= np.array([h.kind == "county" for h in uniques] + [False])[codes]
    if provincial.any():  # their own order: the provincial field alone
        codes, uniques = hits[prov_field]
        pfound = np.array([h.kind == "county" for h in uniques] + [False])[codes]
        key = np.where(provincial, -2 - codes, key)  # negative: never equal to a non-provincial key
        found = np.where(provincial, pfound, found)
    return fold(key, np.where(found, unit_codes, -1))


def _decide(assigner: Assigner, provincial: bool, hits: dict[str, CountyHit], unit_key) -> tuple:
    """The decision for one combination of location hits and address key, as _DECIDED."""
    pol, cat, lang = assigner.policy, assigner.catalog, assigner.lang
    a = pol.assign
    r = dict.fromkeys(_DECIDED)
    flags: list[str] = []
    order = list(a.location_order)
    if provincial:
        order = [a.provincial_location_field]
        flags.append("provincial_centre")
    found = None
    for f in order:
        hit = hits[f]
        if hit.kind == "county":
            found = (f, hit)
            break
        if hit.kind == "city":
            flags.append(f"{f}_city_level")
        elif hit.kind == "ambiguous":
            flags.append(f"{f}_ambiguous")
        elif hit.kind == "outside":
            flags.append(f"{f}_outside")
    if found is None:
        r["status"] = "review"
        r["flags"] = ";".join(flags)
        key = "provincial_unresolved" if provincial else "no_location"
        r["reason"] = _tx(key, lang, fields="、".join(pol.fields[f].header for f in order))
        return tuple(r.values())
    f, hit = found
    county = cat.units[hit.county]
    r["county_code"], r["county_name"] = county.code, county.name
    r["rule"] = a.rule_names.get(f, f)
    evidence = [f"{_label(f, pol, lang)}：{hit.term}"]
    uh = assigner.unit_in_key(unit_key, county.code)
    if uh.kind == "ambiguous":
        r["status"] = "review"
        r["reason"] = _tx("ambiguous_unit", lang, units="、".join(f"{cat.units[c].name}" for c in uh.candidates))
        flags.append("ambiguous_unit")
        r["flags"] = ";".join(flags)
        r["evidence"] = "；".join(evidence)
        return tuple(r.values())
    if uh.kind == "unit":
        unit = cat.units[uh.unit]
        evidence.append(f"{_label(a.unit_field, pol, lang)}：{uh.term}")
    else:
        unit = county
        flag = "resides_elsewhere" if uh.kind == "elsewhere" else "unit_unresolved"
        flags.append(flag)
        r["reason"] = _tx(flag, lang)
    r["status"] = "assigned"
    r["unit_code"], r["unit_name"], r["unit_level"] = unit.code, unit.name, unit.level
    r["office_address"] = unit.office_address or county.office_address
    r["contact_person"] = unit.contact_person or county.contact_person
    r["contact_phone"] = unit.contact_phone or county.contact_phone
    r["evidence"] = "；".join(evidence)
    r["flags"] = ";".join(flags)
    return tuple(r.values())


def _assigned_frame(frame: pd.DataFrame, out: dict[str, np.ndarray]) -> pd.DataFrame:
    base = frame.rename(columns={"_file": "file", "_row": "row"})
    for col in ("status", "county_code", "county_name", "unit_code", "unit_name", "unit_level", "rule", "evidence",
                "reason", "flags", "party_org", "findings", "office_address", "contact_person", "contact_phone"):
        base[col] = pd.Series(out[col], index=frame.index, dtype=object)
    # the rest of ``base`` is objects already (check_chunk's as_objects)
    base["file_transfer"] = pd.Series(np.where(base["status"] == "assigned", frame["file_transfer"].to_numpy(bool), False)
                                      .astype(object), index=base.index, dtype=object)
    return base


def _county_hits(assigner: Assigner, keys: np.ndarray) -> tuple[np.ndarray, list[CountyHit]]:
    """(code per row, hit per code) of a column of keys (Catalog.keys): each distinct key
    resolved once; a blank's code is -1, which picks the last hit (empty)."""
    codes, uniques = pd.factorize(keys)
    return codes, [assigner.county_of_key(k) for k in uniques] + [CountyHit("empty")]


def _label(f: str, pol: Policy, lang: str) -> str:
    return f if lang == "en" else pol.fields[f].header


@dataclass
class AssignResult:
    files: list[FileReport] = field(default_factory=list)
    by_status: Counter = field(default_factory=Counter)
    by_county: Counter = field(default_factory=Counter)
    by_unit: Counter = field(default_factory=Counter)

    def add(self, out: pd.DataFrame) -> None:
        self.by_status.update(out["status"].tolist())
        assigned = out[out["status"] == "assigned"]
        self.by_county.update(assigned["county_code"].tolist())
        self.by_unit.update(assigned["unit_code"].tolist())

    def summary(self) -> dict:
        from retiree_tools.assign.contract import STATUSES

        return {
            "by_status": {s: self.by_status.get(s, 0) for s in STATUSES},
            "by_county": dict(sorted(self.by_county.items())),
            "by_unit": dict(sorted(self.by_unit.items())),
        }

    def all_settled(self) -> bool:
        return self.by_status.get("review", 0) == 0 and self.by_status.get("rejected", 0) == 0


def iter_assigned(paths: Iterable[str | Path], catalog: Catalog, policy: Policy, opts: Options | None = None,
                  result: AssignResult | None = None, objects: bool = True) -> Iterator[pd.DataFrame]:
    """Validate and assign chunk by chunk; yield assigned-file frames in input order.
    ``objects=False`` leaves the text columns validate did not change Arrow-backed (missing
    is ``pd.NA`` there, not None): cheaper when the frames only go to an AssignedWriter."""
    opts = opts or Options()
    assigner = Assigner(catalog, policy, opts.lang)
    result = result if result is not None else AssignResult()
    done: dict[int, int] = {}  # id(report) → findings already consumed
    for report, frame in iter_people(paths, policy, opts, on_file=result.files.append, objects=objects):
        start = done.get(id(report), 0)
        new = report.findings[start:]
        done[id(report)] = len(report.findings)
        errs: dict[int, list[str]] = {}
        for f in new:
            if f.row is not None and f.severity == "error":
                errs.setdefault(f.row, []).append(f.code)
        out = assign_frame(assigner, frame, errs)
        result.add(out)
        yield out


def person_json(out: pd.DataFrame) -> list[dict]:
    """The JSON `people` entries of an assigned frame."""
    cols = ["file", "row", "id_number", "name", "status", "county_code", "unit_code", "rule", "evidence", "reason", "flags", "file_transfer", "party_org"]
    recs = []
    for r in out[cols].itertuples(index=False):
        d = dict(zip(cols, r, strict=True))
        d["row"] = int(d["row"])
        d["flags"] = [x for x in (d["flags"] or "").split(";") if x]
        d["file_transfer"] = bool(d["file_transfer"])
        recs.append({k: (None if v is pd.NA or isinstance(v, float) and v != v else v) for k, v in d.items()})
    return recs
