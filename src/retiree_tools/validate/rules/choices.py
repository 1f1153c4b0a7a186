"""Pick-list values: gender (``[genders]``), choice fields (人员类别, 退休前岗位, 干部管理权限 …,
with their aliases), yes/no and document columns (``[yesno]``); each column is mapped to its
canonical values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.domain.text import header_key
from retiree_tools.policy.model import Policy
from retiree_tools.texts import tr
from retiree_tools.validate.rules.base import Emitter, map_codes

EMITS = ("invalid-choice",)


def check_choices(em: Emitter, frame: pd.DataFrame, policy: Policy) -> None:
    lang = em.ctx.lang
    if "gender" in em.ctx.layout.columns:
        s = frame["gender"]
        index = policy.gender_index
        mapped, present, hit = map_codes(s, lambda v: index.get(str(v).upper()))
        bad = np.flatnonzero(present & ~hit)
        allowed = "、".join((policy.genders.male, policy.genders.female))
        em.emit("invalid-choice", "gender", bad, s.iloc[bad].tolist(), allowed=allowed)
        frame["gender"] = pd.Series(mapped, index=frame.index, dtype=object)
    for key, spec in policy.fields.items():
        if key not in em.ctx.layout.columns:
            continue
        s = frame[key]
        if spec.kind == "choice":
            index = policy.choice_index(key)
            mapped, present, hit = map_codes(s, lambda v, ix=index: ix.get(header_key(v)))
            bad = np.flatnonzero(present & ~hit)
            em.emit("invalid-choice", key, bad, s.iloc[bad].tolist(), allowed="、".join(policy.choices_of(key) or []))
            frame[key] = pd.Series(mapped, index=frame.index, dtype=object)
        elif spec.kind in ("yesno", "document"):
            index = policy.yesno_index(key)
            # documents: blank or unreadable counts as not handed over (False); yes/no: None
            mapped, present, hit = map_codes(s, lambda v, ix=index: ix.get(str(v).upper()),
                                             missing=False if spec.kind == "document" else None)
            bad = np.flatnonzero(present & ~hit)
            yes = "/".join(policy.yesno.yes[:4])
            no = "/".join(v for v in policy.yesno.no[:4] if v)
            em.emit("invalid-choice", key, bad, s.iloc[bad].tolist(), allowed=tr("validate.yes_no_allowed", lang, yes=yes, no=no))
            frame[key] = pd.Series(mapped, index=frame.index, dtype=object)
