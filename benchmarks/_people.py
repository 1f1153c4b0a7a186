"""Vectorised synthetic retirees for the benchmarks: numpy draws from precomputed pools.

No Faker call per row: surnames and given names come from Faker's zh_CN lists (with its
surname weights) and are combined with numpy; IDs, bank accounts and their check characters
are computed over digit matrices. Values follow the sample generator's rules (samples/_gen_*):
IDs agree with birth date and gender, retirement is the statutory month, addresses are built
from the catalogue so that each names its county and its street/community.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._catalog import (
    AMBIGUOUS_KEYWORD,
    BANK_PREFIXES,
    CITY_LEVEL_MEDICAL,
    DEFUNCT_AREA,
    OTHER_JIANGSU,
    OUTSIDE_ADDRESSES,
    PARTY_FORMS,
    Stem,
)

COUNTY_WEIGHTS = {"321002": 30, "321003": 27, "321012": 15, "321023": 9, "321081": 9, "321084": 10}
LATEST_RETIRE = 2026 * 12 + 9 - 1  # month index of 2026-09 (y*12 + m - 1)
EARLIEST_RETIRE = 1985 * 12
DOC_FIELDS = ["doc_registration", "doc_agreement", "doc_id_copy", "doc_transfer_agreement",
              "doc_file", "doc_passbook"]
MOBILE_PREFIXES = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158",
                   "159", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180",
                   "189", "177", "187", "188", "198"]
NOT_HANDED = ("内部退养人员", "供养遗属")
HANDED = ("企业退休人员", "企业管理的事业单位退休人员", "国企新办理退休人员", "县级以上党委管理的企业退休领导干部")
_ID_W = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"))


@dataclass
class People:
    """Clean values per field (numpy arrays, one element per person) and what assign should do."""

    n: int
    v: dict[str, np.ndarray] = field(default_factory=dict)
    # birth (y, m, d), work/retire month indexes (y*12+m-1)
    by: np.ndarray = None
    bm: np.ndarray = None
    bd: np.ndarray = None
    work: np.ndarray = None
    retire: np.ndarray = None
    male: np.ndarray = None
    county: np.ndarray = None  # expected county code
    unit: np.ndarray = None  # expected unit code ("" = county only)
    place: np.ndarray = None  # plain | med_city | med_empty | outside_res | provincial | ambiguous
    term: np.ndarray = None  # catalogue term of the residence that decides the unit


def digits_to_str(mat: np.ndarray) -> np.ndarray:
    """(n, k) matrix of digits 0-9 → array of k-character strings."""
    k = mat.shape[1]
    return np.ascontiguousarray((mat + 48).astype(np.uint8)).view(f"S{k}").ravel().astype(f"U{k}")


def str_to_digits(values: np.ndarray, k: int) -> np.ndarray:
    return np.frombuffer(np.asarray(values, dtype=f"<U{k}").tobytes(), dtype=np.uint32).reshape(-1, k).astype(np.int64) - 48


_DIGITS = np.array([str(i) for i in range(10_000)])


def text(a) -> np.ndarray:
    """An array as numpy text: small non-negative integers through a lookup table (numpy's
    int→str cast is ~5× slower), other arrays by ``astype(str)``."""
    a = np.asarray(a)
    if a.dtype.kind in "iu" and a.size and 0 <= a.min() and a.max() < len(_DIGITS):
        return _DIGITS[a]
    return a if a.dtype.kind == "U" else a.astype(str)


def cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays (text or integers) and scalars."""
    out = None
    for part in parts:
        piece = part if isinstance(part, str) else text(part)
        out = (np.asarray(piece) if out is None and not isinstance(piece, str) else
               np.array(piece) if out is None else np.strings.add(out, piece))
    return out


