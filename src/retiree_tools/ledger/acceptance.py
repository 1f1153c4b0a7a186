"""``acceptance-report --db``: the same reconciliation as from assigned files, over the
ledger's current submissions, plus handovers over time.

Counts come from the tallies (no person is read), except the people whose ID number is on
more than one current row: those are read one by one — and taken out of their tallies — so
that :func:`~retiree_tools.acceptance.report.build_report` lists them exactly as it does from
files. With ``--roster`` every current person is read (the roster is compared by person).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from retiree_tools.acceptance.model import AcceptanceReport, Deadline, Progress, Week
from retiree_tools.acceptance.report import COLUMNS, reconcile, report_options, write_outputs
from retiree_tools.ledger.engine import open_ledger
from retiree_tools.ledger.query import current_people, current_tallies, frame_of, weekly_handovers
from retiree_tools.ledger.schema import people, repeated_ids

GROUP = ["enterprise", "credit_code", "county_code", "county_name", "unit_code", "unit_name", "status", "reason",
         "category", "handed_over"]
_BLANK = "\x00"  # None inside a group key while frames are aligned


def acceptance_from_ledger(db: str | None = None, targets: str | Path | None = None, roster: str | Path | None = None,
                           as_of: date | str | None = None, min_rate: float | str | None = None, lang: str = "zh", *,
                           policy=None, outputs=()) -> AcceptanceReport:
    """The acceptance report of the ledger ``db``. ``targets`` default to the ledger's targets
    in force, ``policy`` (for the default threshold) to its policy in force."""
    from retiree_tools.acceptance.inputs import read_roster, read_targets
    from retiree_tools.findings.errors import InputError
    from retiree_tools.io.safe import refuse_inputs
    from retiree_tools.ledger.documents import policy_in_force, targets_in_force

    ledger = open_ledger(db)
    try:
        if policy is None and min_rate is None:
            policy = policy_in_force(ledger)[1]
        as_of, min_rate, outs = report_options(as_of, min_rate, policy, outputs)
        if ledger.sqlite_path is not None:
            refuse_inputs(outs, [ledger.sqlite_path, *([targets] if targets else []), *([roster] if roster else [])])
        tg = read_targets(targets) if targets is not None else targets_in_force(ledger)
        ro = read_roster(roster) if roster is not None else None
        with ledger.read() as conn:
            if not conn.execute(select(func.count()).select_from(people)).scalar():
                raise InputError("usage", ledger.name, reason="error.ledger_nothing")
            frame = current_people(conn, COLUMNS) if ro is not None else tallied_frame(conn)
            weeks = weekly_handovers(conn)
        report = reconcile(frame.drop(columns=["handed_over_on"], errors="ignore"), tg, ro, as_of, min_rate, lang,
                           targets)
        report.progress = progress(report, weeks, tg)
        write_outputs(report, outs, lang)
        return report
    finally:
        ledger.close()


def tallied_frame(conn) -> pd.DataFrame:
    """The current tallies as a weighted frame, with the people whose ID number repeats as rows
    of their own (and out of their tallies)."""
    t = current_tallies(conn)
    p = people.c
    cols = [c for c in COLUMNS if c in p] + ["handed_over_on"]
    q = (select(*[p[c] for c in cols]).where(p.current.is_(True), p.id_key.in_(select(repeated_ids.c.id_key)))
         .order_by(p.submission_id, p.id))
    dup = frame_of(conn.execute(q), cols)
    if len(dup):
        dup["row"] = dup["row"].map(lambda v: None if v is None or v != v else str(int(v)))
        dup["handed_over"] = dup["handed_over_on"].notna()
        excluded = dup["status"] == "excluded"
        key = dup[GROUP[:-3]].copy()
        key["reason"] = dup["reason"].where(excluded, None)
        key["category"] = dup["category"].where(excluded, None)
        key["handed_over"] = dup["handed_over"]
        less = key.fillna(_BLANK).groupby(GROUP, dropna=False).size()
        tk = t[GROUP].fillna(_BLANK)
        index = pd.MultiIndex.from_frame(tk)
        t["weight"] = t["weight"].to_numpy(np.int64) - less.reindex(index, fill_value=0).to_numpy(np.int64)
        t = t[t["weight"] > 0]
        dup["weight"] = 1
    frame = pd.concat([t.drop(columns=["enterprise_key", "submission_id"]), dup], ignore_index=True)
    for c in COLUMNS:
        if c not in frame:
            frame[c] = None
    frame = frame.drop(columns=["handed_over", "handed_over_on"], errors="ignore")
    return frame.astype({"weight": np.int64})


def progress(report: AcceptanceReport, weeks: list[dict], targets) -> Progress:
    """Handovers per week against the people expected — per enterprise its target, or where it
    has none the people it listed less those not handed over — and the targets' deadlines."""
    ent = [t for t in (targets or []) if t.scope == "enterprise"]
    expected = sum(r.target if r.target is not None else max(r.listed - r.excluded, 0)
                   for r in report.rows_of("enterprise"))
    by_day: dict[str, list[int]] = {}
    for t in ent:
        if t.deadline is not None:
            by_day.setdefault(t.deadline.isoformat(), []).append(t.target)
    deadlines, due = [], 0
    for day in sorted(by_day):
        due += sum(by_day[day])
        deadlines.append(Deadline(date=day, due=due, targets=len(by_day[day])))
    handed = weeks[-1]["cumulative"] if weeks else 0
    return Progress(weeks=[Week(**w) for w in weeks], handed_over=handed, expected=expected, deadlines=deadlines,
                    rate=round(handed / expected, 4) if expected > 0 else None)
