"""``status``: the campaign at a glance, from the ledger's tallies (:func:`query.status_of`) and
the targets (the enterprises that have not submitted)."""

from __future__ import annotations

from pathlib import Path

from retiree_tools.domain.text import clean_value
from retiree_tools.ledger.engine import open_ledger
from retiree_tools.ledger.query import status_of


def campaign_status(db: str | None = None, targets: str | Path | None = None) -> dict:
    """The ``status --format json`` document: ``enterprises`` (one entry per enterprise with a
    current submission), ``totals``, ``not_submitted`` (enterprise targets no submission
    matches, by credit code or name) and ``exit_code`` (0: everyone in the targets submitted and
    nobody in review, rejected, listed twice or possibly listed twice; else 1)."""
    from retiree_tools.acceptance.inputs import read_targets
    from retiree_tools.ledger.documents import targets_in_force

    ledger = open_ledger(db)
    try:
        tg = read_targets(targets) if targets is not None else targets_in_force(ledger)
        with ledger.read() as conn:
            doc = status_of(conn)
    finally:
        ledger.close()
    known = set()
    for e in doc["enterprises"]:
        known.update(clean_value(str(v)).upper() for v in (e["enterprise"], e["credit_code"], e["enterprise_key"]) if v)
    missing = [{"key": t.key, "name": t.name, "target": t.target, "deadline": t.deadline.isoformat() if t.deadline else None}
               for t in (tg or []) if t.scope == "enterprise"
               and not ({clean_value(t.key).upper(), clean_value(t.name or "").upper()} & known)]
    t = doc["totals"]
    settled = (not missing and not t["review"] and not t["rejected"] and not t["duplicates"]
               and not t["possible_duplicates"])
    return {"ledger": ledger.name, **doc, "not_submitted": missing, "targets_given": tg is not None,
            "exit_code": 0 if settled else 1}
