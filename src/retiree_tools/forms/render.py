"""`render-forms` core: the print-ready handover forms of an assigned file, with a manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from retiree_tools.findings.errors import InputError
from retiree_tools.forms.plan import (
    FORM_KINDS,
    SERVICES,
    TITLES,
    Packet,
    Plan,
    Receipt,
    build_plan,
    status_texts,
)
from retiree_tools.forms.summary_xlsx import summary_xlsx_bytes
from retiree_tools.forms.templates import Renderer, html_to_pdf, require_weasyprint
from retiree_tools.texts import msg, tr

GENERATOR = "retiree-tools render-forms"
MANIFEST_VERSION = 1
FILE_NAMES = {"summary": "summary", "registration": "registration", "card": "card", "agreement": "agreement"}
Progress = Callable[[int, int], None]


def parse_forms(spec: str | Iterable[str] | None) -> list[str]:
    """``"summary,card"`` → the chosen kinds in the fixed order; unknown names are a usage error."""
    if spec is None:
        return list(FORM_KINDS)
    names = [s.strip().lower() for s in (spec.split(",") if isinstance(spec, str) else spec) if s.strip()]
    unknown = sorted(set(names) - set(FORM_KINDS))
    if unknown or not names:
        raise InputError("usage", reason="error.unknown_forms", names=", ".join(unknown) or msg("error.none"),
                         allowed=",".join(FORM_KINDS))
    return [k for k in FORM_KINDS if k in names]


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """``--date``: a day in any form people type (2026-11-23, 2026年11月23日, …; the same
    reader as ``--as-of`` and the targets file); a month alone is refused (which day?)."""
    from retiree_tools.domain.dates import parse_day

    if value is None or isinstance(value, dt.date):
        return value
    day = parse_day(value, month_end=False)
    if day is None:
        raise InputError("usage", reason="error.date_form", value=repr(value))
    return day


def date_context(date: dt.date | None) -> dict[str, Any]:
    """``date.text`` is printed on the forms: ``2025年6月30日``, or blanks to fill in by hand."""
    if date is None:
        return {"iso": "", "text": "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日", "given": False}
    return {"iso": date.isoformat(), "text": f"{date.year}年{date.month}月{date.day}日", "given": True}


def check_out_dir(out_dir: Path, inputs: list[Path]) -> None:
    """Refuse an out-dir that is an input, lies inside an input directory, holds an input, or is
    an existing directory that is neither empty nor an earlier render-forms output (the whole
    directory is replaced)."""
    from retiree_tools.io.safe import refuse_inputs

    refuse_inputs([out_dir], inputs)
    o = out_dir.expanduser().resolve()
    for i in inputs:
        r = Path(i).expanduser().resolve()
        if o == r or o in r.parents:
            raise InputError("output-is-input", str(out_dir), input=str(i))
    if o.exists() and not o.is_dir():
        raise InputError("usage", reason="error.out_dir_not_dir", path=str(out_dir))
    if o.is_dir() and any(o.iterdir()):
        manifest = _our_manifest(o)
        if manifest is None:
            raise InputError("usage", reason="error.out_dir_not_ours", path=str(out_dir))
        foreign = _foreign_files(o, manifest)
        if foreign:  # a scanned signed form put beside ours: never deleted by the swap
            shown = "、".join(foreign[:5]) + (f" …（{len(foreign)}）" if len(foreign) > 5 else "")
            raise InputError("usage", reason="error.out_dir_foreign", path=str(out_dir), files=shown)


def _our_manifest(d: Path) -> dict | None:
    try:
        data = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("generator") == GENERATOR else None


def _is_our_output(d: Path) -> bool:
    return _our_manifest(d) is not None


_MAX_FOREIGN_SCAN = 200_000  # entries walked at most (an out-dir holds a few thousand files)


def _foreign_files(d: Path, manifest: dict) -> list[str]:
    """Files under ``d`` that the earlier render (its manifest) did not write, by relative path."""
    ours = {"manifest.json"} | {str(f.get("path")) for f in manifest.get("files", []) if isinstance(f, dict)}
    foreign: list[str] = []
    seen = 0
    for root, dirs, files in os.walk(d):
        dirs.sort()
        for name in sorted(files):
            seen += 1
            rel = (Path(root) / name).relative_to(d).as_posix()
            if rel not in ours:
                foreign.append(rel)
        if seen > _MAX_FOREIGN_SCAN:
            break
    return foreign


class _Writer:
    """Writes files under the temporary out-dir, owner-only, and records the manifest entries."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.entries: list[dict[str, Any]] = []
        self._made: set[str] = set()  # directories already created (a thousand files share a few hundred)

    def _entry(self, rel: str, kind: str, fmt: str, data: bytes, people: int, county: dict[str, str] | None = None,
               unit: dict[str, str] | None = None, enterprise: str | None = None) -> None:
        self.entries.append({
            "path": rel, "kind": kind, "format": fmt,
            "county_code": county["code"] if county else None, "county_name": county["name"] if county else None,
            "unit_code": unit["code"] if unit else None, "unit_name": unit["name"] if unit else None,
            "enterprise": enterprise, "people": people, "sha256": hashlib.sha256(data).hexdigest()})

    def mkdirs(self, rel_dir: str) -> Path:
        """Create ``rel_dir`` under the root, every level owner-only."""
        if rel_dir in self._made:
            return self.root / rel_dir
        self._made.add(rel_dir)
        path = self.root
        for part in rel_dir.split("/"):
            path = path / part
            if not path.is_dir():
                path.mkdir(mode=0o700)
                os.chmod(path, 0o700)
        return path

    def write(self, rel: str, data: bytes, **meta: Any) -> None:
        path = self.root / rel
        if "/" in rel:
            self.mkdirs(rel.rsplit("/", 1)[0])
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(path, 0o600)
        if meta:
            self._entry(rel, data=data, **meta)



