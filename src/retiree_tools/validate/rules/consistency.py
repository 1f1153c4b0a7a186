"""What the ID number says against what the row says: birth date and gender. Where the row
leaves them blank, the ID's values are filled in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.domain import dates
from retiree_tools.validate.rules.base import Emitter
from retiree_tools.validate.rules.identity import IdParts

EMITS = ("birthdate-mismatch", "gender-mismatch")


def check_id_consistency(em: Emitter, frame: pd.DataFrame, ok: np.ndarray, parts: IdParts, ym) -> None:
    if not ok.any():
        return
    g = em.policy.genders
    id_y, id_m, id_d = parts.year, parts.month, parts.day
    sex = np.where(ok, np.where(parts.male, g.male, g.female), "").astype(object)
    if "birth_date" in ym and "birth_date" in em.ctx.layout.columns:
        b_ym, b_d = ym["birth_date"]
        id_ym = id_y * 12 + id_m - 1
        bad = ok & (b_ym >= 0) & ((b_ym != id_ym) | ((b_d > 0) & (b_d != id_d)))
        pos = np.flatnonzero(bad)
        em.emit("birthdate-mismatch", "birth_date", pos, frame["birth_date"].iloc[pos].tolist(),
                expected=[dates.fmt(id_y[p], id_m[p], id_d[p]) for p in pos])
    if "gender" in em.ctx.layout.columns:
        gv = frame["gender"].to_numpy(dtype=object)
        bad = ok & np.array([isinstance(x, str) for x in gv]) & (gv != sex)
        pos = np.flatnonzero(bad)
        em.emit("gender-mismatch", "gender", pos, gv[pos].tolist(), expected=sex[pos].tolist())
    else:
        frame["gender"] = np.where(ok, sex, None)
    # fill the derived birth date and gender where blank
    fill = ok & frame["birth_date"].isna().to_numpy()
    if fill.any():
        frame.loc[fill, "birth_date"] = [dates.fmt(id_y[p], id_m[p], id_d[p]) for p in np.flatnonzero(fill)]
    fill = ok & frame["gender"].isna().to_numpy()
    if fill.any():
        frame.loc[fill, "gender"] = sex[fill]
