"""The ledger part of the suite (issue #15, ``--only ledger``): what ``submit`` costs against
``assign -o`` on the same workbook, and ``status`` / ``acceptance-report --db`` on a ledger of
a million people.

Prepared once per suite run, untimed, by the code measured (the snapshot), in
``benchmarks/data/out/ledger/``:

- ``template.sqlite``: ``ledger init --catalog catalog.csv`` (empty); every measured ``submit``
  into a fresh ledger gets its own copy of it.
- ``base-100k.sqlite``: the template with ``people-100k.xlsx`` submitted (a real ``submit``);
  the re-submit and the supersede measurements each start from a copy of it.
- ``people-100k-changed.xlsx``: ``people-100k.xlsx`` with the phone number of every 100th
  person changed (the worksheet XML rewritten, nothing else touched): same enterprise and
  sheet, another sha256 — ``submit`` supersedes the base submission and counts ~1,000 changed.
- ``ledger-1m.sqlite``: the base ledger with its one real submission copied 9 times inside the
  database (:func:`expand`): new submission rows under 9 other enterprises (name and credit
  code), their people copied with the new submission id, enterprise and credit code, and the
  ID numbers' first two digits (``32``, every ID of the data set) replaced by another
  province's (``11``, ``12``, …) so that the 1,000,000 people are 1,000,000 different people,
  as in a real campaign (the 1% of rows the workbook repeats on purpose repeat within each
  enterprise, ~2,000 rows per copy); then the tallies of each copy rebuilt with
  ``retiree_tools.ledger.query.refresh_tallies`` (and the repeated IDs with ``refresh_repeated``). Then four real ``handover`` commands (four
  enterprises, one week apart), so that the report has handed-over people and weekly progress.
  Copying instead of submitting ten workbooks: ``--enterprise``/``--credit-code`` do override
  the workbook's title, but the people would be the same 100,000 under ten enterprises (every
  one a campaign duplicate, which is a different measurement) and ten submits take minutes.
- ``roster-1m.csv``: the roster for ``acceptance-report --roster`` (身份证号码, 姓名, 原工作单位)
  from the 1M ledger's current people, every 100th left out (listed but not on the roster)
  and one person in 200 added who is on no list (on the roster, not submitted).
"""

from __future__ import annotations

import csv
import re
import shutil
import sys
import zipfile
from pathlib import Path

from .generate import DATA

LEDGER_DIR = DATA / "out" / "ledger"
REL = "out/ledger"  # the same, relative to the data directory the commands run in
TEMPLATE = LEDGER_DIR / "template.sqlite"
BASE = LEDGER_DIR / "base-100k.sqlite"
L1M = LEDGER_DIR / "ledger-1m.sqlite"
CHANGED = LEDGER_DIR / "people-100k-changed.xlsx"
ROSTER = LEDGER_DIR / "roster-1m.csv"
COPIES = 10  # enterprises in the 1M ledger (the real submission and 9 copies)
PROVINCES = ("11", "12", "13", "14", "15", "21", "22", "23", "31")  # ID prefixes of the copies
HANDOVER_DAYS = ("2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02")  # four enterprises, weekly


def sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def copy_ledger(src: Path, dst: Path) -> None:
    """A fresh copy of a closed SQLite ledger (its -wal/-shm too if a run left any)."""
    for f in sqlite_files(dst):
        f.unlink(missing_ok=True)
    for s, d in zip(sqlite_files(src), sqlite_files(dst), strict=True):
        if s.exists():
            shutil.copyfile(s, d)
            d.chmod(0o600)  # as the ledger makes its own file


def fresh(src: Path, dst: Path):
    """A ``before`` hook: ``dst`` a copy of ``src`` (untimed, before each repetition)."""
    return lambda: copy_ledger(src, dst)


def enterprise_names(n: int) -> list[tuple[str, str]]:
    """(name, credit code) of the copies: valid unified social credit codes, seeded."""
    import random

    from ._catalog import make_uscc
    from .generate import ENTERPRISE_KINDS, SEED

    rng = random.Random(SEED + 15)
    words = ["光明", "东方", "前进", "胜利", "新华", "长江", "运河", "友谊", "曙光", "红星", "江淮", "维扬"]
    return [(f"扬州市{words[k]}{ENTERPRISE_KINDS[k % len(ENTERPRISE_KINDS)]}", make_uscc(rng, "321003"))
            for k in range(n)]


