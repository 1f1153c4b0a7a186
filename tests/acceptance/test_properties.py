"""acceptance-report invariants on generated row sets: every scope's rows add up to the totals,
the identity listed = assigned + excluded + review + rejected holds exactly where no status is
unknown, and every unknown status is reported as a break."""

from __future__ import annotations

from datetime import date

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from retiree_tools.acceptance.inputs import Target
from retiree_tools.acceptance.model import COUNT_FIELDS, SCOPES
from retiree_tools.acceptance.report import build_report

STATUS = st.sampled_from(["assigned", "assigned", "excluded", "review", "rejected", "pending", "", None])
ENTERPRISE = st.sampled_from(["甲厂", "乙厂", "丙厂", None])
CODE = st.sampled_from(["91320000MA1X0000X1", None])
UNIT = st.sampled_from(["321002001000", "321002002000", "321003001000", "", None])
ID = st.sampled_from([f"32100219550101{n:03d}X" for n in range(12)] + [None])

PERSON = st.fixed_dictionaries({"enterprise": ENTERPRISE, "credit_code": CODE, "status": STATUS,
                                "unit_code": UNIT, "id_number": ID})


def _frame(rows: list[dict]) -> pd.DataFrame:
    rows = [{**r, "county_code": r["unit_code"][:6] if r["unit_code"] else None} for r in rows]
    cols = ["enterprise", "credit_code", "status", "unit_code", "id_number", "county_code"]
    return pd.DataFrame(rows, columns=cols, dtype=object)


@settings(max_examples=150, deadline=None)
@given(st.lists(PERSON, max_size=40), st.sampled_from([date(2025, 1, 1), date(2026, 1, 1)]))
def test_scopes_sum_to_totals_and_breaks_are_reported(rows, as_of):
    targets = [Target("enterprise", "乙厂", None, 5, date(2025, 6, 30), None, 2),
               Target("unit", "321002", None, 6, date(2025, 6, 30), 0.9, 3)]
    rep = build_report(_frame(rows), targets, None, as_of)
    t = rep.totals
    assert t.listed == len(rows)
    for scope in SCOPES:
        for f in COUNT_FIELDS:
            assert sum(getattr(r, f) for r in rep.rows_of(scope)) == getattr(t, f), (scope, f)
    assert not [b for b in rep.breaks if b.kind == "scope-sum"]
    unknown = sum(1 for r in rows if (r["status"] or "").strip() not in ("assigned", "excluded", "review", "rejected"))
    assert t.unknown == unknown
    assert t.listed == t.assigned + t.excluded + t.review + t.rejected + t.unknown
    for r in rep.rows:
        assert r.listed == r.assigned + r.excluded + r.review + r.rejected + r.unknown
        assert (r.status == "break") == (r.unknown > 0)
        if r.unknown:
            assert any(b.kind == "identity" and b.scope == r.scope and b.key == r.key for b in rep.breaks)
    assert bool([b for b in rep.breaks if b.scope == "total"]) == (unknown > 0)
    ids = [r["id_number"] for r in rows if r["id_number"]]
    assert t.people == len(set(ids)) + sum(1 for r in rows if not r["id_number"])
    assert t.duplicates == sum(1 for i in ids if ids.count(i) > 1)
    assert rep.met == (not rep.breaks and not rep.duplicates
                       and all(r.status in ("met", "on-track") for r in rep.rows if r.target is not None))
