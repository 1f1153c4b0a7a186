"""Date fields: readable as a date, not in the future, and in the policy's order (``[dates]``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.domain import dates
from retiree_tools.policy.model import Policy
from retiree_tools.validate.rules.base import CallState, Emitter

EMITS = ("date-invalid", "date-future", "date-order")


def check_dates(em: Emitter, frame: pd.DataFrame, policy: Policy, state: CallState) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Parse date fields (written back as ISO text); return {field: (month_index, day)} with
    month_index = y*12+m-1, -1 where unknown."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    today_ym = state.today.year * 12 + state.today.month - 1
    for key, spec in policy.fields.items():
        if spec.kind not in ("date", "month"):
            continue
        s = frame[key]
        y, mo, d = dates.parse_column(s)
        present = s.notna().to_numpy()
        invalid = present & ((y == 0) | (y < policy.thresholds.earliest_birth_year))
        if key in em.ctx.layout.columns:
            em.emit("date-invalid", key, np.flatnonzero(invalid), s[invalid].tolist())
        ym = np.where(invalid | ~present, -1, y * 12 + mo - 1)
        future = (ym > today_ym) | ((ym == today_ym) & (d > state.today.day))
        em.emit("date-future", key, np.flatnonzero(future), s[future].tolist(), today=state.today.isoformat())
        ym = np.where(future, -1, ym)
        frame[key] = dates.format_column(y, mo, d, ym >= 0)
        out[key] = (ym, d)
    _check_order(em, frame, policy, out)
    return out


def _check_order(em: Emitter, frame: pd.DataFrame, policy: Policy, parsed: dict) -> None:
    """Each (early, late) pair of ``[dates] order``: early before late. A pair implied by two
    others through a field between them (birth → work start → retirement) is reported only
    where that field is unknown: otherwise one of the other two pairs already says it."""
    pairs = [tuple(p) for p in policy.dates.order]
    for early, late in pairs:
        if early not in parsed or late not in parsed:
            continue
        a, b = parsed[early][0], parsed[late][0]
        bad = (a >= 0) & (b >= 0) & (a >= b)
        for mid in {m for e, m in pairs if e == early} & {m for m, c in pairs if c == late}:
            if mid in em.ctx.layout.columns and mid in parsed:
                bad &= parsed[mid][0] < 0
        em.emit("date-order", late, np.flatnonzero(bad), frame[late][bad].tolist(),
                early=policy.fields[early].header, late=policy.fields[late].header,
                early_field=early, late_field=late)
