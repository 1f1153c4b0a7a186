"""Ages: retirement earlier than the statutory age (a warning to check: special work types,
illness and injury retire earlier lawfully), and people implausibly old (deceased?)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.domain.retirement import statutory_age_months_array
from retiree_tools.policy.model import Policy
from retiree_tools.texts import tr
from retiree_tools.validate.rules.base import CallState, Emitter
from retiree_tools.validate.rules.identity import IdParts

EMITS = ("retirement-age", "age-implausible")


def check_ages(em: Emitter, frame, ids, ok, parts: IdParts, ym, policy: Policy, state: CallState) -> None:
    if "retire_date" not in ym:
        return
    r_ym = ym["retire_date"][0]
    arr = ids.to_numpy(dtype=object)
    g = frame["gender"].to_numpy(dtype=object)
    post = frame["post"].to_numpy(dtype=object)
    lang = em.ctx.lang
    pos = np.flatnonzero(ok)
    if not len(pos):
        return
    by, bm = parts.year[pos], parts.month[pos]
    b_ym = by * 12 + bm - 1
    today_ym = state.today.year * 12 + state.today.month - 1
    age_now = (today_ym - b_ym) // 12
    old = age_now > policy.thresholds.max_age_years
    em.emit("age-implausible", "id_number", pos[old], arr[pos[old]], age=age_now[old].tolist(),
            limit=policy.thresholds.max_age_years)
    genders = policy.genders
    male = g[pos] == genders.male
    known = male | (g[pos] == genders.female)
    cadre = pd.Series(post[pos], dtype=object).isin(policy.retirement.women_cadre_posts).to_numpy(bool)
    statutory = statutory_age_months_array(by, bm, male, cadre)
    age = r_ym[pos] - b_ym
    early = known & (r_ym[pos] >= 0) & (age < statutory - policy.thresholds.retirement_age_tolerance_months)
    flagged = pos[early]
    bases = [tr("validate.basis." + ("man" if is_male else "woman_cadre" if is_cadre else "woman_worker"), lang)
             for is_male, is_cadre in zip(male[early], cadre[early], strict=True)]
    em.emit("retirement-age", "retire_date", flagged, frame["retire_date"].iloc[flagged].tolist(),
            age=[fmt_age(int(a), lang) for a in age[early]], statutory=[fmt_age(int(a), lang) for a in statutory[early]],
            basis=bases, age_months=age[early].tolist(), statutory_months=statutory[early].tolist())


def fmt_age(months: int, lang: str = "zh") -> str:
    """An age in months as people write it: ``55岁4个月`` / ``55y4m``."""
    years, rest = divmod(months, 12)
    return tr("validate.age_months", lang, years=years, months=rest) if rest else tr("validate.age", lang, years=years)
