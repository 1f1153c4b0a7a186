"""The handover documents each person's category requires (``[categories.*] documents``), and
the note on people the policy does not hand over (离休, centrally managed cadres …). Who is
handed over and whose personnel file moves is decided by :mod:`retiree_tools.policy.treatment`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retiree_tools.policy.model import Policy
from retiree_tools.policy.treatment import treat
from retiree_tools.validate.rules.base import Emitter
from retiree_tools.validate.rules.columns import missing_document_columns

EMITS = ("document-missing", "not-transferable")


def check_documents(em: Emitter, frame: pd.DataFrame, policy: Policy) -> None:
    cats = frame["category"].to_numpy(dtype=object)
    cadre = frame["cadre_level"].to_numpy(dtype=object)
    t = treat(policy, cats, cadre, em.ctx.lang)
    not_handed = np.flatnonzero(~t.handed)
    em.emit("not-transferable", "category", not_handed, frame["category"].iloc[not_handed].tolist(),
            category=[cats[p] or cadre[p] for p in not_handed], reason=t.reasons[not_handed].tolist())
    # the documents of handed-over people; the personnel file only where it moves
    personnel_file = policy.documents.personnel_file
    missing_cols: set[str] = set()
    have_doc: dict[str, np.ndarray] = {}
    for name, cat in policy.categories.items():
        sel = t.category_rows[name] & t.handed
        if not sel.any():
            continue
        for doc in cat.documents:
            need = sel & t.file_transfer if doc == personnel_file else sel
            if doc not in em.ctx.layout.columns:
                missing_cols.add(doc)
                continue
            if doc not in have_doc:  # the column holds True/False objects
                have_doc[doc] = frame[doc].to_numpy(dtype=object) == True  # noqa: E712
            pos = np.flatnonzero(need & ~have_doc[doc])
            em.emit("document-missing", doc, pos, frame[doc].iloc[pos].map(lambda v: "否" if v is False else "").tolist())
    missing_document_columns(em, sorted(missing_cols))
