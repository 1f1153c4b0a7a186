"""A python-calamine cell value as text — the text fastexcel gives for it. Light on purpose (no
pandas): the child process that parses .xls/.ods (io/isolated.py) imports only this."""

from __future__ import annotations

import datetime as _dt


def cell_text(v: object) -> str | None:
    """python-calamine value → the text fastexcel would give for it (None for an empty cell)."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e20 else repr(v)
    if isinstance(v, _dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, _dt.date):
        return v.strftime("%Y-%m-%d 00:00:00")
    return str(v)
