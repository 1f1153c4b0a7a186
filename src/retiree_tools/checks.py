"""Row checks over whole columns: normalise each field once, then vectorised rules emit findings.

A :class:`Chunk` holds the raw text columns of consecutive rows of one file; :func:`check_chunk`
normalises them into canonical fields, appends findings, and returns the normalised frame that
``assign`` consumes. State that spans chunks and files (duplicate IDs) lives in :class:`CallState`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from . import dates, idcard
from .findings import Finding, column_letter, make_finding
from .headers import Layout
from .policy import Policy
from .reader import MAX_CELL_CHARS
from .retirement import fmt_age
from .textnorm import header_key, normalise_arrow

_FOOTER = re.compile(r"^(合计|总计|小计|填表人|填报人|审核人|负责人|制表|单位负责人|经办人|联系人[:：]|备注[:：]|注[:：])")
# one or more phones (11-digit mobile, or landline with optional area code and extension),
# separated by / , ; 、 (RE2 syntax, for Arrow)
_ONE_PHONE = r"(1[3-9]\d{9}|(0\d{2,3})?[2-9]\d{6,7}(转\d{1,6})?)"
_PHONES_RE2 = rf"^[/,，;；、]*{_ONE_PHONE}([/,，;；、]+{_ONE_PHONE})*[/,，;；、]*$"
_GENDER = {"男": "男", "女": "女", "M": "男", "F": "女", "MALE": "男", "FEMALE": "女", "1": "男", "2": "女", "男性": "男", "女性": "女"}


@dataclass
class CallState:
    """What one call remembers across chunks and files: ID → (file, row) of first sight."""

    seen_ids: dict[str, tuple[str, int]] = field(default_factory=dict)
    today: date = field(default_factory=date.today)


@dataclass
class FileContext:
    path: str
    label: str  # file name shown in duplicate messages
    layout: Layout
    enterprise: str | None
    credit_code: str | None
    lang: str = "zh"


class _Emitter:
    def __init__(self, ctx: FileContext, policy: Policy, rows: np.ndarray, findings: list[Finding]):
        self.ctx, self.policy, self.rows, self.findings = ctx, policy, rows, findings
        self.error_rows: set[int] = set()

    def emit(self, code: str, field_key: str | None, positions, values=None, *, severity=None, **params) -> None:
        col = self.ctx.layout.columns.get(field_key) if field_key else None
        header = self.ctx.layout.headers.get(col) if col is not None else (self.policy.fields[field_key].header if field_key else None)
        pii = self.policy.fields[field_key].pii if field_key in self.policy.fields else None
        for k, pos in enumerate(np.asarray(positions).tolist()):
            per = {name: (v[k] if isinstance(v, list | np.ndarray | pd.Series) else v) for name, v in params.items()}
            per = {name: (v.iloc[k] if isinstance(v, pd.Series) else v) for name, v in per.items()}
            value = values[k] if values is not None else None
            f = make_finding(code, self.ctx.lang, severity=severity, row=int(self.rows[pos]),
                             column=column_letter(col) if col is not None else None, header=header,
                             field=field_key, value=value, pii=pii, **per)
            self.findings.append(f)
            if f.severity == "error":
                self.error_rows.add(pos)


def map_unique(s: pd.Series, fn) -> pd.Series:
    """``fn`` applied once per distinct non-blank value (columns repeat values a lot); blanks
    stay None. Returns an object Series aligned with ``s``."""
    mask = s.notna().to_numpy()
    out = np.full(len(s), None, dtype=object)
    if mask.any():
        codes, uniques = pd.factorize(s[mask])
        mapped = np.empty(len(uniques), dtype=object)
        mapped[:] = [fn(u) for u in uniques]
        out[mask] = mapped[codes]
    return pd.Series(out, index=s.index, dtype=object)


def normalise_text(raw: pd.Series) -> pd.Series:
    """Fold width and spaces of each non-blank text (vectorised over Arrow); blanks → missing."""
    import pyarrow as pa

    if hasattr(raw.array, "__arrow_array__"):  # Arrow-backed (xlsx reader, pandas 3 str)
        arr = pa.array(raw.array)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
    else:
        values = raw.to_numpy(dtype=object)
        arr = pa.array([v if isinstance(v, str) else (None if v is None or v != v else str(v)) for v in values], type=pa.string())
    return pd.Series(pd.arrays.ArrowExtensionArray(normalise_arrow(arr)), index=raw.index)


def check_chunk(ctx: FileContext, policy: Policy, state: CallState, first_row: int, raw: pd.DataFrame,
                findings: list[Finding], objects: bool = True) -> pd.DataFrame:
    """Normalise and check one chunk; append findings; return the normalised people frame
    (with plain Python objects and None for blanks when ``objects``, as assign wants it)."""
    lay = ctx.layout
    n = len(raw)
    cols = {key: normalise_text(raw[idx]) if idx in raw else pd.Series([None] * n, dtype=object)
            for key, idx in lay.columns.items()}
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
    em = _Emitter(ctx, policy, rows, findings)
    m = len(frame)
    for key in policy.fields:
        if key not in frame:
            frame[key] = pd.Series([None] * m, dtype=object)

    _check_lengths(em, frame)
    _check_required(em, frame, policy)
    ids, id_ok = _check_ids(em, frame, state, ctx)
    frame["id_number"] = ids
    _check_choices(em, frame, policy)
    ym = _check_dates(em, frame, policy, state)
    _check_id_consistency(em, frame, ids, id_ok, ym)
    _check_retirement_age(em, frame, ids, id_ok, ym, policy, state)
    _check_numbers(em, frame, policy)
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


def as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns with None for missing (pandas 3 infers ``str`` columns holding NaN)."""
    out = frame.astype(object)
    return out.where(out.notna(), None)


