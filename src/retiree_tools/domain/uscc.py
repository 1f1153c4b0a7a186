"""Unified social credit codes (GB 32100-2015): 18 characters of ``0-9A-Z`` without I O Z S V,
a mod-31 check character. The first character can be a letter (A, N, Y since 2016), which
python-stdnum's ``cn.uscc`` wrongly rejects, so it is checked here."""

from __future__ import annotations

import re

from retiree_tools.texts import Msg

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
USCC = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{18}$")


def check_character(first17: str) -> str:
    total = sum(_ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> Msg | None:
    """None when ``code`` is a valid credit code, else why not (a text to render in the
    reader's language; its key ends in ``length``, ``chars`` or ``check``)."""
    if len(code) != 18:
        return Msg("validate.uscc.length", {"length": len(code)})
    if not USCC.match(code):
        return Msg("validate.uscc.chars")
    expected = check_character(code[:17])
    if code[17] != expected:
        return Msg("validate.uscc.check", {"expected": expected})
    return None
