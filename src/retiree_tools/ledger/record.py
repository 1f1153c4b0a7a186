"""Small shared pieces of every ledger write: who and when, the enterprise key, the audit row."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from typing import Any

from retiree_tools.domain.text import clean_value
from retiree_tools.ledger.schema import events


def now_iso() -> str:
    """The time of a write, UTC, to the second (``2026-06-30T08:15:00Z``)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def os_user() -> str:
    """The operating-system user who runs the command (the clerk)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in a container
        import os

        return str(os.getuid()) if hasattr(os, "getuid") else "?"


def enterprise_key(name: object, credit_code: object) -> str:
    """What identifies an enterprise across submissions: its unified social credit code when
    given, else its name (width, spaces and case folded)."""
    cc = clean_value(str(credit_code)).upper() if credit_code else ""
    if cc:
        return cc
    return clean_value(str(name)).upper() if name else ""


def add_event(conn, action: str, *, at: str, user: str, enterprise: str | None = None, file_name: str | None = None,
              sha256: str | None = None, submission_id: int | None = None, **detail: Any) -> None:
    """One row of the audit trail."""
    conn.execute(events.insert().values(at=at, user=user, action=action, enterprise=enterprise, file_name=file_name,
                                        sha256=sha256, submission_id=submission_id,
                                        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None))
