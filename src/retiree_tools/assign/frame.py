"""Assigning a chunk of validated people: the policy's treatment (excluded), rows with errors
(rejected), then one decision per distinct combination of what the locations and the address
resolve to (see :mod:`.decide`), spread to its rows; and the party organisation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.assign.contract import DECISION_KEYS
from retiree_tools.assign.decide import Assigner, CountyHit, county_hits, decide
from retiree_tools.policy.model import PartyPolicy
from retiree_tools.policy.treatment import treat
from retiree_tools.texts import tr
from retiree_tools.validate.rules.base import arrow_of


def assign_frame(assigner: Assigner, frame: pd.DataFrame, error_codes: dict[int, list[str]]) -> pd.DataFrame:
    """Decide every row of a validated people frame; return the assigned-file columns.

    A decision depends only on what the locations and the address resolve to, so it is made
    once per distinct combination (a few thousand in 100k people) and spread to its rows."""
    import pyarrow as pa

    pol, cat, lang = assigner.policy, assigner.catalog, assigner.lang
    a = pol.assign
    n = len(frame)
    out = {k: np.full(n, None, dtype=object) for k in (*DECISION_KEYS, "party_org")}
    rows = frame["_row"].to_numpy()
    # who the policy hands over at all, and whose personnel file moves (policy.treatment)
    t = treat(pol, frame["category"].to_numpy(dtype=object, na_value=None),
              frame["cadre_level"].to_numpy(dtype=object, na_value=None), lang)
    handed = t.handed
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
    # excluded by category or cadre level (离休, 中央管理 …) and rejected for errors
    excluded = np.flatnonzero(~handed)
    out["status"][excluded] = "excluded"
    out["reason"][excluded] = [r or "" for r in t.reasons[excluded]]
    rejected = np.flatnonzero(handed & errors)
    out["status"][rejected] = "rejected"
    # the reason in words (the findings' titles); the codes are in the findings column
    out["reason"][rejected] = [tr("assign.rejected", lang, problems=_titles(codes_of.get(i, []), lang))
                               for i in rejected.tolist()]
    todo = np.flatnonzero(handed & ~errors)
    if not len(todo):
        return _assigned_frame(frame, out, t.file_transfer)
    prov = frame[a.provincial_pension_field].to_numpy(dtype=object, na_value=None) if a.provincial_pension_field in frame else np.full(n, None)
    provincial = np.array([p is True for p in prov], dtype=bool)[todo]
    fields = list(dict.fromkeys([*a.location_order, *([a.provincial_location_field] if provincial.any() else [])]))
    taken = pa.array(todo)
    keys = {f: cat.keys(arrow_of(frame[f]).take(taken)) for f in dict.fromkeys([*fields, a.unit_field])}
    hits = {f: county_hits(assigner, keys[f]) for f in fields}
    unit_codes, unit_keys = pd.factorize(keys[a.unit_field])
    codes = _decision_codes(a.location_order, hits, unit_codes, provincial, a.provincial_location_field)
    ncomb = int(codes.max()) + 1
    first = np.zeros(ncomb, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # a row of each combination
    decided = [decide(assigner, bool(provincial[j]), {f: hits[f][1][hits[f][0][j]] for f in fields},
                       unit_keys[unit_codes[j]] if unit_codes[j] >= 0 else None)
               for j in first.tolist()]
    for k, name in enumerate(DECISION_KEYS):
        values = np.empty(ncomb, dtype=object)
        values[:] = [d[k] for d in decided]
        out[name][todo] = values[codes]
    _party(a.party, frame, out)
    return _assigned_frame(frame, out, t.file_transfer)


def _party(p: PartyPolicy, frame: pd.DataFrame, out: dict[str, np.ndarray]) -> None:
    """Where an assigned party member's organisation relation goes (``[assign.party]``): stays
    with the original unit when rehired there, goes to where they work when away more than half
    a year (the 2003 opinions, 四); a member the county centre receives (living outside the
    county, or no unit named: the unit is the county) goes to the organisation of where they
    live, arranged by hand (``residence_destination``, flag ``party_outside``); the others to
    the receiving unit's organisation."""
    def flag(field: str) -> np.ndarray:
        return frame[field].to_numpy(dtype=object, na_value=None) if field in frame else np.full(len(frame), None)

    party, rehired, away = flag(p.member_field), flag(p.rehired_field), flag(p.away_field)
    for i in np.flatnonzero((out["status"] == "assigned") & np.array([v is True for v in party], dtype=bool)).tolist():
        if rehired[i] is True:
            out["party_org"][i] = p.rehired_destination
        elif away[i] is True:
            out["party_org"][i] = p.away_destination
        elif out["unit_level"][i] == "county" or "resides_elsewhere" in (out["flags"][i] or "").split(";"):
            out["party_org"][i] = p.residence_destination
            out["flags"][i] = ";".join(f for f in ((out["flags"][i] or ""), "party_outside") if f)
        else:
            out["party_org"][i] = p.unit_pattern.format(unit=out["unit_name"][i])


def _decision_codes(order, hits: dict[str, tuple[np.ndarray, list[CountyHit]]], unit_codes: np.ndarray,
                    provincial: np.ndarray, prov_field: str) -> np.ndarray:
    """Per row, a code for what its decision depends on (see decide): the hits read in the
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


def _assigned_frame(frame: pd.DataFrame, out: dict[str, np.ndarray], file_transfer: np.ndarray) -> pd.DataFrame:
    base = frame.rename(columns={"_file": "file", "_row": "row"})
    for col in (*DECISION_KEYS, "party_org", "findings"):
        base[col] = pd.Series(out[col], index=frame.index, dtype=object)
    # the rest of ``base`` is objects already (check_chunk's as_objects)
    base["file_transfer"] = pd.Series(np.where(base["status"] == "assigned", file_transfer, False)
                                      .astype(object), index=base.index, dtype=object)
    return base


def _titles(codes: list[str], lang: str) -> str:
    """``身份证号码校验位错误、日期先后矛盾``: each finding code's title, once, in order."""
    from retiree_tools.findings.codes import CODES, title

    seen = dict.fromkeys(c for c in codes if c)
    return "、".join(title(c, lang) if c in CODES else c for c in seen) or "?"
