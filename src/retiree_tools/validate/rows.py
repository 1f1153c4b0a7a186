"""Rows by role: which rows of the sheet are people, and what the others are.

Below the header a roster holds, besides people, rows that are not people: totals (合计 / 小计 /
总计), footers (填表人, 审核人, 联系电话：, 填报日期, 单位盖章 … wherever in the row they stand),
group or section rows (一、… / （二）… / a category alone in the row), the header repeated on a
printed page, a row of column numbers (1 2 3 … / 栏次) and an end marker (以下空白). A row is
taken for one of these only when it holds no ID-looking value and few cells — a person whose
ID is missing stays a person, and gets missing-value. Each such row is reported once
(``row-not-person``, info), never as a person; a group row that names a category gives it to
the people below it who leave their category blank (``category-from-group``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from retiree_tools.domain.text import clean_value, header_key, header_key_loose
from retiree_tools.policy.model import Policy

EMITS = ("row-not-person", "category-from-group")

PERSON, TOTAL, FOOTER, GROUP, HEADER, NUMBERS, END = range(7)
ROLE_NAMES = {TOTAL: "total", FOOTER: "footer", GROUP: "group", HEADER: "header", NUMBERS: "numbers", END: "end"}

_ID_LIKE_RE2 = r"^\d{15}(\d{2}[\dXx])?$|^\d(\.\d+)?[Ee]\+?1[47]$"
_TOTAL = re.compile(r"(合计|小计|总计|共计|累计|总人数)")
_END = re.compile(r"(以下空白|以下无内容|以下为空|以下无)")
_GROUP = re.compile(r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+(部分|类|组)|[0-9]{1,2}[、．])")
_NUMBERING = re.compile(r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十]+(部分|类|组)[:：、]?|[0-9]{1,2}[、．])\s*")


@lru_cache(maxsize=8)
def _footer_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    folded = sorted({clean_value(w) for w in words if w.strip()}, key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, folded)) + ")") if folded else None


_LABELS = "甲乙丙丁戊己庚辛壬癸"


def _numbers_row(texts: list[str]) -> bool:
    """A row of column numbers (1 2 3 …, after 甲 乙 丙 labels or 栏次): small numbers rising."""
    if any(t in ("栏次", "栏号", "列号") for t in texts):
        return True
    nums = [int(t) for t in texts if t.isascii() and t.isdigit() and len(t) <= 3]
    labels = [t for t in texts if t in _LABELS]
    if len(nums) < 4 or len(nums) + len(labels) < 0.9 * len(texts):
        return False
    return all(a < b for a, b in zip(nums, nums[1:], strict=False))


def roles(frame: pd.DataFrame, policy: Policy, headers: dict[str, str], nonblank: np.ndarray) -> np.ndarray:
    """The role of each row of a normalised chunk (columns = field keys): PERSON or another."""
    n = len(frame)
    out = np.zeros(n, dtype=np.int8)
    if not n:
        return out
    if "id_number" in frame:
        import pyarrow.compute as pc

        from retiree_tools.domain.numbers import matches_mask
        from retiree_tools.validate.rules.base import arrow_of

        id_like = matches_mask(pc.replace_substring(arrow_of(frame["id_number"]), " ", ""), _ID_LIKE_RE2)
    else:
        id_like = np.zeros(n, bool)
    cand = np.flatnonzero(nonblank & ~id_like)  # rows with an ID are people (few rows are looked at)
    if not len(cand):
        return out
    limit = max(4, int(0.3 * frame.shape[1]))
    footer = _footer_pattern(tuple(policy.layout.footer_words))
    header_keys = {f: header_key(h) for f, h in headers.items()}
    cols = list(frame.columns)
    for pos, rec in zip(cand, frame.iloc[cand].itertuples(index=False), strict=True):
        cells = [(c, v) for c, v in zip(cols, rec, strict=True) if isinstance(v, str) and v]
        texts = [v for _, v in cells]
        if not texts:
            continue
        same = sum(1 for c, v in cells if header_keys.get(c) and header_key(v) == header_keys[c])
        index = policy.header_index
        named = sum(1 for v in texts if index.get(header_key_loose(v)) or index.get(header_key(v)))
        if same >= max(2, len(cells) // 2) or (len(texts) >= 4 and named >= 0.6 * len(texts)):
            out[pos] = HEADER
        elif _numbers_row(texts):
            out[pos] = NUMBERS
        elif len(texts) > limit:
            continue  # a full row without an ID: a person whose ID is missing
        elif any(_END.search(t) for t in texts):
            out[pos] = END
        elif any(_TOTAL.search(t) for t in texts):
            out[pos] = TOTAL
        elif footer is not None and any(footer.search(t) for t in texts):
            out[pos] = FOOTER
        elif len(texts) <= 2 and (_GROUP.match(texts[0]) or _group_category(policy, texts[0])):
            out[pos] = GROUP
    return out


def _group_category(policy: Policy, text: str) -> str | None:
    """The category a group row names (一、企业退休人员 → 企业退休人员), or None."""
    bare = _NUMBERING.sub("", text).strip(" :：")
    if not bare or len(bare) > 20:
        return None
    value, _ = policy.interpret_choice("category", bare)
    return value


def group_category(policy: Policy, text: str) -> str | None:
    return _group_category(policy, text)
