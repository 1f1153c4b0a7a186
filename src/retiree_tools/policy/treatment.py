"""What the policy decides for each person by category and cadre level: handed over or not
(and the reason printed when not), and whether the personnel file moves with them.

One home for the decision, used by validate (which documents a person must hand in, the
``not-transferable`` note) and by assign (status ``excluded``, the ``档案移交`` column).
Categories are the canonical names validate maps 人员类别 to; cadre levels the canonical
values of 干部管理权限 (see ``[categories]`` and ``[cadre_levels]`` in the policy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retiree_tools.policy.model import Category, Policy


@dataclass
class Treatment:
    handed: np.ndarray  # bool: handed over to socialized management
    file_transfer: np.ndarray  # bool: the personnel file moves too
    reasons: np.ndarray  # object: why not handed over (None where handed over)
    category_rows: dict[str, np.ndarray]  # category name → bool mask of its people


def _reason(cat: Category, lang: str) -> str:
    return cat.reason_en if lang == "en" and cat.reason_en else cat.reason


def treat(policy: Policy, categories, cadre_levels, lang: str = "zh") -> Treatment:
    """The treatment of each row, from its category and cadre level (object arrays, None for
    blank or unrecognised: such a person is taken as handed over, their file moving)."""
    cats = np.asarray(categories, dtype=object)
    cadre = np.asarray(cadre_levels, dtype=object)
    m = len(cats)
    handed = np.ones(m, bool)
    file_transfer = np.ones(m, bool)
    reasons = np.full(m, None, dtype=object)
    codes, uniques = pd.factorize(cats)  # compare small integers, not 100k strings per category
    where = {u: i for i, u in enumerate(uniques.tolist() if hasattr(uniques, "tolist") else uniques)}
    rows: dict[str, np.ndarray] = {}
    for name, cat in policy.categories.items():
        sel = codes == where[name] if name in where else np.zeros(m, bool)
        rows[name] = sel
        handed[sel] = cat.handed_over
        file_transfer[sel] = cat.file_transfer and cat.handed_over
        if not cat.handed_over:
            reasons[sel] = _reason(cat, lang)
    for level, rule in policy.cadre_levels.items():
        sel = cadre == level
        if not sel.any():
            continue
        if not rule.handed_over:
            handed[sel] = False
            file_transfer[sel] = False
            if rule.reason_from is not None:
                reasons[sel & (reasons == None)] = _reason(policy.categories[rule.reason_from], lang)  # noqa: E711
        if not rule.file_transfer:
            file_transfer[sel] = False
    return Treatment(handed, file_transfer, reasons, rows)
