"""Reading the ledger: the tallies behind ``status`` and ``acceptance-report --db``, the current
people for ``render-forms --db`` and a roster check, the weekly handovers, the audit trail.

``status`` and the acceptance counts read the ``tallies`` (one row per submission × county ×
unit × status × reason × handed over, rewritten with every write by :func:`refresh_tallies`),
never the people: a ledger of a million people answers in well under a second.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from sqlalchemy import case, delete, func, insert, literal, select

from retiree_tools.assign.contract import KEYS, STATUSES
from retiree_tools.ledger.schema import (
    events,
    handovers,
    people,
    repeated_ids,
    repeated_people,
    submissions,
    tallies,
)

COUNTS = ("people", "errors", *STATUSES, "handed_over")


def refresh_tallies(conn, submission_id: int) -> None:
    """Rewrite the tallies of one submission from its people."""
    p = people.c
    reason = case((p.status == "excluded", p.reason), else_=None)
    category = case((p.status == "excluded", p.category), else_=None)
    handed = p.handed_over_on.is_not(None)
    keys = (p.enterprise, p.credit_code, p.county_code, p.county_name, p.unit_code, p.unit_name, p.status)
    q = (select(literal(submission_id), *keys, reason, category, handed, func.count())
         .where(p.submission_id == submission_id)
         .group_by(*keys, reason, category, handed))
    conn.execute(delete(tallies).where(tallies.c.submission_id == submission_id))
    conn.execute(insert(tallies).from_select(
        ["submission_id", "enterprise", "credit_code", "county_code", "county_name", "unit_code", "unit_name", "status",
         "reason", "category", "handed_over", "people"], q))


def refresh_repeated(conn, submission_ids: list[int]) -> None:
    """Recount in ``repeated_ids`` the ID numbers of the people of ``submission_ids`` (a new
    submission and those it superseded): each ID still on more than one current row, with the
    number of enterprises listing it."""
    if not submission_ids:
        return
    p = people.c
    touched = select(p.id_key).where(p.submission_id.in_(submission_ids), p.id_key.is_not(None))
    conn.execute(delete(repeated_ids).where(repeated_ids.c.id_key.in_(touched)))
    counted = (select(p.id_key, func.count(), func.count(func.distinct(p.enterprise_key)))
               .where(p.current.is_(True), p.id_key.in_(touched)).group_by(p.id_key).having(func.count() > 1))
    conn.execute(insert(repeated_ids).from_select(["id_key", "rows", "enterprises"], counted))
    rp = repeated_people.c
    names = (select(p.name, p.birth_date).where(p.submission_id.in_(submission_ids), p.name.is_not(None),
                                                 p.birth_date.is_not(None)).distinct().subquery())
    conn.execute(delete(repeated_people).where(
        select(names.c.name).where(names.c.name == rp.name, names.c.birth_date == rp.birth_date).exists()))
    counted = (select(p.name, p.birth_date, func.count(), func.count(func.distinct(p.enterprise_key)),
                      func.count(func.distinct(p.id_key)))
               .join(names, (names.c.name == p.name) & (names.c.birth_date == p.birth_date))
               .where(p.current.is_(True)).group_by(p.name, p.birth_date).having(func.count() > 1))
    conn.execute(insert(repeated_people).from_select(["name", "birth_date", "rows", "enterprises", "ids"], counted))


def frame_of(result, columns: list[str]) -> pd.DataFrame:
    """A DataFrame of a query's rows (as plain tuples: pandas reads those ~3x faster than Rows)."""
    return pd.DataFrame(list(map(tuple, result)), columns=columns)


def current_tallies(conn) -> pd.DataFrame:
    """The tallies of every current submission, with ``enterprise_key`` and ``weight``."""
    t, s = tallies.c, submissions.c
    q = (select(s.enterprise_key, t.submission_id, t.enterprise, t.credit_code, t.county_code, t.county_name,
                t.unit_code, t.unit_name, t.status, t.reason, t.category, t.handed_over, t.people.label("weight"))
         .join(submissions, s.id == t.submission_id).where(s.current.is_(True)))
    cols = ["enterprise_key", "submission_id", "enterprise", "credit_code", "county_code", "county_name", "unit_code",
            "unit_name", "status", "reason", "category", "handed_over", "weight"]
    return frame_of(conn.execute(q), cols)


def possible_duplicates_by_enterprise(conn) -> dict[str, int]:
    """Per enterprise, its current people whose name and birth date are also listed by another
    enterprise under another ID number (``ledger-possible-duplicate``)."""
    p, rp = people.c, repeated_people.c
    q = (select(p.enterprise_key, func.count())
         .join(repeated_people, (rp.name == p.name) & (rp.birth_date == p.birth_date))
         .where(p.current.is_(True), rp.enterprises > 1, rp.ids > 1).group_by(p.enterprise_key))
    return {k: int(n) for k, n in conn.execute(q)}


