"""The enterprise handing over: its name (a column, a 填报单位：… title line or --enterprise)
and its unified social credit code (GB 32100), in the column and in the title."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.domain.uscc import uscc_problem
from retiree_tools.findings.model import Finding, make_finding
from retiree_tools.validate.rules.base import Emitter, map_unique

EMITS = ("enterprise-unknown", "credit-code-invalid")


def check_credit_codes(em: Emitter, frame: pd.DataFrame) -> None:
    """The credit code columns: upper-cased, spaces dropped, each distinct code checked once."""
    for key, spec in em.policy.fields.items():
        if key not in em.ctx.layout.columns or spec.kind != "credit_code":
            continue
        vals = map_unique(frame[key], lambda v: str(v).upper().replace(" ", ""))
        problems = {v: uscc_problem(v) for v in vals.dropna().unique()}
        bad = vals.map(lambda v, p=problems: bool(p.get(v)) if v else False).to_numpy(bool)
        pos = np.flatnonzero(bad)
        lang = em.ctx.lang
        em.emit("credit-code-invalid", key, pos, vals.iloc[pos].tolist(),
                detail=[problems[v].render(lang) for v in vals.iloc[pos]],
                problem=[problems[v].key.rsplit(".", 1)[-1] for v in vals.iloc[pos]])
        frame[key] = vals


def title_credit_code(code: str, lang: str) -> Finding | None:
    """A credit code given in a title line or on the command line."""
    problem = uscc_problem(code)
    if problem is None:
        return None
    return make_finding("credit-code-invalid", lang, field="credit_code", value=code, detail=problem.render(lang),
                        problem=problem.key.rsplit(".", 1)[-1])


def enterprise_unknown(lang: str) -> Finding:
    return make_finding("enterprise-unknown", lang)
