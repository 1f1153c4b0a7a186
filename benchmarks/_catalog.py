"""The benchmark catalogue: the real Yangzhou catalogue of samples/ plus synthetic communities.

Every street and township gets communities up to ``per_street`` (default 11, giving 1,015 units).
A synthetic community is ``<stem>社区`` (stem = two characters from fixed pools, e.g. 春晖社区)
with one unique keyword, its estate ``<stem><suffix>`` (春晖花园); its code is the street's
9-digit code + ``8xx`` — real community codes use 001-399 and the samples' derived ones 9xx, so
an 8xx code is never official and never collides.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
if str(SAMPLES) not in sys.path:
    sys.path.insert(0, str(SAMPLES))

# the sample generator's pieces, re-exported for the other benchmark modules
from _gen_catalog import (  # noqa: E402
    AMBIGUOUS_KEYWORD,
    CITY_LEVEL_MEDICAL,
    OUTSIDE_ADDRESSES,
    Unit,
    build_units,
    catalog_rows,
    check_keywords,
)
from _gen_common import make_uscc  # noqa: E402
from _gen_people import BANK_PREFIXES, DEFUNCT_AREA, OTHER_JIANGSU, PARTY_FORMS  # noqa: E402
from _gen_write import A_COLUMNS  # noqa: E402

__all__ = ["A_COLUMNS", "AMBIGUOUS_KEYWORD", "BANK_PREFIXES", "CITY_LEVEL_MEDICAL", "DEFUNCT_AREA", "OTHER_JIANGSU",
           "OUTSIDE_ADDRESSES", "PARTY_FORMS", "Stem", "Unit", "address_stems", "build_catalog", "check_stems",
           "make_uscc", "write_catalog"]

STEM_FIRST = "春明和平安康福兴华新丰盛祥瑞嘉锦翠金玉清光荣怡宁静德仁景晨曦星云霞虹松柏桂兰梅荷竹枫杏桃菊芳馨秀雅佳润鑫永长乐友爱育振"
STEM_SECOND = "园苑庭林湖塘湾亭坊岸城居里滨溪畔府村庄洲源河台阁泉峰"
ESTATES = ["花园", "新村", "小区", "家园", "公寓", "雅苑"]
CATALOG_HEADER = ["code", "name", "level", "parent_code", "keywords", "office_address",
                  "contact_person", "contact_phone"]


@dataclass
class Stem:
    """An address without its house number: text, county, expected unit, suffix kind."""

    text: str
    county: str
    unit: str  # code of the unit the address must resolve to
    kind: int  # 0 = …幢…室, 1 = …组…号, 2 = …号
    term: str  # the catalogue term that decides the unit (assign's evidence)


def build_catalog(per_street: int = 11, seed: int = 20261123) -> list[Unit]:
    """The sample units plus synthetic communities; names and keywords checked for collisions."""
    rng = random.Random(seed)
    units = build_units()
    terms = {t for u in units for t in (u.name, *u.keywords) if len(t) >= 2}
    stems = [a + b for a in STEM_FIRST for b in STEM_SECOND]
    rng.shuffle(stems)
    pool = iter(stems)
    added: list[Unit] = []
    for street in [u for u in units if u.level in ("street", "township")]:
        for seq in range(801, 801 + max(0, per_street - len(street.children))):
            while True:
                stem = next(pool)
                name, kw = f"{stem}社区", stem + rng.choice(ESTATES)
                if not any(t in name or t in kw or stem in t for t in terms):
                    break
            terms.update({name, kw})
            comm = Unit(f"{street.code[:9]}{seq}", name, "community", street.code, [kw], street.county)
            street.children.append(comm)
            added.append(comm)
    # keep the catalogue order: each street followed by its communities
    out: list[Unit] = []
    for u in units:
        if u.level == "community":
            continue
        out.append(u)
        out.extend(u.children if u.level in ("street", "township") else [])
    check_keywords(out)
    return out


def write_catalog(path: Path, units: list[Unit], fake, seed: int = 20261123) -> list[list[str]]:
    """Write the catalogue as samples/catalog.csv is written (UTF-8 with BOM); return its rows."""
    import csv

    rows = catalog_rows(units, fake, random.Random(seed))
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(CATALOG_HEADER)
        w.writerows(rows)
    return rows


def address_stems(units: list[Unit]) -> list[Stem]:
    """Every way the generator writes a place inside a county, without prefix or number."""
    stems: list[Stem] = []
    for street in (u for u in units if u.level in ("street", "township")):
        c = street.county
        stems.append(Stem(street.name, c, street.code, 0 if street.level == "street" else 1, street.name))
        for road in (r for r in street.roads if r != AMBIGUOUS_KEYWORD):
            term = road if len(road) > len(street.name) else street.name
            stems.append(Stem(f"{street.name}{road}", c, street.code, 2, term))
        for comm in street.children:
            stems.append(Stem(f"{street.name}{comm.name}", c, comm.code, 0, comm.name))
            for kw in comm.keywords:
                if not kw.endswith(("路", "街", "寺", "观", "亭", "池", "门")):
                    stems.append(Stem(f"{street.name}{kw}", c, comm.code, 0, kw))
    return stems


def check_stems(units: list[Unit], stems: list[Stem], prefixes: dict[str, list[str]]) -> None:
    """Each stem, with each county prefix, names its county, its unit, and no other unit of
    that county (longest match wins, as in the catalogue matcher)."""
    import ahocorasick

    auto = ahocorasick.Automaton()
    owners: dict[str, set[str]] = {}
    for u in units:
        for t in (u.name, *u.keywords):
            if len(t) >= 2:
                owners.setdefault(t, set()).add(u.code)
    for t in owners:
        auto.add_word(t, t)
    auto.make_automaton()
    by_code = {u.code: u for u in units}
    for s in stems:
        for prefix in prefixes[s.county]:
            text = prefix + s.text + "1号"
            hits = [(e - len(t) + 1, e + 1, t) for e, t in auto.iter(text)]
            kept = {c for a, b, t in hits
                    if not any(a2 <= a and b <= b2 and b2 - a2 > b - a for a2, b2, _ in hits)
                    for c in owners[t]}
            same_county = {c for c in kept if by_code[c].county == s.county and by_code[c].level != "county"}
            assert s.county in kept or s.unit in kept, text
            assert s.unit in kept, (text, kept)
            parent = by_code[s.unit].parent
            assert same_county <= {s.unit, parent}, (text, same_county)
