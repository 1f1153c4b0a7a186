"""``ledger init``: the ledger made (or opened) and the catalogue, policy and targets put in
force. Each file is validated exactly as the file commands validate it, then stored with its
bytes, name, hash, user and date: the newest of a kind is in force, the older ones stay as
history. Loading the same file again changes nothing."""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from retiree_tools.findings.errors import InputError
from retiree_tools.ledger.engine import Ledger, open_ledger
from retiree_tools.ledger.record import add_event, now_iso, os_user
from retiree_tools.ledger.schema import documents

KINDS = ("catalog", "policy", "targets")


@dataclass
class InitResult:
    ledger: str
    created: bool
    loaded: list[dict] = field(default_factory=list)  # {"kind", "file", "sha256", "changed", "summary"}

    def to_dict(self) -> dict:
        return {"ledger": self.ledger, "created": self.created, "documents": self.loaded}


def _check(kind: str, path: Path, lang: str) -> dict:
    """Validate ``path`` as a ``kind`` file (InputError as the file commands raise it); what it holds."""
    if kind == "catalog":
        from retiree_tools.assign.catalog import load_catalog

        return {"units": len(load_catalog(path, lang).units)}
    if kind == "policy":
        from retiree_tools.policy import load_policy

        load_policy(path)
        return {}
    from retiree_tools.acceptance.inputs import read_targets

    return {"targets": len(read_targets(path))}


def init_ledger(db: str | None, catalog: str | Path | None = None, policy: str | Path | None = None,
                targets: str | Path | None = None, lang: str = "zh") -> InitResult:
    """Create the ledger (or open it) and put the given files in force. A new ledger needs a
    catalogue. Every file is checked before anything is written."""
    given = {"catalog": catalog, "policy": policy, "targets": targets}
    checked: dict[str, tuple[Path, bytes, dict]] = {}
    for kind, p in given.items():
        if p is None:
            continue
        path = Path(p)
        summary = _check(kind, path, lang)
        checked[kind] = (path, path.read_bytes(), summary)
    try:
        ledger = open_ledger(db)
        created = False
    except InputError as exc:
        if exc.code != "ledger-missing":
            raise
        if "catalog" not in checked:
            raise InputError("usage", reason="error.ledger_init_needs") from None
        ledger = open_ledger(db, create=True)
        created = True
    try:
        result = InitResult(ledger=ledger.name, created=created)
        at, user = now_iso(), os_user()
        with ledger.write() as conn:
            if created:
                add_event(conn, "init", at=at, user=user)
            for kind in KINDS:
                if kind not in checked:
                    continue
                path, data, summary = checked[kind]
                digest = hashlib.sha256(data).hexdigest()
                current = _in_force_row(conn, kind)
                changed = current is None or current.sha256 != digest
                if changed:
                    conn.execute(documents.insert().values(kind=kind, loaded_at=at, user=user, file_name=path.name,
                                                           sha256=digest, content=data,
                                                           summary=json.dumps(summary, sort_keys=True)))
                    add_event(conn, kind, at=at, user=user, file_name=path.name, sha256=digest, **summary)
                result.loaded.append({"kind": kind, "file": path.name, "sha256": digest, "changed": changed,
                                      "summary": summary})
        return result
    finally:
        ledger.close()


def _in_force_row(conn, kind: str):
    return conn.execute(select(documents).where(documents.c.kind == kind)
                        .order_by(documents.c.id.desc()).limit(1)).first()


def in_force(conn, kind: str) -> tuple[int, str, bytes] | None:
    """(id, file name, bytes) of the ``kind`` file in force, or None."""
    row = _in_force_row(conn, kind)
    return (row.id, row.file_name, row.content) if row is not None else None


def _materialised(name: str, data: bytes, loader):
    """Run ``loader`` on a private temporary copy of a stored file (the readers take paths)."""
    with tempfile.TemporaryDirectory(prefix="retiree-tools-ledger-") as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(data)
        try:
            return loader(path)
        except InputError as exc:  # name the file as the clerk loaded it
            raise exc.with_path(f"{name} (ledger)") from None


def catalog_in_force(ledger: Ledger, lang: str = "zh"):
    """(document id, the catalogue in force); InputError when the ledger has none."""
    from retiree_tools.assign.catalog import load_catalog

    with ledger.read() as conn:
        doc = in_force(conn, "catalog")
    if doc is None:
        raise InputError("ledger-invalid", ledger.name, reason="error.ledger_no_catalog")
    return doc[0], _materialised(doc[1], doc[2], lambda p: load_catalog(p, lang))


def policy_in_force(ledger: Ledger):
    """(document id or None, the policy in force: the stored locality's TOML or the default)."""
    from retiree_tools.policy import load_policy

    with ledger.read() as conn:
        doc = in_force(conn, "policy")
    if doc is None:
        return None, load_policy(None)
    return doc[0], _materialised(doc[1], doc[2], load_policy)


def targets_in_force(ledger: Ledger):
    """The targets in force (a list of Target), or None when none were loaded."""
    from retiree_tools.acceptance.inputs import read_targets

    with ledger.read() as conn:
        doc = in_force(conn, "targets")
    if doc is None:
        return None
    return _materialised(doc[1], doc[2], read_targets)
