"""Citizen ID numbers (GB 11643-1999, legacy 15-digit GB 11643-1989), checked with numpy over
whole columns.

We do not use python-stdnum's ``cn.ric.validate``: it rejects numbers whose birth year precedes
the creation of their county code, which is normal for retirees (their numbers were issued
long after birth, under the codes of the day). We use
its area-code table only to *warn* about codes that never existed.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import numpy as np

from retiree_tools.domain.dates import valid_days

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = np.array(list("10X98765432"))
ID18 = re.compile(r"^\d{17}[\dX]$")
ID15 = re.compile(r"^\d{15}$")
_SCI = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)


def check_chars(first17: np.ndarray) -> np.ndarray:
    """Check characters for an array of 17-digit strings (``<U17`` or object)."""
    if len(first17) == 0:
        return np.array([], dtype="<U1")
    codes = np.frombuffer(np.asarray(first17, dtype="<U17").tobytes(), dtype=np.uint32).reshape(-1, 17)
    digits = codes.astype(np.int64) - 48
    return _CHECK[(digits @ _WEIGHTS) % 11]


def parts18(ids: np.ndarray, today: date) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For an array of 18-character IDs (``<U18``, or their ASCII codes as uint8 rows of 18):
    (expected check characters, check ok,
    birth year, month, day, birth date valid, male), all vectorised."""
    if len(ids) == 0:
        z = np.zeros(0, np.int64)
        return np.array([], dtype="<U1"), z.astype(bool), z, z, z, z.astype(bool), z.astype(bool)
    if ids.dtype == np.uint8:  # already the characters' codes, one row of 18 per ID (ASCII)
        codes = ids.astype(np.int64)
    else:
        codes = np.frombuffer(np.asarray(ids, dtype="<U18").tobytes(), dtype=np.uint32).reshape(-1, 18).astype(np.int64)
    digits = codes[:, :17] - 48
    expected = _CHECK[(digits @ _WEIGHTS) % 11]
    last = np.where(codes[:, 17] == ord("X"), "X", (codes[:, 17] - 48).astype(str))
    ok = expected == last
    y = digits[:, 6] * 1000 + digits[:, 7] * 100 + digits[:, 8] * 10 + digits[:, 9]
    m = digits[:, 10] * 10 + digits[:, 11]
    d = digits[:, 12] * 10 + digits[:, 13]
    key = y * 10000 + m * 100 + d
    birth_ok = valid_days(y, m, d) & (d >= 1) & (y >= 1880) & (key <= today.year * 10000 + today.month * 100 + today.day)
    return expected, ok, y, m, d, birth_ok, digits[:, 16] % 2 == 1


def valid_birth(yyyymmdd: str, today: date) -> bool:
    """The birth date check of :func:`parts18` for one ID, the plain way (its oracle in tests)."""
    try:
        d = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return date(1880, 1, 1) <= d <= today


def check_char(first17: str) -> str:
    return str(check_chars(np.array([first17]))[0])


def normalise_id(value: str) -> str:
    """Fold spaces and case: ``３２１０…ｘ`` → ``3210…X`` (width folding is done by the caller)."""
    return value.replace(" ", "").replace("-", "").upper()


def upgrade_15(id15: str) -> str:
    """Legacy 15-digit number → 18 digits: insert ``19`` after the area code, add the check."""
    body = id15[:6] + "19" + id15[6:]
    return body + check_char(body)


def looks_like_float(value: str) -> bool:
    """True when an ID/account text is what Excel makes of a number: scientific notation, a
    trailing ``.0``, or an integer that is exactly a float with at most 15 significant digits
    (Excel keeps 15) — its binary digits, e.g. ``321002196005009984`` read back from
    3.2100219600501E+17, or the digits Excel shows, ``321002196005010000``. A text ID can end
    in 000 too: the callers look for more evidence (a wrong check character, a column of such
    numbers) before they call an ID cut."""
    if _SCI.match(value) or value.endswith(".0"):
        return True
    if not (value.isascii() and value.isdigit()) or not 16 <= len(value) <= 320:  # a float has at most 309 integer digits
        return False
    n = int(value)
    f = float(n)
    if int(f) == n and float(f"{f:.15g}") == f:
        return True
    return value.endswith("000") and float(f"{f:.15g}") == float(value)


def shown_by_excel(value: str) -> str:
    """The digits Excel shows of a number it kept as a float: 15 significant digits, the rest
    zeros (``321011194012180992`` → ``321011194012181000``); other text as it is."""
    try:
        f = float(value)
    except ValueError:
        return value
    if f != f or abs(f) == float("inf") or abs(f) < 1e15:
        return value.removesuffix(".0") if value.endswith(".0") else value
    from decimal import Decimal

    return str(int(Decimal(f"{f:.15g}")))


def luhn_ok(digits: str) -> bool:
    """Luhn check (bank cards of UnionPay carry one; old passbook numbers may not)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@lru_cache(maxsize=1)
def county_codes() -> frozenset[str]:
    """Every code python-stdnum's ``cn/loc`` table knows as a county-level unit, historical
    codes included: data/cn_counties.txt, generated from it by scripts/gen_areas.py (parsing
    stdnum's table costs ~0.08 s per process; a test keeps the file in step with it)."""
    from importlib import resources

    return frozenset(resources.files("retiree_tools").joinpath("data/cn_counties.txt").read_text("ascii").split())


def area_known(area: str) -> bool:
    """Whether ``area`` was ever a county-level code. Unknown codes are warnings only."""
    return area in county_codes()
