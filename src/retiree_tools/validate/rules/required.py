"""Required values (``[required]`` in the policy): values every person must have, recommended
ones (a warning), and groups of which at least one must be given (the locations)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.policy.model import Policy
from retiree_tools.validate.rules.base import Emitter

EMITS = ("missing-value", "location-missing")


def check_required(em: Emitter, frame: pd.DataFrame, policy: Policy) -> None:
    for key in policy.required.values:
        if key in em.ctx.layout.columns:
            pos = np.flatnonzero(frame[key].isna().to_numpy())
            em.emit("missing-value", key, pos)
    for key in policy.required.recommended:
        if key in em.ctx.layout.columns and key not in policy.required.values:
            pos = np.flatnonzero(frame[key].isna().to_numpy())
            em.emit("missing-value", key, pos, severity="warning")
    for group in policy.required.any_of:
        present = [k for k in group if k in em.ctx.layout.columns]
        if not present:
            continue
        none = np.logical_and.reduce([frame[k].isna().to_numpy() for k in present])
        headers = "、".join(policy.fields[k].header for k in group)
        em.emit("location-missing", present[0], np.flatnonzero(none), headers=headers, fields=tuple(group))
