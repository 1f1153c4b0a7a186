"""Person-level results: ID numbers as compared, roster differences and duplicate ID numbers.

Only the few rows that are reported are turned into Python objects; the rest stays vectorised."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.acceptance.inputs import RosterPerson, normalise_id_text
from retiree_tools.acceptance.model import Duplicate, Occurrence, Person
from retiree_tools.assign.contract import STATUSES

BLANK_STATUS = "(blank)"


def normalised_ids(ids: pd.Series) -> pd.Series:
    """ID numbers as compared: already-normal 18-character numbers pass as they are (checked with
    one vectorised match); the others are normalised once per distinct text."""
    ids = pd.Series(ids.to_numpy(dtype=object), dtype=object)
    arrow = ids.astype("string[pyarrow]")
    normal = arrow.str.fullmatch(r"[0-9]{17}[0-9X]").fillna(False).to_numpy(dtype=bool)
    if normal.all():
        return ids
    out = ids.copy()
    rest = ~normal
    codes, uniq = pd.factorize(ids[rest])
    norm = np.array([normalise_id_text(str(u)) for u in uniq] + [None], dtype=object)
    out[rest] = norm[codes]
    return out


def _people(frame: pd.DataFrame, rows: np.ndarray, ids: pd.Series, status_code: np.ndarray,
            reasons: list[str]) -> list[Person]:
    """Person records for the row positions ``rows`` (a small subset: no loop over all rows)."""
    sub = frame.iloc[rows]
    cols = {c: [None if v is None or v != v else str(v) for v in sub[c].tolist()]
            for c in ("name", "enterprise", "status", "file", "row")}
    pid = ids.iloc[rows].tolist()
    codes = status_code[rows]
    return [Person(id_number=pid[j], name=cols["name"][j], enterprise=cols["enterprise"][j],
                   status=_status_text(int(codes[j]), cols["status"][j]), file=cols["file"][j],
                   row=cols["row"][j], reason=reasons[j]) for j in range(len(rows))]


def _status_text(code: int, raw: str | None) -> str:
    return STATUSES[code - 1] if code else (raw or BLANK_STATUS)


def roster_diff(frame: pd.DataFrame, ids: pd.Series, status_code: np.ndarray,
                 roster: list[RosterPerson] | None) -> tuple[list[Person], list[Person]]:
    if roster is None:
        return [], []
    listed = set(ids.dropna())
    expected: set[str] = set()
    missing: list[Person] = []
    for p in roster:
        if p.id_number is None:
            missing.append(Person(id_number=None, name=p.name, enterprise=p.enterprise, line=p.line, reason="no-id"))
        elif p.id_number not in expected:
            expected.add(p.id_number)
            if p.id_number not in listed:
                missing.append(Person(id_number=p.id_number, name=p.name, enterprise=p.enterprise,
                                      line=p.line, reason="not-listed"))
    extra = np.flatnonzero(~ids.isin(expected).to_numpy())
    reasons = ["not-in-roster" if v else "no-id" for v in ids.iloc[extra].tolist()]
    unexpected = _people(frame, extra, ids, status_code, reasons)
    return missing, unexpected


def duplicate_people(frame: pd.DataFrame, ids: pd.Series, dup: np.ndarray, status_code: np.ndarray) -> list[Duplicate]:
    if not dup.any():
        return []
    out: dict[str, Duplicate] = {}
    where = np.flatnonzero(dup)
    for p in _people(frame, where, ids, status_code, [""] * len(where)):
        d = out.setdefault(p.id_number or "", Duplicate(id_number=p.id_number or "", name=p.name, count=0, occurrences=[]))
        d.count += 1
        d.occurrences.append(Occurrence(enterprise=p.enterprise, file=p.file, row=p.row, status=p.status))
    return sorted(out.values(), key=lambda d: d.id_number)
