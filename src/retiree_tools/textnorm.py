"""Text folding shared by header matching and value normalisation (full-width, spaces, case)."""

from __future__ import annotations

import re
import unicodedata

_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u3000\ufeff]+")
_BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_HEADER_PUNCT = re.compile(r"[\s:：*＊、,，.。/／\\_\-—]+")


def fold_width(text: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ｘ, ideographic space) to half-width."""
    return text.translate(_FULLWIDTH)


def clean_value(text: str) -> str:
    """Fold width, drop zero-width/odd spaces at the ends and collapse inner runs to one space."""
    return _SPACES.sub(" ", fold_width(text)).strip()


def _fixed_point(t: str, step) -> str:
    for _ in range(8):  # removing characters can make new NFKC compositions: repeat until stable
        new = step(t)
        if new == t:
            break
        t = new
    return t


def header_key(text: object) -> str:
    """Key for comparing header names: folded, without spaces, punctuation, newlines, required
    marks (*) and bracketed notes such as ``（18位）``; case-insensitive."""
    if text is None:
        return ""
    return _fixed_point(str(text), lambda t: _HEADER_PUNCT.sub("", _BRACKETED.sub("", unicodedata.normalize("NFKC", t))).upper())


def header_key_loose(text: object) -> str:
    """Like :func:`header_key` but keeps bracketed text (``身份证号（18位）`` vs aliases that
    themselves contain brackets such as ``养老金（元/月）``)."""
    if text is None:
        return ""
    return _fixed_point(str(text), lambda t: _HEADER_PUNCT.sub("", unicodedata.normalize("NFKC", t)).upper())
