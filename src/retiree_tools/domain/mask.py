"""Masking of personal data (ID numbers, bank accounts, phones) for terminal output and logs."""

from __future__ import annotations

import re


def mask_id(value: str) -> str:
    """Keep the first 6 and last 4 characters: ``321002********0019``."""
    v = str(value)
    if len(v) <= 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_tail(value: str, keep: int = 4) -> str:
    """Keep only the last ``keep`` characters (bank accounts): ``***************1234``."""
    v = str(value)
    if len(v) <= keep:
        return "*" * len(v)
    return "*" * (len(v) - keep) + v[-keep:]


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits of a phone: ``138****5678``."""
    v = str(value)
    if len(v) < 8:
        return "*" * len(v)
    return v[:3] + "*" * (len(v) - 7) + v[-4:]


def mask_text(value: str) -> str:
    """Free text that may hold a phone or ID (family contact): mask every run of 7+ digits."""
    import re

    return re.sub(r"[0-9０-９]{7,}[0-9Xx]?", lambda m: mask_phone(m.group(0)), str(value))


_BY_KIND = {
    "id": mask_id,
    "account": mask_tail,
    "phone": mask_phone,
    "contact": mask_text,
}


def mask_value(pii_kind: str | None, value: object) -> str:
    """Mask ``value`` according to the policy's ``pii`` kind of its field; other kinds pass."""
    if value is None:
        return ""
    text = str(value)
    fn = _BY_KIND.get(pii_kind or "")
    return fn(text) if fn and text else text


# ---- masking by pattern: whatever column a number sits in ----
# An ID number: 6 digits of region, a birth date 18xx–20xx, 3 digits and a check character
# (or the legacy 15-digit form with a 2-digit year); a bank account: 12–21 digits; a mobile
# phone 1[3-9] + 9 digits; a landline with its area code (0xx-xxxxxxx). Bounded by non-digits,
# full-width digits too. A credit code (9132…, no birth date inside) and short numbers stay.
_DIGIT = "[0-9０-９]"
_PII_IN_TEXT = None
_RUN_OF_DIGITS = re.compile("[0-9０-９]{7}")  # every pattern below holds 7 digits in a row


def _pii_pattern():
    global _PII_IN_TEXT
    if _PII_IN_TEXT is None:
        import re

        d = _DIGIT
        date8 = f"(?:1[89]|20){d}{{2}}(?:0[1-9]|1[0-2]|[０][１-９]|[１][０-２])(?:[0-3]{d}|[０-３]{d})"
        id18 = f"{d}{{6}}{date8}{d}{{3}}[0-9Xx０-９Ｘｘ]"
        id15 = f"{d}{{8}}(?:0[1-9]|1[0-2]){d}{{5}}"
        mobile = f"1[3-9]{d}{{9}}"
        landline = f"0{d}{{2,3}}[-－ ]?{d}{{7,8}}"
        account = f"{d}{{12,21}}"
        _PII_IN_TEXT = re.compile(
            f"(?<![0-9A-Za-z０-９])(?:(?P<id>{id18}|{id15})|(?P<phone>{mobile}|{landline})|(?P<account>{account}))"
            "(?![0-9A-Za-z０-９])")
    return _PII_IN_TEXT


def mask_patterns(text: str) -> str:
    """``text`` with every ID number, bank account and phone number in it masked (as
    :func:`mask_id`, :func:`mask_tail`, :func:`mask_phone` do), wherever it sits: a message, a
    value under the wrong header, an error about a cell. Other text is unchanged."""
    if not text or _RUN_OF_DIGITS.search(text) is None:  # most messages hold no long number: one C scan
        return text

    def one(m) -> str:
        v = m.group(0)
        if m.group("id"):
            return mask_id(v)
        if m.group("phone"):
            return mask_phone(v)
        if len(v) == 18 and _is_credit_code(v):  # an enterprise's code is no personal data
            return v
        return mask_tail(v)

    return _pii_pattern().sub(one, text)


def _is_credit_code(v: str) -> bool:
    from retiree_tools.domain.uscc import check_character

    try:
        return check_character(v[:17]) == v[17]
    except (KeyError, ValueError, IndexError):
        return False