def _check_lengths(em: _Emitter, frame: pd.DataFrame) -> None:
    for key in list(em.ctx.layout.columns):
        s = frame[key]
        lengths = s.str.len().fillna(0).to_numpy()
        pos = np.flatnonzero(lengths > MAX_CELL_CHARS)
        if len(pos):
            em.emit("value-too-long", key, pos, None, length=lengths[pos].astype(int).tolist())
            frame.loc[pos, key] = s.iloc[pos].str.slice(0, 200)


def _check_required(em: _Emitter, frame: pd.DataFrame, policy: Policy) -> None:
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


def _arrow(s: pd.Series):
    """The Arrow string array behind a text column (built once if the column is objects)."""
    import pyarrow as pa

    if hasattr(s.array, "__arrow_array__"):
        arr = pa.array(s.array)
        return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    return pa.array([v if isinstance(v, str) else None for v in s.to_numpy(dtype=object)], type=pa.string())


def _matches(arr, pattern: str) -> np.ndarray:
    import pyarrow.compute as pc

    return pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(zero_copy_only=False)


def _check_ids(em: _Emitter, frame: pd.DataFrame, state: CallState, ctx: FileContext) -> tuple[pd.Series, np.ndarray]:
    import pyarrow.compute as pc

    m = len(frame)
    ids_pa = pc.utf8_upper(pc.replace_substring_regex(_arrow(frame["id_number"]), "[ -]", ""))
    arr = np.array(ids_pa.to_pylist(), dtype=object)
    present = ids_pa.is_valid().to_numpy(zero_copy_only=False)
    is18 = _matches(ids_pa, r"^\d{17}[\dX]$")
    is15 = _matches(ids_pa, r"^\d{15}$")
    # a number Excel kept as a float: only rows that fail a check are looked at (few)
    suspect = np.flatnonzero(present & ~is18)
    floaty = np.zeros(m, bool)
    floaty[suspect] = [idcard.looks_like_float(arr[p]) for p in suspect]
    # legacy 15-digit numbers: convert, warn
    for pos in np.flatnonzero(is15 & ~floaty):
        conv = idcard.upgrade_15(arr[pos])
        em.emit("id-legacy", "id_number", [pos], [arr[pos]], converted=conv)
        arr[pos] = conv
        is18[pos] = True
    idx = np.flatnonzero(is18)
    expected, check_ok, _, _, _, birth_valid = idcard.parts18(arr[idx].astype("<U18"), state.today)
    checksum_bad = np.zeros(m, bool)
    checksum_bad[idx[~check_ok]] = True
    birth_ok = np.zeros(m, bool)
    birth_ok[idx] = birth_valid
    suspect = np.flatnonzero(checksum_bad)
    floaty[suspect] = [idcard.looks_like_float(arr[p]) for p in suspect]
    lost = checksum_bad & floaty
    em.emit("id-precision-lost", "id_number", np.flatnonzero(lost), arr[lost])
    only_bad = checksum_bad & ~floaty
    exp_map = dict(zip(idx.tolist(), expected.tolist(), strict=True))
    em.emit("id-checksum", "id_number", np.flatnonzero(only_bad), arr[only_bad],
            expected=[exp_map[i] for i in np.flatnonzero(only_bad)])
    fmt_bad = present & ~is18 & ~is15
    lost_fmt = fmt_bad & floaty
    em.emit("id-precision-lost", "id_number", np.flatnonzero(lost_fmt), arr[lost_fmt])
    em.emit("id-format", "id_number", np.flatnonzero(fmt_bad & ~floaty), arr[fmt_bad & ~floaty])
    bad_birth = is18 & ~birth_ok & ~checksum_bad
    em.emit("id-birthdate", "id_number", np.flatnonzero(bad_birth), arr[bad_birth],
            birth=[arr[p][6:14] for p in np.flatnonzero(bad_birth)])
    ok = is18 & ~checksum_bad & birth_ok
    # unknown area codes: a warning, checked once per distinct code
    if em.policy.thresholds.warn_unknown_area_code and ok.any():
        pos_ok = np.flatnonzero(ok)
        areas = pd.Series([a[:6] for a in arr[pos_ok]], index=pos_ok)
        unknown = {a for a in areas.unique() if not idcard.area_known(a)}
        if unknown:
            pos = areas[areas.isin(unknown)].index.to_numpy()
            em.emit("id-area-unknown", "id_number", pos, arr[pos], area=[arr[p][:6] for p in pos])
    # duplicates, within and across files of the call
    seen = state.seen_ids
    rows = em.rows
    for pos in np.flatnonzero(ok):
        key = arr[pos]
        first = seen.get(key)
        if first is None:
            seen[key] = (ctx.label, int(rows[pos]))
        else:
            row_ref = f"row {first[1]}" if ctx.lang == "en" else f"第 {first[1]} 行"
            where = row_ref if first[0] == ctx.label else f"{first[0]} {row_ref}"
            em.emit("id-duplicate", "id_number", [pos], [key], other=where)
    return pd.Series(arr, index=frame.index, dtype=object), ok


