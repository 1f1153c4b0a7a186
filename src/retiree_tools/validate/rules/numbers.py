"""Number-like columns: amounts (readable, within the policy's range per field), phone numbers,
and bank accounts (digits only; numbers Excel stored as floats lose their last digits)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.domain import idcard
from retiree_tools.domain.numbers import float_like_digits, parse_numbers
from retiree_tools.policy.model import Policy
from retiree_tools.validate.rules.base import Emitter, arrow_of, matches_mask

EMITS = ("number-invalid", "number-range", "phone-invalid", "account-invalid", "account-precision-lost")

# one or more phones (11-digit mobile, or landline with optional area code and extension),
# separated by / , ; 、 (RE2 syntax, for Arrow)
_ONE_PHONE = r"(1[3-9]\d{9}|(0\d{2,3})?[2-9]\d{6,7}(转\d{1,6})?)"
_PHONES_RE2 = rf"^[/,，;；、]*{_ONE_PHONE}([/,，;；、]+{_ONE_PHONE})*[/,，;；、]*$"


def check_numbers(em: Emitter, frame: pd.DataFrame, policy: Policy) -> None:
    for key, spec in policy.fields.items():
        if key not in em.ctx.layout.columns or spec.kind not in ("number", "phone", "account"):
            continue
        s = frame[key]
        if spec.kind == "number":
            num = parse_numbers(s)
            bad = s.notna() & num.isna()
            em.emit("number-invalid", key, np.flatnonzero(bad.to_numpy()), s[bad].tolist())
            if spec.range is not None:
                low, high = spec.range
                rng = num.notna() & ((num < low) | (num > high))
                em.emit("number-range", key, np.flatnonzero(rng.to_numpy()), s[rng].tolist(),
                        low=_plain(low), high=_plain(high))
            frame[key] = num
        elif spec.kind == "phone":
            _check_phones(em, key, s)
        else:
            frame[key] = _check_accounts(em, key, s)


def _plain(x: float) -> float | int:
    """A bound as people write it: 100, not 100.0."""
    return int(x) if float(x).is_integer() else x


def _check_phones(em: Emitter, key: str, s: pd.Series) -> None:
    import pyarrow.compute as pc

    vals = pc.replace_substring_regex(arrow_of(s), r"[-()（）\s]", "")
    bad = vals.is_valid().to_numpy(zero_copy_only=False) & ~matches_mask(vals, _PHONES_RE2)
    em.emit("phone-invalid", key, np.flatnonzero(bad), s[bad].tolist())


def _check_accounts(em: Emitter, key: str, s: pd.Series) -> pd.Series:
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
    return pd.Series(vals, index=s.index, dtype=object)
