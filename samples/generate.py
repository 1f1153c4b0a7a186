"""Write the bundled sample data, byte for byte the same on every run.

    python samples/generate.py [--out samples]

Outputs: catalog.csv, enterprise_a.xlsx (+ .expected.json), enterprise_b.csv (+ .expected.json),
targets.csv, roster.csv. See samples/README.md for what each file holds and why.
"""

from __future__ import annotations

import argparse
import copy
import random
import tomllib
from pathlib import Path

from _gen_catalog import build_units, catalog_rows
from _gen_common import (
    add_months,
    fullwidth,
    id_check,
    legacy_15,
    make_id,
    make_uscc,
    write_csv,
    write_json,
)
from _gen_people import PeopleFactory, Person
from _gen_write import A_COLUMNS, A_FIRST_DATA_ROW, b_row, column_letter, write_enterprise_a
from faker import Faker

SEED = 20261015
POLICY = Path(__file__).resolve().parent.parent / "src" / "retiree_tools" / "policy" / "policy.toml"
ENTERPRISE_A, ENTERPRISE_B = "扬州市红旗机械厂", "扬州市光明纺织厂"
A_SIZE, B_SIZE = 300, 120
A_WEIGHTS = {"321002": 40, "321003": 30, "321012": 10, "321081": 7, "321084": 7, "321023": 6}
B_WEIGHTS = {"321003": 45, "321002": 30, "321012": 9, "321081": 6, "321084": 5, "321023": 5}

# enterprise A: roles that are not errors (special categories, awkward places) and how many
A_ROLES = {"lixiu": 3, "central": 1, "county_cadre": 2, "neitui": 2, "yishu": 1, "shiye": 6,
           "xin": 8, "med_city": 10, "med_empty": 6, "outside_res": 7, "outside_all": 2,
           "cross_county": 4, "ambiguous": 3, "provincial": 4, "provincial_city": 1,
           "not_on_roster": 1}
# injected problems, one row each (id_checksum twice); see inject()
A_INJECTED = ["id_checksum", "id_checksum", "id_bad_date", "id_wrong_length", "id_float",
              "id_legacy15", "id_lower_x", "id_fullwidth", "name_spaces", "birth_mismatch",
              "gender_mismatch", "work_after_retire", "date_unparseable", "retire_future",
              "early_retire", "unknown_category", "pension_abc", "pension_zero", "phone_123",
              "missing_name", "missing_id", "missing_doc", "formula_remarks", "hyperlink_text"]
DUP_SOURCE, DUP_COPY = 11, 271  # 0-based indexes of the duplicated person in workbook A
NOT_HANDED_OVER_REASON = "not handed over by this process (category); reported, not dropped"


def inject(kind: str, fac: PeopleFactory, rng: random.Random) -> tuple[Person, dict]:
    """A person carrying exactly one injected problem, and its expected finding."""
    p = fac.person(**{"work_after_retire": {"years": (1940, 1955)},
                      "id_legacy15": {"years": (1940, 1960)},
                      "retire_future": {"male": True, "years": (1955, 1962)},
                      "early_retire": {"male": True, "post": "工人", "years": (1950, 1962)},
                      }.get(kind, {}))
    p.role = f"inj:{kind}"
    invalid_id = True
    if kind == "id_checksum":
        bad = rng.choice([c for c in "0123456789X" if c != p.id18[-1]])
        p.cells["id_number"] = p.id18[:17] + bad
        e = ("id_number", f"wrong check character (should be {p.id18[-1]})", "id-checksum", "error")
    elif kind == "id_bad_date":
        body = f"{p.id18[:6]}{p.birth.year}13{p.birth.day:02d}{p.id18[14:17]}"
        p.cells["id_number"] = body + id_check(body)
        e = ("id_number", f"impossible birth date {p.birth.year}13{p.birth.day:02d} in the ID "
             "(check character is right)", "id-birthdate", "error")
    elif kind == "id_wrong_length":
        p.cells["id_number"] = p.id18[:10] + p.id18[11:]
        e = ("id_number", "17 characters (one digit dropped)", "id-format", "error")
    elif kind == "id_float":
        p.id18 = make_id(rng, p.id18[:6], p.birth, p.male, want_x=False)
        p.cells["id_number"] = (float(p.id18[:15] + "000"), "General")
        e = ("id_number", "ID stored as the number 3.21…E+17 (last 3 digits lost)",
             "id-precision-lost", "error")
    elif kind == "id_legacy15":
        p.cells["id_number"] = legacy_15(p.id18)
        invalid_id = False
        e = ("id_number", f"legacy 15-digit ID (converts to {p.id18})", "id-legacy", "warning")
    elif kind in ("id_lower_x", "id_fullwidth"):
        if kind == "id_lower_x":
            p.id18 = make_id(rng, p.id18[:6], p.birth, p.male, want_x=True)
        p.roster_id = p.id18
        p.cells["id_number"] = p.id18.lower() if kind == "id_lower_x" else fullwidth(p.id18)
        invalid_id = False
        e = ("id_number", "lower-case x check character (valid after normalisation)"
             if kind == "id_lower_x" else "full-width digits (valid after normalisation)",
             None, "none")
    else:
        invalid_id = kind == "missing_id"
        e = inject_other(kind, p, rng)
    if invalid_id:
        p.roster_id = None
    return p, dict(zip(("field", "problem", "code", "severity"), e, strict=True))


