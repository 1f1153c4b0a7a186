"""The citizen ID number (GB 11643): format, check character, birth date inside it, the area
code, legacy 15-digit numbers, and numbers Excel stored as floats (last digits lost)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retiree_tools.domain import idcard
from retiree_tools.domain.numbers import float_like_digits
from retiree_tools.findings.model import column_letter, make_finding
from retiree_tools.validate.rules.base import (
    CallState,
    Emitter,
    FileContext,
    arrow_of,
    matches_mask,
)
from retiree_tools.validate.rules.duplicates import check_duplicates

EMITS = ("id-format", "id-checksum", "id-birthdate", "id-precision-lost", "id-legacy", "id-area-unknown",
         "id-column-numeric")
NUMERIC_COLUMN_SHARE = 0.5  # a column with this share of IDs stored as numbers gets one file-level note


@dataclass
class IdParts:
    """What the 18-digit IDs say, per row (0 / False where the ID is not 18 characters)."""

    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    male: np.ndarray


def check_ids(em: Emitter, frame: pd.DataFrame, state: CallState, ctx: FileContext) -> tuple[pd.Series, np.ndarray, IdParts]:
    """Check the ID column; return the normalised IDs, which rows hold a valid ID, and what
    the valid ones say (birth date, gender). Duplicates are checked among the valid ones."""
    import pyarrow.compute as pc

    m = len(frame)
    ids_pa = pc.utf8_upper(pc.replace_substring_regex(arrow_of(frame["id_number"]), "[ -]", ""))
    # a 15-digit legacy number stored as a number comes back as 321011401218123.0: exact (15 digits fit)
    ids_pa = pc.replace_substring_regex(ids_pa, r"^(\d{15})\.0$", r"\1")
    arr = np.array(ids_pa.to_pylist(), dtype=object)
    present = ids_pa.is_valid().to_numpy(zero_copy_only=False)
    is18 = matches_mask(ids_pa, r"^\d{17}[\dX]$")
    is15 = matches_mask(ids_pa, r"^\d{15}$")
    # a number Excel kept as a float: only rows that fail a check are looked at (few)
    suspect = np.flatnonzero(present & ~is18)
    floaty = np.zeros(m, bool)
    floaty[suspect] = [idcard.looks_like_float(arr[p]) for p in suspect]
    # legacy 15-digit numbers: convert, warn
    upgraded = np.flatnonzero(is15 & ~floaty)
    for pos in upgraded:
        conv = idcard.upgrade_15(arr[pos])
        em.emit("id-legacy", "id_number", [pos], [arr[pos]], converted=conv)
        arr[pos] = conv
        is18[pos] = True
    idx = np.flatnonzero(is18)
    expected, check_ok, by, bm, bd, birth_valid, male = idcard.parts18(_codes18(ids_pa, arr, idx, upgraded), state.today)
    parts = IdParts(np.zeros(m, np.int64), np.zeros(m, np.int64), np.zeros(m, np.int64), np.zeros(m, bool))
    parts.year[idx], parts.month[idx], parts.day[idx], parts.male[idx] = by, bm, bd, male
    checksum_bad = np.zeros(m, bool)
    checksum_bad[idx[~check_ok]] = True
    birth_ok = np.zeros(m, bool)
    birth_ok[idx] = birth_valid
    suspect = np.flatnonzero(checksum_bad)
    floaty[suspect] = [idcard.looks_like_float(arr[p]) for p in suspect]
    # a birth date the rounding broke: the number was cut, the date is no typing error
    bad_birth = is18 & ~birth_ok & ~checksum_bad
    suspect = np.flatnonzero(bad_birth & ~floaty)
    floaty[suspect] = [idcard.looks_like_float(arr[p]) for p in suspect]
    lost = (checksum_bad | bad_birth) & floaty
    _precision_lost(em, np.flatnonzero(lost), arr)
    only_bad = checksum_bad & ~floaty
    exp_map = dict(zip(idx.tolist(), expected.tolist(), strict=True))
    em.emit("id-checksum", "id_number", np.flatnonzero(only_bad), arr[only_bad],
            expected=[exp_map[i] for i in np.flatnonzero(only_bad)])
    fmt_bad = present & ~is18 & ~is15
    lost_fmt = fmt_bad & floaty
    _precision_lost(em, np.flatnonzero(lost_fmt), arr)
    em.emit("id-format", "id_number", np.flatnonzero(fmt_bad & ~floaty), arr[fmt_bad & ~floaty],
            length=[len(arr[p]) for p in np.flatnonzero(fmt_bad & ~floaty)])
    bad_birth &= ~floaty
    em.emit("id-birthdate", "id_number", np.flatnonzero(bad_birth), arr[bad_birth],
            birth=[arr[p][6:14] for p in np.flatnonzero(bad_birth)])
    ok = is18 & ~checksum_bad & birth_ok
    also = np.zeros(0, np.int64)
    if (lost | lost_fmt).any():
        # the column holds numbers Excel kept to 15 digits: one of eleven such numbers still has
        # a fitting check character, so in this column a valid-looking ID that is exactly such a
        # number is as lost as the others (a real text ID is one in about a thousand)
        # (the evidence is the column's: alone, a valid ID that ends in 000 is an ID that ends in 000)
        suspect = np.flatnonzero(ok & float_like_digits(ids_pa))
        also = suspect[[idcard.looks_like_float(arr[p]) for p in suspect]] if len(suspect) else suspect
        _precision_lost(em, also, arr)
        ok[also] = False
    numeric = int((lost | lost_fmt).sum()) + len(also)
    if numeric and numeric >= NUMERIC_COLUMN_SHARE * int(present.sum()) and not ctx.numeric_ids_noted:
        ctx.numeric_ids_noted = True
        em.findings.append(make_finding("id-column-numeric", ctx.lang, row=ctx.layout.header_row,
                                        column=column_letter(ctx.layout.columns["id_number"]),
                                        header=ctx.layout.headers.get(ctx.layout.columns["id_number"]),
                                        field="id_number", count=numeric, total=int(present.sum())))
    # unknown area codes: a warning, checked once per distinct code
    if em.policy.thresholds.warn_unknown_area_code and ok.any():
        # once per distinct area code (an upgraded 15-digit ID keeps its first six characters)
        areas = pc.dictionary_encode(pc.utf8_slice_codeunits(ids_pa, 0, 6))
        known = np.array([a is None or idcard.area_known(a) for a in areas.dictionary.to_pylist()] + [True])
        pos = np.flatnonzero(ok & ~known[pc.fill_null(areas.indices, -1).to_numpy(zero_copy_only=False)])
        em.emit("id-area-unknown", "id_number", pos, arr[pos], area=[arr[p][:6] for p in pos])
    check_duplicates(em, state, ctx, arr, ok)
    return pd.Series(arr, index=frame.index, dtype=object), ok, parts


def _precision_lost(em: Emitter, pos: np.ndarray, arr: np.ndarray) -> None:
    em.emit("id-precision-lost", "id_number", pos, arr[pos], shown=[idcard.shown_by_excel(arr[p]) for p in pos])


def _codes18(ids_pa, arr: np.ndarray, idx: np.ndarray, upgraded: np.ndarray) -> np.ndarray:
    """The 18 ASCII codes of each ID at ``idx`` (all matched ``^\\d{17}[\\dX]$``), read straight
    from the Arrow buffer; from the Python strings when some were upgraded from 15 digits."""
    import pyarrow as pa
    import pyarrow.compute as pc

    width = {pa.string(): np.int32, pa.large_string(): np.int64}.get(ids_pa.type)
    if len(upgraded) or not len(idx) or width is None:
        return np.frombuffer(arr[idx].astype("<U18").tobytes(), dtype=np.uint32).reshape(-1, 18).astype(np.uint8)
    mask = np.zeros(len(arr), bool)
    mask[idx] = True
    f = pc.filter(ids_pa, pa.array(mask))
    offsets = np.frombuffer(f.buffers()[1], dtype=width)[f.offset:f.offset + len(f) + 1]
    return np.frombuffer(f.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]].reshape(-1, 18)
