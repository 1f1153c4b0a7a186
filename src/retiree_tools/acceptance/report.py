"""Acceptance reconciliation: counts per enterprise, county and unit against targets and deadlines.

The library entry point is :func:`build_report`; :func:`acceptance_report` reads the files first.
Counting is vectorised (factorize + bincount); only the few groups are looped over in Python.
Rules (documented in docs/acceptance.md):

- listed = rows in the assigned files; a row counts in the column of its ``status``; a status
  outside :data:`assigned.STATUSES` is counted as ``unknown`` and is a reconciliation break.
- rate = assigned ÷ (target − excluded), or assigned ÷ (listed − excluded) without a target;
  nothing due (denominator ≤ 0) counts as met.
- status: ``break`` (unknown statuses) > ``met`` (rate ≥ min_rate) > ``overdue`` (deadline
  passed) > ``behind`` (anyone in review or rejected) > ``on-track``; a met or on-track row
  that lists more people than its target becomes ``over-target``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from retiree_tools.acceptance.inputs import RosterPerson, Target, read_roster, read_targets
from retiree_tools.acceptance.model import (
    FAILING,
    SCOPES,
    AcceptanceReport,
    Break,
    Row,
    Totals,
    sort_rows,
)
from retiree_tools.acceptance.people import (
    BLANK_STATUS,
    duplicate_people,
    normalised_ids,
    roster_diff,
)
from retiree_tools.assign.contract import STATUSES
from retiree_tools.assign.reader import read_assigned
from retiree_tools.domain.text import clean_value
from retiree_tools.findings.errors import InputError
from retiree_tools.policy.model import Policy
from retiree_tools.texts import tr

DEFAULT_MIN_RATE = 1.0  # the library default; the CLI takes the policy's [acceptance] min_rate
NONE_KEY = "(none)"
COLUMNS = ["file", "row", "enterprise", "credit_code", "name", "id_number", "status", "reason",
           "category", "county_code", "county_name", "unit_code", "unit_name"]
_EPS = 1e-9


def acceptance_report(paths: Iterable[str | Path], targets: str | Path | None = None,
                      roster: str | Path | None = None, as_of: date | str | None = None,
                      min_rate: float | str | None = None, lang: str = "zh", *,
                      policy: Policy | str | Path | None = None,
                      outputs: Iterable[str | Path] = ()) -> AcceptanceReport:
    """Read assigned files (directories expanded) and the targets / roster files, reconcile
    them, and write the report to each of ``outputs`` (.xlsx / .html). ``as_of`` (default
    today) and ``min_rate`` (default the policy's ``[acceptance] min_rate``) may be given as
    text (``2025-06-30``, ``2025年6月30日``; ``1``, ``0.95``, ``95%``). Raises InputError for
    usage errors, an invalid targets file, and an output that would overwrite an input — all
    before any output is written."""
    from retiree_tools.io.paths import expand_paths
    from retiree_tools.io.safe import refuse_inputs

    as_of, min_rate, outs = report_options(as_of, min_rate, policy, outputs)
    given = list(paths)
    refuse_inputs(outs, [*given, *([targets] if targets else []), *([roster] if roster else []), *expand_paths(given, "assigned")])
    frame = read_assigned(given, columns=COLUMNS)
    tg = read_targets(targets) if targets is not None else None
    ro = read_roster(roster) if roster is not None else None
    report = reconcile(frame, tg, ro, as_of, min_rate, lang, targets)
    write_outputs(report, outs, lang)
    return report


def report_options(as_of: date | str | None, min_rate: float | str | None, policy: Policy | str | Path | None,
                   outputs: Iterable[str | Path]) -> tuple[date, float, list[Path]]:
    """(as-of day, default threshold, output paths) checked before any work: a date or rate
    that cannot be read, an output of the wrong kind or a directory are usage errors."""
    from retiree_tools.acceptance.inputs import parse_date, parse_rate
    from retiree_tools.acceptance.output import SUFFIXES
    from retiree_tools.io.safe import refuse_directory
    from retiree_tools.policy import Policy as _Policy
    from retiree_tools.policy import load_policy

    if isinstance(as_of, str):
        parsed = parse_date(as_of)
        if parsed is None:
            raise InputError("usage", reason="error.as_of", value=as_of)
        as_of = parsed
    pol = policy if isinstance(policy, _Policy) else (load_policy(policy) if policy is not None or min_rate is None else None)
    if min_rate is None:
        min_rate = pol.acceptance.min_rate
    elif isinstance(min_rate, str):
        rate = parse_rate(min_rate)
        if rate is None:
            raise InputError("usage", reason="error.min_rate", value=min_rate)
        min_rate = rate
    outs = [Path(o) for o in outputs]
    for out in outs:
        if out.suffix.lower() not in SUFFIXES:
            raise InputError("usage", reason="error.output_suffix", allowed=" / ".join(SUFFIXES), name=out.name)
    refuse_directory(*outs)
    return as_of or date.today(), min_rate, outs


def reconcile(frame: pd.DataFrame, targets: list[Target] | None, roster: list[RosterPerson] | None, as_of: date,
              min_rate: float, lang: str, targets_path: str | Path | None = None) -> AcceptanceReport:
    """:func:`build_report`, with a targets error that names no file given ``targets_path``."""
    try:
        return build_report(frame, targets, roster, as_of, min_rate, lang)
    except InputError as exc:
        if exc.code == "targets-invalid" and exc.path is None and targets_path is not None:
            raise exc.with_path(str(targets_path)) from None
        raise


def write_outputs(report: AcceptanceReport, outs: list[Path], lang: str) -> None:
    from retiree_tools.acceptance.output import write_report

    for out in outs:
        report.written.append(str(write_report(report, out, lang)))


# ---------------------------------------------------------------------------------------------
# grouping helpers
# ---------------------------------------------------------------------------------------------

def _factorize(values: pd.Series, fold: bool = True) -> tuple[np.ndarray, list[str]]:
    """Codes per row and the distinct cleaned texts (``fold``: full-width folded too, for keys;
    else only spaces trimmed, for texts shown as written); blank or missing cells get code -1.
    Cleaning runs once per distinct value, not per row."""
    idx, uniq = pd.factorize(pd.Series(values, dtype=object))
    texts = [clean_value(str(u)) if fold else " ".join(str(u).split()) for u in uniq]
    if not any(t == "" for t in texts) and len(set(texts)) == len(texts):
        return idx.astype(np.int64), texts
    t_idx, t_uniq = pd.factorize(pd.Series(texts, dtype=object).replace("", None))
    remap = np.append(t_idx, -1).astype(np.int64)
    return remap[idx], [str(u) for u in t_uniq]


def _blank_to_na(s: pd.Series, fold: bool = False) -> pd.Series:
    """Texts with spaces trimmed, blank cells as None."""
    idx, uniq = _factorize(s, fold)
    return pd.Series(np.append(np.array(uniq, dtype=object), None)[idx], dtype=object)


def _first_text(values: pd.Series, idx: np.ndarray, n: int) -> list[str | None]:
    """The first non-blank value of ``values`` in each of the ``n`` groups of ``idx``."""
    out: list[str | None] = [None] * n
    firsts = pd.Series(values.to_numpy(), dtype=object).groupby(idx).first()
    for g, v in firsts.items():
        if 0 <= int(g) < n and v is not None and v == v:
            out[int(g)] = str(v)
    return out


def _enterprise_keys(ent: pd.Series, cc: pd.Series) -> tuple[np.ndarray, list[str], list[str | None]]:
    """Group index per row, group keys and names for the enterprise scope. The key is the credit
    code, or the name; a name that appears with exactly one credit code takes that code."""
    e_idx, e_uniq = _factorize(ent)
    c_idx, c_uniq = _factorize(cc)
    base = len(c_uniq) + 1
    p_idx, p_uniq = pd.factorize((e_idx + 1) * base + (c_idx + 1))
    p_e = np.asarray(p_uniq) // base - 1
    p_c = np.asarray(p_uniq) % base - 1
    # name → its only credit code
    codes_of: dict[int, set[int]] = {}
    for e, c in zip(p_e, p_c, strict=True):
        if e >= 0 and c >= 0:
            codes_of.setdefault(int(e), set()).add(int(c))
    pair_key: list[str] = []
    pair_name: list[str | None] = []
    for e, c in zip(p_e, p_c, strict=True):
        name = str(e_uniq[e]) if e >= 0 else None
        if c >= 0:
            key = str(c_uniq[c])
        elif e >= 0 and len(codes_of.get(int(e), ())) == 1:
            key = str(c_uniq[next(iter(codes_of[int(e)]))])
        else:
            key = name or NONE_KEY
        pair_key.append(key)
        pair_name.append(name)
    g_idx, g_keys = pd.factorize(pd.Series(pair_key, dtype=object))
    names: list[str | None] = [None] * len(g_keys)
    for p, g in enumerate(g_idx):
        if names[g] is None:
            names[g] = pair_name[p]
    row_group = g_idx[p_idx] if len(p_idx) else np.array([], dtype=np.int64)
    return row_group.astype(np.int64), [str(k) for k in g_keys], names


def _code_keys(codes: pd.Series, names: pd.Series) -> tuple[np.ndarray, list[str], list[str | None]]:
    """Group index per row, keys and names for a code column (county or unit); rows without a
    code form the ``(none)`` group."""
    idx, keys = _factorize(codes)
    if (idx < 0).any():
        idx = np.where(idx < 0, len(keys), idx)
        keys.append(NONE_KEY)
    return idx.astype(np.int64), keys, _first_text(names, idx, len(keys))


# ---------------------------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------------------------

def judge(target: int | None, listed: int, assigned: int, excluded: int, review: int, rejected: int,
          unknown: int, min_rate: float, deadline: date | None, as_of: date) -> tuple[float | None, str]:
    """(rate, status) of one row by the rules in the module docstring."""
    expected = target if target is not None else listed
    denom = expected - excluded
    rate = assigned / denom if denom > 0 else None
    met = denom <= 0 or assigned >= min_rate * denom - _EPS
    if unknown:
        status = "break"
    elif met:
        status = "met"
    elif deadline is not None and as_of > deadline:
        status = "overdue"
    elif review or rejected:
        status = "behind"
    else:
        status = "on-track"
    if target is not None and listed > target and status in ("met", "on-track"):
        status = "over-target"
    return rate, status


def _fold(text: object) -> str:
    return clean_value(str(text)).upper() if text is not None else ""


def build_report(frame: pd.DataFrame, targets: list[Target] | None, roster: list[RosterPerson] | None,
                 as_of: date, min_rate: float = DEFAULT_MIN_RATE, lang: str = "zh") -> AcceptanceReport:
    """Reconcile an assigned frame (contract keys as columns, see :mod:`assigned`). A
    ``weight`` column makes each row stand for that many people of the same enterprise,
    county, unit, status and exclusion reason, without ID numbers (the ledger's tallies); people
    whose ID number is on more than one row must be rows of their own (weight 1)."""
    frame = frame.reset_index(drop=True)
    for c in COLUMNS:
        if c not in frame:
            frame[c] = None
    w = frame["weight"].to_numpy(np.int64) if "weight" in frame else None
    if w is not None and roster is not None:
        raise ValueError("a roster is reconciled against people, not tallies")
    n = int(w.sum()) if w is not None else len(frame)
    # status → 0 unknown, 1..4 = STATUSES
    s_idx, s_uniq = pd.factorize(frame["status"])
    s_norm = [str(v).strip().lower() for v in s_uniq]
    s_code = np.array([STATUSES.index(v) + 1 if v in STATUSES else 0 for v in s_norm] + [0], dtype=np.int64)
    status_code = s_code[s_idx]  # -1 (blank) → the appended 0
    raw_status = [str(v).strip() or BLANK_STATUS for v in s_uniq] + [BLANK_STATUS]
    # IDs: normalised once per distinct text
    ids = normalised_ids(frame["id_number"])
    dup = ids.notna().to_numpy() & ids.duplicated(keep=False).to_numpy()

    scopes = {
        "enterprise": _enterprise_keys(frame["enterprise"], frame["credit_code"]),
        "county": _code_keys(frame["county_code"], _blank_to_na(frame["county_name"])),
        "unit": _code_keys(frame["unit_code"], _blank_to_na(frame["unit_name"])),
    }
    excluded_mask = status_code == STATUSES.index("excluded") + 1
    reason = _exclusion_reasons(frame, excluded_mask)
    unknown_mask = status_code == 0
    tg_for = _match_targets(targets or [], scopes)

    rows: list[Row] = []
    breaks: list[Break] = []
    for scope in SCOPES:
        idx, keys, names = scopes[scope]
        ng = len(keys)
        counts = (np.bincount(idx * 5 + status_code, weights=w, minlength=ng * 5).astype(np.int64).reshape(ng, 5)
                  if ng else np.zeros((0, 5), np.int64))
        dups = np.bincount(idx, weights=dup, minlength=ng).astype(np.int64) if ng else np.zeros(0, np.int64)
        by_reason = _count_pairs(idx[excluded_mask], reason, _part(w, excluded_mask))
        by_unknown = _count_pairs(idx[unknown_mask], [raw_status[i] for i in s_idx[unknown_mask]] if unknown_mask.any() else [],
                                  _part(w, unknown_mask))
        known = set(keys)
        extra = [t for (sc, k), t in tg_for.items() if sc == scope and k not in known]
        for g in range(ng):
            c = counts[g]
            t = tg_for.get((scope, keys[g]))
            rows.append(_row(scope, keys[g], names[g] or (t.name if t else None), c, int(dups[g]), t,
                             by_reason.get(g, {}), as_of, min_rate, lang))
            if c[0]:
                breaks.append(Break(kind="identity", scope=scope, key=keys[g], listed=int(c.sum()),
                                    counted=int(c[1:].sum()), values=by_unknown.get(g, {})))
        for t in extra:
            rows.append(_row(scope, t.key, t.name, np.zeros(5, np.int64), 0, t, {}, as_of, min_rate, lang))

    totals = _totals(status_code, dup, ids, reason, excluded_mask, roster, n, w)
    if totals.unknown:
        values = _count_pairs(np.zeros(int(unknown_mask.sum()), np.int64), [raw_status[i] for i in s_idx[unknown_mask]],
                              _part(w, unknown_mask))
        breaks.append(Break(kind="identity", scope="total", key="", listed=totals.listed,
                            counted=totals.listed - totals.unknown, values=values.get(0, {})))
    for scope in SCOPES:  # self-check: every scope's rows add up to the totals
        in_scope = [r for r in rows if r.scope == scope]
        for f in ("listed", "assigned", "excluded", "review", "rejected", "unknown", "duplicates"):
            got = sum(getattr(r, f) for r in in_scope)
            if got != getattr(totals, f):
                breaks.append(Break(kind="scope-sum", scope=scope, key=f, listed=getattr(totals, f), counted=got, values={}))
    missing, unexpected = roster_diff(frame, ids, status_code, roster)
    if roster is not None:
        totals.missing = len(missing)
        totals.unexpected = len(unexpected)
    duplicates = duplicate_people(frame, ids, dup, status_code)
    rows = sort_rows(rows)
    met = not breaks and not duplicates and not any(r.target is not None and r.status in FAILING for r in rows)
    return AcceptanceReport(as_of=as_of.isoformat(), min_rate=min_rate, rows=rows, totals=totals, missing_people=missing,
                  unexpected_people=unexpected, duplicates=duplicates, breaks=breaks, met=met,
                  targets_given=targets is not None, roster_given=roster is not None)


def _rate(assigned: int, expected: int | None, excluded: int) -> float | None:
    denom = (expected or 0) - excluded
    return round(assigned / denom, 4) if denom > 0 else None


def _row(scope: str, key: str, name: str | None, c: np.ndarray, dups: int, t: Target | None,
         by_reason: dict[str, int], as_of: date, default_rate: float, lang: str) -> Row:
    unknown, assigned, excluded, review, rejected = (int(x) for x in c)
    listed = int(c.sum())
    target = t.target if t else None
    rate_min = t.min_rate if t and t.min_rate is not None else default_rate
    deadline = t.deadline if t else None
    rate, status = judge(target, listed, assigned, excluded, review, rejected, unknown, rate_min, deadline, as_of)
    return Row(scope=scope, key=key, name=tr("acceptance.none_name", lang) if key == NONE_KEY else name,
               target=target, listed=listed, assigned=assigned, excluded=excluded, review=review,
               rejected=rejected, unknown=unknown, missing=max(target - listed, 0) if target is not None else None,
               rate=round(rate, 4) if rate is not None else None, min_rate=rate_min,
               deadline=deadline.isoformat() if deadline else None, status=status,
               over_target=target is not None and listed > target, duplicates=dups,
               excluded_by_reason=by_reason, target_line=t.line if t else None)


def _exclusion_reasons(frame: pd.DataFrame, mask: np.ndarray) -> list[str]:
    """Per excluded row: its reason text, else its category, else ``(未说明)``."""
    if not mask.any():
        return []
    r = _blank_to_na(frame["reason"][mask]).fillna(_blank_to_na(frame["category"][mask]))
    return r.fillna("(未说明)").tolist()


def _part(w: np.ndarray | None, mask: np.ndarray) -> np.ndarray | None:
    return w[mask] if w is not None else None


def _count_pairs(groups: np.ndarray, values: list[str], weights: np.ndarray | None = None) -> dict[int, dict[str, int]]:
    """{group: {value: count}} (values sorted by count, then text); each row counts its weight."""
    if len(groups) == 0:
        return {}
    pairs = pd.DataFrame({"g": groups, "v": values, "w": weights if weights is not None else 1})
    sizes = pairs.groupby(["g", "v"])["w"].sum()
    sizes = sizes[sizes != 0]
    out: dict[int, dict[str, int]] = {}
    for (g, v), k in sorted(sizes.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
        out.setdefault(int(g), {})[str(v)] = int(k)
    return out


def _match_targets(targets: list[Target], scopes: dict) -> dict[tuple[str, str], Target]:
    """(scope, group key) → target. Enterprise targets match a credit code or a name; unit
    targets a county code, a unit code, a county name or a unit name, in that order."""
    c_keys, c_names = _lookups(scopes["county"])
    u_keys, u_names = _lookups(scopes["unit"])
    e_keys, e_names = _lookups(scopes["enterprise"])
    lookup = {"enterprise": [("enterprise", e_keys), ("enterprise", e_names)],
              "unit": [("county", c_keys), ("unit", u_keys), ("county", c_names), ("unit", u_names)],
              "county": [("county", c_keys), ("county", c_names)]}
    out: dict[tuple[str, str], Target] = {}
    for t in targets:
        hit = None
        for probe in (t.key, t.name):
            if not probe:
                continue
            for scope, table in lookup[t.scope]:
                if _fold(probe) in table:
                    hit = (scope, table[_fold(probe)])
                    break
            if hit:
                break
        if hit is None:
            scope = t.scope if t.scope != "unit" else ("county" if t.key.isdigit() and len(t.key) == 6 else "unit")
            hit = (scope, t.key)
        if hit in out:
            other = out[hit]
            raise InputError("targets-invalid", reason="error.targets_same_group", line=t.line, other=other.line,
                             scope=hit[0], key=hit[1])
        out[hit] = t
    return out


def _lookups(group: tuple[np.ndarray, list[str], list[str | None]]) -> tuple[dict[str, str], dict[str, str]]:
    _, keys, names = group
    by_key = {_fold(k): k for k in keys if k != NONE_KEY}
    by_name: dict[str, str] = {}
    for k, nm in zip(keys, names, strict=True):
        if nm and k != NONE_KEY:
            by_name.setdefault(_fold(nm), k)
    return by_key, by_name


def _totals(status_code: np.ndarray, dup: np.ndarray, ids: pd.Series, reason: list[str],
            excluded_mask: np.ndarray, roster: list[RosterPerson] | None, n: int, w: np.ndarray | None = None) -> Totals:
    c = np.bincount(status_code, weights=w, minlength=5).astype(np.int64)
    dup_ids = int(ids[dup].nunique())
    people = n - int(dup.sum()) + dup_ids  # rows without an ID count one each
    by_reason = _count_pairs(np.zeros(int(excluded_mask.sum()), np.int64), reason, _part(w, excluded_mask)).get(0, {})
    target = None
    if roster is not None:
        target = len({p.id_number for p in roster if p.id_number}) + sum(1 for p in roster if not p.id_number)
    totals = Totals(listed=n, assigned=int(c[1]), excluded=int(c[2]), review=int(c[3]), rejected=int(c[4]),
                    unknown=int(c[0]), duplicates=int(dup.sum()), duplicate_ids=dup_ids,
                    people=people, target=target, excluded_by_reason=by_reason)
    totals.rate = _rate(totals.assigned, n, totals.excluded)
    return totals
