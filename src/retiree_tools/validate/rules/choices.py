"""Pick-list values: gender (``[genders]``), choice fields (人员类别, 退休前岗位, 干部管理权限 …,
with their aliases), yes/no and document columns (``[yesno]``); each column is mapped to its
canonical values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.policy.model import Policy
from retiree_tools.texts import tr
from retiree_tools.validate.rules.base import Emitter, map_codes, map_interpreted

EMITS = ("invalid-choice", "value-interpreted")


def check_choices(em: Emitter, frame: pd.DataFrame, policy: Policy) -> None:
    lang = em.ctx.lang
    if "gender" in em.ctx.layout.columns:
        s = frame["gender"]
        mapped, present, hit = map_codes(s, policy.interpret_gender)
        bad = np.flatnonzero(present & ~hit)
        allowed = "、".join((policy.genders.male, policy.genders.female))
        em.emit("invalid-choice", "gender", bad, s.iloc[bad].tolist(), allowed=allowed)
        frame["gender"] = pd.Series(mapped, index=frame.index, dtype=object)
    for key, spec in policy.fields.items():
        if key not in em.ctx.layout.columns:
            continue
        s = frame[key]
        if spec.kind == "choice":
            mapped, present, hit, unusual = map_interpreted(s, lambda v, k=key: policy.interpret_choice(k, v))
            bad = np.flatnonzero(present & ~hit)
            allowed = policy.choices_of(key) or []
            values = s.iloc[bad].tolist()
            close = {v: _closest(v, allowed) for v in set(values)}  # once per distinct value
            hints = {v: tr("validate.suggest", lang, values="、".join(c)) if c else "" for v, c in close.items()}
            em.emit("invalid-choice", key, bad, values, allowed="、".join(allowed),
                    suggest=[close[v] for v in values], hint=[hints[v] for v in values])
            frame[key] = pd.Series(mapped, index=frame.index, dtype=object)
            _report_interpreted(em, key, unusual)
        elif spec.kind in ("yesno", "document"):
            # documents: blank or unreadable counts as not handed over (False); yes/no: None
            mapped, present, hit, unusual = map_interpreted(s, lambda v, k=key: policy.interpret_yesno(k, v),
                                                            missing=False if spec.kind == "document" else None)
            bad = np.flatnonzero(present & ~hit)
            yes = "/".join(policy.yesno.yes[:4])
            no = "/".join(v for v in policy.yesno.no[:4] if v)
            em.emit("invalid-choice", key, bad, s.iloc[bad].tolist(), allowed=tr("validate.yes_no_allowed", lang, yes=yes, no=no),
                    hint="")
            frame[key] = pd.Series(mapped, index=frame.index, dtype=object)
            _report_interpreted(em, key, [(p, t, tr("validate.yes" if v else "validate.no", lang)) for p, t, v in unusual])


def _closest(value: str, allowed: list[str]) -> list[str]:
    """Up to three allowed values that look like ``value`` (for the clerk to pick from)."""
    import difflib

    return difflib.get_close_matches(str(value), allowed, n=3, cutoff=0.3)


def _report_interpreted(em: Emitter, key: str, unusual: list[tuple[int, str, object]]) -> None:
    """One note per distinct value read by a rule (not written as an allowed value), at its first row."""
    if unusual:
        pos, texts, values = zip(*unusual, strict=True)
        em.emit("value-interpreted", key, list(pos), list(texts), normalised=list(values))
