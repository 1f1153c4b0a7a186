"""Where the ledger is and how it is opened: a path or ``RETIREE_TOOLS_DB`` (SQLite, the
default ``retiree-ledger.sqlite`` in the working directory) or a ``postgresql://`` URL; the
schema checked and upgraded in place by the Alembic migrations beside this module.

SQLite is opened in WAL mode with a busy timeout, and every write transaction starts with
``BEGIN IMMEDIATE``: two clerks submitting at once wait for each other instead of one losing
its submission. A new ledger file is created owner-only (0600; SQLite gives its -wal and -shm
files the same mode).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from retiree_tools.findings.errors import InputError

EMITS = ("ledger-missing", "ledger-invalid")
DEFAULT_FILE = "retiree-ledger.sqlite"
ENV = "RETIREE_TOOLS_DB"
BUSY_SECONDS = 60  # how long a writer waits for another clerk's transaction


def ledger_target(db: str | os.PathLike[str] | None) -> str:
    """The ledger named by ``--db``, else ``RETIREE_TOOLS_DB``, else the default file."""
    text = str(db) if db else os.environ.get(ENV) or DEFAULT_FILE
    return text


def is_url(target: str) -> bool:
    return "://" in target


def display_name(target: str) -> str:
    """The ledger as said to a user: a path as given, a URL without its password."""
    if not is_url(target):
        return target
    from sqlalchemy.engine import make_url

    try:
        return make_url(_driver_url(target)).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is reported by open_ledger
        return target.split("@")[-1]


def _driver_url(target: str) -> str:
    for plain in ("postgresql://", "postgres://"):
        if target.startswith(plain):
            return "postgresql+psycopg://" + target[len(plain):]
    return target


class Ledger:
    """An open ledger: ``engine`` and what it is called (``name``)."""

    def __init__(self, engine, name: str, sqlite_path: Path | None) -> None:
        self.engine = engine
        self.name = name
        self.sqlite_path = sqlite_path

    @contextmanager
    def write(self) -> Iterator:
        """One write transaction (committed on success, rolled back on any error; a killed
        process leaves the ledger as it was). Writers are serialised: SQLite by ``BEGIN
        IMMEDIATE``, PostgreSQL by a transaction-scoped advisory lock."""
        from sqlalchemy import text

        with self.engine.begin() as conn:
            if self.sqlite_path is None:
                conn.execute(text("SELECT pg_advisory_xact_lock(7319)"))
            yield conn

    @contextmanager
    def read(self) -> Iterator:
        with self.engine.connect() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()


def open_ledger(db: str | os.PathLike[str] | None = None, *, create: bool = False) -> Ledger:
    """Open the ledger (``create``: make it when missing). Raises InputError ``ledger-missing``
    (no ledger there: ``ledger init`` first) or ``ledger-invalid`` (not a ledger, a newer
    schema, a server that refuses)."""
    target = ledger_target(db)
    name = display_name(target)
    if is_url(target):
        ledger = _open_url(target, name)
    else:
        ledger = _open_sqlite(Path(target), name, create)
    try:
        _check_schema(ledger, create)
    except InputError:
        ledger.close()
        raise
    return ledger


def _open_sqlite(path: Path, name: str, create: bool) -> Ledger:
    from sqlalchemy import create_engine, event

    if path.is_dir():
        raise InputError("ledger-invalid", name, reason="error.is_directory")
    if not path.exists():
        if not create:
            raise InputError("ledger-missing", name, reason="error.ledger_missing")
        from retiree_tools.io.safe import make_private_dirs

        make_private_dirs(path.parent if str(path.parent) else Path("."))
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:  # another clerk's init got there first
            pass
        except OSError as exc:
            from retiree_tools.io.safe import output_failed

            raise output_failed(path, exc) from None
    engine = create_engine(f"sqlite:///{path.resolve()}", connect_args={"timeout": BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's begin() below says BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return Ledger(engine, name, path)


def _open_url(target: str, name: str) -> Ledger:
    from sqlalchemy import create_engine

    try:
        engine = create_engine(_driver_url(target), pool_pre_ping=False)
    except Exception as exc:  # noqa: BLE001 - an unknown scheme, a driver not installed
        raise InputError("ledger-invalid", name, reason="error.ledger_url", what=str(exc).splitlines()[0]) from None
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise InputError("ledger-invalid", name, reason="error.ledger_url", what=engine.dialect.name)
    return Ledger(engine, name, None)


def _check_schema(ledger: Ledger, create: bool) -> None:
    """The ledger's schema revision: none (a new ledger: created when ``create``), the newest
    (nothing to do), an older one (upgraded in place), an unknown one (refused)."""
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    from retiree_tools.ledger.schema import SCHEMA_REVISION

    try:
        with ledger.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            revision = None
            if "alembic_version" in tables:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as exc:
        raise InputError("ledger-invalid", ledger.name, reason="error.ledger_open",
                         what=_first_line(exc.orig)) from None
    except SQLAlchemyError as exc:
        raise InputError("ledger-invalid", ledger.name, reason="error.ledger_open", what=_first_line(exc)) from None
    if revision == SCHEMA_REVISION:
        return
    if revision is None and (tables - {"alembic_version"}):
        raise InputError("ledger-invalid", ledger.name, reason="error.ledger_foreign")
    if revision is None and not create:
        raise InputError("ledger-missing", ledger.name, reason="error.ledger_missing")
    upgrade(ledger, revision)


def upgrade(ledger: Ledger, revision: str | None) -> None:
    """Bring the schema to the newest revision with Alembic (one transaction)."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    known = {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}
    if revision is not None and revision not in known:
        raise InputError("ledger-invalid", ledger.name, reason="error.ledger_newer", revision=revision)
    with ledger.write() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _first_line(exc: object) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