def write_changed(src: Path, dst: Path, every: int = 100) -> int:
    """``src`` with the phone (column Q) of every ``every``-th data row changed (last digit
    +1 mod 10): the worksheet XML rewritten, every other part of the zip copied as it is."""
    pat = re.compile(r'(<c r="Q(\d+)"[^>]*><is><t>)(\d+)(</t>)')
    changed = 0

    def sub(m: re.Match) -> str:
        nonlocal changed
        row = int(m.group(2))
        if row < 3 or row % every:
            return m.group(0)
        changed += 1
        digits = m.group(3)
        return m.group(1) + digits[:-1] + str((int(digits[-1]) + 1) % 10) + m.group(4)

    tmp = dst.with_suffix(".tmp")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = pat.sub(sub, data.decode("utf-8")).encode("utf-8")
            zout.writestr(item, data)
    tmp.replace(dst)
    return changed


def expand(path: Path, copies: int = COPIES) -> dict:
    """Copy the one submission of the ledger ``path`` ``copies - 1`` times inside the database
    (see the module docstring); runs with the code measured (child process, snapshot first on
    PYTHONPATH)."""
    from sqlalchemy import text

    from retiree_tools.ledger.engine import open_ledger
    from retiree_tools.ledger.query import refresh_repeated, refresh_tallies
    from retiree_tools.ledger.schema import people

    ledger = open_ledger(str(path))
    names = enterprise_names(copies - 1)
    cols = [c.name for c in people.columns if c.name != "id"]
    swap = {"submission_id": ":sid", "enterprise_key": ":ekey", "enterprise": ":ent", "credit_code": ":cc",
            "id_key": "CASE WHEN id_key IS NULL THEN NULL ELSE :pfx || substr(id_key, 3) END",
            "id_number": "CASE WHEN substr(id_number, 1, 2) = '32' THEN :pfx || substr(id_number, 3) ELSE id_number END"}
    select_list = ", ".join(swap.get(c, f'"{c}"') for c in cols)
    insert_people = text(f'INSERT INTO people ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
                         f"SELECT {select_list} FROM people WHERE submission_id = :src ORDER BY id")
    with ledger.write() as conn:
        src = conn.execute(text("SELECT id FROM submissions WHERE current")).scalars().all()
        if len(src) != 1:
            raise SystemExit(f"expected one current submission in {path}, found {len(src)}")
        src_id = src[0]
        sub_cols = [r[1] for r in conn.execute(text("PRAGMA table_info(submissions)")) if r[1] != "id"]
        for k, (name, cc) in enumerate(names):
            sel = ", ".join({"enterprise_key": ":ekey", "enterprise": ":ent", "credit_code": ":cc",
                             "file_name": ":fname", "sha256": ":sha"}.get(c, f'"{c}"') for c in sub_cols)
            sid = conn.execute(text(f'INSERT INTO submissions ({", ".join(chr(34) + c + chr(34) for c in sub_cols)}) '
                                    f"SELECT {sel} FROM submissions WHERE id = :src RETURNING id"),
                               {"ekey": cc, "ent": name, "cc": cc, "fname": f"copy-{k + 1}.xlsx",
                                "sha": f"{k + 1:064x}", "src": src_id}).scalar_one()
            conn.execute(insert_people, {"sid": sid, "ekey": cc, "ent": name, "cc": cc, "pfx": PROVINCES[k],
                                         "src": src_id})
            refresh_tallies(conn, sid)
            refresh_repeated(conn, [sid])
        n = conn.execute(text("SELECT count(*), count(DISTINCT id_key) FROM people WHERE current")).one()
    ledger.close()
    return {"people": n[0], "distinct_ids": n[1], "enterprises": [nm for nm, _ in names]}


