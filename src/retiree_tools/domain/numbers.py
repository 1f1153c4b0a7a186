"""Numbers as offices type them (``3,200.50``, ``3200元``), and digit strings that are what Excel
makes of a long number it stored as a float (IDs and bank accounts typed as numbers)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from retiree_tools.domain.text import text_arrow


def matches_mask(arr, pattern: str) -> np.ndarray:
    """Whether each text of an Arrow string array matches the RE2 ``pattern`` (null: False)."""
    import pyarrow.compute as pc

    return pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(zero_copy_only=False)


def float_like_digits(arr) -> np.ndarray:
    """Digit strings of 16+ characters whose value, as a float, has at most 15 significant
    digits — the candidates for "Excel stored this as a number" (checked exactly later)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    long_digits = matches_mask(arr, r"^\d{16,20}$")
    out = np.zeros(len(arr), bool)
    pos = np.flatnonzero(long_digits)
    if len(pos):
        f = pc.cast(pc.take(arr, pa.array(pos)), pa.float64()).to_numpy(zero_copy_only=False)
        scale = 10.0 ** (np.floor(np.log10(f)) - 14)
        out[pos] = np.round(f / scale) * scale == f
    return out


def parse_numbers(s: pd.Series) -> pd.Series:
    """Numbers of a text column (``3,200.50``, ``3200元``), None where blank or not a finite
    number; the regular forms are parsed by Arrow, the rest one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pc.replace_substring_regex(text_arrow(s, stringify=False), "[,，元 ]", "")
    plain = pc.fill_null(pc.match_substring_regex(arr, r"^[+-]?\d{1,15}(\.\d{1,15})?$"), False)
    values = np.full(len(arr), np.nan)
    pos = np.flatnonzero(plain.to_numpy(zero_copy_only=False))
    if len(pos):
        values[pos] = pc.cast(pc.take(arr, pa.array(pos)), pa.float64()).to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(arr.is_valid().to_numpy(zero_copy_only=False) & ~plain.to_numpy(zero_copy_only=False))
    for p in rest:
        v = parse_number(arr[int(p)].as_py())
        values[p] = np.nan if v is None else v
    out = pd.Series(values, index=s.index).astype(object)
    return out.where(~np.isnan(values), None)


def parse_number(text: str) -> float | None:
    """``3,200.50`` / ``3200元`` → 3200.5; not a finite number → None."""
    try:
        value = float(text.replace(",", "").replace("，", "").replace("元", "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None
