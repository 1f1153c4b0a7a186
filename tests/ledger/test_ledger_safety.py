"""The ledger keeps what it was given: the schema is the migrations' (and an older ledger is
upgraded in place with its data), a new catalogue is kept beside the old one, two clerks
submitting at once both land, and a submit killed halfway leaves the ledger as it was. Each case
on SQLite and on a real PostgreSQL server (``ledger_db``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from support.cli import EXE, run
from support.factory import person, write_openpyxl
from support.paths import SAMPLES

CATALOG = SAMPLES / "catalog.csv"
A = SAMPLES / "enterprise_a.xlsx"
B = SAMPLES / "enterprise_b.csv"


def doc(*args, code: int | tuple = 0) -> dict:
    r = run(*args, "--format", "json")
    codes = code if isinstance(code, tuple) else (code,)
    assert r.returncode in codes, r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    return json.loads(r.stdout)


def _engine(db: str):
    from retiree_tools.ledger.engine import open_ledger

    return open_ledger(db)


def test_schema_is_the_migrations_and_an_older_ledger_is_upgraded_in_place(ledger_db):
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from sqlalchemy import text

    import retiree_tools.ledger.engine as engine_mod
    from retiree_tools.ledger.schema import SCHEMA_REVISION, metadata

    doc("ledger", "init", "--catalog", CATALOG, "--db", ledger_db)
    doc("submit", B, "--db", ledger_db, code=1)
    ledger = _engine(ledger_db)
    with ledger.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []  # migrations == schema.py
    # take it back to the first revision, as an older version of the tool left it
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(engine_mod.__file__).with_name("migrations")))
    with ledger.write() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    with ledger.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    ledger.close()
    st = doc("status", "--db", ledger_db, code=1)  # opening it upgrades it
    assert st["totals"]["people"] == 120
    ledger = _engine(ledger_db)
    with ledger.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_REVISION
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    ledger.close()


def test_a_new_catalogue_is_kept_with_the_old_one(ledger_db, tmp_path):
    doc("ledger", "init", "--catalog", CATALOG, "--db", ledger_db)
    newer = tmp_path / "catalog-2.csv"
    newer.write_bytes(CATALOG.read_bytes() + "321002999000,测试新街道,street,321002,测试新街道,,,\n".encode())
    d = doc("ledger", "init", "--catalog", newer, "--db", ledger_db)
    assert d["documents"][0]["changed"] is True and d["documents"][0]["summary"]["units"] == 115
    events = doc("ledger", "history", "--db", ledger_db)["events"]
    cats = [e for e in events if e["action"] == "catalog"]
    assert [e["file"] for e in cats] == ["catalog.csv", "catalog-2.csv"] and cats[0]["sha256"] != cats[1]["sha256"]
    # a broken catalogue is refused and the one in force stays
    bad = tmp_path / "bad.csv"
    bad.write_text("no,header\n1,2\n", "utf-8")
    assert doc("ledger", "init", "--catalog", bad, "--db", ledger_db, code=2)["error"]["code"] == "catalog-invalid"
    assert len([e for e in doc("ledger", "history", "--db", ledger_db)["events"] if e["action"] == "catalog"]) == 2


def _spawn(*args) -> subprocess.Popen:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.Popen([*EXE, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_two_clerks_submitting_at_once_both_land(ledger_db, tmp_path):
    doc("ledger", "init", "--catalog", CATALOG, "--db", ledger_db)
    # the same enterprise twice at once (two versions) and another enterprise: nothing lost,
    # exactly one current submission per enterprise
    b2 = tmp_path / "enterprise_b_copy.csv"
    b2.write_bytes(B.read_bytes().replace(b"0514-83281189", b"13900002222"))
    procs = [_spawn("submit", f, "--db", ledger_db, "--format", "json") for f in (A, B, b2)]
    outs = [p.communicate(timeout=240) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 1, err[-1500:]  # review/rejected people: 1, never 2
        assert json.loads(out)["recorded"] is True
    st = doc("status", "--db", ledger_db, code=1)
    assert sorted(e["enterprise"] for e in st["enterprises"]) == ["扬州市光明纺织厂", "扬州市红旗机械厂"]
    b = next(e for e in st["enterprises"] if e["enterprise"] == "扬州市光明纺织厂")
    assert len(b["files"]) == 1 and b["people"] == 120
    events = [e["action"] for e in doc("ledger", "history", "--db", ledger_db)["events"]]
    assert events.count("submit") == 3 and events.count("supersede") == 1


def test_a_killed_submit_leaves_the_ledger_as_it_was(ledger_db, tmp_path):
    doc("ledger", "init", "--catalog", CATALOG, "--db", ledger_db)
    doc("submit", B, "--db", ledger_db, code=1)
    before = doc("status", "--db", ledger_db, code=1)
    big = write_openpyxl(tmp_path / "big.xlsx", [person(i) for i in range(1, 12001)])
    sqlite = "://" not in ledger_db
    killed_in_write = False
    for _attempt in range(3):
        p = _spawn("submit", big, "--db", ledger_db)
        if sqlite:  # the transaction has begun once the write-ahead log grows past its header
            wal = Path(ledger_db + "-wal")
            start = wal.stat().st_size if wal.exists() else 0
            deadline = time.monotonic() + 120
            while p.poll() is None and time.monotonic() < deadline:
                if wal.exists() and wal.stat().st_size > start + 64 * 1024:
                    killed_in_write = True
                    break
                time.sleep(0.002)
        else:  # the server shows our transaction holding the writers' lock
            killed_in_write = _wait_for_lock(ledger_db, p)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
        if killed_in_write:
            break
    assert killed_in_write, "the submit finished before it could be killed in its write"
    after = doc("status", "--db", ledger_db, code=1)
    assert after == before
    if sqlite:
        import sqlite3

        assert sqlite3.connect(ledger_db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # and the ledger takes the next submit
    d = doc("submit", A, "--db", ledger_db, code=1)
    assert d["recorded"] is True and d["submissions"][0]["people"] == 300


def _wait_for_lock(url: str, p: subprocess.Popen) -> bool:
    from sqlalchemy import create_engine, text

    from retiree_tools.ledger.engine import _driver_url

    engine = create_engine(_driver_url(url))
    try:
        deadline = time.monotonic() + 120
        while p.poll() is None and time.monotonic() < deadline:
            with engine.connect() as conn:
                n = conn.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")).scalar()
                rows = conn.execute(text("SELECT count(*) FROM people")).scalar()  # not yet visible to us
            if n:
                time.sleep(0.3)  # well inside the inserts
                return p.poll() is None and rows is not None
            time.sleep(0.01)
        return False
    finally:
        engine.dispose()

