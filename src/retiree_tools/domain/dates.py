"""Parsing of the date forms offices type: Excel serials, datetimes and many text forms.

Each distinct text is parsed once (columns repeat values a lot), then mapped back over the
column. A parsed value is (year, month, day), with day 0 when only year and month are given.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pandas as pd

from retiree_tools.domain.text import text_arrow

_EXCEL_EPOCH = date(1899, 12, 30)
_PATTERNS = [
    # 1960-05-01, 1960/5/1, 1960.5.1, 1960-05-01 00:00:00, 1960-05-01T00:00:00
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    # 1960年5月1日, 1960年05月01号
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    # 1960-05, 1960/5, 1960.05, 1960.5
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    # 1960年5月, 1960年05月份
    re.compile(r"^(\d{4})年(\d{1,2})月份?$"),
]
_YYYYMMDD = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YYYYMM = re.compile(r"^(\d{4})(\d{2})$")
_SERIAL = re.compile(r"^\d{1,5}(\.\d+)?$")
_MIN_SERIAL = 3654  # 1910-01-01

INVALID = (0, 0, 0)


DAY_YEARS = (1900, 2200)  # a day typed for a campaign (a deadline, a form's date, --as-of): year 0 or 9999 is no such day


def parse_day(text: str, month_end: bool = True) -> date | None:
    """A date typed by a person — on the command line (``--date``, ``--as-of``) or in a
    targets file — in any form :func:`parse_one` reads (2026-11-23, 2026/11/23, 2026年11月23日,
    20261123, full-width digits); ``None`` when it is none. A year and month alone means the
    month's last day (a deadline), or ``None`` when ``month_end`` is false (a form's date)."""
    import calendar

    from retiree_tools.domain.text import fold_width

    y, m, d = parse_one(fold_width(text).strip())
    if (y, m, d) == INVALID or (d == 0 and not month_end) or not DAY_YEARS[0] <= y <= DAY_YEARS[1]:
        return None
    return date(y, m, d or calendar.monthrange(y, m)[1])


def parse_one(text: str) -> tuple[int, int, int]:
    """(year, month, day) or :data:`INVALID`; day is 0 for a year-month value."""
    t = text.strip().replace(" ", "") if "年" in text else text.strip()
    for i, pat in enumerate(_PATTERNS):
        m = pat.match(t)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            d = int(m.group(3)) if i < 2 else 0
            return _checked(y, mo, d)
    m = _YYYYMMDD.match(t)
    if m and 1800 <= int(m.group(1)) <= 2200:
        return _checked(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _YYYYMM.match(t)
    if m and 1800 <= int(m.group(1)) <= 2200:
        return _checked(int(m.group(1)), int(m.group(2)), 0)
    if _SERIAL.match(t):
        serial = float(t)
        # an Excel serial before 1910 (3654) is no date of a retiree's life: 56.11 is 1956-11 typed
        # as a number, not day 56 of 1900 — left unread (date-invalid), never guessed
        if _MIN_SERIAL <= serial < 80000 and not (1800 <= serial <= 2200 and "." not in t):
            d = _EXCEL_EPOCH + timedelta(days=int(serial))
            return (d.year, d.month, d.day)
    return INVALID


def _checked(y: int, m: int, d: int) -> tuple[int, int, int]:
    if not 1 <= m <= 12:
        return INVALID
    if d:
        try:
            date(y, m, d)
        except ValueError:
            return INVALID
    return (y, m, d)


# the forms most cells take, parsed by Arrow for the whole column; the others go through
# parse_one (once per distinct text). Both give the same result for a text this matches.
_FAST = (r"^(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)?"
         r"|年(?P<m2>\d{1,2})月(?:(?P<d2>\d{1,2})[日号]?|份)?)$")
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def valid_days(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Whether month ``m`` is 1–12 and day ``d`` at most that month's length (leap years
    counted); ``d`` of 0 passes (the caller decides whether a day is needed)."""
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    return (m >= 1) & (m <= 12) & (d <= _MONTH_DAYS[np.clip(m, 0, 12)] + ((m == 2) & leap))


def parse_column(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a column of texts (None/NaN for blank) → arrays year, month, day (0 = unknown)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(values)
    years = np.zeros(n, dtype=np.int32)
    months = np.zeros(n, dtype=np.int32)
    days = np.zeros(n, dtype=np.int32)
    arr = text_arrow(values)
    if arr.null_count == n:
        return years, months, days
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr, pa.string())
    ext = pc.extract_regex(arr, _FAST)
    fast = ext.is_valid().to_numpy(zero_copy_only=False)

    def number(*names: str) -> np.ndarray:
        out = np.zeros(n, np.int64)
        for name in names:
            col = pc.fill_null(ext.field(name), "")
            out += pc.cast(pc.if_else(pc.equal(col, ""), "0", col), pa.int64()).to_numpy(zero_copy_only=False)
        return out

    if fast.any():
        y, m, d = number("y"), number("m", "m2"), number("d", "d2")
        ok = fast & ((d == 0) & (m >= 1) & (m <= 12) | (y >= 1) & valid_days(y, m, d))
        years[ok], months[ok], days[ok] = y[ok], m[ok], d[ok]
    rest = np.flatnonzero(arr.is_valid().to_numpy(zero_copy_only=False) & ~fast)
    if len(rest):
        texts = np.array(pc.take(arr, pa.array(rest)).to_pylist(), dtype=object)
        codes, uniques = pd.factorize(texts)
        parsed = np.array([parse_one(u) for u in uniques], dtype=np.int32).reshape(-1, 3)
        years[rest], months[rest], days[rest] = parsed[codes, 0], parsed[codes, 1], parsed[codes, 2]
    return years, months, days


def fmt(y: int, m: int, d: int = 0) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}" if d else f"{y:04d}-{m:02d}"


def format_column(y: np.ndarray, m: np.ndarray, d: np.ndarray, valid: np.ndarray) -> pd.Series:
    """ISO text (``1960-05`` or ``1960-05-01``) for each valid entry, None elsewhere; each
    distinct date is formatted once."""
    key = np.where(valid, (y.astype(np.int64) * 13 + m) * 32 + d, -1)
    codes, uniques = pd.factorize(key)
    texts = np.array([None if k < 0 else fmt(int(k // 416), int(k // 32 % 13), int(k % 32)) for k in uniques], dtype=object)
    return pd.Series(texts[codes] if len(codes) else np.array([], dtype=object), dtype=object)