def _check_choices(em: _Emitter, frame: pd.DataFrame, policy: Policy) -> None:
    lang = em.ctx.lang
    if "gender" in em.ctx.layout.columns:
        s = frame["gender"]
        mapped = map_unique(s, lambda v: _GENDER.get(str(v).upper()))
        bad = s.notna() & mapped.isna()
        em.emit("invalid-choice", "gender", np.flatnonzero(bad.to_numpy()), s[bad].tolist(), allowed="男、女")
        frame["gender"] = mapped
    for key, spec in policy.fields.items():
        if key not in em.ctx.layout.columns:
            continue
        s = frame[key]
        if spec.kind == "choice":
            index = policy.choice_index(key)
            mapped = map_unique(s, lambda v, ix=index: ix.get(header_key(v)))
            bad = s.notna() & mapped.isna()
            allowed = "、".join(policy.categories) if spec.choices == "categories" else "、".join(spec.choices or [])
            em.emit("invalid-choice", key, np.flatnonzero(bad.to_numpy()), s[bad].tolist(), allowed=allowed)
            frame[key] = mapped
        elif spec.kind in ("yesno", "document"):
            index = policy.yesno_index(key)
            mapped = map_unique(s, lambda v, ix=index: ix.get(str(v).upper()))
            bad = s.notna() & mapped.isna()
            yes = "/".join(policy.yesno.yes[:4])
            no = "/".join(v for v in policy.yesno.no[:4] if v)
            em.emit("invalid-choice", key, np.flatnonzero(bad.to_numpy()), s[bad].tolist(),
                    allowed=f"{yes} | {no}" if lang != "en" else f"yes: {yes}; no: {no}")
            frame[key] = mapped.where(mapped.notna(), None) if spec.kind == "yesno" else mapped.fillna(False)
        elif spec.kind == "credit_code":
            vals = map_unique(s, lambda v: str(v).upper().replace(" ", ""))
            problems = {v: idcard.uscc_problem(v) for v in vals.dropna().unique()}
            bad = vals.map(lambda v, p=problems: bool(p.get(v)) if v else False).to_numpy(bool)
            pos = np.flatnonzero(bad)
            em.emit("credit-code-invalid", key, pos, vals.iloc[pos].tolist(), detail=[problems[v] for v in vals.iloc[pos]])
            frame[key] = vals


