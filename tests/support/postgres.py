"""A throwaway PostgreSQL server for the ledger tests: a cluster made by ``initdb`` in a
temporary directory, listening on a Unix socket only (no TCP port, nothing on the network),
stopped at the end of the session. As root the server runs as the ``postgres`` user (PostgreSQL
refuses to run as root). Where no server is installed the tests that need it skip with the
reason (``scripts/ensure-tools.sh`` installs Debian's postgresql when it can)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import uuid
from pathlib import Path


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return found[-1] if found else shutil.which(name)


class Server:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.data = base / "data"
        self.socket = base
        self.port = 5432
        self.prefix: list[str] = []
        self.started = False

    def start(self) -> str | None:
        """Start the cluster; None on success, else why not (for the skip)."""
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if not initdb or not pg_ctl:
            return "PostgreSQL server not installed (no initdb/pg_ctl; scripts/ensure-tools.sh installs Debian's postgresql as root)"
        try:
            import psycopg  # noqa: F401
        except ImportError:
            return "psycopg not installed (pip install 'retiree-tools[postgres]')"
        if os.geteuid() == 0:
            try:
                import pwd

                pw = pwd.getpwnam("postgres")
            except KeyError:
                return "running as root and there is no 'postgres' user to run the server as"
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        run = lambda *a: subprocess.run([*self.prefix, *a], capture_output=True, text=True, timeout=120)  # noqa: E731
        r = run(initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
        if r.returncode:
            return f"initdb failed: {r.stderr.strip()[-300:]}"
        opts = f"-k {self.socket} -c listen_addresses='' -p {self.port} -c fsync=off -c max_connections=40"
        r = run(pg_ctl, "-D", str(self.data), "-o", opts, "-l", str(self.base / "server.log"), "-w", "-t", "60", "start")
        if r.returncode:
            log = (self.base / "server.log").read_text(errors="replace")[-500:] if (self.base / "server.log").exists() else ""
            return f"pg_ctl start failed: {r.stderr.strip()[-300:]} {log}"
        self.started = True
        return None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket}&port={self.port}"

    def new_database(self) -> str:
        """A fresh empty database; its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(host=str(self.socket), port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.started:
            subprocess.run([*self.prefix, _bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                           capture_output=True, timeout=60)
            self.started = False
