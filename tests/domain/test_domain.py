"""Unit rules: ID check character, credit code, dates, statutory retirement age, masking."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retiree_tools.domain import dates, idcard
from retiree_tools.domain.mask import mask_id, mask_phone, mask_tail
from retiree_tools.domain.retirement import statutory_age_months
from retiree_tools.domain.uscc import uscc_problem
from retiree_tools.io.safe import escape_formula


def test_check_character_known_numbers():
    assert idcard.check_char("11010519491231002") == "X"
    assert idcard.upgrade_15("110105491231002") == "11010519491231002X"


def test_shipped_county_codes_match_stdnum():
    """data/cn_counties.txt is python-stdnum's cn/loc table as a set: regenerate it with
    scripts/gen_areas.py when stdnum's table changes."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("gen_areas", Path(__file__).parents[2] / "scripts" / "gen_areas.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert idcard.county_codes() == frozenset(gen.county_codes())
    assert idcard.area_known("321002") and idcard.area_known("320902")  # 广陵区; a former code
    assert not idcard.area_known("329999") and not idcard.area_known("000000")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_character_agrees_with_stdnum(body):
    from stdnum.cn import ric

    full = body + idcard.check_char(body)
    assert ric.calc_check_digit(full) == full[-1]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_credit_code_check_agrees_with_stdnum_on_digit_leading_codes(body):
    from stdnum.cn import uscc

    body = "9" + body[1:]
    expected = uscc.calc_check_digit(body)
    assert uscc_problem(body + expected) is None
    wrong = "0" if expected != "0" else "1"
    assert uscc_problem(body + wrong) is not None


def test_credit_code_with_letter_first_is_accepted():
    # GB 32100-2015 allows A/N/Y as the registering authority; stdnum rejects these
    body = "Y1320000MA1234567"[:17]
    total = sum("0123456789ABCDEFGHJKLMNPQRTUWXY".index(c) * w for c, w in
                zip(body, [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], strict=True))
    code = body + "0123456789ABCDEFGHJKLMNPQRTUWXY"[(31 - total % 31) % 31]
    assert uscc_problem(code) is None


def test_vectorised_check_matches_scalar():
    bodies = np.array(["32100219600501001", "11010519491231002", "44152119501010123"], dtype="<U17")
    assert list(idcard.check_chars(bodies)) == [idcard.check_char(b) for b in bodies]


@pytest.mark.parametrize("text,expected", [
    ("1960-05-01", (1960, 5, 1)), ("1960/5/1", (1960, 5, 1)), ("1960.05", (1960, 5, 0)),
    ("1960年5月", (1960, 5, 0)), ("1960年5月1日", (1960, 5, 1)), ("19600501", (1960, 5, 1)),
    ("196005", (1960, 5, 0)), ("1960-05-01 00:00:00", (1960, 5, 1)), ("21916", (1960, 1, 1)),
    ("1972.10", (1972, 10, 0)), ("1960年13月", dates.INVALID), ("1960-02-30", dates.INVALID),
    ("abc", dates.INVALID), ("1960", dates.INVALID),
])
def test_date_forms(text, expected):
    assert dates.parse_one(text) == expected


def test_statutory_age_examples_from_the_2024_measures():
    # 渐进式延迟法定退休年龄 (2024 decision of the NPC Standing Committee): a woman (original 55) born 1971-04 retires 2026-08 at 55 years 4 months
    assert statutory_age_months(1971, 4, False, True) == 55 * 12 + 4
    assert statutory_age_months(1964, 12, True, False) == 60 * 12
    assert statutory_age_months(1965, 1, True, False) == 60 * 12 + 1
    assert statutory_age_months(1965, 5, True, False) == 60 * 12 + 2
    assert statutory_age_months(1990, 1, True, False) == 63 * 12  # capped at +36
    assert statutory_age_months(1975, 1, False, False) == 50 * 12 + 1
    assert statutory_age_months(1975, 3, False, False) == 50 * 12 + 2
    assert statutory_age_months(1995, 1, False, False) == 55 * 12  # capped at +60
    assert statutory_age_months(1969, 12, False, True) == 55 * 12
    assert statutory_age_months(1960, 1, False, False) == 50 * 12  # unknown post: the lower age


