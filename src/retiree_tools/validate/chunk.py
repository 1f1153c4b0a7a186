"""The chunk pipeline: normalise each field once, drop rows that are not people, run the rules.

:func:`check_chunk` takes the raw text columns of consecutive rows of one file, normalises them
into canonical fields, runs the rules of :mod:`retiree_tools.validate.rules` (which append
findings), and returns the normalised frame that ``assign`` consumes. State that spans chunks
and files (duplicate IDs) lives in :class:`~retiree_tools.validate.rules.base.CallState`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.findings.model import Finding, make_finding
from retiree_tools.io.workers import Jobs, map_pair
from retiree_tools.policy.model import Policy
from retiree_tools.texts import tr
from retiree_tools.validate.rows import GROUP, PERSON, ROLE_NAMES, group_category, roles
from retiree_tools.validate.rules.ages import check_ages
from retiree_tools.validate.rules.base import (
    CallState,
    Emitter,
    FileContext,
    as_objects,
    normalise_text,
)
from retiree_tools.validate.rules.cells import check_lengths
from retiree_tools.validate.rules.choices import check_choices
from retiree_tools.validate.rules.consistency import check_id_consistency
from retiree_tools.validate.rules.dates import check_dates
from retiree_tools.validate.rules.documents import check_documents
from retiree_tools.validate.rules.enterprise import check_credit_codes
from retiree_tools.validate.rules.identity import check_ids
from retiree_tools.validate.rules.numbers import check_numbers
from retiree_tools.validate.rules.required import check_required

__all__ = ["CallState", "FileContext", "as_objects", "check_chunk", "normalise_text"]

THREADS_FROM_ROWS = 10_000  # chunks this long use a second thread (below, threads cost more than they save)


def check_chunk(ctx: FileContext, policy: Policy, state: CallState, first_row: int, raw: pd.DataFrame,
                findings: list[Finding], objects: bool = True) -> pd.DataFrame:
    """Normalise and check one chunk; append findings; return the normalised people frame
    (with plain Python objects and None for blanks when ``objects``, as assign wants it)."""
    lay = ctx.layout
    raw = raw.reset_index(drop=True)  # rows are positions from here on, whatever the reader gave
    n = len(raw)
    cols = dict(zip(lay.columns, _normalised(raw, list(lay.columns.values()), n), strict=True))
    rows = np.arange(first_row, first_row + n)
    frame = pd.DataFrame(cols, index=range(n))
    # rows that are not people (blank, totals, footers, group rows …) are dropped, reported once
    nonblank = frame.notna().any(axis=1).to_numpy()
    role = roles(frame, policy, {k: lay.headers.get(c, "") for k, c in lay.columns.items()}, nonblank)
    if role.any():
        _not_people(Emitter(ctx, policy, rows, findings), frame, role, ctx, policy)
    keep = nonblank & (role == PERSON)
    frame = frame[keep].reset_index(drop=True)
    rows = rows[keep]
    em = Emitter(ctx, policy, rows, findings)
    m = len(frame)
    for key in policy.fields:
        if key not in frame:
            frame[key] = pd.Series([None] * m, dtype=object)

    check_lengths(em, frame)
    # dates and numbers read and write only their own columns and are mostly Arrow work (no
    # GIL): they run beside the ID and choice checks, on copies of their columns, with their
    # own findings lists, which are put back in the order the checks always had
    side = _Side(em, policy, state, frame)
    check_required(em, frame, policy)
    ids, id_ok, id_parts = check_ids(em, frame, state, ctx)
    frame["id_number"] = ids
    check_choices(em, frame, policy)
    check_credit_codes(em, frame)
    ym = side.dates()
    check_id_consistency(em, frame, id_ok, id_parts, ym)
    check_ages(em, frame, ids, id_ok, id_parts, ym, policy, state)
    side.numbers()
    check_documents(em, frame, policy)

    frame.insert(0, "_row", rows)
    frame.insert(0, "_file", ctx.path)
    frame["enterprise"] = frame["enterprise"].fillna(ctx.enterprise) if ctx.enterprise else frame["enterprise"]
    if ctx.credit_code:
        frame["credit_code"] = frame["credit_code"].fillna(ctx.credit_code)
    err = np.zeros(m, bool)
    if em.error_rows:
        err[list(em.error_rows)] = True
    frame["_error"] = err
    return as_objects(frame) if objects else frame


def _not_people(em: Emitter, frame: pd.DataFrame, role: np.ndarray, ctx: FileContext, policy: Policy) -> None:
    """row-not-person for each such row; a group row naming a category gives it to the people
    below it who leave theirs blank (until the next group row, across chunks)."""
    lang = ctx.lang
    pos = np.flatnonzero(role != PERSON)
    texts = {int(p): next((v for v in rec if isinstance(v, str) and v), "")
             for p, rec in zip(pos, frame.iloc[pos].itertuples(index=False), strict=True)}
    em.emit("row-not-person", None, pos, [texts[int(p)] for p in pos], role=[ROLE_NAMES[int(role[p])] for p in pos],
            what=[tr(f"validate.role.{ROLE_NAMES[int(role[p])]}", lang) for p in pos])
    if "category" not in frame or (ctx.group is None and not (role == GROUP).any()):
        return
    cats = frame["category"].to_numpy(dtype=object)
    col = frame.columns.get_loc("category")
    current, counts = ctx.group, {}
    for p in range(len(frame)):
        if role[p] == GROUP:
            category = group_category(policy, texts[p])
            current = (int(em.rows[p]), category) if category else None  # a group naming none ends the last
        elif role[p] == PERSON and current is not None and not (isinstance(cats[p], str) and cats[p]):
            frame.iat[p, col] = current[1]
            counts[current] = counts.get(current, 0) + 1
    ctx.group = current
    for (row, category), count in counts.items():
        em.findings.append(make_finding("category-from-group", lang, row=row, field="category", category=category,
                                        count=count))


class _Side:
    """check_dates and check_numbers on a second thread (chunks of 10,000 rows or more), each
    on a copy of its own columns and with its own findings list. :meth:`dates` and
    :meth:`numbers` wait for their part, put its columns back into the frame and its findings
    into the main list at the place the checks always had, so the output does not change."""

    def __init__(self, em: Emitter, policy: Policy, state: CallState, frame: pd.DataFrame):
        self.em, self.frame = em, frame
        date_keys = [k for k, f in policy.fields.items() if f.kind in ("date", "month")]
        number_keys = [k for k, f in policy.fields.items() if f.kind in ("number", "phone", "account")]
        d_em, d_sub = Emitter(em.ctx, policy, em.rows, []), frame[date_keys].copy(deep=False)
        n_em, n_sub = Emitter(em.ctx, policy, em.rows, []), frame[number_keys].copy(deep=False)
        jobs = [(d_em, d_sub, lambda: check_dates(d_em, d_sub, policy, state)),
                (n_em, n_sub, lambda: check_numbers(n_em, n_sub, policy))]
        if len(frame) >= THREADS_FROM_ROWS:
            running = Jobs([job for _, _, job in jobs], "retiree-tools-checks")  # in order, on one thread
            self._parts = [(e, sub, lambda k=k: running.result(k)) for k, (e, sub, _) in enumerate(jobs)]
        else:
            self._parts = [(e, sub, job) for e, sub, job in jobs]

    def _take(self, k: int):
        part_em, sub, result = self._parts[k]
        value = result()
        for key in sub.columns:
            self.frame[key] = sub[key]
        self.em.findings.extend(part_em.findings)
        self.em.error_rows |= part_em.error_rows
        return value

    def dates(self):
        return self._take(0)

    def numbers(self) -> None:
        self._take(1)


def _normalised(raw: pd.DataFrame, indices: list[int], n: int) -> list[pd.Series]:
    """normalise_text over the given columns, two at a time: Arrow's kernels release the GIL,
    so the second core takes half of the columns."""
    def one(idx: int) -> pd.Series:
        return normalise_text(raw[idx]) if idx in raw else pd.Series([None] * n, dtype=object)

    if n < THREADS_FROM_ROWS or len(indices) < 2:
        return [one(i) for i in indices]
    return map_pair(one, indices, "retiree-tools-normalise")
