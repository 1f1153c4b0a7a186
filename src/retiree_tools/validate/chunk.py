"""Row checks over whole columns: normalise each field once, then vectorised rules emit findings.

:func:`check_chunk` takes the raw text columns of consecutive rows of one file, normalises them into canonical fields, appends findings, and returns the normalised frame that
``assign`` consumes. State that spans chunks and files (duplicate IDs) lives in :class:`CallState`.
The rules themselves are in checks_identity (IDs, dates, ages) and checks_values (choices,
numbers, phones, accounts); shared pieces in checks_base.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from retiree_tools.findings.model import Finding, make_finding
from retiree_tools.io.source import MAX_CELL_CHARS
from retiree_tools.policy.model import Policy
from retiree_tools.validate.rules.base import (
    CallState,
    Emitter,
    FileContext,
    as_objects,
    normalise_text,
)
from retiree_tools.validate.rules.identity import (
    check_dates,
    check_id_consistency,
    check_ids,
    check_retirement_age,
)
from retiree_tools.validate.rules.values import check_choices, check_numbers

__all__ = ["CallState", "FileContext", "as_objects", "check_chunk", "normalise_text"]

THREADS_FROM_ROWS = 10_000  # chunks this long use a second thread (below, threads cost more than they save)
_FOOTER = re.compile(r"^(合计|总计|小计|填表人|填报人|审核人|负责人|制表|单位负责人|经办人|联系人[:：]|备注[:：]|注[:：])")


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
    present = frame.notna()
    nonblank = present.any(axis=1).to_numpy()
    id_blank = frame["id_number"].isna().to_numpy() if "id_number" in frame else np.ones(n, bool)
    footer = np.zeros(n, bool)
    cand = np.flatnonzero(id_blank & nonblank)
    if len(cand):  # rows without an ID: is the first text a footer (合计, 填表人 …)?
        order = [c for c in frame.columns if c != "id_number"]
        for pos, rec in zip(cand, frame.iloc[cand][order].itertuples(index=False), strict=True):
            first = next((v for v in rec if isinstance(v, str)), "")
            footer[pos] = bool(_FOOTER.match(first))
    keep = nonblank & ~footer
    frame = frame[keep].reset_index(drop=True)
    rows = rows[keep]
    em = Emitter(ctx, policy, rows, findings)
    m = len(frame)
    for key in policy.fields:
        if key not in frame:
            frame[key] = pd.Series([None] * m, dtype=object)

    _check_lengths(em, frame)
    # dates and numbers read and write only their own columns and are mostly Arrow work (no
    # GIL): they run beside the ID and choice checks, on copies of their columns, with their
    # own findings lists, which are put back in the order the checks always had
    side = _Side(em, policy, state, frame)
    _check_required(em, frame, policy)
    ids, id_ok, id_parts = check_ids(em, frame, state, ctx)
    frame["id_number"] = ids
    check_choices(em, frame, policy)
    ym = side.dates()
    check_id_consistency(em, frame, id_ok, id_parts, ym)
    check_retirement_age(em, frame, ids, id_ok, id_parts, ym, policy, state)
    side.numbers()
    _check_documents_and_category(em, frame, policy)

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
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor(1, thread_name_prefix="retiree-tools-checks")
            self._parts = [(e, sub, pool.submit(job).result) for e, sub, job in jobs]
            pool.shutdown(wait=False)
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
    from concurrent.futures import ThreadPoolExecutor

    def one(idx: int) -> pd.Series:
        return normalise_text(raw[idx]) if idx in raw else pd.Series([None] * n, dtype=object)

    if n < THREADS_FROM_ROWS or len(indices) < 2:
        return [one(i) for i in indices]
    with ThreadPoolExecutor(2, thread_name_prefix="retiree-tools-normalise") as pool:
        return list(pool.map(one, indices))


def _check_lengths(em: Emitter, frame: pd.DataFrame) -> None:
    for key in list(em.ctx.layout.columns):
        s = frame[key]
        lengths = s.str.len().fillna(0).to_numpy()
        pos = np.flatnonzero(lengths > MAX_CELL_CHARS)
        if len(pos):
            em.emit("value-too-long", key, pos, None, length=lengths[pos].astype(int).tolist())
            frame.loc[pos, key] = s.iloc[pos].str.slice(0, 200)


def _check_required(em: Emitter, frame: pd.DataFrame, policy: Policy) -> None:
    for key in policy.required.values:
        if key in em.ctx.layout.columns:
            pos = np.flatnonzero(frame[key].isna().to_numpy())
            em.emit("missing-value", key, pos)
    for key in policy.required.recommended:
        if key in em.ctx.layout.columns and key not in policy.required.values:
            pos = np.flatnonzero(frame[key].isna().to_numpy())
            em.emit("missing-value", key, pos, severity="warning")
    for group in policy.required.any_of:
        present = [k for k in group if k in em.ctx.layout.columns]
        if not present:
            continue
        none = np.logical_and.reduce([frame[k].isna().to_numpy() for k in present])
        headers = "、".join(policy.fields[k].header for k in group)
        em.emit("location-missing", present[0], np.flatnonzero(none), headers=headers)


def _check_documents_and_category(em: Emitter, frame: pd.DataFrame, policy: Policy) -> None:
    lang = em.ctx.lang
    cats = frame["category"].to_numpy(dtype=object)
    cadre = frame["cadre_level"].to_numpy(dtype=object)
    m = len(frame)
    handed = np.ones(m, bool)
    file_transfer = np.ones(m, bool)
    reasons = np.array([None] * m, dtype=object)
    codes, uniques = pd.factorize(cats)  # compare small integers, not 100k strings per category
    where = {u: i for i, u in enumerate(uniques.tolist() if hasattr(uniques, "tolist") else uniques)}

    def of(name: str) -> np.ndarray:
        return codes == where[name] if name in where else np.zeros(m, bool)

    for name, cat in policy.categories.items():
        sel = of(name)
        handed[sel] = cat.handed_over
        file_transfer[sel] = cat.file_transfer and cat.handed_over
        if not cat.handed_over:
            reasons[sel] = cat.reason_en if lang == "en" and cat.reason_en else cat.reason
    central = cadre == "中央管理"
    central_cat = next((n for n, c in policy.categories.items() if not c.handed_over and "中央" in n), None)
    if central.any():
        handed[central] = False
        file_transfer[central] = False
        if central_cat:
            c = policy.categories[central_cat]
            reasons[central & (reasons == None)] = c.reason_en if lang == "en" and c.reason_en else c.reason  # noqa: E711
    county_cadre = cadre == "县级以上党委管理"
    file_transfer[county_cadre] = False
    not_handed = np.flatnonzero(~handed)
    em.emit("not-transferable", "category", not_handed, frame["category"].iloc[not_handed].tolist(),
            category=[cats[p] or cadre[p] for p in not_handed], reason=reasons[not_handed].tolist())
    # required documents of handed-over people
    missing_cols: set[str] = set()
    have_doc: dict[str, np.ndarray] = {}
    for name, cat in policy.categories.items():
        sel = of(name) & handed
        if not sel.any():
            continue
        for doc in cat.documents:
            need = sel & ~(county_cadre & (doc == "doc_file"))
            if doc not in em.ctx.layout.columns:
                missing_cols.add(doc)
                continue
            if doc not in have_doc:  # the column holds True/False objects
                have_doc[doc] = frame[doc].to_numpy(dtype=object) == True  # noqa: E712
            have = have_doc[doc]
            pos = np.flatnonzero(need & ~have)
            em.emit("document-missing", doc, pos, frame[doc].iloc[pos].map(lambda v: "否" if v is False else "").tolist())
    for doc in sorted(missing_cols):
        em.findings.append(make_finding("missing-column", lang, header=policy.fields[doc].header, field=doc))
    frame["handed_over"] = handed
    frame["file_transfer"] = file_transfer
    frame["exclusion_reason"] = reasons
