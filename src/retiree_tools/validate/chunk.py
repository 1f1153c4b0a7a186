"""The chunk pipeline: normalise each field once, drop rows that are not people, run the rules.

:func:`check_chunk` takes the raw text columns of consecutive rows of one file, normalises them
into canonical fields, runs the rules of :mod:`retiree_tools.validate.rules` (which append
findings), and returns the normalised frame that ``assign`` consumes. State that spans chunks
and files (duplicate IDs) lives in :class:`~retiree_tools.validate.rules.base.CallState`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from retiree_tools.domain.text import clean_value
from retiree_tools.findings.model import Finding
from retiree_tools.io.workers import Jobs, map_pair
from retiree_tools.policy.model import Policy
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


@lru_cache(maxsize=8)
def _footer_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    """The policy's footer words as one prefix pattern, folded like the cells they are matched
    against (a full-width colon is a colon)."""
    folded = sorted({clean_value(w) for w in words if w.strip()}, key=len, reverse=True)
    return re.compile("^(?:" + "|".join(map(re.escape, folded)) + ")") if folded else None


def footer_rows(frame: pd.DataFrame, policy: Policy, nonblank: np.ndarray) -> np.ndarray:
    """Rows that are totals or signatures (合计, 填表人 …), not people: no ID, and the first
    text of the row starts with one of the policy's ``[layout] footer_words``."""
    n = len(frame)
    footer = np.zeros(n, bool)
    pattern = _footer_pattern(tuple(policy.layout.footer_words))
    if pattern is None or not n:
        return footer
    id_blank = frame["id_number"].isna().to_numpy() if "id_number" in frame else np.ones(n, bool)
    cand = np.flatnonzero(id_blank & nonblank)
    if len(cand):
        order = [c for c in frame.columns if c != "id_number"]
        for pos, rec in zip(cand, frame.iloc[cand][order].itertuples(index=False), strict=True):
            first = next((v for v in rec if isinstance(v, str)), "")
            footer[pos] = bool(pattern.match(first))
    return footer


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
    # drop blank and footer rows: they are not people
    nonblank = frame.notna().any(axis=1).to_numpy()
    keep = nonblank & ~footer_rows(frame, policy, nonblank)
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
