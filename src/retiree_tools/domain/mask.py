"""Masking of personal data (ID numbers, bank accounts, phones) for terminal output and logs."""

from __future__ import annotations


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
