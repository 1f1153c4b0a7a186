"""Cells too long to check (a pasted document, a hostile file): cut, and reported."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.io.source import MAX_CELL_CHARS
from retiree_tools.validate.rules.base import Emitter

EMITS = ("value-too-long",)
CHECKED_CHARS = 200  # what is kept of an overlong cell for the other rules


def check_lengths(em: Emitter, frame: pd.DataFrame) -> None:
    for key in list(em.ctx.layout.columns):
        s = frame[key]
        lengths = s.str.len().fillna(0).to_numpy()
        pos = np.flatnonzero(lengths > MAX_CELL_CHARS)
        if len(pos):
            em.emit("value-too-long", key, pos, None, length=lengths[pos].astype(int).tolist(), limit=MAX_CELL_CHARS)
            frame.loc[pos, key] = s.iloc[pos].str.slice(0, CHECKED_CHARS)