def inject_other(kind: str, p: Person, rng: random.Random) -> tuple:
    if kind == "name_spaces":
        p.cells["name"] = p.name + "  "
        return ("name", "trailing spaces in the name (stripped, not an error)", None, "none")
    if kind == "birth_mismatch":
        p.cells["birth_date"] = (f"{p.birth.year + 1}.{p.birth.month:02d}", "@")
        return ("birth_date", f"出生年月 {p.birth.year + 1}.{p.birth.month:02d} but the ID says "
                f"{p.birth:%Y-%m}", "birthdate-mismatch", "error")
    if kind == "gender_mismatch":
        p.cells["gender"] = "女" if p.male else "男"
        return ("gender", "性别 disagrees with the ID's 17th digit", "gender-mismatch", "error")
    if kind == "work_after_retire":
        p.work = add_months(p.retire, 24)
        return ("work_start", "参加工作时间 is two years after 退休时间", "date-order", "error")
    if kind == "date_unparseable":
        p.cells["work_start"] = (f"{p.work[0]}年13月", "@")
        return ("work_start", f"unparseable date '{p.work[0]}年13月'", "date-invalid", "error")
    if kind == "retire_future":
        p.cells["retire_date"] = ("2030-06-01", "@")
        return ("retire_date", "退休时间 2030-06-01 is in the future", "date-future", "error")
    if kind == "early_retire":
        p.retire = add_months((p.birth.year, p.birth.month), 50 * 12)
        return ("retire_date", "man (工人) retired at 50, statutory 60: early retirement",
                "retirement-age", "warning")
    if kind == "unknown_category":
        p.cells["category"] = "临时工"
        return ("category", "unknown category '临时工'", "invalid-choice", "error")
    if kind == "pension_abc":
        p.cells["pension"] = ("abc", "@")
        return ("pension", "pension 'abc' is not a number", "number-invalid", "error")
    if kind == "pension_zero":
        p.cells["pension"] = (0, "0.00")
        return ("pension", "pension 0 is below the usual range", "number-range", "warning")
    if kind == "phone_123":
        p.cells["phone"] = "123"
        return ("phone", "phone '123'", "phone-invalid", "error")
    if kind == "missing_name":
        p.cells["name"] = ""
        return ("name", "name is empty", "missing-value", "error")
    if kind == "missing_id":
        p.cells["id_number"] = ""
        return ("id_number", "ID number is empty", "missing-value", "error")
    if kind == "missing_doc":
        p.docs["doc_transfer_agreement"] = "无"
        return ("doc_transfer_agreement", "移交协议书 无 for a normal retiree",
                "document-missing", "error")
    if kind == "formula_remarks":
        p.cells["remarks"] = ("=1+1", "General")
        return ("remarks", "a real formula cell (=1+1, no cached value) in 备注; must be read "
                "as data, never evaluated or copied as a formula", None, "unspecified")
    if kind == "hyperlink_text":
        p.cells["family_contact"] = ('=HYPERLINK("https://example.com/","家属电话")', "@")
        return ("family_contact", "text (not a formula) starting with =HYPERLINK(; must be "
                "neutralised when written to any output", None, "none")
    raise ValueError(kind)