def statutory_retire(by, bm, male, cadre) -> np.ndarray:
    """Month index of the statutory retirement (men 60, women cadres 55, women workers 50, plus
    the 2025 delay), as samples/_gen_common.statutory_retirement, vectorised."""
    orig = np.where(male, 60, np.where(cadre, 55, 50))
    first = np.where(male, 1965 * 12 + 1, np.where(cadre, 1970 * 12 + 1, 1975 * 12 + 1))
    step = np.where(male | cadre, 4, 2)
    cap = np.where(male | cadre, 36, 60)
    k = by * 12 + bm - first
    delay = np.where(k < 0, 0, np.minimum(k // step + 1, cap))
    return by * 12 + bm - 1 + orig * 12 + delay


def names(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    from faker.providers.person.zh_CN import Provider as P

    last = np.array(list(P.last_names))
    w = np.array(list(P.last_names.values()), dtype=float)
    m_given = np.array([g for g in P.first_names_male if g not in ("红霞", "想")])
    f_given = np.array(P.first_names_female)
    n = len(male)
    sur = last[rng.choice(len(last), n, p=w / w.sum())]
    given = np.where(male, m_given[rng.integers(0, len(m_given), n)], f_given[rng.integers(0, len(f_given), n)])
    return np.char.add(sur, given)


def mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    pre = np.array(MOBILE_PREFIXES)[rng.integers(0, len(MOBILE_PREFIXES), n)]
    return np.char.add(pre, digits_to_str(rng.integers(0, 10, (n, 8))))


def accounts(rng: np.random.Generator, n: int) -> np.ndarray:
    """19-digit Luhn-valid bank accounts (6-digit bank prefix, 12 random digits, check)."""
    pre = str_to_digits(np.array(BANK_PREFIXES)[rng.integers(0, len(BANK_PREFIXES), n)], 6)
    body = np.concatenate([pre, rng.integers(0, 10, (n, 12))], axis=1)
    d = body[:, ::-1].copy()
    d[:, 0::2] *= 2
    d[d > 9] -= 9
    check = (10 - d.sum(axis=1) % 10) % 10
    return digits_to_str(np.concatenate([body, check[:, None]], axis=1))


def id_numbers(rng: np.random.Generator, area: np.ndarray, by, bm, bd, male) -> np.ndarray:
    n = len(area)
    ymd = np.stack([by // 1000, by // 100 % 10, by // 10 % 10, by % 10, bm // 10, bm % 10, bd // 10, bd % 10], axis=1)
    seq = rng.integers(0, 10, (n, 2))
    sex = rng.integers(0, 5, n) * 2 + male.astype(int)
    body = np.concatenate([str_to_digits(area, 6), ymd, seq, sex[:, None]], axis=1)
    return np.char.add(digits_to_str(body), _ID_CHECK[(body @ _ID_W) % 11])


def addresses(rng: np.random.Generator, stems: list[Stem], county_names: dict[str, str],
              county: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An address inside each person's county: (text, expected unit code, deciding term)."""
    n = len(county)
    order = sorted(range(len(stems)), key=lambda i: stems[i].county)
    s_text = np.array([stems[i].text for i in order])
    s_unit = np.array([stems[i].unit for i in order])
    s_kind = np.array([stems[i].kind for i in order])
    s_county = np.array([stems[i].county for i in order])
    s_term = np.array([stems[i].term for i in order])
    codes = np.array(sorted(county_names))
    start = np.searchsorted(s_county, codes, side="left")
    count = np.searchsorted(s_county, codes, side="right") - start
    ci = np.searchsorted(codes, county)
    pick = start[ci] + (rng.random(n) * count[ci]).astype(int)
    cname = np.array([county_names[c] for c in codes])[ci]
    prefix = np.array(["江苏省扬州市", "扬州市", ""])[rng.choice(3, n, p=[0.5, 0.25, 0.25])]
    b, r = text(rng.integers(1, 41, n)), text(rng.integers(101, 603, n))
    g, h = text(rng.integers(1, 21, n)), text(rng.integers(1, 181, n))
    kind = s_kind[pick]
    suffix = np.where(kind == 0, cat(b, "幢", r, "室"), np.where(kind == 1, cat(g, "组", h, "号"), cat(h, "号")))
    return cat(prefix, cname, s_text[pick], suffix), s_unit[pick], s_term[pick]


def draw(n: int, seed: int, stems: list[Stem], county_names: dict[str, str]) -> People:
    """``n`` clean people (no injected errors yet)."""
    rng = np.random.default_rng(seed)
    p = People(n)
    v = p.v
    male = rng.random(n) < 0.55
    cadre = rng.random(n) < 0.3
    by, bm, bd = rng.integers(1940, 1976, n), rng.integers(1, 13, n), rng.integers(1, 29, n)
    retire = statutory_retire(by, bm, male, cadre)
    for _ in range(50):  # redraw birth years until retirement lies in 1985-01 … 2026-09
        bad = (retire > LATEST_RETIRE) | (retire < EARLIEST_RETIRE)
        if not bad.any():
            break
        by[bad] = rng.integers(1940, 1976, bad.sum())
        retire = statutory_retire(by, bm, male, cadre)
    assert not ((retire > LATEST_RETIRE) | (retire < EARLIEST_RETIRE)).any(), "retirement window too narrow"
    p.by, p.bm, p.bd, p.male, p.retire = by, bm, bd, male, retire
    p.work = by * 12 + bm - 1 + rng.integers(18 * 12, 22 * 12 + 1, n)

    codes = np.array(list(COUNTY_WEIGHTS))
    w = np.array(list(COUNTY_WEIGHTS.values()), float)
    county = codes[rng.choice(len(codes), n, p=w / w.sum())]
    r = rng.random(n)
    area = county.copy()
    old = (by < 1962) & (r >= 0.05) & (r < 0.35)
    for c, defunct in DEFUNCT_AREA.items():
        sel = old & (county == c)
        area[sel] = np.array(defunct)[rng.integers(0, len(defunct), sel.sum())]
    area[r < 0.05] = np.array(OTHER_JIANGSU)[rng.integers(0, len(OTHER_JIANGSU), (r < 0.05).sum())]
    ids = id_numbers(rng, area, by, bm, bd, male)
    for _ in range(20):  # real ID numbers are unique: redraw the sequence digits of collisions
        _, first = np.unique(ids, return_index=True)
        again = np.ones(n, bool)
        again[first] = False
        if not again.any():
            break
        ids[again] = id_numbers(rng, area[again], by[again], bm[again], bd[again], male[again])
    assert len(np.unique(ids)) == n, "ID collisions left"
    v["id_number"] = ids
    v["name"] = names(rng, male)
    v["gender"] = np.where(male, "男", "女")

    # categories: mostly 企业退休人员; new retirees since 2025; a few special ones
    cat_ = np.full(n, "企业退休人员", dtype=object)
    r = rng.random(n)
    cat_[r < 0.02] = "企业管理的事业单位退休人员"
    cat_[(r >= 0.02) & (r < 0.022)] = "县级以上党委管理的企业退休领导干部"
    cat_[(r >= 0.022) & (r < 0.025)] = "内部退养人员"
    cat_[(r >= 0.025) & (r < 0.027)] = "供养遗属"
    cat_[(retire >= 2025 * 12) & (r >= 0.027) & (r < 0.7)] = "国企新办理退休人员"
    county_cadre = cat_ == "县级以上党委管理的企业退休领导干部"
    cadre |= county_cadre
    v["post"] = np.where(cadre, "干部", "工人").astype(object)
    alias = (cat_ == "企业退休人员") & (rng.random(n) < 0.05)
    v["category"] = cat_.copy()
    v["category"][alias] = np.array(["退休人员", "企业退休"])[rng.integers(0, 2, alias.sum())]
    post_alias = rng.random(n) < 0.05
    v["post"][post_alias] = np.where(cadre[post_alias], "管理人员", "工勤岗位")
    v["cadre_level"] = np.array(["无", "无", "无", ""], dtype=object)[rng.integers(0, 4, n)]
    v["cadre_level"][county_cadre] = "县级以上党委管理"
    p.v["_category"] = cat_  # canonical category (not written)

    # places
    p.county = county
    v["residence"], p.unit, p.term = addresses(rng, stems, county_names, county)
    other, _, _ = addresses(rng, stems, county_names, county)
    v["household_address"] = np.where(rng.random(n) < 0.7, v["residence"], other)
    cname = np.array([county_names[c] for c in county])
    v["medical_location"] = np.where(rng.random(n) < 0.5, np.char.add("扬州市", cname), cname).astype(object)
    place = np.full(n, "plain", dtype=object)
    r = rng.random(n)
    place[r < 0.01] = "med_city"
    place[(r >= 0.01) & (r < 0.02)] = "med_empty"
    place[(r >= 0.02) & (r < 0.025)] = "outside_res"
    place[(r >= 0.025) & (r < 0.03)] = "provincial"
    place[(r >= 0.03) & (r < 0.032) & (county == "321002")] = "ambiguous"
    sel = place == "med_city"
    v["medical_location"][sel] = np.array(CITY_LEVEL_MEDICAL)[rng.integers(0, 2, sel.sum())]
    v["medical_location"][place == "med_empty"] = ""
    sel = place == "outside_res"
    outside = np.array(OUTSIDE_ADDRESSES)[rng.integers(0, len(OUTSIDE_ADDRESSES), sel.sum())]
    v["residence"] = v["residence"].astype(object)
    v["residence"][sel] = [t.format(n=a, m=b) for t, a, b in zip(outside, rng.integers(1, 300, sel.sum()), rng.integers(1, 40, sel.sum()), strict=True)]
    p.unit = p.unit.astype(object)
    p.unit[sel] = ""
    sel = place == "ambiguous"
    v["residence"][sel] = cat("扬州市广陵区", AMBIGUOUS_KEYWORD, rng.integers(2, 300, sel.sum()), "号")
    p.unit[sel] = None  # review
    sel = np.flatnonzero(place == "provincial")
    shift = codes[(np.searchsorted(codes, county[sel]) + rng.integers(1, len(codes), len(sel))) % len(codes)]
    p.county = county.astype(object)
    p.county[sel] = shift
    v["medical_location"][sel] = [county_names[c] for c in shift]
    p.unit[sel] = ""  # lives in another county than the one deciding: county centre receives
    v["provincial_pension"] = np.where(place == "provincial", "是", "否").astype(object)
    p.place = place

    v["pension"] = np.round(rng.uniform(1800, 6500, n), 2)
    v["bank_account"] = accounts(rng, n)
    phone = mobiles(rng, n).astype(object)
    land = (by < 1950) & (rng.random(n) < 0.4)
    phone[land] = cat("0514-8", digits_to_str(rng.integers(0, 10, (land.sum(), 7))))
    v["phone"] = phone
    rel = np.array(["（配偶）", "（儿子）", "（女儿）", " ", "/"])[rng.integers(0, 5, n)]
    v["family_contact"] = cat(names(rng, rng.random(n) < 0.5), rel, mobiles(rng, n))
    form = rng.integers(0, len(PARTY_FORMS), n)
    yes = np.array([f[0] for f in PARTY_FORMS])[form]
    no = np.array([f[1] for f in PARTY_FORMS])[form]
    v["party_member"] = np.where(rng.random(n) < 0.35, yes, no)
    v["rehired"] = np.where(rng.random(n) < 0.03, "是", "否")
    v["away_half_year"] = np.where(rng.random(n) < 0.03, "是", "否")
    not_handed = np.isin(cat_, NOT_HANDED)
    for f in DOC_FIELDS:
        d = np.array(["√", "√", "有"], dtype=object)[rng.integers(0, 3, n)]
        d[not_handed] = np.array(["无", "", "√"], dtype=object)[rng.integers(0, 3, not_handed.sum())]
        v[f] = d
    v["doc_file"][county_cadre] = "无"
    v["remarks"] = np.where(cat_ == "内部退养人员", "内部退养", np.where(cat_ == "供养遗属", "供养遗属（配偶）", "")).astype(object)
    return p
