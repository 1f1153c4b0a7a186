"""``submit``: validate and assign workbooks exactly as ``validate`` + ``assign`` do, then record
each roster sheet as a submission of its enterprise, in one transaction.

- The same file (sha256) already current for its enterprise and sheet: nothing is written,
  the submission is reported ``unchanged``.
- Otherwise a new submission with every person; the enterprise's current submission of the
  same sheet is superseded (kept, marked, its people no longer current). What changed is
  counted by person (ID number, else name + birth date): added, removed, changed (any value
  but the file name and row). A person already handed over keeps the handover when the new
  submission still assigns them to the same unit.
- Across the campaign: an ID number in the current submissions of two enterprises is a
  ``ledger-duplicate`` for both; the same name and birth date under other ID numbers a
  ``ledger-possible-duplicate`` (flagged, never merged).
- A file that cannot be read: nothing at all is recorded (exit 2), as ``assign`` writes no
  assigned file then. A sheet whose people could not be read (no header, a required column
  missing) is not recorded: it would supersede a readable one with nobody; nor is one whose
  enterprise nobody can tell (no name or credit code in the file or on the command line).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import and_, or_, select, update

from retiree_tools.assign.contract import KEYS, STATUSES
from retiree_tools.assign.run import UNREAD_CODES, AssignResult, iter_assigned_reports, person_json
from retiree_tools.domain.mask import mask_id
from retiree_tools.findings.model import FileReport
from retiree_tools.ledger.engine import Ledger, open_ledger
from retiree_tools.ledger.record import add_event, enterprise_key, now_iso, os_user
from retiree_tools.ledger.schema import people, submissions
from retiree_tools.validate.run import Options, with_columns

EMITS = ("ledger-duplicate", "ledger-possible-duplicate")
SIGNATURE_KEYS = [k for k in KEYS if k not in ("file", "row")]  # what "changed" compares
INSERT_BATCH = 5_000


@dataclass
class SubmitResult:
    ledger: str
    assign: AssignResult
    submissions: list[dict] = field(default_factory=list)
    not_recorded: list[dict] = field(default_factory=list)  # sheets whose people could not be read
    duplicates: list[dict] = field(default_factory=list)
    possible_duplicates: list[dict] = field(default_factory=list)
    findings: list = field(default_factory=list)  # the campaign-wide findings (ledger-duplicate, …)
    recorded: bool = False

    @property
    def exit_code(self) -> int:
        """2: a file could not be read (nothing recorded); 1: someone in review or rejected, a
        sheet not recorded, or a person listed by another enterprise too; else 0."""
        code = self.assign.exit_code
        if code == 2:
            return 2
        return 1 if code or self.not_recorded or self.duplicates or self.possible_duplicates else 0

    def to_dict(self, show_pii: bool = False) -> dict:
        def ident(v: str | None) -> str | None:
            return v if show_pii or not v else mask_id(v)

        dups = [{**d, "id_number": ident(d["id_number"])} for d in self.duplicates]
        poss = [{**d, "id_numbers": [ident(v) for v in d["id_numbers"]]} for d in self.possible_duplicates]
        doc = self.assign.to_dict(show_pii)
        return {"ledger": self.ledger, "recorded": self.recorded, "submissions": self.submissions,
                "not_recorded": self.not_recorded, "duplicates": dups, "possible_duplicates": poss,
                "findings": [f.to_dict(show_pii) for f in self.findings],
                "people": doc["people"], "summary": doc["summary"], "files": doc["files"], "skipped": doc["skipped"]}


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def submit_paths(paths: Iterable[str | Path], db: str | None = None, options: Options | None = None, *,
                 people_json: bool = False, attention: int = 30,
                 attention_status: tuple[str, ...] = ("review", "rejected")) -> SubmitResult:
    """Validate, assign and record ``paths`` (directories expanded as ``assign`` does) in the
    ledger ``db`` with its catalogue and policy in force. Raises InputError for a missing
    ledger and the usage errors ``assign`` raises, before any work."""
    from retiree_tools.io.paths import nothing_to_read, scan_paths
    from retiree_tools.ledger.documents import catalog_in_force, policy_in_force

    given = list(paths)
    found = scan_paths(given)
    if not found.files:
        raise nothing_to_read(found.skipped)
    opts = options or Options()
    ledger = open_ledger(db)
    try:
        catalog_id, cat = catalog_in_force(ledger, opts.lang)
        policy_id, pol = policy_in_force(ledger)
        opts = with_columns(opts, pol)
        cat.automaton()
        result = AssignResult(catalog=cat, skipped=[s.to_dict(opts.lang) for s in found.skipped])
        out = SubmitResult(ledger=ledger.name, assign=result)
        frames: dict[int, list[pd.DataFrame]] = {}
        for report, frame in iter_assigned_reports(found.files, cat, pol, opts, result, objects=False):
            frames.setdefault(id(report), []).append(frame)
            if people_json:
                result.people.extend(person_json(frame))
            if len(result.attention) < attention:
                todo = frame[frame["status"].isin(attention_status)].head(attention - len(result.attention))
                result.attention.extend(person_json(todo))
        if result.fatal():
            return out
        _record(ledger, out, frames, catalog_id, policy_id)
        out.findings = duplicate_findings(out.duplicates, out.possible_duplicates, opts.lang)
        return out
    finally:
        ledger.close()


def _record(ledger: Ledger, out: SubmitResult, frames: dict[int, list[pd.DataFrame]], catalog_id: int,
            policy_id: int | None) -> None:
    reports = out.assign.files
    sheets_per_file: dict[str, int] = {}
    for fr in reports:
        sheets_per_file[fr.path] = sheets_per_file.get(fr.path, 0) + 1
    hashes: dict[str, str] = {}
    at, user = now_iso(), os_user()
    touched: list[int] = []
    with ledger.write() as conn:
        for fr in reports:
            parts = frames.get(id(fr))
            if not parts or any(f.code in UNREAD_CODES for f in fr.findings):
                codes = sorted({f.code for f in fr.findings if f.code in UNREAD_CODES}) or ["file-empty"]
                out.not_recorded.append({"file": fr.path, "sheet": fr.sheet, "enterprise": fr.enterprise, "codes": codes})
                continue
            if not (enterprise_key(fr.enterprise, fr.credit_code) or _first(pd.concat(parts), "enterprise")):
                # nobody could tell whose roster this is: recorded, it would supersede another
                # unnamed enterprise's; the clerk names it with --enterprise / --credit-code
                out.not_recorded.append({"file": fr.path, "sheet": fr.sheet, "enterprise": None,
                                         "codes": ["enterprise-unknown"]})
                continue
            if fr.path not in hashes:
                hashes[fr.path] = sha256_of(fr.path)
            sheet_key = (fr.sheet or "") if sheets_per_file[fr.path] > 1 else ""
            entry, sid = _record_sheet(conn, fr, pd.concat(parts, ignore_index=True), hashes[fr.path], sheet_key,
                                       at, user, catalog_id, policy_id)
            out.submissions.append(entry)
            touched.append(sid)
        out.duplicates, out.possible_duplicates = campaign_duplicates(conn, touched)
        by_sub: dict[int, list[int]] = {}
        for d in out.duplicates:
            for s in d.pop("_submissions"):
                by_sub.setdefault(s, [0, 0])[0] += 1
        for d in out.possible_duplicates:
            for s in d.pop("_submissions"):
                by_sub.setdefault(s, [0, 0])[1] += 1
        for entry in out.submissions:
            entry["duplicates"], entry["possible_duplicates"] = by_sub.get(entry["submission_id"], [0, 0])
    out.recorded = True


def _record_sheet(conn, fr: FileReport, frame: pd.DataFrame, digest: str, sheet_key: str, at: str, user: str,
                  catalog_id: int, policy_id: int | None) -> tuple[dict, int]:
    """Record one roster sheet (or find it already current): its JSON entry and submission id."""
    ekey = enterprise_key(fr.enterprise, fr.credit_code) or enterprise_key(_first(frame, "enterprise"), None)
    summary = fr.summary()
    counts = {s: int((frame["status"] == s).sum()) for s in STATUSES}
    entry = {"enterprise": fr.enterprise, "credit_code": fr.credit_code, "file": Path(fr.path).name,
             "sheet": fr.sheet, "sha256": digest, "people": len(frame), "errors": summary["errors"], **counts}
    current = conn.execute(select(submissions.c.id, submissions.c.sha256).where(and_(
        submissions.c.enterprise_key == ekey, submissions.c.sheet_key == sheet_key,
        submissions.c.current.is_(True)))).all()
    same = [r.id for r in current if r.sha256 == digest]
    if same:
        return {**entry, "unchanged": True, "submission_id": same[0], "supersedes": [],
                "changes": {"added": 0, "removed": 0, "changed": 0}}, same[0]
    cols = person_columns(frame, ekey)
    old_ids = [r.id for r in current]
    changes = _changes_and_carry(conn, old_ids, cols)
    sid = conn.execute(submissions.insert().values(
        enterprise_key=ekey, enterprise=fr.enterprise, credit_code=fr.credit_code, sheet_key=sheet_key, sheet=fr.sheet,
        file_name=Path(fr.path).name, sha256=digest, submitted_at=at, user=user, catalog_id=catalog_id,
        policy_id=policy_id, current=True, people=len(frame), errors=summary["errors"],
        people_with_errors=summary["people_with_errors"],
        findings=json.dumps([f.code for f in fr.findings if f.row is None], ensure_ascii=False),
    )).inserted_primary_key[0]
    cols["submission_id"] = [sid] * len(frame)
    insert_people(conn, cols)
    if old_ids:
        conn.execute(update(submissions).where(submissions.c.id.in_(old_ids)).values(current=False, superseded_by=sid))
        conn.execute(update(people).where(people.c.submission_id.in_(old_ids)).values(current=False))
    from retiree_tools.ledger.query import refresh_repeated, refresh_tallies

    refresh_tallies(conn, sid)
    refresh_repeated(conn, [sid, *old_ids])
    detail = {**counts, "people": len(frame), "errors": summary["errors"], **changes}
    add_event(conn, "submit", at=at, user=user, enterprise=fr.enterprise or ekey, file_name=entry["file"],
              sha256=digest, submission_id=sid, **detail)
    for old in old_ids:
        add_event(conn, "supersede", at=at, user=user, enterprise=fr.enterprise or ekey, file_name=entry["file"],
                  sha256=digest, submission_id=old, superseded_by=sid)
    return {**entry, "unchanged": False, "submission_id": sid, "supersedes": old_ids, "changes": changes}, sid


def _first(frame: pd.DataFrame, key: str) -> str | None:
    if key not in frame:
        return None
    s = frame[key].dropna()
    return str(s.iloc[0]) if len(s) else None


ROW_KEYS = [*KEYS, "id_key", "digest", "enterprise_key", "current", "handed_over_on", "handover_id", "submission_id"]


def person_columns(frame: pd.DataFrame, ekey: str) -> dict[str, list]:
    """The people of an assigned frame as ledger columns (lists): every contract column as the
    text the assigned file holds (the same conversion as the writer's, without its formula
    escaping), the normalised ID, the digest of the values."""
    from retiree_tools.acceptance.people import normalised_ids
    from retiree_tools.assign.writer import text_columns
    from retiree_tools.io.safe import unescape_formula_arrow

    n = len(frame)
    arrays = text_columns(frame)
    cols = {k: unescape_formula_arrow(a).to_pylist() for k, a in zip(KEYS, arrays, strict=True)}
    cols["row"] = [int(v) if v is not None else None for v in cols["row"]]
    cols["id_key"] = normalised_ids(pd.Series(cols["id_number"], dtype=object)).tolist()
    md5 = hashlib.md5
    cols["digest"] = [md5("\x1f".join("" if v is None else v for v in values).encode(), usedforsecurity=False).hexdigest()
                      for values in zip(*[cols[k] for k in SIGNATURE_KEYS], strict=True)]
    cols["enterprise_key"] = [ekey] * n
    cols["current"] = [True] * n
    cols["handed_over_on"] = [None] * n
    cols["handover_id"] = [None] * n
    return cols


def insert_people(conn, cols: dict[str, list]) -> None:
    """Insert the people (:func:`person_columns`, with ``submission_id``) in batches of plain
    tuples straight to the driver's executemany, with the INSERT that SQLAlchemy compiles for the
    dialect (building a parameter dict per person cost ~4.5 s at 100k people)."""
    compiled = people.insert().compile(dialect=conn.dialect, column_keys=ROW_KEYS)
    if not compiled.positional:  # psycopg's default is named: the same INSERT with "%s" for tuples
        compiled = people.insert().compile(dialect=type(conn.dialect)(paramstyle="format"), column_keys=ROW_KEYS)
    order = list(compiled.positiontup)
    n = len(cols["submission_id"])
    for k in range(0, n, INSERT_BATCH):
        part = [values[k:k + INSERT_BATCH] for values in (cols[c] for c in order)]
        conn.exec_driver_sql(str(compiled), list(zip(*part, strict=True)))


def person_key(id_key: str | None, name: str | None, birth: str | None) -> str:
    return id_key if id_key else f"{name or ''}\x1f{birth or ''}"


def _changes_and_carry(conn, old_ids: list[int], cols: dict[str, list]) -> dict:
    """Added / removed / changed against the superseded submissions' people; handovers carried
    over (in ``cols``) for people still assigned to the same unit."""
    n = len(cols["id_key"])
    if not old_ids:
        return {"added": n, "removed": 0, "changed": 0}
    old: dict[str, tuple] = {}
    q = select(people.c.id_key, people.c.name, people.c.birth_date, people.c.digest, people.c.unit_code,
               people.c.handed_over_on, people.c.handover_id).where(people.c.submission_id.in_(old_ids))
    for r in conn.execute(q):
        old[person_key(r.id_key, r.name, r.birth_date)] = (r.digest, r.unit_code, r.handed_over_on, r.handover_id)
    added = changed = 0
    seen: set[str] = set()
    for i in range(n):
        k = person_key(cols["id_key"][i], cols["name"][i], cols["birth_date"][i])
        seen.add(k)
        was = old.get(k)
        if was is None:
            added += 1
            continue
        if was[0] != cols["digest"][i]:
            changed += 1
        if was[2] and cols["status"][i] == "assigned" and cols["unit_code"][i] == was[1]:
            cols["handed_over_on"][i], cols["handover_id"][i] = was[2], was[3]
    return {"added": added, "removed": len(set(old) - seen), "changed": changed}


def duplicate_findings(duplicates: list[dict], possible: list[dict], lang: str = "zh") -> list:
    """The campaign-wide duplicates as findings (file-level: no cell), in ``lang``."""
    from retiree_tools.findings.model import make_finding

    out = [make_finding("ledger-duplicate", lang, value=d["id_number"], pii="id", id_number=d["id_number"],
                        enterprises="、".join(d["enterprises"])) for d in duplicates]
    out += [make_finding("ledger-possible-duplicate", lang, name=d["name"], birth_date=d["birth_date"],
                         enterprises="、".join(d["enterprises"]), id_numbers=list(d["id_numbers"])) for d in possible]
    return out


def campaign_duplicates(conn, submission_ids: list[int]) -> tuple[list[dict], list[dict]]:
    """People of ``submission_ids`` also in another enterprise's current submission: by ID
    number (``ledger-duplicate``), and by name + birth date under another ID number
    (``ledger-possible-duplicate``). Each entry names the enterprises and (``_submissions``)
    the submissions involved."""
    if not submission_ids:
        return [], []
    a, b = people.alias("a"), people.alias("b")
    q = (select(a.c.id_key, a.c.name, a.c.enterprise, a.c.submission_id, b.c.enterprise, b.c.submission_id)
         .join(b, and_(b.c.current.is_(True), b.c.id_key == a.c.id_key, b.c.enterprise_key != a.c.enterprise_key))
         .where(a.c.submission_id.in_(submission_ids), a.c.id_key.is_not(None)))
    by_id: dict[str, dict] = {}
    for id_key, name, ent_a, sub_a, ent_b, sub_b in conn.execute(q):
        d = by_id.setdefault(id_key, {"id_number": id_key, "name": name, "enterprises": set(), "_submissions": set()})
        d["enterprises"].update(x for x in (ent_a, ent_b) if x)
        d["_submissions"].update((sub_a, sub_b))
    q = (select(a.c.name, a.c.birth_date, a.c.id_key, a.c.enterprise, a.c.submission_id,
                b.c.id_key, b.c.enterprise, b.c.submission_id)
         .join(b, and_(b.c.current.is_(True), b.c.name == a.c.name, b.c.birth_date == a.c.birth_date,
                       b.c.enterprise_key != a.c.enterprise_key,
                       or_(a.c.id_key.is_(None), b.c.id_key.is_(None), b.c.id_key != a.c.id_key)))
         .where(a.c.submission_id.in_(submission_ids), a.c.name.is_not(None), a.c.birth_date.is_not(None)))
    by_person: dict[tuple[str, str], dict] = {}
    for name, birth, id_a, ent_a, sub_a, id_b, ent_b, sub_b in conn.execute(q):
        d = by_person.setdefault((name, birth), {"name": name, "birth_date": birth, "id_numbers": set(),
                                                 "enterprises": set(), "_submissions": set()})
        d["id_numbers"].update(x for x in (id_a, id_b) if x)
        d["enterprises"].update(x for x in (ent_a, ent_b) if x)
        d["_submissions"].update((sub_a, sub_b))

    def done(d: dict) -> dict:
        return {k: sorted(v) if isinstance(v, set) else v for k, v in d.items()}

    return ([done(d) for _, d in sorted(by_id.items())],
            [done(d) for _, d in sorted(by_person.items())])
