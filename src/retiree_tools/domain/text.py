"""Text folding shared by header matching and value normalisation (full-width, spaces, case)."""

from __future__ import annotations

import re
import unicodedata

_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
# whitespace folded in values: Python's \s plus no-break, zero-width and ideographic spaces;
# the same set, spelled for RE2, is used by the vectorised Arrow path (normalise_arrow)
_SPACE_CHARS = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
_SPACES = re.compile(f"[{_SPACE_CHARS}]+")
_RE2_SPACES = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200b}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}]+"
# a space that clean_value would change: any non-plain space, two in a row, or one at an end
_RE2_ODD_SPACES = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200b}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}]|  |^ | $"
# Python's \s (str.isspace) as an RE2 class
RE2_PY_SPACE = ("[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}"
                "\\x{2029}\\x{202f}\\x{205f}\\x{3000}]")
_RE2_FULLWIDTH = "[\\x{ff01}-\\x{ff5e}\\x{3000}]"
_BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_HEADER_PUNCT = re.compile(r"[\s:：*＊、,，.。/／\\_\-—]+")


def fold_width(text: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ｘ, ideographic space) to half-width."""
    return text.translate(_FULLWIDTH)


def clean_value(text: str) -> str:
    """Fold width, drop zero-width/odd spaces at the ends and collapse inner runs to one space."""
    return _SPACES.sub(" ", fold_width(text)).strip(" ")


def text_arrow(s, stringify: bool = True):
    """A pandas column as one Arrow string array: the array itself when the column is
    Arrow-backed; otherwise built from its values — blanks (None, NaN) null, other non-text
    values as ``str(v)`` (or null with ``stringify=False``)."""
    import pyarrow as pa

    if hasattr(s.array, "__arrow_array__"):  # Arrow-backed (xlsx reader, pandas 3 str)
        arr = pa.array(s.array)
        return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    values = s.to_numpy(dtype=object)
    if stringify:
        return pa.array([v if isinstance(v, str) else (None if v is None or v != v else str(v)) for v in values], type=pa.string())
    return pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())


def normalise_arrow(arr):
    """:func:`clean_value` over a whole Arrow string array (vectorised, no Python per cell);
    empty results become null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr, pa.string())
    # one scan tells whether the column needs any work (most need none)
    if pc.any(pc.match_substring_regex(arr, f"{_RE2_FULLWIDTH}|{_RE2_ODD_SPACES}")).as_py():
        wide = pc.fill_null(pc.match_substring_regex(arr, _RE2_FULLWIDTH), False)
        if pc.any(wide).as_py():  # fold just the cells that have full-width text
            arr = pc.replace_with_mask(arr, wide, _fold_width_arrow(pc.filter(arr, wide)))
        if pc.any(pc.match_substring_regex(arr, _RE2_ODD_SPACES)).as_py():
            arr = pc.replace_substring_regex(arr, _RE2_SPACES, " ")
            arr = pc.utf8_trim(arr, " ")
    empty = pc.equal(arr, "")
    if pc.any(empty).as_py():
        arr = pc.if_else(empty, pa.scalar(None, arr.type), arr)
    return arr



def _fold_width_arrow(arr):
    """:func:`fold_width` over an Arrow string array: one literal replacement per full-width
    character that occurs (a handful — （ ） ０-９ …), all in Arrow; Python for a column with
    very many different ones."""
    import pyarrow as pa
    import pyarrow.compute as pc

    only_wide = pc.replace_substring_regex(arr, f"[^{_RE2_FULLWIDTH[1:-1]}]+", "")
    chars = set("".join(v for v in pc.unique(only_wide).to_pylist() if v))
    if len(chars) > 32:
        return pa.array([fold_width(v) if v is not None else None for v in arr.to_pylist()], type=arr.type)
    for ch in sorted(chars):
        arr = pc.replace_substring(arr, ch, fold_width(ch))
    return arr


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