def build_a(fac: PeopleFactory, rng: random.Random) -> tuple[list[Person], list[dict]]:
    plan = [r for r, n in A_ROLES.items() for _ in range(n)] + A_INJECTED
    free = [i for i in range(A_SIZE) if i not in (DUP_SOURCE, DUP_COPY)]
    slots = dict(zip(rng.sample(free, len(plan)), plan, strict=True))
    people: list[Person] = []
    expected: list[dict] = []
    for i in range(A_SIZE):
        role = slots.get(i, "plain")
        row = A_FIRST_DATA_ROW + i
        if i == DUP_COPY:
            p = copy.deepcopy(people[DUP_SOURCE])
            p.role, p.on_roster = "inj:id_duplicate", False
            src_row = A_FIRST_DATA_ROW + DUP_SOURCE
            expected.append({"row": src_row, "field": "id_number", "problem": "duplicate ID "
                             "(first occurrence of a person entered twice)",
                             "code": "id-duplicate", "severity": "error", "other_row": row})
            expected.append({"row": row, "field": "id_number", "problem": "duplicate ID "
                             "(the same person entered again)", "code": "id-duplicate",
                             "severity": "error", "other_row": src_row})
        elif role in A_INJECTED:
            p, e = inject(role, fac, rng)
            expected.append({"row": row, **e})
        else:
            p = special(role, fac)
            expected += [{"row": row, **e} for e in role_expectations(p)]
        people.append(p)
    return people, expected


def special(role: str, fac: PeopleFactory) -> Person:
    if role in ("lixiu", "central", "county_cadre"):
        years = {"lixiu": (1940, 1975), "central": (1946, 1956), "county_cadre": (1950, 1962)}
        p = fac.person(post="干部", male=True if role == "central" else None, years=years[role])
        fac.apply_role(p, role)
    elif role == "xin":
        p = fac.person("国企新办理退休人员", retire_from=(2025, 1))
        p.role = role
    elif role in ("neitui", "yishu", "shiye"):
        p = fac.person()
        fac.apply_role(p, role)
    else:
        p = fac.person()
        if role == "not_on_roster":
            p.role, p.on_roster = role, False
        elif role != "plain":
            fac.apply_place(p, role)
    return p


def role_expectations(p: Person) -> list[dict]:
    if not p.handed_over and p.category in ("离休人员", "中央管理的领导干部", "内部退养人员", "供养遗属"):
        return [{"field": "category", "problem": f"{p.category}: {NOT_HANDED_OVER_REASON}",
                 "code": "not-transferable", "severity": "info"}]
    if p.role == "county_cadre":
        return [{"field": "doc_file", "problem": "人事档案 无 for a 县级以上党委管理 cadre: allowed, "
                 "the file is not transferred (not an error)", "code": None, "severity": "none"}]
    if p.role in ("med_empty", "outside_all"):
        return [{"field": "medical_location", "problem": "医保关系所在地 empty (recommended field)",
                 "code": "missing-value", "severity": "warning"}]
    return []


