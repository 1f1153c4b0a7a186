"""Helpers for samples/generate.py: ID numbers, credit codes, retirement ages, byte-stable files."""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from datetime import date, datetime
from pathlib import Path

FILL_DATE = date(2026, 10, 15)  # 填报日期 of the sample batch; "today" for the generated data
FIXED_STAMP = datetime(2026, 10, 15)  # workbook created/modified and zip entry times
LATEST_RETIREMENT = (2026, 9)  # clean rows retire no later than this month

# ---- citizen ID (GB 11643-1999) ----
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check(body17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]


def make_id(rng: random.Random, area: str, birth: date, male: bool,
            want_x: bool | None = None) -> str:
    """A valid 18-character ID; the 17th digit is odd for men. ``want_x``: True = the check
    character must be X, False = must be a digit, None = either."""
    while True:
        seq = f"{rng.randrange(0, 100):02d}{rng.choice('13579' if male else '02468')}"
        body = f"{area}{birth:%Y%m%d}{seq}"
        check = id_check(body)
        if want_x is None or want_x == (check == "X"):
            return body + check


def legacy_15(id18: str) -> str:
    """The 15-digit form of an 18-digit ID (drop century and check)."""
    return id18[:6] + id18[8:17]


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


# ---- unified social credit code (GB 32100-2015) ----
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check(body17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(rng: random.Random, area: str) -> str:
    """'9' (market regulator) '1' (enterprise) + area + a valid GB 11714 organisation code + check."""
    org8 = f"{rng.randrange(10**7, 10**8)}"
    c = 11 - sum(int(d) * w for d, w in zip(org8, _ORG_WEIGHTS, strict=True)) % 11
    org = org8 + {10: "X", 11: "0"}.get(c, str(c))
    body = f"91{area}{org}"
    return body + uscc_check(body)


# ---- months and statutory retirement (2024 reform: 《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》) ----
Month = tuple[int, int]


def add_months(ym: Month, k: int) -> Month:
    n = ym[0] * 12 + ym[1] - 1 + k
    return n // 12, n % 12 + 1


def statutory_retirement(birth: date, male: bool, post: str) -> Month:
    """Month the statutory age is reached: men 60, women cadres 55, women workers 50, plus the
    2025 delay (one month per ``step`` birth months from the first affected month, capped)."""
    if male:
        orig, first, step, cap = 60, (1965, 1), 4, 36
    elif post == "干部":
        orig, first, step, cap = 55, (1970, 1), 4, 36
    else:
        orig, first, step, cap = 50, (1975, 1), 2, 60
    n = (birth.year * 12 + birth.month) - (first[0] * 12 + first[1])
    delay = 0 if n < 0 else min(n // step + 1, cap)
    return add_months((birth.year, birth.month), orig * 12 + delay)


def luhn_account(rng: random.Random, prefix: str, length: int = 19) -> str:
    digits = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return digits + str((10 - total % 10) % 10)


# ---- byte-stable output ----
def write_xlsx(wb, path: Path) -> None:
    """Save an openpyxl workbook with fixed document dates and zip entry times, so that the same
    input gives the same bytes (openpyxl's own save stamps "now" into both)."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = wb.properties.modified = FIXED_STAMP
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_STAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    path.write_bytes(out.getvalue())


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str) -> None:
    """CSV with CRLF line ends (as Excel exports them); ``utf-8-sig`` writes the BOM."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