def _check_dates(em: _Emitter, frame: pd.DataFrame, policy: Policy, state: CallState) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Parse date fields; return {field: (month_index, day)} with month_index = y*12+m-1, -1 unknown."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    today_ym = state.today.year * 12 + state.today.month - 1
    for key, spec in policy.fields.items():
        if spec.kind not in ("date", "month"):
            continue
        s = frame[key]
        y, mo, d = dates.parse_column(s)
        present = s.notna().to_numpy()
        invalid = present & ((y == 0) | (y < policy.thresholds.earliest_birth_year))
        if key in em.ctx.layout.columns:
            em.emit("date-invalid", key, np.flatnonzero(invalid), s[invalid].tolist())
        ym = np.where(invalid | ~present, -1, y * 12 + mo - 1)
        future = (ym > today_ym) | ((ym == today_ym) & (d > state.today.day))
        em.emit("date-future", key, np.flatnonzero(future), s[future].tolist())
        ym = np.where(future, -1, ym)
        frame[key] = dates.format_column(y, mo, d, ym >= 0)
        out[key] = (ym, d)
    order = [("birth_date", "work_start"), ("work_start", "retire_date"), ("birth_date", "retire_date")]
    for early, late in order:
        if early not in out or late not in out:
            continue
        a, b = out[early][0], out[late][0]
        bad = (a >= 0) & (b >= 0) & (a >= b)
        if early == "birth_date" and late == "retire_date" and "work_start" in em.ctx.layout.columns:
            bad &= out["work_start"][0] < 0  # already reported through work_start
        h1, h2 = policy.fields[early].header, policy.fields[late].header
        detail = f"“{h1}”应早于“{h2}”" if em.ctx.lang != "en" else f"'{h1}' must be before '{h2}'"
        em.emit("date-order", late, np.flatnonzero(bad), frame[late][bad].tolist(), detail=detail)
    return out


def _check_id_consistency(em: _Emitter, frame: pd.DataFrame, ids: pd.Series, ok: np.ndarray, ym) -> None:
    arr = ids.to_numpy(dtype=object)
    pos_ok = np.flatnonzero(ok)
    if not len(pos_ok):
        return
    id_y = np.zeros(len(arr), np.int32)
    id_m = np.zeros(len(arr), np.int32)
    id_d = np.zeros(len(arr), np.int32)
    sex = np.array([""] * len(arr), dtype=object)
    for p in pos_ok:
        v = arr[p]
        id_y[p], id_m[p], id_d[p] = int(v[6:10]), int(v[10:12]), int(v[12:14])
        sex[p] = "男" if int(v[16]) % 2 else "女"
    if "birth_date" in ym and "birth_date" in em.ctx.layout.columns:
        b_ym, b_d = ym["birth_date"]
        id_ym = id_y * 12 + id_m - 1
        bad = ok & (b_ym >= 0) & ((b_ym != id_ym) | ((b_d > 0) & (b_d != id_d)))
        pos = np.flatnonzero(bad)
        em.emit("birthdate-mismatch", "birth_date", pos, frame["birth_date"].iloc[pos].tolist(),
                expected=[dates.fmt(id_y[p], id_m[p], id_d[p]) for p in pos])
    if "gender" in em.ctx.layout.columns:
        g = frame["gender"].to_numpy(dtype=object)
        bad = ok & np.array([isinstance(x, str) for x in g]) & (g != sex)
        pos = np.flatnonzero(bad)
        em.emit("gender-mismatch", "gender", pos, g[pos].tolist(), expected=sex[pos].tolist())
    else:
        frame["gender"] = np.where(ok, sex, None)
    # fill the derived birth date and gender where blank
    fill = ok & frame["birth_date"].isna().to_numpy()
    if fill.any():
        frame.loc[fill, "birth_date"] = [dates.fmt(id_y[p], id_m[p], id_d[p]) for p in np.flatnonzero(fill)]
    fill = ok & frame["gender"].isna().to_numpy()
    if fill.any():
        frame.loc[fill, "gender"] = sex[fill]