def test_masks():
    assert mask_id("321002196005010019") == "321002********0019"
    assert mask_tail("6228480123456789012") == "***************9012"
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "  =cmd", "\t=1", "\r=1"])
def test_formula_escape(value):
    assert escape_formula(value).startswith("'")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalisation_is_idempotent(text):
    from retiree_tools.domain.text import clean_value, header_key

    assert clean_value(clean_value(text)) == clean_value(text)
    assert header_key(header_key(text)) == header_key(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(1930, 2000), st.integers(1, 12), st.booleans(), st.booleans())
def test_vectorised_statutory_age_equals_scalar(year, month, male, cadre):
    from retiree_tools.domain.retirement import statutory_age_months_array

    scalar = statutory_age_months(year, month, male, cadre)
    vector = statutory_age_months_array(np.array([year]), np.array([month]), np.array([male]), np.array([cadre]))
    assert vector[0] == scalar


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_vectorised_id_parts_equal_scalar_checks(body, last):
    import datetime as dt

    today = dt.date(2026, 11, 23)
    ident = body + last
    expected, ok, _, _, _, birth_ok, _ = idcard.parts18(np.array([ident], dtype="<U18"), today)
    assert expected[0] == idcard.check_char(body)
    assert ok[0] == (idcard.check_char(body) == last)
    assert birth_ok[0] == idcard.valid_birth(ident[6:14], today)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(), st.text(alphabet=" \t\u3000\u00a0\u200bＡ１ａ x-（）"),
                          st.text(alphabet=[chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000", "a", "馬"], max_size=60)),
                max_size=8))
def test_arrow_normalisation_equals_python(values):
    import pyarrow as pa

    from retiree_tools.domain.text import clean_value, normalise_arrow

    got = normalise_arrow(pa.array(values, type=pa.string())).to_pylist()
    want = [None if v is None or clean_value(v) == "" else clean_value(v) for v in values]
    assert got == want


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789.,+-e元 x"), st.floats(allow_nan=False).map(str)), max_size=10))
def test_vectorised_numbers_equal_scalar(values):
    import pandas as pd

    from retiree_tools.domain.numbers import parse_number as _number
    from retiree_tools.domain.numbers import parse_numbers as _numbers

    got = _numbers(pd.Series(values, dtype=object)).tolist()
    want = [None if v is None else _number(v.replace(" ", "")) for v in values]
    assert got == want


_DATE_PART = st.one_of(st.integers(0, 40).map(str), st.integers(0, 40).map(lambda v: f"{v:02d}"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["1960", "0000", "0001", "1900", "2000", "2024", "196", "19600"]),
                          st.sampled_from(["-", "/", ".", "年", "-/", "", " "]), _DATE_PART,
                          st.sampled_from(["", "-", "/", ".", "月", "月份", " 00:00:00"]), _DATE_PART,
                          st.sampled_from(["", "日", "号", " ", "x", " 00:00:00", "T12:30", " 1:02:03.5"])), min_size=1, max_size=40))
def test_parse_column_agrees_with_parse_one(parts):
    """The column parser's vectorised fast path gives what parse_one gives, text by text."""
    import pandas as pd

    texts = [f"{y}{s1[:1]}{m}{'' if s1 == '年' and not s2 else s2}{d if s2 not in ('', ' 00:00:00') else ''}{end}"
             for y, s1, m, s2, d, end in parts] + [None]
    y, m, d = dates.parse_column(pd.Series(texts, dtype=object))
    for i, t in enumerate(texts):
        assert (y[i], m[i], d[i]) == (dates.parse_one(t) if t is not None else (0, 0, 0)), t
