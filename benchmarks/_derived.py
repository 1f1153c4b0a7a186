"""What the generator derives from its people besides the workbooks: the synthesised assigned
file, the targets file and the frictionless Table Schema."""

from __future__ import annotations

import numpy as np

from ._catalog import A_COLUMNS
from ._people import DOC_FIELDS, NOT_HANDED, People, cat

DATE_FIELDS = ("birth_date", "work_start", "retire_date")
FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
ERROR_KINDS = ["id_checksum", "bad_date", "gender_mismatch", "missing_value", "invalid_category",
               "missing_document", "duplicate_id", "id_as_number"]
# the finding code each injected error must produce (an error, so the person is rejected)
ERROR_CODES = {"id_checksum": "id-checksum", "bad_date": "date-invalid", "gender_mismatch": "gender-mismatch",
               "missing_value": "missing-value", "invalid_category": "invalid-choice",
               "missing_document": "document-missing", "duplicate_id": "id-duplicate",
               "id_as_number": "id-precision-lost"}



def _objects(a) -> np.ndarray:
    return np.asarray(a, dtype=object)


def lookup(keys: np.ndarray, fn) -> np.ndarray:
    """``fn`` applied once per distinct key, mapped back over the array."""
    uniq, inv = np.unique(keys, return_inverse=True)
    return np.array([fn(u) for u in uniq.tolist()], dtype=object)[inv]


def assigned_frame(p: People, c: dict[str, np.ndarray], err: np.ndarray, ent: np.ndarray, credit: np.ndarray,
                   units, contacts: dict, source: str, policy: dict) -> dict[str, list]:
    """The assigned file ``assign`` would write for these people, by the generator's own
    knowledge of where each person goes (not by running assign): see benchmarks/README.md."""
    from retiree_tools.assign.contract import KEYS

    by_code = {u.code: u for u in units}
    n = p.n
    canonical = p.v["_category"]
    status = np.full(n, "assigned", dtype=object)
    status[p.unit == None] = "review"  # noqa: E711 - the ambiguous road
    status[err >= 0] = "rejected"
    status[np.isin(c["category"], NOT_HANDED)] = "excluded"  # assign: not handed over wins over errors
    out: dict[str, list] = {}
    out["file"] = np.full(n, source, dtype=object)
    out["row"] = np.arange(2, n + 2)
    out["enterprise"], out["credit_code"] = ent, credit
    for key in ("name", "gender", "cadre_level", "household_address", "medical_location",
                "residence", "bank_account", "phone"):
        out[key] = _objects(c[key])
    out["family_contact"] = np.strings.translate(c["family_contact"].astype(str), FULLWIDTH)
    canon = {k: k for k in policy["categories"]} | {a: k for k, v in policy["categories"].items() for a in v.get("aliases", [])}
    out["category"] = lookup(c["category"].astype(str), lambda x: canon.get(x, ""))
    out["id_number"] = _objects(c["id_number"])
    for key in DATE_FIELDS:
        out[key] = c[f"_norm_{key}"]
    out["pension"] = np.array([repr(x) for x in c["_pension"].tolist()], dtype=object)
    party = np.isin(c["party_member"], ["有", "是", "中共党员"])
    out["party_member"] = np.where(party, "是", "否")
    for f in DOC_FIELDS:
        out[f] = np.where(np.isin(c[f], ["√", "有"]), "是", "否")
    assigned = status == "assigned"
    unit = np.where(assigned & (p.unit != "") & (p.unit != None), p.unit, p.county).astype(str)  # noqa: E711
    lvl = lookup(unit, lambda u: by_code[u].level)
    cnames = lookup(p.county.astype(str), lambda u: by_code[u].name)
    uname = lookup(unit, lambda u: by_code[u].name)
    has_county = status != "excluded"
    out["status"] = status
    out["county_code"] = np.where(has_county & (status != "rejected"), p.county, "")
    out["county_name"] = np.where(has_county & (status != "rejected"), cnames, "")
    for key, val in (("unit_code", unit), ("unit_name", uname), ("unit_level", lvl)):
        out[key] = np.where(assigned, val, "")
    rule = np.where(p.place == "provincial", "medical_insurance",
                    np.where(np.isin(p.place, ["med_city", "med_empty"]), "household", "medical_insurance"))
    out["rule"] = np.where(assigned | (status == "review"), rule, "")
    label = np.where(np.isin(p.place, ["med_city", "med_empty"]), "户籍所在地：", "医保关系所在地：")
    term = np.where(unit == p.county.astype(str), "", cat("；长期居住地：", p.term.astype(str)))
    out["evidence"] = np.where(assigned | (status == "review"), cat(label, cnames, term), "")
    reasons = {k: v.get("reason", "") for k, v in policy["categories"].items()}
    excl = lookup(c["category"].astype(str), lambda x: reasons.get(x, ""))
    codes = np.array([ERROR_CODES[k] for k in ERROR_KINDS] + [""], dtype=object)[err]
    reason = np.where(status == "excluded", excl, "")
    reason = np.where(status == "rejected", cat("数据有错误，未分配：", codes), reason)
    reason = np.where(status == "review", "居住地址同时匹配多个接收单位（东关街道、汶河街道），请人工确定", reason)
    county_only = assigned & (unit == p.county.astype(str))
    reason = np.where(county_only, "长期居住地不在该区县，暂由区县退管中心接收", reason)
    out["reason"] = reason
    flags = np.where(p.place == "provincial", "provincial_centre;resides_elsewhere",
                     np.where(p.place == "outside_res", "resides_elsewhere",
                              np.where(p.place == "med_city", "medical_location_city_level", "")))
    out["flags"] = np.where(status == "review", "ambiguous_unit", np.where(assigned, flags, ""))
    ft = assigned & (canonical != "县级以上党委管理的企业退休领导干部")
    out["file_transfer"] = np.where(ft, "是", "否")
    party_org = np.where(c["rehired"] == "是", "原单位党组织",
                         np.where(c["away_half_year"] == "是", "外出务工经商所在地党组织", cat(uname, "党组织")))
    out["party_org"] = np.where(assigned & party, party_org, "")
    out["findings"] = np.where(err >= 0, codes, "")
    for j, key in enumerate(("office_address", "contact_person", "contact_phone")):
        out[key] = np.where(assigned, lookup(unit, lambda u, j=j: contacts[u][j]), "")
    return {k: out[k] for k in KEYS}


