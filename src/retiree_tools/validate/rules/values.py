"""Value checks: choices and yes/no columns, credit codes, numbers, phones and bank accounts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from retiree_tools.domain import idcard
from retiree_tools.domain.text import header_key
from retiree_tools.policy.model import Policy
from retiree_tools.validate.rules.base import Emitter, arrow_of, map_codes, map_unique, matches_mask

# one or more phones (11-digit mobile, or landline with optional area code and extension),
# separated by / , ; 、 (RE2 syntax, for Arrow)
_ONE_PHONE = r"(1[3-9]\d{9}|(0\d{2,3})?[2-9]\d{6,7}(转\d{1,6})?)"
_PHONES_RE2 = rf"^[/,，;；、]*{_ONE_PHONE}([/,，;；、]+{_ONE_PHONE})*[/,，;；、]*$"
_GENDER = {"男": "男", "女": "女", "M": "男", "F": "女", "MALE": "男", "FEMALE": "女", "1": "男", "2": "女", "男性": "男", "女性": "女"}


def check_choices(em: Emitter, frame: pd.DataFrame, policy: Policy) -> None:
    lang = em.ctx.lang
    if "gender" in em.ctx.layout.columns:
        s = frame["gender"]
        mapped, present, hit = map_codes(s, lambda v: _GENDER.get(str(v).upper()))
        bad = np.flatnonzero(present & ~hit)
        em.emit("invalid-choice", "gender", bad, s.iloc[bad].tolist(), allowed="男、女")
        frame["gender"] = pd.Series(mapped, index=frame.index, dtype=object)
    for key, spec in policy.fields.items():
        if key not in em.ctx.layout.columns:
            continue
        s = frame[key]
        if spec.kind == "choice":
            index = policy.choice_index(key)
            mapped, present, hit = map_codes(s, lambda v, ix=index: ix.get(header_key(v)))
            bad = np.flatnonzero(present & ~hit)
            allowed = "、".join(policy.categories) if spec.choices == "categories" else "、".join(spec.choices or [])
            em.emit("invalid-choice", key, bad, s.iloc[bad].tolist(), allowed=allowed)
            frame[key] = pd.Series(mapped, index=frame.index, dtype=object)
        elif spec.kind in ("yesno", "document"):
            index = policy.yesno_index(key)
            # documents: blank or unreadable counts as not handed over (False); yes/no: None
            mapped, present, hit = map_codes(s, lambda v, ix=index: ix.get(str(v).upper()),
                                             missing=False if spec.kind == "document" else None)
            bad = np.flatnonzero(present & ~hit)
            yes = "/".join(policy.yesno.yes[:4])
            no = "/".join(v for v in policy.yesno.no[:4] if v)
            em.emit("invalid-choice", key, bad, s.iloc[bad].tolist(),
                    allowed=f"{yes} | {no}" if lang != "en" else f"yes: {yes}; no: {no}")
            frame[key] = pd.Series(mapped, index=frame.index, dtype=object)
        elif spec.kind == "credit_code":
            vals = map_unique(s, lambda v: str(v).upper().replace(" ", ""))
            problems = {v: idcard.uscc_problem(v) for v in vals.dropna().unique()}
            bad = vals.map(lambda v, p=problems: bool(p.get(v)) if v else False).to_numpy(bool)
            pos = np.flatnonzero(bad)
            em.emit("credit-code-invalid", key, pos, vals.iloc[pos].tolist(), detail=[problems[v] for v in vals.iloc[pos]])
            frame[key] = vals


def check_numbers(em: Emitter, frame: pd.DataFrame, policy: Policy) -> None:
    th = policy.thresholds
    for key, spec in policy.fields.items():
        if key not in em.ctx.layout.columns or spec.kind not in ("number", "phone", "account"):
            continue
        s = frame[key]
        if spec.kind == "number":
            num = parse_numbers(s)
            bad = s.notna() & num.isna()
            em.emit("number-invalid", key, np.flatnonzero(bad.to_numpy()), s[bad].tolist())
            if key == "pension":
                rng = num.notna() & ((num < th.pension_min) | (num > th.pension_max))
                em.emit("number-range", key, np.flatnonzero(rng.to_numpy()), s[rng].tolist(),
                        low=th.pension_min, high=th.pension_max)
            frame[key] = num
        elif spec.kind == "phone":
            import pyarrow.compute as pc

            vals = pc.replace_substring_regex(arrow_of(s), r"[-()（）\s]", "")
            bad = vals.is_valid().to_numpy(zero_copy_only=False) & ~matches_mask(vals, _PHONES_RE2)
            em.emit("phone-invalid", key, np.flatnonzero(bad), s[bad].tolist())
        elif spec.kind == "account":
            import pyarrow.compute as pc

            vals_pa = pc.replace_substring_regex(arrow_of(s), r"[\s-]", "")
            present = vals_pa.is_valid().to_numpy(zero_copy_only=False)
            vals = np.array(vals_pa.to_pylist(), dtype=object)
            # a number Excel kept as a float (an exact float of at most 15 significant digits,
            # pre-filtered in numpy); a Luhn-valid card number is taken as intact
            lost = np.zeros(len(vals), bool)
            suspect = np.flatnonzero(matches_mask(vals_pa, r"^\d(\.\d+)?[Ee]\+?\d+$|\.0$") | float_like_digits(vals_pa))
            lost[suspect] = [idcard.looks_like_float(vals[p]) and not (vals[p].isdigit() and idcard.luhn_ok(vals[p])) for p in suspect]
            bad = present & ~matches_mask(vals_pa, r"^\d{10,30}$") & ~lost
            em.emit("account-precision-lost", key, np.flatnonzero(lost), s[lost].tolist())
            em.emit("account-invalid", key, np.flatnonzero(bad), s[bad].tolist())
            frame[key] = pd.Series(vals, index=frame.index, dtype=object)


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

    arr = pc.replace_substring_regex(arrow_of(s), "[,，元 ]", "")
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
