"""The decisions of assign: which county a location names, which unit an address names inside
it, and the decision for one combination of them by the policy's order of rules
(``[assign] location_order``: 医保关系所在地 → 户籍所在地 → 长期居住地, the Yangzhou plan; the
provincial centre's people by their medical-insurance location; the unit by residence, the
Lufeng measures 第五条), saying which rule and which input decided."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retiree_tools.assign.catalog import Catalog, _norm
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
    near: bool = False  # ambiguous: the address is given by a corner or a nearby place


class Assigner:
    """Decides county and unit for texts; every distinct text is resolved once (cached)."""

    def __init__(self, catalog: Catalog, policy: Policy, lang: str = "zh"):
        self.catalog, self.policy, self.lang = catalog, policy, lang
        self._county_cache: dict[str, CountyHit] = {}
        self._unit_cache: dict[tuple[str, str], UnitHit] = {}
        self._lines: dict[str, frozenset[str]] = {}
        self._city_words = [w for w in policy.assign.city_level_words if w]
        # the policy's words by which an address gives a corner or a nearby place ([assign] near_words)
        words = sorted({w for w in policy.assign.near_words if w}, key=len, reverse=True)
        self._near_re = re.compile("|".join(map(re.escape, words))) if words else None

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
        matches = self.catalog.matches(text, is_key=True)
        # the places of the text that name units of this county: (term, ((specificity, code), …))
        places = [(term, units) for _start, term in matches if (units := term.units_in.get(county))]
        if not places:
            if where.kind == "outside" and _ELSEWHERE_HINT.search(text):
                return UnitHit("elsewhere")
            return UnitHit("county_only")
        spec = {c: s for _term, units in places for s, c in units}
        if len(spec) == 1:  # one unit, however often it is named: the usual address
            return UnitHit("unit", next(iter(spec)), max((t.text for t, _u in places), key=len))
        return self._resolve(text, matches, places, spec)

    def _resolve(self, text: str, matches, places, spec: dict[str, int]) -> UnitHit:
        """The unit of an address whose places name several units: they must lie on one line
        of the hierarchy (a community and its own street or township do; two streets, two
        communities, a community and another street do not — rivals, whatever the lengths of
        their names), and the most specific unit of that line wins. A place naming several
        units (a road listed for two streets) keeps those on the others' line. An address
        given by a corner or a nearby place (``[assign] near_words``) does not tell the community
        from its street: two units on its line are rivals too, unless the community is named by
        its own name."""
        line = self._line
        named = [frozenset(c for _s, c in units) for _t, units in places]  # the units of each place
        unit = max(spec, key=spec.__getitem__)
        if line(unit).issuperset(spec):  # the usual case: a community and its own street
            return self._on_line(text, matches, places, named, unit, spec)
        # a unit fits when every place names it or one of its own ancestors
        fits = [c for c in spec if all(not line(c).isdisjoint(n) for n in named)]
        if not fits:  # the places contradict each other: the most specific unit each names
            rivals = sorted(c for c in spec if not any(d != c and c in line(d) for d in spec))
            return UnitHit("ambiguous", candidates=rivals, near=self._near(text, matches))
        if len(fits) > 1:
            best = max(spec[c] for c in fits)
            top = sorted(c for c in fits if spec[c] == best)
            if len(top) > 1:
                return UnitHit("ambiguous", candidates=top, near=self._near(text, matches))
            unit = top[0]
        else:
            unit = fits[0]
        return self._on_line(text, matches, places, named, unit, line(unit).intersection(frozenset().union(*named)))

    def _on_line(self, text: str, matches, places, named, unit: str, on_line) -> UnitHit:
        """``unit`` decides, unless the address is a corner or a nearby place, names other units
        of its line too (``on_line``: the units named that are ``unit`` or its ancestors) and
        names ``unit`` only by a road or keyword, not by its own name (宋都社区)."""
        terms = [t.text for (t, _u), n in zip(places, named, strict=True) if unit in n]
        if len(on_line) > 1 and self.catalog.units[unit].name.replace(" ", "") not in terms and self._near(text, matches):
            return UnitHit("ambiguous", candidates=sorted(on_line), near=True)
        return UnitHit("unit", unit, max(terms, key=len))

    def _line(self, code: str) -> frozenset[str]:
        """A unit and its ancestors below the county (a community, its street)."""
        line = self._lines.get(code)
        if line is None:
            units = self.catalog.units
            chain: list[str] = []
            node = units.get(code)
            while node is not None and node.level != "county" and node.code not in chain:
                chain.append(node.code)
                node = units.get(node.parent_code) if node.parent_code else None
            line = self._lines[code] = frozenset(chain)
        return line

    def _near(self, text: str, matches) -> bool:
        """Whether the address is given by a corner or a nearby place (``[assign] near_words``:
        交叉口, 路口, 附近, 靠近, 旁, 对面 …), outside the catalogue's own names (a 路口社区 is no marker)."""
        if self._near_re is None or self._near_re.search(text) is None:
            return False
        found = [m.span() for m in self._near_re.finditer(_norm(text))]  # where the matches were found
        taken = [(s, s + len(t.text)) for s, t in matches]
        return any(not any(ts <= a and b <= te for ts, te in taken) for a, b in found)


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
        r["reason"] = tr("assign.near_unit" if uh.near else "assign.ambiguous_unit", lang,
                         units="、".join(cat.units[c].name for c in uh.candidates))
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
