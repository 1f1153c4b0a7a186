"""The ledger tests run every case on both backends: a real SQLite file and a real PostgreSQL
server (support.postgres; skipped with the reason where none can be started)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from support.postgres import Server


@pytest.fixture(scope="session")
def pg_server():
    # not under pytest's tmp_path: that is 0700 root's, and the server runs as the postgres user
    base = Path(tempfile.mkdtemp(prefix="retiree-pg-"))
    server = Server(base)
    why = server.start()
    yield server if why is None else why
    server.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_db(request, tmp_path, pg_server) -> str:
    """A ledger address that does not exist yet: a SQLite path, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite")
    if isinstance(pg_server, str):
        pytest.skip(pg_server)
    return pg_server.new_database()