def _check_retirement_age(em: _Emitter, frame, ids, ok, ym, policy: Policy, state: CallState) -> None:
    from .retirement import statutory_age_months_array

    if "retire_date" not in ym:
        return
    r_ym = ym["retire_date"][0]
    arr = ids.to_numpy(dtype=object)
    g = frame["gender"].to_numpy(dtype=object)
    post = frame["post"].to_numpy(dtype=object)
    lang = em.ctx.lang
    pos = np.flatnonzero(ok)
    if not len(pos):
        return
    born = np.array([a[6:12] for a in arr[pos]], dtype="<U6").astype(np.int64)
    by, bm = born // 100, born % 100
    b_ym = by * 12 + bm - 1
    today_ym = state.today.year * 12 + state.today.month - 1
    age_now = (today_ym - b_ym) // 12
    old = age_now > policy.thresholds.max_age_years
    em.emit("age-implausible", "id_number", pos[old], arr[pos[old]], age=age_now[old].tolist())
    male = g[pos] == "男"
    known = male | (g[pos] == "女")
    statutory = statutory_age_months_array(by, bm, male, post[pos] == "干部")
    age = r_ym[pos] - b_ym
    early = known & (r_ym[pos] >= 0) & (age < statutory - policy.thresholds.retirement_age_tolerance_months)
    flagged = pos[early]
    bases = []
    for is_male, is_cadre in zip(male[early], post[flagged] == "干部", strict=True):
        basis = "男" if is_male else ("女干部" if is_cadre else "女工人")
        bases.append(basis if lang != "en" else {"男": "man", "女干部": "woman cadre", "女工人": "woman worker"}[basis])
    em.emit("retirement-age", "retire_date", flagged, frame["retire_date"].iloc[flagged].tolist(),
            age=[fmt_age(int(a), lang) for a in age[early]], statutory=[fmt_age(int(a), lang) for a in statutory[early]],
            basis=bases)


def _check_numbers(em: _Emitter, frame: pd.DataFrame, policy: Policy) -> None:
    th = policy.thresholds
    for key, spec in policy.fields.items():
        if key not in em.ctx.layout.columns:
            continue
        s = frame[key]
        if spec.kind == "number":
            num = _numbers(s)
            bad = s.notna() & num.isna()
            em.emit("number-invalid", key, np.flatnonzero(bad.to_numpy()), s[bad].tolist())
            if key == "pension":
                rng = num.notna() & ((num < th.pension_min) | (num > th.pension_max))
                em.emit("number-range", key, np.flatnonzero(rng.to_numpy()), s[rng].tolist(),
                        low=th.pension_min, high=th.pension_max)
            frame[key] = num
        elif spec.kind == "phone":
            import pyarrow.compute as pc

            vals = pc.replace_substring_regex(_arrow(s), r"[-()（）\s]", "")
            bad = vals.is_valid().to_numpy(zero_copy_only=False) & ~_matches(vals, _PHONES_RE2)
            em.emit("phone-invalid", key, np.flatnonzero(bad), s[bad].tolist())
        elif spec.kind == "account":
            import pyarrow.compute as pc

            vals_pa = pc.replace_substring_regex(_arrow(s), r"[\s-]", "")
            present = vals_pa.is_valid().to_numpy(zero_copy_only=False)
            vals = np.array(vals_pa.to_pylist(), dtype=object)
            # a number Excel kept as a float (an exact float of at most 15 significant digits,
            # pre-filtered in numpy); a Luhn-valid card number is taken as intact
            lost = np.zeros(len(vals), bool)
            suspect = np.flatnonzero(_matches(vals_pa, r"^\d(\.\d+)?[Ee]\+?\d+$|\.0$") | _float_like_digits(vals_pa))
            lost[suspect] = [idcard.looks_like_float(vals[p]) and not (vals[p].isdigit() and idcard.luhn_ok(vals[p])) for p in suspect]
            bad = present & ~_matches(vals_pa, r"^\d{10,30}$") & ~lost
            em.emit("account-precision-lost", key, np.flatnonzero(lost), s[lost].tolist())
            em.emit("account-invalid", key, np.flatnonzero(bad), s[bad].tolist())
            frame[key] = pd.Series(vals, index=frame.index, dtype=object)


