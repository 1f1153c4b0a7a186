"""Statutory retirement age, including the gradual raise in force from 2025-01-01.

Source: 《国务院关于渐进式延迟法定退休年龄的办法》 (adopted by the NPC Standing Committee
decision of 2024-09-13, in force 2025-01-01), 附件1–3: men 60 → 63, one month per 4 months of
birth from 1965-01; women originally 55 → 58, one month per 4 months from 1970-01; women
originally 50 → 55, one month per 2 months from 1975-01. Original ages: 国发〔1978〕104号
(men 60, women cadres 55, women workers 50). The worked example of the measures (a woman,
original 55, born 1971-04 retires 2026-08 at 55 years 4 months) is a test.
"""

from __future__ import annotations

from typing import NamedTuple


class Schedule(NamedTuple):
    original_years: int
    first_year: int  # first affected birth month is January of this year
    step_months: int
    cap_months: int


MEN = Schedule(60, 1965, 4, 36)
WOMEN_55 = Schedule(55, 1970, 4, 36)
WOMEN_50 = Schedule(50, 1975, 2, 60)


def schedule_for(male: bool, woman_cadre: bool) -> Schedule:
    """Men 60; women cadres (干部/管理岗位) 55; women workers 50. A woman whose post is unknown
    gets the lower age (50): the check only warns, and must not warn on a lawful retirement.
    Which posts count as cadre posts is the policy's (``[retirement] women_cadre_posts``)."""
    if male:
        return MEN
    return WOMEN_55 if woman_cadre else WOMEN_50


def delay_months(birth_year: int, birth_month: int, s: Schedule) -> int:
    n = (birth_year - s.first_year) * 12 + (birth_month - 1)
    if n < 0:
        return 0
    return min(n // s.step_months + 1, s.cap_months)


def statutory_age_months(birth_year: int, birth_month: int, male: bool, woman_cadre: bool = False) -> int:
    """Statutory retirement age in months for a person born in ``birth_year-birth_month``."""
    s = schedule_for(male, woman_cadre)
    return s.original_years * 12 + delay_months(birth_year, birth_month, s)


def statutory_age_months_array(by, bm, male, cadre):
    """:func:`statutory_age_months` over numpy arrays (birth year, month, is man, is woman cadre)."""
    import numpy as np

    by, bm = np.asarray(by, np.int64), np.asarray(bm, np.int64)
    out = np.zeros(len(by), np.int64)
    for sched, sel in ((MEN, male), (WOMEN_55, ~male & cadre), (WOMEN_50, ~male & ~cadre)):
        n = (by - sched.first_year) * 12 + (bm - 1)
        delay = np.where(n < 0, 0, np.minimum(n // sched.step_months + 1, sched.cap_months))
        out = np.where(sel, sched.original_years * 12 + delay, out)
    return out