def build_b(fac: PeopleFactory, rng: random.Random, a_people: list[Person]) -> tuple[list[Person], list[dict]]:
    plan = ["cross_dup", "b_checksum", "b_gender", "not_on_roster", "med_city", "med_city",
            "provincial"] + ["xin"] * 4
    slots = dict(zip(rng.sample(range(B_SIZE), len(plan)), plan, strict=True))
    source_index = next(i for i, p in enumerate(a_people) if p.role == "plain" and p.on_roster
                        and p.handed_over and i > 150)
    people, expected = [], []
    for i in range(B_SIZE):
        role, line = slots.get(i, "plain"), i + 2  # CSV line numbers: header is line 1
        if role == "cross_dup":
            p = copy.deepcopy(a_people[source_index])
            p.role, p.on_roster, p.cells = role, False, {}
            expected.append({"row": line, "field": "id_number", "problem": "same person and ID "
                             "as enterprise_a.xlsx (cross-file duplicate)", "code": "id-duplicate",
                             "severity": "error", "scope": "cross-file",
                             "other_file": "enterprise_a.xlsx",
                             "other_row": A_FIRST_DATA_ROW + source_index})
        elif role == "b_checksum":
            p, e = inject("id_checksum", fac, rng)
            expected.append({"row": line, **e})
        elif role == "b_gender":
            p, e = inject("gender_mismatch", fac, rng)
            expected.append({"row": line, **e})
        else:
            p = fac.person(male=rng.random() < 0.35) if role == "plain" else special(role, fac)
            if role == "plain":
                p.cadre_level = "无"
        people.append(p)
    return people, expected


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    ap.add_argument("--roles", action="store_true", help="also print the role of every row")
    args = ap.parse_args(argv)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    policy = tomllib.loads(POLICY.read_text(encoding="utf-8"))
    fields = policy["fields"]
    for key, header in A_COLUMNS:
        assert header == fields[key]["header"] or header in fields[key]["aliases"], header

    units = build_units()
    fake_cat = Faker("zh_CN")
    fake_cat.seed_instance(SEED)
    write_csv(out / "catalog.csv",
              ["code", "name", "level", "parent_code", "keywords", "office_address",
               "contact_person", "contact_phone"],
              catalog_rows(units, fake_cat, random.Random(SEED)), "utf-8-sig")

    rng_codes = random.Random(SEED + 1)
    code_a, code_b = make_uscc(rng_codes, "321002"), make_uscc(rng_codes, "321003")

    fake = Faker("zh_CN")
    fake.seed_instance(SEED + 2)
    rng_a = random.Random(SEED + 2)
    fac_a = PeopleFactory(rng_a, fake, units, A_WEIGHTS)
    a_people, a_expected = build_a(fac_a, rng_a)
    write_enterprise_a(out / "enterprise_a.xlsx", a_people, random.Random(SEED + 3),
                       ENTERPRISE_A, code_a)
    for e in a_expected:
        e["column"] = column_letter(e["field"])
        e["header"] = dict(A_COLUMNS)[e["field"]]
    write_json(out / "enterprise_a.expected.json", sorted(a_expected, key=lambda e: e["row"]))

    rng_b = random.Random(SEED + 4)
    fac_b = PeopleFactory(rng_b, fake, units, B_WEIGHTS)
    b_people, b_expected = build_b(fac_b, rng_b, a_people)
    b_fields = list(fields)
    b_rows = [b_row(p, rng_b, n + 1, b_fields, ENTERPRISE_B, code_b) for n, p in enumerate(b_people)]
    write_csv(out / "enterprise_b.csv", [fields[f]["header"] for f in b_fields], b_rows, "gbk")
    write_json(out / "enterprise_b.expected.json", sorted(b_expected, key=lambda e: e["row"]))

    rng_x = random.Random(SEED + 5)
    extra_a = [PeopleFactory(rng_x, fake, units, A_WEIGHTS).person() for _ in range(2)]
    extra_b = [PeopleFactory(rng_x, fake, units, B_WEIGHTS).person()]
    roll = {ENTERPRISE_A: [p for p in a_people if p.on_roster and p.roster_id] + extra_a,
            ENTERPRISE_B: [p for p in b_people if p.on_roster and p.roster_id] + extra_b}
    write_csv(out / "roster.csv", ["身份证号码", "姓名", "原工作单位"],
              [[p.roster_id, p.name.strip(), ent] for ent, ps in roll.items() for p in ps],
              "utf-8-sig")

    targets = [["enterprise", code_a, ENTERPRISE_A, len(roll[ENTERPRISE_A]), "2026-10-31", "1.0"],
               ["enterprise", code_b, ENTERPRISE_B, len(roll[ENTERPRISE_B]), "2026-12-31", "0.98"]]
    for u in (u for u in units if u.level == "county"):
        n = sum(1 for ps in roll.values() for p in ps
                if p.handed_over and p.expected_county == u.code)
        targets.append(["unit", u.code, u.name, n, "2026-12-31", "1.0"])
    write_csv(out / "targets.csv", ["scope", "key", "name", "target", "deadline", "min_rate"],
              targets, "utf-8-sig")
    if args.roles:
        for label, ps, first in (("A", a_people, A_FIRST_DATA_ROW), ("B", b_people, 2)):
            for n, p in enumerate(ps):
                if p.role != "plain":
                    print(label, first + n, p.role, p.expected_county, p.medical, p.residence)
    print(f"wrote {out}: {len(units)} units, A {len(a_people)} people / {len(a_expected)} expected, "
          f"B {len(b_people)} / {len(b_expected)}, roster {sum(map(len, roll.values()))}")


if __name__ == "__main__":
    main()