def duplicate_ids(conn) -> list[str]:
    """ID numbers in the current submissions of more than one enterprise."""
    r = repeated_ids.c
    return [row[0] for row in conn.execute(select(r.id_key).where(r.enterprises > 1).order_by(r.id_key))]


def current_people(conn, columns: list[str] | None = None, where=None) -> pd.DataFrame:
    """The current people (contract keys as columns, text; ``handed_over_on`` too), in
    submission then row order."""
    cols = [c for c in (columns or KEYS) if c in people.c] + ["handed_over_on"]
    q = select(*[people.c[c] for c in cols]).where(people.c.current.is_(True))
    if where is not None:
        q = q.where(where)
    q = q.order_by(people.c.submission_id, people.c.id)
    frame = frame_of(conn.execute(q), cols)
    if "row" in frame:
        frame["row"] = frame["row"].map(lambda v: None if v is None or v != v else str(int(v)))
    return frame.astype(object).where(frame.notna(), None)


def status_of(conn) -> dict:
    """Per enterprise its current submission(s) and counts, and the campaign totals."""
    subs = conn.execute(select(submissions).where(submissions.c.current.is_(True))
                        .order_by(submissions.c.enterprise_key, submissions.c.sheet_key)).all()
    t = current_tallies(conn)
    dup_ids = duplicate_ids(conn)
    dups: dict[str, int] = {}
    if dup_ids:
        p = people.c
        for chunk in range(0, len(dup_ids), 500):
            q = (select(p.enterprise_key, func.count()).where(p.current.is_(True), p.id_key.in_(dup_ids[chunk:chunk + 500]))
                 .group_by(p.enterprise_key))
            for k, n in conn.execute(q):
                dups[k] = dups.get(k, 0) + int(n)
    possible = possible_duplicates_by_enterprise(conn)
    by_ent: dict[str, dict] = {}
    for s in subs:
        e = by_ent.setdefault(s.enterprise_key, {
            "enterprise": s.enterprise, "credit_code": s.credit_code, "enterprise_key": s.enterprise_key,
            "files": [], "submitted_at": s.submitted_at, **{k: 0 for k in COUNTS}, "duplicates": dups.get(s.enterprise_key, 0),
            "possible_duplicates": possible.get(s.enterprise_key, 0)})
        e["files"].append({"file": s.file_name, "sheet": s.sheet, "sha256": s.sha256, "submission_id": s.id,
                           "submitted_at": s.submitted_at, "user": s.user})
        e["submitted_at"] = max(e["submitted_at"], s.submitted_at)
        e["people"] += s.people
        e["errors"] += s.errors
    if len(t):
        g = t.groupby(["enterprise_key", "status"])["weight"].sum()
        for (k, st), n in g.items():
            if k in by_ent and st in STATUSES:
                by_ent[k][st] += int(n)
        h = t[t["handed_over"].astype(bool)].groupby("enterprise_key")["weight"].sum()
        for k, n in h.items():
            if k in by_ent:
                by_ent[k]["handed_over"] += int(n)
    ents = sorted(by_ent.values(), key=lambda e: (e["enterprise"] or e["enterprise_key"]))
    totals = {k: sum(e[k] for e in ents) for k in (*COUNTS, "duplicates", "possible_duplicates")}
    totals["enterprises"] = len(ents)
    return {"enterprises": ents, "totals": totals, "duplicate_ids": len(dup_ids)}


def weekly_handovers(conn) -> list[dict]:
    """People handed over per ISO week (Monday), from the current people's handover dates."""
    p = people.c
    q = (select(p.handed_over_on, func.count()).where(p.current.is_(True), p.handed_over_on.is_not(None))
         .group_by(p.handed_over_on).order_by(p.handed_over_on))
    weeks: dict[str, int] = {}
    for day, n in conn.execute(q):
        d = dt.date.fromisoformat(day)
        monday = (d - dt.timedelta(days=d.weekday())).isoformat()
        weeks[monday] = weeks.get(monday, 0) + int(n)
    out, total = [], 0
    for week, n in sorted(weeks.items()):
        total += n
        out.append({"week": week, "handed_over": n, "cumulative": total})
    return out


def history(conn, limit: int | None = None) -> list[dict]:
    q = select(events).order_by(events.c.id.desc())
    if limit:
        q = q.limit(limit)
    out = []
    for r in conn.execute(q):
        out.append({"at": r.at, "user": r.user, "action": r.action, "enterprise": r.enterprise, "file": r.file_name,
                    "sha256": r.sha256, "submission_id": r.submission_id,
                    "detail": json.loads(r.detail) if r.detail else {}})
    out.reverse()
    return out


def handover_rows(conn) -> list[dict]:
    q = select(handovers).order_by(handovers.c.id)
    return [dict(r._mapping) for r in conn.execute(q)]
