"""The decisions of assign: which county a location names, which unit an address names inside
it, and the decision for one combination of them by the policy's order of rules
(``[assign] location_order``: 医保关系所在地 → 户籍所在地 → 长期居住地, the Yangzhou plan; the
provincial centre's people by their medical-insurance location; the unit by residence, the
Lufeng measures 第五条), saying which rule and which input decided."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retiree_tools.assign.catalog import Catalog
from retiree_tools.assign.contract import DECISION_KEYS
from retiree_tools.policy.model import Policy
from retiree_tools.texts import tr

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


def decide(assigner: Assigner, provincial: bool, hits: dict[str, CountyHit], unit_key) -> tuple:
    """The decision for one combination of location hits and address key, as DECISION_KEYS."""
    pol, cat, lang = assigner.policy, assigner.catalog, assigner.lang
    a = pol.assign
    r = dict.fromkeys(DECISION_KEYS)
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
        r["reason"] = tr(f"assign.{key}", lang, fields="、".join(pol.fields[f].header for f in order))
        return tuple(r.values())
    f, hit = found
    county = cat.units[hit.county]
    r["county_code"], r["county_name"] = county.code, county.name
    r["rule"] = a.rule_names.get(f, f)
    evidence = [tr("assign.evidence", lang, field=_label(f, pol, lang), term=hit.term)]
    uh = assigner.unit_in_key(unit_key, county.code)
    if uh.kind == "ambiguous":
        r["status"] = "review"
        r["reason"] = tr("assign.ambiguous_unit", lang, units="、".join(f"{cat.units[c].name}" for c in uh.candidates))
        flags.append("ambiguous_unit")
        r["flags"] = ";".join(flags)
        r["evidence"] = "；".join(evidence)
        return tuple(r.values())
    if uh.kind == "unit":
        unit = cat.units[uh.unit]
        evidence.append(tr("assign.evidence", lang, field=_label(a.unit_field, pol, lang), term=uh.term))
    else:
        unit = county
        flag = "resides_elsewhere" if uh.kind == "elsewhere" else "unit_unresolved"
        flags.append(flag)
        r["reason"] = tr(f"assign.{flag}", lang)
    r["status"] = "assigned"
    r["unit_code"], r["unit_name"], r["unit_level"] = unit.code, unit.name, unit.level
    r["office_address"] = unit.office_address or county.office_address
    r["contact_person"] = unit.contact_person or county.contact_person
    r["contact_phone"] = unit.contact_phone or county.contact_phone
    r["evidence"] = "；".join(evidence)
    r["flags"] = ";".join(flags)
    return tuple(r.values())


def county_hits(assigner: Assigner, keys) -> tuple:
    """(code per row, hit per code) of a column of keys (Catalog.keys): each distinct key
    resolved once; a blank's code is -1, which picks the last hit (empty)."""
    import pandas as pd

    codes, uniques = pd.factorize(keys)
    return codes, [assigner.county_of_key(k) for k in uniques] + [CountyHit("empty")]


def _label(f: str, pol: Policy, lang: str) -> str:
    return f if lang == "en" else pol.fields[f].header
