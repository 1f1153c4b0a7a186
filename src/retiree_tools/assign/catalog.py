"""The receiving-jurisdiction catalogue: loading, validating, and matching addresses against it.

Addresses are matched against the catalogue's own names and keywords (no national address
parser: offline parsers are heavy and wrong on ambiguous names) with one Aho-Corasick
automaton, so each text is scanned once whatever the number of units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from retiree_tools.domain.text import clean_value
from retiree_tools.findings.errors import InputError
from retiree_tools.io.tables import alias_match, read_text_rows, scan_header
from retiree_tools.texts import Msg, msg

EMITS = ("catalog-invalid",)
LEVELS = ("city", "county", "street", "township", "community")
_LEVEL_ALIASES = {
    "city": "city", "市": "city", "地级市": "city", "城市": "city",
    "county": "county", "区县": "county", "县": "county", "区": "county", "县级市": "county", "市辖区": "county", "县区": "county", "县级": "county",
    "street": "street", "街道": "street", "街道办事处": "street",
    "township": "township", "乡镇": "township", "镇": "township", "乡": "township",
    "community": "community", "社区": "community", "村": "community", "居委会": "community", "村委会": "community",
}


def level_of(word: object) -> str | None:
    """The catalogue level a word names (``county``, ``街道``, ``县级``, …) or None."""
    w = str(word or "").strip()
    return _LEVEL_ALIASES.get(w.lower(), _LEVEL_ALIASES.get(w))


_COLUMN_ALIASES = {
    "code": ["code", "代码", "编码", "区划代码", "单位代码", "统计用区划代码"],
    "name": ["name", "名称", "单位名称", "接收单位", "区划名称"],
    "level": ["level", "层级", "级别", "类型"],
    "parent_code": ["parent_code", "parent", "上级代码", "上级编码", "上级区划代码"],
    "keywords": ["keywords", "关键词", "别名", "关键字", "识别词"],
    "office_address": ["office_address", "办公地址", "地址", "服务地址"],
    "contact_person": ["contact_person", "联系人"],
    "contact_phone": ["contact_phone", "联系电话", "电话"],
}
# specificity of a unit level inside a county: a community beats its street or township
HEADER_SCAN_ROWS = 20
SPECIFICITY = {"county": 0, "street": 1, "township": 1, "community": 2}


@dataclass
class Unit:
    code: str
    name: str
    level: str
    parent_code: str | None
    keywords: list[str] = field(default_factory=list)
    office_address: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    county: str | None = None  # code of the county-level ancestor (itself for a county)


@dataclass
class Catalog:
    units: dict[str, Unit]
    path: str = ""
    _automaton: object = None
    _matches: dict = field(default_factory=dict)
    _digit_free: bool = False

    @property
    def counties(self) -> dict[str, Unit]:
        return {c: u for c, u in self.units.items() if u.level == "county"}

    def automaton(self):
        """One Aho-Corasick automaton over every name and keyword; each term carries what it
        says about counties, worked out once: see :class:`Term`."""
        if self._automaton is None:
            import ahocorasick

            terms: dict[str, set[str]] = {}
            for u in self.units.values():
                for t in {u.name, *u.keywords}:
                    t = _norm(t)
                    if len(t) >= 2:
                        terms.setdefault(t, set()).add(u.code)
            auto = ahocorasick.Automaton()
            self._digit_free = not any(_DIGITS.search(t) or "#" in t for t in terms)
            for t, codes in terms.items():
                auto.add_word(t, self._term(t, codes))
            if terms:
                auto.make_automaton()
            self._automaton = auto
        return self._automaton

    def _term(self, text: str, codes: set[str]) -> Term:
        units = self.units
        county_level = {units[c].county for c in codes if units[c].level == "county"}
        via = tuple(sorted({units[c].county for c in codes if units[c].level != "county" and units[c].county}))
        below: dict[str, list[tuple[int, str]]] = {}
        for c in sorted(codes):
            u = units[c]
            if u.county and u.level in ("street", "township", "community"):
                below.setdefault(u.county, []).append((SPECIFICITY[u.level], c))
        return Term(text, tuple(sorted(codes)), next(iter(county_level)) if len(county_level) == 1 else None,
                    bool(county_level), all(units[c].level == "city" for c in codes), via,
                    {k: tuple(v) for k, v in below.items()})

    def key(self, text: str) -> str:
        """The cache key of an address: digit runs folded to ``#`` when no catalogue term holds
        a digit (house numbers then do not matter, and 100k addresses share a few thousand
        keys); matching the key finds exactly the terms matching the text, in the same order."""
        self.automaton()
        return _DIGITS.sub("#", text) if self._digit_free else text

    def keys(self, values):
        """:meth:`key` of every text of a column (an Arrow string array or a sequence; blanks
        come back as None), by Arrow in one pass."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        self.automaton()
        if isinstance(values, pa.Array):  # an Arrow text column: stays in Arrow
            if not self._digit_free:
                return values.to_numpy(zero_copy_only=False)
            arr = values
        else:
            values = np.asarray(values, dtype=object)
            if not self._digit_free:
                return values
            try:
                arr = pa.array(values, type=pa.string(), from_pandas=True)
            except (pa.ArrowTypeError, pa.ArrowInvalid):
                return np.array([self.key(v) if isinstance(v, str) else v for v in values], dtype=object)
        # \p{Nd} is Python's \d; nulls come back as None
        return pc.replace_substring_regex(arr, r"\p{Nd}+", "#").to_numpy(zero_copy_only=False)

    def matches(self, text: str, is_key: bool = False) -> list[tuple[int, Term]]:
        """Leftmost-longest matches of catalogue terms in ``text`` as (start, term): a match
        inside a longer one is not reported (``广陵区`` hides ``广陵``). Cached per key."""
        key = text if is_key else self.key(text)  # is_key: ``text`` is already what key() gives
        hit = self._matches.get(key)
        if hit is None:
            if len(self._matches) > 500_000:  # bound the cache on huge inputs
                self._matches.clear()
            hit = self._matches[key] = self._find(key)
        return hit

    def _find(self, text: str) -> list[tuple[int, Term]]:
        t = _norm(text)
        auto = self.automaton()
        if not t or len(auto) == 0:
            return []
        return [(end - len(term.text) + 1, term) for end, term in auto.iter_long(t)]


