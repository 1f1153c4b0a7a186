"""The same ID number twice, within and across the chunks and files of one call."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from retiree_tools.texts import tr
from retiree_tools.validate.rules.base import CallState, Emitter, FileContext

EMITS = ("id-duplicate",)


def check_duplicates(em: Emitter, state: CallState, ctx: FileContext, arr: np.ndarray, ok: np.ndarray) -> None:
    """id-duplicate on every later occurrence of a valid ID, naming where it was first seen
    (``state.seen_ids`` remembers that across chunks and files)."""
    seen = state.seen_ids
    pos_ok = np.flatnonzero(ok)
    if not len(pos_ok):
        return
    labels = state.seen_labels
    if not labels or labels[-1] != ctx.label:
        labels.append(ctx.label)
    here = (len(labels) - 1) << 32
    codes, uniq = pd.factorize(arr[pos_ok])
    _, first_at = np.unique(codes, return_index=True)  # where each distinct ID first occurs here
    uniq = uniq.tolist() if hasattr(uniq, "tolist") else list(uniq)
    prior = np.array(list(map(seen.get, uniq)), dtype=object)
    before = prior != None  # noqa: E711 - elementwise
    first_rows = em.rows[pos_ok[first_at]].astype(np.int64)
    seen.update(zip(itertools.compress(uniq, ~before), (here + first_rows[~before]).tolist(), strict=True))
    dup = (np.arange(len(pos_ok)) != first_at[codes]) | before[codes]
    where, other_rows, other_files = [], [], []
    lang = ctx.lang
    for c in codes[dup].tolist():
        packed = prior[c] if before[c] else here + int(first_rows[c])
        label, row = labels[packed >> 32], packed & 0xFFFFFFFF
        same = label == ctx.label
        where.append(tr("validate.row_ref", lang, row=row) if same else tr("validate.file_row_ref", lang, file=label, row=row))
        other_rows.append(row)
        other_files.append(None if same else label)
    pos = pos_ok[dup]
    em.emit("id-duplicate", "id_number", pos, arr[pos], other=where, other_row=other_rows, other_file=other_files)
