"""``handover``: the forms of an enterprise (for one receiving unit or county, or all) were signed
and its assigned people handed over on a date. Only people of the enterprise's current
submissions with status ``assigned`` and no handover yet are marked; the handover, its count
and the audit row are written in one transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select, update

from retiree_tools.domain.text import clean_value
from retiree_tools.findings.errors import InputError
from retiree_tools.ledger.engine import open_ledger
from retiree_tools.ledger.query import refresh_tallies
from retiree_tools.ledger.record import add_event, enterprise_key, now_iso, os_user
from retiree_tools.ledger.schema import handovers, people, submissions


def parse_handover_date(value: str | dt.date) -> dt.date:
    from retiree_tools.domain.dates import parse_day

    if isinstance(value, dt.date):
        return value
    day = parse_day(value)
    if day is None:
        raise InputError("usage", reason="error.ledger_date", value=value)
    return day


def find_enterprise(conn, enterprise: str, ledger_name: str) -> tuple[str, str]:
    """(enterprise key, name) of a current submission whose enterprise is ``enterprise`` (its
    name or credit code, width and case folded)."""
    folded = clean_value(enterprise).upper()
    s = submissions.c
    row = conn.execute(select(s.enterprise_key, s.enterprise).where(s.current.is_(True), or_(
        s.enterprise_key == enterprise_key(None, enterprise), s.enterprise_key == folded,
        func.upper(s.enterprise) == folded)).limit(1)).first()
    if row is None:
        raise InputError("usage", ledger_name, reason="error.ledger_unknown_enterprise", enterprise=enterprise)
    return row.enterprise_key, row.enterprise or row.enterprise_key


def record_handover(db: str | None, enterprise: str, date: str | dt.date, unit: str | None = None) -> dict:
    """Mark the handover; the result says how many people were handed over now and before."""
    day = parse_handover_date(date).isoformat()
    ledger = open_ledger(db)
    try:
        at, user = now_iso(), os_user()
        with ledger.write() as conn:
            ekey, name = find_enterprise(conn, enterprise, ledger.name)
            p = people.c
            scope = [p.current.is_(True), p.enterprise_key == ekey, p.status == "assigned"]
            if unit:
                code = clean_value(unit).upper()
                scope.append(or_(p.unit_code == code, p.county_code == code))
                known = conn.execute(select(func.count()).where(and_(*scope))).scalar()
                if not known:
                    raise InputError("usage", ledger.name, reason="error.ledger_unknown_unit", unit=unit)
            done = conn.execute(select(func.count()).where(and_(*scope, p.handed_over_on.is_not(None)))).scalar()
            todo = conn.execute(select(func.count()).where(and_(*scope, p.handed_over_on.is_(None)))).scalar()
            result = {"ledger": ledger.name, "enterprise": name, "unit": unit, "date": day, "handed_over": int(todo),
                      "already": int(done), "handover_id": None}
            if not todo:
                return result
            hid = conn.execute(handovers.insert().values(enterprise_key=ekey, enterprise=name, unit_code=unit, date=day,
                                                         recorded_at=at, user=user, people=int(todo))).inserted_primary_key[0]
            subs = [r[0] for r in conn.execute(select(p.submission_id).where(and_(*scope, p.handed_over_on.is_(None)))
                                               .distinct())]
            conn.execute(update(people).where(and_(*scope, p.handed_over_on.is_(None)))
                         .values(handed_over_on=day, handover_id=hid))
            for sid in subs:
                refresh_tallies(conn, sid)
            add_event(conn, "handover", at=at, user=user, enterprise=name, people=int(todo), date=day, unit=unit)
            result["handover_id"] = hid
            return result
    finally:
        ledger.close()