class Term(NamedTuple):
    """A catalogue name or keyword and what it tells: the units it names, the one county it
    names directly (``county``; None when it names no county or several), whether it names
    county-level units at all, whether it names only the city, and the counties of the
    street/township/community units it names (``via``), and those units by county."""

    text: str
    codes: tuple[str, ...]
    county: str | None
    names_county: bool
    city_only: bool
    via: tuple[str, ...]
    units_in: dict[str, tuple[tuple[int, str], ...]]  # county → (specificity, code) of its units named


_WIDE = re.compile("[\uff01-\uff5e\u3000]")
_DIGITS = re.compile(r"\d+")


def _norm(text: str) -> str:
    """Texts from validate are already folded; fold again only when they need it (cheap test)."""
    if not _WIDE.search(text):
        return text.replace(" ", "")
    return clean_value(text).replace(" ", "")


MAX_CATALOG_BYTES = 256 * 1024**2  # a whole province's communities fit in a tenth of this
MAX_UNITS = 200_000  # rows of units
MAX_KEYWORDS = 200  # keywords of one unit
MIN_KEYWORD_CHARS, MAX_KEYWORD_CHARS = 2, 50


def load_catalog(path: str | Path, lang: str = "zh") -> Catalog:
    """Read and validate a catalogue (csv/xlsx/xls/ods). Any problem → InputError
    ``catalog-invalid`` (exit 2) listing the first problems with their rows (shown in the
    language of whoever shows the error; ``lang`` is kept for callers)."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0  # read_text_rows says what is wrong with it
    if size > MAX_CATALOG_BYTES:
        raise InputError("catalog-invalid", str(path), reason="error.catalog_too_large",
                         mib=size // 1024**2, limit=MAX_CATALOG_BYTES // 1024**2)
    first_row, rows = read_text_rows(path)
    if len(rows) > MAX_UNITS + HEADER_SCAN_ROWS:
        raise InputError("catalog-invalid", str(path), reason="error.catalog_units", n=len(rows), limit=MAX_UNITS)
    problems: list[Msg] = []
    found = scan_header(rows, alias_match(_COLUMN_ALIASES), lambda f: {"code", "name"} <= f, limit=HEADER_SCAN_ROWS)
    if found is None:
        raise InputError("catalog-invalid", str(path), reason="error.catalog_no_header")
    header_at, colmap = found.index, found.columns
    for need in ("level", "parent_code"):
        if need not in colmap:
            problems.append(msg("error.catalog_missing_column", column=need))
    units: dict[str, Unit] = {}
    for i, row in enumerate(rows[header_at + 1:], start=first_row + header_at + 1):
        def get(key: str, row=row) -> str:
            j = colmap.get(key)
            v = row[j] if j is not None and j < len(row) else None
            return clean_value(v) if v else ""

        code, name = get("code").replace(" ", ""), get("name")
        if not any(get(k) for k in colmap):
            continue
        if code.endswith(".0") and code[:-2].isdigit():
            code = code[:-2]
        if not code:
            problems.append(msg("error.catalog_empty_code", row=i))
            continue
        if not name:
            problems.append(msg("error.catalog_empty_name", row=i))
        level = level_of(get("level"))
        if level is None:
            problems.append(msg("error.catalog_bad_level", row=i, level=get("level")))
            level = "community"
        if code in units:
            problems.append(msg("error.catalog_duplicate_code", row=i, code=code))
            continue
        parent = get("parent_code").replace(" ", "") or None
        if parent and parent.endswith(".0") and parent[:-2].isdigit():
            parent = parent[:-2]
        kws = [k for k in (x.strip() for x in get("keywords").replace("；", ";").replace("，", ";").replace(",", ";").split(";")) if k]
        if len(kws) > MAX_KEYWORDS:
            problems.append(msg("error.catalog_keywords", row=i, n=len(kws), limit=MAX_KEYWORDS))
            kws = kws[:MAX_KEYWORDS]
        bad = [k for k in kws if len(k) < MIN_KEYWORD_CHARS or len(k) > MAX_KEYWORD_CHARS]
        if bad:  # one character matches nearly every address; a paragraph is no keyword
            problems.append(msg("error.catalog_keyword_length", row=i, keyword=bad[0][:20],
                                low=MIN_KEYWORD_CHARS, high=MAX_KEYWORD_CHARS))
        units[code] = Unit(code, name, level, parent, kws, get("office_address"), get("contact_person"), get("contact_phone"))
    for u in units.values():
        if u.parent_code and u.parent_code not in units:
            problems.append(msg("error.catalog_unknown_parent", code=u.code, name=u.name, parent=u.parent_code))
    for u in units.values():
        seen = {u.code}
        p = u.parent_code
        while p and p in units:
            if p in seen:
                problems.append(msg("error.catalog_cycle", code=u.code, name=u.name))
                break
            seen.add(p)
            p = units[p].parent_code
    if not problems:
        for u in units.values():
            u.county = _county_of(units, u)
            if u.level in ("street", "township", "community") and u.county is None:
                problems.append(msg("error.catalog_no_county", code=u.code, name=u.name))
    if not units:
        problems.append(msg("error.catalog_empty"))
    elif not any(u.level == "county" for u in units.values()):
        problems.append(msg("error.catalog_no_counties"))
    if problems:
        raise InputError("catalog-invalid", str(path), problems=problems)
    return Catalog(units, str(path))


def _county_of(units: dict[str, Unit], u: Unit) -> str | None:
    node: Unit | None = u
    while node is not None:
        if node.level == "county":
            return node.code
        node = units.get(node.parent_code) if node.parent_code else None
    return None