def render_forms(paths: Iterable[str | Path], out_dir: str | Path, forms: str | Iterable[str] | None = None,
                 templates: str | Path | None = None, date: str | dt.date | None = None, pdf: bool = False,
                 progress: Progress | None = None) -> dict[str, Any]:
    """Render the chosen forms for the people with status ``assigned`` into ``out_dir`` (replaced
    as a whole, atomically) and return the manifest (also written as ``manifest.json``).

    Raises InputError (exit 2) for unreadable or non-assigned inputs, a refused out-dir, a
    missing or broken template, or ``pdf`` without weasyprint."""
    from retiree_tools.assign.reader import read_assigned
    from retiree_tools.io.paths import nothing_to_read, scan_paths

    kinds = parse_forms(forms)
    day = parse_date(date)
    given = [Path(p) for p in paths]
    found = scan_paths(given, "assigned")  # directories: the assigned files (xlsx, csv) in them
    files = found.files
    if not files:
        raise nothing_to_read(found.skipped, "error.no_assigned_files")
    out = Path(out_dir)
    check_out_dir(out, [*given, *files])
    return render_frame(lambda: read_assigned(files), out, kinds, templates, day, pdf, progress)


def render_frame(read, out: Path, kinds: list[str], templates: str | Path | None, day: dt.date | None, pdf: bool,
                 progress: Progress | None = None) -> dict[str, Any]:
    """Render the people ``read()`` returns (an assigned frame: from files, or the ledger's
    current people) into ``out`` (already checked by :func:`check_out_dir`); the manifest."""
    from retiree_tools.io.safe import atomic_dir

    renderer = Renderer(templates)
    for kind in [*kinds, "index"]:
        renderer.load(kind)
    weasy = require_weasyprint() if pdf else None
    plan = build_plan(read())
    common = {"date": date_context(day), "services": list(SERVICES), "status_text": status_texts()}
    page_kinds = [k for k in kinds if k != "receipt"]
    total = (len(plan.packets) if page_kinds else 0) + (len(plan.receipts) if "receipt" in kinds else 0)
    done = 0
    with atomic_dir(out) as tmp:
        w = _Writer(tmp)
        if page_kinds:
            for packet in plan.packets:
                _write_packet(w, renderer, weasy, packet, page_kinds, common)
                done += 1
                if progress:
                    progress(done, total)
        if "receipt" in kinds:
            for receipt in plan.receipts:
                _write_receipt(w, renderer, weasy, receipt, common)
                done += 1
                if progress:
                    progress(done, total)
        html = renderer.render("index", **common, **_index_context(plan, w.entries, kinds))
        w.write("index.html", html.encode("utf-8"), kind="index", fmt="html", people=plan.counts["assigned"])
        manifest = {
            "generator": GENERATOR,
            "version": MANIFEST_VERSION,
            "date": day.isoformat() if day else None,
            "forms": kinds,
            "people": {**plan.counts},
            "files": sorted(w.entries, key=lambda e: e["path"]),
        }
        w.write("manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return manifest


def _html(w: _Writer, renderer: Renderer, weasy: Any, rel: str, kind: str, context: dict[str, Any], **meta: Any) -> None:
    html = renderer.render(kind, **context)
    w.write(rel, html.encode("utf-8"), kind=kind, fmt="html", **meta)
    if weasy is not None:
        pdf_rel = rel.rsplit(".", 1)[0] + ".pdf"
        w.write(pdf_rel, html_to_pdf(weasy, html, (w.root / rel).parent), kind=kind, fmt="pdf", **meta)


def _write_packet(w: _Writer, renderer: Renderer, weasy: Any, k: Packet, kinds: list[str], common: dict[str, Any]) -> None:
    meta = {"county": k.county, "unit": k.unit, "enterprise": k.enterprise["name"], "people": len(k.people)}
    context = {**common, "county": k.county, "unit": k.unit, "enterprise": k.enterprise, "people": k.people,
               "totals": k.totals, "index_href": _up(k.rel_dir) + "index.html"}
    for kind in kinds:
        rel = f"{k.rel_dir}/{FILE_NAMES[kind]}.html"
        _html(w, renderer, weasy, rel, kind, context, **meta)
        if kind == "summary":
            w.write(f"{k.rel_dir}/summary.xlsx", summary_xlsx_bytes(k, common["date"]["text"]), kind="summary", fmt="xlsx", **meta)


def _write_receipt(w: _Writer, renderer: Renderer, weasy: Any, r: Receipt, common: dict[str, Any]) -> None:
    meta = {"county": r.county, "enterprise": r.enterprise["name"], "people": r.counts["assigned"]}
    context = {**common, "county": r.county, "enterprise": r.enterprise, "counts": r.counts, "reasons": r.reasons,
               "documents": r.documents, "files": r.files, "units": r.units, "others": r.others,
               "index_href": _up(r.rel_path.rsplit("/", 1)[0]) + "index.html"}
    _html(w, renderer, weasy, r.rel_path, "receipt", context, **meta)


def _up(rel_dir: str) -> str:
    return "../" * (rel_dir.count("/") + 1)


def level_text(level: str) -> dict[str, str]:
    """A receiving unit's level for the index: the catalogue level (``county``, ``street`` …;
    ``""`` when the word is not one) and its word in Chinese and English (an unknown word as
    written)."""
    from retiree_tools.assign.catalog import level_of

    key = level_of(level) or ""
    if not key:
        return {"key": "", "zh": level, "en": level}
    return {"key": key, "zh": tr(f"forms.level.{key}", "zh"), "en": tr(f"forms.level.{key}", "en")}


def county_anchor(code: str) -> str:
    """The ``id`` of a county's section in index.html (``c-321002``; ``c-none`` for no county)."""
    return "c-" + (re.sub(r"[^0-9A-Za-z_-]", "_", code) if code else "none")


def _index_context(plan: Plan, entries: list[dict[str, Any]], kinds: list[str]) -> dict[str, Any]:
    """Counties → receipts and units → enterprise packets with links to their files."""
    links: dict[str, list[dict[str, str]]] = {}
    order = {k: i for i, k in enumerate(FORM_KINDS)}
    for e in sorted(entries, key=lambda e: (order.get(e["kind"], 99), e["format"] != "html", e["path"])):
        folder, name = e["path"].rsplit("/", 1)
        if e["kind"] == "receipt":
            folder = e["path"]
        links.setdefault(folder, []).append({"kind": e["kind"], "format": e["format"], "href": e["path"],
                                             "title": TITLES[e["kind"]], "name": name})
    counties: dict[str, dict[str, Any]] = {}
    for k in plan.packets:
        c = counties.setdefault(k.county["code"], {**k.county, "units": {}, "receipts": [], "people": 0,
                                                   "anchor": county_anchor(k.county["code"])})
        u = c["units"].setdefault(k.unit["code"], {**k.unit, "packets": [], "people": 0, "level_text": level_text(k.unit["level"])})
        u["packets"].append({"enterprise": k.enterprise, "people": len(k.people), "files": links.get(k.rel_dir, [])})
        u["people"] += len(k.people)
        c["people"] += len(k.people)
    if "receipt" in kinds:
        for r in plan.receipts:
            c = counties.setdefault(r.county["code"], {**r.county, "units": {}, "receipts": [], "people": 0,
                                                       "anchor": county_anchor(r.county["code"])})
            c["receipts"].append({"enterprise": r.enterprise, "counts": r.counts, "files": links.get(r.rel_path, [])})
    ordered = []
    for code in sorted(counties, key=lambda c: (c == "", c)):  # unplaced people last
        c = counties[code]
        ordered.append({**c, "units": [c["units"][u] for u in sorted(c["units"])]})
    return {"counties": ordered, "counts": plan.counts, "kinds": kinds, "titles": TITLES}