def _float_like_digits(arr) -> np.ndarray:
    """Digit strings of 16+ characters whose value, as a float, has at most 15 significant
    digits — the candidates for "Excel stored this as a number" (checked exactly later)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    long_digits = _matches(arr, r"^\d{16,20}$")
    out = np.zeros(len(arr), bool)
    pos = np.flatnonzero(long_digits)
    if len(pos):
        f = pc.cast(pc.take(arr, pa.array(pos)), pa.float64()).to_numpy(zero_copy_only=False)
        scale = 10.0 ** (np.floor(np.log10(f)) - 14)
        out[pos] = np.round(f / scale) * scale == f
    return out


def _numbers(s: pd.Series) -> pd.Series:
    """Numbers of a text column (``3,200.50``, ``3200元``), None where blank or not a finite
    number; the regular forms are parsed by Arrow, the rest one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pc.replace_substring_regex(_arrow(s), "[,，元 ]", "")
    plain = pc.fill_null(pc.match_substring_regex(arr, r"^[+-]?\d{1,15}(\.\d{1,15})?$"), False)
    values = np.full(len(arr), np.nan)
    pos = np.flatnonzero(plain.to_numpy(zero_copy_only=False))
    if len(pos):
        values[pos] = pc.cast(pc.take(arr, pa.array(pos)), pa.float64()).to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(arr.is_valid().to_numpy(zero_copy_only=False) & ~plain.to_numpy(zero_copy_only=False))
    for p in rest:
        v = _number(arr[int(p)].as_py())
        values[p] = np.nan if v is None else v
    out = pd.Series(values, index=s.index).astype(object)
    return out.where(~np.isnan(values), None)


def _number(text: str) -> float | None:
    """``3,200.50`` / ``3200元`` → 3200.5; not a finite number → None."""
    try:
        value = float(text.replace(",", "").replace("，", "").replace("元", "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _check_documents_and_category(em: _Emitter, frame: pd.DataFrame, policy: Policy) -> None:
    lang = em.ctx.lang
    cats = frame["category"].to_numpy(dtype=object)
    cadre = frame["cadre_level"].to_numpy(dtype=object)
    m = len(frame)
    handed = np.ones(m, bool)
    file_transfer = np.ones(m, bool)
    reasons = np.array([None] * m, dtype=object)
    for name, cat in policy.categories.items():
        sel = cats == name
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
    for name, cat in policy.categories.items():
        sel = (cats == name) & handed
        if not sel.any():
            continue
        for doc in cat.documents:
            need = sel & ~(county_cadre & (doc == "doc_file"))
            if doc not in em.ctx.layout.columns:
                missing_cols.add(doc)
                continue
            have = frame[doc].fillna(False).to_numpy(bool)
            pos = np.flatnonzero(need & ~have)
            em.emit("document-missing", doc, pos, frame[doc].iloc[pos].map(lambda v: "否" if v is False else "").tolist())
    for doc in sorted(missing_cols):
        em.findings.append(make_finding("missing-column", lang, header=policy.fields[doc].header, field=doc))
    frame["handed_over"] = handed
    frame["file_transfer"] = file_transfer
    frame["exclusion_reason"] = reasons