def targets(p: People, ent: np.ndarray, credit: np.ndarray, units) -> list[list[str]]:
    """enterprise rows (key = credit code, target = people listed), county rows and one row per
    receiving unit the generator expects people in."""
    by_code = {u.code: u for u in units}
    rows = []
    pairs, counts = np.unique(np.char.add(credit.astype(str), np.char.add("|", ent.astype(str))), return_counts=True)
    for pair, k in zip(pairs.tolist(), counts.tolist(), strict=True):
        code, e = pair.split("|", 1)
        rows.append(["enterprise", code, e, str(k), "2026-12-31", "0.95"])
    counties, counts = np.unique(p.county.astype(str), return_counts=True)
    for code, k in zip(counties.tolist(), counts.tolist(), strict=True):
        rows.append(["unit", code, by_code[code].name, str(k), "2026-12-31", "0.95"])
    ok = (p.unit != None) & (p.unit != "")  # noqa: E711
    uc, uk = np.unique(p.unit[ok].astype(str), return_counts=True)
    for code, k in zip(uc.tolist(), uk.tolist(), strict=True):
        rows.append(["unit", code, by_code[code].name, str(k), "2026-12-31", ""])
    return rows


def frictionless_schema(policy: dict) -> dict:
    """A Table Schema for the xlsx layout: required, pattern, enum and unique constraints
    equivalent to what validate checks without code (no checksum, dates or documents)."""
    fields = policy["fields"]
    cats = list(policy["categories"]) + [a for c in policy["categories"].values() for a in c.get("aliases", [])]
    required = set(policy["required"]["values"])
    out = []
    for key, header in A_COLUMNS:
        kind = fields[key]["kind"]
        f: dict = {"name": header, "type": "string"}
        cons: dict = {}
        if key in required:
            cons["required"] = True
        if kind == "id_number":
            cons.update(pattern=r"\d{17}[\dXx]", unique=True)
        elif key == "gender":
            cons["enum"] = ["男", "女"]
        elif key == "category":
            cons["enum"] = cats
        elif key == "post":
            cons["enum"] = ["干部", "工人", *fields["post"]["choice_aliases"]]
        elif kind in ("yesno", "document"):
            cons["enum"] = [v for v in policy["yesno"]["yes"] + policy["yesno"]["no"] + fields[key].get("yes_aliases", []) + fields[key].get("no_aliases", []) if v] + ["√"]
        elif kind == "phone":
            cons["pattern"] = r"(1[3-9]\d{9})|(0\d{2,3}-?\d{7,8})"
        elif kind == "account":
            cons["pattern"] = r"\d{10,30}"
        if kind in ("date", "month") or key == "seq":
            f["type"] = "any"
        elif kind == "number":
            f["type"] = "number"
        if cons:
            f["constraints"] = cons
        out.append(f)
    return {"fields": out}