def write_roster(path: Path, out: Path, every: int = 100, extra: int = 200) -> dict:
    """The roster of the 1M ledger (read with the standard library: a closed SQLite file)."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    listed = left_out = added = 0
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["身份证号码", "姓名", "原工作单位"])
        q = "SELECT id_number, name, enterprise FROM people WHERE current AND id_key IS NOT NULL ORDER BY id"
        for i, (idn, name, ent) in enumerate(con.execute(q)):
            if i % every == every - 1:
                left_out += 1
                continue
            w.writerow([idn, name, ent])
            listed += 1
            if i % extra == 0:  # someone the enterprises did not list
                w.writerow(["33" + idn[2:], name, ent])
                added += 1
    con.close()
    return {"roster": listed + added, "left_out": left_out, "not_submitted": added}


def recorded(which: str) -> int:
    """People of the current submissions in the ledger the last ``submit`` run of ``which``
    (fresh | resubmit | supersede) left: 100,000 each when it did its work — for the re-submit
    only if nothing was added (one submission), for the changed copy only if it superseded the
    base one (two submissions, one current)."""
    import sqlite3

    path = LEDGER_DIR / f"{which if which != 'submit' else 'fresh'}.sqlite"
    if not path.exists():
        return 0
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        subs = con.execute("SELECT count(*), sum(current) FROM submissions").fetchone()
        want = {"fresh": (1, 1), "submit": (1, 1), "resubmit": (1, 1), "supersede": (2, 1)}[which]
        if tuple(subs) != want:
            return 0
        return con.execute("SELECT count(*) FROM people WHERE current").fetchone()[0]
    finally:
        con.close()


def prepare(log) -> None:
    """Build the ledgers and files above (untimed), with the code measured."""
    import json
    import time

    from ._measure import run
    from ._suite import OUT, child_env, tool

    t0 = time.perf_counter()
    shutil.rmtree(LEDGER_DIR, ignore_errors=True)
    LEDGER_DIR.mkdir(parents=True)
    env, t = child_env(), tool()

    def must(cmd: list[str], ok=(0, 1), what: str = "") -> None:
        s = run(cmd, DATA, None, OUT / "ledger-prepare.stderr", env)
        if s.rc not in ok:
            raise SystemExit(f"ledger preparation failed ({what or cmd[1]}, exit {s.rc}): see {OUT / 'ledger-prepare.stderr'}")
        log(f"  (ledger: {what or cmd[1]} {s.seconds:.1f} s, {s.peak_mb:.0f} MB, unmeasured)")

    must([*t, "ledger", "init", "--catalog", "catalog.csv", "--db", f"{REL}/template.sqlite", "-q"], (0,), "init")
    copy_ledger(TEMPLATE, BASE)
    must([*t, "submit", "people-100k.xlsx", "--db", f"{REL}/base-100k.sqlite", "-q"], what="submit 100k")
    # in a child: the sheet XML as a str is ~1 GB, and a parent that large would show in every
    # measured child's peak RSS (Linux counts the forked copy of the parent in ru_maxrss)
    s = run([sys.executable, "-m", "benchmarks._ledger", "changed", "people-100k.xlsx", str(CHANGED)], DATA,
            LEDGER_DIR / "changed.txt", OUT / "ledger-prepare.stderr", env)
    if s.rc:
        raise SystemExit(f"writing {CHANGED.name} failed (exit {s.rc}): see {OUT / 'ledger-prepare.stderr'}")
    n = int((LEDGER_DIR / "changed.txt").read_text())
    log(f"  (ledger: {CHANGED.name}: {n:,} phone numbers changed, {s.seconds:.1f} s)")
    copy_ledger(BASE, L1M)
    out = LEDGER_DIR / "expand.json"
    s = run([sys.executable, "-m", "benchmarks._ledger", "expand", str(L1M)], DATA, out, OUT / "ledger-prepare.stderr", env)
    if s.rc:
        raise SystemExit(f"ledger expansion failed (exit {s.rc}): see {OUT / 'ledger-prepare.stderr'}")
    info = json.loads(out.read_text(encoding="utf-8"))
    log(f"  (ledger: 1M ledger by copying in SQL: {info['people']:,} people, {info['distinct_ids']:,} distinct IDs, "
        f"{s.seconds:.1f} s)")
    for name, day in zip(info["enterprises"], HANDOVER_DAYS, strict=False):
        must([*t, "handover", "--enterprise", name, "--date", day, "--db", f"{REL}/ledger-1m.sqlite", "-q"], (0,),
             f"handover {day}")
    r = write_roster(L1M, ROSTER)
    log(f"  (ledger: {ROSTER.name}: {r['roster']:,} people, {r['left_out']:,} of the ledger left out, "
        f"{r['not_submitted']:,} not submitted)")
    (LEDGER_DIR / "prepared.json").write_text(json.dumps({**info, **r, "changed_phones": n}, ensure_ascii=False),
                                              encoding="utf-8")
    log(f"  (ledger preparation took {time.perf_counter() - t0:.0f} s)")


def main(argv: list[str]) -> int:
    import json

    if argv[:1] == ["changed"]:
        print(write_changed(Path(argv[1]), Path(argv[2])))
        return 0
    if argv[:1] == ["expand"]:
        print(json.dumps(expand(Path(argv[1])), ensure_ascii=False))
        return 0
    print("usage: python -m benchmarks._ledger expand LEDGER | changed SRC.xlsx DST.xlsx", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
